//! Documents a provider uploads as evidence (a DBS certificate, an insurance schedule, …),
//! kept privately for the provider's members and the council's admins.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ProviderOrganisations {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum ProviderEvidenceFiles {
    Table,
    Id,
    OrganisationId,
    Kind,
    StoredName,
    OriginalName,
    ContentType,
    SizeBytes,
    UploadedBy,
    UploadedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(ProviderEvidenceFiles::Table)
                    .col(big_pk_auto(ProviderEvidenceFiles::Id))
                    .col(big_integer(ProviderEvidenceFiles::OrganisationId))
                    .col(string_len(ProviderEvidenceFiles::Kind, 30))
                    .col(string_len(ProviderEvidenceFiles::StoredName, 80))
                    .col(string_len(ProviderEvidenceFiles::OriginalName, 200))
                    .col(string_len(ProviderEvidenceFiles::ContentType, 50))
                    .col(big_integer(ProviderEvidenceFiles::SizeBytes))
                    .col(big_integer_null(ProviderEvidenceFiles::UploadedBy))
                    .col(timestamp_with_time_zone(ProviderEvidenceFiles::UploadedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(
                                ProviderEvidenceFiles::Table,
                                ProviderEvidenceFiles::OrganisationId,
                            )
                            .to(ProviderOrganisations::Table, ProviderOrganisations::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_provider_evidence_files_org")
                    .table(ProviderEvidenceFiles::Table)
                    .col(ProviderEvidenceFiles::OrganisationId)
                    .to_owned(),
            )
            .await
    }
}
