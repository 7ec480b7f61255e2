use sea_orm::entity::prelude::*;

/// A person a support broker helps, who may have no account or email. Visible only to the
/// broker holding the case (and admins).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "broker_clients")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The broker currently holding the case.
    pub broker_user_id: crate::users::UserId,
    /// Name or reference, as the broker chooses.
    pub name: String,
    pub postcode_sector: Option<String>,
    pub needs: String,
    /// "phone", "email", "post", "in_person" or "via_broker".
    pub contact_preference: String,
    pub contact_details: String,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub closed_at: Option<DateTimeUtc>,
    /// When the client's data was erased: the row stays as a tombstone.
    pub erased_at: Option<DateTimeUtc>,
    /// The council whose case it is (the broker's, where they took it on).
    pub council_id: crate::councils::CouncilId,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
