use sea_orm::entity::prelude::*;

/// A record's id in the file it was imported from: `kind` is "service" (→ listing) or
/// "organization" (→ provider organisation).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "import_sources")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub kind: ImportKind,
    pub source_id: String,
    pub local_id: i64,
    pub imported_at: DateTimeUtc,
}

crate::text_enum! {
    /// The kind of Open Referral record an imported row came from.
    pub enum ImportKind {
        /// Became a listing.
        Service = "service",
        /// Became a provider organisation.
        Organisation = "organization",
    }
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
