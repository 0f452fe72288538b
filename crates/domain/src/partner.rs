//! Channel partners: software (a WhatsApp bot, a social-media team's tool, another app)
//! that files and reads requests on citizens' behalf with an API key. A key belongs to a
//! named partner, stands for one channel, and is scoped to an agency (or every agency, for
//! the operator's keys) and optionally to some of its services.

use serde::{Deserialize, Serialize};

use crate::answers::InvalidAnswer;
use crate::filing::Channel;
use crate::locale::Localized;
use crate::text::{check_text, Lines};

/// What every key starts with, so that a leaked one is recognisable (secret scanners).
pub const KEY_PREFIX: &str = "nfk_";
/// Shortest and longest partner name, in characters.
pub const PARTNER_NAME_LENGTH: (usize, usize) = (2, 80);
/// The most services one key may be limited to.
pub const MAX_KEY_SERVICES: usize = 50;

/// The channels a partner may stand for: software, not the portal and not a person at a
/// desk or on the phone.
pub const PARTNER_CHANNELS: [Channel; 4] = [
    Channel::Api,
    Channel::Whatsapp,
    Channel::Social,
    Channel::Email,
];

/// Whether `key` has the shape of an API key (the prefix and 40 lowercase hex digits), so
/// that anything else is refused without asking the database.
pub fn is_key_shaped(key: &str) -> bool {
    key.strip_prefix(KEY_PREFIX).is_some_and(|rest| {
        rest.len() == 40
            && rest
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    })
}

/// A new key (`POST /api/v1/staff/api-keys`, admins; `nafitha-server api-key add`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewApiKey {
    pub partner: String,
    /// A channel's code; `api` when empty.
    #[serde(default)]
    pub channel: String,
    /// The services the key may file for; none: every service of its scope.
    #[serde(default)]
    pub services: Vec<String>,
}

/// A new key's checked values.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValidApiKey {
    pub partner: String,
    pub channel: Channel,
    pub services: Vec<String>,
}

impl NewApiKey {
    /// The partner's name trimmed, the channel (one of [`PARTNER_CHANNELS`], `api` when
    /// none is given) and the services, each code trimmed and given once; every problem at
    /// once. Whether the services exist in the key's scope is the server's to say.
    pub fn validate(&self) -> Result<ValidApiKey, Vec<InvalidAnswer>> {
        let mut problems = Vec::new();
        let mut problem = |field: &str, message: Localized| {
            problems.push(InvalidAnswer {
                field: field.to_owned(),
                message,
            })
        };
        let partner = self.partner.trim();
        let (least, most) = PARTNER_NAME_LENGTH;
        if !(least..=most).contains(&partner.chars().count()) {
            problem(
                "partner",
                Localized::new(
                    format!("اكتب اسم الشريك ({least} إلى {most} حرفًا)"),
                    format!("Enter the partner's name ({least} to {most} characters)"),
                ),
            );
        } else if let Err(message) = check_text(partner, Lines::One, ("اسم الشريك", "the name"))
        {
            problem("partner", message);
        }
        let code = self.channel.trim();
        let channel = if code.is_empty() {
            Some(Channel::Api)
        } else {
            Channel::from_code(code).filter(|c| PARTNER_CHANNELS.contains(c))
        };
        if channel.is_none() {
            problem(
                "channel",
                Localized::new(
                    "اختر قناة الشريك: تطبيق أو واتساب أو وسائل التواصل الاجتماعي أو البريد الإلكتروني",
                    "Choose the partner's channel: api, whatsapp, social or email",
                ),
            );
        }
        let mut services: Vec<String> = Vec::new();
        for code in &self.services {
            let code = code.trim();
            if !services.iter().any(|s| s == code) {
                services.push(code.to_owned());
            }
        }
        let well_formed = |c: &String| {
            !c.is_empty()
                && c.len() <= 64
                && c.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        };
        if services.len() > MAX_KEY_SERVICES || !services.iter().all(well_formed) {
            problem(
                "services",
                Localized::new(
                    format!("اختر حتى {MAX_KEY_SERVICES} خدمة برموزها"),
                    format!("Choose up to {MAX_KEY_SERVICES} services by their codes"),
                ),
            );
        }
        match channel {
            Some(channel) if problems.is_empty() => Ok(ValidApiKey {
                partner: partner.to_owned(),
                channel,
                services,
            }),
            _ => Err(problems),
        }
    }
}

/// A key as admins see it: never the key itself, only its first characters.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApiKeyView {
    pub id: i64,
    /// The key's first characters (`nfk_` and 8 hex digits), to tell keys apart.
    pub prefix: String,
    pub partner: String,
    pub channel: Channel,
    /// The agency it files for; `None`: every agency (the operator's keys).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agency: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub services: Vec<String>,
    /// RFC 3339, UTC.
    pub created_at: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_used_at: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revoked_at: Option<String>,
}

/// A key just made or rotated: the key itself, shown this once.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreatedApiKey {
    pub id: i64,
    pub key: String,
}

/// Whether a key scoped to `agency` (`None`: every agency) and `services` (empty: all of
/// the scope) may file for a service `code` of `service_agency`.
pub fn key_covers(
    agency: Option<&str>,
    services: &[String],
    code: &str,
    service_agency: &str,
) -> bool {
    agency.is_none_or(|a| a == service_agency)
        && (services.is_empty() || services.iter().any(|s| s == code))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_key_is_checked_and_defaults_to_the_api_channel() {
        let key = |partner: &str, channel: &str, services: &[&str]| NewApiKey {
            partner: partner.into(),
            channel: channel.into(),
            services: services.iter().map(|s| s.to_string()).collect(),
        };
        assert_eq!(
            key(
                " WhatsApp bot ",
                "",
                &["epm-road-damage", " epm-road-damage"]
            )
            .validate(),
            Ok(ValidApiKey {
                partner: "WhatsApp bot".into(),
                channel: Channel::Api,
                services: vec!["epm-road-damage".into()],
            })
        );
        assert_eq!(
            key("Bot", "whatsapp", &[]).validate().unwrap().channel,
            Channel::Whatsapp
        );
        let fields = |k: NewApiKey| -> Vec<String> {
            k.validate()
                .unwrap_err()
                .into_iter()
                .map(|p| p.field)
                .collect()
        };
        assert_eq!(
            fields(key("B", "web", &["X"])),
            ["partner", "channel", "services"]
        );
        assert_eq!(fields(key("Bot", "phone", &[])), ["channel"]);
        assert_eq!(fields(key("Bot\u{7}", "api", &[])), ["partner"]);
    }

    #[test]
    fn keys_have_a_recognisable_shape_and_a_scope() {
        assert!(is_key_shaped(&format!("nfk_{}", "0a".repeat(20))));
        assert!(!is_key_shaped(&format!("nfk_{}", "0A".repeat(20))));
        assert!(!is_key_shaped("nfk_123"));
        assert!(!is_key_shaped(&"0a".repeat(22)));
        let codes = vec!["epm-road-damage".to_owned()];
        assert!(key_covers(None, &[], "mof-general-inquiry", "mof"));
        assert!(key_covers(Some("epm"), &[], "epm-x", "epm"));
        assert!(!key_covers(Some("epm"), &[], "mof-x", "mof"));
        assert!(key_covers(Some("epm"), &codes, "epm-road-damage", "epm"));
        assert!(!key_covers(Some("epm"), &codes, "epm-other", "epm"));
    }
}
