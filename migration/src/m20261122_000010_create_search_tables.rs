//! Search: the change table the indexers tail (written in the same transaction as the
//! listing change), and the demand log of searches for the Market Position Statement.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum SearchIndexChanges {
    Table,
    Id,
    ListingId,
    CreatedAt,
}

#[derive(DeriveIden)]
enum SearchLog {
    Table,
    Id,
    QueryText,
    Filters,
    Area,
    ResultCount,
    Source,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(SearchIndexChanges::Table)
                    .col(big_pk_auto(SearchIndexChanges::Id))
                    .col(big_integer(SearchIndexChanges::ListingId))
                    .col(timestamp_with_time_zone(SearchIndexChanges::CreatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(SearchLog::Table)
                    .col(big_pk_auto(SearchLog::Id))
                    .col(string_len(SearchLog::QueryText, 200))
                    .col(text(SearchLog::Filters))
                    .col(string_len_null(SearchLog::Area, 10))
                    .col(integer(SearchLog::ResultCount))
                    .col(string_len(SearchLog::Source, 10))
                    .col(timestamp_with_time_zone(SearchLog::CreatedAt))
                    .to_owned(),
            )
            .await?;
        for (name, column) in [
            ("idx_search_log_created", SearchLog::CreatedAt),
            ("idx_search_log_results", SearchLog::ResultCount),
        ] {
            manager
                .create_index(
                    Index::create()
                        .name(name)
                        .table(SearchLog::Table)
                        .col(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
