//! Reference numbers: what a citizen receives by SMS, reads aloud on the phone and types
//! on a keypad to track a request.
//!
//! Twelve digits: eleven random ones and a Damm check digit. Damm's quasigroup catches
//! every single-digit error and every swap of two adjacent digits, which are the mistakes
//! people make copying numbers. Randomness comes from the caller (the server), so this
//! module stays free of I/O; numbers are not sequential and cannot be guessed from one
//! another. Input is forgiving: Arabic-Indic and Persian digits, spaces and hyphens are
//! accepted.

use serde::{Deserialize, Serialize};

use crate::locale::Localized;

/// Digits in a reference number, check digit included.
pub const REFERENCE_LEN: usize = 12;
/// The random part is a number below this.
pub const BODY_LIMIT: u64 = 100_000_000_000;

/// Damm's table: a totally anti-symmetric quasigroup of order 10.
const DAMM: [[u8; 10]; 10] = [
    [0, 3, 1, 7, 5, 9, 8, 6, 4, 2],
    [7, 0, 9, 2, 1, 5, 4, 8, 6, 3],
    [4, 2, 0, 6, 8, 7, 1, 3, 5, 9],
    [1, 7, 5, 0, 9, 8, 3, 4, 2, 6],
    [6, 1, 2, 3, 0, 4, 5, 9, 7, 8],
    [3, 6, 7, 4, 2, 0, 9, 5, 8, 1],
    [5, 8, 6, 9, 7, 2, 0, 1, 3, 4],
    [8, 9, 4, 5, 3, 6, 2, 0, 1, 7],
    [9, 4, 3, 8, 6, 1, 7, 2, 0, 5],
    [2, 5, 8, 1, 4, 3, 6, 7, 9, 0],
];

/// The Damm interim digit of `digits` (each 0..=9); 0 means a valid check. Licence
/// numbers (`crate::licence`) use the same check.
pub(crate) fn damm(digits: impl IntoIterator<Item = u8>) -> u8 {
    digits
        .into_iter()
        .fold(0, |interim, d| DAMM[usize::from(interim)][usize::from(d)])
}

/// Maps any decimal digit a phone keyboard may produce (ASCII, Arabic-Indic, Persian)
/// to its value.
pub fn digit_value(c: char) -> Option<u8> {
    let value = match c {
        '0'..='9' => u32::from(c) - u32::from('0'),
        '\u{0660}'..='\u{0669}' => u32::from(c) - 0x0660,
        '\u{06F0}'..='\u{06F9}' => u32::from(c) - 0x06F0,
        _ => return None,
    };
    u8::try_from(value).ok()
}

/// The ASCII digits of a number as a person may type it (Arabic-Indic or Persian
/// digits, spaces, hyphens and dashes), or `None` when something else is in it.
pub(crate) fn typed_digits(input: &str) -> Option<String> {
    let mut digits = String::with_capacity(input.len());
    for c in input.chars() {
        if c.is_whitespace() || matches!(c, '-' | '\u{2010}'..='\u{2015}' | '\u{2212}') {
            continue;
        }
        digits.push(char::from(b'0' + digit_value(c)?));
    }
    Some(digits)
}

/// Why typed digits are not a number of a kind ([`read_checked`]).
pub(crate) enum Misread {
    NotDigits,
    WrongLength,
    CheckDigit,
}

/// Reads `input` as a person may type it (see [`typed_digits`]) as `len` digits whose
/// last is their Damm check digit.
pub(crate) fn read_checked(input: &str, len: usize) -> Result<String, Misread> {
    let digits = typed_digits(input).ok_or(Misread::NotDigits)?;
    if digits.len() != len {
        return Err(Misread::WrongLength);
    }
    if damm(digits.bytes().map(|b| b - b'0')) != 0 {
        return Err(Misread::CheckDigit);
    }
    Ok(digits)
}

/// `body` (modulo 10 to the power `len - 1`) as `len - 1` digits, then its check digit.
pub(crate) fn with_check_digit(body: u64, len: usize) -> String {
    let random = u32::try_from(len - 1).map_or(u64::MAX, |n| 10u64.pow(n));
    let mut digits = format!("{:0width$}", body % random, width = len - 1);
    let check = damm(digits.bytes().map(|b| b - b'0'));
    digits.push(char::from(b'0' + check));
    digits
}

