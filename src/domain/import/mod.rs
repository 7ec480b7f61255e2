//! Bulk import of listings from other directories: Open Referral UK JSON or its tabular data
//! package, and Kith's own simple CSV template. Every source becomes the same rows (an
//! organisation and a listing form), checked by the same rules as the provider's form, and
//! written one row per transaction — a bad row is reported and never half-written.

pub mod apply;
pub mod batch;
pub mod oruk_rows;
pub mod rows;
pub mod template;

use std::path::Path;

use rows::{BadRow, Read, Vocabulary};

use super::oruk;

/// Reads Open Referral UK data from a JSON file, a data package directory, or the
/// `datapackage.json` inside one.
pub fn read_oruk(path: &Path, vocabulary: &Vocabulary) -> Result<Read, String> {
    let dir = if path.is_dir() {
        Some(path.to_path_buf())
    } else if path.file_name().is_some_and(|n| n == "datapackage.json") {
        path.parent().map(Path::to_path_buf)
    } else {
        None
    };
    if let Some(dir) = dir {
        let mut read = Read::default();
        for (label, service) in oruk::package::read(&dir)? {
            match service.and_then(|s| oruk_rows::row_of(&s, vocabulary)) {
                Ok(mut row) => {
                    row.label = label;
                    read.items.push(Ok(row));
                }
                Err(reason) => read.items.push(Err(BadRow { label, reason })),
            }
        }
        return Ok(read);
    }
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("{} cannot be read: {e}", path.display()))?;
    oruk_rows::from_json(&text, vocabulary)
}
