//! Serving the built app (`dist/`) and preparing it to be served.
//!
//! Files are sent precompressed (`.br`, `.gz`) when the browser accepts it; deep links
//! get `index.html` with 200 so the app's router takes over; a missing file (a path whose
//! last segment has an extension) is a real 404. Assets whose names carry Trunk's content
//! hash are cached for a year; everything else, `index.html` first, is revalidated. Every
//! file is sent with `Vary: Accept-Encoding` (one path, three encodings), and each app with
//! its own Content-Security-Policy (`headers`).

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Context;
use axum::body::Body;
use axum::extract::Request;
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::Router;
use tower::ServiceExt;
use tower_http::compression::CompressionLayer;
use tower_http::services::{ServeDir, ServeFile};
use tower_http::set_header::SetResponseHeaderLayer;

use nafitha_domain::apps::{LICENSING_SCREENS, RECORDS_SCREENS};
use nafitha_domain::backoffice::DESK_SCREENS;

use crate::headers;
use crate::pages::{Pages, Template};

const IMMUTABLE: &str = "public, max-age=31536000, immutable";
const REVALIDATE: &str = "no-cache";

/// The service behind every path that is not the API: files of `dist`, else the app. The
/// back office is a second app built into `dist/staff` (so citizens never download it):
/// `/staff` and everything under it are its files, else its `index.html`. The intake
/// desk is a third, built into `dist/staff/desk` (decision 0012): its screens' addresses
/// ([`DESK_SCREENS`]) get its `index.html`, and its files are under `/staff/desk/`; the
/// licensing desk (decision 0015) likewise, from `dist/staff/licensing`, for
/// [`LICENSING_SCREENS`] and the addresses under them.
/// The records app (licences, their verification and the performance figures, decision
/// 0014) is a fourth, built
/// into `dist/records`: its addresses ([`RECORDS_SCREENS`]) are its files, else its page.
pub fn app_service(dist: &Path, pages: Option<&Pages>) -> Router {
    let mut router = Router::new().fallback_service(app(dist, pages));
    let records = dist.join("records");
    if records.join("index.html").is_file() {
        // Built once (its page read once), nested at each of its screens.
        let records = app(&records, pages);
        for screen in RECORDS_SCREENS {
            router = router.nest_service(screen, records.clone());
        }
    }
    let staff = dist.join("staff");
    if staff.join("index.html").is_file() {
        router = router.nest_service("/staff", app(&staff, None));
        let desk = staff.join("desk");
        if desk.join("index.html").is_file() {
            let desk = app(&desk, None);
            for screen in DESK_SCREENS {
                router = router.nest_service(screen, desk.clone());
            }
        }
        let licensing = staff.join("licensing");
        if licensing.join("index.html").is_file() {
            let licensing = app(&licensing, None);
            for screen in LICENSING_SCREENS {
                router = router.nest_service(screen, licensing.clone());
            }
        }
    }
    router.layer(middleware::from_fn(cache_headers))
}

/// One app: the files of `dir` and its SPA fallback, under the policy made from its own
/// `index.html` (each app's page holds its own inline scripts). With `pages` (the
/// citizens' and records apps) its pages are rendered by the server ([`pages`]).
fn app(dir: &Path, pages: Option<&Pages>) -> Router {
    Router::new()
        .fallback_service(spa(dir, pages))
        .layer(SetResponseHeaderLayer::overriding(
            header::CONTENT_SECURITY_POLICY,
            headers::app_policy(&dir.join("index.html")),
        ))
}

