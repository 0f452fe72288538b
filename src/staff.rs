//! The back office under `/staff` (its own app: the crate built with the `backoffice`
//! feature, docs/decisions/0004): sign-in, the queue (filters kept in the address, counts,
//! pages, CSV), a request with everything the applicant gave, its whole timeline and the
//! actions the life cycle allows, the agency's register of licences (suspended and revoked
//! by supervisors), open work per department, the agency's performance and the look-ups'
//! audit for supervisors, and the agency's services and their ready answers for admins.
//! Contact-centre and reception staff (the intake role) have screens of their own: filing
//! a request for a citizen, with its printable receipt, and looking up a citizen's
//! requests.
//!
//! One component per screen in `pages/`, shared pieces in `components/`, the endpoints in
//! `api.rs`; `leptos_router` chooses the screen.

#[cfg_attr(
    any(feature = "desk", feature = "licensing"),
    allow(dead_code, unused_imports)
)]
mod api;
#[cfg_attr(
    any(feature = "desk", feature = "licensing"),
    allow(dead_code, unused_imports)
)]
mod components;
mod pages;

use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;
use nafitha_domain::answers::InvalidAnswer;
use nafitha_domain::apps::{staff_app, StaffApp};
use nafitha_domain::backoffice::{Role, StaffMe};
use nafitha_domain::Locale;

use crate::api::ApiError;
use crate::components::LoadError;
use crate::state::{provide_announcer, provide_locale, remembered_locale};
use components::{Loading, StaffHeader};
use pages::{NotFoundPage, NotYoursPage, SignInPage};

/// Who is at the desk: asked once when the app starts, set by signing in and out, and
/// cleared by any answer that says the session has ended.
#[derive(Clone, Debug)]
pub enum Desk {
    Checking,
    SignedOut,
    SignedIn(StaffMe),
    /// The server could not say (offline, say).
    Failed(ApiError),
}

/// The [`Desk`], shared by every screen.
#[derive(Clone, Copy)]
pub struct StaffContext(pub RwSignal<Desk>);

impl StaffContext {
    /// The signed-in staff member (tracked); `None` before sign-in.
    pub fn me(&self) -> Option<StaffMe> {
        self.0.with(|d| match d {
            Desk::SignedIn(me) => Some(me.clone()),
            _ => None,
        })
    }

    /// The signed-in staff member, read once (not tracked).
    pub fn me_untracked(&self) -> Option<StaffMe> {
        self.0.with_untracked(|d| match d {
            Desk::SignedIn(me) => Some(me.clone()),
            _ => None,
        })
    }

    /// Whether the signed-in staff member supervises (tracked).
    #[cfg(office)]
    pub fn supervises(&self) -> bool {
        self.0
            .with(|d| matches!(d, Desk::SignedIn(me) if me.role.supervises()))
    }

    /// The sign-in screen comes back when `error` says the session ended; true then.
    pub fn signed_out_by(&self, error: &ApiError) -> bool {
        let ended = error.needs_sign_in();
        if ended {
            self.0.set(Desk::SignedOut);
        }
        ended
    }

    /// What a change's answer means for the screen: true when it was made (the errors are
    /// cleared); an ended session brings the sign-in back; any other refusal is shown, on
    /// the fields the server named or else on `field`.
    pub fn settle(
        &self,
        answer: Result<(), ApiError>,
        errors: RwSignal<Vec<InvalidAnswer>>,
        field: &str,
    ) -> bool {
        match answer {
            Ok(()) => {
                errors.set(Vec::new());
                true
            }
            Err(e) => {
                if !self.signed_out_by(&e) {
                    errors.set(e.problems(field));
                }
                false
            }
        }
    }

    /// Sends one change (`change`, not yet started) unless the previous one is still on its
    /// way (`busy`, which also disables the form's button): a double click sends once. When
    /// it is made, focus goes to the screen's heading (the screen is redrawn with the new
    /// state, the button pressed with it) and `done` runs; otherwise [`Self::settle`] shows
    /// why.
    pub fn submit(
        self,
        busy: RwSignal<bool>,
        errors: RwSignal<Vec<InvalidAnswer>>,
        field: &'static str,
        change: impl std::future::Future<Output = Result<(), ApiError>> + 'static,
        done: impl FnOnce() + 'static,
    ) {
        // Boxed, so the WASM carries one copy of what follows rather than one per form
        // (docs/decisions/0002).
        self.submit_boxed(busy, errors, field, Box::pin(change), Box::new(done));
    }

