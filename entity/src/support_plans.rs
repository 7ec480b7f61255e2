use sea_orm::entity::prelude::*;

/// A holder's support plan (one per account holder or broker's client).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "support_plans")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub holder_user_id: Option<crate::users::UserId>,
    pub client_id: Option<i64>,
    pub weekly_budget_pence: Option<i64>,
    /// "none", "entered" or "ras".
    pub budget_source: BudgetSource,
    pub ras_table_id: Option<i64>,
    /// The RAS answers as JSON (question key → option index).
    pub ras_answers: Option<String>,
    pub ras_points: Option<i32>,
    pub updated_by_user_id: crate::users::UserId,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

crate::text_enum! {
    /// Where a plan's weekly budget came from.
    pub enum BudgetSource {
        None = "none",
        /// Typed in by the person or their broker.
        Entered = "entered",
        /// Estimated from the council's resource allocation table.
        Ras = "ras",
    }
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
