//! HTTP integration tests: the app on a random port with a temporary database, data dir and
//! captured mail. Set TEST_DATABASE_URL=postgres://… to run them against PostgreSQL.

// Tests fail loudly by design: an unwrap here is an assertion.
#![allow(clippy::unwrap_used)]

mod accounts;
mod admin;
mod api_docs;
mod authorization;
mod categories;
mod checking;
mod clients;
mod councils;
mod cqc;
mod crash;
mod dashboards;
mod demo;
mod enquiries;
mod evidence_files;
mod fund;
mod helpers;
mod hostile;
mod import;
mod instances;
mod links;
mod listings;
mod mail;
mod market;
mod object_storage;
mod openreferral;
mod operations;
mod owners;
mod placements;
mod places;
mod plans;
mod privacy;
mod provider_approval;
mod providers;
mod reports;
mod retention;
mod reviews;
mod saved_searches;
mod search;
mod security;
mod shortlists;
mod staff_access;
mod structure;
mod two_factor;
