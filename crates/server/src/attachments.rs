//! Attachments: what a file really is (by its content, never by its name or declared
//! type), and removing what an image carries besides the picture (camera, time, and
//! above all location). Only JPEG, PNG and PDF are accepted.
//!
//! Photos are downscaled and re-encoded in the browser, which drops their metadata; the
//! server strips again because not every client is our browser app. Files are streamed
//! through (never held whole in memory), and an image whose header declares too many
//! pixels is refused before anything would decode it.

use std::io::{Read, Write};

use nafitha_domain::form::{MAX_IMAGE_PIXELS, MAX_IMAGE_SIDE_PX};

mod objects;
pub use objects::{Download, Objects};

/// What a file is, judged by its first bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileKind {
    Jpeg,
    Png,
    Pdf,
}

impl FileKind {
    pub fn content_type(self) -> &'static str {
        match self {
            FileKind::Jpeg => "image/jpeg",
            FileKind::Png => "image/png",
            FileKind::Pdf => "application/pdf",
        }
    }

    pub fn is_image(self) -> bool {
        matches!(self, FileKind::Jpeg | FileKind::Png)
    }

    pub fn code(self) -> &'static str {
        match self {
            FileKind::Jpeg => "jpeg",
            FileKind::Png => "png",
            FileKind::Pdf => "pdf",
        }
    }
}

const PNG_SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";

/// Recognises a file by its signature.
pub fn sniff(bytes: &[u8]) -> Option<FileKind> {
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some(FileKind::Jpeg)
    } else if bytes.starts_with(PNG_SIGNATURE) {
        Some(FileKind::Png)
    } else if bytes.starts_with(b"%PDF-") {
        Some(FileKind::Pdf)
    } else {
        None
    }
}

