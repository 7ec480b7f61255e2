//! Kith: a care and support marketplace for UK adult social care. The crate is a library so
//! that `tests/` can spawn the whole service; `main.rs` only calls [`cli::main`].

pub mod app;
pub mod auth;
pub mod backup;
pub mod check_deploy;
pub mod clock;
pub mod config;
pub mod council_scope;
pub mod db;
pub mod demo;
pub mod documents;
pub mod domain;
pub mod error;
pub mod file_store;
pub mod images;
pub mod indexer;
pub mod jobs;
pub mod mail;
pub mod metrics;
pub mod postcode_import;
pub mod routes;
pub mod shutdown;
/// Typed builders for every internal URL, generated from the route table.
pub use routes::paths;
pub mod state;
pub mod stored_files;
pub mod telemetry;
pub mod typeset;
pub mod views;
