//! API answers a page already holds (decision 0018), keyed by the path `load` would ask
//! for: on the server the answers it fetched for the page being rendered; in the browser
//! the ones the server wrote into that page (`takeover`). A `load` whose path is
//! there takes the answer (so a later load of that path fetches as usual) and shows it
//! from its first render; on the server a path that is not there is noted as wanted.
//!
//! The citizens' and the records app only: the staff's apps are never rendered on the
//! server, and this costs them nothing (`cfg(not(feature = "backoffice"))`).

use std::sync::{Arc, Mutex, PoisonError};

use leptos::prelude::*;

use super::{answer_of, Answer};

/// One answer of the API, as it came: the path asked (with its query), the status and the
/// body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Preload {
    pub path: String,
    pub status: u16,
    pub body: String,
}

/// The answers a page holds, provided as a context above the app.
#[derive(Clone, Default)]
pub struct Preloaded(Arc<Mutex<Held>>);

#[derive(Default)]
struct Held {
    answers: Vec<Preload>,
    /// The paths asked for and not held, in order (the server's render only).
    #[cfg(server)]
    wanted: Vec<String>,
}

impl Preloaded {
    /// Holds `answers`.
    pub fn new(answers: Vec<Preload>) -> Preloaded {
        Preloaded(Arc::new(Mutex::new(Held {
            answers,
            #[cfg(server)]
            wanted: Vec::new(),
        })))
    }

    fn held<R>(&self, f: impl FnOnce(&mut Held) -> R) -> R {
        f(&mut self.0.lock().unwrap_or_else(PoisonError::into_inner))
    }

    /// Takes the answer for `path` out, if held.
    fn take(&self, path: &str) -> Option<Preload> {
        self.held(|held| {
            let at = held.answers.iter().position(|a| a.path == path)?;
            Some(held.answers.remove(at))
        })
    }

    /// The paths the page asked for that were not held, each once, in the order asked.
    #[cfg(server)]
    pub fn wanted(&self) -> Vec<String> {
        self.held(|held| held.wanted.clone())
    }
}

/// Shows the held answer for `path()` (read once, untracked) in `answer`, and marks it as
/// `shown`; returns it when it did. Without a [`Preloaded`] context (a page the server did not
/// render) nothing happens.
pub(super) fn seed(
    path: &dyn Fn() -> Option<String>,
    answer: &dyn Answer,
    shown: StoredValue<Option<String>>,
) -> Option<Preload> {
    let preloaded = use_context::<Preloaded>()?;
    let path = untrack(path)?;
    match preloaded.take(&path) {
        Some(held) => {
            answer.arrived(answer_of(held.status, held.body.clone()));
            shown.set_value(Some(path));
            Some(held)
        }
        None => {
            #[cfg(server)]
            preloaded.held(|held| {
                if !held.wanted.contains(&path) {
                    held.wanted.push(path);
                }
            });
            None
        }
    }
}
