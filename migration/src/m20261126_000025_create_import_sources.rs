//! Where imported records came from: the id a listing or organisation had in the file it was
//! imported from, so that importing the same file again updates rather than duplicates.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ImportSources {
    Table,
    Id,
    Kind,
    SourceId,
    LocalId,
    ImportedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(ImportSources::Table)
                    .col(big_pk_auto(ImportSources::Id))
                    .col(string_len(ImportSources::Kind, 20))
                    .col(string_len(ImportSources::SourceId, 200))
                    .col(big_integer(ImportSources::LocalId))
                    .col(timestamp_with_time_zone(ImportSources::ImportedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_import_sources_source")
                    .table(ImportSources::Table)
                    .col(ImportSources::Kind)
                    .col(ImportSources::SourceId)
                    .unique()
                    .to_owned(),
            )
            .await
    }
}
