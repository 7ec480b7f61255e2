use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "provider_members")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub organisation_id: crate::provider_organisations::OrganisationId,
    #[sea_orm(primary_key, auto_increment = false)]
    pub user_id: crate::users::UserId,
    /// `owner` or `member`.
    pub member_role: MemberRole,
    pub created_at: DateTimeUtc,
}

crate::text_enum! {
    /// What a person may do for their organisation: an owner also manages its members.
    pub enum MemberRole {
        Owner = "owner",
        Member = "member",
    }
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::provider_organisations::Entity",
        from = "Column::OrganisationId",
        to = "super::provider_organisations::Column::Id"
    )]
    Organisation,
}

impl Related<super::provider_organisations::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Organisation.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
