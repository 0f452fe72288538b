//! Which browser app shows which address, where both sides need to know: the server
//! sends that app's page, and the other apps hand the address over with a full load.

use crate::backoffice::on_desk;

/// The records app's addresses (decision 0014): what the portal issues and publishes. A
/// holder's licences, their certificates, renewals and fees under `/licences`; anyone's
/// check of a licence under `/verify`; the agencies' performance figures.
pub const RECORDS_SCREENS: [&str; 3] = ["/licences", "/verify", "/performance"];

/// Whether `path` (an address's path, without its query) is one of [`RECORDS_SCREENS`]
/// or under one.
pub fn in_records_app(path: &str) -> bool {
    RECORDS_SCREENS
        .iter()
        .any(|screen| at_or_under(path, screen))
}

/// The licensing desk's addresses (decision 0015): the agency's register of licences and
/// each licence, with the supervisors' suspension and revocation.
pub const LICENSING_SCREENS: [&str; 1] = ["/staff/licences"];

/// The staff's apps (decisions 0004, 0012 and 0015).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StaffApp {
    /// The back office: the queue, requests, appointments, figures, administration.
    Office,
    /// The intake desk (`backoffice::DESK_SCREENS`).
    Desk,
    /// The licensing desk ([`LICENSING_SCREENS`]).
    Licensing,
}

/// Which staff app shows `path` (an address's path under `/staff`, without its query).
pub fn staff_app(path: &str) -> StaffApp {
    if on_desk(path) {
        StaffApp::Desk
    } else if LICENSING_SCREENS
        .iter()
        .any(|screen| at_or_under(path, screen))
    {
        StaffApp::Licensing
    } else {
        StaffApp::Office
    }
}

/// Whether the public page at `path` is sent by the server already rendered (decision
/// 0018): every address of the citizens' and records apps but those that need the app
/// itself, a session or a form that files (signing in, filing, one's requests and
/// licences, the check of a licence). Those get the app's page to run, with a notice for
/// a browser without JavaScript.
pub fn rendered_by_server(path: &str) -> bool {
    let app_only = ["/sign-in", "/requests", "/licences", "/verify"]
        .iter()
        .any(|screen| at_or_under(path, screen));
    !(app_only || filing_service(path).is_some() || at_or_under(path, "/staff"))
}

/// The service a filing page (`/services/{code}/apply`) files with, as its address spells
/// it.
pub fn filing_service(path: &str) -> Option<&str> {
    path.strip_prefix("/services/")?
        .trim_end_matches('/')
        .strip_suffix("/apply")
        .filter(|code| !code.is_empty() && !code.contains('/'))
}

/// `path` is `screen` or an address under it (`/licences/1`, not `/licencesx`).
fn at_or_under(path: &str, screen: &str) -> bool {
    path.strip_prefix(screen)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_filing_page_names_its_service() {
        assert_eq!(filing_service("/services/x/apply"), Some("x"));
        assert_eq!(filing_service("/services/x/apply/"), Some("x"));
        assert_eq!(filing_service("/services/apply"), None);
        assert_eq!(filing_service("/services//apply"), None);
        assert_eq!(filing_service("/services/a/b/apply"), None);
        assert_eq!(filing_service("/services/x"), None);
    }

    #[test]
    fn public_pages_are_rendered_by_the_server_and_session_pages_are_not() {
        for path in [
            "/",
            "/services/building-permit",
            "/track",
            "/confirmation/NAF-2026-000123-4",
            "/performance",
            "/no-such-page",
            "/services/apply",
            "/staffing",
        ] {
            assert!(rendered_by_server(path), "{path}");
        }
        for path in [
            "/sign-in",
            "/requests",
            "/requests/NAF-2026-000123-4",
            "/services/building-permit/apply",
            "/services/building-permit/apply/",
            "/licences/1",
            "/verify",
            "/staff",
            "/staff/requests/1",
        ] {
            assert!(!rendered_by_server(path), "{path}");
        }
    }

    #[test]
    fn the_records_app_has_licences_verification_and_figures_only() {
        for path in [
            "/licences",
            "/licences/",
            "/licences/1234567890/certificate",
            "/verify",
            "/verify/1234567890",
            "/performance",
        ] {
            assert!(in_records_app(path), "{path}");
        }
        for path in [
            "/",
            "/licencesx",
            "/requests",
            "/services/licences",
            "/verifying",
            "/performances",
            "/staff/licences",
            "/staff/performance",
        ] {
            assert!(!in_records_app(path), "{path}");
        }
    }

    #[test]
    fn each_staff_address_belongs_to_one_staff_app() {
        for (path, app) in [
            ("/staff", StaffApp::Office),
            ("/staff/requests/123456789012", StaffApp::Office),
            ("/staff/file", StaffApp::Desk),
            ("/staff/lookup/", StaffApp::Desk),
            ("/staff/licences", StaffApp::Licensing),
            ("/staff/licences/1234567890", StaffApp::Licensing),
            ("/staff/licencesx", StaffApp::Office),
        ] {
            assert_eq!(staff_app(path), app, "{path}");
        }
    }
}