/// Why a file cannot be kept as it is.
#[derive(Debug, thiserror::Error)]
pub enum Unusable {
    /// Not the well-formed file it starts like.
    #[error("malformed {0} file")]
    Malformed(&'static str),
    /// An image whose header declares more pixels than [`MAX_IMAGE_PIXELS`] (or a side
    /// over [`MAX_IMAGE_SIDE_PX`]): refused before anything decodes it.
    #[error("the image declares {width}×{height} pixels")]
    TooManyPixels { width: u32, height: u32 },
    /// The file could not be read or written (a server problem, not the sender's).
    #[error(transparent)]
    Io(std::io::Error),
}

impl Unusable {
    fn from_io(kind: &'static str) -> impl Fn(std::io::Error) -> Unusable {
        move |error| match error.kind() {
            std::io::ErrorKind::UnexpectedEof => Unusable::Malformed(kind),
            _ => Unusable::Io(error),
        }
    }
}

fn check_pixels(width: u32, height: u32) -> Result<(), Unusable> {
    let too_many = width > MAX_IMAGE_SIDE_PX
        || height > MAX_IMAGE_SIDE_PX
        || u64::from(width) * u64::from(height) > MAX_IMAGE_PIXELS;
    if too_many {
        return Err(Unusable::TooManyPixels { width, height });
    }
    Ok(())
}

/// Copies the file from `input` to `output` without its metadata: JPEG APP1–APP15 and
/// comment segments (EXIF, XMP, GPS, maker notes), PNG text, time and EXIF chunks; PDFs
/// are copied unchanged. Images whose header declares too many pixels are refused on
/// the way. Streams: memory stays at one JPEG segment (64 KiB) or a copy buffer,
/// whatever the file's size.
pub fn strip_metadata_to(
    kind: FileKind,
    input: &mut impl Read,
    output: &mut impl Write,
) -> Result<(), Unusable> {
    match kind {
        FileKind::Jpeg => strip_jpeg(input, output),
        FileKind::Png => strip_png(input, output),
        FileKind::Pdf => std::io::copy(input, output).map(drop).map_err(Unusable::Io),
    }
}

/// [`strip_metadata_to`] on bytes in memory.
pub fn strip_metadata(kind: FileKind, bytes: &[u8]) -> Result<Vec<u8>, Unusable> {
    let mut out = Vec::with_capacity(bytes.len());
    strip_metadata_to(kind, &mut std::io::Cursor::new(bytes), &mut out)?;
    Ok(out)
}

/// Start-of-frame markers: they carry the picture's size (DHT, JPG and DAC share the
/// range but are not frames).
fn is_start_of_frame(marker: u8) -> bool {
    (0xC0..=0xCF).contains(&marker) && !matches!(marker, 0xC4 | 0xC8 | 0xCC)
}

/// Reads a marker: 0xFF, any fill bytes (more 0xFF), and the marker's code.
fn read_marker(input: &mut impl Read) -> Result<u8, Unusable> {
    let io = Unusable::from_io("JPEG");
    let mut byte = [0u8; 1];
    input.read_exact(&mut byte).map_err(&io)?;
    if byte[0] != 0xFF {
        return Err(Unusable::Malformed("JPEG"));
    }
    while byte[0] == 0xFF {
        input.read_exact(&mut byte).map_err(&io)?;
    }
    Ok(byte[0])
}

/// Copies a scan's entropy-coded data (with its stuffed zeros and restart markers) and
/// returns the marker that ends it, or `None` when the file ends first.
fn copy_scan(input: &mut impl Read, output: &mut impl Write) -> Result<Option<u8>, Unusable> {
    let mut byte = [0u8; 1];
    let mut next = |input: &mut dyn Read| -> Result<Option<u8>, Unusable> {
        match input.read(&mut byte) {
            Ok(0) => Ok(None),
            Ok(_) => Ok(Some(byte[0])),
            Err(error) => Err(Unusable::Io(error)),
        }
    };
    loop {
        let Some(b) = next(input)? else {
            return Ok(None);
        };
        if b != 0xFF {
            output.write_all(&[b]).map_err(Unusable::Io)?;
            continue;
        }
        let mut marker = 0xFF;
        while marker == 0xFF {
            let Some(m) = next(input)? else {
                return Ok(None);
            };
            marker = m;
        }
        match marker {
            0x00 | 0xD0..=0xD7 => output.write_all(&[0xFF, marker]).map_err(Unusable::Io)?,
            _ => return Ok(Some(marker)),
        }
    }
}

/// Segment by segment; metadata segments are dropped wherever they stand (after a scan
/// too), and the file ends at its end-of-image marker (whatever follows is dropped: a
/// phone's hidden second picture or video). A scan before any frame header is refused.
fn strip_jpeg(input: &mut impl Read, output: &mut impl Write) -> Result<(), Unusable> {
    let bad = || Unusable::Malformed("JPEG");
    let io = Unusable::from_io("JPEG");
    let mut soi = [0u8; 2];
    input.read_exact(&mut soi).map_err(&io)?;
    if soi != [0xFF, 0xD8] {
        return Err(bad());
    }
    output.write_all(&soi).map_err(Unusable::Io)?;
    let mut segment = vec![0u8; usize::from(u16::MAX)];
    let (mut framed, mut scanned) = (false, false);
    let mut after_scan = None;
    loop {
        let marker = match after_scan.take() {
            Some(marker) => marker,
            None => read_marker(input)?,
        };
        match marker {
            0xD9 if scanned => {
                output.write_all(&[0xFF, 0xD9]).map_err(Unusable::Io)?;
                return Ok(());
            }
            // End of image without a scan: not a picture.
            0xD9 => return Err(bad()),
            // Markers without a length.
            0x01 | 0xD0..=0xD7 => {
                output.write_all(&[0xFF, marker]).map_err(Unusable::Io)?;
                continue;
            }
            _ => {}
        }
        let mut length = [0u8; 2];
        input.read_exact(&mut length).map_err(&io)?;
        let data_length = usize::from(u16::from_be_bytes(length))
            .checked_sub(2)
            .ok_or_else(bad)?;
        let data = &mut segment[..data_length];
        input.read_exact(data).map_err(&io)?;
        if is_start_of_frame(marker) {
            if data.len() < 5 {
                return Err(bad());
            }
            let height = u32::from(u16::from_be_bytes([data[1], data[2]]));
            let width = u32::from(u16::from_be_bytes([data[3], data[4]]));
            if width == 0 || height == 0 {
                return Err(bad());
            }
            check_pixels(width, height)?;
            framed = true;
        }
        if marker == 0xDA && !framed {
            return Err(bad());
        }
        let is_metadata = (0xE1..=0xEF).contains(&marker) || marker == 0xFE;
        if !is_metadata {
            output.write_all(&[0xFF, marker]).map_err(Unusable::Io)?;
            output.write_all(&length).map_err(Unusable::Io)?;
            output.write_all(data).map_err(Unusable::Io)?;
        }
        // Start of scan: the picture's data follows, up to the next marker.
        if marker == 0xDA {
            scanned = true;
            match copy_scan(input, output)? {
                Some(next) => after_scan = Some(next),
                // A file cut short after its data: kept as cameras write it.
                None => return Ok(()),
            }
        }
    }
}

fn strip_png(input: &mut impl Read, output: &mut impl Write) -> Result<(), Unusable> {
    let bad = || Unusable::Malformed("PNG");
    let io = Unusable::from_io("PNG");
    let mut signature = [0u8; 8];
    input.read_exact(&mut signature).map_err(&io)?;
    if signature != PNG_SIGNATURE {
        return Err(bad());
    }
    output.write_all(&signature).map_err(Unusable::Io)?;
    let mut first = true;
    loop {
        let mut header = [0u8; 8];
        input.read_exact(&mut header).map_err(&io)?;
        let length = u32::from_be_bytes([header[0], header[1], header[2], header[3]]);
        let kind = [header[4], header[5], header[6], header[7]];
        // The PNG format caps a chunk at 2^31 - 1 bytes.
        if length > i32::MAX as u32 || (first && &kind != b"IHDR") {
            return Err(bad());
        }
        // Data and CRC.
        let rest = u64::from(length) + 4;
        if first {
            if length != 13 {
                return Err(bad());
            }
            let mut ihdr = [0u8; 17];
            input.read_exact(&mut ihdr).map_err(&io)?;
            let width = u32::from_be_bytes([ihdr[0], ihdr[1], ihdr[2], ihdr[3]]);
            let height = u32::from_be_bytes([ihdr[4], ihdr[5], ihdr[6], ihdr[7]]);
            check_pixels(width, height)?;
            output.write_all(&header).map_err(Unusable::Io)?;
            output.write_all(&ihdr).map_err(Unusable::Io)?;
            first = false;
            continue;
        }
        let is_metadata = matches!(&kind, b"tEXt" | b"zTXt" | b"iTXt" | b"eXIf" | b"tIME");
        let copied = if is_metadata {
            std::io::copy(&mut input.take(rest), &mut std::io::sink())
        } else {
            output.write_all(&header).map_err(Unusable::Io)?;
            std::io::copy(&mut input.take(rest), output)
        }
        .map_err(Unusable::Io)?;
        if copied != rest {
            return Err(bad());
        }
        if &kind == b"IEND" {
            return Ok(());
        }
    }
}

/// The directory uploads are received into and cleaned in before they are stored,
/// `<data dir>/incoming`, emptied of what an earlier run left half-way.
pub fn incoming_dir(data_dir: &std::path::Path) -> std::io::Result<std::path::PathBuf> {
    let dir = data_dir.join("incoming");
    match std::fs::remove_dir_all(&dir) {
        Ok(()) => {}
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {}
        Err(error) => return Err(error),
    }
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}

/// The two working files of one upload: as received, and cleaned. Both are removed when
/// this is dropped, whatever became of the upload.
#[derive(Debug)]
pub struct WorkFiles {
    pub received: std::path::PathBuf,
    pub cleaned: std::path::PathBuf,
}

impl WorkFiles {
    pub fn new(dir: &std::path::Path, id: &str) -> WorkFiles {
        WorkFiles {
            received: dir.join(format!("{id}.in")),
            cleaned: dir.join(format!("{id}.clean")),
        }
    }
}

impl Drop for WorkFiles {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.received);
        let _ = std::fs::remove_file(&self.cleaned);
    }
}

