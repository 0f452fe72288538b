//! The root: contexts, the page frame, the router and its fallback page.

use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::hooks::use_location;
use leptos_router::path;

use crate::components::SiteHeader;
use crate::i18n::tr;
use crate::pages::{
    ConfirmationPage, FilingPage, HomePage, MyRequestsPage, NotFoundPage, RequestPage, ServicePage,
    SignInPage, TrackPage,
};
use crate::staff::{Route, StaffContext, StaffPage};
use crate::state::{provide_announcer, provide_locale};

#[component]
pub fn App() -> impl IntoView {
    provide_locale();
    let announcer = provide_announcer();
    provide_context(StaffContext(RwSignal::new(None)));
    view! {
        <Router>
            <SiteHeader/>
            <main id="main" class="container" tabindex="-1">
                <Routes fallback=NotFoundPage>
                    <Route path=path!("/*path") view=Pages/>
                </Routes>
            </main>
            <footer class="site-footer">
                <div class="container">
                    <p>{tr(|t| t.tagline)}</p>
                    <p>{tr(|t| t.footer_note)}</p>
                </div>
            </footer>
            <div class="visually-hidden" role="status" aria-live="polite" aria-atomic="true">
                {move || announcer.message.get()}
            </div>
        </Router>
    }
}

/// Chooses the page for the address. One wildcard route and a `match` on the path's
/// segments: leptos_router keeps the history, links and query, while a `<Route>` per page
/// cost about a kilobyte of WASM each in matching code (docs/decisions/0002). A page is
/// built anew when the path changes, never when only the query does.
#[component]
fn Pages() -> impl IntoView {
    let location = use_location();
    let path = Memo::new(move |_| location.pathname.get());
    move || {
        let path = path.get();
        let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
        match segments.as_slice() {
            [""] => view! { <HomePage/> },
            ["services", code] => view! { <ServicePage code=code.to_string()/> },
            ["services", code, "apply"] => view! { <FilingPage code=code.to_string()/> },
            ["confirmation", reference] => {
                view! { <ConfirmationPage reference=reference.to_string()/> }
            }
            ["track"] => view! { <TrackPage/> },
            ["sign-in"] => view! { <SignInPage/> },
            ["requests"] => view! { <MyRequestsPage/> },
            ["requests", reference] => view! { <RequestPage reference=reference.to_string()/> },
            ["staff"] => view! { <StaffPage route=Route::Queue/> },
            ["staff", "overdue"] => view! { <StaffPage route=Route::Loads/> },
            ["staff", "requests", reference] => {
                view! { <StaffPage route=Route::Request(reference.to_string())/> }
            }
            _ => view! { <NotFoundPage/> },
        }
    }
}
