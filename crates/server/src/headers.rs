//! The security headers: the Content-Security-Policy of each app, and the headers every
//! response carries (no sniffing, no framing, the referrer, permissions, HSTS over HTTPS).
//!
//! An app's policy allows scripts from the site itself and, by their SHA-256, the inline
//! scripts its `index.html` holds (the app's loader, `src/loader.js`; the service worker's
//! registration): the hashes are computed from the file when the server starts, so a
//! rebuilt app cannot go out of step with its policy. This module decides what the
//! headers say; serving files and caching belong to `assets`.

use std::path::Path;

use axum::http::{header, HeaderName, HeaderValue};
use axum::Router;
use base64::Engine;
use sha2::{Digest, Sha256};
use tower_http::set_header::SetResponseHeaderLayer;

/// What pages may use: the location question asks for the device's position on this
/// origin; no page uses the camera (photos come through a file input), the microphone,
/// payments, or motion sensors.
pub const PERMISSIONS_POLICY: &str = "accelerometer=(), camera=(), geolocation=(self), \
     gyroscope=(), magnetometer=(), microphone=(), payment=(), usb=()";

/// Browsers keep to HTTPS for a year, on this host and every subdomain.
pub const STRICT_TRANSPORT_SECURITY: &str = "max-age=31536000; includeSubDomains";

/// Adds to every response of `router` the headers it does not set itself:
/// `X-Content-Type-Options`, `Referrer-Policy`, `X-Frame-Options`, `Permissions-Policy`,
/// and `Strict-Transport-Security` when the portal is served over HTTPS (`https`).
pub fn add_security_headers(router: Router, https: bool) -> Router {
    let fixed = [
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::REFERRER_POLICY, "same-origin"),
        (header::X_FRAME_OPTIONS, "DENY"),
        (
            HeaderName::from_static("permissions-policy"),
            PERMISSIONS_POLICY,
        ),
    ];
    let https_only =
        https.then_some((header::STRICT_TRANSPORT_SECURITY, STRICT_TRANSPORT_SECURITY));
    fixed
        .into_iter()
        .chain(https_only)
        .fold(router, |router, (name, value)| {
            router.layer(SetResponseHeaderLayer::if_not_present(
                name,
                HeaderValue::from_static(value),
            ))
        })
}

/// The Content-Security-Policy for the app whose page is `index`, read now. An unreadable
/// page (an app not built) gets the policy without hashes, and a warning.
pub fn app_policy(index: &Path) -> HeaderValue {
    let html = std::fs::read_to_string(index).unwrap_or_else(|error| {
        tracing::warn!(%error, page = %index.display(), "cannot read the app's page for its policy");
        String::new()
    });
    HeaderValue::from_str(&content_security_policy(&html))
        .expect("a policy of ASCII directives and base64 hashes is a valid header value")
}

/// The policy for a page whose HTML is `html`: nothing but the site itself, WASM
/// compilation, the page's own inline scripts, and images from photos being chosen
/// (`blob:`, `data:`).
pub fn content_security_policy(html: &str) -> String {
    let hashes: String = inline_scripts(html)
        .iter()
        .map(|script| format!(" 'sha256-{}'", sha256_base64(script)))
        .collect();
    format!(
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'{hashes}; style-src 'self'; \
         img-src 'self' blob: data:; connect-src 'self'; object-src 'none'; base-uri 'none'; \
         frame-ancestors 'none'; form-action 'self'"
    )
}

fn sha256_base64(text: &str) -> String {
    base64::engine::general_purpose::STANDARD.encode(Sha256::digest(text.as_bytes()))
}

/// The text of each inline `<script>` (one without `src`) in `html`, as the browser hashes
/// it: raw, after the parser has turned every CR LF and lone CR into LF. Enough for the
/// pages Trunk writes (no `<script` inside comments or attribute values).
fn inline_scripts(html: &str) -> Vec<String> {
    let html = html.replace("\r\n", "\n").replace('\r', "\n");
    // ASCII lowercasing keeps every byte offset, so positions found in `lower` hold in `html`.
    let lower = html.to_ascii_lowercase();
    let mut scripts = Vec::new();
    let mut from = 0;
    while let Some(found) = lower[from..].find("<script") {
        let attributes_start = from + found + "<script".len();
        let Some(tag_len) = lower[attributes_start..].find('>') else {
            break;
        };
        let body_start = attributes_start + tag_len + 1;
        let Some(body_len) = lower[body_start..].find("</script") else {
            break;
        };
        let attributes = &lower[attributes_start..attributes_start + tag_len];
        let has_src = attributes
            .split(|c: char| c.is_ascii_whitespace() || c == '/')
            .any(|attribute| attribute == "src" || attribute.starts_with("src="));
        if !has_src {
            scripts.push(html[body_start..body_start + body_len].to_owned());
        }
        from = body_start + body_len;
    }
    scripts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_scripts_are_found_with_their_exact_text_and_scripts_with_src_are_not() {
        let html = "<html><head><SCRIPT>one()</SCRIPT><script src=/app.js></script>\
                    <script type=module>\r\nimport init from '/a.js';\r\n</script></head></html>";
        assert_eq!(
            inline_scripts(html),
            ["one()", "\nimport init from '/a.js';\n"]
        );
    }

    #[test]
    fn the_policy_allows_each_inline_script_by_the_hash_browsers_compute() {
        // The hash the CSP specification gives for `alert('Hello, world.');`.
        let policy = content_security_policy("<script>alert('Hello, world.');</script>");
        assert!(
            policy.contains(
                "script-src 'self' 'wasm-unsafe-eval' 'sha256-qznLcsROx4GACP2dm0UCKCzCG+HiZ1guq6ZZDob/Tng=';"
            ),
            "{policy}"
        );
    }

    #[test]
    fn a_page_without_inline_scripts_gets_the_policy_without_hashes() {
        let policy = content_security_policy("<script src=/app.js></script>");
        assert!(!policy.contains("sha256"), "{policy}");
        for directive in [
            "default-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            "frame-ancestors 'none'",
            "form-action 'self'",
            "style-src 'self';",
        ] {
            assert!(policy.contains(directive), "{directive} in {policy}");
        }
    }
}
