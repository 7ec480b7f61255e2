//! What people use every day:
//!
//! - a private note on each shortlisted service (`shortlist_items.note`);
//! - saved searches that email new matches (`saved_searches`, with the listings already
//!   sent in `saved_search_alerts`, so each is sent once);
//! - reports of a problem with a listing (`listing_reports`), from anyone, for the provider
//!   and the council to resolve.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ShortlistItems {
    Table,
    Note,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum BrokerClients {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Listings {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum SavedSearches {
    Table,
    Id,
    UserId,
    ClientId,
    Name,
    Query,
    Frequency,
    ChangeCursor,
    LastCheckedAt,
    CreatedAt,
}

#[derive(DeriveIden)]
enum SavedSearchAlerts {
    Table,
    SavedSearchId,
    ListingId,
    SentAt,
}

#[derive(DeriveIden)]
enum ListingReports {
    Table,
    Id,
    ListingId,
    Kind,
    Details,
    ReporterUserId,
    ReporterKey,
    CreatedAt,
    ResolvedAt,
    ResolvedByUserId,
    Resolution,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(ShortlistItems::Table)
                    .add_column(text_null(ShortlistItems::Note))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(SavedSearches::Table)
                    .col(big_pk_auto(SavedSearches::Id))
                    .col(big_integer(SavedSearches::UserId))
                    .col(big_integer_null(SavedSearches::ClientId))
                    .col(string_len(SavedSearches::Name, 200))
                    .col(text(SavedSearches::Query))
                    .col(string_len(SavedSearches::Frequency, 10))
                    .col(big_integer(SavedSearches::ChangeCursor))
                    .col(timestamp_with_time_zone_null(SavedSearches::LastCheckedAt))
                    .col(timestamp_with_time_zone(SavedSearches::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(SavedSearches::Table, SavedSearches::UserId)
                            .to(Users::Table, Users::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(SavedSearches::Table, SavedSearches::ClientId)
                            .to(BrokerClients::Table, BrokerClients::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_saved_searches_user")
                    .table(SavedSearches::Table)
                    .col(SavedSearches::UserId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(SavedSearchAlerts::Table)
                    .col(big_integer(SavedSearchAlerts::SavedSearchId))
                    .col(big_integer(SavedSearchAlerts::ListingId))
                    .col(timestamp_with_time_zone(SavedSearchAlerts::SentAt))
                    .primary_key(
                        Index::create()
                            .col(SavedSearchAlerts::SavedSearchId)
                            .col(SavedSearchAlerts::ListingId),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(SavedSearchAlerts::Table, SavedSearchAlerts::SavedSearchId)
                            .to(SavedSearches::Table, SavedSearches::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ListingReports::Table)
                    .col(big_pk_auto(ListingReports::Id))
                    .col(big_integer(ListingReports::ListingId))
                    .col(string_len(ListingReports::Kind, 30))
                    .col(text(ListingReports::Details))
                    .col(big_integer_null(ListingReports::ReporterUserId))
                    .col(string_len(ListingReports::ReporterKey, 64))
                    .col(timestamp_with_time_zone(ListingReports::CreatedAt))
                    .col(timestamp_with_time_zone_null(ListingReports::ResolvedAt))
                    .col(big_integer_null(ListingReports::ResolvedByUserId))
                    .col(text_null(ListingReports::Resolution))
                    .foreign_key(
                        ForeignKey::create()
                            .from(ListingReports::Table, ListingReports::ListingId)
                            .to(Listings::Table, Listings::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_listing_reports_listing")
                    .table(ListingReports::Table)
                    .col(ListingReports::ListingId)
                    .col(ListingReports::ResolvedAt)
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            ListingReports::Table.into_iden(),
            SavedSearchAlerts::Table.into_iden(),
            SavedSearches::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        manager
            .alter_table(
                Table::alter()
                    .table(ShortlistItems::Table)
                    .drop_column(ShortlistItems::Note)
                    .to_owned(),
            )
            .await
    }
}
