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
    /// Whether the session key is in it (not when the settings give the key).
    pub session_key: bool,
}

/// Writes a backup of this installation to `out`, which must not exist yet.
/// How scratch directories beside a backup begin (then the process id and a random part).
const SCRATCH: &str = ".kith-backup-";

/// Removes scratch directories left beside backups by backups that were killed (their
/// process is gone): each holds a copy of the database, personal data and all.
fn remove_abandoned_scratch(parent: &Path) {
    if !cfg!(target_os = "linux") {
        return;
    }
    let Ok(entries) = std::fs::read_dir(parent) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(pid) = name
            .to_str()
            .and_then(|n| n.strip_prefix(SCRATCH))
            .and_then(|rest| rest.split_once('-'))
            .and_then(|(pid, _)| pid.parse::<u32>().ok())
        else {
            continue;
        };
        if !Path::new("/proc").join(pid.to_string()).exists() {
            match std::fs::remove_dir_all(entry.path()) {
                Ok(()) => {
                    tracing::info!(dir = %entry.path().display(), "removed a killed backup's scratch copy")
                }
                Err(err) => {
                    tracing::warn!(%err, dir = %entry.path().display(), "could not remove a killed backup's scratch copy")
                }
            }
        }
    }
}

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
    // The snapshot is made beside the backup, so it needs no room anywhere else. It is
    // named for this process, so that a later backup can remove it if this one is killed.
    remove_abandoned_scratch(&parent);
    let scratch = tempfile::Builder::new()
        .prefix(&format!("{SCRATCH}{}-", std::process::id()))
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
    let (manifest, missing, session_key) = write_zip(
        &partial,
        manifest,
        snapshot,
        &settings.session_key_file(),
        &stored,
        &files,
    )
    .await?;
    // Whole or not at all: the file appears under its name only once complete, and never
    // in place of one that appeared meanwhile.
    std::fs::hard_link(&partial, out)
        .map_err(|err| anyhow::anyhow!("{} could not be written: {err}", out.display()))?;
    let bytes = std::fs::metadata(out)?.len();
    Ok(Written {
        manifest,
        bytes,
        missing,
        session_key,
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
) -> anyhow::Result<(Manifest, Vec<FileRef>, bool)> {
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
    let with_key = match std::fs::read(session_key) {
        Ok(key) => {
            zip.start_file(SESSION_KEY, packed)?;
            zip.write_all(&key)?;
            true
        }
        Err(_) => false,
    };
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
    Ok((written, missing, with_key))
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
/// database (or, for a PostgreSQL installation's backup, files only are restored). Every
/// entry is checked before anything is written; the database is checked and brought up to
/// date under a name of its own, and only then put where the server looks for it.
pub async fn restore(settings: &Settings, from: &Path) -> anyhow::Result<Restored> {
    let mut archive = ZipArchive::new(BufReader::new(File::open(from)?))
        .map_err(|_| anyhow::anyhow!("{} is not a Kith backup (not a zip file)", from.display()))?;
    let manifest: Manifest = match archive.by_name(MANIFEST) {
        Ok(entry) => serde_json::from_reader(entry.take(MAX_MANIFEST_BYTES))?,
        Err(_) => anyhow::bail!("{} is not a Kith backup (no manifest)", from.display()),
    };
    if manifest.format != FORMAT {
        anyhow::bail!(
            "this backup's layout ({}) is not one this version of Kith reads ({FORMAT})",
            manifest.format
        );
    }
    let entries = entries_of(&mut archive)?;
    let data_dir = settings.data_dir.clone();
    let target = data_dir.join(DATABASE);
    let has_database = entries.iter().any(|e| matches!(e, Entry::Database));
    if has_database {
        if !settings.uses_embedded_sqlite() {
            anyhow::bail!(
                "this backup holds an embedded database, but a database URL is set: unset KITH_DATABASE_URL to restore it"
            );
        }
        // An old write-ahead log beside a new database would be replayed into it.
        for leftover in [DATABASE, "kith.db-wal", "kith.db-shm"] {
            if data_dir.join(leftover).exists() {
                anyhow::bail!(
                    "{} already holds a database ({leftover}): restore into a new data directory (KITH_DATA_DIR), or move the old one's files aside first",
                    data_dir.display()
                );
            }
        }
    }
    create_private_dir(&data_dir)?;
    let partial = data_dir.join(format!("{DATABASE}.restoring"));
    let result = async {
        let restored = unpack(
            &mut archive,
            &entries,
            settings,
            &partial,
            Restored {
                manifest,
                database: false,
                files: 0,
                session_key: false,
            },
        )
        .await?;
        if restored.database {
            check_and_publish(&partial, &target, settings).await?;
        }
        Ok(restored)
    }
    .await;
    // The unpacked copy goes, published (its name is linked) or not.
    let _ = std::fs::remove_file(&partial);
    result
}

/// What one entry of a backup is.
enum Entry {
    Manifest,
    Database,
    SessionKey,
    File(FileRef),
}

/// Largest manifest and session key read from a backup.
const MAX_MANIFEST_BYTES: u64 = 64 * 1024;
const MAX_KEY_BYTES: u64 = 1024;
/// Largest uploaded file (photos and documents are refused above 10 MB).
const MAX_FILE_BYTES: u64 = 10 * 1024 * 1024;

/// Every entry, named and sized as Kith writes them, or an error naming the first that is
/// not: nothing is written for a backup that holds anything else.
fn entries_of(archive: &mut ZipArchive<BufReader<File>>) -> anyhow::Result<Vec<Entry>> {
    let mut entries = Vec::with_capacity(archive.len());
    for i in 0..archive.len() {
        let entry = archive.by_index_raw(i)?;
        let name = entry.name().to_owned();
        let (kind, limit) = match name.as_str() {
            MANIFEST => (Entry::Manifest, MAX_MANIFEST_BYTES),
            DATABASE => (Entry::Database, u64::MAX),
            SESSION_KEY => (Entry::SessionKey, MAX_KEY_BYTES),
            _ => {
                // Only names Kith itself gives a file: nothing can be written anywhere else,
                // whatever the archive says.
                let file = name
                    .strip_prefix(FILES)
                    .and_then(|rest| rest.split_once('/'))
                    .and_then(|(store, file)| {
                        let store = Store::from_key(store)?;
                        store.is_valid_name(file).then(|| FileRef::new(store, file))
                    })
                    .ok_or_else(|| anyhow::anyhow!("unexpected entry in the backup: {name}"))?;
                (Entry::File(file), MAX_FILE_BYTES)
            }
        };
        if entry.size() > limit {
            anyhow::bail!("the backup's {name} is larger than Kith ever writes one");
        }
        entries.push(kind);
    }
    Ok(entries)
}

/// Reads an entry, never more than `limit` bytes.
fn read_entry(
    archive: &mut ZipArchive<BufReader<File>>,
    i: usize,
    limit: u64,
) -> anyhow::Result<Vec<u8>> {
    let entry = archive.by_index(i)?;
    let mut bytes = Vec::new();
    entry.take(limit + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        anyhow::bail!("an entry in the backup is larger than Kith ever writes one");
    }
    Ok(bytes)
}

/// Unpacks the checked entries (a command's work: its file reads block the thread).
async fn unpack(
    archive: &mut ZipArchive<BufReader<File>>,
    entries: &[Entry],
    settings: &Settings,
    partial: &Path,
    mut restored: Restored,
) -> anyhow::Result<Restored> {
    let stored = Files::from_settings(settings)?;
    let key_target = settings.session_key_file();
    for (i, entry) in entries.iter().enumerate() {
        match entry {
            Entry::Manifest => {}
            Entry::Database => {
                let _ = std::fs::remove_file(partial);
                let mut out = create_private_file(partial)?;
                std::io::copy(&mut archive.by_index(i)?, &mut out)?;
                out.sync_all()?;
                restored.database = true;
            }
            Entry::SessionKey => {
                let key = read_entry(archive, i, MAX_KEY_BYTES)?;
                match std::fs::read(&key_target) {
                    Ok(existing) if existing == key => {}
                    Ok(_) => anyhow::bail!(
                        "{} already holds a different session key: restore into a new data directory",
                        settings.data_dir.display()
                    ),
                    Err(_) => crate::config::write_private_file(&key_target, &key)?,
                }
                restored.session_key = true;
            }
            Entry::File(file) => {
                let bytes = read_entry(archive, i, MAX_FILE_BYTES)?;
                // A file's name is the hash of what it holds: a changed file is not ours.
                let hash = crate::domain::tokens::sha256_bytes_hex(&bytes);
                if !file.name.starts_with(&format!("{hash}.")) {
                    anyhow::bail!("the backup's copy of {} has been changed", file.name);
                }
                stored.put_once(file, bytes).await?;
                restored.files += 1;
            }
        }
    }
    Ok(restored)
}

/// Checks the unpacked database's integrity, brings its schema up to this version (a backup
/// from an older one), and only then gives it the name the server opens, never replacing a
/// database that appeared meanwhile.
async fn check_and_publish(
    partial: &Path,
    target: &Path,
    settings: &Settings,
) -> anyhow::Result<()> {
    let url = format!("sqlite://{}?mode=rw", partial.display());
    let db = crate::db::connect(&url, None).await?;
    let row = db
        .query_one_raw(Statement::from_string(
            db.get_database_backend(),
            "PRAGMA integrity_check",
        ))
        .await?;
    let verdict = row.and_then(|r| r.try_get::<String>("", "integrity_check").ok());
    if verdict.as_deref() != Some("ok") {
        db.close().await?;
        anyhow::bail!("the backup's database failed SQLite's integrity check: {verdict:?}");
    }
    let migrated = crate::db::migrate(&db, settings).await;
    db.close().await?;
    migrated.map_err(|err| {
        anyhow::anyhow!("the backup's database could not be brought up to this version: {err}")
    })?;
    std::fs::hard_link(partial, target)?;
    Ok(())
}
