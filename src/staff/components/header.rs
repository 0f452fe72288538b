//! The back office's own header: skip link, the portal's name with "back office", who is
//! signed in (name, role, agency), sign out, the language switch, then the sections of
//! the desk the role uses as links (`aria-current` on the one shown).

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_location, use_navigate};
use leptos_router::NavigateOptions;
use nafitha_domain::backoffice::{works_requests, Role};
use nafitha_domain::Locale;

use super::super::{api, use_staff, Desk};
use crate::components::{Brand, LanguageSwitch, SkipLink};
use crate::i18n::{texts, tr};
use crate::state::use_locale;

/// A role's name, as the header and the accounts screen show it.
pub fn role_label(role: Role, l: Locale) -> &'static str {
    let t = &texts(l).staff;
    match role {
        Role::Agent => t.role_agent,
        Role::Supervisor => t.role_supervisor,
        Role::Admin => t.role_admin,
        Role::Intake => t.role_intake,
    }
}

/// The queue's two entries, "every request" and "my work", told apart by the address's
/// `assignee` (the router's `<A>` compares paths only).
#[component]
fn QueueLink(mine: bool) -> impl IntoView {
    let location = use_location();
    let current = move || {
        let on_queue = location.pathname.with(|p| p == "/staff" || p == "/staff/");
        let is_mine = location.query.with(|q| q.get_str("assignee") == Some("me"));
        (on_queue && is_mine == mine).then_some("page")
    };
    let (href, text) = if mine {
        ("/staff?assignee=me", tr(|t| t.staff.nav_mine))
    } else {
        ("/staff", tr(|t| t.staff.nav_queue))
    };
    view! { <a href=href aria-current=current>{text}</a> }
}

#[component]
pub fn StaffHeader() -> impl IntoView {
    let locale = use_locale();
    let staff = use_staff();
    let navigate = use_navigate();
    let sign_out = move |_| {
        let lang = locale.locale.get_untracked();
        let navigate = navigate.clone();
        leptos::task::spawn_local(async move {
            let _ = api::staff_sign_out(lang).await;
            staff.0.set(Desk::SignedOut);
            navigate(
                "/staff",
                NavigateOptions {
                    resolve: false,
                    ..Default::default()
                },
            );
        });
    };
    let who = move || {
        staff.me().map(|me| {
            let l = locale.locale.get();
            let mut place = vec![role_label(me.role, l).to_owned(), me.agency.name.get(l).to_owned()];
            if let Some(d) = &me.department {
                place.push(d.name.get(l).to_owned());
            }
            view! {
                <p class="desk-who">
                    {texts(l).staff.signed_in_as} " " <strong>{me.username.clone()}</strong>
                    " (" {place.join(texts(l).list_separator)} ")"
                </p>
                <button type="button" class="link-button" on:click=sign_out.clone()>{texts(l).staff.sign_out}</button>
            }
        })
    };
    // Each role sees its own sections: intake staff file and look up; the others work the
    // queue (but in the operator's agency, which owns no request); supervisors also read
    // the look-ups' audit, admins manage the staff accounts.
    let sections = move || {
        let me = staff.me()?;
        let works = works_requests(me.role, &me.agency.code);
        let supervises = me.role.supervises();
        let admin = me.role == Role::Admin;
        // The agency's register of licences (the licensing desk's screen, decision 0015).
        let licences = works.then(
            || view! { <li><A href="/staff/licences">{tr(|t| t.staff.nav_licences)}</A></li> },
        );
        Some(view! {
            <nav class="desk-nav" aria-label=tr(|t| t.staff.sections)>
                <ul>
                    {(me.role == Role::Intake).then(|| view! {
                        <li><A href="/staff/file">{tr(|t| t.staff.nav_file)}</A></li>
                        <li><A href="/staff/lookup">{tr(|t| t.staff.nav_lookup)}</A></li>
                    })}
                    {works.then(|| view! {
                        <li><QueueLink mine=false/></li>
                        <li><QueueLink mine=true/></li>
                    })}
                    {(works && !me.appointment_services.is_empty()).then(|| view! {
                        <li><A href="/staff/appointments">{tr(|t| t.staff.nav_appointments)}</A></li>
                    })}
                    {licences}
                    {(works && supervises).then(|| view! {
                        <li><A href="/staff/overdue">{tr(|t| t.staff.nav_loads)}</A></li>
                        <li><A href="/staff/performance">{tr(|t| t.staff.nav_performance)}</A></li>
                    })}
                    {supervises.then(|| view! { <li><A href="/staff/lookups">{tr(|t| t.staff.nav_lookups)}</A></li> })}
                    {(works && admin).then(|| view! { <li><A href="/staff/services">{tr(|t| t.staff.nav_services)}</A></li> })}
                    {admin.then(|| view! {
                        <li><A href="/staff/accounts">{tr(|t| t.staff.nav_accounts)}</A></li>
                        <li><A href="/staff/api-keys">{tr(|t| t.staff.nav_api_keys)}</A></li>
                    })}
                </ul>
            </nav>
        })
    };
    view! {
        <SkipLink/>
        <header class="site-header desk-header">
            <div class="desk-bar">
                <Brand href="/staff" part=|t| t.staff.back_office/>
                <div class="desk-account">
                    {who}
                    <LanguageSwitch/>
                </div>
            </div>
        </header>
        {sections}
    }
}
