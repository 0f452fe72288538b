//! Every text the app shows, in Arabic and English.
//!
//! One struct with a field per text, filled once per language, so a missing translation
//! is a compile error rather than a blank on screen. Texts that take a number are
//! functions, because Arabic has dual and plural forms English does not. No i18n crate:
//! they weigh more in the WASM than these few hundred bytes of strings.

mod ar;
mod en;

use nafitha_domain::{Locale, Localized};

pub struct Texts {
    pub app_name: &'static str,
    pub tagline: &'static str,
    pub skip_to_content: &'static str,
    /// The language switch's text: the *other* language, in that language.
    pub other_language_name: &'static str,
    pub other_language_tag: &'static str,
    pub switch_language_label: &'static str,
    pub loading: &'static str,
    pub load_failed: &'static str,
    pub offline: &'static str,
    pub try_again: &'static str,
    pub home_title: &'static str,
    pub home_intro: &'static str,
    pub search_label: &'static str,
    pub search_hint: &'static str,
    pub services_found: fn(usize) -> String,
    pub no_results: &'static str,
    pub breadcrumb: &'static str,
    pub all_services: &'static str,
    pub fee: &'static str,
    pub time_to_complete: &'static str,
    pub working_days: fn(u16) -> String,
    pub agency: &'static str,
    pub department: &'static str,
    pub kind: &'static str,
    pub about_service: &'static str,
    pub documents_title: &'static str,
    pub no_documents: &'static str,
    pub questions_title: &'static str,
    pub optional: &'static str,
    pub not_accepting: &'static str,
    pub contact_title: &'static str,
    pub service_not_found: &'static str,
    pub not_found_title: &'static str,
    pub not_found_body: &'static str,
    pub go_home: &'static str,
    pub footer_note: &'static str,
    pub start_now: &'static str,
    pub about_request_title: &'static str,
    pub details_title: &'static str,
    pub check_title: &'static str,
    pub continue_label: &'static str,
    pub send: &'static str,
    pub sending: &'static str,
    pub change: &'static str,
    pub back: &'static str,
    pub error_summary_title: &'static str,
    pub error_prefix: &'static str,
    pub full_name: &'static str,
    pub mobile: &'static str,
    pub mobile_hint: &'static str,
    pub email: &'static str,
    pub national_id: &'static str,
    pub cr_number: &'static str,
    pub yes: &'static str,
    pub no: &'static str,
    pub address: &'static str,
    pub use_my_location: &'static str,
    pub location_found: &'static str,
    pub location_failed: &'static str,
    pub remove_location: &'static str,
    pub not_answered: &'static str,
    pub draft_restored: &'static str,
    pub offline_queued: &'static str,
    pub confirmation_title: &'static str,
    pub your_reference: &'static str,
    pub sms_sent: &'static str,
    pub what_next_title: &'static str,
    pub what_next_body: &'static str,
    pub print: &'static str,
    pub track_this: &'static str,
    pub track_title: &'static str,
    pub reference_label: &'static str,
    pub reference_hint: &'static str,
    pub find: &'static str,
    pub status_label: &'static str,
    pub service_label: &'static str,
    pub submitted_on: &'static str,
    pub expected_by: &'static str,
    pub overdue: &'static str,
    pub timeline_title: &'static str,
    pub request_not_found: &'static str,
    pub nav_label: &'static str,
    pub nav_track: &'static str,
    pub uploading: &'static str,
    pub remove: &'static str,
    pub upload_offline: &'static str,
    pub too_many_files: fn(u8) -> String,
    pub nav_my_requests: &'static str,
    pub sign_in_title: &'static str,
    pub sign_in_intro: &'static str,
    pub send_code: &'static str,
    pub code_label: &'static str,
    pub code_hint: &'static str,
    pub code_sent_to: &'static str,
    pub resend_code: &'static str,
    pub code_resent: &'static str,
    pub change_number: &'static str,
    pub sign_in: &'static str,
    pub sign_out: &'static str,
    pub sign_in_needed: &'static str,
    pub my_requests_title: &'static str,
    pub no_requests: &'static str,
    pub request_title: &'static str,
    pub info_needed_title: &'static str,
    pub your_answer: &'static str,
    pub documents_optional_label: &'static str,
    pub send_answer: &'static str,
    pub answer_sent: &'static str,
    pub withdraw_title: &'static str,
    pub withdraw_body: &'static str,
    pub withdraw_button: &'static str,
    pub withdrawn_done: &'static str,
    pub reopen_title: &'static str,
    pub reopen_reason: &'static str,
    pub reopen_until: &'static str,
    pub reopen_button: &'static str,
    pub reopened_done: &'static str,
    pub by_you: &'static str,
    pub download: &'static str,
    pub answers_title: &'static str,
    pub rate_title: &'static str,
    pub rate_question: &'static str,
    pub resolved_question: &'static str,
    pub rating_comment: &'static str,
    pub rating_comment_hint: &'static str,
    pub rate_button: &'static str,
    pub rated_thanks: &'static str,
    pub rating_change_until: &'static str,
}

/// The texts of `locale`.
pub fn texts(locale: Locale) -> &'static Texts {
    match locale {
        Locale::Ar => &ar::TEXTS,
        Locale::En => &en::TEXTS,
    }
}

/// A text of the current language, kept up to date when the language changes. Every call
/// returns the same closure type (it holds only a function pointer and the context), so
/// the WASM carries one copy of the code that renders it rather than one per text.
pub fn tr(
    pick: fn(&'static Texts) -> &'static str,
) -> impl Fn() -> &'static str + Copy + Send + Sync + 'static {
    let locale = crate::state::use_locale();
    move || pick(locale.texts())
}

/// A question whose label (and hint) are the app's own texts, in both languages.
pub fn text_question(
    id: &str,
    label: fn(&Texts) -> &'static str,
    hint: Option<fn(&Texts) -> &'static str>,
    required: bool,
    kind: nafitha_domain::FieldKind,
) -> nafitha_domain::Field {
    let (ar, en) = (texts(Locale::Ar), texts(Locale::En));
    nafitha_domain::Field {
        id: id.into(),
        label: Localized::new(label(ar), label(en)),
        hint: hint.map(|h| Localized::new(h(ar), h(en))),
        required,
        show_if: None,
        kind,
    }
}

/// The Arabic or the English, for the language shown (for texts written where they are
/// used: the back office and the performance figures).
pub fn say(l: Locale, ar: &'static str, en: &'static str) -> &'static str {
    match l {
        Locale::Ar => ar,
        Locale::En => en,
    }
}
