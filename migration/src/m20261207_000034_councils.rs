//! Councils as records: the deployment's councils, each with its name, short name (for
//! `/c/{slug}/` addresses), host name, the postcode districts it covers, the contact line
//! shown on its pages, its funder identifiers for 360Giving and its local authority name
//! in CQC's register. A new installation's first council is made from its settings.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Councils {
    Table,
    Id,
    Slug,
    Name,
    Host,
    Districts,
    Contact,
    FunderIdentifier,
    FunderName,
    GrantPrefix,
    LocalAuthority,
    CreatedAt,
    UpdatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Councils::Table)
                    .col(big_pk_auto(Councils::Id))
                    .col(string_len_uniq(Councils::Slug, 40))
                    .col(string_len(Councils::Name, 120))
                    .col(string_len_null(Councils::Host, 253).unique_key())
                    .col(json(Councils::Districts))
                    .col(string_len(Councils::Contact, 300))
                    .col(string_len(Councils::FunderIdentifier, 80))
                    .col(string_len(Councils::FunderName, 120))
                    .col(string_len(Councils::GrantPrefix, 80))
                    .col(string_len(Councils::LocalAuthority, 120))
                    .col(timestamp_with_time_zone(Councils::CreatedAt))
                    .col(timestamp_with_time_zone(Councils::UpdatedAt))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Councils::Table).to_owned())
            .await
    }
}
