//! The citizens' and records apps' pages as the server sends them (decision 0018).
//!
//! A public page (`apps::rendered_by_server`: the catalogue, a service, tracking, a
//! confirmation, the figures, "not found") comes already rendered by the very components
//! the app runs (`nafitha_web::ssr::render`), so it reads at once and without JavaScript.
//! The API answers it was rendered from are fetched here through the API's own router
//! (same handlers, limits and caches as the app's own calls, with none of the caller's
//! credentials), and travel in the page, so the app takes over without fetching them
//! again. Every other page of these apps is the app's page, to run, with the portal's
//! frame and a notice for a browser without JavaScript in `<noscript>`
//! (`nafitha_web::ssr::needs_script`).
//!
//! Either way the page comes in the language `Locale::choose` gives for the request (its
//! `?lang=`, the `nafitha_lang` cookie, then `Accept-Language`), set on `<html>` before
//! anything is drawn; a `?lang=` is remembered in the cookie.

use std::net::SocketAddr;
use std::path::Path;

use axum::body::Body;
use axum::extract::{ConnectInfo, OriginalUri, Request};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Router;
use tower::ServiceExt;

use nafitha_domain::apps::rendered_by_server;
use nafitha_domain::locale::{cookie_value, language_cookie, LANGUAGE_COOKIE};
use nafitha_domain::Locale;
use nafitha_web::ssr::{needs_script, query_value, render, Preload, Rendered};
use nafitha_web::Boot;

/// The API's answers one page may wait for: a page loads one or two, and a hostile
/// address cannot make the server fetch more.
const MOST_ANSWERS: usize = 4;

/// The page of one app (Trunk's `index.html`), cut where the server fills it in.
#[derive(Clone, Debug)]
pub struct Template {
    /// From `<!doctype html>` to before `<html`.
    before_html: String,
    /// From after the `<html …>` start tag to before `<title>`.
    head: String,
    /// The page's own title (the Arabic one).
    title: String,
    /// From after `</title>` to the end of `<body>` (its start tag included).
    after_title: String,
    /// What the page's `<body>` holds (its notice for a browser without JavaScript).
    body: String,
    /// The same without that notice (a rendered page needs none; anything else, a
    /// script say, stays).
    body_without_notice: String,
    /// From `</body>` to the end.
    end: String,
}

impl Template {
    /// Cuts `html`; `None` when it lacks an `<html>`, a `<title>` or a `<body>`.
    pub fn parse(html: &str) -> Option<Template> {
        let html_at = html.find("<html")?;
        let head_at = html_at + html[html_at..].find('>')? + 1;
        let title_at = html.find("<title>")?;
        let title_end = title_at + html[title_at..].find("</title>")? + "</title>".len();
        let body_at = title_end + html[title_end..].find("<body>")? + "<body>".len();
        let body_end = body_at + html[body_at..].rfind("</body>")?;
        let body = &html[body_at..body_end];
        let body_without_notice = match (body.find("<noscript>"), body.find("</noscript>")) {
            (Some(from), Some(to)) if from < to => {
                format!("{}{}", &body[..from], &body[to + "</noscript>".len()..])
            }
            _ => body.to_owned(),
        };
        Some(Template {
            before_html: html[..html_at].to_owned(),
            head: html[head_at..title_at].to_owned(),
            title: html[title_at + "<title>".len()..title_end - "</title>".len()].to_owned(),
            after_title: html[title_end..body_at].to_owned(),
            body: body.to_owned(),
            body_without_notice,
            end: html[body_end..].to_owned(),
        })
    }

    /// Reads and cuts the page at `path`.
    pub fn read(path: &Path) -> Option<Template> {
        let html = std::fs::read_to_string(path).ok()?;
        let template = Template::parse(&html);
        if template.is_none() {
            tracing::warn!(page = %path.display(), "the app's page has no <html>, <title> or <body>");
        }
        template
    }

