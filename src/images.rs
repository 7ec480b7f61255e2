//! Uploaded photos and logos: the type is sniffed from the bytes (JPEG, PNG or WebP only), the
//! file size and the pixel count are checked before the image is decoded (so a small file
//! that claims to be enormous — a decompression bomb — is refused cheaply), EXIF orientation
//! is applied, and the picture is re-encoded (which drops EXIF, GPS and anything else hidden
//! in the file) with a thumbnail beside it. Files are stored content-addressed in the file
//! store's `media/` (public) or `inspection-media/` (served only through checked routes), so
//! the same picture uploaded twice is stored once.

use std::io::Cursor;

use image::codecs::jpeg::JpegEncoder;
use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits};

use crate::domain::tokens::sha256_bytes_hex;
use crate::file_store::Files;
use crate::stored_files::{FileRef, Store};

/// Largest upload accepted.
pub const MAX_UPLOAD_BYTES: usize = 10 * 1024 * 1024;
/// Largest picture, in pixels, that will be decoded (about a 48-megapixel camera).
pub const MAX_PIXELS: u64 = 48_000_000;
/// Longest side accepted before decoding.
pub const MAX_SIDE_PIXELS: u32 = 12_000;
/// Memory the decoder may use at once.
const MAX_DECODE_BYTES: u64 = 256 * 1024 * 1024;
/// Stored pictures are scaled down to fit this box; thumbnails to the smaller one.
pub const STORED_MAX_SIDE_PIXELS: u32 = 1600;
pub const THUMBNAIL_MAX_SIDE_PIXELS: u32 = 400;
const JPEG_QUALITY: u8 = 85;

/// Where a picture is kept: public pictures are served to anyone who has the name; private
/// ones only through a route that checks who is asking.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Area {
    Public,
    Inspection,
}

impl Area {
    /// The file store that keeps this area's pictures.
    pub fn store(self) -> Store {
        match self {
            Area::Public => Store::Media,
            Area::Inspection => Store::InspectionMedia,
        }
    }
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ImageError {
    #[error("Choose a picture to upload")]
    Empty,
    #[error("The picture must be smaller than 10 MB")]
    TooLarge,
    #[error("The picture must be a JPEG, PNG or WebP file")]
    UnsupportedType,
    #[error(
        "The picture is too big: it must be under 48 megapixels and 12,000 pixels on each side"
    )]
    TooManyPixels,
    #[error("The picture could not be read. It may be damaged: try saving it again")]
    Unreadable,
}

/// One stored file: its content hash names it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredFile {
    pub hash: String,
    pub extension: &'static str,
    pub width: u32,
    pub height: u32,
}

impl StoredFile {
    /// The file name used in `/media/{name}` links.
    pub fn file_name(&self) -> String {
        format!("{}.{}", self.hash, self.extension)
    }
}

#[derive(Clone, Debug)]
pub struct StoredImage {
    pub image: StoredFile,
    pub thumbnail: StoredFile,
}

/// Checks, cleans and decodes an upload. Pure: nothing is written.
pub fn decode_upload(bytes: &[u8]) -> Result<DynamicImage, ImageError> {
    if bytes.is_empty() {
        return Err(ImageError::Empty);
    }
    if bytes.len() > MAX_UPLOAD_BYTES {
        return Err(ImageError::TooLarge);
    }
    let format = image::guess_format(bytes).map_err(|_| ImageError::UnsupportedType)?;
    if !matches!(
        format,
        ImageFormat::Jpeg | ImageFormat::Png | ImageFormat::WebP
    ) {
        return Err(ImageError::UnsupportedType);
    }
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE_PIXELS);
    limits.max_image_height = Some(MAX_SIDE_PIXELS);
    limits.max_alloc = Some(MAX_DECODE_BYTES);
    reader.limits(limits);
    let mut decoder = reader.into_decoder().map_err(classify)?;
    let (width, height) = decoder.dimensions();
    if u64::from(width) * u64::from(height) > MAX_PIXELS || width == 0 || height == 0 {
        return Err(ImageError::TooManyPixels);
    }
    let orientation = decoder
        .orientation()
        .unwrap_or(image::metadata::Orientation::NoTransforms);
    let mut image = DynamicImage::from_decoder(decoder).map_err(classify)?;
    image.apply_orientation(orientation);
    Ok(image)
}

fn classify(err: image::ImageError) -> ImageError {
    match err {
        image::ImageError::Limits(_) => ImageError::TooManyPixels,
        image::ImageError::Unsupported(_) => ImageError::UnsupportedType,
        _ => ImageError::Unreadable,
    }
}