/// `digits` in groups of `size` from the left, for reading aloud (`1234 5678 9012`),
/// joined by no-break spaces: inside Arabic text the bidirectional algorithm keeps numbers
/// joined by a no-break space as one run, in their order, where plain spaces would show
/// the groups right to left (`9012 5678 1234`) on a page or in an SMS. Typed back, a
/// no-break space is read as a space.
pub(crate) fn in_groups(digits: &str, size: usize) -> String {
    let mut out = String::with_capacity(digits.len() * 2);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && i % size == 0 {
            out.push('\u{a0}');
        }
        out.push(c);
    }
    out
}

/// What every number with a check digit shares (reference, licence and bill numbers):
/// made from a random body, read as a person types it, shown in groups, sent as a string,
/// and its OpenAPI schema. `$error` is the kind's own error, with its messages.
macro_rules! check_digit_number {
    ($name:ident, $error:ident, $len:literal, $group:literal, $what:literal) => {
        impl $name {
            /// The number whose random part is `body` (modulo 10 to the power of one
            /// digit fewer than the number has), with its check digit appended.
            pub fn from_body(body: u64) -> $name {
                $name($crate::reference::with_check_digit(body, $len))
            }

            /// Reads the number as a person may type it: with Arabic-Indic digits,
            /// spaces or hyphens.
            pub fn parse(input: &str) -> Result<$name, $error> {
                use $crate::reference::Misread;
                match $crate::reference::read_checked(input, $len) {
                    Ok(digits) => Ok($name(digits)),
                    Err(Misread::NotDigits) => Err($error::NotDigits),
                    Err(Misread::WrongLength) => Err($error::WrongLength),
                    Err(Misread::CheckDigit) => Err($error::CheckDigit),
                }
            }

            /// The digits, as stored and sent.
            pub fn as_str(&self) -> &str {
                &self.0
            }

            /// In groups for reading aloud, joined by no-break spaces
            /// ([`in_groups`](crate::reference::in_groups)).
            pub fn grouped(&self) -> String {
                $crate::reference::in_groups(&self.0, $group)
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl TryFrom<String> for $name {
            type Error = String;
            fn try_from(value: String) -> Result<Self, Self::Error> {
                $name::parse(&value).map_err(|e| e.message().en)
            }
        }

        impl From<$name> for String {
            fn from(value: $name) -> Self {
                value.0
            }
        }

        /// In the OpenAPI document: a string of digits, the last a check digit.
        #[cfg(feature = "openapi")]
        impl utoipa::PartialSchema for $name {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                use utoipa::openapi::schema::{ObjectBuilder, Type};
                ObjectBuilder::new()
                    .schema_type(Type::String)
                    .pattern(Some(concat!("^[0-9]{", $len, "}$")))
                    .description(Some(concat!(
                        $what,
                        ": ",
                        $len,
                        " digits, the last a check digit."
                    )))
                    .into()
            }
        }

        #[cfg(feature = "openapi")]
        impl utoipa::ToSchema for $name {}
    };
}
pub(crate) use check_digit_number;

/// A well-formed reference number (its check digit is right).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ReferenceNumber(String);

/// Why a typed reference number is not one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReferenceError {
    /// Something other than digits, spaces and hyphens.
    NotDigits,
    /// Not twelve digits.
    WrongLength,
    /// Twelve digits, but the check digit does not match: a typing mistake.
    CheckDigit,
}

impl ReferenceError {
    pub fn message(self) -> Localized {
        match self {
            ReferenceError::NotDigits => Localized::new(
                "رقم الطلب يتكون من أرقام فقط",
                "A reference number has digits only",
            ),
            ReferenceError::WrongLength => Localized::new(
                format!("رقم الطلب يتكون من {REFERENCE_LEN} رقمًا"),
                format!("A reference number has {REFERENCE_LEN} digits"),
            ),
            ReferenceError::CheckDigit => Localized::new(
                "رقم الطلب غير صحيح، تحقق من الأرقام كما وصلتك في الرسالة",
                "This reference number is not right. Check the digits against your SMS",
            ),
        }
    }
}

check_digit_number!(ReferenceNumber, ReferenceError, 12, 4, "A reference number");

#[cfg(test)]
mod tests {
    use super::*;

    /// A fixed spread of bodies (a multiplicative sequence, no randomness in tests).
    fn sample_bodies() -> impl Iterator<Item = u64> {
        (1..=2_000u64).map(|i| i.wrapping_mul(6_364_136_223_846_793_005) % BODY_LIMIT)
    }

