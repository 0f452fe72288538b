//! The on-device queue of filings, from any page. A request sent without a connection
//! waits in its draft (`pending`, with the body as sent: [`crate::drafts`]); whichever page
//! of the app is open sends it when the connection returns (the `online` event, and every
//! 10 s, since some browsers miss that event), with the draft's idempotency key, so the
//! server files it once however many tabs or pages try.
//!
//! The filing page of that service sends its own draft (it shows the answer in place), so
//! the queue leaves that one alone while it is open. What happened is said at the top of
//! the page, until the next page: the reference, linked to its receipt; or, when the server
//! refused the request, a link back to it to correct and send again.

use leptos::prelude::*;
use leptos::task::spawn_local;
use nafitha_domain::ReferenceNumber;

use crate::api::{self, ApiError};
use crate::drafts::{self, Draft};
use crate::i18n::tr;
use crate::router::use_location;
use crate::state::{use_announcer, use_locale};

/// What became of a queued request.
#[derive(Clone, Debug, PartialEq)]
enum Outcome {
    Filed(ReferenceNumber),
    /// The server refused it (by service code): the applicant must correct it.
    Refused(String),
}

/// True when the server will not take this request as it is, so trying again later
/// would not help; anything else (no network, a busy or failing server, an answer that
/// is not the API's, as a captive portal's) is tried again later.
fn refused(error: &ApiError) -> bool {
    match error {
        ApiError::NotFound => true,
        ApiError::Server { status, .. } => *status < 500 && *status != 429 && *status != 408,
        ApiError::Network | ApiError::Unreadable => false,
    }
}

/// Starts the queue and returns what it has to say, for the top of `<main>`.
pub fn run_queue() -> impl IntoView {
    let locale = use_locale();
    let location = use_location();
    let announcer = use_announcer();
    let outcomes = RwSignal::new(Vec::<Outcome>::new());
    let busy = StoredValue::new(false);
    // The next draft to send: one waiting whose filing page is not open (that page sends
    // its own), read afresh each time, since the reader moves on and other tabs file too.
    let next = move |tried: &[String]| -> Option<(String, Draft)> {
        let open = location.path.get_untracked();
        drafts::waiting().into_iter().find(|(service, _)| {
            open != format!("/services/{service}/apply") && !tried.contains(service)
        })
    };
    let run = move || {
        if busy.get_value() || next(&[]).is_none() {
            return;
        }
        busy.set_value(true);
        spawn_local(async move {
            let mut tried = Vec::new();
            while let Some((service, draft)) = next(&tried) {
                tried.push(service.clone());
                let Some(body) = draft.sending.clone() else {
                    continue;
                };
                let lang = locale.locale.get_untracked();
                let key = draft.idempotency_key.clone();
                let answer = api::create_request(body, &key, lang).await;
                // Meanwhile the draft may have been filed or changed elsewhere: what is
                // stored is touched only while it is still this one.
                let stored = drafts::load(&service);
                let still = stored.pending && stored.idempotency_key == key;
                let outcome = match answer {
                    Ok(filed) => {
                        if still {
                            drafts::clear(&service);
                        }
                        Outcome::Filed(filed.reference)
                    }
                    Err(error) if refused(&error) => {
                        if still {
                            let mut draft = draft;
                            draft.unqueue();
                            drafts::save(&service, &draft);
                        }
                        Outcome::Refused(service)
                    }
                    // Still no way through: the rest wait too.
                    Err(_) => break,
                };
                let t = &crate::i18n::texts(lang).citizen;
                announcer.announce(match &outcome {
                    Outcome::Filed(reference) => {
                        format!("{} {}", t.queue_sent, reference.grouped())
                    }
                    Outcome::Refused(_) => t.queue_refused.to_owned(),
                });
                outcomes.update(|o| o.push(outcome));
            }
            busy.set_value(false);
        });
    };
    // Started by an effect: only in the browser, once the page is shown.
    Effect::new(move |_| {
        let on_online = window_event_listener(leptos::ev::online, move |_| run());
        let interval = set_interval_with_handle(run, std::time::Duration::from_secs(10)).ok();
        on_cleanup(move || {
            on_online.remove();
            if let Some(handle) = interval {
                handle.clear();
            }
        });
        run();
    });
    // Said until the reader moves on to another page (not another step of the same).
    Effect::new(move |before: Option<String>| {
        let path = location.path.get();
        if before.is_some_and(|before| before != path) {
            outcomes.set(Vec::new());
        }
        path
    });

    move || {
        outcomes
            .get()
            .into_iter()
            .map(|outcome| match outcome {
                Outcome::Filed(reference) => view! {
                    <div class="notice">
                        <p>
                            {tr(|t| t.citizen.queue_sent)} " "
                            <a href=format!("/confirmation/{reference}") dir="ltr">{reference.grouped()}</a>
                        </p>
                    </div>
                }
                .into_any(),
                Outcome::Refused(service) => view! {
                    <div class="notice notice-warning">
                        <p>
                            {tr(|t| t.citizen.queue_refused)} " "
                            <a href=format!("/services/{service}/apply?step=check")>{tr(|t| t.citizen.queue_check)}</a>
                        </p>
                    </div>
                }
                .into_any(),
            })
            .collect_view()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use nafitha_domain::ErrorBody;

    fn server(status: u16) -> ApiError {
        ApiError::Server {
            status,
            body: ErrorBody {
                code: "x".into(),
                message: String::new(),
                localized: None,
                fields: Vec::new(),
            },
        }
    }

    #[test]
    fn only_a_refusal_takes_a_request_out_of_the_queue() {
        for status in [400, 409, 413, 422] {
            assert!(refused(&server(status)), "{status}");
        }
        assert!(refused(&ApiError::NotFound));
        for status in [408, 429, 500, 502, 503] {
            assert!(!refused(&server(status)), "{status}");
        }
        assert!(!refused(&ApiError::Network));
        assert!(!refused(&ApiError::Unreadable));
    }
}
