use sea_orm::entity::prelude::*;

/// The words someone wrote with an audited decision (a reason, a message, a note). Kept
/// beside the append-only log, not in it, so they can be erased with the person they are
/// about while the log stays whole.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "audit_reasons")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub audit_id: i64,
    pub reason: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
