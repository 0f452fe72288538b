//! Drafts: what is typed into a filing. The citizens' are saved on the device as they
//! type and restored when they come back (per service), and queued while offline; the
//! back office keeps its in the page only (a desk serves many citizens).
//!
//! Each draft carries one idempotency key for its whole life, so however many times it is
//! sent (a retry, the offline queue, a double tap) the server files it once.

use nafitha_domain::filing::Applicant;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

#[cfg(not(feature = "backoffice"))]
const PREFIX: &str = "nafitha.draft.";

/// A filing in progress.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Draft {
    pub idempotency_key: String,
    #[serde(default)]
    pub answers: Map<String, Value>,
    #[serde(default)]
    pub applicant: Applicant,
    /// True once the citizen pressed "Send" and the request has not been accepted yet:
    /// the draft is in the offline queue.
    #[serde(default)]
    pub pending: bool,
    /// The request exactly as it was sent (JSON), while it waits in the queue: any page
    /// of the app can send it again (crate::queue) without the service's form.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sending: Option<String>,
    /// Names and sizes of the files uploaded for this draft, by upload id, for display.
    #[serde(default)]
    pub files: std::collections::BTreeMap<String, UploadedFile>,
    /// The appointment time chosen, for a service that books one while filing.
    #[serde(default)]
    pub appointment: nafitha_domain::appointment::TimeChoice,
}

#[cfg(not(feature = "backoffice"))]
impl Draft {
    /// Takes the draft out of the queue (the server refused it: the applicant corrects it).
    pub fn unqueue(&mut self) {
        self.pending = false;
        self.sending = None;
    }
}

/// A file uploaded for a draft, as the applicant knows it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct UploadedFile {
    pub name: String,
    pub size: u64,
}

/// The device's storage; none when the server renders a page (decision 0018).
#[cfg(all(target_family = "wasm", not(feature = "backoffice")))]
fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

#[cfg(not(target_family = "wasm"))]
fn storage() -> Option<web_sys::Storage> {
    None
}

/// A fresh random key (a UUID from the browser's cryptographic generator).
#[cfg(target_family = "wasm")]
pub fn new_key() -> String {
    web_sys::window()
        .and_then(|w| w.crypto().ok())
        .map(|c| c.random_uuid())
        .unwrap_or_else(|| format!("k{}", js_sys::Date::now() as u64))
}

/// On the server no key: a page rendered there sends nothing, and the browser's start
/// builds the form anew with the device's draft and key.
#[cfg(not(target_family = "wasm"))]
pub fn new_key() -> String {
    String::new()
}

#[cfg(not(feature = "backoffice"))]
/// The saved draft for `service`, or a new one.
pub fn load(service: &str) -> Draft {
    storage()
        .and_then(|s| s.get_item(&format!("{PREFIX}{service}")).ok().flatten())
        .and_then(|json| serde_json::from_str(&json).ok())
        .filter(|d: &Draft| !d.idempotency_key.is_empty())
        .unwrap_or_else(|| Draft {
            idempotency_key: new_key(),
            ..Draft::default()
        })
}

#[cfg(not(feature = "backoffice"))]
/// Saves the draft for `service` (silently does nothing when storage is unavailable, as
/// in some private browsing modes: the form still works, it just is not remembered).
pub fn save(service: &str, draft: &Draft) {
    if let (Some(storage), Ok(json)) = (storage(), serde_json::to_string(draft)) {
        let _ = storage.set_item(&format!("{PREFIX}{service}"), &json);
    }
}

#[cfg(not(feature = "backoffice"))]
/// The drafts waiting in the queue, each with the service it files for, oldest key first.
pub fn waiting() -> Vec<(String, Draft)> {
    let Some(storage) = storage() else {
        return Vec::new();
    };
    let mut keys: Vec<String> = (0..storage.length().unwrap_or(0))
        .filter_map(|i| storage.key(i).ok().flatten())
        .filter_map(|key| key.strip_prefix(PREFIX).map(str::to_owned))
        .collect();
    keys.sort();
    keys.into_iter()
        .filter_map(|service| {
            let json = storage
                .get_item(&format!("{PREFIX}{service}"))
                .ok()
                .flatten()?;
            let draft: Draft = serde_json::from_str(&json).ok()?;
            (draft.pending && draft.sending.is_some()).then_some((service, draft))
        })
        .collect()
}

#[cfg(not(feature = "backoffice"))]
/// Forgets the draft for `service` (after the request was accepted).
pub fn clear(service: &str) {
    if let Some(storage) = storage() {
        let _ = storage.remove_item(&format!("{PREFIX}{service}"));
    }
}
