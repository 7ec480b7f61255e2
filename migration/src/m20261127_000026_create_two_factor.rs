//! Two-factor sign-in: each account's authenticator secret (TOTP, RFC 6238) and its
//! single-use recovery codes (only their SHA-256 is kept).

use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261122_000001_create_accounts::Users;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum TwoFactor {
    Table,
    UserId,
    Secret,
    ConfirmedAt,
    LastUsedStep,
    CreatedAt,
}

#[derive(DeriveIden)]
enum RecoveryCodes {
    Table,
    Id,
    UserId,
    CodeHash,
    UsedAt,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(TwoFactor::Table)
                    .col(big_integer(TwoFactor::UserId).primary_key())
                    .col(string_len(TwoFactor::Secret, 64))
                    .col(timestamp_with_time_zone_null(TwoFactor::ConfirmedAt))
                    .col(big_integer(TwoFactor::LastUsedStep))
                    .col(timestamp_with_time_zone(TwoFactor::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(TwoFactor::Table, TwoFactor::UserId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(RecoveryCodes::Table)
                    .col(big_pk_auto(RecoveryCodes::Id))
                    .col(big_integer(RecoveryCodes::UserId))
                    .col(string_len_uniq(RecoveryCodes::CodeHash, 64))
                    .col(timestamp_with_time_zone_null(RecoveryCodes::UsedAt))
                    .col(timestamp_with_time_zone(RecoveryCodes::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(RecoveryCodes::Table, RecoveryCodes::UserId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_recovery_codes_user_id")
                    .table(RecoveryCodes::Table)
                    .col(RecoveryCodes::UserId)
                    .to_owned(),
            )
            .await
    }
}
