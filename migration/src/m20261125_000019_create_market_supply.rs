//! The supply side of the market, one row per public listing and type of support: kept in
//! step with the search change table, so market analysis (quality of supply, prices,
//! providers by category and area) is a grouped query, not a walk over every listing.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum MarketSupply {
    Table,
    Id,
    ListingId,
    OrganisationId,
    CategoryPath,
    TopCategory,
    District,
    ProviderKind,
    Accepting,
    PriceUnit,
    PricePence,
    Rating,
    ClientGroups,
    Languages,
    RefreshedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(MarketSupply::Table)
                    .col(big_pk_auto(MarketSupply::Id))
                    .col(big_integer(MarketSupply::ListingId))
                    .col(big_integer(MarketSupply::OrganisationId))
                    .col(string_len(MarketSupply::CategoryPath, 200))
                    .col(string_len(MarketSupply::TopCategory, 100))
                    .col(string_len(MarketSupply::District, 8))
                    .col(string_len(MarketSupply::ProviderKind, 40))
                    .col(boolean(MarketSupply::Accepting))
                    .col(string_len(MarketSupply::PriceUnit, 20))
                    .col(big_integer_null(MarketSupply::PricePence))
                    .col(integer_null(MarketSupply::Rating))
                    .col(text(MarketSupply::ClientGroups))
                    .col(text(MarketSupply::Languages))
                    .col(timestamp_with_time_zone(MarketSupply::RefreshedAt))
                    .to_owned(),
            )
            .await?;
        for (name, cols, unique) in [
            (
                "idx_market_supply_listing_category",
                vec![MarketSupply::ListingId, MarketSupply::CategoryPath],
                true,
            ),
            // Covers the grouped counts, so they never visit the table.
            (
                "idx_market_supply_category_district",
                vec![
                    MarketSupply::TopCategory,
                    MarketSupply::District,
                    MarketSupply::ListingId,
                    MarketSupply::OrganisationId,
                    MarketSupply::Accepting,
                ],
                false,
            ),
            // Price quartiles are read by offset along this index.
            (
                "idx_market_supply_unit_price",
                vec![MarketSupply::PriceUnit, MarketSupply::PricePence],
                false,
            ),
            (
                "idx_market_supply_district",
                vec![MarketSupply::District],
                false,
            ),
        ] {
            let mut index = Index::create();
            index.name(name).table(MarketSupply::Table);
            for col in cols {
                index.col(col);
            }
            if unique {
                index.unique();
            }
            manager.create_index(index.to_owned()).await?;
        }
        Ok(())
    }
}
