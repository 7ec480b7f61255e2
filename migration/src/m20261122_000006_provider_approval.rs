//! Provider approval ("Support with Confidence"-style): the evidence a provider records, the
//! admin's review decisions with the checklist they ticked, and when the provider asked.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ProviderOrganisations {
    Table,
    Id,
    SubmittedAt,
}

#[derive(DeriveIden)]
enum ProviderEvidence {
    Table,
    Id,
    OrganisationId,
    Kind,
    Details,
    CheckType,
    ReferenceNumber,
    IssuedOn,
    ExpiresOn,
    ReminderSentAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum ProviderReviews {
    Table,
    Id,
    OrganisationId,
    ReviewerId,
    Decision,
    Message,
    Checklist,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(ProviderOrganisations::Table)
                    .add_column(timestamp_with_time_zone_null(
                        ProviderOrganisations::SubmittedAt,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ProviderEvidence::Table)
                    .col(big_pk_auto(ProviderEvidence::Id))
                    .col(big_integer(ProviderEvidence::OrganisationId))
                    .col(string_len(ProviderEvidence::Kind, 30))
                    .col(text(ProviderEvidence::Details))
                    .col(string_len_null(ProviderEvidence::CheckType, 40))
                    .col(string_len_null(ProviderEvidence::ReferenceNumber, 100))
                    .col(date_null(ProviderEvidence::IssuedOn))
                    .col(date_null(ProviderEvidence::ExpiresOn))
                    .col(timestamp_with_time_zone_null(
                        ProviderEvidence::ReminderSentAt,
                    ))
                    .col(timestamp_with_time_zone(ProviderEvidence::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(ProviderEvidence::Table, ProviderEvidence::OrganisationId)
                            .to(ProviderOrganisations::Table, ProviderOrganisations::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_provider_evidence_org_kind")
                    .table(ProviderEvidence::Table)
                    .col(ProviderEvidence::OrganisationId)
                    .col(ProviderEvidence::Kind)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ProviderReviews::Table)
                    .col(big_pk_auto(ProviderReviews::Id))
                    .col(big_integer(ProviderReviews::OrganisationId))
                    .col(big_integer_null(ProviderReviews::ReviewerId))
                    .col(string_len(ProviderReviews::Decision, 30))
                    .col(text_null(ProviderReviews::Message))
                    .col(text(ProviderReviews::Checklist))
                    .col(timestamp_with_time_zone(ProviderReviews::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(ProviderReviews::Table, ProviderReviews::OrganisationId)
                            .to(ProviderOrganisations::Table, ProviderOrganisations::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_provider_reviews_org")
                    .table(ProviderReviews::Table)
                    .col(ProviderReviews::OrganisationId)
                    .to_owned(),
            )
            .await
    }
}
