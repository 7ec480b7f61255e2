//! The innovation fund: rounds the council opens, applications from micro-providers, the
//! panel's scores, decisions, awards and payments, and the 360Giving export.

pub mod applications;
pub mod awards;
pub mod decisions;
pub mod export;
pub mod panel;
pub mod rounds;