/// Re-encodes to fit `max_side`: PNG when the picture has transparency (logos), else JPEG.
fn encode(
    image: &DynamicImage,
    max_side: u32,
) -> Result<(Vec<u8>, &'static str, u32, u32), ImageError> {
    let scaled = if image.width() > max_side || image.height() > max_side {
        image.resize(max_side, max_side, image::imageops::FilterType::Lanczos3)
    } else {
        image.clone()
    };
    let mut out = Vec::new();
    let extension = if scaled.color().has_alpha() {
        scaled
            .to_rgba8()
            .write_to(&mut Cursor::new(&mut out), ImageFormat::Png)
            .map_err(|_| ImageError::Unreadable)?;
        "png"
    } else {
        let rgb = DynamicImage::ImageRgb8(scaled.to_rgb8());
        rgb.write_with_encoder(JpegEncoder::new_with_quality(&mut out, JPEG_QUALITY))
            .map_err(|_| ImageError::Unreadable)?;
        "jpg"
    };
    Ok((out, extension, scaled.width(), scaled.height()))
}

/// One encoded picture, named by a hash of its bytes.
fn named(bytes: &[u8], extension: &'static str, width: u32, height: u32) -> StoredFile {
    StoredFile {
        hash: sha256_bytes_hex(bytes),
        extension,
        width,
        height,
    }
}

