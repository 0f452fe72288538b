//! Whole numbers as JSON sends them. JSON has one kind of number, and JSON Schema counts
//! `3.0` as the integer 3; serde would refuse it for an integer field. The integer fields
//! of what clients send read through these, so `3` and `3.0` are the same answer and a
//! fraction (`3.5`) or a number out of the field's range is refused, as before. They only
//! read numbers; what is written stays an integer.

use serde::de::Error;
use serde::{Deserialize, Deserializer};

/// A JSON number that is whole, as `T` when it fits `T`.
fn whole_of<T: TryFrom<i128>>(number: &serde_json::Number) -> Option<T> {
    let value = match (number.as_i64(), number.as_u64(), number.as_f64()) {
        (Some(i), _, _) => i128::from(i),
        (_, Some(u), _) => i128::from(u),
        // Past 2^53 a float no longer spells every integer: such a number is not read.
        (_, _, Some(f)) if f.fract() == 0.0 && f.abs() <= 9_007_199_254_740_992.0 => f as i128,
        _ => return None,
    };
    T::try_from(value).ok()
}

/// The value of `number` if it is a whole number (`3` or `3.0`) that fits `T`.
pub fn whole_number<T: TryFrom<i128>>(value: &serde_json::Value) -> Option<T> {
    value.as_number().and_then(whole_of)
}

/// `#[serde(deserialize_with = "crate::number::whole")]`: an integer field that also
/// takes a whole number written with a fraction part (`3.0`).
pub fn whole<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: TryFrom<i128>,
{
    let number = serde_json::Number::deserialize(deserializer)?;
    whole_of(&number).ok_or_else(|| {
        D::Error::custom(format!(
            "invalid value: {number}, expected a whole number in range"
        ))
    })
}

/// As [`whole`], for an optional field (`null` or absent: `None`; with `#[serde(default)]`).
pub fn whole_opt<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: TryFrom<i128>,
{
    match Option::<serde_json::Number>::deserialize(deserializer)? {
        None => Ok(None),
        Some(number) => whole_of(&number).map(Some).ok_or_else(|| {
            D::Error::custom(format!(
                "invalid value: {number}, expected a whole number in range"
            ))
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Deserialize, PartialEq)]
    struct Sample {
        #[serde(deserialize_with = "whole")]
        count: u8,
        #[serde(default, deserialize_with = "whole_opt")]
        limit: Option<i64>,
    }

    fn read(json: &str) -> Result<Sample, serde_json::Error> {
        serde_json::from_str(json)
    }

    #[test]
    fn a_whole_number_reads_the_same_with_or_without_a_fraction_part() {
        for json in [r#"{"count":3,"limit":-7}"#, r#"{"count":3.0,"limit":-7.0}"#] {
            assert_eq!(
                read(json).unwrap(),
                Sample {
                    count: 3,
                    limit: Some(-7)
                },
                "{json}"
            );
        }
        assert_eq!(read(r#"{"count":1e2}"#).unwrap().count, 100);
        assert_eq!(read(r#"{"count":0,"limit":null}"#).unwrap().limit, None);
    }

    #[test]
    fn fractions_numbers_out_of_range_and_other_values_are_refused() {
        for json in [
            r#"{"count":3.5}"#,
            r#"{"count":256}"#,
            r#"{"count":-1}"#,
            r#"{"count":"3"}"#,
            r#"{"count":1e300}"#,
            r#"{"count":1,"limit":0.5}"#,
        ] {
            assert!(read(json).is_err(), "{json}");
        }
        assert_eq!(whole_number::<u8>(&serde_json::json!(5.0)), Some(5));
        assert_eq!(whole_number::<u8>(&serde_json::json!("5")), None);
    }
}
