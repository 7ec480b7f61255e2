//! Market Position Statements: versions of a document for a period, with the commissioner's
//! narrative and a snapshot of the market figures; a published version never changes. Also
//! indexes listings by when they were first published and archived, for the statement's
//! "new and withdrawn services" counts.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum MpsDocuments {
    Table,
    Id,
    Title,
    Version,
    PeriodFrom,
    PeriodTo,
    Status,
    Narrative,
    Figures,
    CreatedByUserId,
    CreatedAt,
    UpdatedAt,
    PublishedAt,
}

#[derive(DeriveIden)]
enum Listings {
    Table,
    PublishedAt,
    ArchivedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(MpsDocuments::Table)
                    .col(big_pk_auto(MpsDocuments::Id))
                    .col(string_len(MpsDocuments::Title, 200))
                    .col(integer(MpsDocuments::Version))
                    .col(date(MpsDocuments::PeriodFrom))
                    .col(date(MpsDocuments::PeriodTo))
                    .col(string_len(MpsDocuments::Status, 20))
                    .col(text(MpsDocuments::Narrative))
                    .col(text(MpsDocuments::Figures))
                    .col(big_integer(MpsDocuments::CreatedByUserId))
                    .col(timestamp_with_time_zone(MpsDocuments::CreatedAt))
                    .col(timestamp_with_time_zone(MpsDocuments::UpdatedAt))
                    .col(timestamp_with_time_zone_null(MpsDocuments::PublishedAt))
                    .to_owned(),
            )
            .await?;
        for (name, col) in [
            ("idx_listings_published_at", Listings::PublishedAt),
            ("idx_listings_archived_at", Listings::ArchivedAt),
        ] {
            manager
                .create_index(
                    Index::create()
                        .name(name)
                        .table(Listings::Table)
                        .col(col)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
