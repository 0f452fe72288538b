//! Open work per department (`/staff/overdue`, supervisors): open, overdue and due soon,
//! the most overdue first; each department opens the queue filtered to it.

use leptos::prelude::*;
use nafitha_domain::backoffice::DepartmentLoad;
use nafitha_domain::Locale;

use super::super::api;
use super::super::components::{desk_table, loaded};
use super::heading;
use crate::components::PageHeading;
use crate::i18n::texts;

fn table(loads: &[DepartmentLoad], l: Locale) -> impl IntoView {
    let t = &texts(l).staff;
    let rows = loads
        .iter()
        .map(|d| {
            let href = format!("/staff?department={}", d.department.code);
            view! {
                <tr>
                    <th scope="row"><a href=href>{d.department.name.get(l).to_owned()}</a></th>
                    <td>{d.open}</td>
                    <td>{d.overdue}</td>
                    <td>{d.due_soon}</td>
                </tr>
            }
        })
        .collect_view();
    desk_table(
        "loads-caption",
        t.loads_caption,
        &[t.department, t.open, t.overdue, t.due_soon],
        rows,
    )
}

#[component]
pub fn LoadsPage() -> impl IntoView {
    let loads = api::list_department_loads();
    view! {
        <PageHeading text=heading(|t| t.staff.loads_title) loading=Signal::derive(move || loads.with(Option::is_none))/>
        {loaded(loads, |t| t.staff.not_allowed, |loads: &Vec<DepartmentLoad>, l| table(loads, l))}
    }
}