/// The files of `dir`, else its page for any path that is not a file: rendered by
/// `pages` when given (compressed on the fly), else its `index.html` as built.
fn spa(
    dir: &Path,
    pages: Option<&Pages>,
) -> ServeDir<tower::util::BoxCloneSyncService<Request, Response, std::convert::Infallible>> {
    let index = ServeFile::new(dir.join("index.html"))
        .precompressed_br()
        .precompressed_gzip();
    let rendering = pages.and_then(|pages| {
        let template = Template::read(&dir.join("index.html"))?;
        Some(std::sync::Arc::new((pages.clone(), template)))
    });
    let rendered = rendering.is_some();
    let page = tower::service_fn(move |request: Request| {
        let index = index.clone();
        let rendering = rendering.clone();
        async move {
            if looks_like_a_file(request.uri().path()) {
                return Ok((StatusCode::NOT_FOUND, "not found").into_response());
            }
            if let Some(rendering) = rendering {
                let (pages, template) = &*rendering;
                return Ok(pages.serve(template, request).await);
            }
            let response = index.oneshot(request).await?;
            Ok::<_, std::convert::Infallible>(response.map(Body::new))
        }
    });
    let page = tower::ServiceBuilder::new()
        .map_response(|response: Response<_>| response.map(Body::new))
        .layer(CompressionLayer::new())
        .service(page);
    ServeDir::new(dir)
        .precompressed_br()
        .precompressed_gzip()
        // A rendered app's `/` is a page like any other, not its `index.html`.
        .append_index_html_on_directories(!rendered)
        .fallback(tower::util::BoxCloneSyncService::new(page))
}

/// True when the last path segment has an extension: a request for a file, not a route.
fn looks_like_a_file(path: &str) -> bool {
    path.rsplit('/')
        .next()
        .is_some_and(|segment| segment.contains('.'))
}

/// True for names like `nafitha-web-0123456789abcdef_bg.wasm` or `index-0123456789abcdef.css`:
/// Trunk puts a hex content hash of at least 16 digits after the last `-` of a `.js`,
/// `.wasm` or `.css` file (as `public/sw.js` reads them). An app's address never ends so,
/// whatever its last segment holds, so no page is cached as if it could never change.
pub fn is_hashed_asset(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or_default();
    let Some((stem, extension)) = name.split_once('.') else {
        return false;
    };
    if !matches!(extension, "js" | "wasm" | "css") {
        return false;
    }
    let stem = stem.strip_suffix("_bg").unwrap_or(stem);
    stem.rsplit_once('-')
        .is_some_and(|(_, hash)| hash.len() >= 16 && hash.chars().all(|c| c.is_ascii_hexdigit()))
}

/// `Cache-Control` by kind of file, and `Vary: Accept-Encoding`, on every file answer.
async fn cache_headers(request: Request, next: Next) -> Response {
    let hashed = is_hashed_asset(request.uri().path());
    let mut response = next.run(request).await;
    if response.status().is_success() || response.status() == StatusCode::NOT_MODIFIED {
        let value = if hashed { IMMUTABLE } else { REVALIDATE };
        let headers = response.headers_mut();
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(value));
        // The file was chosen by Accept-Encoding (`.br`, `.gz` or plain): caches must know
        // (a rendered page's compression says so itself).
        let said = headers
            .get_all(header::VARY)
            .iter()
            .any(|v| v.to_str().is_ok_and(|v| v.contains("accept-encoding")));
        if !said {
            headers.append(header::VARY, HeaderValue::from_static("accept-encoding"));
        }
    }
    response
}

/// File types worth compressing (everything text-like, and WASM).
const COMPRESSIBLE: [&str; 9] = [
    "html",
    "js",
    "mjs",
    "wasm",
    "css",
    "svg",
    "json",
    "webmanifest",
    "txt",
];

/// What [`precompress_dir`] did.
#[derive(Debug, Default)]
pub struct PrecompressReport {
    pub files: usize,
}

/// Writes `<file>.br` (Brotli, quality 11) and `<file>.gz` (gzip, level 9) beside every
/// compressible file under `dir`.
pub fn precompress_dir(dir: &Path) -> anyhow::Result<PrecompressReport> {
    let mut report = PrecompressReport::default();
    let mut pending: Vec<PathBuf> = vec![dir.to_path_buf()];
    while let Some(current) = pending.pop() {
        let entries = std::fs::read_dir(&current)
            .with_context(|| format!("cannot read {}", current.display()))?;
        for entry in entries {
            let path = entry?.path();
            if path.is_dir() {
                pending.push(path);
                continue;
            }
            let ext = path
                .extension()
                .and_then(|e| e.to_str())
                .unwrap_or_default();
            if !COMPRESSIBLE.contains(&ext) {
                continue;
            }
            let data =
                std::fs::read(&path).with_context(|| format!("cannot read {}", path.display()))?;
            write_sibling(&path, "br", &brotli_bytes(&data)?)?;
            write_sibling(&path, "gz", &gzip_bytes(&data)?)?;
            report.files += 1;
        }
    }
    Ok(report)
}