/// How long an upload may wait for its request before it is deleted.
pub const UNATTACHED_TTL_MS: i64 = 24 * 3_600_000;

/// Deletes uploads that were never attached to a filed request within a day: the row
/// first (only if still unattached), then the file, in whichever store holds them (so
/// with a shared bucket, any instance's clean-up removes any instance's uploads).
/// Returns how many were removed.
pub async fn remove_expired(
    store: &crate::store::Store,
    objects: &Objects,
    now_ms: i64,
) -> anyhow::Result<usize> {
    let mut removed = 0;
    for id in store
        .unattached_uploads(now_ms - UNATTACHED_TTL_MS, 500)
        .await?
    {
        if store.delete_unattached_upload(&id).await? {
            match objects.delete(&id).await {
                Ok(()) => removed += 1,
                Err(error) => tracing::warn!(%id, %error, "cannot delete an expired upload's file"),
            }
        }
    }
    Ok(removed)
}

/// What the clean-up keeps, and the clock it reads.
#[derive(Clone, Debug)]
pub struct Retention {
    pub clock: crate::clock::Clock,
    /// How long sent messages stay in the outbox.
    pub outbox_ms: i64,
}

/// Runs the clean-up every ten minutes until `stop` turns true: expired uploads,
/// sessions and sign-in codes, old outbox messages, spent limit counters and throttles.
pub async fn run_cleanup(
    store: crate::store::Store,
    objects: Objects,
    retention: Retention,
    mut stop: tokio::sync::watch::Receiver<bool>,
) {
    loop {
        let now = retention.clock.now_ms();
        match remove_expired(&store, &objects, now).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(removed = n, "expired uploads removed"),
            Err(error) => tracing::error!(error = format!("{error:#}"), "upload clean-up failed"),
        }
        if let Err(error) = store.remove_expired_sign_ins(now).await {
            tracing::error!(%error, "session clean-up failed");
        }
        let secrets_before = now - nafitha_domain::account::CODE_VALID_MS;
        match store
            .prune_outbox(now - retention.outbox_ms, secrets_before)
            .await
        {
            Ok(0) => {}
            Ok(n) => tracing::info!(removed = n, "old outbox messages removed"),
            Err(error) => tracing::error!(%error, "outbox clean-up failed"),
        }
        if let Err(error) = store
            .forget_old_counters(now - crate::limits::COUNTERS_KEPT_MS)
            .await
        {
            tracing::error!(%error, "limit counter clean-up failed");
        }
        if let Err(error) = store.forget_quiet_throttles(now).await {
            tracing::error!(%error, "sign-in throttle clean-up failed");
        }
        tokio::select! {
            _ = stop.changed() => break,
            () = tokio::time::sleep(std::time::Duration::from_secs(600)) => {}
        }
    }
}

