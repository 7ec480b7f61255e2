//! Tracking innovation-fund awards: payments made, milestones agreed, and the listings an
//! award produced.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum FundApplications {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum FundPayments {
    Table,
    Id,
    ApplicationId,
    PaidOn,
    AmountPence,
    Note,
    RecordedByUserId,
    CreatedAt,
}

#[derive(DeriveIden)]
enum FundMilestones {
    Table,
    Id,
    ApplicationId,
    Title,
    DueOn,
    DoneOn,
    CreatedAt,
}

#[derive(DeriveIden)]
enum FundAwardListings {
    Table,
    Id,
    ApplicationId,
    ListingId,
    CreatedAt,
}

fn belongs(from: impl IntoIden, col: impl IntoIden) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(from, col)
        .to(FundApplications::Table, FundApplications::Id)
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(FundPayments::Table)
                    .col(big_pk_auto(FundPayments::Id))
                    .col(big_integer(FundPayments::ApplicationId))
                    .col(date(FundPayments::PaidOn))
                    .col(big_integer(FundPayments::AmountPence))
                    .col(string_len(FundPayments::Note, 300))
                    .col(big_integer(FundPayments::RecordedByUserId))
                    .col(timestamp_with_time_zone(FundPayments::CreatedAt))
                    .foreign_key(&mut belongs(
                        FundPayments::Table,
                        FundPayments::ApplicationId,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(FundMilestones::Table)
                    .col(big_pk_auto(FundMilestones::Id))
                    .col(big_integer(FundMilestones::ApplicationId))
                    .col(string_len(FundMilestones::Title, 200))
                    .col(date(FundMilestones::DueOn))
                    .col(date_null(FundMilestones::DoneOn))
                    .col(timestamp_with_time_zone(FundMilestones::CreatedAt))
                    .foreign_key(&mut belongs(
                        FundMilestones::Table,
                        FundMilestones::ApplicationId,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(FundAwardListings::Table)
                    .col(big_pk_auto(FundAwardListings::Id))
                    .col(big_integer(FundAwardListings::ApplicationId))
                    .col(big_integer(FundAwardListings::ListingId))
                    .col(timestamp_with_time_zone(FundAwardListings::CreatedAt))
                    .foreign_key(&mut belongs(
                        FundAwardListings::Table,
                        FundAwardListings::ApplicationId,
                    ))
                    .to_owned(),
            )
            .await?;
        for (name, table, col) in [
            (
                "idx_fund_payments_application",
                FundPayments::Table.into_iden(),
                FundPayments::ApplicationId.into_iden(),
            ),
            (
                "idx_fund_milestones_application",
                FundMilestones::Table.into_iden(),
                FundMilestones::ApplicationId.into_iden(),
            ),
        ] {
            manager
                .create_index(Index::create().name(name).table(table).col(col).to_owned())
                .await?;
        }
        manager
            .create_index(
                Index::create()
                    .name("idx_fund_award_listings_pair")
                    .table(FundAwardListings::Table)
                    .col(FundAwardListings::ApplicationId)
                    .col(FundAwardListings::ListingId)
                    .unique()
                    .to_owned(),
            )
            .await?;
        Ok(())
    }
}
