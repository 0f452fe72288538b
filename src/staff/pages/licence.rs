//! One of the agency's licences (`/staff/licences/{number}`): its holder, what it licenses
//! and shows, its conditions and dates, where it stands (a running suspension or the
//! revocation, with the reason), the request that issued it and a renewal under way. A
//! supervisor suspends it until a day, or revokes it after confirming; each checked by
//! the domain's `validate` here and again by the server.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use nafitha_domain::answers::InvalidAnswer;
use nafitha_domain::licence::{Licence, LicenceNumber, RevokeLicence, SuspendLicence};
use nafitha_domain::Locale;

use super::super::api;
use super::super::components::{loaded, Notice, TextArea, TextField};
use super::super::use_staff;
use crate::api::ApiError;
use crate::components::{ErrorSummary, PageHeading};
use crate::dates::{format_day, format_moment, today};
use crate::i18n::{texts, tr};
use crate::state::{use_announcer, use_locale};

/// The revocation's reason input (the suspension's is `reason`, the domain's name for
/// both, so the error summary reaches the right one).
const REVOKE_REASON: &str = "revoke_reason";

/// What the supervisor's forms hold, kept by the page (a redraw loses nothing typed).
#[derive(Clone, Copy)]
struct Draft {
    reason: RwSignal<String>,
    until: RwSignal<String>,
    revoke_reason: RwSignal<String>,
    /// The revocation waits for a second press.
    confirming: RwSignal<bool>,
    busy: RwSignal<bool>,
}

/// The facts, as a list of terms: number, status (and why), holder, activity, dates, the
/// requests; then what it shows and its conditions.
fn facts(c: &Licence, l: Locale) -> impl IntoView {
    let t = &texts(l).staff;
    let tl = &t.licences;
    let term = |term: &str, value: String| {
        let term = term.to_owned();
        view! { <div><dt>{term}</dt><dd>{value}</dd></div> }
    };
    let reason = |reason: &String| {
        view! { <div><dt>{tl.reason}</dt><dd class="message">{reason.clone()}</dd></div> }
    };
    let id = |term: &'static str, value: &Option<String>| {
        value
            .clone()
            .map(|v| view! { <div><dt>{term}</dt><dd dir="ltr">{v}</dd></div> })
    };
    let request = |term: &'static str, r: &nafitha_domain::ReferenceNumber| {
        view! { <div><dt>{term}</dt><dd><a href=format!("/staff/requests/{r}") dir="ltr">{r.grouped()}</a></dd></div> }
    };
    let details = c
        .details_beside_holder()
        .map(|d| term(d.label.get(l), d.value.get(l).to_owned()))
        .collect_view();
    view! {
        <dl class="facts">
            <div><dt>{tl.number}</dt><dd dir="ltr">{c.number.grouped()}</dd></div>
            <div><dt>{t.status}</dt><dd><strong class="tag">{c.status.label(l)}</strong></dd></div>
            {c.suspension.as_ref().map(|s| view! { {term(tl.suspended_until, format_day(s.until, l))}{reason(&s.reason)} })}
            {c.revocation.as_ref().map(|r| view! { {term(tl.revoked_on, format_moment(&r.at, l))}{reason(&r.reason)} })}
            {term(tl.holder, c.holder.name.clone())}
            {id(t.cr_number, &c.holder.cr_number)}
            {id(t.national_id, &c.holder.national_id)}
            {term(tl.activity, c.activity.get(l).to_owned())}
            {term(tl.issued_on, format_day(c.issued_on, l))}
            {term(tl.expires_on, format_day(c.expires_on, l))}
            {request(tl.issued_by, &c.request)}
            {c.renewal.as_ref().map(|r| request(tl.renewal, r))}
        </dl>
        {(!details.is_empty()).then(|| view! { <h2>{tl.details}</h2><dl class="facts">{details}</dl> })}
        <h2>{tl.conditions}</h2>
        <p class="message">{c.conditions.get(l).to_owned()}</p>
    }
}

/// The domain names a revocation's missing reason `reason`: on this page it is the
/// revocation's own input.
fn on_revoke_reason(field: &mut String) {
    if field == "reason" {
        *field = REVOKE_REASON.to_owned();
    }
}

/// What a supervisor asks for.
enum Change {
    Suspend(SuspendLicence),
    Revoke(RevokeLicence),
}

