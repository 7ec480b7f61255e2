//! Support plans: a holder's indicative weekly budget (entered, or worked out with the
//! council's Resource Allocation System) and the services they plan to buy with it; and the
//! RAS points tables commissioners publish (every version kept).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum BrokerClients {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum RasTables {
    Table,
    Id,
    Config,
    CreatedByUserId,
    CreatedAt,
}

#[derive(DeriveIden)]
enum SupportPlans {
    Table,
    Id,
    HolderUserId,
    ClientId,
    WeeklyBudgetPence,
    BudgetSource,
    RasTableId,
    RasAnswers,
    RasPoints,
    UpdatedByUserId,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum SupportPlanItems {
    Table,
    Id,
    PlanId,
    ListingId,
    Description,
    Unit,
    UnitPricePence,
    QuantityHundredths,
    OneOff,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(RasTables::Table)
                    .col(big_pk_auto(RasTables::Id))
                    .col(text(RasTables::Config))
                    .col(big_integer_null(RasTables::CreatedByUserId))
                    .col(timestamp_with_time_zone(RasTables::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(RasTables::Table, RasTables::CreatedByUserId)
                            .to(Users::Table, Users::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(SupportPlans::Table)
                    .col(big_pk_auto(SupportPlans::Id))
                    .col(big_integer_null(SupportPlans::HolderUserId))
                    .col(big_integer_null(SupportPlans::ClientId))
                    .col(big_integer_null(SupportPlans::WeeklyBudgetPence))
                    .col(string_len(SupportPlans::BudgetSource, 10))
                    .col(big_integer_null(SupportPlans::RasTableId))
                    .col(text_null(SupportPlans::RasAnswers))
                    .col(integer_null(SupportPlans::RasPoints))
                    .col(big_integer(SupportPlans::UpdatedByUserId))
                    .col(timestamp_with_time_zone(SupportPlans::CreatedAt))
                    .col(timestamp_with_time_zone(SupportPlans::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(SupportPlans::Table, SupportPlans::HolderUserId)
                            .to(Users::Table, Users::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(SupportPlans::Table, SupportPlans::ClientId)
                            .to(BrokerClients::Table, BrokerClients::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(SupportPlans::Table, SupportPlans::RasTableId)
                            .to(RasTables::Table, RasTables::Id),
                    )
                    .to_owned(),
            )
            .await?;
        for (name, column) in [
            ("idx_support_plans_holder", SupportPlans::HolderUserId),
            ("idx_support_plans_client", SupportPlans::ClientId),
        ] {
            manager
                .create_index(
                    Index::create()
                        .name(name)
                        .table(SupportPlans::Table)
                        .col(column)
                        .unique()
                        .to_owned(),
                )
                .await?;
        }
        manager
            .create_table(
                Table::create()
                    .table(SupportPlanItems::Table)
                    .col(big_pk_auto(SupportPlanItems::Id))
                    .col(big_integer(SupportPlanItems::PlanId))
                    .col(big_integer_null(SupportPlanItems::ListingId))
                    .col(string_len(SupportPlanItems::Description, 200))
                    .col(string_len(SupportPlanItems::Unit, 10))
                    .col(big_integer(SupportPlanItems::UnitPricePence))
                    .col(big_integer(SupportPlanItems::QuantityHundredths))
                    .col(boolean(SupportPlanItems::OneOff))
                    .col(timestamp_with_time_zone(SupportPlanItems::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(SupportPlanItems::Table, SupportPlanItems::PlanId)
                            .to(SupportPlans::Table, SupportPlans::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_support_plan_items_plan")
                    .table(SupportPlanItems::Table)
                    .col(SupportPlanItems::PlanId)
                    .to_owned(),
            )
            .await?;
        Ok(())
    }
}
