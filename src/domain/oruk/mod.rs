//! Open Referral UK 3.0: Kith's published directory in the standard councils exchange.

pub mod ids;
pub mod model;
pub mod query;
pub mod service;
pub mod taxonomy;
