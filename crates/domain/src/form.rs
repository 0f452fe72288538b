//! Form definitions: the questions a service asks, their kinds and limits, and which
//! question is shown only for some answer to an earlier one.
//!
//! A definition is data (seeded, and later edited by agency admins), so it is checked
//! here before it is ever saved: [`FormDefinition::check`] is that one check. Validating
//! a citizen's *answers* against a definition is a separate rule that builds on these
//! types.

use serde::{Deserialize, Serialize};

use crate::locale::{Locale, Localized};
use crate::text::{is_clean, refusal, Lines};

/// Most questions one form may have; more than this is a form nobody finishes.
pub const MAX_FIELDS: usize = 40;
/// Longest field id.
pub const MAX_ID_LEN: usize = 40;
/// Longest text answer any form may allow.
pub const MAX_TEXT_LENGTH: u32 = 10_000;
/// Most files one attachment question may take.
pub const MAX_ATTACHMENT_FILES: u8 = 10;
/// Largest single file one attachment question may allow, in MiB.
pub const MAX_ATTACHMENT_MB: u8 = 20;
/// Widest or tallest image an attachment may be, in pixels (every phone camera fits).
pub const MAX_IMAGE_SIDE_PX: u32 = 12_000;
/// Most pixels an attached image may declare. Checked on the file's header before
/// anything decodes it: a small file can declare a picture that takes gigabytes to open.
pub const MAX_IMAGE_PIXELS: u64 = 50_000_000;

/// The questions of a service, in the order they are asked.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FormDefinition {
    pub fields: Vec<Field>,
}

/// One question. On the wire its kind and the kind's limits sit beside the common
/// attributes: `{ "id", "type": "choice", "label", "options": [...] }`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "FieldWire", into = "FieldWire")]
pub struct Field {
    /// Stable id: the key of the answer. Lowercase ASCII letters, digits and `_`.
    pub id: String,
    pub label: Localized,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hint: Option<Localized>,
    /// Optional questions are marked "(optional)" to the applicant.
    pub required: bool,
    /// Ask this question only when an earlier answer has a given value.
    pub show_if: Option<Condition>,
    pub kind: FieldKind,
}

/// The names of the field kinds on the wire.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
enum KindTag {
    Text,
    LongText,
    Number,
    Date,
    Choice,
    MultiChoice,
    YesNo,
    Phone,
    NationalId,
    CrNumber,
    Location,
    Attachment,
}

/// A field as written in JSON: flat, every kind's limits optional. Going through this
/// plain struct instead of `#[serde(flatten)]` over an internally tagged enum keeps serde
/// from buffering every field, which costs tens of kilobytes of WASM.
#[derive(Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
struct FieldWire {
    id: String,
    #[serde(rename = "type")]
    kind: KindTag,
    label: Localized,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    hint: Option<Localized>,
    #[serde(default = "required_by_default")]
    required: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    show_if: Option<Condition>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::number::whole_opt"
    )]
    max_length: Option<u32>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::number::whole_opt"
    )]
    min: Option<i64>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::number::whole_opt"
    )]
    max: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    range: Option<DateRange>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    options: Option<Vec<Choice>>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::number::whole_opt"
    )]
    #[cfg_attr(feature = "openapi", schema(maximum = 65535))]
    max_selected: Option<u16>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::number::whole_opt"
    )]
    #[cfg_attr(feature = "openapi", schema(maximum = 255))]
    max_files: Option<u8>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::number::whole_opt"
    )]
    #[cfg_attr(feature = "openapi", schema(maximum = 255))]
    max_size_mb: Option<u8>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    accept: Option<Accept>,
}

