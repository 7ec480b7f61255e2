//! Private documents (evidence a provider gives the council): PDF, JPEG or PNG only, sniffed
//! from their bytes, kept as they were sent under a content-addressed name outside the public
//! media folder, and served only through a handler that checks who is asking.

use std::path::{Path, PathBuf};

use crate::domain::tokens::sha256_bytes_hex;

/// Largest document accepted.
pub const MAX_DOCUMENT_BYTES: usize = 10 * 1024 * 1024;
const PRIVATE_DIR: &str = "private";

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

/// The folder of private documents.
pub fn private_dir(data_dir: &Path) -> PathBuf {
    data_dir.join(PRIVATE_DIR)
}

/// Where a stored document lives; `None` for names that are not ours (so no path tricks).
pub fn private_path(data_dir: &Path, stored_name: &str) -> Option<PathBuf> {
    let (hash, ext) = stored_name.split_once('.')?;
    let valid = hash.len() == 64
        && hash
            .bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
        && matches!(ext, "pdf" | "jpg" | "png");
    valid.then(|| {
        data_dir
            .join(PRIVATE_DIR)
            .join(&hash[..2])
            .join(stored_name)
    })
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

/// Checks and stores a document.
pub fn store(data_dir: &Path, bytes: &[u8]) -> Result<StoredDocument, StoreError> {
    if bytes.is_empty() {
        return Err(DocumentError::Empty.into());
    }
    if bytes.len() > MAX_DOCUMENT_BYTES {
        return Err(DocumentError::TooLarge.into());
    }
    let (ext, content_type) = sniff(bytes).ok_or(DocumentError::UnsupportedType)?;
    let stored_name = format!("{}.{ext}", sha256_bytes_hex(bytes));
    let path =
        private_path(data_dir, &stored_name).ok_or_else(|| anyhow::anyhow!("bad document name"))?;
    write_once(&path, bytes)?;
    Ok(StoredDocument {
        stored_name,
        content_type,
        size_bytes: bytes.len(),
    })
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

    #[test]
    fn only_pdf_jpeg_and_png_are_kept() {
        let dir = tempfile::tempdir().unwrap();
        let pdf = store(dir.path(), b"%PDF-1.7 a document").unwrap();
        assert_eq!(pdf.content_type, "application/pdf");
        assert!(private_path(dir.path(), &pdf.stored_name).unwrap().exists());
        for bad in [&b"MZ\x90\x00"[..], b"<html>", b"GIF89a"] {
            assert!(matches!(
                store(dir.path(), bad),
                Err(StoreError::Invalid(DocumentError::UnsupportedType))
            ));
        }
        assert!(matches!(
            store(dir.path(), b""),
            Err(StoreError::Invalid(DocumentError::Empty))
        ));
        assert_eq!(private_path(dir.path(), "../../etc/passwd"), None);
        assert_eq!(
            safe_download_name("DBS \"cert\"\r\n.pdf"),
            "DBS__cert___.pdf"
        );
        assert_eq!(safe_download_name("../.."), "document");
    }
}
