//! Places in care homes, supported living, day services and short stays:
//!
//! - `vacancies`: the places a provider says a listing has now, one row per kind of place
//!   (residential, nursing, respite, day), with when they are free from, whether the council
//!   rate covers them, and when the provider last said so;
//! - `vacancy_history`: every change to those numbers, for the market analysis;
//! - `placement_requests` and `placement_offers`: a broker's request for a place for a client,
//!   sent to one or several homes, each home's answer, and the one the broker confirms.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Vacancies {
    Table,
    ListingId,
    Kind,
    Places,
    AvailableFrom,
    Funding,
    Notes,
    UpdatedAt,
    UpdatedByUserId,
    RemindedAt,
}

#[derive(DeriveIden)]
enum VacancyHistory {
    Table,
    Id,
    ListingId,
    Kind,
    Places,
    AvailableFrom,
    District,
    RecordedAt,
}

#[derive(DeriveIden)]
enum PlacementRequests {
    Table,
    Id,
    BrokerUserId,
    ClientId,
    Kind,
    Needs,
    StartDate,
    Funding,
    District,
    Status,
    CreatedAt,
    ClosedAt,
    AnonymisedAt,
}

#[derive(DeriveIden)]
enum PlacementOffers {
    Table,
    Id,
    RequestId,
    ListingId,
    OrganisationId,
    Status,
    DeclineReason,
    OfferDetails,
    RespondedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Listings {
    Table,
    Id,
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
enum ProviderOrganisations {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Vacancies::Table)
                    .col(big_integer(Vacancies::ListingId))
                    .col(string_len(Vacancies::Kind, 20))
                    .col(integer(Vacancies::Places))
                    .col(date(Vacancies::AvailableFrom))
                    .col(string_len(Vacancies::Funding, 20))
                    .col(text_null(Vacancies::Notes))
                    .col(timestamp_with_time_zone(Vacancies::UpdatedAt))
                    .col(big_integer_null(Vacancies::UpdatedByUserId))
                    .col(timestamp_with_time_zone_null(Vacancies::RemindedAt))
                    .primary_key(
                        Index::create()
                            .col(Vacancies::ListingId)
                            .col(Vacancies::Kind),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Vacancies::Table, Vacancies::ListingId)
                            .to(Listings::Table, Listings::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Vacancies::Table, Vacancies::UpdatedByUserId)
                            .to(Users::Table, Users::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(VacancyHistory::Table)
                    .col(big_pk_auto(VacancyHistory::Id))
                    .col(big_integer(VacancyHistory::ListingId))
                    .col(string_len(VacancyHistory::Kind, 20))
                    .col(integer(VacancyHistory::Places))
                    .col(date(VacancyHistory::AvailableFrom))
                    .col(string_len(VacancyHistory::District, 10))
                    .col(timestamp_with_time_zone(VacancyHistory::RecordedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_vacancy_history_recorded")
                    .table(VacancyHistory::Table)
                    .col(VacancyHistory::RecordedAt)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(PlacementRequests::Table)
                    .col(big_pk_auto(PlacementRequests::Id))
                    .col(big_integer(PlacementRequests::BrokerUserId))
                    .col(big_integer(PlacementRequests::ClientId))
                    .col(string_len(PlacementRequests::Kind, 20))
                    .col(text(PlacementRequests::Needs))
                    .col(date(PlacementRequests::StartDate))
                    .col(string_len(PlacementRequests::Funding, 20))
                    .col(string_len(PlacementRequests::District, 10))
                    .col(string_len(PlacementRequests::Status, 20))
                    .col(timestamp_with_time_zone(PlacementRequests::CreatedAt))
                    .col(timestamp_with_time_zone_null(PlacementRequests::ClosedAt))
                    .col(timestamp_with_time_zone_null(
                        PlacementRequests::AnonymisedAt,
                    ))
                    .foreign_key(
                        ForeignKey::create()
                            .from(PlacementRequests::Table, PlacementRequests::BrokerUserId)
                            .to(Users::Table, Users::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(PlacementRequests::Table, PlacementRequests::ClientId)
                            .to(BrokerClients::Table, BrokerClients::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_placement_requests_broker")
                    .table(PlacementRequests::Table)
                    .col(PlacementRequests::BrokerUserId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(PlacementOffers::Table)
                    .col(big_pk_auto(PlacementOffers::Id))
                    .col(big_integer(PlacementOffers::RequestId))
                    .col(big_integer(PlacementOffers::ListingId))
                    .col(big_integer(PlacementOffers::OrganisationId))
                    .col(string_len(PlacementOffers::Status, 20))
                    .col(text_null(PlacementOffers::DeclineReason))
                    .col(text_null(PlacementOffers::OfferDetails))
                    .col(timestamp_with_time_zone_null(PlacementOffers::RespondedAt))
                    .col(timestamp_with_time_zone(PlacementOffers::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(PlacementOffers::Table, PlacementOffers::RequestId)
                            .to(PlacementRequests::Table, PlacementRequests::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(PlacementOffers::Table, PlacementOffers::ListingId)
                            .to(Listings::Table, Listings::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(PlacementOffers::Table, PlacementOffers::OrganisationId)
                            .to(ProviderOrganisations::Table, ProviderOrganisations::Id),
                    )
                    .to_owned(),
            )
            .await?;
        for (name, column) in [
            ("idx_placement_offers_request", PlacementOffers::RequestId),
            (
                "idx_placement_offers_organisation",
                PlacementOffers::OrganisationId,
            ),
        ] {
            manager
                .create_index(
                    Index::create()
                        .name(name)
                        .table(PlacementOffers::Table)
                        .col(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            PlacementOffers::Table.into_iden(),
            PlacementRequests::Table.into_iden(),
            VacancyHistory::Table.into_iden(),
            Vacancies::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
