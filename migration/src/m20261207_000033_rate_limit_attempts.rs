//! Rate-limit attempts shared by every instance on one PostgreSQL database (the embedded
//! database keeps them in memory): one row per attempt, under a salted hash of its key (an
//! address or an email address never stored as such), removed after a day.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum RateLimitAttempts {
    Table,
    Id,
    KeyHash,
    At,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(RateLimitAttempts::Table)
                    .col(big_pk_auto(RateLimitAttempts::Id))
                    .col(string_len(RateLimitAttempts::KeyHash, 64))
                    .col(timestamp_with_time_zone(RateLimitAttempts::At))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_rate_limit_attempts_key_at")
                    .table(RateLimitAttempts::Table)
                    .col(RateLimitAttempts::KeyHash)
                    .col(RateLimitAttempts::At)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_rate_limit_attempts_at")
                    .table(RateLimitAttempts::Table)
                    .col(RateLimitAttempts::At)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(RateLimitAttempts::Table).to_owned())
            .await
    }
}
