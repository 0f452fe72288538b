//! The API client: one `verb_noun` function per endpoint, each returning
//! `Result<T, ApiError>`, and `Loaded<T>` for what a page shows while it loads. Every
//! request tells the server the user's language; error messages come back in both
//! languages, so an error shown stays right when the user switches language. The
//! citizens' endpoints are in `api/citizen.rs`, the back office's in `staff/api.rs`.
//!
//! A citizens' or records page's first answers may already be in the page
//! ([`preload::Preloaded`], decision 0018): `load` then shows them at once and fetches nothing.
//!
//! Size matters here (docs/decisions/0002): every call goes through one non-generic
//! `fetch` and is decoded afterwards, so the WASM carries one copy of the HTTP future;
//! pages load through `load` (a signal and an effect) rather than `LocalResource`, whose
//! async machinery was copied for every type loaded.

use gloo_net::http::{Request, RequestBuilder};
use leptos::prelude::*;
use nafitha_domain::answers::InvalidAnswer;
use nafitha_domain::{ErrorBody, Locale, Localized};
use serde::de::DeserializeOwned;

use crate::i18n::texts;
use crate::state::use_locale;

#[cfg(not(feature = "backoffice"))]
mod citizen;
#[cfg(not(feature = "backoffice"))]
pub use citizen::*;
#[cfg(not(feature = "backoffice"))]
mod preload;
#[cfg(not(feature = "backoffice"))]
pub use preload::{Preload, Preloaded};
#[cfg(records_app)]
mod records;
#[cfg(records_app)]
pub use records::*;

/// Why a call failed, in terms the screen can act on.
#[derive(Clone, Debug, PartialEq)]
pub enum ApiError {
    /// No answer at all: offline, or the server is unreachable.
    Network,
    /// The server answered 404.
    NotFound,
    /// The server answered with an error body.
    Server { status: u16, body: ErrorBody },
    /// The server answered something this app cannot read.
    Unreadable,
}

impl ApiError {
    /// What to tell the user, in `locale`.
    pub fn message(&self, locale: Locale) -> String {
        let t = texts(locale);
        match self {
            ApiError::Network => t.offline.to_owned(),
            ApiError::Server { body, .. } => match &body.localized {
                Some(both) => both.get(locale).to_owned(),
                None if !body.message.is_empty() => body.message.clone(),
                None => t.load_failed.to_owned(),
            },
            _ => t.load_failed.to_owned(),
        }
    }

    /// The problems to show: each field the server named, or else the message on
    /// `fallback` (the field the user should look at). Each keeps both languages.
    pub fn problems(&self, fallback: &str) -> Vec<InvalidAnswer> {
        match self {
            ApiError::Server { body, .. } if !body.fields.is_empty() => {
                body.fields
                    .iter()
                    .map(|f| InvalidAnswer {
                        field: f.field.clone(),
                        message: f.localized.clone().unwrap_or_else(|| {
                            Localized::new(f.message.clone(), f.message.clone())
                        }),
                    })
                    .collect()
            }
            other => vec![InvalidAnswer {
                field: fallback.to_owned(),
                message: Localized::new(other.message(Locale::Ar), other.message(Locale::En)),
            }],
        }
    }

    /// True when the server named the fields at fault.
    #[cfg(forms)]
    pub fn has_fields(&self) -> bool {
        matches!(self, ApiError::Server { body, .. } if !body.fields.is_empty())
    }

    /// True when the server wants a sign-in first.
    pub fn needs_sign_in(&self) -> bool {
        matches!(self, ApiError::Server { status: 401, .. })
    }
}

/// Sends one request (with a JSON body when given) and returns the body of a successful
/// answer as text. Deliberately not generic.
pub(crate) async fn fetch(
    request: RequestBuilder,
    json: Option<String>,
    locale: Locale,
) -> Result<String, ApiError> {
    let request = request.header("Accept-Language", locale.tag());
    let request = match json {
        Some(json) => request
            .header("Content-Type", "application/json")
            .body(json),
        None => request.build(),
    }
    .map_err(|_| ApiError::Unreadable)?;
    let response = request.send().await.map_err(|_| ApiError::Network)?;
    let text = response.text().await.map_err(|_| ApiError::Network)?;
    answer_of(response.status(), text)
}

/// What an answer with `status` and body `text` means to a page: the text of a success, or
/// why not. Fetched or already in the page ([`preload::Preloaded`]), every answer is read by this.
fn answer_of(status: u16, text: String) -> Result<String, ApiError> {
    if (200..300).contains(&status) {
        return Ok(text);
    }
    if status == 404 {
        return Err(ApiError::NotFound);
    }
    match serde_json::from_str::<ErrorBody>(&text) {
        Ok(body) => Err(ApiError::Server { status, body }),
        Err(_) => Err(ApiError::Unreadable),
    }
}

