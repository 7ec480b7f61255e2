//! More of the market for the Market Position Statement: the languages each public service
//! offers (one row per listing and language, so they can be counted by the database), the
//! place and types of support a listing was last public under (so new and withdrawn
//! services can be counted by area and type after they are gone), and how long each
//! enquiry waited for its first reply, in minutes (so the average is a plain SUM).

use sea_orm_migration::sea_orm::prelude::ChronoDateTimeUtc;
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum MarketLanguages {
    Table,
    Id,
    ListingId,
    LanguageKey,
    Language,
}

#[derive(DeriveIden)]
enum Listings {
    Table,
    MarketDistrict,
    MarketCategories,
}

#[derive(DeriveIden)]
enum Enquiries {
    Table,
    Id,
    CreatedAt,
    FirstResponseAt,
    FirstResponseMinutes,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(MarketLanguages::Table)
                    .col(big_pk_auto(MarketLanguages::Id))
                    .col(big_integer(MarketLanguages::ListingId))
                    .col(string_len(MarketLanguages::LanguageKey, 40))
                    .col(string_len(MarketLanguages::Language, 40))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_market_languages_listing")
                    .table(MarketLanguages::Table)
                    .col(MarketLanguages::ListingId)
                    .col(MarketLanguages::LanguageKey)
                    .unique()
                    .to_owned(),
            )
            .await?;
        // SQLite adds one column per ALTER TABLE.
        manager
            .alter_table(
                Table::alter()
                    .table(Listings::Table)
                    .add_column(string_len(Listings::MarketDistrict, 8).default(""))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Listings::Table)
                    .add_column(string_len(Listings::MarketCategories, 1000).default(""))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Enquiries::Table)
                    .add_column(big_integer_null(Enquiries::FirstResponseMinutes))
                    .to_owned(),
            )
            .await?;
        // Enquiries already answered get their minutes from the two timestamps.
        let db = manager.get_connection();
        let answered = Query::select()
            .columns([
                Enquiries::Id,
                Enquiries::CreatedAt,
                Enquiries::FirstResponseAt,
            ])
            .from(Enquiries::Table)
            .and_where(Expr::col(Enquiries::FirstResponseAt).is_not_null())
            .to_owned();
        for row in db.query_all(&answered).await? {
            let id: i64 = row.try_get("", "id")?;
            let created: ChronoDateTimeUtc = row.try_get("", "created_at")?;
            let answered: ChronoDateTimeUtc = row.try_get("", "first_response_at")?;
            let minutes = std::cmp::max((answered - created).num_minutes(), 0);
            db.execute(
                &Query::update()
                    .table(Enquiries::Table)
                    .value(Enquiries::FirstResponseMinutes, minutes)
                    .and_where(Expr::col(Enquiries::Id).eq(id))
                    .to_owned(),
            )
            .await?;
        }
        Ok(())
    }
}
