//! The root: contexts, the page frame, the router and its fallback page.

use leptos::prelude::*;

use crate::components::SiteHeader;
use crate::i18n::tr;
use crate::pages::NotFoundPage;
#[cfg(not(feature = "backoffice"))]
use crate::pages::{
    ConfirmationPage, FilingPage, HomePage, MyRequestsPage, RequestPage, ServicePage, SignInPage,
    TrackPage,
};
#[cfg(not(feature = "backoffice"))]
use crate::performance::PerformancePage;
use crate::router::{provide_router, use_location};
#[cfg(feature = "backoffice")]
use crate::staff::{Route, StaffContext, StaffPage};
use crate::state::{provide_announcer, provide_locale};

#[component]
pub fn App() -> impl IntoView {
    let locale = provide_locale();
    let announcer = provide_announcer();
    provide_router();
    #[cfg(feature = "backoffice")]
    provide_context(StaffContext(RwSignal::new(None)));
    view! {
        <SiteHeader/>
        <main id="main" class="container" tabindex="-1">
            <Pages/>
        </main>
        <footer class="site-footer">
            <div class="container">
                <p>{tr(|t| t.tagline)}</p>
                <p>{tr(|t| t.footer_note)}</p>
                <p>
                    <a href="/performance">
                        {move || crate::i18n::say(locale.locale.get(), "أداء الجهات ورضا المستفيدين", "How agencies perform, and how satisfied people are")}
                    </a>
                </p>
            </div>
        </footer>
        <div class="visually-hidden" role="status" aria-live="polite" aria-atomic="true">
            {move || announcer.message.get()}
        </div>
    }
}

/// Chooses the page for the address by a `match` on the path's segments (see
/// `router`). A page is built anew when the path changes, never when only the query does.
#[component]
fn Pages() -> impl IntoView {
    let location = use_location();
    let path = Memo::new(move |_| location.path.get());
    move || {
        let path = path.get();
        let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
        match segments.as_slice() {
            #[cfg(not(feature = "backoffice"))]
            [""] => view! { <HomePage/> },
            #[cfg(not(feature = "backoffice"))]
            ["services", code] => view! { <ServicePage code=code.to_string()/> },
            #[cfg(not(feature = "backoffice"))]
            ["services", code, "apply"] => view! { <FilingPage code=code.to_string()/> },
            #[cfg(not(feature = "backoffice"))]
            ["confirmation", reference] => {
                view! { <ConfirmationPage reference=reference.to_string()/> }
            }
            #[cfg(not(feature = "backoffice"))]
            ["track"] => view! { <TrackPage/> },
            #[cfg(not(feature = "backoffice"))]
            ["performance"] => view! { <PerformancePage/> },
            #[cfg(not(feature = "backoffice"))]
            ["sign-in"] => view! { <SignInPage/> },
            #[cfg(not(feature = "backoffice"))]
            ["requests"] => view! { <MyRequestsPage/> },
            #[cfg(not(feature = "backoffice"))]
            ["requests", reference] => view! { <RequestPage reference=reference.to_string()/> },
            #[cfg(feature = "backoffice")]
            ["staff"] => view! { <StaffPage route=Route::Queue/> },
            #[cfg(feature = "backoffice")]
            ["staff", "overdue"] => view! { <StaffPage route=Route::Loads/> },
            #[cfg(feature = "backoffice")]
            ["staff", "performance"] => view! { <StaffPage route=Route::Performance/> },
            #[cfg(feature = "backoffice")]
            ["staff", "services"] => view! { <StaffPage route=Route::Services/> },
            #[cfg(feature = "backoffice")]
            ["staff", "services", code] => {
                view! { <StaffPage route=Route::Service(code.to_string())/> }
            }
            #[cfg(feature = "backoffice")]
            ["staff", "requests", reference] => {
                view! { <StaffPage route=Route::Request(reference.to_string())/> }
            }
            _ => view! { <NotFoundPage/> },
        }
    }
}
