//! The root: contexts, the page frame, the router and its fallback page.

use leptos::prelude::*;

use crate::components::site_frame;
use crate::pages::NotFoundPage;
use crate::pages::{
    ConfirmationPage, FilingPage, HomePage, MyRequestsPage, RequestPage, ServicePage, SignInPage,
    TrackPage,
};
use crate::router::use_location;
use crate::Boot;

/// The app, started at `boot` (see [`Boot`]).
#[component]
pub fn App(boot: Boot) -> impl IntoView {
    site_frame(boot, || view! { <Pages/> })
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
            _ => view! { <NotFoundPage/> },
        }
    }
}
