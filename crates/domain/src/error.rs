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
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FieldError {
    pub field: String,
    pub message: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub localized: Option<Localized>,
}

impl ErrorBody {
    /// The message in `locale`: from `localized` when the server sent it, else `message`
    /// (which is in the language the request asked for).
    pub fn message_in(&self, locale: crate::locale::Locale) -> &str {
        self.localized
            .as_ref()
            .map_or(self.message.as_str(), |both| both.get(locale))
    }
}

impl FieldError {
    /// The message in `locale`: from `localized` when the server sent it, else `message`.
    pub fn message_in(&self, locale: crate::locale::Locale) -> &str {
        self.localized
            .as_ref()
            .map_or(self.message.as_str(), |both| both.get(locale))
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::locale::Locale;

    #[test]
    fn an_error_body_carries_both_languages_and_reads_one_without_them() {
        let both = ErrorBody {
            code: "validation".into(),
            message: "There is a problem".into(),
            fields: vec![FieldError {
                field: "phone".into(),
                message: "Enter a mobile number".into(),
                localized: Some(Localized::new("أدخل رقم الجوال", "Enter a mobile number")),
            }],
            localized: Some(Localized::new("توجد مشكلة", "There is a problem")),
        };
        let wire = serde_json::to_value(&both).unwrap();
        assert_eq!(wire["localized"]["ar"], "توجد مشكلة");
        assert_eq!(wire["fields"][0]["localized"]["ar"], "أدخل رقم الجوال");
        assert_eq!(serde_json::from_value::<ErrorBody>(wire).unwrap(), both);
        assert_eq!(both.message_in(Locale::Ar), "توجد مشكلة");
        assert_eq!(both.fields[0].message_in(Locale::Ar), "أدخل رقم الجوال");

        // An older server's body, without `localized`, still reads; nothing is invented.
        let old: ErrorBody = serde_json::from_value(json!({
            "code": "not_found", "message": "Not found",
            "fields": [{ "field": "q", "message": "Bad" }]
        }))
        .unwrap();
        assert_eq!(old.localized, None);
        assert_eq!(old.message_in(Locale::Ar), "Not found");
        assert_eq!(old.fields[0].message_in(Locale::Ar), "Bad");
        let wire = serde_json::to_value(&old).unwrap();
        assert!(wire.get("localized").is_none() && wire["fields"][0].get("localized").is_none());
    }
}
