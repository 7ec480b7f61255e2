//! Quality checking: assignments to checkers, inspections and their photos, the council's
//! review and publication, reminders and when a service is next due a check.

pub mod assignments;
pub mod checkers;
pub mod inspections;
pub mod photos;
pub mod recheck;
pub mod reminders;
pub mod review;
