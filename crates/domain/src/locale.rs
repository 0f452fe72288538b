//! The two languages of the portal and text that exists in both.
//!
//! Arabic is the default: most users read it first. This module only names and picks
//! languages; the texts themselves live with the screens and messages that use them.

use serde::{Deserialize, Serialize};

/// A language the portal speaks.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum Locale {
    /// Arabic, written right to left. The default.
    #[default]
    Ar,
    /// English, written left to right.
    En,
}

impl Locale {
    /// Every locale, default first.
    pub const ALL: [Locale; 2] = [Locale::Ar, Locale::En];

    /// The BCP 47 tag, as used in `lang` attributes and `Accept-Language`.
    pub fn tag(self) -> &'static str {
        match self {
            Locale::Ar => "ar",
            Locale::En => "en",
        }
    }

    /// The one of two texts written in this locale.
    pub fn pick<'a>(self, ar: &'a str, en: &'a str) -> &'a str {
        match self {
            Locale::Ar => ar,
            Locale::En => en,
        }
    }

    /// The writing direction, as used in the `dir` attribute.
    pub fn dir(self) -> &'static str {
        match self {
            Locale::Ar => "rtl",
            Locale::En => "ltr",
        }
    }

    /// Parses a tag such as `ar`, `ar-SA` or `EN-gb`; anything else is `None`.
    pub fn from_tag(tag: &str) -> Option<Locale> {
        let primary = tag.trim().split(['-', '_']).next()?;
        if primary.eq_ignore_ascii_case("ar") {
            Some(Locale::Ar)
        } else if primary.eq_ignore_ascii_case("en") {
            Some(Locale::En)
        } else {
            None
        }
    }

    /// Picks the supported locale a user agent prefers from an `Accept-Language` value,
    /// honouring `q` weights; Arabic when nothing supported is listed.
    pub fn from_accept_language(header: &str) -> Locale {
        let mut best: Option<(Locale, u32)> = None;
        for item in header.split(',') {
            let mut parts = item.split(';');
            let Some(locale) = parts.next().and_then(Locale::from_tag) else {
                continue;
            };
            let weight = parts
                .find_map(|p| p.trim().strip_prefix("q="))
                .map_or(1000, parse_q_weight);
            if weight > 0 && best.is_none_or(|(_, w)| weight > w) {
                best = Some((locale, weight));
            }
        }
        best.map(|(l, _)| l).unwrap_or_default()
    }

    /// The language a page opens in: the one its link asks for (`?lang=`), else the one
    /// this user chose before (remembered on the device), else what the browser prefers
    /// (an `Accept-Language` value, or the browser's list of languages joined by commas),
    /// which is Arabic unless English comes first. The apps run it as they start; the
    /// server will run it for the pages it renders.
    pub fn choose(asked: Option<&str>, remembered: Option<&str>, preferred: &str) -> Locale {
        asked
            .and_then(Locale::from_tag)
            .or_else(|| remembered.and_then(Locale::from_tag))
            .unwrap_or_else(|| Locale::from_accept_language(preferred))
    }
}

/// The cookie that remembers the language a citizen chose (`ar` or `en`): the citizens'
/// apps write it, and the server reads it to render a page in that language.
pub const LANGUAGE_COOKIE: &str = "nafitha_lang";

/// The cookie that remembers `locale` for a year, for the whole site, sent along with
/// links from other sites (`SameSite=Lax`), over HTTPS only when `secure`.
pub fn language_cookie(locale: Locale, secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    format!(
        "{LANGUAGE_COOKIE}={}; Path=/; Max-Age=31536000; SameSite=Lax{secure}",
        locale.tag()
    )
}

/// The value of the cookie `name` in a `Cookie` header (or the browser's
/// `document.cookie`, which has the same form), if it is there.
pub fn cookie_value<'a>(header: &'a str, name: &str) -> Option<&'a str> {
    header.split(';').find_map(|pair| {
        let (key, value) = pair.split_once('=')?;
        (key.trim() == name).then(|| value.trim())
    })
}

/// Parses an HTTP quality value (`0`..`1`, up to three decimals) into thousandths.
fn parse_q_weight(q: &str) -> u32 {
    let (whole, frac) = q.trim().split_once('.').unwrap_or((q.trim(), ""));
    let whole: u32 = match whole {
        "1" => 1000,
        "0" | "" => 0,
        _ => return 0,
    };
    let mut thousandths = 0;
    for (i, c) in frac.chars().take(3).enumerate() {
        let Some(d) = c.to_digit(10) else { return 0 };
        thousandths += d * 10u32.pow(2 - i as u32);
    }
    (whole + thousandths).min(1000)
}

/// A text in both languages of the portal.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Localized {
    pub ar: String,
    pub en: String,
}

impl Localized {
    /// Builds a text from its Arabic and English versions.
    pub fn new(ar: impl Into<String>, en: impl Into<String>) -> Self {
        Localized {
            ar: ar.into(),
            en: en.into(),
        }
    }

