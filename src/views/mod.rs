//! Server-rendered pages (maud) in GOV.UK Design System style. Templates never query the
//! database: handlers pass them what they show.

pub mod accounts;
pub mod admin;
pub mod categories;
pub mod charts;
pub mod checking;
pub mod components;
pub mod cqc;
pub mod dashboard;
pub mod enquiries;
pub mod errors;
pub mod fund;
pub mod home;
pub mod import;
pub mod info;
pub mod layout;
pub mod listings;
pub mod market;
pub mod page;
pub mod placements;
pub mod places;
pub mod plans;
pub mod privacy;
pub mod providers;
pub mod reviews;
pub mod search;

pub use page::Page;
