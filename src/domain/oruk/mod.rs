//! Open Referral UK 3.0: Kith's published directory in the standard councils exchange.

pub mod export;
pub mod ids;
pub mod model;
pub mod package;
pub mod query;
pub mod service;
pub mod taxonomy;
