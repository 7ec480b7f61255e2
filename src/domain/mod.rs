//! Business rules, free of HTTP: each function takes a database connection (or transaction)
//! and parsed values, and returns domain results or errors.

pub mod accounts;
pub mod audit;
pub mod categories;
pub mod checking;
pub mod councils;
pub mod cqc;
pub mod dashboard;
pub mod dates;
pub mod enquiries;
pub mod fund;
pub mod import;
pub mod listings;
pub mod market;
pub mod money;
pub mod oruk;
pub mod placements;
pub mod places;
pub mod plans;
pub mod postcode;
pub mod privacy;
pub mod providers;
pub mod reading_age;
pub mod search;
pub mod service_reviews;
pub mod tokens;
pub mod vacancies;
pub mod validation;
pub mod words;
