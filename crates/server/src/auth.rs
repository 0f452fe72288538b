//! Sessions and who is calling: session tokens (random, sent once in an HttpOnly cookie,
//! stored only as their SHA-256), sign-in code hashing, the citizen session extractor,
//! the client's address, and per-client rate limits.

use std::net::{IpAddr, SocketAddr};
use std::num::NonZeroU32;
use std::sync::Arc;

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue};
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use nafitha_domain::Localized;
use sha2::{Digest, Sha256};

use crate::error::ApiError;
use crate::startup::AppState;

/// Whose session a cookie holds: citizens and staff have separate cookies, so one browser
/// can hold both.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SessionCookie {
    Citizen,
    Staff,
}

impl SessionCookie {
    /// The cookie's name, decided here alone. Over HTTPS (`secure`) it carries the `__Host-`
    /// prefix: browsers then keep it only when it is `Secure`, has `Path=/` and no `Domain`,
    /// so no other host (a sibling subdomain) can set or shadow it.
    pub fn name(self, secure: bool) -> String {
        let name = match self {
            SessionCookie::Citizen => "nafitha_session",
            SessionCookie::Staff => "nafitha_staff",
        };
        if secure {
            format!("__Host-{name}")
        } else {
            name.to_owned()
        }
    }

    /// The session token the request carries in this cookie, if any.
    pub fn token(self, headers: &HeaderMap, secure: bool) -> Option<&str> {
        cookie(headers, &self.name(secure))
    }

    /// The `Set-Cookie` value that starts a session: HttpOnly, SameSite=Lax, `Path=/`, no
    /// `Domain`, and `Secure` unless the portal runs on plain HTTP (development).
    pub fn set(self, token: &str, max_age_ms: i64, secure: bool) -> HeaderValue {
        let name = self.name(secure);
        let secure = if secure { "; Secure" } else { "" };
        let value = format!(
            "{name}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={}{secure}",
            max_age_ms / 1000
        );
        HeaderValue::from_str(&value).unwrap_or_else(|_| HeaderValue::from_static(""))
    }

    /// The `Set-Cookie` value that removes the cookie.
    pub fn clear(self, secure: bool) -> HeaderValue {
        self.set("", 0, secure)
    }
}
/// How long a citizen session lasts.
pub const CITIZEN_SESSION_MS: i64 = 24 * 3_600_000;

/// A new session token: 256 random bits, hex.
pub fn new_token() -> String {
    let bytes: [u8; 32] = rand::random();
    hex(&bytes)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// What is stored for a session token.
pub fn hash_token(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

/// A random five-digit sign-in code.
pub fn new_code() -> String {
    format!("{:05}", rand::random_range(0..100_000u32))
}

/// What is stored for a sign-in code: a random salt and the hash of salt, phone and code.
pub fn hash_code(phone: &str, code: &str) -> String {
    let salt = hex(&rand::random::<[u8; 16]>());
    format!("{salt}${}", salted(&salt, phone, code))
}

fn salted(salt: &str, phone: &str, code: &str) -> String {
    hex(&Sha256::digest(format!("{salt}|{phone}|{code}").as_bytes()))
}

/// True when `code` is the one `stored` was made from.
pub fn code_matches(stored: &str, phone: &str, code: &str) -> bool {
    let Some((salt, hash)) = stored.split_once('$') else {
        return false;
    };
    let expected = salted(salt, phone, code);
    // Compare every byte, so the time taken says nothing about where they differ.
    expected.len() == hash.len()
        && expected
            .bytes()
            .zip(hash.bytes())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0
}

/// The value of cookie `name` in the request, if any.
fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value)
        .filter(|value| !value.is_empty())
}

/// Ends the session the `which` cookie holds (on the server) and tells the browser to
/// forget the cookie: what both sign-outs answer.
pub async fn end_session(
    state: &AppState,
    headers: &HeaderMap,
    which: SessionCookie,
) -> Result<axum::response::Response, ApiError> {
    use axum::response::IntoResponse;
    if let Some(token) = which.token(headers, state.secure_cookies) {
        state.store.end_session(&hash_token(token)).await?;
    }
    let mut response = axum::http::StatusCode::NO_CONTENT.into_response();
    response
        .headers_mut()
        .insert(header::SET_COOKIE, which.clear(state.secure_cookies));
    Ok(response)
}

/// A signed-in citizen. Rejects with 401 when there is no live citizen session.
#[derive(Clone, Debug)]
pub struct CitizenSession {
    /// E.164.
    pub phone: String,
    pub token_hash: String,
}

impl FromRequestParts<AppState> for CitizenSession {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let token_hash = SessionCookie::Citizen
            .token(&parts.headers, state.secure_cookies)
            .map(hash_token)
            .ok_or(ApiError::Unauthorized)?;
        let phone = state
            .store
            .session_subject("citizen", &token_hash, state.now_ms())
            .await?
            .ok_or(ApiError::Unauthorized)?;
        Ok(CitizenSession { phone, token_hash })
    }
}

