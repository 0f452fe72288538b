//! The agency's staff accounts (`/staff/accounts`, admins): who they are (role,
//! department, active or not), "Disable" for each active colleague, and the form to add an
//! account of any role, intake (contact centre and reception) included. The server makes
//! the first password; it is shown here once, to hand over in person.

use leptos::prelude::*;
use nafitha_domain::answers::InvalidAnswer;
use nafitha_domain::backoffice::{CreatedStaff, DepartmentLoad, NewStaff, Role, StaffAccountView};
use nafitha_domain::Locale;

use super::super::api;
use super::super::components::{
    desk_table, loaded, role_label, shown_once, Radios, SelectField, TextField,
};
use super::super::use_staff;
use super::heading;
use crate::api::Loaded;
use crate::components::{ErrorSummary, PageHeading};
use crate::i18n::{texts, tr};
use crate::state::{use_announcer, use_locale};

/// The form to add an account; `created` receives the answer (its first password).
#[component]
fn AddForm(
    departments: Loaded<Vec<DepartmentLoad>>,
    errors: RwSignal<Vec<InvalidAnswer>>,
    created: RwSignal<Option<CreatedStaff>>,
    on_done: Callback<()>,
) -> impl IntoView {
    let locale = use_locale();
    let staff = use_staff();
    let [username, role, department] = std::array::from_fn(|_| RwSignal::new(String::new()));
    let busy = RwSignal::new(false);
    let roles = Signal::derive(move || {
        let l = locale.locale.get();
        Role::ALL
            .into_iter()
            .map(|r| (r.code().to_owned(), role_label(r, l).to_owned()))
            .collect::<Vec<_>>()
    });
    let department_options = Signal::derive(move || {
        let l = locale.locale.get();
        let whole = (String::new(), texts(l).staff.whole_agency.to_owned());
        let listed = departments.with(|d| match d {
            Some(Ok(loads)) => loads
                .iter()
                .map(|d: &DepartmentLoad| {
                    (
                        d.department.code.clone(),
                        d.department.name.get(l).to_owned(),
                    )
                })
                .collect(),
            _ => Vec::new(),
        });
        std::iter::once(whole).chain(listed).collect::<Vec<_>>()
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let new = NewStaff {
            username: username.get_untracked(),
            role: role.get_untracked(),
            department: Some(department.get_untracked()),
        };
        if let Err(problems) = new.validate() {
            return errors.set(problems);
        }
        let lang = locale.locale.get_untracked();
        let change = async move {
            let made = api::add_staff_account(&new, lang).await?;
            created.try_set(Some(made));
            Ok(())
        };
        staff.submit(busy, errors, "username", change, move || {
            for field in [username, role, department] {
                field.set(String::new());
            }
            on_done.try_run(());
        });
    };
    view! {
        <form novalidate on:submit=submit>
            <h2>{tr(|t| t.staff.add_account)}</h2>
            <TextField name="username" label=|t| t.staff.username hint=|t| t.staff.username_hint value=username errors dir="ltr"/>
            <Radios name="role" label=|t| t.staff.role value=role options=roles errors/>
            <SelectField name="department" label=|t| t.staff.department value=department options=department_options errors hint=|t| t.staff.department_hint/>
            <button type="submit" class="button button-secondary" disabled=busy>{tr(|t| t.staff.add_account)}</button>
        </form>
    }
}

#[component]
pub fn AccountsPage() -> impl IntoView {
    let locale = use_locale();
    let announcer = use_announcer();
    let staff = use_staff();
    let accounts = api::list_staff_accounts();
    let departments = api::list_department_loads();
    // A department's name by its code (the accounts list has codes).
    let department_name = move |code: &str, l: Locale| -> String {
        departments
            .with(|d| match d {
                Some(Ok(loads)) => loads
                    .iter()
                    .find(|d| d.department.code == code)
                    .map(|d| d.department.name.get(l).to_owned()),
                _ => None,
            })
            .unwrap_or_else(|| code.to_owned())
    };
    let errors = RwSignal::new(Vec::<InvalidAnswer>::new());
    let created = RwSignal::new(None::<CreatedStaff>);
    let busy = RwSignal::new(false);
    let changed = Callback::new(move |()| {
        announcer.announce(
            texts(locale.locale.get_untracked())
                .staff
                .accounts_updated
                .to_owned(),
        );
        accounts.refetch();
    });
    let me = move || staff.me().map(|m| m.username).unwrap_or_default();
    let table = move |all: &Vec<StaffAccountView>, l: Locale| {
        let t = &texts(l).staff;
        let rows = all
            .iter()
            .map(|a| {
                let who = a.username.clone();
                let enable = a.disabled;
                let switch = move |_| {
                    let (lang, who) = (locale.locale.get_untracked(), who.clone());
                    created.set(None);
                    let change =
                        async move { api::set_staff_account_enabled(&who, enable, lang).await };
                    staff.submit(busy, errors, "accounts", change, move || {
                        changed.try_run(());
                    });
                };
                let state = if a.disabled { t.account_disabled } else { t.account_active };
                let verb = if a.disabled { t.enable } else { t.disable };
                let action = (a.username != me()).then(|| {
                    view! {
                        <button type="button" class="link-button" on:click=switch disabled=busy>
                            {verb} " " <bdi>{a.username.clone()}</bdi>
                        </button>
                    }
                });
                view! {
                    <tr>
                        <th scope="row" dir="ltr">{a.username.clone()}</th>
                        <td>{role_label(a.role, l)}</td>
                        <td>{a.department.as_deref().map_or_else(|| t.whole_agency.to_owned(), |d| department_name(d, l))}</td>
                        <td>{state}</td>
                        <td>{action}</td>
                    </tr>
                }
            })
            .collect_view();
        desk_table(
            "accounts-caption",
            t.accounts_caption,
            &[t.username, t.role, t.department, t.account_state, t.actions],
            rows,
        )
    };
    let shown_password = move || {
        let l = locale.locale.get();
        let t = &texts(l).staff;
        created.with(|c| {
            c.as_ref().map(|made| {
                shown_once(
                    t.first_password_for,
                    made.username.clone(),
                    made.password.clone(),
                    t.first_password_once,
                )
            })
        })
    };
    view! {
        <PageHeading text=heading(|t| t.staff.accounts_title) loading=Signal::derive(move || accounts.with(Option::is_none)) error=Signal::derive(move || !errors.read().is_empty())/>
        <ErrorSummary errors/>
        {shown_password}
        {loaded(accounts, |t| t.staff.not_allowed, table)}
        <AddForm departments errors created on_done=changed/>
    }
}
