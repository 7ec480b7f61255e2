use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "provider_organisations")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: OrganisationId,
    pub name: String,
    pub kind: ProviderKind,
    /// The CQC *provider* id (each listing carries its own location's id).
    pub cqc_provider_id: Option<String>,
    pub status: OrganisationStatus,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub description: Option<String>,
    pub contact_email: Option<String>,
    pub contact_phone: Option<String>,
    pub website: Option<String>,
    /// For a personal assistant this is their home: never shown publicly.
    pub address: Option<String>,
    pub postcode: Option<String>,
    /// Postcode districts, comma separated (e.g. "M16, M32").
    pub areas_served: Option<String>,
    pub logo_file: Option<String>,
    pub logo_thumbnail: Option<String>,
    pub logo_alt: Option<String>,
    /// When the provider last asked the council to approve them.
    pub submitted_at: Option<DateTimeUtc>,
}

crate::id_type! {
    /// A provider organisation's id.
    OrganisationId
}

crate::text_enum! {
    /// The kinds of provider the council recognises.
    pub enum ProviderKind {
        RegisteredCareProvider = "registered_care_provider",
        MicroEnterprise = "micro_enterprise",
        SocialEnterprise = "social_enterprise",
        UserLed = "user_led",
        VoluntaryGroup = "voluntary_group",
        PersonalAssistant = "personal_assistant",
    }
}

crate::text_enum! {
    /// Where a provider stands with the council.
    pub enum OrganisationStatus {
        Draft = "draft",
        Submitted = "submitted",
        ChangesRequested = "changes_requested",
        Rejected = "rejected",
        Approved = "approved",
    }
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(has_many = "super::provider_members::Entity")]
    Members,
}

impl Related<super::provider_members::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Members.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
