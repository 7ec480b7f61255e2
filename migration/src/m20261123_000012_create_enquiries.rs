//! Enquiries from budget holders and brokers to providers: the enquiry, its conversation, and
//! the listing's categories at the time (so the Market Position Statement can count demand by
//! category and postcode sector even after the listing changes).

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
enum ProviderOrganisations {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum BrokerClients {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Enquiries {
    Table,
    Id,
    ListingId,
    OrganisationId,
    HolderUserId,
    ClientId,
    SentByUserId,
    ContactName,
    SupportWanted,
    WhenWanted,
    PostcodeSector,
    ReplyBy,
    ReplyPhone,
    Status,
    Outcome,
    ClosedByUserId,
    ClosedAt,
    FirstResponseAt,
    LastMessageAt,
    CreatedAt,
}

#[derive(DeriveIden)]
enum EnquiryCategories {
    Table,
    EnquiryId,
    CategoryId,
}

#[derive(DeriveIden)]
enum EnquiryMessages {
    Table,
    Id,
    EnquiryId,
    AuthorUserId,
    FromProvider,
    Body,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Enquiries::Table)
                    .col(big_pk_auto(Enquiries::Id))
                    .col(big_integer(Enquiries::ListingId))
                    .col(big_integer(Enquiries::OrganisationId))
                    .col(big_integer_null(Enquiries::HolderUserId))
                    .col(big_integer_null(Enquiries::ClientId))
                    .col(big_integer(Enquiries::SentByUserId))
                    .col(string_len(Enquiries::ContactName, 120))
                    .col(text(Enquiries::SupportWanted))
                    .col(string_len(Enquiries::WhenWanted, 500))
                    .col(string_len_null(Enquiries::PostcodeSector, 10))
                    .col(string_len(Enquiries::ReplyBy, 10))
                    .col(string_len_null(Enquiries::ReplyPhone, 30))
                    .col(string_len(Enquiries::Status, 10))
                    .col(string_len_null(Enquiries::Outcome, 20))
                    .col(big_integer_null(Enquiries::ClosedByUserId))
                    .col(timestamp_with_time_zone_null(Enquiries::ClosedAt))
                    .col(timestamp_with_time_zone_null(Enquiries::FirstResponseAt))
                    .col(timestamp_with_time_zone(Enquiries::LastMessageAt))
                    .col(timestamp_with_time_zone(Enquiries::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Enquiries::Table, Enquiries::ListingId)
                            .to(Listings::Table, Listings::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Enquiries::Table, Enquiries::OrganisationId)
                            .to(ProviderOrganisations::Table, ProviderOrganisations::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Enquiries::Table, Enquiries::HolderUserId)
                            .to(Users::Table, Users::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Enquiries::Table, Enquiries::ClientId)
                            .to(BrokerClients::Table, BrokerClients::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Enquiries::Table, Enquiries::SentByUserId)
                            .to(Users::Table, Users::Id),
                    )
                    .to_owned(),
            )
            .await?;
        for (name, column) in [
            ("idx_enquiries_organisation", Enquiries::OrganisationId),
            ("idx_enquiries_holder", Enquiries::HolderUserId),
            ("idx_enquiries_client", Enquiries::ClientId),
            ("idx_enquiries_listing", Enquiries::ListingId),
            ("idx_enquiries_status", Enquiries::Status),
            ("idx_enquiries_created", Enquiries::CreatedAt),
        ] {
            manager
                .create_index(
                    Index::create()
                        .name(name)
                        .table(Enquiries::Table)
                        .col(column)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .create_table(
                Table::create()
                    .table(EnquiryCategories::Table)
                    .col(big_integer(EnquiryCategories::EnquiryId))
                    .col(big_integer(EnquiryCategories::CategoryId))
                    .primary_key(
                        Index::create()
                            .col(EnquiryCategories::EnquiryId)
                            .col(EnquiryCategories::CategoryId),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(EnquiryCategories::Table, EnquiryCategories::EnquiryId)
                            .to(Enquiries::Table, Enquiries::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(EnquiryMessages::Table)
                    .col(big_pk_auto(EnquiryMessages::Id))
                    .col(big_integer(EnquiryMessages::EnquiryId))
                    .col(big_integer(EnquiryMessages::AuthorUserId))
                    .col(boolean(EnquiryMessages::FromProvider))
                    .col(text(EnquiryMessages::Body))
                    .col(timestamp_with_time_zone(EnquiryMessages::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(EnquiryMessages::Table, EnquiryMessages::EnquiryId)
                            .to(Enquiries::Table, Enquiries::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(EnquiryMessages::Table, EnquiryMessages::AuthorUserId)
                            .to(Users::Table, Users::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_enquiry_messages_enquiry")
                    .table(EnquiryMessages::Table)
                    .col(EnquiryMessages::EnquiryId)
                    .to_owned(),
            )
            .await?;
        Ok(())
    }
}
