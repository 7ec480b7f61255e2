use sea_orm::entity::prelude::*;

/// One import of CQC's register: the file, who ran it (none from the command line) and
/// what it found.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "cqc_imports")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub file_name: String,
    pub imported_by_user_id: Option<crate::users::UserId>,
    pub rows_read: i64,
    /// Locations kept: Kith's own, its providers' and those in the council's area.
    pub locations_kept: i64,
    /// Listings whose CQC location was in the file.
    pub listings_matched: i64,
    pub changes_queued: i64,
    /// The CQC provider ids of organisations in Kith when it ran, one per line: a later
    /// import tells admins of new locations of these providers only.
    pub providers_known: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
