//! Sessions and who is calling: session tokens (random, sent once in an HttpOnly cookie,
//! stored only as their SHA-256), sign-in code hashing (keyed), staff passwords
//! ([`password`]), the citizen and staff session extractors, and the client's address
//! behind trusted proxies. Routes decide what a caller may do; this module only says who
//! the caller is.

pub mod password;

use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue};
use nafitha_domain::backoffice::{works_requests, Role, StaffScope};
use nafitha_domain::Localized;
use sha2::{Digest, Sha256};

use crate::error::ApiError;
use crate::secret::{hex, Secret};
use crate::startup::AppState;
use crate::store::staff::StaffAccount;

/// Whose session a cookie holds: citizens and staff have separate cookies, so one browser
/// can hold both.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SessionCookie {
    Citizen,
    Staff,
    /// Not a session: marks a browser a staff member signed in from (`limits`).
    StaffDevice,
}

impl SessionCookie {
    /// The cookie's name, decided here alone. Over HTTPS (`secure`) it carries the `__Host-`
    /// prefix: browsers then keep it only when it is `Secure`, has `Path=/` and no `Domain`,
    /// so no other host (a sibling subdomain) can set or shadow it.
    pub fn name(self, secure: bool) -> String {
        let name = match self {
            SessionCookie::Citizen => "nafitha_session",
            SessionCookie::Staff => "nafitha_staff",
            SessionCookie::StaffDevice => "nafitha_staff_device",
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
/// How long a staff session lasts (a working day).
pub const STAFF_SESSION_MS: i64 = 12 * 3_600_000;

/// A new session token: 256 random bits, hex.
pub fn new_token() -> String {
    let bytes: [u8; 32] = rand::random();
    hex(&bytes)
}

/// What is stored for a session token.
pub fn hash_token(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

/// A random sign-in code of the domain's length.
pub fn new_code() -> String {
    use nafitha_domain::account::CODE_LENGTH;
    let bound = 10u32.pow(CODE_LENGTH as u32);
    format!(
        "{:0width$}",
        rand::random_range(0..bound),
        width = CODE_LENGTH
    )
}

/// What is stored for a sign-in code: its keyed hash with the phone number. Without the
/// server's secret, a copy of the database cannot be searched for the code (a salted
/// hash of a 6-digit code can be, in a million tries).
pub fn hash_code(secret: &Secret, phone: &str, code: &str) -> String {
    secret.keyed_hash("sign-in code", &[phone, code])
}

/// True when `code` is the one `stored` was made from.
pub fn code_matches(secret: &Secret, stored: &str, phone: &str, code: &str) -> bool {
    crate::secret::same(&hash_code(secret, phone, code), stored)
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

/// A new API key for a channel partner: the key (shown once), what is stored of it (its
/// SHA-256, as for session tokens: 160 random bits cannot be searched for) and its first
/// characters, to tell keys apart in lists.
pub fn new_api_key() -> (String, String, String) {
    let bytes: [u8; 20] = rand::random();
    let key = format!("{}{}", nafitha_domain::partner::KEY_PREFIX, hex(&bytes));
    let prefix = key.chars().take(12).collect();
    let hash = hash_token(&key);
    (key, hash, prefix)
}

/// The channel partner whose key the request carries (`Authorization: Bearer <key>`), if
/// it carries one: `None` without the header, 401 for a malformed, unknown or revoked key
/// (read on every call, so a revoked key is refused at once on every instance). A key
/// refused counts against the client's sign-in attempts, so guessing keys costs what
/// guessing passwords does (429 past the limit); a partner's good key is never counted.
pub async fn partner_key(
    state: &AppState,
    headers: &HeaderMap,
    client: IpAddr,
) -> Result<Option<crate::store::partners::PartnerKey>, ApiError> {
    if !headers.contains_key(header::AUTHORIZATION) {
        return Ok(None);
    }
    let key = bearer_key(headers).unwrap_or_default();
    live_partner_key(state, key, client).await.map(Some)
}

/// The key of an `Authorization: Bearer <key>` header, if there is one.
pub fn bearer_key(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
        .map(str::trim)
}

/// The live key `key` is. Anything else (malformed, unknown, revoked) counts as a failed
/// sign-in of `client` and gets [`ApiError::InvalidKey`].
pub async fn live_partner_key(
    state: &AppState,
    key: &str,
    client: IpAddr,
) -> Result<crate::store::partners::PartnerKey, ApiError> {
    let found = if nafitha_domain::partner::is_key_shaped(key) {
        state
            .store
            .partner_key(&hash_token(key), state.now_ms())
            .await?
    } else {
        None
    };
    match found {
        Some(key) => Ok(key),
        None => {
            state
                .check_limit(crate::limits::Limit::SignIn, client)
                .await?;
            Err(ApiError::InvalidKey)
        }
    }
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

/// A signed-in, enabled staff member. 401 without a live staff session (a citizen's
/// session is not one).
#[derive(Clone, Debug)]
pub struct StaffSession(pub StaffAccount);

impl StaffSession {
    /// The role, read as the least privileged one if the stored value is unknown.
    pub fn role(&self) -> Role {
        Role::from_code(&self.0.role).unwrap_or(Role::Agent)
    }

    /// What this staff member sees: the department for agents who have one, else the agency.
    pub fn scope(&self) -> StaffScope {
        StaffScope::new(self.role(), &self.0.agency, self.0.department.as_deref())
    }

    fn require(&self, role_ok: bool) -> Result<(), ApiError> {
        if role_ok {
            Ok(())
        } else {
            Err(ApiError::Forbidden {
                code: "not_your_role",
                message: Localized::new("لا تسمح صلاحيتك بهذا", "Your role does not allow this"),
            })
        }
    }

    /// 403 unless a supervisor or an admin.
    pub fn require_supervisor(&self) -> Result<(), ApiError> {
        self.require(self.role().supervises())
    }

    /// 403 unless an admin.
    pub fn require_admin(&self) -> Result<(), ApiError> {
        self.require(self.role() == Role::Admin)
    }
}

impl FromRequestParts<AppState> for StaffSession {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let token_hash = SessionCookie::Staff
            .token(&parts.headers, state.secure_cookies)
            .map(hash_token)
            .ok_or(ApiError::Unauthorized)?;
        let username = state
            .store
            .session_subject("staff", &token_hash, state.now_ms())
            .await?
            .ok_or(ApiError::Unauthorized)?;
        let account = state
            .store
            .staff_account(&username)
            .await?
            .filter(|a| !a.disabled)
            .ok_or(ApiError::Unauthorized)?;
        Ok(StaffSession(account))
    }
}

/// A staff member who works the agency's requests (`backoffice::works_requests`): 403 for
/// intake staff, who file and look up but never see the queue or a request's internals,
/// and for the operator's staff, whose agency owns no request.
#[derive(Clone, Debug)]
pub struct CaseWorker(pub StaffSession);

/// A contact-centre or reception staff member (the intake role): 403 for any other role.
#[derive(Clone, Debug)]
pub struct Intake(pub StaffSession);

impl FromRequestParts<AppState> for CaseWorker {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let session = StaffSession::from_request_parts(parts, state).await?;
        session.require(works_requests(session.role(), &session.0.agency))?;
        Ok(CaseWorker(session))
    }
}

impl FromRequestParts<AppState> for Intake {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let session = StaffSession::from_request_parts(parts, state).await?;
        session.require(session.role() == Role::Intake)?;
        Ok(Intake(session))
    }
}

/// The calling client's address: with a trusted proxy header configured, the entry the
/// outermost of `trusted_proxies` proxies added (counted from the right: entries further
/// left were written by the client and prove nothing); else the connection's peer.
#[derive(Clone, Copy, Debug)]
pub struct ClientIp(pub IpAddr);

impl FromRequestParts<AppState> for ClientIp {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let from_header = state
            .client_ip_header
            .as_deref()
            .and_then(|name| forwarded_client(&parts.headers, name, state.trusted_proxies));
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip());
        Ok(ClientIp(
            from_header.or(peer).unwrap_or(IpAddr::from([0, 0, 0, 0])),
        ))
    }
}

/// The client address in header `name` (every line of it, comma-separated entries, as
/// `X-Forwarded-For` is), behind `trusted_proxies` proxies: the entry that many places
/// from the right. `None` when the header is missing or holds fewer entries (the request
/// did not come through the proxies) or the entry is not an address.
pub fn forwarded_client(headers: &HeaderMap, name: &str, trusted_proxies: usize) -> Option<IpAddr> {
    let entries: Vec<&str> = headers
        .get_all(name)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .collect();
    let index = entries.len().checked_sub(trusted_proxies.max(1))?;
    address_of(entries[index])
}

/// The address in one entry a proxy wrote: `203.0.113.7`, `2001:db8::1`, with a port
/// (`203.0.113.7:5678`, `[2001:db8::1]:5678`), or in the `Forwarded` header's form
/// (`for="[2001:db8::1]:5678";proto=https`).
fn address_of(entry: &str) -> Option<IpAddr> {
    let entry = entry
        .split(';')
        .find_map(|pair| pair.trim().strip_prefix("for="))
        .unwrap_or(entry)
        .trim_matches('"');
    entry
        .parse()
        .ok()
        .or_else(|| entry.parse::<SocketAddr>().ok().map(|a| a.ip()))
        .or_else(|| {
            entry
                .trim_start_matches('[')
                .trim_end_matches(']')
                .parse()
                .ok()
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_code_matches_only_itself_for_its_phone_and_under_its_secret() {
        let secret = Secret::from_text(&"s".repeat(32)).unwrap();
        let other = Secret::from_text(&"t".repeat(32)).unwrap();
        let stored = hash_code(&secret, "+966512345678", "012345");
        assert!(code_matches(&secret, &stored, "+966512345678", "012345"));
        assert!(!code_matches(&secret, &stored, "+966512345678", "012346"));
        assert!(!code_matches(&secret, &stored, "+966512345679", "012345"));
        assert!(!code_matches(&other, &stored, "+966512345678", "012345"));
        assert!(!code_matches(&secret, "garbage", "+966512345678", "012345"));
        assert!(!stored.contains("012345"));
    }

    fn forwarded(values: &[&str]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for value in values {
            headers.append("x-forwarded-for", HeaderValue::from_str(value).unwrap());
        }
        headers
    }

    #[test]
    fn the_client_is_the_entry_the_trusted_proxies_added_not_what_the_client_wrote() {
        // The client claims 1.1.1.1; our one proxy appended the address it saw.
        let headers = forwarded(&["1.1.1.1, 203.0.113.7"]);
        let one = forwarded_client(&headers, "x-forwarded-for", 1);
        assert_eq!(one, Some("203.0.113.7".parse().unwrap()));
        // Two proxies: the CDN appended the client, our balancer appended the CDN.
        let headers = forwarded(&["1.1.1.1, 203.0.113.7", "198.51.100.2"]);
        let two = forwarded_client(&headers, "x-forwarded-for", 2);
        assert_eq!(two, Some("203.0.113.7".parse().unwrap()));
        // Fewer entries than proxies: not from behind them.
        assert_eq!(
            forwarded_client(&forwarded(&["203.0.113.7"]), "x-forwarded-for", 2),
            None
        );
        assert_eq!(
            forwarded_client(&forwarded(&["junk"]), "x-forwarded-for", 1),
            None
        );
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
    fn codes_are_six_digits_and_tokens_are_long() {
        for _ in 0..100 {
            let code = new_code();
            assert!(code.len() == 6 && code.bytes().all(|b| b.is_ascii_digit()));
        }
        assert_eq!(new_token().len(), 64);
        assert_ne!(new_token(), new_token());
    }
}