/// A supervisor's two changes: suspend until a day, and revoke (a second press confirms).
#[component]
fn Changes(
    number: LicenceNumber,
    draft: Draft,
    errors: RwSignal<Vec<InvalidAnswer>>,
    on_done: Callback<()>,
) -> impl IntoView {
    let locale = use_locale();
    let announcer = use_announcer();
    let staff = use_staff();
    let busy = draft.busy;
    let send = move |change: Change| {
        let lang = locale.locale.get_untracked();
        let number = number.clone();
        let suspends = matches!(change, Change::Suspend(_));
        let field = if suspends { "reason" } else { REVOKE_REASON };
        let answer =
            async move {
                match change {
                    Change::Suspend(body) => api::suspend_licence(&number, &body, lang).await,
                    Change::Revoke(body) => api::revoke_licence(&number, &body, lang)
                        .await
                        .map_err(|mut e| {
                            if let ApiError::Server { body, .. } = &mut e {
                                body.fields
                                    .iter_mut()
                                    .for_each(|f| on_revoke_reason(&mut f.field));
                            }
                            e
                        }),
                }
            };
        staff.submit(busy, errors, field, answer, move || {
            let t = &texts(lang).staff.licences;
            announcer.announce(if suspends { t.suspended } else { t.revoked }.to_owned());
            for text in [draft.reason, draft.until, draft.revoke_reason] {
                text.set(String::new());
            }
            draft.confirming.set(false);
            on_done.run(());
        });
    };
    let suspend = {
        let send = send.clone();
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            let body = SuspendLicence {
                reason: draft.reason.get_untracked(),
                until: draft.until.get_untracked().trim().to_owned(),
            };
            match body.validate(today()) {
                Ok(_) => send(Change::Suspend(body)),
                Err(problems) => errors.set(problems),
            }
        }
    };
    let revoke = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let body = RevokeLicence {
            reason: draft.revoke_reason.get_untracked(),
        };
        if let Err(mut problems) = body.validate() {
            problems
                .iter_mut()
                .for_each(|p| on_revoke_reason(&mut p.field));
            errors.set(problems);
        } else if draft.confirming.get_untracked() {
            send(Change::Revoke(body));
        } else {
            errors.set(Vec::new());
            draft.confirming.set(true);
        }
    };
    let confirming = draft.confirming;
    let (revoke_label, yes_label) = (
        tr(|t| t.staff.licences.revoke),
        tr(|t| t.staff.licences.revoke_yes),
    );
    view! {
        <section class="panel-action staff-action" aria-labelledby="suspend-title">
            <h2 id="suspend-title">{tr(|t| t.staff.licences.suspend)}</h2>
            <form novalidate on:submit=suspend>
                <TextArea name="reason" label=|t| t.staff.licences.reason hint=|t| t.staff.licences.reason_hint value=draft.reason errors maxlength=2000/>
                <TextField name="until" label=|t| t.staff.licences.until value=draft.until errors kind="date"/>
                <button type="submit" class="button" disabled=busy>{tr(|t| t.staff.licences.suspend)}</button>
            </form>
        </section>
        <section class="panel-action staff-action" aria-labelledby="revoke-title">
            <h2 id="revoke-title">{revoke_label}</h2>
            <form novalidate on:submit=revoke>
                <TextArea name=REVOKE_REASON label=|t| t.staff.licences.reason hint=|t| t.staff.licences.reason_hint value=draft.revoke_reason errors maxlength=2000/>
                {move || confirming.get().then(|| view! {
                    <p class="notice notice-warning" role="alert">{tr(|t| t.staff.licences.revoke_final)}</p>
                })}
                <div class="button-row">
                    <button type="submit" class="button button-warning" disabled=busy>
                        {move || if confirming.get() { yes_label() } else { revoke_label() }}
                    </button>
                    {move || confirming.get().then(|| view! {
                        <button type="button" class="button button-secondary" on:click=move |_| confirming.set(false)>{tr(|t| t.staff.licences.cancel)}</button>
                    })}
                </div>
            </form>
        </section>
    }
}

#[component]
pub fn LicencePage() -> impl IntoView {
    let locale = use_locale();
    let staff = use_staff();
    let params = use_params_map();
    let number = Memo::new(move |_| {
        params.with(|p| p.get("number").and_then(|n| LicenceNumber::parse(&n).ok()))
    });
    let licence = api::get_licence(number);
    let errors = RwSignal::new(Vec::<InvalidAnswer>::new());
    let text = || RwSignal::new(String::new());
    let draft = Draft {
        reason: text(),
        until: text(),
        revoke_reason: text(),
        confirming: RwSignal::new(false),
        busy: RwSignal::new(false),
    };
    let supervises = staff.me_untracked().is_some_and(|me| me.role.supervises());
    let heading = Signal::derive(move || {
        let t = &texts(locale.locale.get()).staff.licences;
        match number.get() {
            // Grouped with no-break spaces, which keep the groups in order in Arabic.
            Some(n) => format!("{} {}", t.licence, n.grouped()),
            None => t.not_found.to_owned(),
        }
    });
    let reload = Callback::new(move |()| licence.refetch());
    let body = loaded(
        licence,
        |t| t.staff.licences.not_found,
        move |c: &Licence, l| {
            // A revocation is final: nothing more to change.
            let changes = (supervises && c.revocation.is_none())
                .then(|| view! { <Changes number=c.number.clone() draft errors on_done=reload/> });
            view! { {facts(c, l)}{changes} }
        },
    );
    view! {
        <PageHeading text=heading loading=Signal::derive(move || number.with(Option::is_some) && licence.with(Option::is_none)) error=Signal::derive(move || !errors.read().is_empty())/>
        <ErrorSummary errors/>
        <p><a href="/staff/licences">{tr(|t| t.staff.licences.back)}</a></p>
        // An address that is not a licence number is never asked for.
        <Show when=move || number.with(Option::is_none) fallback=body>
            <Notice text=|t| t.staff.licences.not_found/>
        </Show>
    }
}
