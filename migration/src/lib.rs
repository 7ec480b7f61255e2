//! Schema migrations for Kith. Append-only once landed; each runs on SQLite and PostgreSQL.

pub use sea_orm_migration::prelude::*;

mod council_column;
mod m20261122_000001_create_accounts;
mod m20261122_000002_create_provider_organisations;
mod m20261122_000003_create_mail_outbox;
mod m20261122_000004_create_audit_log;
mod m20261122_000005_provider_profiles;
mod m20261122_000006_provider_approval;
mod m20261122_000007_create_categories;
mod m20261122_000008_create_listings;
mod m20261122_000009_create_evidence_files;
mod m20261122_000010_create_search_tables;
mod m20261123_000011_create_clients_and_shortlists;
mod m20261123_000012_create_enquiries;
mod m20261123_000013_create_support_plans;
mod m20261123_000014_create_service_reviews;
mod m20261123_000015_create_checker_assignments;
mod m20261123_000016_create_inspections;
mod m20261123_000017_create_inspection_responses;
mod m20261125_000018_inspection_photos_and_reminders;
mod m20261125_000019_create_market_supply;
mod m20261125_000020_create_innovation_fund;
mod m20261125_000021_create_fund_awards;
mod m20261125_000022_search_demand_rollup;
mod m20261125_000023_create_mps_documents;
mod m20261126_000024_market_languages_and_responses;
mod m20261126_000025_create_import_sources;
mod m20261127_000026_create_two_factor;
mod m20261127_000027_search_demand_seen;
mod m20261128_000028_cqc_ids_per_location;
mod m20261128_000029_personal_data;
mod m20261128_000030_daily_use;
mod m20261128_000031_cqc_register;
mod m20261128_000032_care_places;
mod m20261207_000033_rate_limit_attempts;
mod m20261207_000034_councils;
mod m20261207_000035_roles_per_council;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261122_000001_create_accounts::Migration),
            Box::new(m20261122_000002_create_provider_organisations::Migration),
            Box::new(m20261122_000003_create_mail_outbox::Migration),
            Box::new(m20261122_000004_create_audit_log::Migration),
            Box::new(m20261122_000005_provider_profiles::Migration),
            Box::new(m20261122_000006_provider_approval::Migration),
            Box::new(m20261122_000007_create_categories::Migration),
            Box::new(m20261122_000008_create_listings::Migration),
            Box::new(m20261122_000009_create_evidence_files::Migration),
            Box::new(m20261122_000010_create_search_tables::Migration),
            Box::new(m20261123_000011_create_clients_and_shortlists::Migration),
            Box::new(m20261123_000012_create_enquiries::Migration),
            Box::new(m20261123_000013_create_support_plans::Migration),
            Box::new(m20261123_000014_create_service_reviews::Migration),
            Box::new(m20261123_000015_create_checker_assignments::Migration),
            Box::new(m20261123_000016_create_inspections::Migration),
            Box::new(m20261123_000017_create_inspection_responses::Migration),
            Box::new(m20261125_000018_inspection_photos_and_reminders::Migration),
            Box::new(m20261125_000019_create_market_supply::Migration),
            Box::new(m20261125_000020_create_innovation_fund::Migration),
            Box::new(m20261125_000021_create_fund_awards::Migration),
            Box::new(m20261125_000022_search_demand_rollup::Migration),
            Box::new(m20261125_000023_create_mps_documents::Migration),
            Box::new(m20261126_000024_market_languages_and_responses::Migration),
            Box::new(m20261126_000025_create_import_sources::Migration),
            Box::new(m20261127_000026_create_two_factor::Migration),
            Box::new(m20261127_000027_search_demand_seen::Migration),
            Box::new(m20261128_000028_cqc_ids_per_location::Migration),
            Box::new(m20261128_000029_personal_data::Migration),
            Box::new(m20261128_000030_daily_use::Migration),
            Box::new(m20261128_000031_cqc_register::Migration),
            Box::new(m20261128_000032_care_places::Migration),
            Box::new(m20261207_000033_rate_limit_attempts::Migration),
            Box::new(m20261207_000034_councils::Migration),
            Box::new(m20261207_000035_roles_per_council::Migration),
        ]
    }
}