/// Sample files for tests (here and in the API tests).
#[doc(hidden)]
pub mod samples {
    use super::PNG_SIGNATURE;

    /// A structurally valid JPEG: SOI, APP0 (JFIF), APP1 (EXIF with a GPS tag), a comment,
    /// a quantisation table, a frame header (1 × 1), a scan with some data, EOI.
    pub fn jpeg_with_exif() -> Vec<u8> {
        let mut f = vec![0xFF, 0xD8];
        f.extend([0xFF, 0xE0, 0x00, 0x07]);
        f.extend(b"JFIF\0");
        let exif = b"Exif\0\0GPSLatitude=26.4207;Make=Phone";
        f.extend([0xFF, 0xE1]);
        f.extend(((exif.len() + 2) as u16).to_be_bytes());
        f.extend(exif);
        f.extend([0xFF, 0xFE, 0x00, 0x08]);
        f.extend(b"secret");
        f.extend([0xFF, 0xDB, 0x00, 0x04, 0x00, 0x01]);
        f.extend([
            0xFF, 0xC0, 0x00, 0x0B, 0x08, 0x00, 0x01, 0x00, 0x01, 0x01, 0x01, 0x11, 0x00,
        ]);
        f.extend([0xFF, 0xDA, 0x00, 0x03, 0x01]);
        f.extend([0x12, 0x34, 0xFF, 0x00, 0x56]);
        f.extend([0xFF, 0xD9]);
        f
    }