    fn submit_boxed(
        self,
        busy: RwSignal<bool>,
        errors: RwSignal<Vec<InvalidAnswer>>,
        field: &'static str,
        change: std::pin::Pin<Box<dyn std::future::Future<Output = Result<(), ApiError>>>>,
        done: Box<dyn FnOnce()>,
    ) {
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        leptos::task::spawn_local(async move {
            let answer = change.await;
            busy.try_set(false);
            if self.settle(answer, errors, field) {
                focus_heading();
                done();
            }
        });
    }

    /// Asks the server who is signed in.
    fn check(self, lang: Locale) {
        self.0.set(Desk::Checking);
        leptos::task::spawn_local(async move {
            let desk = match api::get_staff_me(lang).await {
                Ok(me) => Desk::SignedIn(me),
                Err(e) if e.needs_sign_in() => Desk::SignedOut,
                Err(e) => Desk::Failed(e),
            };
            self.0.set(desk);
        });
    }
}

#[cfg(not(feature = "desk"))]
/// Where the desk of a staff member who does not work requests starts: intake staff file,
/// the operator's other staff read the look-ups' audit.
fn home(me: &StaffMe) -> &'static str {
    if me.role == Role::Intake {
        "/staff/file"
    } else {
        "/staff/lookups"
    }
}

#[cfg(not(feature = "desk"))]
/// A case worker's screen (the queue, a request, …): for whoever works requests; anyone
/// else is sent to their own [`home`].
fn desk_screen<V: IntoView + 'static>(page: impl FnOnce() -> V) -> AnyView {
    use leptos_router::components::Redirect;
    use leptos_router::NavigateOptions;
    use nafitha_domain::backoffice::works_requests;

    match use_staff().me_untracked() {
        Some(me) if works_requests(me.role, &me.agency.code) => page().into_any(),
        Some(me) => {
            let options = NavigateOptions {
                resolve: false,
                replace: true,
                ..Default::default()
            };
            view! { <Redirect path=home(&me) options/> }.into_any()
        }
        None => view! { <NotYoursPage/> }.into_any(),
    }
}

/// Another screen, for the roles `allowed` admits; anyone else is told it is not for
/// their role.
#[cfg(not(feature = "licensing"))]
fn screen<V: IntoView + 'static>(allowed: fn(Role) -> bool, page: impl FnOnce() -> V) -> AnyView {
    match use_staff().me_untracked() {
        Some(me) if allowed(me.role) => page().into_any(),
        _ => view! { <NotYoursPage/> }.into_any(),
    }
}

/// Moves focus to the screen's `<h1>` (it stays while the screen reloads).
fn focus_heading() {
    if let Ok(Some(h1)) = document().query_selector("main h1") {
        let _ = wasm_bindgen::JsCast::unchecked_ref::<web_sys::HtmlElement>(&h1).focus();
    }
}

pub fn use_staff() -> StaffContext {
    expect_context::<StaffContext>()
}

/// Which part of the desk shows: the routes only once someone is signed in.
#[derive(Clone, Copy, PartialEq)]
enum Shown {
    Checking,
    SignIn,
    Screens,
    Failed,
}

/// The back office's screens (all but the intake desk's and the licensing desk's).
#[cfg(office)]
fn screens() -> impl IntoView {
    use pages::{
        AccountsPage, AnswersPage, ApiKeysPage, AppointmentsPage, AvailabilityPage, LoadsPage,
        LookupsPage, PerformancePage, QueuePage, RequestPage, ServicePage, ServicesPage,
    };
    view! {
        <Routes fallback=Elsewhere>
            <Route path=path!("") view=|| desk_screen(QueuePage)/>
            <Route path=path!("/requests/:reference") view=|| desk_screen(RequestPage)/>
            <Route path=path!("/overdue") view=|| desk_screen(LoadsPage)/>
            <Route path=path!("/appointments") view=|| desk_screen(AppointmentsPage)/>
            <Route path=path!("/appointments/:code/availability")
                view=|| desk_screen(|| screen(Role::supervises, AvailabilityPage))/>
            <Route path=path!("/performance") view=|| desk_screen(PerformancePage)/>
            <Route path=path!("/services") view=|| desk_screen(ServicesPage)/>
            <Route path=path!("/services/:code") view=|| desk_screen(ServicePage)/>
            <Route path=path!("/services/:code/answers") view=|| desk_screen(AnswersPage)/>
            <Route path=path!("/lookups") view=|| screen(Role::supervises, LookupsPage)/>
            <Route path=path!("/accounts") view=|| screen(|r| r == Role::Admin, AccountsPage)/>
            <Route path=path!("/api-keys") view=|| screen(|r| r == Role::Admin, ApiKeysPage)/>
        </Routes>
    }
}

