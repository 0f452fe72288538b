//! What a browser without JavaScript gets at an address that needs the app (signing in,
//! filing, one's requests and licences, the check of a licence): the portal's frame and,
//! in both languages, the page's language first, what needs JavaScript and what works
//! without it; a filing page links its service's page, which says how to reach the
//! agency. Server only (its texts never reach the WASM); the server sends it inside
//! `<noscript>`, so a browser that runs the app never shows it.

use leptos::prelude::*;
use nafitha_domain::Locale;

use crate::components::site_frame;
use crate::Boot;

/// One language's part: its heading at `level` (1 for the page's language, 2 for the
/// other), the explanation, and links that keep that language.
fn part(locale: Locale, level: u8, service: Option<&str>) -> impl IntoView {
    let (heading, text, links): (&str, &str, [(&str, &str); 3]) = match locale {
        Locale::Ar => (
            "تحتاج هذه الصفحة إلى JavaScript",
            "تسجيل الدخول وتقديم الطلبات ومتابعة طلباتك وتراخيصك تحتاج إلى تفعيل JavaScript في المتصفح. ومن دونه يمكنك تصفح الخدمات ومعرفة طريقة التواصل مع كل جهة، ومتابعة أي طلب برقمه، والاطلاع على أداء الجهات.",
            [
                ("/", "الخدمات وطرق التواصل مع الجهات"),
                ("/track", "متابعة طلب برقمه"),
                ("/performance", "أداء الجهات"),
            ],
        ),
        Locale::En => (
            "This page needs JavaScript",
            "Signing in, filing a request and following your requests and licences need JavaScript turned on in your browser. Without it you can still find a service and how to reach its agency, track any request by its reference number, and read how the agencies perform.",
            [
                ("/", "Services and how to reach the agencies"),
                ("/track", "Track a request by its reference"),
                ("/performance", "How the agencies perform"),
            ],
        ),
    };
    let tag = locale.tag();
    let service = service.map(|code| {
        let name = locale.pick(
            "هذه الخدمة وطريقة التواصل مع جهتها",
            "This service, and how to reach its agency",
        );
        view! { <li><a href=format!("/services/{code}?lang={tag}")>{name}</a></li> }
    });
    let links = links
        .into_iter()
        .map(|(path, name)| view! { <li><a href=format!("{path}?lang={tag}")>{name}</a></li> })
        .collect_view();
    let heading = if level == 1 {
        view! { <h1>{heading}</h1> }.into_any()
    } else {
        view! { <h2>{heading}</h2> }.into_any()
    };
    view! {
        <div lang=tag dir=locale.dir()>
            {heading}
            <p>{text}</p>
            <ul>{service}{links}</ul>
        </div>
    }
}

/// The frame and the notice at `boot`'s address, in `boot`'s language first, as HTML.
pub fn render(boot: Boot) -> String {
    let locale = boot.locale;
    let service = nafitha_domain::apps::filing_service(&boot.path).map(str::to_owned);
    let other = match locale {
        Locale::Ar => Locale::En,
        Locale::En => Locale::Ar,
    };
    super::alone(|| {
        site_frame(boot, move || {
            view! {
                {part(locale, 1, service.as_deref())}
                {part(other, 2, service.as_deref())}
            }
        })
        .to_html()
    })
}