    pub fn png_chunk(kind: &[u8], data: &[u8]) -> Vec<u8> {
        let mut c = (data.len() as u32).to_be_bytes().to_vec();
        c.extend(kind);
        c.extend(data);
        c.extend([0, 0, 0, 0]);
        c
    }

    /// A structurally valid PNG with a text chunk and an EXIF chunk.
    pub fn png_with_text() -> Vec<u8> {
        let mut f = PNG_SIGNATURE.to_vec();
        f.extend(png_chunk(b"IHDR", &[0, 0, 0, 1, 0, 0, 0, 1, 8, 2, 0, 0, 0]));
        f.extend(png_chunk(b"tEXt", b"Comment\0taken at home"));
        f.extend(png_chunk(b"eXIf", b"GPS"));
        f.extend(png_chunk(b"IDAT", &[1, 2, 3]));
        f.extend(png_chunk(b"IEND", &[]));
        f
    }
}

#[cfg(test)]
mod tests {
    use super::samples::{jpeg_with_exif, png_with_text};
    use super::*;

    fn png_chunk(kind: &[u8], data: &[u8]) -> Vec<u8> {
        super::samples::png_chunk(kind, data)
    }

    #[test]
    fn files_are_recognised_by_content_not_by_name() {
        assert_eq!(sniff(&jpeg_with_exif()), Some(FileKind::Jpeg));
        assert_eq!(sniff(&png_with_text()), Some(FileKind::Png));
        assert_eq!(sniff(b"%PDF-1.7\n..."), Some(FileKind::Pdf));
        assert_eq!(sniff(b"GIF89a"), None);
        assert_eq!(sniff(b"<html><script>"), None);
        assert_eq!(sniff(b"MZ\x90\x00"), None);
        assert_eq!(sniff(b""), None);
    }

    #[test]
    fn jpeg_metadata_segments_are_removed_and_the_picture_kept() {
        let original = jpeg_with_exif();
        let stripped = strip_metadata(FileKind::Jpeg, &original).unwrap();
        let text = String::from_utf8_lossy(&stripped);
        assert!(
            !text.contains("GPS") && !text.contains("Exif") && !text.contains("secret"),
            "{text}"
        );
        assert!(text.contains("JFIF"));
        assert!(
            stripped.ends_with(&[0x12, 0x34, 0xFF, 0x00, 0x56, 0xFF, 0xD9]),
            "scan data kept"
        );
        assert_eq!(
            strip_metadata(FileKind::Jpeg, &stripped).unwrap(),
            stripped,
            "idempotent"
        );
    }

    #[test]
    fn png_text_time_and_exif_chunks_are_removed() {
        let stripped = strip_metadata(FileKind::Png, &png_with_text()).unwrap();
        let text = String::from_utf8_lossy(&stripped);
        assert!(
            !text.contains("taken at home") && !text.contains("GPS"),
            "{text}"
        );
        assert!(text.contains("IHDR") && text.contains("IDAT") && text.contains("IEND"));
    }

