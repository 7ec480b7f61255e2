//! Demand for market analysis without walking every search: each logged search also notes
//! the type of support asked for (top-level category) and the postcode district, and a daily
//! roll-up counts searches and searches that found nothing per day, type and district.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum SearchLog {
    Table,
    QueryText,
    Category,
    District,
    CreatedAt,
    ResultCount,
}

#[derive(DeriveIden)]
enum SearchDemandDaily {
    Table,
    Id,
    Day,
    Category,
    District,
    Searches,
    ZeroResults,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for col in [SearchLog::Category, SearchLog::District] {
            manager
                .alter_table(
                    Table::alter()
                        .table(SearchLog::Table)
                        .add_column(string_len_null(col, 100))
                        .to_owned(),
                )
                .await?;
        }
        manager
            .create_index(
                Index::create()
                    .name("idx_search_log_zero_created")
                    .table(SearchLog::Table)
                    .col(SearchLog::ResultCount)
                    .col(SearchLog::CreatedAt)
                    .col(SearchLog::QueryText)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(SearchDemandDaily::Table)
                    .col(big_pk_auto(SearchDemandDaily::Id))
                    .col(date(SearchDemandDaily::Day))
                    .col(string_len(SearchDemandDaily::Category, 100))
                    .col(string_len(SearchDemandDaily::District, 8))
                    .col(big_integer(SearchDemandDaily::Searches))
                    .col(big_integer(SearchDemandDaily::ZeroResults))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_search_demand_daily_key")
                    .table(SearchDemandDaily::Table)
                    .col(SearchDemandDaily::Day)
                    .col(SearchDemandDaily::Category)
                    .col(SearchDemandDaily::District)
                    .unique()
                    .to_owned(),
            )
            .await?;
        // The sums over a period are read from this index alone.
        manager
            .create_index(
                Index::create()
                    .name("idx_search_demand_daily_cover")
                    .table(SearchDemandDaily::Table)
                    .col(SearchDemandDaily::Day)
                    .col(SearchDemandDaily::Category)
                    .col(SearchDemandDaily::District)
                    .col(SearchDemandDaily::Searches)
                    .col(SearchDemandDaily::ZeroResults)
                    .to_owned(),
            )
            .await?;
        Ok(())
    }
}
