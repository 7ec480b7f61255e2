use sea_orm::entity::prelude::*;

/// An admin's decision on a provider, with the checklist items they confirmed.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "provider_reviews")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub organisation_id: crate::provider_organisations::OrganisationId,
    pub reviewer_id: Option<crate::users::UserId>,
    /// `approved`, `changes_requested` or `rejected`.
    pub decision: crate::provider_organisations::OrganisationStatus,
    pub message: Option<String>,
    /// Comma-separated checklist items confirmed.
    pub checklist: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
