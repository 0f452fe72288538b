//! The agency's services (`/staff/services`, admins), active or not; each opens its editor.

use leptos::prelude::*;
use nafitha_domain::{Locale, ServiceDetail};

use super::super::api;
use super::super::components::{desk_table, loaded};
use super::heading;
use crate::components::PageHeading;
use crate::i18n::texts;

fn table(services: &[ServiceDetail], l: Locale) -> impl IntoView {
    let t = &texts(l).staff;
    let rows = services
        .iter()
        .map(|s| {
            let href = format!("/staff/services/{}", s.summary.code);
            let state = if s.active {
                view! { <span>{t.active}</span> }.into_any()
            } else {
                view! { <strong class="tag">{t.deactivated}</strong> }.into_any()
            };
            view! {
                <tr>
                    <th scope="row"><a href=href>{s.summary.name.get(l).to_owned()}</a></th>
                    <td>{s.summary.sla_working_days}</td>
                    <td>{state}</td>
                </tr>
            }
        })
        .collect_view();
    desk_table(
        "services-caption",
        t.services_caption,
        &[t.service, t.sla_column, t.state],
        rows,
    )
}

#[component]
pub fn ServicesPage() -> impl IntoView {
    let services = api::list_agency_services();
    view! {
        <PageHeading text=heading(|t| t.staff.services_title) loading=Signal::derive(move || services.with(Option::is_none))/>
        {loaded(services, |t| t.staff.not_allowed, |s: &Vec<ServiceDetail>, l| table(s, l))}
    }
}
