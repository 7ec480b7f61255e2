//! The whole published directory in Open Referral UK form, for `kith export oruk`.

use std::path::Path;

use sea_orm::DatabaseConnection;

use super::model::Service;
use super::{package, service, taxonomy};
use crate::domain::listings::{self, ListingError};
use crate::domain::search::documents::candidate_ids;

/// Every published service in full, in listing order; `progress` is told after each.
pub async fn services(
    db: &DatabaseConnection,
    base_url: &str,
    mut progress: impl FnMut(usize, usize),
) -> Result<Vec<Service>, ListingError> {
    let terms = taxonomy::load(db, base_url).await?;
    let mut ids = candidate_ids(db).await?;
    ids.sort_unstable();
    let mut out = Vec::new();
    for (i, id) in ids.iter().enumerate() {
        if let Some(p) = listings::public_listing(db, *id).await? {
            out.push(service::service(&p, &terms, base_url));
        }
        progress(i + 1, ids.len());
    }
    Ok(out)
}

/// Writes `services.json` (a list of full services) and the CSV data package into `dir`.
pub async fn write(
    db: &DatabaseConnection,
    base_url: &str,
    dir: &Path,
    progress: impl FnMut(usize, usize),
) -> anyhow::Result<usize> {
    let all = services(db, base_url, progress).await?;
    let terms = taxonomy::load(db, base_url).await?;
    std::fs::create_dir_all(dir)?;
    std::fs::write(dir.join("services.json"), serde_json::to_vec_pretty(&all)?)?;
    package::write(
        &dir.join("csv"),
        &all,
        &taxonomy::taxonomies(&terms, base_url),
    )?;
    Ok(all.len())
}
