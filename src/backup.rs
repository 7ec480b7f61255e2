//! Backups that restore. `kith backup <file>` writes one zip, readable by its owner only:
//! a consistent snapshot of the embedded database (SQLite's `VACUUM INTO`, taken while the
//! server goes on serving and writing), every uploaded file that snapshot refers to, and
//! the cookie-signing key (so people stay signed in across a restore). `kith restore
//! <file>` unpacks one into a data directory that holds no database yet; the search index
//! is not in a backup, as the server builds it from the database on its first start.
//!
//! On PostgreSQL the database is backed up with PostgreSQL's own tools (see the README); a
//! backup then holds the files and the key only, and says so.

use std::collections::BTreeSet;
use std::fs::File;
use std::io::{BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

use sea_orm::{ConnectionTrait, DatabaseConnection, Statement};
use serde::{Deserialize, Serialize};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipArchive, ZipWriter};

use crate::config::{Settings, create_private_dir, create_private_file};
use crate::file_store::Files;
use crate::stored_files::{self, FileRef, Store};

const MANIFEST: &str = "manifest.json";
const DATABASE: &str = "kith.db";
const SESSION_KEY: &str = "session.key";
const FILES: &str = "files/";
/// Bumped when a backup's layout changes; a restore refuses a layout it does not know.
const FORMAT: u32 = 1;

/// What a backup holds, written first in it.
#[derive(Debug, Serialize, Deserialize)]
pub struct Manifest {
    pub format: u32,
    pub kith_version: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
    /// "sqlite" when the database is in the backup, "postgresql" when it is not.
    pub database: String,
    pub files: usize,
}

/// What a backup wrote.
#[derive(Debug)]
pub struct Written {
    pub manifest: Manifest,
    pub bytes: u64,
    /// Files the database refers to that were not on disk (`kith files check` lists them).
    pub missing: Vec<FileRef>,
}

/// Writes a backup of this installation to `out`, which must not exist yet.
pub async fn backup(
    settings: &Settings,
    db: &DatabaseConnection,
    out: &Path,
) -> anyhow::Result<Written> {
    if out.exists() {
        anyhow::bail!("{} already exists: choose a new file name", out.display());
    }
    let parent = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    // The snapshot is made beside the backup, so it needs no room anywhere else.
    let scratch = tempfile::Builder::new()
        .prefix(".kith-backup-")
        .tempdir_in(&parent)?;
    let embedded = crate::db::is_sqlite(db);
    let snapshot = scratch.path().join(DATABASE);
    let referenced = if embedded {
        db.execute_raw(Statement::from_sql_and_values(
            db.get_database_backend(),
            "VACUUM INTO ?",
            [snapshot.display().to_string().into()],
        ))
        .await?;
        let copy =
            crate::db::connect(&format!("sqlite://{}?mode=rw", snapshot.display()), None).await?;
        let files = stored_files::all_referenced(&copy).await?;
        copy.close().await?;
        files
    } else {
        stored_files::all_referenced(db).await?
    };
    let files: BTreeSet<FileRef> = referenced.into_iter().collect();
    let manifest = Manifest {
        format: FORMAT,
        kith_version: env!("CARGO_PKG_VERSION").to_owned(),
        created_at: chrono::Utc::now(),
        database: if embedded { "sqlite" } else { "postgresql" }.to_owned(),
        files: files.len(),
    };
    let stored = Files::from_settings(settings)?;
    let partial = scratch.path().join("backup.zip");
    let snapshot = embedded.then_some(snapshot.as_path());
    let (manifest, missing) = write_zip(
        &partial,
        manifest,
        snapshot,
        &settings.session_key_file(),
        &stored,
        &files,
    )
    .await?;
    // Whole or not at all: the file appears under its name only once complete.
    std::fs::rename(&partial, out)?;
    let bytes = std::fs::metadata(out)?.len();
    Ok(Written {
        manifest,
        bytes,
        missing,
    })
}

/// Writes the zip (a command's work: its file writes block the thread).
async fn write_zip(
    path: &Path,
    manifest: Manifest,
    snapshot: Option<&Path>,
    session_key: &Path,
    stored: &Files,
    files: &BTreeSet<FileRef>,
) -> anyhow::Result<(Manifest, Vec<FileRef>)> {
    let mut zip = ZipWriter::new(BufWriter::new(create_private_file(path)?));
    let packed = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .unix_permissions(0o600)
        .large_file(true);
    // Photos and PDFs are compressed already.
    let kept = packed.compression_method(CompressionMethod::Stored);
    if let Some(snapshot) = snapshot {
        zip.start_file(DATABASE, packed)?;
        std::io::copy(&mut BufReader::new(File::open(snapshot)?), &mut zip)?;
    }
    if let Ok(key) = std::fs::read(session_key) {
        zip.start_file(SESSION_KEY, packed)?;
        zip.write_all(&key)?;
    }
    let mut missing = Vec::new();
    for file in files {
        let Some(bytes) = stored.get(file).await? else {
            missing.push(file.clone());
            continue;
        };
        zip.start_file(format!("{FILES}{}/{}", file.store.key(), file.name), kept)?;
        zip.write_all(&bytes)?;
    }
    let written = Manifest {
        files: files.len() - missing.len(),
        ..manifest
    };
    zip.start_file(MANIFEST, packed)?;
    serde_json::to_writer_pretty(&mut zip, &written)?;
    let file = zip.finish()?.into_inner()?;
    file.sync_all()?;
    Ok((written, missing))
}

