//! Files on disk follow the database. Uploaded files are stored under content-addressed
//! names, so two rows may share one file: a file is deleted only when no row refers to it
//! any more. [`check`] finds files nothing refers to (left by a crash between a commit and
//! a delete, or by an upload whose form was then refused) and rows whose file is missing.

use std::collections::HashSet;
use std::time::{Duration, SystemTime};

use entity::{
    inspection_photos, listing_revisions, provider_evidence_files, provider_organisations,
};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    sea_query::ExprTrait,
};

use crate::file_store::{Files, Listed};

/// Where an uploaded file is kept.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Store {
    /// Evidence documents (private, served to members and admins only).
    Documents,
    /// Listing photos and organisation logos (public).
    Media,
    /// Quality checkers' inspection photos.
    InspectionMedia,
}

impl Store {
    pub const ALL: [Store; 3] = [Store::Documents, Store::Media, Store::InspectionMedia];

    /// Its name in a backup.
    pub fn key(self) -> &'static str {
        match self {
            Store::Documents => "documents",
            Store::Media => "media",
            Store::InspectionMedia => "inspection-media",
        }
    }

    pub fn from_key(key: &str) -> Option<Store> {
        Store::ALL.into_iter().find(|s| s.key() == key)
    }

    pub fn label(self) -> &'static str {
        match self {
            Store::Documents => "evidence documents",
            Store::Media => "listing photos and logos",
            Store::InspectionMedia => "inspection photos",
        }
    }

    /// Its folder in the data directory or the bucket.
    pub fn folder(self) -> &'static str {
        match self {
            Store::Documents => "private",
            Store::Media => "media",
            Store::InspectionMedia => "inspection-media",
        }
    }

    /// Whether `name` is one Kith gives a file here: a SHA-256 in lower-case hex and the
    /// extension of a kind this store keeps (so a name can never be a path).
    pub fn is_valid_name(self, name: &str) -> bool {
        let Some((hash, ext)) = name.split_once('.') else {
            return false;
        };
        let hashed = hash.len() == 64
            && hash
                .bytes()
                .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase());
        let kind = match self {
            Store::Documents => matches!(ext, "pdf" | "jpg" | "png"),
            Store::Media | Store::InspectionMedia => matches!(ext, "jpg" | "png"),
        };
        hashed && kind
    }
}

/// One stored file.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FileRef {
    pub store: Store,
    pub name: String,
}

impl FileRef {
    pub fn new(store: Store, name: impl Into<String>) -> Self {
        Self {
            store,
            name: name.into(),
        }
    }
}

/// Files a committed change stopped referring to. Delete them with
/// [`Released::delete_unused`] once the transaction has committed (never before: a rollback
/// would leave rows pointing at deleted files).
#[must_use = "files no longer referred to stay on disk until `delete_unused` is called"]
#[derive(Debug, Default)]
pub struct Released(pub Vec<FileRef>);

impl Released {
    pub fn none() -> Self {
        Self::default()
    }

    pub fn one(store: Store, name: impl Into<String>) -> Self {
        Self(vec![FileRef::new(store, name)])
    }

    pub fn add(&mut self, store: Store, name: impl Into<String>) {
        self.0.push(FileRef::new(store, name));
    }

    pub fn extend(&mut self, other: Released) {
        self.0.extend(other.0);
    }

    /// Deletes each file no row refers to any more; returns how many were deleted. A file
    /// that cannot be deleted is logged and left for `kith files check --fix`.
    pub async fn delete_unused(
        self,
        conn: &impl ConnectionTrait,
        files: &Files,
    ) -> Result<usize, DbErr> {
        let mut deleted = 0;
        let mut seen = HashSet::new();
        for file in self.0 {
            if !seen.insert(file.clone()) || referenced(conn, &file).await? {
                continue;
            }
            match files.delete(&file).await {
                Ok(true) => deleted += 1,
                Ok(false) => {}
                Err(err) => tracing::warn!(file = %file.name, %err, "could not delete a file"),
            }
        }
        Ok(deleted)
    }
}

/// Whether any row still refers to the file.
pub async fn referenced(conn: &impl ConnectionTrait, file: &FileRef) -> Result<bool, DbErr> {
    let name = file.name.as_str();
    let found = match file.store {
        Store::Documents => provider_evidence_files::Entity::find()
            .select_only()
            .column(provider_evidence_files::Column::Id)
            .filter(provider_evidence_files::Column::StoredName.eq(name))
            .into_tuple::<i64>()
            .one(conn)
            .await?
            .is_some(),
        Store::InspectionMedia => inspection_photos::Entity::find()
            .select_only()
            .column(inspection_photos::Column::Id)
            .filter(
                inspection_photos::Column::File
                    .eq(name)
                    .or(inspection_photos::Column::Thumbnail.eq(name)),
            )
            .into_tuple::<i64>()
            .one(conn)
            .await?
            .is_some(),
        Store::Media => {
            provider_organisations::Entity::find()
                .select_only()
                .column(provider_organisations::Column::Id)
                .filter(
                    provider_organisations::Column::LogoFile
                        .eq(name)
                        .or(provider_organisations::Column::LogoThumbnail.eq(name)),
                )
                .into_tuple::<entity::provider_organisations::OrganisationId>()
                .one(conn)
                .await?
                .is_some()
                // Every version of a listing keeps its photos (the history shows them).
                || listing_revisions::Entity::find()
                    .select_only()
                    .column(listing_revisions::Column::Id)
                    .filter(listing_revisions::Column::Content.contains(name))
                    .into_tuple::<i64>()
                    .one(conn)
                    .await?
                    .is_some()
        }
    };
    Ok(found)
}