pub(crate) fn decode<T: DeserializeOwned>(answer: Result<String, ApiError>) -> Result<T, ApiError> {
    answer.and_then(|text| serde_json::from_str(&text).map_err(|_| ApiError::Unreadable))
}

pub(crate) fn to_json(body: &impl serde::Serialize) -> Result<String, ApiError> {
    serde_json::to_string(body).map_err(|_| ApiError::Unreadable)
}

/// What a page loads: `None` while loading (or while there is nothing to load), then the
/// answer. Loads again when a signal read by its path changes, or on `refetch`.
pub struct Loaded<T: Send + Sync + 'static> {
    value: RwSignal<Option<Result<T, ApiError>>>,
    tick: RwSignal<u32>,
}

impl<T: Send + Sync + 'static> Clone for Loaded<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T: Send + Sync + 'static> Copy for Loaded<T> {}

impl<T: Clone + Send + Sync + 'static> Loaded<T> {
    /// The answer so far (tracked).
    pub fn get(&self) -> Option<Result<T, ApiError>> {
        self.value.get()
    }

    /// Reads the answer so far without cloning it (tracked).
    pub fn with<R>(&self, f: impl FnOnce(&Option<Result<T, ApiError>>) -> R) -> R {
        self.value.with(f)
    }

    /// The answer so far, without tracking.
    #[cfg(forms)]
    pub fn get_untracked(&self) -> Option<Result<T, ApiError>> {
        self.value.get_untracked()
    }

    /// Loads again (after an error, say).
    pub fn refetch(&self) {
        self.tick.update(|n| *n = n.wrapping_add(1));
    }

    /// Replaces the answer with a newer one the page already has (an action's result).
    #[cfg(not(feature = "backoffice"))]
    pub fn set(&self, value: Result<T, ApiError>) {
        self.value.set(Some(value));
    }
}

/// Loads `GET path()` whenever `path()` changes (showing `None` meanwhile), and again on
/// `refetch` (showing the previous answer meanwhile); `None` means nothing to load. An
/// answer that arrives after a newer load started is dropped.
///
/// Only the decoding is per type: the effect and the request's future are [`load_text`]'s,
/// compiled once rather than once per caller (the citizens' raw WASM went from 810.7 to
/// 803.5 KB; bench/RESULTS.md).
pub fn load<T: DeserializeOwned + Clone + Send + Sync + 'static>(
    path: impl Fn() -> Option<String> + 'static,
) -> Loaded<T> {
    let value = RwSignal::new(None);
    let tick = RwSignal::new(0u32);
    load_text(
        Box::new(path),
        tick,
        std::rc::Rc::new(value),
        #[cfg(not(feature = "backoffice"))]
        None,
    );
    Loaded { value, tick }
}

/// As [`load`], and each answer is also kept on the device ([`kept`]): offline, the last
/// one kept is shown, and the second signal says when it arrived (ms since the epoch;
/// `None` while the answer shown is fresh).
#[cfg(not(feature = "backoffice"))]
pub fn load_kept<T: DeserializeOwned + Clone + Send + Sync + 'static>(
    path: impl Fn() -> Option<String> + 'static,
) -> (Loaded<T>, ReadSignal<Option<u64>>) {
    let value = RwSignal::new(None);
    let tick = RwSignal::new(0u32);
    let since = RwSignal::new(None);
    load_text(Box::new(path), tick, std::rc::Rc::new(value), Some(since));
    (Loaded { value, tick }, since.read_only())
}

/// The last answers of a few addresses (the requests tracked on this device), each with
/// when it arrived, so that a page opened offline still shows what it last knew. Only
/// public answers are kept (anyone holding the reference sees them), at most [`MAX`], the
/// oldest dropped first; storage that is full or unavailable just keeps nothing.
#[cfg(not(feature = "backoffice"))]
pub mod kept {
    const KEY: &str = "nafitha.kept";
    /// How many answers are kept.
    pub const MAX: usize = 10;

    /// Address, when (ms since the epoch), answer.
    type Entry = (String, u64, String);

    fn storage() -> Option<web_sys::Storage> {
        web_sys::window()?.local_storage().ok().flatten()
    }

    fn all(storage: &web_sys::Storage) -> Vec<Entry> {
        storage
            .get_item(KEY)
            .ok()
            .flatten()
            .and_then(|json| serde_json::from_str(&json).ok())
            .unwrap_or_default()
    }

    /// Keeps `answer` as the latest for `path`.
    pub fn put(path: &str, answer: &str) {
        let Some(storage) = storage() else {
            return;
        };
        let mut entries = all(&storage);
        entries.retain(|(kept, ..)| kept != path);
        entries.insert(
            0,
            (
                path.to_owned(),
                js_sys::Date::now() as u64,
                answer.to_owned(),
            ),
        );
        entries.truncate(MAX);
        if let Ok(json) = serde_json::to_string(&entries) {
            let _ = storage.set_item(KEY, &json);
        }
    }

