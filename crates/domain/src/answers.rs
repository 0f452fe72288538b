//! Validating a citizen's answers against a service's form definition: the one rule the
//! browser runs before sending and the server runs again before storing.
//!
//! Answers travel as a JSON object keyed by field id. Validation returns them cleaned
//! (trimmed, normalised: phone numbers in E.164, digits in ASCII, yes/no as `"yes"`/`"no"`)
//! or every problem at once, each naming its field, in Arabic and English. Answers to
//! questions that are hidden by their condition are dropped; answers to questions the
//! form does not have are refused.

use serde_json::{Map, Number, Value};

use crate::calendar::Date;
use crate::form::{DateRange, Field, FieldKind, FormDefinition};
use crate::identity::{normalize_cr_number, normalize_mobile, normalize_national_id};
use crate::locale::Localized;
use crate::reference::digit_value;
use crate::text::{check_text, Lines};

/// A coordinate with five decimals (about a metre), written without float formatting:
/// `26.42070`, `-0.50000`.
pub fn format_coordinate(x: f64) -> String {
    let scaled = (x * 100_000.0).round() as i64;
    let sign = if scaled < 0 { "-" } else { "" };
    let abs = scaled.unsigned_abs();
    format!("{sign}{}.{:05}", abs / 100_000, abs % 100_000)
}

/// Longest free-text address of a location answer.
pub const MAX_ADDRESS_LENGTH: usize = 300;
/// Longest upload id accepted in an attachment answer.
const MAX_UPLOAD_ID_LENGTH: usize = 64;

/// True for a well-formed upload id: 1 to 64 ASCII letters, digits or `-`. (Whether the
/// upload exists is the server's to check.)
pub fn is_upload_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= MAX_UPLOAD_ID_LENGTH
        && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

/// One answer that is not acceptable, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InvalidAnswer {
    pub field: String,
    pub message: Localized,
}

/// The label as it reads inside a sentence: English labels lose their capital unless
/// they start with an acronym ("CAS number").
fn in_sentence(label: &Localized) -> (String, String) {
    let en = &label.en;
    let mut chars = en.chars();
    let en = match (chars.next(), chars.next()) {
        (Some(first), Some(second)) if first.is_uppercase() && !second.is_uppercase() => {
            first.to_lowercase().chain(en.chars().skip(1)).collect()
        }
        _ => en.clone(),
    };
    (label.ar.clone(), en)
}

fn missing(field: &Field) -> Localized {
    let (ar, en) = in_sentence(&field.label);
    match field.kind {
        FieldKind::Choice { .. } | FieldKind::YesNo => {
            Localized::new(format!("اختر {ar}"), format!("Select {en}"))
        }
        FieldKind::MultiChoice { .. } => Localized::new(
            format!("اختر خيارًا واحدًا على الأقل: {ar}"),
            format!("Select at least one option for {en}"),
        ),
        FieldKind::Attachment { .. } => {
            Localized::new(format!("أرفق {ar}"), format!("Attach {en}"))
        }
        FieldKind::Location => Localized::new(
            format!("حدد {ar}: اكتب العنوان أو حدد الموقع"),
            format!("Give the {en}: type the address or give its position"),
        ),
        _ => Localized::new(format!("أدخل {ar}"), format!("Enter {en}")),
    }
}

fn is_empty(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::String(s) => s.trim().is_empty(),
        Value::Array(items) => items.is_empty(),
        Value::Object(map) => map.values().all(is_empty),
        _ => false,
    }
}

/// Reads an integer written as a JSON number or as text (any digits, optional sign).
fn integer(value: &Value) -> Option<i64> {
    match value {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => {
            let s = s.trim();
            let (negative, digits) = match s.strip_prefix('-') {
                Some(rest) => (true, rest),
                None => (false, s),
            };
            if digits.is_empty() || digits.chars().count() > 18 {
                return None;
            }
            let mut n: i64 = 0;
            for c in digits.chars().filter(|c| *c != ',' && *c != '\u{066C}') {
                n = n * 10 + i64::from(digit_value(c)?);
            }
            Some(if negative { -n } else { n })
        }
        _ => None,
    }
}

