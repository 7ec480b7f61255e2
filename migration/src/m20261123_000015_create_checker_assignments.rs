//! Quality checking, first part: checkers' profiles (areas, availability, training) and the
//! assignments admins give them (a listing to check by a date), which they accept or decline.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Listings {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum CheckerProfiles {
    Table,
    UserId,
    Areas,
    Availability,
    Training,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum CheckerAssignments {
    Table,
    Id,
    ListingId,
    OrganisationId,
    CheckerUserId,
    AssignedByUserId,
    DueOn,
    Notes,
    Status,
    DeclineReason,
    RespondedAt,
    CreatedAt,
    UpdatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(CheckerProfiles::Table)
                    .col(big_integer(CheckerProfiles::UserId).primary_key())
                    .col(text(CheckerProfiles::Areas))
                    .col(text(CheckerProfiles::Availability))
                    .col(text(CheckerProfiles::Training))
                    .col(timestamp_with_time_zone(CheckerProfiles::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(CheckerProfiles::Table, CheckerProfiles::UserId)
                            .to(Users::Table, Users::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(CheckerAssignments::Table)
                    .col(big_pk_auto(CheckerAssignments::Id))
                    .col(big_integer(CheckerAssignments::ListingId))
                    .col(big_integer(CheckerAssignments::OrganisationId))
                    .col(big_integer(CheckerAssignments::CheckerUserId))
                    .col(big_integer(CheckerAssignments::AssignedByUserId))
                    .col(date(CheckerAssignments::DueOn))
                    .col(text(CheckerAssignments::Notes))
                    .col(string_len(CheckerAssignments::Status, 12))
                    .col(text_null(CheckerAssignments::DeclineReason))
                    .col(timestamp_with_time_zone_null(
                        CheckerAssignments::RespondedAt,
                    ))
                    .col(timestamp_with_time_zone(CheckerAssignments::CreatedAt))
                    .col(timestamp_with_time_zone(CheckerAssignments::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(CheckerAssignments::Table, CheckerAssignments::ListingId)
                            .to(Listings::Table, Listings::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(CheckerAssignments::Table, CheckerAssignments::CheckerUserId)
                            .to(Users::Table, Users::Id),
                    )
                    .to_owned(),
            )
            .await?;
        for (name, column) in [
            (
                "idx_checker_assignments_checker",
                CheckerAssignments::CheckerUserId,
            ),
            (
                "idx_checker_assignments_listing",
                CheckerAssignments::ListingId,
            ),
            ("idx_checker_assignments_status", CheckerAssignments::Status),
        ] {
            manager
                .create_index(
                    Index::create()
                        .name(name)
                        .table(CheckerAssignments::Table)
                        .col(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
