//! Percent-encoding of one component of an address (a path segment, a query's value), as
//! the browser's `encodeURIComponent` and `decodeURIComponent` do it.
//!
//! The server renders the apps' pages with these (decision 0018); in the browser the apps
//! call the browser's own functions (`src/url.rs`), which these match (tested against
//! Node's), so an address is spelled byte for byte the same on both sides: the server's
//! answers travel in the page keyed by the path the app will ask for.

/// The characters `encodeURIComponent` leaves as they are, besides ASCII letters and
/// digits.
const UNRESERVED_MARKS: &[u8] = b"-_.!~*'()";

const HEX: &[u8; 16] = b"0123456789ABCDEF";

/// `text` with every byte of its UTF-8 form percent-encoded (upper-case hex), except
/// ASCII letters, digits and `-_.!~*'()`; the same as `encodeURIComponent`.
pub fn encode_component(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for &byte in text.as_bytes() {
        if byte.is_ascii_alphanumeric() || UNRESERVED_MARKS.contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push('%');
            out.push(char::from(HEX[usize::from(byte >> 4)]));
            out.push(char::from(HEX[usize::from(byte & 0x0f)]));
        }
    }
    out
}

/// The value of one hex digit, either case.
fn hex_value(digit: u8) -> Option<u8> {
    match digit {
        b'0'..=b'9' => Some(digit - b'0'),
        b'a'..=b'f' => Some(digit - b'a' + 10),
        b'A'..=b'F' => Some(digit - b'A' + 10),
        _ => None,
    }
}

/// `text` with each `%XX` replaced by its byte; `None` where `decodeURIComponent` throws:
/// a `%` not followed by two hex digits, or bytes that are not UTF-8. A `+` stays a `+`
/// (a query's `+` for a space is the caller's rule).
pub fn decode_component(text: &str) -> Option<String> {
    if !text.contains('%') {
        return Some(text.to_owned());
    }
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let high = hex_value(*bytes.get(i + 1)?)?;
            let low = hex_value(*bytes.get(i + 2)?)?;
            out.push(high << 4 | low);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn letters_digits_and_the_unreserved_marks_stay_as_they_are() {
        let kept = "AZaz09-_.!~*'()";
        assert_eq!(encode_component(kept), kept);
    }

    #[test]
    fn reserved_characters_and_spaces_are_encoded_as_encode_uri_component_does() {
        // Each expectation is what a browser's encodeURIComponent returns.
        assert_eq!(encode_component("a b"), "a%20b");
        assert_eq!(
            encode_component("/?#[]@$&+,;=:%\"<>\\^`{|}"),
            "%2F%3F%23%5B%5D%40%24%26%2B%2C%3B%3D%3A%25%22%3C%3E%5C%5E%60%7B%7C%7D"
        );
        assert_eq!(encode_component("\n\t"), "%0A%09");
    }

    #[test]
    fn arabic_and_other_non_ascii_text_is_encoded_byte_by_byte_in_utf8() {
        assert_eq!(encode_component("رخصة"), "%D8%B1%D8%AE%D8%B5%D8%A9");
        assert_eq!(encode_component("é€😀"), "%C3%A9%E2%82%AC%F0%9F%98%80");
    }

    #[test]
    fn decoding_undoes_encoding_for_any_text() {
        for text in [
            "",
            "licence",
            "a b/c?d=e&f",
            "رخصة بناء",
            "100% ✓",
            "😀+'()",
        ] {
            assert_eq!(
                decode_component(&encode_component(text)).as_deref(),
                Some(text)
            );
        }
    }

    #[test]
    fn decoding_accepts_lower_case_hex_and_leaves_plus_signs_alone() {
        assert_eq!(decode_component("%d8%b1").as_deref(), Some("ر"));
        assert_eq!(decode_component("a+b").as_deref(), Some("a+b"));
        assert_eq!(decode_component("caf%C3%A9").as_deref(), Some("café"));
    }

    #[test]
    fn decoding_refuses_what_decode_uri_component_throws_on() {
        assert_eq!(decode_component("%"), None);
        assert_eq!(decode_component("%4"), None);
        assert_eq!(decode_component("%zz"), None);
        assert_eq!(decode_component("100%"), None);
        // Not UTF-8: a lone continuation byte, a truncated sequence.
        assert_eq!(decode_component("%80"), None);
        assert_eq!(decode_component("%D8"), None);
    }
}