/// In the OpenAPI document: its wire form (`FieldWire`: the kind as `type` beside its
/// settings), with what [`Field`]'s reading requires of each kind: a choice its options,
/// an attachment question its limits.
#[cfg(feature = "openapi")]
impl utoipa::PartialSchema for Field {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{
            AllOfBuilder, ArrayBuilder, ObjectBuilder, OneOfBuilder, Type,
        };
        use utoipa::openapi::{Ref, RefOr, Schema};
        let kinds = |kinds: &[&str], needs: Vec<(&str, RefOr<Schema>)>| {
            let kind = ObjectBuilder::new()
                .schema_type(Type::String)
                .enum_values(Some(kinds.iter().copied()));
            let mut object = ObjectBuilder::new().property("type", kind).required("type");
            for (name, schema) in needs {
                object = object.property(name, schema).required(name);
            }
            Schema::AllOf(
                AllOfBuilder::new()
                    .item(Ref::from_schema_name("FieldWire"))
                    .item(object)
                    .build(),
            )
        };
        let whole = |maximum: f64| {
            RefOr::from(
                ObjectBuilder::new()
                    .schema_type(Type::Integer)
                    .minimum(Some(0))
                    .maximum(Some(maximum))
                    .build(),
            )
        };
        let options = ArrayBuilder::new()
            .items(Ref::from_schema_name("Choice"))
            .build();
        OneOfBuilder::new()
            .item(kinds(
                &["choice", "multi_choice"],
                vec![("options", options.into())],
            ))
            .item(kinds(
                &["attachment"],
                vec![("max_files", whole(255.0)), ("max_size_mb", whole(255.0))],
            ))
            .item(kinds(
                &[
                    "text",
                    "long_text",
                    "number",
                    "date",
                    "yes_no",
                    "phone",
                    "national_id",
                    "cr_number",
                    "location",
                ],
                Vec::new(),
            ))
            .into()
    }
}

#[cfg(feature = "openapi")]
impl utoipa::ToSchema for Field {
    fn schemas(
        schemas: &mut Vec<(
            String,
            utoipa::openapi::RefOr<utoipa::openapi::schema::Schema>,
        )>,
    ) {
        use utoipa::{PartialSchema, ToSchema};
        schemas.push((FieldWire::name().into_owned(), FieldWire::schema()));
        <FieldWire as ToSchema>::schemas(schemas);
    }
}

impl TryFrom<FieldWire> for Field {
    type Error = String;

    fn try_from(w: FieldWire) -> Result<Self, Self::Error> {
        let missing = |what: &str| format!("field {}: a {:?} question needs {what}", w.id, w.kind);
        let kind = match w.kind {
            KindTag::Text => FieldKind::Text {
                max_length: w.max_length.unwrap_or_else(default_text_max),
            },
            KindTag::LongText => FieldKind::LongText {
                max_length: w.max_length.unwrap_or_else(default_long_text_max),
            },
            KindTag::Number => FieldKind::Number {
                min: w.min,
                max: w.max,
            },
            KindTag::Date => FieldKind::Date {
                range: w.range.unwrap_or_default(),
            },
            KindTag::Choice => FieldKind::Choice {
                options: w.options.ok_or_else(|| missing("options"))?,
            },
            KindTag::MultiChoice => FieldKind::MultiChoice {
                options: w.options.ok_or_else(|| missing("options"))?,
                max_selected: w.max_selected,
            },
            KindTag::YesNo => FieldKind::YesNo,
            KindTag::Phone => FieldKind::Phone,
            KindTag::NationalId => FieldKind::NationalId,
            KindTag::CrNumber => FieldKind::CrNumber,
            KindTag::Location => FieldKind::Location,
            KindTag::Attachment => FieldKind::Attachment {
                max_files: w.max_files.ok_or_else(|| missing("max_files"))?,
                max_size_mb: w.max_size_mb.ok_or_else(|| missing("max_size_mb"))?,
                accept: w.accept.unwrap_or_default(),
            },
        };
        Ok(Field {
            id: w.id,
            label: w.label,
            hint: w.hint,
            required: w.required,
            show_if: w.show_if,
            kind,
        })
    }
}

