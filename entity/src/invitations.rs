use sea_orm::entity::prelude::*;

/// An admin's invitation for someone to take a staff role (broker, quality checker,
/// commissioner, admin). Only the SHA-256 of the emailed token is stored.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "invitations")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub email: String,
    pub role: crate::user_roles::Role,
    /// The council the role is to be held in.
    pub council_id: crate::councils::CouncilId,
    #[sea_orm(unique)]
    pub token_hash: String,
    pub invited_by: Option<crate::users::UserId>,
    pub expires_at: DateTimeUtc,
    pub accepted_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    /// Set when a provider owner invites a member to their organisation.
    pub organisation_id: Option<crate::provider_organisations::OrganisationId>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
