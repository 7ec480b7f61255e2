//! Inspections: what a quality checker records on a visit, saved as a draft step by step
//! (so nothing is lost if the connection drops) and then submitted for the council's review.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum CheckerAssignments {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Inspections {
    Table,
    Id,
    AssignmentId,
    ListingId,
    OrganisationId,
    CheckerUserId,
    Status,
    VisitDate,
    VisitType,
    Answers,
    PeopleSaid,
    Actions,
    AdminComments,
    OverallScore,
    SubmittedAt,
    PublishedAt,
    CreatedAt,
    UpdatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Inspections::Table)
                    .col(big_pk_auto(Inspections::Id))
                    .col(big_integer(Inspections::AssignmentId))
                    .col(big_integer(Inspections::ListingId))
                    .col(big_integer(Inspections::OrganisationId))
                    .col(big_integer(Inspections::CheckerUserId))
                    .col(string_len(Inspections::Status, 12))
                    .col(date_null(Inspections::VisitDate))
                    .col(string_len_null(Inspections::VisitType, 20))
                    .col(text(Inspections::Answers))
                    .col(text(Inspections::PeopleSaid))
                    .col(text(Inspections::Actions))
                    .col(text_null(Inspections::AdminComments))
                    .col(integer_null(Inspections::OverallScore))
                    .col(timestamp_with_time_zone_null(Inspections::SubmittedAt))
                    .col(timestamp_with_time_zone_null(Inspections::PublishedAt))
                    .col(timestamp_with_time_zone(Inspections::CreatedAt))
                    .col(timestamp_with_time_zone(Inspections::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Inspections::Table, Inspections::AssignmentId)
                            .to(CheckerAssignments::Table, CheckerAssignments::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_inspections_assignment")
                    .table(Inspections::Table)
                    .col(Inspections::AssignmentId)
                    .unique()
                    .to_owned(),
            )
            .await?;
        for (name, column) in [
            ("idx_inspections_listing", Inspections::ListingId),
            ("idx_inspections_status", Inspections::Status),
        ] {
            manager
                .create_index(
                    Index::create()
                        .name(name)
                        .table(Inspections::Table)
                        .col(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