/// What a restore put back.
#[derive(Debug)]
pub struct Restored {
    pub manifest: Manifest,
    pub database: bool,
    pub files: usize,
    pub session_key: bool,
}

/// Unpacks the backup at `from` into the configured data directory, which must not hold a
/// database (or, for a PostgreSQL installation's backup, files only are restored).
pub async fn restore(settings: &Settings, from: &Path) -> anyhow::Result<Restored> {
    let mut archive = ZipArchive::new(BufReader::new(File::open(from)?))
        .map_err(|_| anyhow::anyhow!("{} is not a Kith backup (not a zip file)", from.display()))?;
    let manifest: Manifest = match archive.by_name(MANIFEST) {
        Ok(entry) => serde_json::from_reader(entry)?,
        Err(_) => anyhow::bail!("{} is not a Kith backup (no manifest)", from.display()),
    };
    if manifest.format != FORMAT {
        anyhow::bail!(
            "this backup's layout ({}) is not one this version of Kith reads ({FORMAT})",
            manifest.format
        );
    }
    let data_dir = settings.data_dir.clone();
    let has_database = archive.index_for_name(DATABASE).is_some();
    let target = data_dir.join(DATABASE);
    if has_database {
        if !settings.uses_embedded_sqlite() {
            anyhow::bail!(
                "this backup holds an embedded database, but a database URL is set: unset KITH_DATABASE_URL to restore it"
            );
        }
        if target.exists() {
            anyhow::bail!(
                "{} already holds a database: restore into a new data directory (KITH_DATA_DIR), or move it aside first",
                data_dir.display()
            );
        }
    }
    let stored = Files::from_settings(settings)?;
    let restored = unpack(
        &mut archive,
        &data_dir,
        &target,
        &settings.session_key_file(),
        &stored,
        manifest,
    )
    .await?;
    if restored.database {
        // A backup from an older version is brought up to this one's schema now.
        let db = crate::db::connect(&settings.effective_database_url(), None).await?;
        let row = db
            .query_one_raw(Statement::from_string(
                db.get_database_backend(),
                "PRAGMA integrity_check",
            ))
            .await?;
        let verdict = row.and_then(|r| r.try_get::<String>("", "integrity_check").ok());
        if verdict.as_deref() != Some("ok") {
            anyhow::bail!("the restored database failed SQLite's integrity check: {verdict:?}");
        }
        crate::db::migrate(&db).await?;
        db.close().await?;
    }
    Ok(restored)
}

/// Unpacks the zip (a command's work: its file reads block the thread).
async fn unpack(
    archive: &mut ZipArchive<BufReader<File>>,
    data_dir: &Path,
    target: &Path,
    key_target: &Path,
    stored: &Files,
    manifest: Manifest,
) -> anyhow::Result<Restored> {
    create_private_dir(data_dir)?;
    let mut restored = Restored {
        manifest,
        database: false,
        files: 0,
        session_key: false,
    };
    let partial = data_dir.join(format!("{DATABASE}.restoring"));
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i)?;
        let name = entry.name().to_owned();
        match name.as_str() {
            MANIFEST => {}
            DATABASE => {
                let _ = std::fs::remove_file(&partial);
                let mut out = create_private_file(&partial)?;
                std::io::copy(&mut entry, &mut out)?;
                out.sync_all()?;
                restored.database = true;
            }
            SESSION_KEY => {
                let mut key = Vec::new();
                entry.read_to_end(&mut key)?;
                match std::fs::read(key_target) {
                    Ok(existing) if existing == key => {}
                    Ok(_) => anyhow::bail!(
                        "{} already holds a different session key: restore into a new data directory",
                        data_dir.display()
                    ),
                    Err(_) => crate::config::write_private_file(key_target, &key)?,
                }
                restored.session_key = true;
            }
            _ => {
                // Only names Kith itself would give a file: nothing can be written anywhere
                // else, whatever the archive says.
                let file = name
                    .strip_prefix(FILES)
                    .and_then(|rest| rest.split_once('/'))
                    .and_then(|(store, file)| {
                        let store = Store::from_key(store)?;
                        store.is_valid_name(file).then(|| FileRef::new(store, file))
                    })
                    .ok_or_else(|| anyhow::anyhow!("unexpected entry in the backup: {name}"))?;
                let mut bytes = Vec::new();
                entry.read_to_end(&mut bytes)?;
                drop(entry);
                stored.put_once(&file, bytes).await?;
                restored.files += 1;
            }
        }
    }
    if restored.database {
        std::fs::rename(&partial, target)?;
    }
    Ok(restored)
}
