//! Listings and their revisions. A listing is the lasting thing people find; each revision is
//! one version of its content as the provider wrote it and the council decided on it. The
//! approved (live) revision stays published while a newer one waits for review.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ProviderOrganisations {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Listings {
    Table,
    Id,
    OrganisationId,
    Status,
    LiveRevisionId,
    WorkingRevisionId,
    SuspendedAt,
    SuspendedReason,
    HiddenAt,
    ReviewDue,
    ReviewReminderSentAt,
    SubmittedAt,
    PublishedAt,
    ArchivedAt,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum ListingRevisions {
    Table,
    Id,
    ListingId,
    Number,
    Status,
    Title,
    Content,
    CreatedBy,
    CreatedAt,
    UpdatedAt,
    SubmittedAt,
    DecidedAt,
    DecidedBy,
    DecisionMessage,
    Checklist,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Listings::Table)
                    .col(big_pk_auto(Listings::Id))
                    .col(big_integer(Listings::OrganisationId))
                    .col(string_len(Listings::Status, 30))
                    .col(big_integer_null(Listings::LiveRevisionId))
                    .col(big_integer_null(Listings::WorkingRevisionId))
                    .col(timestamp_with_time_zone_null(Listings::SuspendedAt))
                    .col(text_null(Listings::SuspendedReason))
                    .col(timestamp_with_time_zone_null(Listings::HiddenAt))
                    .col(date_null(Listings::ReviewDue))
                    .col(timestamp_with_time_zone_null(
                        Listings::ReviewReminderSentAt,
                    ))
                    .col(timestamp_with_time_zone_null(Listings::SubmittedAt))
                    .col(timestamp_with_time_zone_null(Listings::PublishedAt))
                    .col(timestamp_with_time_zone_null(Listings::ArchivedAt))
                    .col(timestamp_with_time_zone(Listings::CreatedAt))
                    .col(timestamp_with_time_zone(Listings::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Listings::Table, Listings::OrganisationId)
                            .to(ProviderOrganisations::Table, ProviderOrganisations::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        for (name, column) in [
            ("idx_listings_organisation", Listings::OrganisationId),
            ("idx_listings_status", Listings::Status),
            ("idx_listings_review_due", Listings::ReviewDue),
        ] {
            manager
                .create_index(
                    Index::create()
                        .name(name)
                        .table(Listings::Table)
                        .col(column)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .create_table(
                Table::create()
                    .table(ListingRevisions::Table)
                    .col(big_pk_auto(ListingRevisions::Id))
                    .col(big_integer(ListingRevisions::ListingId))
                    .col(integer(ListingRevisions::Number))
                    .col(string_len(ListingRevisions::Status, 30))
                    .col(string_len(ListingRevisions::Title, 200))
                    .col(text(ListingRevisions::Content))
                    .col(big_integer_null(ListingRevisions::CreatedBy))
                    .col(timestamp_with_time_zone(ListingRevisions::CreatedAt))
                    .col(timestamp_with_time_zone(ListingRevisions::UpdatedAt))
                    .col(timestamp_with_time_zone_null(ListingRevisions::SubmittedAt))
                    .col(timestamp_with_time_zone_null(ListingRevisions::DecidedAt))
                    .col(big_integer_null(ListingRevisions::DecidedBy))
                    .col(text_null(ListingRevisions::DecisionMessage))
                    .col(text(ListingRevisions::Checklist).default(""))
                    .foreign_key(
                        ForeignKey::create()
                            .from(ListingRevisions::Table, ListingRevisions::ListingId)
                            .to(Listings::Table, Listings::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_listing_revisions_listing_number")
                    .table(ListingRevisions::Table)
                    .col(ListingRevisions::ListingId)
                    .col(ListingRevisions::Number)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_listing_revisions_status_submitted")
                    .table(ListingRevisions::Table)
                    .col(ListingRevisions::Status)
                    .col(ListingRevisions::SubmittedAt)
                    .to_owned(),
            )
            .await
    }
}