impl From<Field> for FieldWire {
    fn from(f: Field) -> Self {
        let mut w = FieldWire {
            id: f.id,
            kind: KindTag::Text,
            label: f.label,
            hint: f.hint,
            required: f.required,
            show_if: f.show_if,
            max_length: None,
            min: None,
            max: None,
            range: None,
            options: None,
            max_selected: None,
            max_files: None,
            max_size_mb: None,
            accept: None,
        };
        match f.kind {
            FieldKind::Text { max_length } => w.max_length = Some(max_length),
            FieldKind::LongText { max_length } => {
                (w.kind, w.max_length) = (KindTag::LongText, Some(max_length))
            }
            FieldKind::Number { min, max } => (w.kind, w.min, w.max) = (KindTag::Number, min, max),
            FieldKind::Date { range } => (w.kind, w.range) = (KindTag::Date, Some(range)),
            FieldKind::Choice { options } => (w.kind, w.options) = (KindTag::Choice, Some(options)),
            FieldKind::MultiChoice {
                options,
                max_selected,
            } => {
                (w.kind, w.options, w.max_selected) =
                    (KindTag::MultiChoice, Some(options), max_selected)
            }
            FieldKind::YesNo => w.kind = KindTag::YesNo,
            FieldKind::Phone => w.kind = KindTag::Phone,
            FieldKind::NationalId => w.kind = KindTag::NationalId,
            FieldKind::CrNumber => w.kind = KindTag::CrNumber,
            FieldKind::Location => w.kind = KindTag::Location,
            FieldKind::Attachment {
                max_files,
                max_size_mb,
                accept,
            } => {
                (w.kind, w.max_files, w.max_size_mb, w.accept) = (
                    KindTag::Attachment,
                    Some(max_files),
                    Some(max_size_mb),
                    Some(accept),
                )
            }
        }
        w
    }
}

fn required_by_default() -> bool {
    true
}

/// Shows a field only when the earlier field `field` has the answer `equals` (for a
/// multiple choice: includes it; for yes/no: `"yes"` or `"no"`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Condition {
    pub field: String,
    pub equals: String,
}

/// One option of a choice question.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Choice {
    pub value: String,
    pub label: Localized,
}

/// Which dates a date question accepts, relative to the day of filing.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DateRange {
    #[default]
    Any,
    PastOrToday,
    TodayOrFuture,
}

/// Which files an attachment question accepts (always checked by content).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Accept {
    Images,
    Pdf,
    #[default]
    ImagesAndPdf,
}

/// The kind of a question, with the limits that kind has.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FieldKind {
    Text {
        max_length: u32,
    },
    LongText {
        max_length: u32,
    },
    Number {
        min: Option<i64>,
        max: Option<i64>,
    },
    Date {
        range: DateRange,
    },
    Choice {
        options: Vec<Choice>,
    },
    MultiChoice {
        options: Vec<Choice>,
        max_selected: Option<u16>,
    },
    YesNo,
    Phone,
    NationalId,
    CrNumber,
    Location,
    Attachment {
        max_files: u8,
        max_size_mb: u8,
        accept: Accept,
    },
}

fn default_text_max() -> u32 {
    200
}

fn default_long_text_max() -> u32 {
    2_000
}

impl FieldKind {
    /// The values a condition on this kind of field may test for, or `None` when a
    /// condition may not depend on it.
    fn condition_values(&self) -> Option<Vec<&str>> {
        match self {
            FieldKind::Choice { options } | FieldKind::MultiChoice { options, .. } => {
                Some(options.iter().map(|o| o.value.as_str()).collect())
            }
            FieldKind::YesNo => Some(vec!["yes", "no"]),
            _ => None,
        }
    }
}

/// What is wrong with a form definition.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FormDefinitionError {
    TooManyFields,
    BadId {
        field: String,
    },
    DuplicateId {
        field: String,
    },
    MissingTranslation {
        field: String,
    },
    /// A label, hint or option holds control characters (`crate::text`).
    ControlCharacters {
        field: String,
    },
    BadTextLimit {
        field: String,
    },
    BadNumberRange {
        field: String,
    },
    TooFewOptions {
        field: String,
    },
    BadOption {
        field: String,
    },
    BadMaxSelected {
        field: String,
    },
    BadAttachmentLimits {
        field: String,
    },
    BadCondition {
        field: String,
    },
}

impl FormDefinitionError {
    /// The field the problem is in, when there is one.
    pub fn field(&self) -> Option<&str> {
        use FormDefinitionError::*;
        match self {
            TooManyFields => None,
            BadId { field }
            | DuplicateId { field }
            | MissingTranslation { field }
            | ControlCharacters { field }
            | BadTextLimit { field }
            | BadNumberRange { field }
            | TooFewOptions { field }
            | BadOption { field }
            | BadMaxSelected { field }
            | BadAttachmentLimits { field }
            | BadCondition { field } => Some(field),
        }
    }