    /// The page in `locale`, titled `title`, with `body` in place of the template's
    /// notice (the template's body as it is when `None`).
    fn fill(&self, locale: Locale, title: &str, body: Option<&str>) -> String {
        let mut page = String::with_capacity(
            self.before_html.len()
                + self.head.len()
                + self.after_title.len()
                + self.end.len()
                + body.map_or(self.body.len(), str::len)
                + 128,
        );
        page.push_str(&self.before_html);
        page.push_str(&format!(
            "<html dir={} lang={}>",
            locale.dir(),
            locale.tag()
        ));
        page.push_str(&self.head);
        page.push_str("<title>");
        page.push_str(&escape_text(title));
        page.push_str("</title>");
        page.push_str(&self.after_title);
        match body {
            Some(body) => {
                page.push_str(body);
                page.push_str(&self.body_without_notice);
            }
            None => page.push_str(&self.body),
        }
        page.push_str(&self.end);
        page
    }
}

/// The server's side of the public pages: the two apps' pages and the API to ask.
#[derive(Clone)]
pub struct Pages {
    api: Router,
    secure_cookie: bool,
    client_ip_header: Option<header::HeaderName>,
}

impl Pages {
    /// `api` answers the paths under `/api/v1` (with that prefix removed), as the nested
    /// API router does; `client_ip_header` is the header trusted proxies put the
    /// client's address in, if any.
    pub fn new(api: Router, secure_cookie: bool, client_ip_header: Option<&str>) -> Pages {
        Pages {
            api,
            secure_cookie,
            client_ip_header: client_ip_header
                .and_then(|name| header::HeaderName::from_bytes(name.as_bytes()).ok()),
        }
    }

