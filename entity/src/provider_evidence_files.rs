use sea_orm::entity::prelude::*;

/// A document uploaded as evidence; private to the organisation's members and admins.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "provider_evidence_files")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub organisation_id: crate::provider_organisations::OrganisationId,
    /// The evidence kind it supports (identity, dbs, insurance, …).
    pub kind: crate::provider_evidence::EvidenceKind,
    /// Content-addressed name under `data_dir/private/`.
    pub stored_name: String,
    /// The name it had on the provider's computer, for display only.
    pub original_name: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub uploaded_by: Option<crate::users::UserId>,
    pub uploaded_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