/// The calling client's address: the trusted proxy's header when configured, else the
/// connection's peer.
#[derive(Clone, Copy, Debug)]
pub struct ClientIp(pub IpAddr);

impl FromRequestParts<AppState> for ClientIp {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let from_header = state.client_ip_header.as_deref().and_then(|name| {
            parts
                .headers
                .get(name)?
                .to_str()
                .ok()?
                .split(',')
                .next()?
                .trim()
                .parse()
                .ok()
        });
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip());
        Ok(ClientIp(
            from_header.or(peer).unwrap_or(IpAddr::from([0, 0, 0, 0])),
        ))
    }
}

/// Per-client limits, kept in memory by each instance.
#[derive(Debug)]
pub struct RateLimits {
    track: DefaultKeyedRateLimiter<IpAddr>,
    sign_in: DefaultKeyedRateLimiter<IpAddr>,
}

/// Which limit to apply.
#[derive(Clone, Copy, Debug)]
pub enum Limit {
    /// Public tracking lookups.
    Track,
    /// Sign-in attempts (codes asked for, codes typed, staff passwords).
    SignIn,
}

impl RateLimits {
    pub fn new(track_per_minute: u32) -> Arc<RateLimits> {
        let track = NonZeroU32::new(track_per_minute).unwrap_or(NonZeroU32::MIN);
        let sign_in = NonZeroU32::new(20).unwrap_or(NonZeroU32::MIN);
        Arc::new(RateLimits {
            track: RateLimiter::keyed(Quota::per_minute(track)),
            sign_in: RateLimiter::keyed(Quota::per_minute(sign_in)),
        })
    }

    /// Counts one attempt by `client`; refuses with 429 and the wait when over the limit.
    pub fn check(&self, limit: Limit, client: IpAddr) -> Result<(), ApiError> {
        let limiter = match limit {
            Limit::Track => &self.track,
            Limit::SignIn => &self.sign_in,
        };
        limiter.check_key(&client).map_err(|not_until| {
            let wait = not_until.wait_time_from(DefaultClock::default().now());
            too_many(wait.as_secs() + 1)
        })
    }

    /// Forgets clients that are back under their limits (called now and then).
    pub fn forget_idle(&self) {
        self.track.retain_recent();
        self.sign_in.retain_recent();
    }
}

/// The 429 error with its wait.
pub fn too_many(retry_after_s: u64) -> ApiError {
    ApiError::TooManyRequests {
        retry_after_s,
        message: Localized::new(
            format!("محاولات كثيرة. حاول مرة أخرى بعد {retry_after_s} ثانية"),
            format!("Too many attempts. Try again in {retry_after_s} seconds"),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_code_matches_only_itself_and_only_for_its_phone() {
        let stored = hash_code("+966512345678", "01234");
        assert!(code_matches(&stored, "+966512345678", "01234"));
        assert!(!code_matches(&stored, "+966512345678", "01235"));
        assert!(!code_matches(&stored, "+966512345679", "01234"));
        assert!(!code_matches("garbage", "+966512345678", "01234"));
        assert_ne!(hash_code("+966512345678", "01234"), stored, "salted");
    }

    #[test]
    fn session_tokens_are_read_by_exact_name() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::COOKIE,
            HeaderValue::from_static(
                "nafitha_session_old=x; nafitha_session=plain; __Host-nafitha_session=abc",
            ),
        );
        assert_eq!(SessionCookie::Citizen.token(&headers, true), Some("abc"));
        assert_eq!(SessionCookie::Citizen.token(&headers, false), Some("plain"));
        assert_eq!(SessionCookie::Staff.token(&headers, true), None);
    }

    #[test]
    fn over_https_session_cookies_are_host_only_secure_and_http_only() {
        let secure = SessionCookie::Citizen.set("t", 60_000, true);
        let secure = secure.to_str().unwrap();
        assert!(
            secure.starts_with("__Host-nafitha_session=t; Path=/;"),
            "{secure}"
        );
        assert!(secure.contains("HttpOnly") && secure.contains("SameSite=Lax"));
        assert!(secure.ends_with("; Secure") && secure.contains("Max-Age=60"));
        assert!(!secure.contains("Domain"), "{secure}");
    }

    #[test]
    fn over_plain_http_session_cookies_have_plain_names_and_no_secure_flag() {
        let plain = SessionCookie::Staff.set("t", 60_000, false);
        let plain = plain.to_str().unwrap();
        assert!(plain.starts_with("nafitha_staff=t;"), "{plain}");
        assert!(!plain.contains("Secure"), "{plain}");
    }

    #[test]
    fn codes_are_five_digits_and_tokens_are_long() {
        for _ in 0..100 {
            let code = new_code();
            assert!(code.len() == 5 && code.bytes().all(|b| b.is_ascii_digit()));
        }
        assert_eq!(new_token().len(), 64);
        assert_ne!(new_token(), new_token());
    }
}
