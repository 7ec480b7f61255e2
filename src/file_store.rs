//! Where uploaded files live: the data directory (the default, for one instance) or an
//! S3-compatible bucket (for several instances, which must all see every file). Either way
//! the objects are private: people reach them only through Kith's own handlers and their
//! access checks, never through a bucket URL. Names are content-addressed, so writing a
//! file that is already there changes nothing.

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use futures_util::TryStreamExt;
use object_store::path::Path as ObjectPath;
use object_store::{ObjectStore, ObjectStoreExt, PutPayload};

use crate::config::Settings;
use crate::stored_files::{FileRef, Store};

/// A handle on the file store (cheap to clone).
#[derive(Clone, Debug)]
pub struct Files {
    store: Arc<dyn ObjectStore>,
    /// Where, for logs and `kith files`: the directory, or the bucket and prefix.
    place: String,
}

/// One stored file as listed: its name, size in bytes and when it was written.
#[derive(Clone, Debug)]
pub struct Listed {
    pub name: String,
    pub size: u64,
    pub modified: SystemTime,
}

impl Files {
    /// The store the settings choose: `file_store = "s3"` for a bucket, else the data
    /// directory.
    pub fn from_settings(settings: &Settings) -> anyhow::Result<Self> {
        match settings.file_store.as_str() {
            "" | "local" => Self::local(&settings.data_dir),
            "s3" => Self::s3(settings),
            other => anyhow::bail!("file_store must be \"local\" or \"s3\", not {other:?}"),
        }
    }

    /// Files under `data_dir` (the directory is created if need be).
    pub fn local(data_dir: &Path) -> anyhow::Result<Self> {
        crate::config::create_private_dir(data_dir)?;
        let store = object_store::local::LocalFileSystem::new_with_prefix(data_dir)?;
        Ok(Self {
            store: Arc::new(store),
            place: data_dir.display().to_string(),
        })
    }

    /// Files in the S3-compatible bucket the settings name.
    pub fn s3(settings: &Settings) -> anyhow::Result<Self> {
        let s3 = settings;
        if s3.s3_bucket.is_empty() {
            anyhow::bail!("file_store = \"s3\" needs s3_bucket");
        }
        ensure_crypto_provider();
        let mut builder = object_store::aws::AmazonS3Builder::new()
            .with_bucket_name(&s3.s3_bucket)
            .with_region(&s3.s3_region)
            .with_allow_http(s3.s3_endpoint.starts_with("http://"));
        if !s3.s3_endpoint.is_empty() {
            // Servers other than AWS (MinIO, Ceph, Garage…) take the bucket in the path.
            builder = builder
                .with_endpoint(&s3.s3_endpoint)
                .with_virtual_hosted_style_request(false);
        }
        if !s3.s3_access_key_id.is_empty() {
            builder = builder
                .with_access_key_id(&s3.s3_access_key_id)
                .with_secret_access_key(&s3.s3_secret_access_key);
        }
        let bucket: Arc<dyn ObjectStore> = Arc::new(builder.build()?);
        let prefix = s3.s3_prefix.trim_matches('/');
        let store: Arc<dyn ObjectStore> = if prefix.is_empty() {
            bucket
        } else {
            Arc::new(object_store::prefix::PrefixStore::new(bucket, prefix))
        };
        Ok(Self {
            store,
            place: format!("s3://{}/{prefix}", s3.s3_bucket),
        })
    }

    pub fn describe(&self) -> &str {
        &self.place
    }

    /// Whether the store answers within two seconds: asked about a file that is never
    /// there, it says "not found" (a bucket that refuses the credentials, or is not there,
    /// or does not answer, fails this).
    pub async fn answers(&self) -> bool {
        let probe = ObjectPath::from("kith-ready-probe");
        let asked = tokio::time::timeout(Duration::from_secs(2), self.store.head(&probe)).await;
        matches!(asked, Ok(Err(object_store::Error::NotFound { .. })))
    }

    /// Writes a file (whole or not at all).
    pub async fn put(&self, file: &FileRef, bytes: Vec<u8>) -> anyhow::Result<()> {
        let key = key_of(file)?;
        self.store.put(&key, PutPayload::from(bytes)).await?;
        Ok(())
    }

    /// Writes a file unless it is there already (its name says what it holds).
    pub async fn put_once(&self, file: &FileRef, bytes: Vec<u8>) -> anyhow::Result<()> {
        if self.exists(file).await? {
            return Ok(());
        }
        self.put(file, bytes).await
    }

