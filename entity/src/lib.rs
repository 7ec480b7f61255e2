//! sea-orm entities for Kith: one module per table, the shape only, no business logic.
//!
//! Every column that holds one of a fixed set of values (a state, a kind, a role) is typed as
//! an enum declared with [`text_enum!`] beside its table, so the compiler refuses a misspelt
//! state. The database keeps the same text, so no data migration was needed.

/// Declares the id of one table's rows: a number in the database, a type of its own in Rust,
/// so an organisation's id can never be passed where a listing's is wanted.
#[macro_export]
macro_rules! id_type {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[derive(
            Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash,
            sea_orm::DeriveValueType, serde::Serialize, serde::Deserialize,
        )]
        #[serde(transparent)]
        pub struct $name(pub i64);

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }

        impl std::str::FromStr for $name {
            type Err = std::num::ParseIntError;

            fn from_str(text: &str) -> Result<Self, Self::Err> {
                text.parse().map(Self)
            }
        }

        impl From<i64> for $name {
            fn from(id: i64) -> Self {
                Self(id)
            }
        }

        impl From<$name> for i64 {
            fn from(id: $name) -> i64 {
                id.0
            }
        }
    };
}

/// Declares an enum stored as text: each variant names the exact text kept in the database.
/// Gives `as_str`, `parse`, `ALL`, serde serialisation and the sea-orm mapping (an unknown stored value
/// is a database type error, never a silent default). No `Display`: a page says which
/// words to show (`as_str` for forms and URLs, a label for people).
#[macro_export]
macro_rules! text_enum {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident = $value:literal ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(
            Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord,
            sea_orm::EnumIter, sea_orm::DeriveActiveEnum,
        )]
        #[sea_orm(rs_type = "String", db_type = "Text")]
        $vis enum $name {
            $( $(#[$vmeta])* #[sea_orm(string_value = $value)] $variant ),+
        }

        impl $name {
            pub const ALL: [$name; [$(stringify!($variant)),+].len()] = [$($name::$variant),+];

            /// The text stored in the database and used in forms and URLs.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $value),+
                }
            }

            pub fn parse(text: &str) -> Option<Self> {
                Self::ALL.into_iter().find(|v| v.as_str() == text)
            }
        }

        impl From<$name> for String {
            fn from(value: $name) -> String {
                value.as_str().to_owned()
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }
    };
}

pub mod audit_log;
pub mod audit_reasons;
pub mod auth_tokens;
pub mod broker_clients;
pub mod categories;
pub mod checker_assignments;
pub mod checker_profiles;
pub mod councils;
pub mod cqc_changes;
pub mod cqc_imports;
pub mod cqc_locations;
pub mod enquiries;
pub mod enquiry_categories;
pub mod enquiry_messages;
pub mod erasure_requests;
pub mod fund_applications;
pub mod fund_award_listings;
pub mod fund_criteria;
pub mod fund_milestones;
pub mod fund_panel_members;
pub mod fund_payments;
pub mod fund_reviews;
pub mod fund_rounds;
pub mod import_sources;
pub mod inspection_photos;
pub mod inspection_responses;
pub mod inspections;
pub mod invitations;
pub mod listing_reports;
pub mod listing_revisions;
pub mod listings;
pub mod mail_outbox;
pub mod market_languages;
pub mod market_supply;
pub mod mps_documents;
pub mod placement_offers;
pub mod placement_requests;
pub mod provider_evidence;
pub mod provider_evidence_files;
pub mod provider_members;
pub mod provider_organisations;
pub mod provider_reviews;
pub mod ras_tables;
pub mod rate_limit_attempts;
pub mod recovery_codes;
pub mod saved_search_alerts;
pub mod saved_searches;
pub mod search_demand_daily;
pub mod search_demand_seen;
pub mod search_index_changes;
pub mod search_log;
pub mod search_zero_words_daily;
pub mod service_reviews;
pub mod sessions;
pub mod shortlist_items;
pub mod support_plan_items;
pub mod support_plans;
pub mod two_factor;
pub mod user_roles;
pub mod users;
pub mod vacancies;
pub mod vacancy_history;
