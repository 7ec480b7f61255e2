//! Brokers' caseloads (clients who may have no account or email) and shortlists, kept either
//! for an account holder or for a broker's client.

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
enum BrokerClients {
    Table,
    Id,
    BrokerUserId,
    Name,
    PostcodeSector,
    Needs,
    ContactPreference,
    ContactDetails,
    CreatedAt,
    UpdatedAt,
    ClosedAt,
}

#[derive(DeriveIden)]
enum ShortlistItems {
    Table,
    Id,
    HolderUserId,
    ClientId,
    ListingId,
    AddedByUserId,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(BrokerClients::Table)
                    .col(big_pk_auto(BrokerClients::Id))
                    .col(big_integer(BrokerClients::BrokerUserId))
                    .col(string_len(BrokerClients::Name, 120))
                    .col(string_len_null(BrokerClients::PostcodeSector, 10))
                    .col(text(BrokerClients::Needs))
                    .col(string_len(BrokerClients::ContactPreference, 20))
                    .col(text(BrokerClients::ContactDetails))
                    .col(timestamp_with_time_zone(BrokerClients::CreatedAt))
                    .col(timestamp_with_time_zone(BrokerClients::UpdatedAt))
                    .col(timestamp_with_time_zone_null(BrokerClients::ClosedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(BrokerClients::Table, BrokerClients::BrokerUserId)
                            .to(Users::Table, Users::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_broker_clients_broker")
                    .table(BrokerClients::Table)
                    .col(BrokerClients::BrokerUserId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ShortlistItems::Table)
                    .col(big_pk_auto(ShortlistItems::Id))
                    .col(big_integer_null(ShortlistItems::HolderUserId))
                    .col(big_integer_null(ShortlistItems::ClientId))
                    .col(big_integer(ShortlistItems::ListingId))
                    .col(big_integer(ShortlistItems::AddedByUserId))
                    .col(timestamp_with_time_zone(ShortlistItems::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(ShortlistItems::Table, ShortlistItems::HolderUserId)
                            .to(Users::Table, Users::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(ShortlistItems::Table, ShortlistItems::ClientId)
                            .to(BrokerClients::Table, BrokerClients::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(ShortlistItems::Table, ShortlistItems::ListingId)
                            .to(Listings::Table, Listings::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        for (name, column) in [
            ("idx_shortlist_items_holder", ShortlistItems::HolderUserId),
            ("idx_shortlist_items_client", ShortlistItems::ClientId),
        ] {
            manager
                .create_index(
                    Index::create()
                        .name(name)
                        .table(ShortlistItems::Table)
                        .col(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