    /// Whether the file is there.
    pub async fn exists(&self, file: &FileRef) -> anyhow::Result<bool> {
        match self.store.head(&key_of(file)?).await {
            Ok(_) => Ok(true),
            Err(object_store::Error::NotFound { .. }) => Ok(false),
            Err(err) => Err(err.into()),
        }
    }

    /// The file's bytes; `None` when it is not there or the name is not one of ours.
    pub async fn get(&self, file: &FileRef) -> anyhow::Result<Option<Vec<u8>>> {
        let Ok(key) = key_of(file) else {
            return Ok(None);
        };
        match self.store.get(&key).await {
            Ok(found) => Ok(Some(found.bytes().await?.to_vec())),
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(err) => Err(err.into()),
        }
    }

    /// Deletes a file; whether it was there.
    pub async fn delete(&self, file: &FileRef) -> anyhow::Result<bool> {
        if !self.exists(file).await? {
            return Ok(false);
        }
        match self.store.delete(&key_of(file)?).await {
            Ok(()) => Ok(true),
            Err(object_store::Error::NotFound { .. }) => Ok(false),
            Err(err) => Err(err.into()),
        }
    }

    /// Every file of ours in one store (anything else there is left out).
    pub async fn list(&self, store: Store) -> anyhow::Result<Vec<Listed>> {
        let prefix = ObjectPath::from(store.folder());
        let found: Vec<_> = self.store.list(Some(&prefix)).try_collect().await?;
        Ok(found
            .into_iter()
            .filter_map(|meta| {
                let name = meta.location.filename()?.to_owned();
                let ours = key_of(&FileRef::new(store, name.clone())).ok()? == meta.location;
                ours.then(|| Listed {
                    name,
                    size: meta.size,
                    modified: meta.last_modified.into(),
                })
            })
            .collect())
    }
}

/// Where a file is kept in a local store under `data_dir`; `None` for a name that is not one
/// of ours.
pub fn local_path(data_dir: &Path, file: &FileRef) -> Option<std::path::PathBuf> {
    let key = key_of(file).ok()?;
    Some(key.parts().fold(data_dir.to_path_buf(), |path, part| {
        path.join(part.as_ref())
    }))
}

/// The object's key: `<folder>/<first two characters>/<name>`, as files have always been
/// laid out in the data directory; an error for a name that is not one of ours (so no path
/// tricks).
fn key_of(file: &FileRef) -> anyhow::Result<ObjectPath> {
    if !file.store.is_valid_name(&file.name) {
        anyhow::bail!("not a stored file's name: {:?}", file.name);
    }
    Ok(ObjectPath::from(format!(
        "{}/{}/{}",
        file.store.folder(),
        &file.name[..2],
        file.name
    )))
}

/// The HTTP client under S3 uses rustls with ring, the provider the rest of Kith uses.
fn ensure_crypto_provider() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}

#[cfg(test)]
mod tests {
    use super::*;

    fn photo(n: u8) -> FileRef {
        FileRef::new(Store::Media, format!("{}.jpg", hex::encode([n; 32])))
    }

    #[tokio::test]
    async fn a_local_store_keeps_the_data_directory_layout() {
        let dir = tempfile::tempdir().unwrap();
        let files = Files::local(dir.path()).unwrap();
        let file = photo(7);
        files.put_once(&file, b"jpeg".to_vec()).await.unwrap();
        let on_disk = dir
            .path()
            .join("media")
            .join(&file.name[..2])
            .join(&file.name);
        assert_eq!(std::fs::read(on_disk).unwrap(), b"jpeg");
        assert_eq!(files.get(&file).await.unwrap().unwrap(), b"jpeg");
        let listed = files.list(Store::Media).await.unwrap();
        assert_eq!(listed.len(), 1);
        assert_eq!(
            (listed[0].name.as_str(), listed[0].size),
            (file.name.as_str(), 4)
        );
        assert!(files.list(Store::Documents).await.unwrap().is_empty());
        assert!(files.delete(&file).await.unwrap());
        assert!(!files.delete(&file).await.unwrap());
        assert_eq!(files.get(&file).await.unwrap(), None);
    }

    #[tokio::test]
    async fn names_that_are_not_ours_reach_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let files = Files::local(dir.path()).unwrap();
        for name in ["../../etc/passwd", "ab.jpg", "x/../y.jpg", ""] {
            let file = FileRef::new(Store::Media, name);
            assert!(files.put(&file, vec![1]).await.is_err(), "{name}");
            assert_eq!(files.get(&file).await.unwrap(), None, "{name}");
        }
    }
}