    /// The answer kept for `path`, and when it arrived.
    pub fn get(path: &str) -> Option<(u64, String)> {
        all(&storage()?)
            .into_iter()
            .find(|(kept, ..)| kept == path)
            .map(|(_, at, answer)| (at, answer))
    }
}

/// What [`load_text`] does with the signal that holds a page's answer, whatever its type.
trait Answer {
    fn failed(&self) -> bool;
    fn clear(&self);
    fn arrived(&self, text: Result<String, ApiError>);
}

impl<T: DeserializeOwned + Send + Sync + 'static> Answer for RwSignal<Option<Result<T, ApiError>>> {
    fn failed(&self) -> bool {
        self.with_untracked(|v| matches!(v, Some(Err(_))))
    }

    fn clear(&self) {
        self.set(None);
    }

    fn arrived(&self, text: Result<String, ApiError>) {
        self.set(Some(decode(text)));
    }
}

fn load_text(
    path: Box<dyn Fn() -> Option<String>>,
    tick: RwSignal<u32>,
    answer: std::rc::Rc<dyn Answer>,
    #[cfg(not(feature = "backoffice"))] since: Option<RwSignal<Option<u64>>>,
) {
    let locale = use_locale();
    let latest = StoredValue::new(0u32);
    let shown = StoredValue::new(None::<String>);
    #[cfg(not(feature = "backoffice"))]
    let mut preloaded = preload::seed(&*path, &*answer, shown);
    Effect::new(move |_| {
        tick.track();
        let path = path();
        // The first run finds the answer already in the page: nothing to fetch. (A kept
        // load keeps it, as it keeps one fetched.)
        #[cfg(not(feature = "backoffice"))]
        if let Some(held) = preloaded.take() {
            if shown.get_value() == path {
                if let (Some(_), Some(path)) = (since, path.as_deref()) {
                    // Not failed: a success by `answer_of`'s reading of its status.
                    if !answer.failed() {
                        kept::put(path, &held.body);
                    }
                }
                return;
            }
        }
        // Loading something else, or again after a failure, clears what is shown; loading
        // the same again after a change keeps it until the new answer, so the page is not
        // redrawn empty.
        if answer.failed() || shown.get_value() != path {
            answer.clear();
            shown.set_value(path.clone());
            #[cfg(not(feature = "backoffice"))]
            if let Some(since) = since.filter(|s| s.get_untracked().is_some()) {
                since.set(None);
            }
        }
        let this = latest.get_value().wrapping_add(1);
        latest.set_value(this);
        if let Some(path) = path {
            let lang = locale.locale.get_untracked();
            let answer = answer.clone();
            leptos::task::spawn_local(async move {
                let text = fetch(Request::get(&path), None, lang).await;
                if latest.get_value() != this {
                    return;
                }
                #[cfg(not(feature = "backoffice"))]
                if let Some(since) = since {
                    arrived_or_kept(&*answer, since, &path, text);
                    return;
                }
                answer.arrived(text);
            });
        }
    });
}

/// Shows a fresh answer, and keeps it once it has been read. When none came through (no
/// network, or an answer that is not the API's, as a captive portal's), shows the one
/// kept, if any, and says since when. `since` changes only when its value does, so a
/// notice built from it is not rebuilt (nor its button's focus lost) by a retry.
#[cfg(not(feature = "backoffice"))]
fn arrived_or_kept(
    answer: &dyn Answer,
    since: RwSignal<Option<u64>>,
    path: &str,
    text: Result<String, ApiError>,
) {
    let unreachable = matches!(text, Err(ApiError::Network | ApiError::Unreadable));
    let fresh = text.as_ref().ok().cloned();
    answer.arrived(text);
    let at = if !answer.failed() {
        if let Some(fresh) = fresh {
            kept::put(path, &fresh);
        }
        None
    } else if unreachable || fresh.is_some() {
        kept::get(path).map(|(at, kept)| {
            answer.arrived(Ok(kept));
            at
        })
    } else {
        None
    };
    if since.get_untracked() != at {
        since.set(at);
    }
}

/// `GET /api/v1/services/{code}/slots?from=…&days=7`, loaded again when `from` changes.
pub fn list_slots(
    code: String,
    from: RwSignal<nafitha_domain::calendar::Date>,
) -> Loaded<Vec<nafitha_domain::appointment::Slot>> {
    let code = String::from(js_sys::encode_uri_component(&code));
    load(move || {
        Some(format!(
            "/api/v1/services/{code}/slots?from={}&days=7",
            from.get()
        ))
    })
}