fn check_text_answer(
    field: &Field,
    value: &Value,
    max_length: u32,
    lines: Lines,
) -> Result<Value, Localized> {
    let (ar, en) = in_sentence(&field.label);
    let Value::String(text) = value else {
        return Err(Localized::new(
            format!("{ar}: أدخل نصًا"),
            format!("Enter {en} as text"),
        ));
    };
    let text = text.trim();
    if text.chars().count() > max_length as usize {
        return Err(Localized::new(
            format!("يجب ألا يزيد {ar} على {max_length} حرف"),
            format!(
                "{} must be {max_length} characters or fewer",
                field.label.en
            ),
        ));
    }
    check_text(text, lines, (&ar, &en))?;
    Ok(Value::String(text.to_owned()))
}

fn check_number(
    field: &Field,
    value: &Value,
    min: Option<i64>,
    max: Option<i64>,
) -> Result<Value, Localized> {
    let (ar, _) = in_sentence(&field.label);
    let en = &field.label.en;
    let n = integer(value).ok_or_else(|| {
        Localized::new(
            format!("يجب أن يكون {ar} رقمًا صحيحًا"),
            format!("{en} must be a whole number"),
        )
    })?;
    if let Some(min) = min.filter(|min| n < *min) {
        return Err(Localized::new(
            format!("يجب أن يكون {ar} {min} أو أكثر"),
            format!("{en} must be {min} or more"),
        ));
    }
    if let Some(max) = max.filter(|max| n > *max) {
        return Err(Localized::new(
            format!("يجب أن يكون {ar} {max} أو أقل"),
            format!("{en} must be {max} or less"),
        ));
    }
    Ok(Value::Number(Number::from(n)))
}

fn check_date(
    field: &Field,
    value: &Value,
    range: DateRange,
    today: Date,
) -> Result<Value, Localized> {
    let (ar, _) = in_sentence(&field.label);
    let en = &field.label.en;
    let date = value.as_str().and_then(Date::parse).ok_or_else(|| {
        Localized::new(
            format!("يجب أن يكون {ar} تاريخًا صحيحًا"),
            format!("{en} must be a real date"),
        )
    })?;
    match range {
        DateRange::PastOrToday if date > today => Err(Localized::new(
            format!("يجب أن يكون {ar} اليوم أو قبله"),
            format!("{en} must be today or in the past"),
        )),
        DateRange::TodayOrFuture if date < today => Err(Localized::new(
            format!("يجب أن يكون {ar} اليوم أو بعده"),
            format!("{en} must be today or in the future"),
        )),
        _ => Ok(Value::String(date.to_string())),
    }
}

fn not_an_option(field: &Field) -> Localized {
    let (ar, en) = in_sentence(&field.label);
    Localized::new(
        format!("اختر {ar} من الخيارات المعروضة"),
        format!("Select {en} from the options shown"),
    )
}

/// Validates a location given beside the answers (`{ lat?, lng?, address? }`): a map point,
/// a typed address, or both.
pub fn validate_location(value: &Value) -> Result<Value, Localized> {
    check_location(&Localized::new("الموقع", "Location"), value)
}

