use sea_orm::entity::prelude::*;

/// One row per state change that matters: who, when, what, from, to, why. Append-only
/// (database triggers refuse UPDATE and DELETE).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "audit_log")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub occurred_at: DateTimeUtc,
    pub actor_user_id: Option<crate::users::UserId>,
    pub on_behalf_of: Option<String>,
    pub action: String,
    pub subject_type: String,
    pub subject_id: String,
    pub from_state: Option<String>,
    pub to_state: Option<String>,
    pub detail: Option<String>,
    pub request_id: Option<String>,
    /// The council whose pages the change came from; none for the deployment's own work
    /// (the command line, background jobs) and for entries from before there were councils.
    pub council_id: Option<crate::councils::CouncilId>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
