//! Demand that one visitor cannot inflate: each search counts in the daily roll-up once per
//! visitor, query and day. The table keeps only a salted hash of that (no address, no
//! words), and rows older than yesterday are removed as searches come in.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum SearchLog {
    Table,
    Counted,
}

#[derive(DeriveIden)]
enum SearchDemandSeen {
    Table,
    Key,
    Day,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // Whether a logged search counted as demand (the words that found nothing are read
        // from the ones that did). Searches logged before counted.
        manager
            .alter_table(
                Table::alter()
                    .table(SearchLog::Table)
                    .add_column(boolean(SearchLog::Counted).default(true))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(SearchDemandSeen::Table)
                    .col(string_len(SearchDemandSeen::Key, 64).primary_key())
                    .col(date(SearchDemandSeen::Day))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_search_demand_seen_day")
                    .table(SearchDemandSeen::Table)
                    .col(SearchDemandSeen::Day)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(SearchDemandSeen::Table).to_owned())
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(SearchLog::Table)
                    .drop_column(SearchLog::Counted)
                    .to_owned(),
            )
            .await
    }
}
