//! The API's OpenAPI 3.1 document, `GET /api/v1/openapi.json`: made once from the routers
//! themselves (`routes::described_routes`, each handler's `#[utoipa::path]`), with the
//! ways to sign in and the error body. It owns the document's frame (title, security
//! schemes, the `/api/v1` prefix), never what a route does.

use std::sync::LazyLock;
use std::time::Duration;

use axum::body::Bytes;
use axum::http::header;
use axum::response::IntoResponse;
use nafitha_domain::ErrorBody;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::OpenApi as Document;
use utoipa::{Modify, OpenApi};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::startup::AppState;

/// Where the API is mounted; the document's paths include it.
pub const API_PREFIX: &str = "/api/v1";

/// The names of the security schemes the operations refer to.
pub const STAFF_SESSION: &str = "staff_session";
pub const CITIZEN_SESSION: &str = "citizen_session";
pub const PARTNER_KEY: &str = "partner_key";

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Nafitha API",
        description = "The citizen self-service portal's API: the service catalogue, filing and \
            tracking requests, the citizen's account, the back office, channel partners' keys and \
            the performance figures. Every error has the body `ErrorBody` (`code`, `message` in \
            the language `Accept-Language` prefers, `localized` in Arabic and English, and \
            `fields`). Over HTTPS the session cookies' names start with `__Host-`.",
        license(name = "MIT", identifier = "MIT")
    ),
    components(schemas(ErrorBody)),
    modifiers(&SignIn),
    tags(
        (name = "catalogue", description = "The services and their forms"),
        (name = "filing", description = "Filing a request, uploading its files, tracking it"),
        (name = "citizen", description = "The citizen's sign-in by SMS code and their requests"),
        (name = "staff", description = "The back office: sign-in, the queue, a request"),
        (name = "intake", description = "Assisted filing and look-ups by contact-centre staff"),
        (name = "admin", description = "An agency's staff accounts and partners' keys"),
        (name = "licences", description = "Licences issued by permits: verification, the holder's, the agency's register"),
        (name = "payments", description = "Bills of permits with a fee: the holder's, and the payment gateway's signed callback"),
        (name = "stats", description = "Performance figures"),
        (name = "meta", description = "This document")
    )
)]
struct ApiDoc;

/// The security schemes: the two session cookies and a partner's key.
struct SignIn;

impl Modify for SignIn {
    fn modify(&self, openapi: &mut Document) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            STAFF_SESSION,
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
                "nafitha_staff",
                "A staff member's session, set by `POST /api/v1/staff/session`",
            ))),
        );
        components.add_security_scheme(
            CITIZEN_SESSION,
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
                "nafitha_session",
                "A citizen's session, set by `POST /api/v1/auth/verify`",
            ))),
        );
        components.add_security_scheme(
            PARTNER_KEY,
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some(
                        "A channel partner's API key (`nfk_…`), made by an agency's admin",
                    ))
                    .build(),
            ),
        );
    }
}

/// The document of every `/api/v1` route, paths in full (`/api/v1/...`).
pub fn document() -> Document {
    let (_, described) = crate::routes::described_routes(Duration::ZERO).split_for_parts();
    let mut document = ApiDoc::openapi();
    document.merge(described);
    document.paths.paths = std::mem::take(&mut document.paths.paths)
        .into_iter()
        .map(|(path, item)| (format!("{API_PREFIX}{path}"), item))
        .collect();
    document
}

/// The document as served: made on first use, then kept.
static DOCUMENT: LazyLock<Bytes> = LazyLock::new(|| {
    Bytes::from(serde_json::to_vec(&document()).expect("the OpenAPI document serializes"))
});

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(get_openapi))
}

/// This document.
#[utoipa::path(
    get,
    path = "/openapi.json",
    tag = "meta",
    responses((status = 200, description = "The OpenAPI 3.1 document of this API",
        content_type = "application/json", body = Object))
)]
async fn get_openapi() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "application/json")],
        DOCUMENT.clone(),
    )
}
