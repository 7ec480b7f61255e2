use sea_orm::entity::prelude::*;

/// An innovation-fund round: a need the council wants met, who may apply, the money and the
/// dates. Lists are stored as JSON arrays.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "fund_rounds")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub title: String,
    pub need: String,
    pub category_ids: String,
    pub client_groups: String,
    /// Postcode districts, space separated.
    pub districts: String,
    /// Organisation kinds that may apply (empty: any).
    pub eligible_kinds: String,
    pub max_award_pence: i64,
    pub pot_pence: i64,
    pub opens_on: Date,
    /// Applications are accepted until the end of this day.
    pub closes_on: Date,
    /// "draft" or "published".
    pub status: RoundStatus,
    pub created_by_user_id: crate::users::UserId,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub published_at: Option<DateTimeUtc>,
}

crate::text_enum! {
    pub enum RoundStatus {
        Draft = "draft",
        Published = "published",
    }
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
