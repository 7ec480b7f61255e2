//! Private documents (evidence a provider gives the council): PDF, JPEG or PNG only, sniffed
//! from their bytes, kept as they were sent under a content-addressed name outside the public
//! media folder, and served only through a handler that checks who is asking.

use std::path::Path;

use crate::domain::tokens::sha256_bytes_hex;
use crate::file_store::Files;
use crate::stored_files::{FileRef, Store};

/// Largest document accepted.
pub const MAX_DOCUMENT_BYTES: usize = 10 * 1024 * 1024;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum DocumentError {
    #[error("Choose a file to upload")]
    Empty,
    #[error("The file must be smaller than 10 MB")]
    TooLarge,
    #[error("The file must be a PDF, JPEG or PNG")]
    UnsupportedType,
}

/// A stored document: its name on disk and what it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredDocument {
    pub stored_name: String,
    pub content_type: &'static str,
    pub size_bytes: usize,
}

/// (extension, content type) from the first bytes; nothing else is trusted.
fn sniff(bytes: &[u8]) -> Option<(&'static str, &'static str)> {
    if bytes.starts_with(b"%PDF-") {
        Some(("pdf", "application/pdf"))
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some(("jpg", "image/jpeg"))
    } else if bytes.starts_with(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A]) {
        Some(("png", "image/png"))
    } else {
        None
    }
}

pub fn content_type_of(stored_name: &str) -> &'static str {
    match stored_name.rsplit('.').next() {
        Some("pdf") => "application/pdf",
        Some("png") => "image/png",
        _ => "image/jpeg",
    }
}

/// Writes `bytes` to `path` through a temporary file beside it, flushed to disk, and a
/// rename, so a crash never leaves half a file under its final name. Replaces any file
/// already there.
pub fn write_whole(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    use std::io::Write;
    let dir = path
        .parent()
        .ok_or_else(|| anyhow::anyhow!("stored path has no parent"))?;
    std::fs::create_dir_all(dir)?;
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("file");
    let tmp = dir.join(format!(".{name}.tmp-{}", uuid::Uuid::new_v4()));
    let mut out = std::fs::File::create(&tmp)?;
    out.write_all(bytes)?;
    out.sync_all()?;
    drop(out);
    std::fs::rename(&tmp, path)?;
    Ok(())
}

/// [`write_whole`], unless the file is already there (content-addressed files never change).
pub fn write_once(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    if path.exists() {
        return Ok(());
    }
    write_whole(path, bytes)
}

/// Error from [`store`]: the person's fault (with a message) or ours.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error(transparent)]
    Invalid(#[from] DocumentError),
    #[error(transparent)]
    Storage(#[from] anyhow::Error),
}

/// Checks a document and names it (nothing is written).
pub fn check(bytes: &[u8]) -> Result<StoredDocument, DocumentError> {
    if bytes.is_empty() {
        return Err(DocumentError::Empty);
    }
    if bytes.len() > MAX_DOCUMENT_BYTES {
        return Err(DocumentError::TooLarge);
    }
    let (ext, content_type) = sniff(bytes).ok_or(DocumentError::UnsupportedType)?;
    Ok(StoredDocument {
        stored_name: format!("{}.{ext}", sha256_bytes_hex(bytes)),
        content_type,
        size_bytes: bytes.len(),
    })
}

/// Checks and stores a document (a copy already there is left as it is); the hashing on a
/// blocking thread.
pub async fn store(files: &Files, bytes: Vec<u8>) -> Result<StoredDocument, StoreError> {
    let (checked, bytes) = tokio::task::spawn_blocking(move || (check(&bytes), bytes))
        .await
        .map_err(|err| StoreError::Storage(err.into()))?;
    let document = checked?;
    files
        .put_once(
            &FileRef::new(Store::Documents, &document.stored_name),
            bytes,
        )
        .await?;
    Ok(document)
}

/// A file name safe to offer in a download header: letters, digits, dots, dashes and
/// underscores only.
pub fn safe_download_name(original: &str) -> String {
    let cleaned: String = original
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .take(100)
        .collect();
    if cleaned.trim_matches(['_', '.']).is_empty() {
        "document".to_owned()
    } else {
        cleaned
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn only_pdf_jpeg_and_png_are_kept() {
        let dir = tempfile::tempdir().unwrap();
        let files = Files::local(dir.path()).unwrap();
        let pdf = store(&files, b"%PDF-1.7 a document".to_vec())
            .await
            .unwrap();
        assert_eq!(pdf.content_type, "application/pdf");
        let stored = FileRef::new(Store::Documents, &pdf.stored_name);
        assert!(files.exists(&stored).await.unwrap());
        for bad in [&b"MZ\x90\x00"[..], b"<html>", b"GIF89a"] {
            assert!(matches!(
                store(&files, bad.to_vec()).await,
                Err(StoreError::Invalid(DocumentError::UnsupportedType))
            ));
        }
        assert!(matches!(
            store(&files, Vec::new()).await,
            Err(StoreError::Invalid(DocumentError::Empty))
        ));
        assert!(!Store::Documents.is_valid_name("../../etc/passwd"));
        assert_eq!(
            safe_download_name("DBS \"cert\"\r\n.pdf"),
            "DBS__cert___.pdf"
        );
        assert_eq!(safe_download_name("../.."), "document");
    }
}
