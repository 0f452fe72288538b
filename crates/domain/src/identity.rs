//! Saudi identifiers people type into forms: mobile numbers, national ID and iqama
//! numbers, commercial registration numbers. Each is read forgivingly (Arabic-Indic
//! digits, spaces, hyphens) and checked by its real format.

use crate::locale::Localized;
use crate::reference::digit_value;

/// Keeps the digits of `input`, as ASCII, allowing spaces, hyphens, dots and brackets
/// between them; `None` when anything else is there.
pub(crate) fn digits_only(input: &str) -> Option<String> {
    let mut out = String::with_capacity(input.len());
    for c in input.chars() {
        if c.is_whitespace() || matches!(c, '-' | '.' | '(' | ')' | '\u{2010}'..='\u{2015}') {
            continue;
        }
        out.push(char::from(b'0' + digit_value(c)?));
    }
    Some(out)
}

/// A Saudi mobile number in E.164 form, `+9665XXXXXXXX`, from any of the ways people
/// write it: `05XXXXXXXX`, `5XXXXXXXX`, `9665…`, `009665…`, `+9665…`, with Arabic-Indic
/// digits, spaces or hyphens.
pub fn normalize_mobile(input: &str) -> Result<String, Localized> {
    let bad = || {
        Localized::new(
            "أدخل رقم جوال سعوديًا صحيحًا، مثل 0512345678",
            "Enter a Saudi mobile number, like 0512345678",
        )
    };
    let trimmed = input.trim();
    let plus = trimmed.starts_with('+');
    let digits = digits_only(trimmed.trim_start_matches('+')).ok_or_else(bad)?;
    let national = if plus {
        digits.strip_prefix("966")
    } else if let Some(rest) = digits.strip_prefix("00966") {
        Some(rest)
    } else if let Some(rest) = digits.strip_prefix("966") {
        Some(rest)
    } else if let Some(rest) = digits.strip_prefix('0') {
        Some(rest)
    } else {
        Some(digits.as_str())
    }
    .ok_or_else(bad)?;
    if national.len() == 9 && national.starts_with('5') {
        Ok(format!("+966{national}"))
    } else {
        Err(bad())
    }
}

/// A national ID (starts with 1) or iqama number (starts with 2): ten digits whose last
/// is a Luhn check digit.
pub fn normalize_national_id(input: &str) -> Result<String, Localized> {
    let digits = digits_only(input.trim())
        .filter(|d| d.len() == 10)
        .ok_or_else(|| {
            Localized::new(
                "رقم الهوية أو الإقامة يتكون من 10 أرقام",
                "A national ID or iqama number has 10 digits",
            )
        })?;
    if !digits.starts_with(['1', '2']) {
        return Err(Localized::new(
            "رقم الهوية الوطنية يبدأ بالرقم 1 ورقم الإقامة بالرقم 2",
            "A national ID number starts with 1 and an iqama number with 2",
        ));
    }
    let sum: u32 = digits
        .bytes()
        .map(|b| u32::from(b - b'0'))
        .enumerate()
        .map(|(i, d)| {
            if i % 2 == 0 {
                (d * 2) / 10 + (d * 2) % 10
            } else {
                d
            }
        })
        .sum();
    if !sum.is_multiple_of(10) {
        return Err(Localized::new(
            "رقم الهوية أو الإقامة غير صحيح، تحقق من الأرقام",
            "This national ID or iqama number is not right. Check the digits",
        ));
    }
    Ok(digits)
}

/// A commercial registration number: ten digits, starting with the issuing office's
/// region (1 to 5) or, for the unified national number, 7. The format has no check
/// digit.
pub fn normalize_cr_number(input: &str) -> Result<String, Localized> {
    let digits = digits_only(input.trim())
        .filter(|d| d.len() == 10)
        .ok_or_else(|| {
            Localized::new(
                "رقم السجل التجاري يتكون من 10 أرقام",
                "A commercial registration number has 10 digits",
            )
        })?;
    if !digits.starts_with(['1', '2', '3', '4', '5', '7']) {
        return Err(Localized::new(
            "رقم السجل التجاري يبدأ بالرقم 1 إلى 5 أو بالرقم 7",
            "A commercial registration number starts with 1 to 5, or 7",
        ));
    }
    Ok(digits)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mobile_numbers_in_every_common_form_become_e164() {
        for typed in [
            "0512345678",
            "512345678",
            "+966512345678",
            "966512345678",
            "00966512345678",
            "+966 51 234 5678",
            "051-234-5678",
            "٠٥١٢٣٤٥٦٧٨",
            "۰۵۱۲۳۴۵۶۷۸",
        ] {
            assert_eq!(
                normalize_mobile(typed).as_deref(),
                Ok("+966512345678"),
                "{typed}"
            );
        }
    }

    #[test]
    fn landlines_foreign_and_malformed_numbers_are_refused() {
        for typed in [
            "0112345678",
            "+971501234567",
            "05123",
            "05123456789",
            "05-abc-5678",
            "",
            "+",
            "+0512345678",
        ] {
            let err = normalize_mobile(typed).unwrap_err();
            assert!(err.en.contains("Saudi mobile"), "{typed}");
            assert!(!err.ar.is_empty());
        }
    }

    /// Appends the Luhn digit to a nine-digit prefix, to build valid test numbers.
    fn with_luhn(prefix: &str) -> String {
        (0..=9)
            .map(|d| format!("{prefix}{d}"))
            .find(|candidate| normalize_national_id(candidate).is_ok())
            .unwrap()
    }

    #[test]
    fn national_ids_and_iqamas_with_a_right_check_digit_are_accepted() {
        let citizen = with_luhn("108765432");
        let resident = with_luhn("212345678");
        assert!(citizen.starts_with('1') && resident.starts_with('2'));
        let arabic: String = citizen
            .chars()
            .map(|c| char::from_u32(0x0660 + (c as u32 - 48)).unwrap())
            .collect();
        assert_eq!(normalize_national_id(&arabic), Ok(citizen.clone()));
        assert_eq!(
            normalize_national_id(&format!(" {} ", &resident)),
            Ok(resident)
        );
    }

    #[test]
    fn a_wrong_check_digit_length_or_first_digit_is_refused_with_its_reason() {
        let good = with_luhn("108765432");
        let last = good.as_bytes()[9] - b'0';
        let bad_check = format!("{}{}", &good[..9], (last + 1) % 10);
        assert!(normalize_national_id(&bad_check)
            .unwrap_err()
            .en
            .contains("not right"));
        assert!(normalize_national_id("10876543")
            .unwrap_err()
            .en
            .contains("10 digits"));
        assert!(normalize_national_id("3087654321")
            .unwrap_err()
            .en
            .contains("starts with 1"));
        assert!(normalize_national_id("1o87654321")
            .unwrap_err()
            .en
            .contains("10 digits"));
    }

    #[test]
    fn commercial_registration_numbers_are_ten_digits_from_a_known_series() {
        assert_eq!(
            normalize_cr_number("2050 012345").as_deref(),
            Ok("2050012345")
        );
        assert_eq!(
            normalize_cr_number("7001234567").as_deref(),
            Ok("7001234567")
        );
        assert!(normalize_cr_number("205001234")
            .unwrap_err()
            .en
            .contains("10 digits"));
        assert!(normalize_cr_number("9050012345")
            .unwrap_err()
            .en
            .contains("starts with"));
    }
}
