//! HTTP integration tests: the app on a random port with a temporary database, data dir and
//! captured mail. Set TEST_DATABASE_URL=postgres://… to run them against PostgreSQL.

mod accounts;
mod admin;
mod authorization;
mod helpers;
mod mail;
mod security;