/// The intake desk's screens ([`DESK_SCREENS`](nafitha_domain::backoffice::DESK_SCREENS)), its own app (decision 0012).
#[cfg(feature = "desk")]
fn screens() -> impl IntoView {
    use pages::{FilingPage, LookupPage};
    view! {
        <Routes fallback=Elsewhere>
            <Route path=path!("/file") view=|| screen(|r| r == Role::Intake, FilingPage)/>
            <Route path=path!("/lookup") view=|| screen(|r| r == Role::Intake, LookupPage)/>
        </Routes>
    }
}

/// The licensing desk's screens ([`LICENSING_SCREENS`](nafitha_domain::apps::LICENSING_SCREENS)), its own app (decision 0015).
#[cfg(feature = "licensing")]
fn screens() -> impl IntoView {
    use pages::{LicencePage, LicencesPage};
    view! {
        <Routes fallback=Elsewhere>
            <Route path=path!("/licences") view=|| desk_screen(LicencesPage)/>
            <Route path=path!("/licences/:number") view=|| desk_screen(LicencePage)/>
        </Routes>
    }
}

/// Whether this app shows the screen at `path` (`nafitha_domain::apps::staff_app` says
/// which of the three staff apps does).
fn ours(path: &str) -> bool {
    let this = if cfg!(feature = "desk") {
        StaffApp::Desk
    } else if cfg!(feature = "licensing") {
        StaffApp::Licensing
    } else {
        StaffApp::Office
    };
    staff_app(path) == this
}

/// An address this app has no screen for: another staff app's screens are loaded from
/// the server (the desk's from the back office and the other way round, and so on);
/// anything else is not found. The address the page was loaded with is never loaded again, so a server that
/// does not serve the other app shows "not found" rather than reloading for ever.
#[component]
fn Elsewhere() -> impl IntoView {
    let location = leptos_router::hooks::use_location();
    let path = location.pathname.get_untracked();
    let loaded_here = LOADED_WITH.with(|first| first.get().is_some_and(|first| *first == path));
    if ours(&path) || loaded_here {
        return view! { <NotFoundPage/> }.into_any();
    }
    let search = location.search.get_untracked();
    let address = if search.is_empty() {
        path
    } else {
        format!("{path}?{search}")
    };
    let _ = window().location().replace(&address);
    view! { <Loading/> }.into_any()
}

thread_local! {
    /// The path this page was loaded with (set when the app starts).
    static LOADED_WITH: std::cell::OnceCell<String> = const { std::cell::OnceCell::new() };
}

#[component]
pub fn StaffApp() -> impl IntoView {
    LOADED_WITH.with(|first| {
        let _ = first.set(window().location().pathname().unwrap_or_default());
    });
    let locale = provide_locale(remembered_locale(), false);
    let announcer = provide_announcer();
    let staff = StaffContext(RwSignal::new(Desk::Checking));
    provide_context(staff);
    staff.check(locale.locale.get_untracked());
    let shown = Memo::new(move |_| {
        staff.0.with(|d| match d {
            Desk::Checking => Shown::Checking,
            Desk::SignedOut => Shown::SignIn,
            Desk::SignedIn(_) => Shown::Screens,
            Desk::Failed(_) => Shown::Failed,
        })
    });
    let desk = move || match shown.get() {
        Shown::Checking => view! { <Loading/> }.into_any(),
        Shown::SignIn => view! { <SignInPage/> }.into_any(),
        Shown::Failed => {
            let error = staff.0.with_untracked(|d| match d {
                Desk::Failed(e) => e.clone(),
                _ => ApiError::Unreadable,
            });
            view! { <LoadError error on_retry=Callback::new(move |()| staff.check(locale.locale.get_untracked()))/> }
                .into_any()
        }
        Shown::Screens => screens().into_any(),
    };
    view! {
        <Router base="/staff">
            <StaffHeader/>
            <main id="main" class="desk" tabindex="-1">
                {desk}
            </main>
            <div class="visually-hidden" role="status" aria-live="polite" aria-atomic="true">
                {move || announcer.message.get()}
            </div>
        </Router>
    }
}