    #[test]
    fn every_generated_number_has_twelve_digits_and_a_valid_check() {
        for body in sample_bodies().chain([0, BODY_LIMIT - 1, BODY_LIMIT + 5]) {
            let reference = ReferenceNumber::from_body(body);
            assert_eq!(reference.as_str().len(), REFERENCE_LEN);
            assert_eq!(
                ReferenceNumber::parse(reference.as_str()),
                Ok(reference.clone())
            );
        }
    }

    #[test]
    fn every_single_digit_error_is_caught() {
        for body in sample_bodies().take(300) {
            let good: Vec<u8> = ReferenceNumber::from_body(body).as_str().bytes().collect();
            for position in 0..REFERENCE_LEN {
                for wrong in b'0'..=b'9' {
                    if wrong == good[position] {
                        continue;
                    }
                    let mut typed = good.clone();
                    typed[position] = wrong;
                    let typed = String::from_utf8(typed).unwrap();
                    assert_eq!(
                        ReferenceNumber::parse(&typed),
                        Err(ReferenceError::CheckDigit),
                        "{typed}"
                    );
                }
            }
        }
    }

    #[test]
    fn every_swap_of_adjacent_different_digits_is_caught() {
        for body in sample_bodies() {
            let good: Vec<u8> = ReferenceNumber::from_body(body).as_str().bytes().collect();
            for position in 0..REFERENCE_LEN - 1 {
                if good[position] == good[position + 1] {
                    continue;
                }
                let mut typed = good.clone();
                typed.swap(position, position + 1);
                let typed = String::from_utf8(typed).unwrap();
                assert_eq!(
                    ReferenceNumber::parse(&typed),
                    Err(ReferenceError::CheckDigit),
                    "{typed}"
                );
            }
        }
    }

    #[test]
    fn arabic_indic_digits_spaces_and_hyphens_are_accepted() {
        let reference = ReferenceNumber::from_body(12_345_678_901);
        let ascii = reference.as_str();
        let arabic: String = ascii
            .chars()
            .map(|c| char::from_u32(0x0660 + (c as u32 - '0' as u32)).unwrap())
            .collect();
        let persian: String = ascii
            .chars()
            .map(|c| char::from_u32(0x06F0 + (c as u32 - '0' as u32)).unwrap())
            .collect();
        for typed in [
            arabic,
            persian,
            reference.grouped(),
            format!("{}-{}-{}", &ascii[..4], &ascii[4..8], &ascii[8..]),
            format!("  {ascii}\n"),
        ] {
            assert_eq!(
                ReferenceNumber::parse(&typed),
                Ok(reference.clone()),
                "{typed:?}"
            );
        }
    }

    #[test]
    fn malformed_input_is_refused_with_the_reason() {
        assert_eq!(
            ReferenceNumber::parse("1234 5678 901x"),
            Err(ReferenceError::NotDigits)
        );
        assert_eq!(
            ReferenceNumber::parse("12345"),
            Err(ReferenceError::WrongLength)
        );
        assert_eq!(ReferenceNumber::parse(""), Err(ReferenceError::WrongLength));
        assert_eq!(
            ReferenceNumber::parse("1234567890123"),
            Err(ReferenceError::WrongLength)
        );
        assert!(ReferenceError::CheckDigit.message().ar.contains("غير صحيح"));
    }

    #[test]
    fn numbers_are_grouped_in_fours_for_reading() {
        let reference = ReferenceNumber::from_body(1);
        assert_eq!(
            reference.grouped(),
            format!("0000\u{a0}0000\u{a0}001{}", &reference.as_str()[11..])
        );
    }

    #[test]
    fn serde_refuses_a_number_with_a_wrong_check_digit() {
        let good = ReferenceNumber::from_body(42);
        let json = serde_json::to_string(&good).unwrap();
        assert_eq!(
            serde_json::from_str::<ReferenceNumber>(&json).unwrap(),
            good
        );
        let mut bad = good.as_str().to_owned();
        let last = bad.pop().unwrap();
        bad.push(if last == '9' {
            '0'
        } else {
            char::from(last as u8 + 1)
        });
        assert!(serde_json::from_str::<ReferenceNumber>(&format!("\"{bad}\"")).is_err());
    }
}