fn check_location(label: &Localized, value: &Value) -> Result<Value, Localized> {
    let (ar, en) = in_sentence(label);
    let bad = || {
        Localized::new(
            format!("{ar}: الإحداثيات أو العنوان غير صحيحة"),
            format!("The {en} is not right: check the map point or the address"),
        )
    };
    let Value::Object(map) = value else {
        return Err(bad());
    };
    if map
        .keys()
        .any(|k| !matches!(k.as_str(), "lat" | "lng" | "address"))
    {
        return Err(bad());
    }
    let coordinate = |key: &str, limit: f64| match map.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => v
            .as_f64()
            .filter(|x| x.is_finite() && x.abs() <= limit)
            .map(Some)
            .ok_or_else(bad),
    };
    let (lat, lng) = (coordinate("lat", 90.0)?, coordinate("lng", 180.0)?);
    let address = match map.get("address") {
        None | Some(Value::Null) => None,
        Some(Value::String(a)) if a.trim().is_empty() => None,
        Some(Value::String(a)) if a.trim().chars().count() <= MAX_ADDRESS_LENGTH => {
            check_text(a.trim(), Lines::One, ("العنوان", "the address"))?;
            Some(a.trim().to_owned())
        }
        Some(_) => {
            return Err(Localized::new(
                format!("يجب ألا يزيد العنوان على {MAX_ADDRESS_LENGTH} حرف"),
                format!("The address must be {MAX_ADDRESS_LENGTH} characters or fewer"),
            ))
        }
    };
    if lat.is_some() != lng.is_some() || (lat.is_none() && address.is_none()) {
        return Err(bad());
    }
    let mut clean = Map::new();
    if let (Some(lat), Some(lng)) = (lat, lng) {
        clean.insert("lat".into(), Value::from(lat));
        clean.insert("lng".into(), Value::from(lng));
    }
    if let Some(address) = address {
        clean.insert("address".into(), Value::String(address));
    }
    Ok(Value::Object(clean))
}

fn check_attachments(field: &Field, value: &Value, max_files: u8) -> Result<Value, Localized> {
    let (ar, en) = in_sentence(&field.label);
    let ids = value
        .as_array()
        .filter(|ids| ids.iter().all(|id| id.as_str().is_some_and(is_upload_id)));
    let Some(ids) = ids else {
        return Err(Localized::new(
            format!("{ar}: الملفات المرفقة غير صحيحة"),
            format!("The files attached as {en} are not valid"),
        ));
    };
    let mut unique: Vec<&Value> = Vec::with_capacity(ids.len());
    for id in ids {
        if !unique.contains(&id) {
            unique.push(id);
        }
    }
    if unique.len() > usize::from(max_files) {
        return Err(Localized::new(
            format!("يمكنك إرفاق {max_files} ملفات كحد أقصى في {ar}"),
            format!("You can attach up to {max_files} files as {en}"),
        ));
    }
    Ok(Value::Array(unique.into_iter().cloned().collect()))
}

/// Checks one present, non-empty answer and returns it cleaned.
fn check_answer(field: &Field, value: &Value, today: Date) -> Result<Value, Localized> {
    let identity = |result: Result<String, Localized>| {
        let (ar, en) = in_sentence(&field.label);
        match value {
            Value::String(_) => result.map(Value::String),
            _ => Err(Localized::new(format!("أدخل {ar}"), format!("Enter {en}"))),
        }
    };
    match &field.kind {
        FieldKind::Text { max_length } => check_text_answer(field, value, *max_length, Lines::One),
        FieldKind::LongText { max_length } => {
            check_text_answer(field, value, *max_length, Lines::Many)
        }
        FieldKind::Number { min, max } => check_number(field, value, *min, *max),
        FieldKind::Date { range } => check_date(field, value, *range, today),
        FieldKind::Choice { options } => match value.as_str() {
            Some(v) if options.iter().any(|o| o.value == v) => Ok(value.clone()),
            _ => Err(not_an_option(field)),
        },
        FieldKind::MultiChoice {
            options,
            max_selected,
        } => {
            let chosen: Option<Vec<&str>> = value
                .as_array()
                .and_then(|items| items.iter().map(Value::as_str).collect());
            let Some(chosen) =
                chosen.filter(|c| c.iter().all(|v| options.iter().any(|o| o.value == *v)))
            else {
                return Err(not_an_option(field));
            };
            // Keep the form's order and drop repeats.
            let clean: Vec<Value> = options
                .iter()
                .filter(|o| chosen.contains(&o.value.as_str()))
                .map(|o| Value::String(o.value.clone()))
                .collect();
            if let Some(max) = max_selected.filter(|max| clean.len() > usize::from(*max)) {
                let (ar, en) = in_sentence(&field.label);
                return Err(Localized::new(
                    format!("اختر {max} خيارات كحد أقصى في {ar}"),
                    format!("Select up to {max} options for {en}"),
                ));
            }
            Ok(Value::Array(clean))
        }
        FieldKind::YesNo => match value {
            Value::Bool(true) => Ok("yes".into()),
            Value::Bool(false) => Ok("no".into()),
            Value::String(s) if s == "yes" || s == "no" => Ok(value.clone()),
            _ => Err(not_an_option(field)),
        },
        FieldKind::Phone => identity(
            value
                .as_str()
                .map_or(Err(Localized::default()), normalize_mobile),
        ),
        FieldKind::NationalId => identity(
            value
                .as_str()
                .map_or(Err(Localized::default()), normalize_national_id),
        ),
        FieldKind::CrNumber => identity(
            value
                .as_str()
                .map_or(Err(Localized::default()), normalize_cr_number),
        ),
        FieldKind::Location => check_location(&field.label, value),
        FieldKind::Attachment { max_files, .. } => check_attachments(field, value, *max_files),
    }
}

