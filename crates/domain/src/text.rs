//! The one rule for free text: which characters no text a person types may hold, whatever
//! the field (answers, names, messages, notes, comments, templates, catalogue texts).
//!
//! Every validator that takes free text calls [`check_text`] (or [`clean_name`] for a
//! personal name), so the browser refuses such text before sending it and the server
//! refuses it again before storing it. Control characters (Unicode category Cc) are
//! refused: no keyboard types them, they are invisible on every screen, and PostgreSQL
//! cannot store U+0000 in a text column at all. Fields of several lines keep their line
//! breaks and tabs. Length limits stay with each field; this module decides only which
//! characters are acceptable, and must not trim or otherwise change any text but a name.

use crate::locale::Localized;

/// How many lines a field holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lines {
    /// A name, a title, a short answer: no control character at all.
    One,
    /// A message, a comment, a description: line feeds, carriage returns and tabs
    /// allowed, no other control character.
    Many,
}

/// An optional text as given: trimmed, `None` when absent or blank.
pub fn given(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

/// True when `text` holds no control character a field of `lines` refuses.
pub fn is_clean(text: &str, lines: Lines) -> bool {
    !text
        .chars()
        .any(|c| c.is_control() && !(lines == Lines::Many && matches!(c, '\n' | '\r' | '\t')))
}

/// Checks `text`, typed into a field of `lines`. `what` names the field as it reads inside
/// a sentence, in Arabic and English: `("التعليق", "the comment")`.
pub fn check_text(text: &str, lines: Lines, what: (&str, &str)) -> Result<(), Localized> {
    if is_clean(text, lines) {
        Ok(())
    } else {
        Err(refusal(what))
    }
}

/// The refusal of a text that holds control characters; `what` as for [`check_text`].
pub fn refusal(what: (&str, &str)) -> Localized {
    Localized::new(
        format!("احذف رموز التحكم غير المرئية من {}", what.0),
        format!("Remove the hidden control characters from {}", what.1),
    )
}

/// True for a bidirectional embedding, override or isolate control (U+202A–U+202E,
/// U+2066–U+2069).
fn is_direction_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// A personal name as it is stored: bidirectional controls removed, each run of white
/// space made one space, none at the ends. Refused when a control character is left
/// inside it (a name is one line).
///
/// Bidirectional embedding, override and isolate controls are removed rather than refused.
/// They are invisible, so a person told to remove them could not find them, and text
/// copied from right-to-left documents can carry them without anyone knowing. A name never
/// needs them: its letters give it its direction. Removing them cannot change a letter of
/// the name; it only stops the name from reordering the text shown around it (in the back
/// office, in CSV exports, in messages), which is what makes them dangerous.
pub fn clean_name(name: &str) -> Result<String, Localized> {
    let name: String = name.chars().filter(|c| !is_direction_control(*c)).collect();
    check_text(name.trim(), Lines::One, ("اسمك", "your name"))?;
    Ok(name.split_whitespace().collect::<Vec<_>>().join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_nul_or_any_other_control_character_is_refused_in_every_field() {
        for bad in [
            "a\0b",
            "\u{7}bell",
            "escape\u{1b}[31m",
            "del\u{7f}",
            "next\u{85}line",
        ] {
            assert!(!is_clean(bad, Lines::One), "{bad:?}");
            assert!(!is_clean(bad, Lines::Many), "{bad:?}");
        }
    }

    #[test]
    fn line_breaks_and_tabs_are_kept_in_several_lines_and_refused_in_one() {
        for text in ["first\nsecond", "first\r\nsecond", "a\tb"] {
            assert!(is_clean(text, Lines::Many), "{text:?}");
            assert!(!is_clean(text, Lines::One), "{text:?}");
        }
    }

    #[test]
    fn ordinary_text_in_any_script_passes() {
        for text in [
            "سارة العتيبي",
            "Road damage — 30 cm",
            "emoji 👍 ok",
            "١٢٣",
            "\u{200F}",
        ] {
            assert!(is_clean(text, Lines::One), "{text:?}");
        }
    }

    #[test]
    fn a_refusal_names_the_field_in_both_languages() {
        let message = check_text("a\0", Lines::Many, ("التعليق", "the comment")).unwrap_err();
        assert_eq!(
            message,
            Localized::new(
                "احذف رموز التحكم غير المرئية من التعليق",
                "Remove the hidden control characters from the comment"
            )
        );
    }

    #[test]
    fn a_name_loses_its_direction_controls_and_extra_spaces() {
        let typed = "  \u{202E}Sara\u{202C}   \u{2067}Al-Otaibi\u{2069}\u{202A}\u{202B}\u{202D}\u{2066}\u{2068} ";
        assert_eq!(clean_name(typed).unwrap(), "Sara Al-Otaibi");
        assert_eq!(clean_name(" سارة  العتيبي ").unwrap(), "سارة العتيبي");
    }

    #[test]
    fn a_name_with_a_control_character_inside_is_refused() {
        for bad in [
            "Sara\0",
            "Sara\nAl-Otaibi",
            "Sara\tAl-Otaibi",
            "\u{202E}Sa\u{1}ra",
        ] {
            let message = clean_name(bad).unwrap_err();
            assert!(message.en.contains("your name"), "{bad:?}: {message:?}");
        }
    }
}