    /// The problem, for the admin who wrote the definition.
    pub fn message(&self, locale: Locale) -> String {
        use FormDefinitionError::*;
        let (ar, en) = match self {
            TooManyFields => (
                format!("لا يجوز أن يزيد عدد الأسئلة على {MAX_FIELDS}"),
                format!("A form may have at most {MAX_FIELDS} questions"),
            ),
            BadId { .. } => (
                format!("المعرّف يتكون من حروف إنجليزية صغيرة وأرقام و _ ويبدأ بحرف، بحد أقصى {MAX_ID_LEN}"),
                format!("An id is lowercase letters, digits and _, starts with a letter, at most {MAX_ID_LEN} long"),
            ),
            DuplicateId { .. } => ("المعرّف مكرر".into(), "This id is used twice".into()),
            MissingTranslation { .. } => (
                "النص مطلوب بالعربية والإنجليزية".into(),
                "Every text needs both Arabic and English".into(),
            ),
            ControlCharacters { .. } => {
                let message = refusal(("نصوص هذا السؤال", "this question's texts"));
                (message.ar, message.en)
            }
            BadTextLimit { .. } => (
                format!("الحد الأقصى للطول بين 1 و {MAX_TEXT_LENGTH}"),
                format!("The length limit must be between 1 and {MAX_TEXT_LENGTH}"),
            ),
            BadNumberRange { .. } => (
                "الحد الأدنى أكبر من الحد الأقصى".into(),
                "The minimum is greater than the maximum".into(),
            ),
            TooFewOptions { .. } => (
                "سؤال الاختيار يحتاج خيارين على الأقل".into(),
                "A choice question needs at least two options".into(),
            ),
            BadOption { .. } => (
                "قيم الخيارات يجب أن تكون غير فارغة وغير مكررة".into(),
                "Option values must be non-empty and unique".into(),
            ),
            BadMaxSelected { .. } => (
                "الحد الأقصى للاختيارات بين 1 وعدد الخيارات".into(),
                "The most selections allowed must be between 1 and the number of options".into(),
            ),
            BadAttachmentLimits { .. } => (
                format!("عدد الملفات بين 1 و {MAX_ATTACHMENT_FILES} وحجم الملف بين 1 و {MAX_ATTACHMENT_MB} ميغابايت"),
                format!("Files must be 1 to {MAX_ATTACHMENT_FILES}, each 1 to {MAX_ATTACHMENT_MB} MB"),
            ),
            BadCondition { .. } => (
                "الشرط يجب أن يشير إلى سؤال اختيار سابق وإحدى قيمه".into(),
                "A condition must name an earlier choice or yes/no question and one of its values".into(),
            ),
        };
        match locale {
            Locale::Ar => ar,
            Locale::En => en,
        }
    }
}

