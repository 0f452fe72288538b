//! The one wire shape of every API error, read by the browser and written by the server.

use serde::{Deserialize, Serialize};

/// The body of every error response: `{ "code", "message", "fields": [...] }`.
///
/// `code` is stable and meant for programs; `message` is for people, in the language the
/// request asked for; `fields` names each bad input when the error is about input.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    pub code: String,
    pub message: String,
    #[serde(default)]
    pub fields: Vec<FieldError>,
}

/// One bad input: which field and what is wrong with it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}
