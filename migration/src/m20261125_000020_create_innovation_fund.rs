//! The innovation fund: funding rounds with weighted criteria and a panel, providers'
//! applications, and each panel member's review (scores, or a declared conflict of
//! interest) of each application.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum FundRounds {
    Table,
    Id,
    Title,
    Need,
    CategoryIds,
    ClientGroups,
    Districts,
    EligibleKinds,
    MaxAwardPence,
    PotPence,
    OpensOn,
    ClosesOn,
    Status,
    CreatedByUserId,
    CreatedAt,
    UpdatedAt,
    PublishedAt,
}

#[derive(DeriveIden)]
enum FundCriteria {
    Table,
    Id,
    RoundId,
    Position,
    Title,
    Weight,
}

#[derive(DeriveIden)]
enum FundPanelMembers {
    Table,
    Id,
    RoundId,
    UserId,
    CreatedAt,
}

#[derive(DeriveIden)]
enum FundApplications {
    Table,
    Id,
    RoundId,
    OrganisationId,
    Status,
    Answers,
    Budget,
    TotalPence,
    CreatedByUserId,
    SubmittedAt,
    Decision,
    AwardPence,
    DecisionNote,
    DecidedAt,
    DecidedByUserId,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum FundReviews {
    Table,
    Id,
    ApplicationId,
    UserId,
    Status,
    ConflictNote,
    Scores,
    SubmittedAt,
    CreatedAt,
    UpdatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(FundRounds::Table)
                    .col(big_pk_auto(FundRounds::Id))
                    .col(string_len(FundRounds::Title, 200))
                    .col(text(FundRounds::Need))
                    .col(text(FundRounds::CategoryIds))
                    .col(text(FundRounds::ClientGroups))
                    .col(text(FundRounds::Districts))
                    .col(text(FundRounds::EligibleKinds))
                    .col(big_integer(FundRounds::MaxAwardPence))
                    .col(big_integer(FundRounds::PotPence))
                    .col(date(FundRounds::OpensOn))
                    .col(date(FundRounds::ClosesOn))
                    .col(string_len(FundRounds::Status, 20))
                    .col(big_integer(FundRounds::CreatedByUserId))
                    .col(timestamp_with_time_zone(FundRounds::CreatedAt))
                    .col(timestamp_with_time_zone(FundRounds::UpdatedAt))
                    .col(timestamp_with_time_zone_null(FundRounds::PublishedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(FundCriteria::Table)
                    .col(big_pk_auto(FundCriteria::Id))
                    .col(big_integer(FundCriteria::RoundId))
                    .col(integer(FundCriteria::Position))
                    .col(string_len(FundCriteria::Title, 200))
                    .col(integer(FundCriteria::Weight))
                    .foreign_key(
                        ForeignKey::create()
                            .from(FundCriteria::Table, FundCriteria::RoundId)
                            .to(FundRounds::Table, FundRounds::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(FundPanelMembers::Table)
                    .col(big_pk_auto(FundPanelMembers::Id))
                    .col(big_integer(FundPanelMembers::RoundId))
                    .col(big_integer(FundPanelMembers::UserId))
                    .col(timestamp_with_time_zone(FundPanelMembers::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(FundPanelMembers::Table, FundPanelMembers::RoundId)
                            .to(FundRounds::Table, FundRounds::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(FundApplications::Table)
                    .col(big_pk_auto(FundApplications::Id))
                    .col(big_integer(FundApplications::RoundId))
                    .col(big_integer(FundApplications::OrganisationId))
                    .col(string_len(FundApplications::Status, 20))
                    .col(text(FundApplications::Answers))
                    .col(text(FundApplications::Budget))
                    .col(big_integer(FundApplications::TotalPence))
                    .col(big_integer(FundApplications::CreatedByUserId))
                    .col(timestamp_with_time_zone_null(FundApplications::SubmittedAt))
                    .col(string_len_null(FundApplications::Decision, 20))
                    .col(big_integer_null(FundApplications::AwardPence))
                    .col(text_null(FundApplications::DecisionNote))
                    .col(timestamp_with_time_zone_null(FundApplications::DecidedAt))
                    .col(big_integer_null(FundApplications::DecidedByUserId))
                    .col(timestamp_with_time_zone(FundApplications::CreatedAt))
                    .col(timestamp_with_time_zone(FundApplications::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(FundApplications::Table, FundApplications::RoundId)
                            .to(FundRounds::Table, FundRounds::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(FundReviews::Table)
                    .col(big_pk_auto(FundReviews::Id))
                    .col(big_integer(FundReviews::ApplicationId))
                    .col(big_integer(FundReviews::UserId))
                    .col(string_len(FundReviews::Status, 20))
                    .col(text_null(FundReviews::ConflictNote))
                    .col(text(FundReviews::Scores))
                    .col(timestamp_with_time_zone_null(FundReviews::SubmittedAt))
                    .col(timestamp_with_time_zone(FundReviews::CreatedAt))
                    .col(timestamp_with_time_zone(FundReviews::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(FundReviews::Table, FundReviews::ApplicationId)
                            .to(FundApplications::Table, FundApplications::Id),
                    )
                    .to_owned(),
            )
            .await?;
        for (name, table, cols, unique) in [
            (
                "idx_fund_criteria_round",
                FundCriteria::Table.into_iden(),
                vec![FundCriteria::RoundId.into_iden()],
                false,
            ),
            (
                "idx_fund_panel_round_user",
                FundPanelMembers::Table.into_iden(),
                vec![
                    FundPanelMembers::RoundId.into_iden(),
                    FundPanelMembers::UserId.into_iden(),
                ],
                true,
            ),
            (
                "idx_fund_applications_round_org",
                FundApplications::Table.into_iden(),
                vec![
                    FundApplications::RoundId.into_iden(),
                    FundApplications::OrganisationId.into_iden(),
                ],
                true,
            ),
            (
                "idx_fund_reviews_application_user",
                FundReviews::Table.into_iden(),
                vec![
                    FundReviews::ApplicationId.into_iden(),
                    FundReviews::UserId.into_iden(),
                ],
                true,
            ),
        ] {
            let mut idx = Index::create();
            idx.name(name).table(table);
            for col in cols {
                idx.col(col);
            }
            if unique {
                idx.unique();
            }
            manager.create_index(idx.to_owned()).await?;
        }
        Ok(())
    }
}