fn is_valid_id(id: &str) -> bool {
    let mut chars = id.chars();
    id.len() <= MAX_ID_LEN
        && chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

fn check_options(field: &str, options: &[Choice], errors: &mut Vec<FormDefinitionError>) {
    let owned = || field.to_owned();
    if options.len() < 2 {
        errors.push(FormDefinitionError::TooFewOptions { field: owned() });
    }
    let mut seen: Vec<&str> = Vec::with_capacity(options.len());
    for option in options {
        let value = option.value.trim();
        if value.is_empty() || value != option.value || seen.contains(&value) {
            errors.push(FormDefinitionError::BadOption { field: owned() });
        }
        seen.push(value);
        if option.label.is_incomplete() {
            errors.push(FormDefinitionError::MissingTranslation { field: owned() });
        }
    }
}

impl Field {
    /// True when no label, hint or option of this question holds a control character
    /// (hints may have several lines).
    fn texts_are_clean(&self) -> bool {
        let options = match &self.kind {
            FieldKind::Choice { options } | FieldKind::MultiChoice { options, .. } => {
                options.as_slice()
            }
            _ => &[],
        };
        let one_line = [&self.label.ar, &self.label.en].into_iter().chain(
            options
                .iter()
                .flat_map(|o| [&o.value, &o.label.ar, &o.label.en]),
        );
        let hints = self.hint.iter().flat_map(|h| [&h.ar, &h.en]);
        one_line.into_iter().all(|t| is_clean(t, Lines::One))
            && hints.into_iter().all(|t| is_clean(t, Lines::Many))
    }
}

impl FormDefinition {
    /// The field with `id`.
    pub fn field(&self, id: &str) -> Option<&Field> {
        self.fields.iter().find(|f| f.id == id)
    }

    /// Checks that the definition is well formed: ids valid and unique, every text in
    /// both languages and free of control characters, sane limits, and every condition
    /// pointing back at an earlier choice or yes/no question and one of its values.
    /// Returns every problem found.
    pub fn check(&self) -> Result<(), Vec<FormDefinitionError>> {
        use FormDefinitionError as E;
        let mut errors = Vec::new();
        if self.fields.len() > MAX_FIELDS {
            errors.push(E::TooManyFields);
        }
        for (index, field) in self.fields.iter().enumerate() {
            let id = || field.id.clone();
            let earlier = &self.fields[..index];
            if !is_valid_id(&field.id) {
                errors.push(E::BadId { field: id() });
            } else if earlier.iter().any(|f| f.id == field.id) {
                errors.push(E::DuplicateId { field: id() });
            }
            if field.label.is_incomplete()
                || field.hint.as_ref().is_some_and(Localized::is_incomplete)
            {
                errors.push(E::MissingTranslation { field: id() });
            }
            if !field.texts_are_clean() {
                errors.push(E::ControlCharacters { field: id() });
            }
            match &field.kind {
                FieldKind::Text { max_length } | FieldKind::LongText { max_length }
                    if !(1..=MAX_TEXT_LENGTH).contains(max_length) =>
                {
                    errors.push(E::BadTextLimit { field: id() });
                }
                FieldKind::Number {
                    min: Some(min),
                    max: Some(max),
                } if min > max => {
                    errors.push(E::BadNumberRange { field: id() });
                }
                FieldKind::Choice { options } => check_options(&field.id, options, &mut errors),
                FieldKind::MultiChoice {
                    options,
                    max_selected,
                } => {
                    check_options(&field.id, options, &mut errors);
                    if max_selected.is_some_and(|m| m == 0 || usize::from(m) > options.len()) {
                        errors.push(E::BadMaxSelected { field: id() });
                    }
                }
                FieldKind::Attachment {
                    max_files,
                    max_size_mb,
                    ..
                } if !(1..=MAX_ATTACHMENT_FILES).contains(max_files)
                    || !(1..=MAX_ATTACHMENT_MB).contains(max_size_mb) =>
                {
                    errors.push(E::BadAttachmentLimits { field: id() });
                }
                _ => {}
            }
            if let Some(condition) = &field.show_if {
                let target_ok = earlier
                    .iter()
                    .find(|f| f.id == condition.field)
                    .and_then(|f| f.kind.condition_values())
                    .is_some_and(|values| values.contains(&condition.equals.as_str()));
                if !target_ok {
                    errors.push(E::BadCondition { field: id() });
                }
            }
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(id: &str) -> Field {
        Field {
            id: id.into(),
            label: Localized::new("سؤال", "Question"),
            hint: None,
            required: true,
            show_if: None,
            kind: FieldKind::Text { max_length: 100 },
        }
    }

    fn with_kind(id: &str, kind: FieldKind) -> Field {
        Field { kind, ..text(id) }
    }

    fn options(values: &[&str]) -> Vec<Choice> {
        values
            .iter()
            .map(|v| Choice {
                value: (*v).into(),
                label: Localized::new("خيار", "Option"),
            })
            .collect()
    }

    fn problems(fields: Vec<Field>) -> Vec<FormDefinitionError> {
        FormDefinition { fields }.check().err().unwrap_or_default()
    }

    #[test]
    fn a_well_formed_definition_passes() {
        let form = FormDefinition {
            fields: vec![
                with_kind("has_shop", FieldKind::YesNo),
                Field {
                    show_if: Some(Condition {
                        field: "has_shop".into(),
                        equals: "yes".into(),
                    }),
                    ..with_kind(
                        "shop_area",
                        FieldKind::Number {
                            min: Some(1),
                            max: Some(10_000),
                        },
                    )
                },
                with_kind(
                    "photos",
                    FieldKind::Attachment {
                        max_files: 3,
                        max_size_mb: 5,
                        accept: Accept::Images,
                    },
                ),
            ],
        };
        assert_eq!(form.check(), Ok(()));
    }

    #[test]
    fn bad_and_duplicate_ids_are_reported() {
        let found = problems(vec![
            text("Name"),
            text("9lives"),
            text("ok"),
            text("ok"),
            text(""),
        ]);
        assert_eq!(
            found,
            vec![
                FormDefinitionError::BadId {
                    field: "Name".into()
                },
                FormDefinitionError::BadId {
                    field: "9lives".into()
                },
                FormDefinitionError::DuplicateId { field: "ok".into() },
                FormDefinitionError::BadId { field: "".into() },
            ]
        );
    }

    #[test]
    fn a_missing_translation_in_a_label_hint_or_option_is_reported() {
        let mut no_en = text("a");
        no_en.label.en = "  ".into();
        let mut half_hint = text("b");
        half_hint.hint = Some(Localized::new("تلميح", ""));
        let mut options = options(&["x", "y"]);
        options[1].label.ar.clear();
        let choice = with_kind("c", FieldKind::Choice { options });
        let found = problems(vec![no_en, half_hint, choice]);
        let fields: Vec<_> = found.iter().filter_map(|e| e.field()).collect();
        assert_eq!(fields, vec!["a", "b", "c"]);
        assert!(found
            .iter()
            .all(|e| matches!(e, FormDefinitionError::MissingTranslation { .. })));
    }

    #[test]
    fn a_control_character_in_a_label_hint_or_option_is_reported() {
        let mut label = text("a");
        label.label.en = "Name\0".into();
        let mut hint = text("b");
        hint.hint = Some(Localized::new("سطر\nوسطر", "Line\u{1b}"));
        let mut options = options(&["x", "y"]);
        options[1].value = "y\0".into();
        let choice = with_kind("c", FieldKind::Choice { options });
        let mut two_lines = text("d");
        two_lines.hint = Some(Localized::new("سطر\nوسطر", "One line\nand another"));
        let found = problems(vec![label, hint, choice, two_lines]);
        let refused: Vec<_> = found
            .iter()
            .filter(|e| matches!(e, FormDefinitionError::ControlCharacters { .. }))
            .filter_map(|e| e.field())
            .collect();
        assert_eq!(refused, vec!["a", "b", "c"]);
        assert!(found[0].message(Locale::En).contains("control characters"));
    }

    #[test]
    fn limits_out_of_range_are_reported() {
        let found = problems(vec![
            with_kind("t", FieldKind::Text { max_length: 0 }),
            with_kind(
                "l",
                FieldKind::LongText {
                    max_length: MAX_TEXT_LENGTH + 1,
                },
            ),
            with_kind(
                "n",
                FieldKind::Number {
                    min: Some(5),
                    max: Some(4),
                },
            ),
            with_kind(
                "a",
                FieldKind::Attachment {
                    max_files: 0,
                    max_size_mb: 5,
                    accept: Accept::Pdf,
                },
            ),
            with_kind(
                "b",
                FieldKind::Attachment {
                    max_files: 1,
                    max_size_mb: MAX_ATTACHMENT_MB + 1,
                    accept: Accept::Pdf,
                },
            ),
        ]);
        assert_eq!(
            found,
            vec![
                FormDefinitionError::BadTextLimit { field: "t".into() },
                FormDefinitionError::BadTextLimit { field: "l".into() },
                FormDefinitionError::BadNumberRange { field: "n".into() },
                FormDefinitionError::BadAttachmentLimits { field: "a".into() },
                FormDefinitionError::BadAttachmentLimits { field: "b".into() },
            ]
        );
    }

    #[test]
    fn choices_need_two_distinct_non_blank_options_and_a_sane_maximum() {
        let found = problems(vec![
            with_kind(
                "one",
                FieldKind::Choice {
                    options: options(&["only"]),
                },
            ),
            with_kind(
                "dup",
                FieldKind::Choice {
                    options: options(&["a", "a"]),
                },
            ),
            with_kind(
                "blank",
                FieldKind::Choice {
                    options: options(&["a", " "]),
                },
            ),
            with_kind(
                "many",
                FieldKind::MultiChoice {
                    options: options(&["a", "b"]),
                    max_selected: Some(3),
                },
            ),
        ]);
        assert_eq!(
            found,
            vec![
                FormDefinitionError::TooFewOptions {
                    field: "one".into()
                },
                FormDefinitionError::BadOption {
                    field: "dup".into()
                },
                FormDefinitionError::BadOption {
                    field: "blank".into()
                },
                FormDefinitionError::BadMaxSelected {
                    field: "many".into()
                },
            ]
        );
    }

    #[test]
    fn conditions_must_point_back_at_a_choice_and_one_of_its_values() {
        let cond = |field: &str, equals: &str| {
            Some(Condition {
                field: field.into(),
                equals: equals.into(),
            })
        };
        let found = problems(vec![
            with_kind(
                "kind",
                FieldKind::Choice {
                    options: options(&["a", "b"]),
                },
            ),
            Field {
                show_if: cond("kind", "a"),
                ..text("ok")
            },
            Field {
                show_if: cond("kind", "z"),
                ..text("unknown_value")
            },
            Field {
                show_if: cond("later", "yes"),
                ..text("forward")
            },
            Field {
                show_if: cond("ok", "x"),
                ..text("on_text")
            },
            with_kind("later", FieldKind::YesNo),
        ]);
        let fields: Vec<_> = found.iter().filter_map(|e| e.field()).collect();
        assert_eq!(fields, vec!["unknown_value", "forward", "on_text"]);
    }

    #[test]
    fn too_many_fields_is_reported_once() {
        let fields = (0..=MAX_FIELDS).map(|i| text(&format!("q{i}"))).collect();
        assert_eq!(problems(fields), vec![FormDefinitionError::TooManyFields]);
    }

    #[test]
    fn every_problem_has_a_message_in_both_languages() {
        let e = FormDefinitionError::BadCondition { field: "x".into() };
        assert!(e.message(Locale::En).contains("condition"));
        assert!(e.message(Locale::Ar).contains("الشرط"));
    }

    #[test]
    fn every_kind_round_trips_through_flat_json() {
        let kinds = vec![
            FieldKind::Text { max_length: 7 },
            FieldKind::LongText { max_length: 70 },
            FieldKind::Number {
                min: Some(-1),
                max: None,
            },
            FieldKind::Date {
                range: DateRange::TodayOrFuture,
            },
            FieldKind::Choice {
                options: options(&["a", "b"]),
            },
            FieldKind::MultiChoice {
                options: options(&["a", "b"]),
                max_selected: Some(1),
            },
            FieldKind::YesNo,
            FieldKind::Phone,
            FieldKind::NationalId,
            FieldKind::CrNumber,
            FieldKind::Location,
            FieldKind::Attachment {
                max_files: 2,
                max_size_mb: 3,
                accept: Accept::Pdf,
            },
        ];
        for kind in kinds {
            let mut field = with_kind("q", kind);
            field.required = false;
            field.show_if = Some(Condition {
                field: "p".into(),
                equals: "yes".into(),
            });
            let json = serde_json::to_value(&field).unwrap();
            assert!(
                json["type"].is_string() && json.get("kind").is_none(),
                "{json}"
            );
            assert_eq!(serde_json::from_value::<Field>(json).unwrap(), field);
        }
    }

    #[test]
    fn a_kind_missing_its_limits_is_a_malformed_definition() {
        let choice = r#"{"id":"c","type":"choice","label":{"ar":"س","en":"Q"}}"#;
        assert!(serde_json::from_str::<Field>(choice)
            .unwrap_err()
            .to_string()
            .contains("needs options"));
        let upload = r#"{"id":"u","type":"attachment","label":{"ar":"س","en":"Q"},"max_files":1}"#;
        assert!(serde_json::from_str::<Field>(upload).is_err());
        let unknown = r#"{"id":"x","type":"signature","label":{"ar":"س","en":"Q"}}"#;
        assert!(serde_json::from_str::<Field>(unknown).is_err());
    }

    #[test]
    fn definitions_read_from_json_with_defaults() {
        let json = r#"{"fields":[
            {"id":"details","type":"long_text","label":{"ar":"التفاصيل","en":"Details"}},
            {"id":"where","type":"location","required":false,"label":{"ar":"الموقع","en":"Location"}}
        ]}"#;
        let form: FormDefinition = serde_json::from_str(json).unwrap();
        assert_eq!(
            form.fields[0].kind,
            FieldKind::LongText { max_length: 2_000 }
        );
        assert!(form.fields[0].required);
        assert!(!form.fields[1].required);
        assert_eq!(form.check(), Ok(()));
    }
}
