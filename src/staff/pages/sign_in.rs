//! Staff sign-in: username and password. After it, the screen the address asks for shows.

use leptos::prelude::*;
use nafitha_domain::answers::InvalidAnswer;
use nafitha_domain::backoffice::StaffSignIn;

use super::super::components::TextField;
use super::super::{api, use_staff, Desk};
use super::heading;
use crate::components::{ErrorSummary, PageHeading};
use crate::i18n::tr;
use crate::state::use_locale;

#[component]
pub fn SignInPage() -> impl IntoView {
    let locale = use_locale();
    let staff = use_staff();
    let errors = RwSignal::new(Vec::<InvalidAnswer>::new());
    let username = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let sending = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let body = StaffSignIn {
            username: username.get_untracked(),
            password: password.get_untracked(),
        };
        if let Err(problems) = body.validate() {
            return errors.set(problems);
        }
        let lang = locale.locale.get_untracked();
        sending.set(true);
        leptos::task::spawn_local(async move {
            match api::staff_sign_in(&body, lang).await {
                Ok(me) => {
                    errors.set(Vec::new());
                    staff.0.set(Desk::SignedIn(me));
                }
                Err(e) => {
                    password.set(String::new());
                    errors.set(e.problems("password"));
                }
            }
            sending.set(false);
        });
    };
    view! {
        <div class="desk-narrow">
            <PageHeading text=heading(|t| t.staff.sign_in_title) error=Signal::derive(move || !errors.read().is_empty())/>
            <ErrorSummary errors/>
            <form novalidate on:submit=submit>
                <TextField name="username" label=|t| t.staff.username value=username errors autocomplete="username"/>
                <TextField name="password" label=|t| t.staff.password value=password errors kind="password" autocomplete="current-password"/>
                <button type="submit" class="button" disabled=sending>{tr(|t| t.staff.sign_in)}</button>
            </form>
        </div>
    }
}
