//! The look-ups' audit (`/staff/lookups`, supervisors and admins): who looked up which
//! citizen's requests, when, why, and how many were found, newest first, a page at a time
//! (`?before=` in the address), and all of it as CSV.

use leptos::prelude::*;
use leptos_router::hooks::use_location;
use nafitha_domain::intake::LookupAudit;
use nafitha_domain::Locale;

use super::super::api::{self, query_string};
use super::super::components::{desk_table, loaded};
use super::heading;
use crate::components::PageHeading;
use crate::dates::format_moment;
use crate::i18n::texts;

fn table(audit: &LookupAudit, paged: bool, l: Locale) -> impl IntoView {
    let t = &texts(l).staff;
    let body = if audit.lookups.is_empty() {
        view! { <p>{t.no_lookups}</p> }.into_any()
    } else {
        let rows = audit
            .lookups
            .iter()
            .map(|r| {
                view! {
                    <tr>
                        <th scope="row">{format_moment(&r.at, l)}</th>
                        <td dir="ltr">{r.username.clone()}</td>
                        <td dir="ltr">{r.key.clone()}</td>
                        <td>{r.reason.clone()}</td>
                        <td>{r.found}</td>
                    </tr>
                }
            })
            .collect_view();
        desk_table(
            "lookups-caption",
            t.lookups_caption,
            &[
                t.when,
                t.staff_member,
                t.looked_up,
                t.reason_column,
                t.found,
            ],
            rows,
        )
        .into_any()
    };
    let older = audit.next.map(|next| {
        let href = format!(
            "/staff/lookups?{}",
            query_string([("before", next.to_string().as_str())])
        );
        view! { <a href=href>{t.older}</a> }
    });
    let newest = paged.then(|| view! { <a href="/staff/lookups">{t.newest}</a> });
    view! {
        {body}
        <div class="button-row">
            {newest}
            {older}
            <a href="/api/v1/staff/lookups.csv" download="">{t.download_lookups}</a>
        </div>
    }
}

#[component]
pub fn LookupsPage() -> impl IntoView {
    let location = use_location();
    let before = Memo::new(move |_| location.query.with(|q| q.get("before")));
    let audit = api::list_lookups(before);
    view! {
        <PageHeading text=heading(|t| t.staff.lookups_title) loading=Signal::derive(move || audit.with(Option::is_none))/>
        {loaded(audit, |t| t.staff.not_allowed, move |a: &LookupAudit, l| table(a, before.with(Option::is_some), l))}
    }
}