    /// Answers a GET or HEAD of a page of the app whose page is `template`.
    pub async fn serve(&self, template: &Template, request: Request) -> Response {
        if !matches!(*request.method(), Method::GET | Method::HEAD) {
            return StatusCode::METHOD_NOT_ALLOWED.into_response();
        }
        // Only the head: a body is never read, and it could not be held across the awaits.
        let (request, _) = request.into_parts();
        // The address as asked: the records app is nested under its screens, which strips
        // them from the request's own.
        let uri = request
            .extensions
            .get::<OriginalUri>()
            .map_or_else(|| request.uri.clone(), |original| original.0.clone());
        let path = uri.path().to_owned();
        let search = uri
            .query()
            .map(|query| format!("?{query}"))
            .unwrap_or_default();
        let headers = &request.headers;
        let asked = query_lang(uri.query().unwrap_or_default());
        let cookies = header_text(headers, header::COOKIE);
        let locale = Locale::choose(
            asked.map(Locale::tag),
            cookie_value(&cookies, LANGUAGE_COOKIE),
            &header_text(headers, header::ACCEPT_LANGUAGE),
        );
        // Until a page's heading names it: the app's own title, or its English name.
        let title = locale.pick(&template.title, "Nafitha");
        let boot = Boot {
            path,
            search,
            locale,
            asked: asked.is_some(),
        };
        let (status, html) = if rendered_by_server(&boot.path) {
            match self.render_with_answers(boot, &request).await {
                Some((rendered, answers)) => {
                    // The page's own, as its heading sets it in the browser.
                    let title = if rendered.title.is_empty() {
                        title.to_owned()
                    } else {
                        rendered.title.clone()
                    };
                    let body = format!("{}{}", rendered.body, islands(&answers));
                    (
                        StatusCode::from_u16(rendered.status).unwrap_or(StatusCode::OK),
                        template.fill(locale, &title, Some(&body)),
                    )
                }
                // A bug in a page is the app's page for that one request, never a
                // server down: the app renders it in the browser.
                None => (StatusCode::OK, template.fill(locale, title, None)),
            }
        } else {
            // The app's page, with what a browser without JavaScript shows instead.
            let path = boot.path.clone();
            let notice = std::panic::catch_unwind(|| needs_script::render(boot))
                .map(|notice| format!("<noscript>{notice}</noscript>"))
                .inspect_err(|_| tracing::error!(%path, "rendering the notice panicked; sent the app's page without it"))
                .ok();
            (
                StatusCode::OK,
                template.fill(locale, title, notice.as_deref()),
            )
        };
        let mut response = (status, html).into_response();
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/html; charset=utf-8"),
        );
        // Every answer, a 404 too: a page is only as fresh as its data.
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
        // One address, a page per language (the cookie, or the browser's languages).
        headers.insert(
            header::VARY,
            HeaderValue::from_static("cookie, accept-language"),
        );
        if let Some(locale) = asked {
            let cookie = language_cookie(locale, self.secure_cookie);
            if let Ok(value) = HeaderValue::from_str(&cookie) {
                headers.insert(header::SET_COOKIE, value);
            }
        }
        response
    }

    /// Renders `boot`'s page, fetching the answers it asks for, then rendering again with
    /// them, until it asks for nothing new (at most [`MOST_ANSWERS`] answers). `None`
    /// when rendering panicked (logged).
    async fn render_with_answers(
        &self,
        boot: Boot,
        request: &axum::http::request::Parts,
    ) -> Option<(Rendered, Vec<Preload>)> {
        let mut answers: Vec<Preload> = Vec::new();
        loop {
            let rendered = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                render(boot.clone(), answers.clone())
            }));
            let Ok(rendered) = rendered else {
                tracing::error!(path = %boot.path, "rendering the page panicked; sent the app's page");
                return None;
            };
            let new: Vec<String> = rendered
                .wanted
                .iter()
                .filter(|path| !answers.iter().any(|a| &a.path == *path))
                .cloned()
                .collect();
            if new.is_empty() || answers.len() >= MOST_ANSWERS {
                return Some((rendered, answers));
            }
            for path in new.into_iter().take(MOST_ANSWERS - answers.len()) {
                answers.push(self.ask(path, request, boot.locale).await);
            }
        }
    }

    /// The API's answer to a GET of `path` (as `/api/v1/…`), asked as the page's caller:
    /// with its language (errors are written in it) and, so the limits count the caller
    /// and not the server, its address (the peer, and the header trusted proxies put it
    /// in, `NAFITHA_CLIENT_IP_HEADER`); never its cookies or credentials, since a
    /// rendered page is anyone's.
    async fn ask(
        &self,
        path: String,
        caller: &axum::http::request::Parts,
        locale: Locale,
    ) -> Preload {
        let inner = path.strip_prefix("/api/v1").unwrap_or(&path);
        let mut request = Request::builder()
            .method(Method::GET)
            .uri(inner)
            .body(Body::empty())
            .unwrap_or_default();
        let language = caller
            .headers
            .get(header::ACCEPT_LANGUAGE)
            .cloned()
            .unwrap_or(HeaderValue::from_static(locale.tag()));
        request
            .headers_mut()
            .insert(header::ACCEPT_LANGUAGE, language);
        if let Some(name) = &self.client_ip_header {
            for value in caller.headers.get_all(name) {
                request.headers_mut().append(name, value.clone());
            }
        }
        if let Some(peer) = caller.extensions.get::<ConnectInfo<SocketAddr>>() {
            request.extensions_mut().insert(*peer);
        }
        let (status, body) = match self.api.clone().oneshot(request).await {
            Ok(response) => {
                let status = response.status().as_u16();
                match axum::body::to_bytes(response.into_body(), 4 * 1024 * 1024).await {
                    Ok(bytes) => (status, String::from_utf8_lossy(&bytes).into_owned()),
                    Err(_) => (502, String::new()),
                }
            }
            Err(never) => match never {},
        };
        Preload { path, status, body }
    }
}

/// The `lang` of a query, when it names one of the portal's languages, read as the app
/// reads it (`query_value`).
fn query_lang(query: &str) -> Option<Locale> {
    query_value(query, "lang").and_then(|tag| Locale::from_tag(&tag))
}

fn header_text(headers: &HeaderMap, name: header::HeaderName) -> String {
    headers
        .get_all(name)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .collect::<Vec<_>>()
        .join("; ")
}

