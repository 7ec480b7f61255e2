//! Arranging support: brokers' clients, shortlists, support plans with their budgets (entered
//! or from the council's resource allocation table) and plan exports.

pub mod budget;
pub mod clients;
pub mod export;
pub mod ras;
pub mod shortlists;
pub mod support_plans;
