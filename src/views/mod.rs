//! Server-rendered pages (maud) in GOV.UK Design System style. Templates never query the
//! database: handlers pass them what they show.

pub mod accounts;
pub mod admin;
pub mod admin_listings;
pub mod admin_providers;
pub mod categories;
pub mod charts;
pub mod checking;
pub mod clients;
pub mod components;
pub mod enquiries;
pub mod errors;
pub mod fund;
pub mod fund_admin;
pub mod home;
pub mod import;
pub mod info;
pub mod inspection_review;
pub mod inspections;
pub mod layout;
pub mod listing_page;
pub mod listing_parts;
pub mod listings;
pub mod market;
pub mod mps;
pub mod page;
pub mod plans;
pub mod provider_evidence;
pub mod providers;
pub mod ras;
pub mod reviews;
pub mod search;
pub mod search_log;
pub mod shortlists;

pub use page::Page;
pub mod two_factor;