/// Error from [`process_and_store`]: the person's fault (with a message) or ours.
#[derive(Debug, thiserror::Error)]
pub enum UploadError {
    #[error(transparent)]
    Invalid(#[from] ImageError),
    #[error(transparent)]
    Storage(#[from] anyhow::Error),
}

/// A cleaned picture and its thumbnail, encoded and named, not yet stored.
pub struct Processed {
    pub names: StoredImage,
    image: Vec<u8>,
    thumbnail: Vec<u8>,
}

/// Validates, cleans and encodes an upload with its thumbnail. CPU-heavy: call it from a
/// blocking task.
pub fn process(bytes: &[u8]) -> Result<Processed, ImageError> {
    let image = decode_upload(bytes)?;
    let (main, ext, w, h) = encode(&image, STORED_MAX_SIDE_PIXELS)?;
    let (thumb, t_ext, tw, th) = encode(&image, THUMBNAIL_MAX_SIDE_PIXELS)?;
    Ok(Processed {
        names: StoredImage {
            image: named(&main, ext, w, h),
            thumbnail: named(&thumb, t_ext, tw, th),
        },
        image: main,
        thumbnail: thumb,
    })
}

impl Processed {
    /// Writes both files to `area`'s store (a file already there is left as it is).
    pub async fn store(self, files: &Files, area: Area) -> anyhow::Result<StoredImage> {
        for (file, bytes) in [
            (&self.names.image, self.image),
            (&self.names.thumbnail, self.thumbnail),
        ] {
            files
                .put_once(&FileRef::new(area.store(), file.file_name()), bytes)
                .await?;
        }
        Ok(self.names)
    }
}

/// Validates, cleans and stores an upload with its thumbnail (the decoding on a blocking
/// thread).
pub async fn process_and_store(
    files: &Files,
    area: Area,
    bytes: Vec<u8>,
) -> Result<StoredImage, UploadError> {
    let processed = tokio::task::spawn_blocking(move || process(&bytes))
        .await
        .map_err(|err| UploadError::Storage(err.into()))??;
    Ok(processed.store(files, area).await?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::{ImageEncoder, Rgb, RgbImage, Rgba, RgbaImage};

    fn png(width: u32, height: u32) -> Vec<u8> {
        let img = RgbImage::from_pixel(width, height, Rgb([10, 120, 200]));
        let mut out = Vec::new();
        img.write_to(&mut Cursor::new(&mut out), ImageFormat::Png)
            .expect("png");
        out
    }

    fn crc32(data: &[u8]) -> u32 {
        let mut crc = 0xFFFF_FFFFu32;
        for &byte in data {
            crc ^= u32::from(byte);
            for _ in 0..8 {
                crc = if crc & 1 == 1 {
                    (crc >> 1) ^ 0xEDB8_8320
                } else {
                    crc >> 1
                };
            }
        }
        !crc
    }

    /// A tiny PNG whose header claims `width` × `height` pixels: a decompression bomb.
    pub(crate) fn bomb_png(width: u32, height: u32) -> Vec<u8> {
        let mut bytes = png(1, 1);
        // IHDR data starts at byte 16 (8 signature + 4 length + 4 type).
        bytes[16..20].copy_from_slice(&width.to_be_bytes());
        bytes[20..24].copy_from_slice(&height.to_be_bytes());
        let crc = crc32(&bytes[12..29]);
        bytes[29..33].copy_from_slice(&crc.to_be_bytes());
        bytes
    }

    fn jpeg_with_orientation(width: u32, height: u32, orientation: u16) -> Vec<u8> {
        // A minimal little-endian TIFF/EXIF block with one entry: Orientation.
        let mut exif = vec![0x49, 0x49, 42, 0, 8, 0, 0, 0, 1, 0];
        exif.extend_from_slice(&0x0112u16.to_le_bytes());
        exif.extend_from_slice(&3u16.to_le_bytes());
        exif.extend_from_slice(&1u32.to_le_bytes());
        exif.extend_from_slice(&orientation.to_le_bytes());
        exif.extend_from_slice(&[0, 0, 0, 0, 0, 0]);
        let img = RgbImage::from_pixel(width, height, Rgb([200, 30, 30]));
        let mut out = Vec::new();
        let mut encoder = JpegEncoder::new_with_quality(&mut out, 90);
        encoder.set_exif_metadata(exif).expect("exif");
        encoder
            .write_image(img.as_raw(), width, height, image::ExtendedColorType::Rgb8)
            .expect("jpeg");
        out
    }

    #[test]
    fn refuses_what_is_not_a_supported_picture() {
        assert_eq!(decode_upload(b"").err(), Some(ImageError::Empty));
        assert_eq!(
            decode_upload(b"%PDF-1.4 not an image").err(),
            Some(ImageError::UnsupportedType)
        );
        assert_eq!(
            decode_upload(b"GIF89a\x01\x00\x01\x00").err(),
            Some(ImageError::UnsupportedType)
        );
        let mut truncated = png(50, 50);
        truncated.truncate(60);
        assert_eq!(
            decode_upload(&truncated).err(),
            Some(ImageError::Unreadable)
        );
        assert_eq!(
            decode_upload(&vec![0u8; MAX_UPLOAD_BYTES + 1]).err(),
            Some(ImageError::TooLarge)
        );
    }

    #[test]
    fn refuses_a_decompression_bomb_before_decoding() {
        let bomb = bomb_png(100_000, 100_000);
        assert!(bomb.len() < 100, "the bomb is tiny");
        assert_eq!(decode_upload(&bomb).err(), Some(ImageError::TooManyPixels));
        assert_eq!(
            decode_upload(&bomb_png(11_000, 11_000)).err(),
            Some(ImageError::TooManyPixels),
            "over the pixel count"
        );
    }

    #[test]
    fn applies_exif_orientation_and_strips_it() {
        let rotated = jpeg_with_orientation(40, 20, 6);
        let image = decode_upload(&rotated).expect("decodes");
        assert_eq!((image.width(), image.height()), (20, 40), "turned upright");
        let (bytes, ext, w, h) = encode(&image, STORED_MAX_SIDE_PIXELS).expect("encode");
        assert_eq!((ext, w, h), ("jpg", 20, 40));
        assert!(
            !bytes.windows(4).any(|w| w == b"Exif"),
            "no EXIF in the stored file"
        );
    }

    #[tokio::test]
    async fn stores_content_addressed_with_a_thumbnail() {
        let dir = tempfile::tempdir().expect("dir");
        let files = Files::local(dir.path()).expect("files");
        let big = png(2000, 1000);
        let stored = process_and_store(&files, Area::Public, big.clone())
            .await
            .expect("stored");
        assert_eq!((stored.image.width, stored.image.height), (1600, 800));
        assert_eq!(
            (stored.thumbnail.width, stored.thumbnail.height),
            (400, 200)
        );
        assert_eq!(stored.image.extension, "jpg");
        let file = FileRef::new(Store::Media, stored.image.file_name());
        assert!(files.exists(&file).await.expect("head"));
        let again = process_and_store(&files, Area::Public, big)
            .await
            .expect("stored again");
        assert_eq!(again.image, stored.image, "same picture, same file");

        let mut logo = RgbaImage::from_pixel(30, 30, Rgba([0, 0, 0, 0]));
        logo.put_pixel(1, 1, Rgba([255, 0, 0, 255]));
        let mut bytes = Vec::new();
        logo.write_to(&mut Cursor::new(&mut bytes), ImageFormat::Png)
            .expect("png");
        assert_eq!(
            process_and_store(&files, Area::Public, bytes)
                .await
                .expect("logo")
                .image
                .extension,
            "png",
            "transparency kept"
        );
    }

    #[test]
    fn only_our_own_names_are_stored_names() {
        let good = format!("{}.jpg", "a".repeat(64));
        assert!(Store::Media.is_valid_name(&good));
        assert_ne!(
            Area::Public.store().folder(),
            Area::Inspection.store().folder(),
            "inspection photos are kept apart from the public media"
        );
        for bad in [
            "../../etc/passwd",
            "x.jpg",
            &format!("{}.exe", "a".repeat(64)),
            &format!("{}.jpg", "A".repeat(64)),
            &format!("../{}.jpg", "a".repeat(61)),
        ] {
            assert!(!Store::Media.is_valid_name(bad), "{bad}");
        }
    }
}