fn write_sibling(path: &Path, ext: &str, data: &[u8]) -> anyhow::Result<()> {
    let mut name = path.as_os_str().to_owned();
    name.push(".");
    name.push(ext);
    std::fs::write(&name, data)
        .with_context(|| format!("cannot write {}", Path::new(&name).display()))
}

/// Brotli at its strongest setting, as served.
pub fn brotli_bytes(data: &[u8]) -> std::io::Result<Vec<u8>> {
    let mut out = Vec::new();
    {
        let mut writer = brotli::CompressorWriter::new(&mut out, 4096, 11, 22);
        writer.write_all(data)?;
    }
    Ok(out)
}

/// gzip at level 9, as served.
pub fn gzip_bytes(data: &[u8]) -> std::io::Result<Vec<u8>> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    encoder.write_all(data)?;
    encoder.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trunk_hashed_names_are_recognised() {
        assert!(is_hashed_asset("/nafitha-web-1a2b3c4d5e6f7a8b_bg.wasm"));
        assert!(is_hashed_asset("/nafitha-web-1a2b3c4d5e6f7a8b.js"));
        assert!(is_hashed_asset(
            "/index-00112233445566778899aabbccddeeff.css"
        ));
        assert!(!is_hashed_asset("/index.html"));
        assert!(!is_hashed_asset("/manifest.webmanifest"));
        assert!(!is_hashed_asset("/icons/icon-192.png"));
        assert!(!is_hashed_asset("/services/epm-road-damage"));
        assert!(!is_hashed_asset("/nafitha-web-notahexhashatall.js"));
        // Addresses of the apps whose last segment ends like a hash are pages.
        assert!(!is_hashed_asset("/services/road-0123456789abcdef"));
        assert!(!is_hashed_asset("/track/x-0123456789abcdef0123"));
        assert!(!is_hashed_asset("/nafitha-web-1a2b3c4d5e6f7a8b.js.map"));
        assert!(!is_hashed_asset("/nafitha-web-1a2b3c4d5e6f7a8b.html"));
    }

    #[test]
    fn files_are_told_apart_from_routes() {
        assert!(looks_like_a_file("/pkg/missing.js"));
        assert!(!looks_like_a_file("/services/epm-road-damage"));
        assert!(!looks_like_a_file("/"));
    }

    #[test]
    fn precompressed_siblings_decompress_to_the_original() {
        let dir = tempfile::tempdir().unwrap();
        let original = "<!doctype html>".repeat(200);
        std::fs::write(dir.path().join("index.html"), &original).unwrap();
        std::fs::write(dir.path().join("photo.png"), b"\x89PNG").unwrap();
        let report = precompress_dir(dir.path()).unwrap();
        assert_eq!(report.files, 1);
        let br = std::fs::read(dir.path().join("index.html.br")).unwrap();
        let mut decoded = Vec::new();
        brotli::BrotliDecompress(&mut br.as_slice(), &mut decoded).unwrap();
        assert_eq!(decoded, original.as_bytes());
        assert!(br.len() < original.len() / 10);
        let gz = std::fs::read(dir.path().join("index.html.gz")).unwrap();
        let mut decoded = String::new();
        std::io::Read::read_to_string(
            &mut flate2::read::GzDecoder::new(gz.as_slice()),
            &mut decoded,
        )
        .unwrap();
        assert_eq!(decoded, original);
        assert!(
            !dir.path().join("photo.png.br").exists(),
            "images are not recompressed"
        );
    }
}
