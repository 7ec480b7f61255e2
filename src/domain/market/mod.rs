//! The market picture for commissioners: supply and demand analysis, exports, and the
//! Market Position Statement (and its PDF).

pub mod analysis;
pub mod export;
pub mod mps;
pub mod mps_pdf;
pub mod supply;
