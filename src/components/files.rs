//! A request's documents as download links, numbered, with their type and size; the
//! applicant's request page and the back office list them the same way.

use leptos::prelude::*;
use nafitha_domain::account::AttachmentInfo;
use nafitha_domain::Locale;

use crate::i18n::texts;

/// The files of a request, each a link under `base` (`…/requests/{reference}`).
pub fn file_list(base: &str, files: &[AttachmentInfo], l: Locale) -> impl IntoView {
    let items = files
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let href = format!("{base}/attachments/{}", f.id);
            let kb = u64::try_from(f.size.div_euclid(1024).max(1)).unwrap_or(1);
            let text = (texts(l).file_link)(i + 1, &f.kind.to_ascii_uppercase(), kb);
            view! { <li><a href=href download="">{text}</a></li> }
        })
        .collect_view();
    view! { <ul class="file-list">{items}</ul> }
}
