use sea_orm::entity::prelude::*;

/// One piece of approval evidence (identity, DBS, insurance, references, training, CQC):
/// one row per kind per organisation, replaced when the provider updates it.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "provider_evidence")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub organisation_id: i64,
    pub kind: String,
    /// What the provider tells the council (e.g. the insurer, the references given).
    pub details: String,
    /// DBS level: basic, standard, enhanced, enhanced_barred.
    pub check_type: Option<String>,
    pub reference_number: Option<String>,
    pub issued_on: Option<Date>,
    pub expires_on: Option<Date>,
    pub reminder_sent_at: Option<DateTimeUtc>,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
