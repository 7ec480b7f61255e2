use sea_orm::entity::prelude::*;

crate::text_enum! {
    /// What is wrong with a listing, as the person reporting it chose.
    pub enum ReportKind {
        OutOfDate = "out_of_date",
        Closed = "closed",
        WrongContact = "wrong_contact",
        Concern = "concern",
    }
}

/// Someone's report of a problem with a listing. Concerns about the service go to the
/// council's admins only; the rest to the provider's members as well.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "listing_reports")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub listing_id: crate::listings::ListingId,
    pub kind: ReportKind,
    pub details: String,
    /// Set when the person was signed in.
    pub reporter_user_id: Option<crate::users::UserId>,
    /// Who reported, as a salted hash of their account or network address: repeated
    /// reports count once per reporter, and nobody can be named from it.
    pub reporter_key: String,
    pub created_at: DateTimeUtc,
    pub resolved_at: Option<DateTimeUtc>,
    pub resolved_by_user_id: Option<crate::users::UserId>,
    pub resolution: Option<String>,
    /// The council whose pages it was reported on, whose admins look into it.
    pub council_id: crate::councils::CouncilId,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
