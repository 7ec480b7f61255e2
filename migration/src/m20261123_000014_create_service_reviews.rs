//! Reviews of services by the people who arranged support through an enquiry, moderated by
//! admins before they appear, with one reply from the provider.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Enquiries {
    Table,
    Id,
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
enum ServiceReviews {
    Table,
    Id,
    EnquiryId,
    ListingId,
    OrganisationId,
    AuthorUserId,
    ClientId,
    Rating,
    Body,
    ShownName,
    Status,
    ModeratedByUserId,
    ModeratedAt,
    ModerationNote,
    ProviderReply,
    ProviderReplyAt,
    ProviderReplyByUserId,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(ServiceReviews::Table)
                    .col(big_pk_auto(ServiceReviews::Id))
                    .col(big_integer(ServiceReviews::EnquiryId))
                    .col(big_integer(ServiceReviews::ListingId))
                    .col(big_integer(ServiceReviews::OrganisationId))
                    .col(big_integer(ServiceReviews::AuthorUserId))
                    .col(big_integer_null(ServiceReviews::ClientId))
                    .col(integer(ServiceReviews::Rating))
                    .col(text(ServiceReviews::Body))
                    .col(string_len_null(ServiceReviews::ShownName, 60))
                    .col(string_len(ServiceReviews::Status, 12))
                    .col(big_integer_null(ServiceReviews::ModeratedByUserId))
                    .col(timestamp_with_time_zone_null(ServiceReviews::ModeratedAt))
                    .col(text_null(ServiceReviews::ModerationNote))
                    .col(text_null(ServiceReviews::ProviderReply))
                    .col(timestamp_with_time_zone_null(
                        ServiceReviews::ProviderReplyAt,
                    ))
                    .col(big_integer_null(ServiceReviews::ProviderReplyByUserId))
                    .col(timestamp_with_time_zone(ServiceReviews::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(ServiceReviews::Table, ServiceReviews::EnquiryId)
                            .to(Enquiries::Table, Enquiries::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(ServiceReviews::Table, ServiceReviews::ListingId)
                            .to(Listings::Table, Listings::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(ServiceReviews::Table, ServiceReviews::AuthorUserId)
                            .to(Users::Table, Users::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_service_reviews_enquiry")
                    .table(ServiceReviews::Table)
                    .col(ServiceReviews::EnquiryId)
                    .unique()
                    .to_owned(),
            )
            .await?;
        for (name, column) in [
            ("idx_service_reviews_listing", ServiceReviews::ListingId),
            (
                "idx_service_reviews_organisation",
                ServiceReviews::OrganisationId,
            ),
            ("idx_service_reviews_status", ServiceReviews::Status),
        ] {
            manager
                .create_index(
                    Index::create()
                        .name(name)
                        .table(ServiceReviews::Table)
                        .col(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