/// The answers as the app reads them back: one `<script type=application/json>` each,
/// never run (the page's policy allows no such script), its path and status as
/// attributes and the body as it came, with every `<` written `\u003c` so that no text
/// can close the element (in JSON `<` only occurs inside strings, where that is the
/// same character).
fn islands(answers: &[Preload]) -> String {
    let mut html = String::new();
    for answer in answers {
        html.push_str("<script type=application/json data-preload=\"");
        html.push_str(&escape_attribute(&answer.path));
        html.push_str("\" data-status=");
        html.push_str(&answer.status.to_string());
        html.push('>');
        html.push_str(&answer.body.replace('<', "\\u003c"));
        html.push_str("</script>");
    }
    html
}

fn escape_text(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;")
}

fn escape_attribute(text: &str) -> String {
    escape_text(text).replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINIFIED: &str = "<!doctype html><html dir=rtl lang=ar><meta charset=utf-8>\
        <title>نافذة</title><link href=/main.css rel=stylesheet></head><body><noscript>\
        <p>JS</p></noscript><script type=module>start()</script></body></html>";

    #[test]
    fn the_page_is_filled_in_its_language_with_its_title_and_body() {
        let template = Template::parse(MINIFIED).unwrap();
        assert_eq!(
            template.fill(Locale::En, "Track – Nafitha", Some("<main>x</main>")),
            "<!doctype html><html dir=ltr lang=en><meta charset=utf-8>\
             <title>Track – Nafitha</title><link href=/main.css rel=stylesheet></head>\
             <body><main>x</main><script type=module>start()</script></body></html>"
        );
        assert_eq!(
            template.fill(Locale::Ar, "a<b", None),
            "<!doctype html><html dir=rtl lang=ar><meta charset=utf-8>\
             <title>a&lt;b</title><link href=/main.css rel=stylesheet></head>\
             <body><noscript><p>JS</p></noscript><script type=module>start()</script></body></html>"
        );
        let source = "<!doctype html>\n<html lang=\"ar\" dir=\"rtl\">\n  <head>\n    \
            <title>نافذة</title>\n  </head>\n  <body>\n  </body>\n</html>";
        let filled = Template::parse(source)
            .unwrap()
            .fill(Locale::En, "T", Some("B"));
        assert!(
            filled.contains("<html dir=ltr lang=en>\n  <head>"),
            "{filled}"
        );
        assert!(filled.contains("<title>T</title>"), "{filled}");
        assert!(filled.ends_with("<body>B\n  </body>\n</html>"), "{filled}");
        assert!(Template::parse("<html><body></body></html>").is_none());
    }

    #[test]
    fn answers_travel_in_elements_no_text_can_close() {
        let html = islands(&[Preload {
            path: "/api/v1/track/x?a=1&b=\"2\"".into(),
            status: 404,
            body: r#"{"message":"</script><script>alert(1)</script>"}"#.into(),
        }]);
        assert_eq!(
            html,
            "<script type=application/json data-preload=\"/api/v1/track/x?a=1&amp;b=&quot;2&quot;\" \
             data-status=404>{\"message\":\"\\u003c/script>\\u003cscript>alert(1)\\u003c/script>\"}</script>"
        );
        let back = html
            .split_once('>')
            .unwrap()
            .1
            .strip_suffix("</script>")
            .unwrap();
        let value: serde_json::Value = serde_json::from_str(back).unwrap();
        assert_eq!(value["message"], "</script><script>alert(1)</script>");
    }

    #[test]
    fn only_the_portals_languages_are_asked_for() {
        assert_eq!(query_lang("ref=1&lang=en"), Some(Locale::En));
        assert_eq!(query_lang("lang=ar"), Some(Locale::Ar));
        assert_eq!(query_lang("lang=fr"), None);
        assert_eq!(query_lang("lang=%65n"), Some(Locale::En));
        assert_eq!(
            query_lang("%6Cang=en"),
            None,
            "keys are read as written, as the app does"
        );
        assert_eq!(query_lang(""), None);
    }
}
