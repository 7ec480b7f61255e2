//! Provider organisations (care providers, micro-enterprises, personal assistants …) and the
//! accounts that act for them.

use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261122_000001_create_accounts::Users;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ProviderOrganisations {
    Table,
    Id,
    Name,
    Kind,
    CqcLocationId,
    Status,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum ProviderMembers {
    Table,
    OrganisationId,
    UserId,
    MemberRole,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(ProviderOrganisations::Table)
                    .col(big_pk_auto(ProviderOrganisations::Id))
                    .col(string_len(ProviderOrganisations::Name, 200))
                    .col(string_len(ProviderOrganisations::Kind, 40))
                    .col(string_len_null(ProviderOrganisations::CqcLocationId, 20))
                    .col(string_len(ProviderOrganisations::Status, 30))
                    .col(timestamp_with_time_zone(ProviderOrganisations::CreatedAt))
                    .col(timestamp_with_time_zone(ProviderOrganisations::UpdatedAt))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(ProviderMembers::Table)
                    .col(big_integer(ProviderMembers::OrganisationId))
                    .col(big_integer(ProviderMembers::UserId))
                    .col(string_len(ProviderMembers::MemberRole, 20))
                    .col(timestamp_with_time_zone(ProviderMembers::CreatedAt))
                    .primary_key(
                        Index::create()
                            .col(ProviderMembers::OrganisationId)
                            .col(ProviderMembers::UserId),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(ProviderMembers::Table, ProviderMembers::OrganisationId)
                            .to(ProviderOrganisations::Table, ProviderOrganisations::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(ProviderMembers::Table, ProviderMembers::UserId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;

        manager
            .create_index(
                Index::create()
                    .name("idx_provider_members_user_id")
                    .table(ProviderMembers::Table)
                    .col(ProviderMembers::UserId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(ProviderMembers::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(ProviderOrganisations::Table).to_owned())
            .await
    }
}
