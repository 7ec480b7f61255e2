use sea_orm::entity::prelude::*;

/// One piece of approval evidence (identity, DBS, insurance, references, training, CQC):
/// one row per kind per organisation, replaced when the provider updates it.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "provider_evidence")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub organisation_id: crate::provider_organisations::OrganisationId,
    pub kind: EvidenceKind,
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

crate::text_enum! {
    /// The kinds of evidence a provider gives the council before approval.
    pub enum EvidenceKind {
        Identity = "identity",
        Dbs = "dbs",
        Insurance = "insurance",
        References = "references",
        Training = "training",
        Cqc = "cqc",
    }
}

impl EvidenceKind {
    pub fn label(self) -> &'static str {
        match self {
            Self::Identity => "Proof of identity",
            Self::Dbs => "DBS check",
            Self::Insurance => "Public liability insurance",
            Self::References => "References",
            Self::Training => "Training",
            Self::Cqc => "CQC registration",
        }
    }

    /// The label inside a sentence: "proof of identity", but "DBS check" keeps its capitals.
    pub fn in_sentence(self) -> String {
        let label = self.label();
        let mut chars = label.chars();
        match (chars.next(), chars.next()) {
            (Some(first), Some(second)) if second.is_lowercase() => {
                format!("{}{}", first.to_lowercase(), &label[first.len_utf8()..])
            }
            _ => label.to_owned(),
        }
    }

    pub fn details_hint(self) -> &'static str {
        match self {
            Self::Identity => {
                "Which documents you can show, for example a passport or driving licence, and proof of address"
            }
            Self::Dbs => {
                "Anything the council should know, for example if you use the DBS Update Service"
            }
            Self::Insurance => "The name of your insurer and how much you are covered for",
            Self::References => "Who your two referees are and how the council can contact them",
            Self::Training => {
                "Courses you have completed and when, for example moving and handling, first aid, safeguarding"
            }
            Self::Cqc => "The name of the registered service and its latest CQC rating",
        }
    }

    /// What the admin confirms for this kind before approving.
    pub fn checklist_item(self) -> &'static str {
        match self {
            Self::Identity => "I have seen proof of identity and it matches the account holder",
            Self::Dbs => {
                "I have checked the DBS certificate (or Update Service) and it is clear or risk-assessed"
            }
            Self::Insurance => "I have seen the insurance certificate and it is in date",
            Self::References => "I have taken up two satisfactory references",
            Self::Training => "I have seen evidence of the training listed",
            Self::Cqc => {
                "I have checked the CQC register: the location is registered for this activity"
            }
        }
    }
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
