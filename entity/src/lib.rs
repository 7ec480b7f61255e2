//! sea-orm entities for Kith: one module per table, the shape only, no business logic.

pub mod audit_log;
pub mod auth_tokens;
pub mod broker_clients;
pub mod categories;
pub mod enquiries;
pub mod enquiry_categories;
pub mod enquiry_messages;
pub mod invitations;
pub mod listing_revisions;
pub mod listings;
pub mod mail_outbox;
pub mod provider_evidence;
pub mod provider_evidence_files;
pub mod provider_members;
pub mod provider_organisations;
pub mod provider_reviews;
pub mod ras_tables;
pub mod search_index_changes;
pub mod search_log;
pub mod service_reviews;
pub mod sessions;
pub mod shortlist_items;
pub mod support_plan_items;
pub mod support_plans;
pub mod user_roles;
pub mod users;
