//! The one wire shape of every API error, read by the browser and written by the server.

use serde::{Deserialize, Serialize};

use crate::Localized;

/// The body of every error response: `{ "code", "message", "fields": [...] }`.
///
/// `code` is stable and meant for programs; `message` is for people, in the language the
/// request asked for, and `localized` the same message in both languages (so a client can
/// keep showing it right after its user switches language); `fields` names each bad input
/// when the error is about input.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    pub code: String,
    pub message: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub localized: Option<Localized>,
    #[serde(default)]
    pub fields: Vec<FieldError>,
}

/// One bad input: which field and what is wrong with it (in the request's language, and
/// in both).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    pub field: String,
    pub message: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub localized: Option<Localized>,
}
