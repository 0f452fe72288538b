//! Attachments: what a file really is (by its content, never by its name or declared
//! type), and removing what an image carries besides the picture (camera, time, and
//! above all location). Only JPEG, PNG and PDF are accepted.
//!
//! Photos are downscaled and re-encoded in the browser, which drops their metadata; the
//! server strips again because not every client is our browser app.

use std::sync::Arc;

use object_store::ObjectStore;

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

/// The file is not the well-formed image it starts like.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
#[error("malformed {0} file")]
pub struct Malformed(&'static str);

/// Returns the file without its metadata: JPEG APP1–APP15 and comment segments (EXIF,
/// XMP, GPS, maker notes), PNG text, time and EXIF chunks. PDFs are returned unchanged.
pub fn strip_metadata(kind: FileKind, bytes: &[u8]) -> Result<Vec<u8>, Malformed> {
    match kind {
        FileKind::Jpeg => strip_jpeg(bytes),
        FileKind::Png => strip_png(bytes),
        FileKind::Pdf => Ok(bytes.to_vec()),
    }
}

fn strip_jpeg(bytes: &[u8]) -> Result<Vec<u8>, Malformed> {
    let bad = Malformed("JPEG");
    let mut out = Vec::with_capacity(bytes.len());
    out.extend_from_slice(&bytes[..2]);
    let mut i = 2;
    loop {
        if i + 2 > bytes.len() || bytes[i] != 0xFF {
            return Err(bad);
        }
        let marker = bytes[i + 1];
        match marker {
            // Fill bytes before a marker.
            0xFF => {
                i += 1;
                continue;
            }
            // End of image without a scan: not a picture.
            0xD9 => return Err(bad),
            // Markers without a length.
            0x01 | 0xD0..=0xD7 => {
                out.extend_from_slice(&bytes[i..i + 2]);
                i += 2;
                continue;
            }
            _ => {}
        }
        if i + 4 > bytes.len() {
            return Err(bad);
        }
        let length = usize::from(u16::from_be_bytes([bytes[i + 2], bytes[i + 3]]));
        let end = i + 2 + length;
        if length < 2 || end > bytes.len() {
            return Err(bad);
        }
        // Start of scan: the picture itself follows, up to the end; keep all of it.
        if marker == 0xDA {
            out.extend_from_slice(&bytes[i..]);
            return Ok(out);
        }
        let is_metadata = (0xE1..=0xEF).contains(&marker) || marker == 0xFE;
        if !is_metadata {
            out.extend_from_slice(&bytes[i..end]);
        }
        i = end;
    }
}

fn strip_png(bytes: &[u8]) -> Result<Vec<u8>, Malformed> {
    let bad = Malformed("PNG");
    let mut out = Vec::with_capacity(bytes.len());
    out.extend_from_slice(PNG_SIGNATURE);
    let mut i = PNG_SIGNATURE.len();
    let mut first = true;
    loop {
        if i + 12 > bytes.len() {
            return Err(bad);
        }
        let length =
            u32::from_be_bytes([bytes[i], bytes[i + 1], bytes[i + 2], bytes[i + 3]]) as usize;
        let kind = &bytes[i + 4..i + 8];
        let end = i.checked_add(12 + length).ok_or(Malformed("PNG"))?;
        if end > bytes.len() || (first && kind != b"IHDR") {
            return Err(bad);
        }
        first = false;
        let is_metadata = matches!(kind, b"tEXt" | b"zTXt" | b"iTXt" | b"eXIf" | b"tIME");
        if !is_metadata {
            out.extend_from_slice(&bytes[i..end]);
        }
        if kind == b"IEND" {
            return Ok(out);
        }
        i = end;
    }
}

/// Where attachment files live: a local directory by default, any `object_store`
/// backend (S3-compatible storage) at scale.
pub type Objects = Arc<dyn ObjectStore>;

/// The local-directory store under `<data dir>/uploads`.
pub fn local_objects(data_dir: &std::path::Path) -> anyhow::Result<Objects> {
    let dir = data_dir.join("uploads");
    std::fs::create_dir_all(&dir)?;
    Ok(Arc::new(
        object_store::local::LocalFileSystem::new_with_prefix(dir)?,
    ))
}

/// How long an upload may wait for its request before it is deleted.
pub const UNATTACHED_TTL_MS: i64 = 24 * 3_600_000;

/// Deletes uploads that were never attached to a filed request within a day: the row
/// first (only if still unattached), then the file. Returns how many were removed.
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
            match objects
                .delete(&object_store::path::Path::from(id.as_str()))
                .await
            {
                Ok(()) | Err(object_store::Error::NotFound { .. }) => removed += 1,
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
        // No limit looks back further than two of its windows; the longest is a day.
        if let Err(error) = store.forget_old_counters(now - 2 * 24 * 3_600_000).await {
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
    /// a quantisation table, a scan with some data, EOI.
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