    /// The text in `locale`.
    pub fn get(&self, locale: Locale) -> &str {
        match locale {
            Locale::Ar => &self.ar,
            Locale::En => &self.en,
        }
    }

    /// True when either language is missing (blank after trimming).
    pub fn is_incomplete(&self) -> bool {
        self.ar.trim().is_empty() || self.en.trim().is_empty()
    }

    /// True when `needle` (already lower-cased) occurs in either language. Arabic has no
    /// letter case, so ASCII case folding is all either language needs (and it spares the
    /// WASM the Unicode case tables).
    pub fn contains_lowercase(&self, needle: &str) -> bool {
        self.ar.contains(needle) || self.en.to_ascii_lowercase().contains(needle)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_with_regions_and_any_case_are_recognised() {
        assert_eq!(Locale::from_tag("ar-SA"), Some(Locale::Ar));
        assert_eq!(Locale::from_tag("EN_gb"), Some(Locale::En));
        assert_eq!(Locale::from_tag("fr"), None);
        assert_eq!(Locale::from_tag(""), None);
    }

    #[test]
    fn the_language_cookie_is_secure_only_over_https() {
        assert_eq!(
            language_cookie(Locale::En, true),
            "nafitha_lang=en; Path=/; Max-Age=31536000; SameSite=Lax; Secure"
        );
        assert_eq!(
            language_cookie(Locale::Ar, false),
            "nafitha_lang=ar; Path=/; Max-Age=31536000; SameSite=Lax"
        );
    }

    #[test]
    fn a_cookie_is_found_by_its_exact_name() {
        let header = "other_lang=ar; nafitha_lang=en;theme=dark";
        assert_eq!(cookie_value(header, LANGUAGE_COOKIE), Some("en"));
        assert_eq!(cookie_value(header, "theme"), Some("dark"));
        assert_eq!(cookie_value(header, "lang"), None);
        assert_eq!(cookie_value("", LANGUAGE_COOKIE), None);
        assert_eq!(cookie_value("nafitha_lang", LANGUAGE_COOKIE), None);
        assert_eq!(
            Locale::choose(None, cookie_value(header, LANGUAGE_COOKIE), "ar"),
            Locale::En
        );
    }

    #[test]
    fn accept_language_picks_the_highest_weighted_supported_locale() {
        assert_eq!(
            Locale::from_accept_language("en-US,en;q=0.9,ar;q=0.8"),
            Locale::En
        );
        assert_eq!(
            Locale::from_accept_language("fr, en;q=0.5, ar;q=0.7"),
            Locale::Ar
        );
        assert_eq!(
            Locale::from_accept_language("ar;q=0.2, en;q=0.25"),
            Locale::En
        );
    }

    #[test]
    fn a_link_wins_then_the_remembered_choice_then_the_browser() {
        assert_eq!(Locale::choose(Some("en"), Some("ar"), "ar"), Locale::En);
        assert_eq!(Locale::choose(Some("ar"), Some("en"), "en"), Locale::Ar);
        assert_eq!(Locale::choose(None, Some("en"), "ar-SA"), Locale::En);
        assert_eq!(Locale::choose(None, Some("ar"), "en-GB,en"), Locale::Ar);
        assert_eq!(Locale::choose(None, None, "en-GB,en"), Locale::En);
        assert_eq!(Locale::choose(None, None, "fr-FR,fr"), Locale::Ar);
        assert_eq!(Locale::choose(None, None, ""), Locale::Ar);
        // What is not a language of the portal is passed over, not obeyed.
        assert_eq!(Locale::choose(Some("fr"), Some("xx"), "en"), Locale::En);
        assert_eq!(Locale::choose(Some(""), None, "ar"), Locale::Ar);
    }

    #[test]
    fn accept_language_falls_back_to_arabic() {
        assert_eq!(Locale::from_accept_language(""), Locale::Ar);
        assert_eq!(Locale::from_accept_language("fr-FR, de"), Locale::Ar);
        assert_eq!(Locale::from_accept_language("en;q=0"), Locale::Ar);
        assert_eq!(Locale::from_accept_language("en;q=banana"), Locale::Ar);
    }

    #[test]
    fn localized_text_is_picked_by_locale_and_searched_in_both() {
        let t = Localized::new("رخصة مهنية", "Professional Licence");
        assert_eq!(t.get(Locale::Ar), "رخصة مهنية");
        assert_eq!(t.get(Locale::En), "Professional Licence");
        assert!(t.contains_lowercase("licence"));
        assert!(t.contains_lowercase("مهنية"));
        assert!(!t.contains_lowercase("permit"));
        assert!(Localized::new(" ", "x").is_incomplete());
    }

    #[test]
    fn locale_has_a_direction_and_serialises_lowercase() {
        assert_eq!(Locale::Ar.dir(), "rtl");
        assert_eq!(Locale::En.dir(), "ltr");
        assert_eq!(serde_json::to_string(&Locale::En).unwrap(), "\"en\"");
    }
}
