//! The root: contexts, the page frame, the router and its fallback page.

use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;

use crate::components::SiteHeader;
use crate::i18n::tr;
use crate::pages::{
    ConfirmationPage, FilingPage, HomePage, MyRequestsPage, NotFoundPage, RequestPage, ServicePage,
    SignInPage, TrackPage,
};
use crate::state::{provide_announcer, provide_locale};

#[component]
pub fn App() -> impl IntoView {
    provide_locale();
    let announcer = provide_announcer();
    view! {
        <Router>
            <SiteHeader/>
            <main id="main" class="container" tabindex="-1">
                <Routes fallback=NotFoundPage>
                    <Route path=path!("/") view=HomePage/>
                    <Route path=path!("/services/:code") view=ServicePage/>
                    <Route path=path!("/services/:code/apply") view=FilingPage/>
                    <Route path=path!("/confirmation/:reference") view=ConfirmationPage/>
                    <Route path=path!("/track") view=TrackPage/>
                    <Route path=path!("/sign-in") view=SignInPage/>
                    <Route path=path!("/requests") view=MyRequestsPage/>
                    <Route path=path!("/requests/:reference") view=RequestPage/>
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