    #[test]
    fn images_declaring_too_many_pixels_are_refused_before_decoding() {
        // A PNG header declaring 50 000 × 50 000 pixels: 40 bytes that would take 10 GB.
        let mut bomb = PNG_SIGNATURE.to_vec();
        let mut ihdr = 50_000u32.to_be_bytes().to_vec();
        ihdr.extend(50_000u32.to_be_bytes());
        ihdr.extend([8, 2, 0, 0, 0]);
        bomb.extend(png_chunk(b"IHDR", &ihdr));
        bomb.extend(png_chunk(b"IEND", &[]));
        assert!(matches!(
            strip_metadata(FileKind::Png, &bomb),
            Err(Unusable::TooManyPixels { width: 50_000, .. })
        ));
        // A JPEG frame header (SOF0) declaring 60 000 × 60 000.
        let mut jpeg = vec![0xFF, 0xD8, 0xFF, 0xC0, 0x00, 0x0B, 8];
        jpeg.extend(60_000u16.to_be_bytes());
        jpeg.extend(60_000u16.to_be_bytes());
        jpeg.extend([1, 1, 0x11, 0]);
        jpeg.extend([0xFF, 0xDA, 0x00, 0x03, 0x01, 0x12, 0xFF, 0xD9]);
        assert!(matches!(
            strip_metadata(FileKind::Jpeg, &jpeg),
            Err(Unusable::TooManyPixels { height: 60_000, .. })
        ));
        // The same frame at a phone camera's 4000 × 3000 is kept.
        jpeg[7..9].copy_from_slice(&3000u16.to_be_bytes());
        jpeg[9..11].copy_from_slice(&4000u16.to_be_bytes());
        assert_eq!(strip_metadata(FileKind::Jpeg, &jpeg).unwrap(), jpeg);
    }

    #[test]
    fn jpeg_metadata_after_a_scan_and_anything_after_the_end_are_dropped() {
        let mut original = jpeg_with_exif();
        original.truncate(original.len() - 2);
        original.extend([0xFF, 0xE1, 0x00, 0x06]);
        original.extend(b"GPS!");
        original.extend([0xFF, 0xDA, 0x00, 0x03, 0x01, 0x77]);
        original.extend([0xFF, 0xD9]);
        original.extend(b"hidden video after the picture");
        let stripped = strip_metadata(FileKind::Jpeg, &original).unwrap();
        let text = String::from_utf8_lossy(&stripped);
        assert!(!text.contains("GPS") && !text.contains("hidden"), "{text}");
        assert!(stripped.ends_with(&[0x01, 0x77, 0xFF, 0xD9]));
    }

    #[test]
    fn a_jpeg_scan_without_a_frame_or_a_frame_of_no_size_is_refused() {
        let no_frame = [0xFF, 0xD8, 0xFF, 0xDA, 0x00, 0x03, 0x01, 0x12, 0xFF, 0xD9];
        assert!(matches!(
            strip_metadata(FileKind::Jpeg, &no_frame),
            Err(Unusable::Malformed(_))
        ));
        let mut empty_frame = vec![
            0xFF, 0xD8, 0xFF, 0xC0, 0x00, 0x0B, 8, 0, 0, 0, 1, 1, 1, 0x11, 0,
        ];
        empty_frame.extend([0xFF, 0xDA, 0x00, 0x03, 0x01, 0x12, 0xFF, 0xD9]);
        assert!(strip_metadata(FileKind::Jpeg, &empty_frame).is_err());
    }

    #[test]
    fn a_file_that_only_starts_like_an_image_is_malformed() {
        assert!(strip_metadata(FileKind::Jpeg, &[0xFF, 0xD8, 0xFF, 0xE0, 0x00]).is_err());
        assert!(strip_metadata(FileKind::Jpeg, b"\xFF\xD8\xFFthis is not a jpeg").is_err());
        let mut truncated = png_with_text();
        truncated.truncate(40);
        assert!(strip_metadata(FileKind::Png, &truncated).is_err());
        let mut no_header = PNG_SIGNATURE.to_vec();
        no_header.extend(png_chunk(b"IEND", &[]));
        assert!(strip_metadata(FileKind::Png, &no_header).is_err());
    }
}
