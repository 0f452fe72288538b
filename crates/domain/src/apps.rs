//! Which browser app shows which address, where both sides need to know: the server
//! sends that app's page, and the other apps hand the address over with a full load.

/// The records app's addresses (decision 0014): what the portal issues and publishes. A
/// holder's licences, their certificates, renewals and fees under `/licences`; anyone's
/// check of a licence under `/verify`; the agencies' performance figures.
pub const RECORDS_SCREENS: [&str; 3] = ["/licences", "/verify", "/performance"];

/// Whether `path` (an address's path, without its query) is one of [`RECORDS_SCREENS`]
/// or under one.
pub fn in_records_app(path: &str) -> bool {
    RECORDS_SCREENS.iter().any(|screen| {
        path.strip_prefix(screen)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