/// What [`copy_all`] did.
#[derive(Debug, Default)]
pub struct Copied {
    pub copied: usize,
    pub present: usize,
    pub missing: Vec<FileRef>,
}

/// Copies every file the database refers to from one store into another (moving to a
/// bucket); files already in `into` are left as they are.
pub async fn copy_all(
    conn: &impl ConnectionTrait,
    from: &Files,
    into: &Files,
) -> anyhow::Result<Copied> {
    let mut referenced: Vec<FileRef> = all_referenced(conn).await?.into_iter().collect();
    referenced.sort();
    let mut done = Copied::default();
    for file in referenced {
        if into.exists(&file).await? {
            done.present += 1;
            continue;
        }
        match from.get(&file).await? {
            Some(bytes) => {
                into.put(&file, bytes).await?;
                done.copied += 1;
            }
            None => done.missing.push(file),
        }
    }
    Ok(done)
}

/// Every file the database refers to.
pub async fn all_referenced(conn: &impl ConnectionTrait) -> Result<HashSet<FileRef>, DbErr> {
    let mut out = HashSet::new();
    for name in provider_evidence_files::Entity::find()
        .select_only()
        .column(provider_evidence_files::Column::StoredName)
        .into_tuple::<String>()
        .all(conn)
        .await?
    {
        out.insert(FileRef::new(Store::Documents, name));
    }
    for (file, thumbnail) in inspection_photos::Entity::find()
        .select_only()
        .columns([
            inspection_photos::Column::File,
            inspection_photos::Column::Thumbnail,
        ])
        .into_tuple::<(String, String)>()
        .all(conn)
        .await?
    {
        out.insert(FileRef::new(Store::InspectionMedia, file));
        out.insert(FileRef::new(Store::InspectionMedia, thumbnail));
    }
    for (file, thumbnail) in provider_organisations::Entity::find()
        .select_only()
        .columns([
            provider_organisations::Column::LogoFile,
            provider_organisations::Column::LogoThumbnail,
        ])
        .into_tuple::<(Option<String>, Option<String>)>()
        .all(conn)
        .await?
    {
        for name in [file, thumbnail].into_iter().flatten() {
            out.insert(FileRef::new(Store::Media, name));
        }
    }
    // Listing content is JSON; read it a page at a time so a national directory's history
    // is never in memory at once.
    let mut after = 0i64;
    loop {
        let page: Vec<(i64, String)> = listing_revisions::Entity::find()
            .select_only()
            .columns([
                listing_revisions::Column::Id,
                listing_revisions::Column::Content,
            ])
            .filter(listing_revisions::Column::Id.gt(after))
            .order_by_asc(listing_revisions::Column::Id)
            .limit(1000)
            .into_tuple()
            .all(conn)
            .await?;
        let Some(&(last, _)) = page.last() else {
            break;
        };
        after = last;
        for (_, content) in page {
            for photo in photos_in(&content) {
                out.insert(FileRef::new(Store::Media, photo.file));
                out.insert(FileRef::new(Store::Media, photo.thumbnail));
            }
        }
    }
    Ok(out)
}

/// The photos a listing revision's content names (nothing for content that does not parse).
fn photos_in(content: &str) -> Vec<crate::domain::listings::content::Photo> {
    #[derive(serde::Deserialize)]
    struct Photos {
        #[serde(default)]
        photos: Vec<crate::domain::listings::content::Photo>,
    }
    serde_json::from_str::<Photos>(content)
        .map(|p| p.photos)
        .unwrap_or_default()
}

/// What `kith files check` found.
#[derive(Debug, Default)]
pub struct Report {
    /// Files on disk nothing refers to (older than the grace period).
    pub orphans: Vec<(FileRef, u64)>,
    /// Files rows refer to that are not on disk.
    pub missing: Vec<FileRef>,
    /// Files on disk that rows refer to.
    pub kept: usize,
}

impl Report {
    pub fn orphan_bytes(&self) -> u64 {
        self.orphans.iter().map(|(_, size)| size).sum()
    }
}

/// A file younger than this is never called an orphan: its upload may not have committed
/// its row yet.
pub const GRACE: Duration = Duration::from_secs(3600);

/// Compares the data directory with the database; files younger than `grace` are never
/// called orphans.
pub async fn check(
    conn: &impl ConnectionTrait,
    files: &Files,
    grace: Duration,
) -> anyhow::Result<Report> {
    let referenced = all_referenced(conn).await?;
    let mut report = Report::default();
    let now = SystemTime::now();
    let mut on_disk = HashSet::new();
    for store in Store::ALL {
        for Listed {
            name,
            size,
            modified,
        } in files.list(store).await?
        {
            let file = FileRef::new(store, name);
            on_disk.insert(file.clone());
            if referenced.contains(&file) {
                report.kept += 1;
            } else if now.duration_since(modified).unwrap_or_default() >= grace {
                report.orphans.push((file, size));
            }
        }
    }
    report.missing = referenced
        .into_iter()
        .filter(|f| !on_disk.contains(f))
        .collect();
    report.orphans.sort();
    report.missing.sort();
    Ok(report)
}

/// Deletes the orphans `check` found, checking each again first (a row may have arrived
/// since). Returns how many were deleted.
pub async fn fix(
    conn: &impl ConnectionTrait,
    files: &Files,
    report: &Report,
) -> Result<usize, DbErr> {
    Released(report.orphans.iter().map(|(f, _)| f.clone()).collect())
        .delete_unused(conn, files)
        .await
}
