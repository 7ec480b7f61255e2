use sea_orm::entity::prelude::*;

/// A council served by this deployment: who it is, where its pages are reached, the
/// postcode districts it covers and what it publishes under.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "councils")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: CouncilId,
    /// Short name, lower case: `/c/{slug}/` when councils share one host name.
    #[sea_orm(unique)]
    pub slug: String,
    pub name: String,
    /// The host name its pages are served at (`trafford.kith.example`), if it has its own.
    #[sea_orm(unique)]
    pub host: Option<String>,
    /// Postcode districts (`M33`), a JSON array.
    pub districts: Json,
    /// A line shown at the foot of its pages: how to reach its adult social care team.
    pub contact: String,
    pub funder_identifier: String,
    pub funder_name: String,
    pub grant_prefix: String,
    /// Its name in CQC's register (`Trafford`).
    pub local_authority: String,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

crate::id_type! {
    /// A council's id.
    CouncilId
}
