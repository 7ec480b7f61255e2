//! Business rules, free of HTTP: each function takes a database connection (or transaction)
//! and parsed values, and returns domain results or errors.

pub mod account_tokens;
pub mod accounts;
pub mod audit;
pub mod categories;
pub mod clients;
pub mod dates;
pub mod display_name;
pub mod email_address;
pub mod enquiries;
pub mod enquiry_form;
pub mod enquiry_stats;
pub mod evidence_expiry;
pub mod evidence_files;
pub mod invitations;
pub mod listing_approval;
pub mod listing_content;
pub mod listing_form;
pub mod listing_review;
pub mod listings;
pub mod new_password;
pub mod organisations;
pub mod passwords;
pub mod postcode;
pub mod provider_approval;
pub mod provider_evidence;
pub mod provider_profile;
pub mod reading_age;
pub mod search_changes;
pub mod search_documents;
pub mod search_log;
pub mod search_params;
pub mod shortlists;
pub mod users;
pub mod validation;