/// True when `field` is asked, given the cleaned answers to the fields before it.
fn is_shown(field: &Field, clean: &Map<String, Value>) -> bool {
    let Some(condition) = &field.show_if else {
        return true;
    };
    match clean.get(&condition.field) {
        Some(Value::String(v)) => *v == condition.equals,
        Some(Value::Array(items)) => items
            .iter()
            .any(|v| v.as_str() == Some(condition.equals.as_str())),
        _ => false,
    }
}

impl FormDefinition {
    /// The questions asked given these (cleaned) answers: hidden conditional ones left out.
    pub fn visible_fields<'a>(
        &'a self,
        clean: &'a Map<String, Value>,
    ) -> impl Iterator<Item = &'a Field> + 'a {
        self.fields.iter().filter(move |f| is_shown(f, clean))
    }

    /// Validates `answers` as of `today` (for date limits). Returns the cleaned answers,
    /// or every problem found, in the form's order.
    pub fn validate_answers(
        &self,
        answers: &Map<String, Value>,
        today: Date,
    ) -> Result<Map<String, Value>, Vec<InvalidAnswer>> {
        let mut problems = Vec::new();
        for key in answers.keys() {
            if self.field(key).is_none() {
                problems.push(InvalidAnswer {
                    field: key.clone(),
                    message: Localized::new(
                        "هذا السؤال ليس من أسئلة هذه الخدمة",
                        "This question is not part of this service",
                    ),
                });
            }
        }
        let mut clean = Map::new();
        for field in &self.fields {
            if !is_shown(field, &clean) {
                continue;
            }
            match answers.get(&field.id).filter(|v| !is_empty(v)) {
                None if field.required => problems.push(InvalidAnswer {
                    field: field.id.clone(),
                    message: missing(field),
                }),
                None => {}
                Some(value) => match check_answer(field, value, today) {
                    Ok(value) => {
                        clean.insert(field.id.clone(), value);
                    }
                    Err(message) => problems.push(InvalidAnswer {
                        field: field.id.clone(),
                        message,
                    }),
                },
            }
        }
        if problems.is_empty() {
            Ok(clean)
        } else {
            Err(problems)
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::form::{Accept, Choice, Condition};

    fn field(id: &str, kind: FieldKind) -> Field {
        Field {
            id: id.into(),
            label: Localized::new("السؤال", "Shop name"),
            hint: None,
            required: true,
            show_if: None,
            kind,
        }
    }

    fn options(values: &[&str]) -> Vec<Choice> {
        values
            .iter()
            .map(|v| Choice {
                value: (*v).into(),
                label: Localized::new("خ", "o"),
            })
            .collect()
    }

    fn today() -> Date {
        Date::parse("2026-11-23").unwrap()
    }

    fn form(fields: Vec<Field>) -> FormDefinition {
        FormDefinition { fields }
    }

    fn answers(value: Value) -> Map<String, Value> {
        value.as_object().unwrap().clone()
    }

    /// The fields in error, in order, for one field of `kind` answered with `value`.
    fn rejects(kind: FieldKind, value: Value) -> Vec<InvalidAnswer> {
        form(vec![field("q", kind)])
            .validate_answers(&answers(json!({ "q": value })), today())
            .unwrap_err()
    }

    fn accepts(kind: FieldKind, value: Value) -> Value {
        let clean = form(vec![field("q", kind)])
            .validate_answers(&answers(json!({ "q": value })), today())
            .unwrap();
        clean["q"].clone()
    }

    #[test]
    fn text_is_trimmed_and_limited_in_characters_not_bytes() {
        let kind = FieldKind::Text { max_length: 5 };
        assert_eq!(accepts(kind.clone(), json!("  محلّ  ")), json!("محلّ"));
        let err = rejects(kind.clone(), json!("abcdef"));
        assert_eq!(err[0].message.en, "Shop name must be 5 characters or fewer");
        assert!(err[0].message.ar.contains("5"));
        assert_eq!(
            rejects(kind.clone(), json!(12))[0].message.en,
            "Enter shop name as text"
        );
        assert_eq!(
            rejects(FieldKind::LongText { max_length: 3 }, json!("long"))[0].field,
            "q"
        );
    }

    #[test]
    fn a_control_character_is_refused_in_text_answers_and_line_breaks_only_in_long_text() {
        let short = FieldKind::Text { max_length: 50 };
        let long = FieldKind::LongText { max_length: 50 };
        let err = rejects(short.clone(), json!("Al\0Noor"));
        assert_eq!(
            err[0].message.en,
            "Remove the hidden control characters from shop name"
        );
        assert_eq!(rejects(long.clone(), json!("a\u{7}b")).len(), 1);
        assert_eq!(rejects(short, json!("one\ntwo")).len(), 1);
        assert_eq!(
            accepts(long, json!(" one\r\ntwo\t3 ")),
            json!("one\r\ntwo\t3")
        );
        let address = rejects(FieldKind::Location, json!({ "address": "King Fahd\0Road" }));
        assert!(address[0].message.en.contains("the address"), "{address:?}");
    }

    #[test]
    fn numbers_accept_digits_in_any_script_and_respect_limits() {
        let kind = FieldKind::Number {
            min: Some(1),
            max: Some(500),
        };
        assert_eq!(accepts(kind.clone(), json!(42)), json!(42));
        assert_eq!(accepts(kind.clone(), json!("٤٢")), json!(42));
        assert_eq!(
            rejects(kind.clone(), json!("4.5"))[0].message.en,
            "Shop name must be a whole number"
        );
        assert_eq!(
            rejects(kind.clone(), json!(0))[0].message.en,
            "Shop name must be 1 or more"
        );
        assert_eq!(
            rejects(kind.clone(), json!(501))[0].message.en,
            "Shop name must be 500 or less"
        );
        assert_eq!(rejects(kind.clone(), json!(true)).len(), 1);
        assert_eq!(rejects(kind, json!("99999999999999999999")).len(), 1);
    }

    #[test]
    fn dates_must_be_real_and_within_their_range() {
        let past = FieldKind::Date {
            range: DateRange::PastOrToday,
        };
        let future = FieldKind::Date {
            range: DateRange::TodayOrFuture,
        };
        assert_eq!(
            accepts(past.clone(), json!("2026-11-23")),
            json!("2026-11-23")
        );
        assert_eq!(
            rejects(past.clone(), json!("2026-11-24"))[0].message.en,
            "Shop name must be today or in the past"
        );
        assert_eq!(
            rejects(future.clone(), json!("2026-11-22"))[0].message.en,
            "Shop name must be today or in the future"
        );
        assert_eq!(
            rejects(future, json!("2026-02-30"))[0].message.en,
            "Shop name must be a real date"
        );
        assert_eq!(
            rejects(
                FieldKind::Date {
                    range: DateRange::Any
                },
                json!(20261123)
            )
            .len(),
            1
        );
    }

    #[test]
    fn choices_must_be_one_of_the_options() {
        let kind = FieldKind::Choice {
            options: options(&["a", "b"]),
        };
        assert_eq!(accepts(kind.clone(), json!("b")), json!("b"));
        assert_eq!(
            rejects(kind.clone(), json!("c"))[0].message.en,
            "Select shop name from the options shown"
        );
        assert_eq!(rejects(kind, json!(["a"])).len(), 1);
    }

    #[test]
    fn multiple_choices_keep_form_order_drop_repeats_and_respect_the_maximum() {
        let kind = FieldKind::MultiChoice {
            options: options(&["a", "b", "c"]),
            max_selected: Some(2),
        };
        assert_eq!(
            accepts(kind.clone(), json!(["c", "a", "c"])),
            json!(["a", "c"])
        );
        assert_eq!(
            rejects(kind.clone(), json!(["a", "b", "c"]))[0].message.en,
            "Select up to 2 options for shop name"
        );
        assert_eq!(rejects(kind.clone(), json!(["a", "z"])).len(), 1);
        assert_eq!(rejects(kind, json!("a")).len(), 1);
    }

    #[test]
    fn yes_no_is_stored_as_yes_or_no() {
        assert_eq!(accepts(FieldKind::YesNo, json!(true)), json!("yes"));
        assert_eq!(accepts(FieldKind::YesNo, json!("no")), json!("no"));
        assert_eq!(rejects(FieldKind::YesNo, json!("maybe")).len(), 1);
    }

    #[test]
    fn phones_ids_and_cr_numbers_are_normalised_or_refused() {
        assert_eq!(
            accepts(FieldKind::Phone, json!("٠٥٥ ١٢٣ ٤٥٦٧")),
            json!("+966551234567")
        );
        assert!(rejects(FieldKind::Phone, json!("0112345678"))[0]
            .message
            .en
            .contains("Saudi mobile"));
        assert_eq!(
            rejects(FieldKind::Phone, json!(551234567))[0].message.en,
            "Enter shop name"
        );
        assert_eq!(
            accepts(FieldKind::NationalId, json!("1000000008")),
            json!("1000000008")
        );
        assert!(rejects(FieldKind::NationalId, json!("1000000009"))[0]
            .message
            .en
            .contains("not right"));
        assert_eq!(
            accepts(FieldKind::CrNumber, json!("2050-012345")),
            json!("2050012345")
        );
        assert!(rejects(FieldKind::CrNumber, json!("905001234"))[0]
            .message
            .en
            .contains("10 digits"));
    }

    #[test]
    fn a_location_needs_a_point_or_an_address_and_sane_coordinates() {
        assert_eq!(
            accepts(FieldKind::Location, json!({ "address": " King Fahd Rd " })),
            json!({ "address": "King Fahd Rd" })
        );
        assert_eq!(
            accepts(FieldKind::Location, json!({ "lat": 26.4, "lng": 50.1 })),
            json!({ "lat": 26.4, "lng": 50.1 })
        );
        for bad in [
            json!({ "lat": 26.4 }),
            json!({ "lat": 91.0, "lng": 50.0 }),
            json!({ "lat": "x", "lng": 50.0 }),
            json!({ "address": "a", "floor": 2 }),
            json!({ "address": "x".repeat(MAX_ADDRESS_LENGTH + 1) }),
            json!("Dammam"),
        ] {
            assert_eq!(rejects(FieldKind::Location, bad.clone()).len(), 1, "{bad}");
        }
    }

    #[test]
    fn a_missing_location_names_what_the_forms_offer_and_no_map() {
        let err = form(vec![field("where", FieldKind::Location)])
            .validate_answers(&answers(json!({})), today())
            .unwrap_err();
        // The citizens' page offers a typed address and "use my current location", the
        // desk and the partners' API an address or a position: none has a map.
        assert_eq!(
            err[0].message.en,
            "Give the shop name: type the address or give its position"
        );
        assert!(err[0].message.ar.contains("اكتب العنوان"));
        assert!(!err[0].message.ar.contains("الخريطة") && !err[0].message.en.contains("map"));
    }

    #[test]
    fn coordinates_show_five_decimals() {
        assert_eq!(format_coordinate(26.4207), "26.42070");
        assert_eq!(format_coordinate(50.088_849), "50.08885");
        assert_eq!(format_coordinate(-0.5), "-0.50000");
        assert_eq!(format_coordinate(0.0), "0.00000");
    }

    #[test]
    fn attachments_are_a_bounded_list_of_upload_ids() {
        let kind = FieldKind::Attachment {
            max_files: 2,
            max_size_mb: 5,
            accept: Accept::Images,
        };
        assert_eq!(
            accepts(kind.clone(), json!(["u-1", "u-1", "u-2"])),
            json!(["u-1", "u-2"])
        );
        assert_eq!(
            rejects(kind.clone(), json!(["a", "b", "c"]))[0].message.en,
            "You can attach up to 2 files as shop name"
        );
        assert_eq!(rejects(kind.clone(), json!(["../etc/passwd"])).len(), 1);
        assert_eq!(rejects(kind, json!("u-1")).len(), 1);
    }

    #[test]
    fn every_missing_required_answer_and_unknown_question_is_reported_at_once() {
        let mut optional = field("note", FieldKind::Text { max_length: 10 });
        optional.required = false;
        let definition = form(vec![
            field("name", FieldKind::Text { max_length: 10 }),
            field(
                "kind",
                FieldKind::Choice {
                    options: options(&["a", "b"]),
                },
            ),
            optional,
            field(
                "files",
                FieldKind::Attachment {
                    max_files: 1,
                    max_size_mb: 1,
                    accept: Accept::Pdf,
                },
            ),
        ]);
        let err = definition
            .validate_answers(
                &answers(json!({ "name": "  ", "files": [], "extra": 1 })),
                today(),
            )
            .unwrap_err();
        let fields: Vec<&str> = err.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["extra", "name", "kind", "files"]);
        assert_eq!(err[1].message.en, "Enter shop name");
        assert_eq!(err[2].message.en, "Select shop name");
        assert_eq!(err[3].message.en, "Attach shop name");
        assert!(err.iter().all(|e| !e.message.ar.is_empty()));
    }

    #[test]
    fn a_conditional_question_is_required_only_when_shown_and_dropped_when_hidden() {
        let mut detail = field("food", FieldKind::Text { max_length: 20 });
        detail.show_if = Some(Condition {
            field: "handles_food".into(),
            equals: "yes".into(),
        });
        let definition = form(vec![field("handles_food", FieldKind::YesNo), detail]);
        let err = definition
            .validate_answers(&answers(json!({ "handles_food": "yes" })), today())
            .unwrap_err();
        assert_eq!(err[0].field, "food");
        let clean = definition
            .validate_answers(
                &answers(json!({ "handles_food": "no", "food": "bread" })),
                today(),
            )
            .unwrap();
        assert_eq!(Value::Object(clean), json!({ "handles_food": "no" }));
        let clean = definition
            .validate_answers(
                &answers(json!({ "handles_food": true, "food": "bread" })),
                today(),
            )
            .unwrap();
        assert_eq!(
            Value::Object(clean),
            json!({ "handles_food": "yes", "food": "bread" })
        );
    }

    #[test]
    fn acronym_labels_keep_their_capitals_in_sentences() {
        let mut f = field("cas", FieldKind::Text { max_length: 2 });
        f.label = Localized::new("رقم", "CAS number");
        let err = form(vec![f])
            .validate_answers(&Map::new(), today())
            .unwrap_err();
        assert_eq!(err[0].message.en, "Enter CAS number");
    }
}
