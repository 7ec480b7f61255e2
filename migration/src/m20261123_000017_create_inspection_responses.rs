//! A provider's response to a published quality check (an action plan after a poor rating),
//! shown with the public report.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Inspections {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum InspectionResponses {
    Table,
    Id,
    InspectionId,
    OrganisationId,
    Body,
    CreatedByUserId,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(InspectionResponses::Table)
                    .col(big_pk_auto(InspectionResponses::Id))
                    .col(big_integer(InspectionResponses::InspectionId))
                    .col(big_integer(InspectionResponses::OrganisationId))
                    .col(text(InspectionResponses::Body))
                    .col(big_integer(InspectionResponses::CreatedByUserId))
                    .col(timestamp_with_time_zone(InspectionResponses::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(
                                InspectionResponses::Table,
                                InspectionResponses::InspectionId,
                            )
                            .to(Inspections::Table, Inspections::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_inspection_responses_inspection")
                    .table(InspectionResponses::Table)
                    .col(InspectionResponses::InspectionId)
                    .unique()
                    .to_owned(),
            )
            .await?;
        Ok(())
    }
}
