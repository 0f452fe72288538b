//! How to reach an agency: telephone and e-mail links (kept left to right inside Arabic).

use leptos::prelude::*;
use nafitha_domain::Contact;

/// The contact paragraph, optionally naming the agency first.
pub fn contact_view(contact: &Contact, agency: Option<String>) -> impl IntoView {
    let phone_href = format!("tel:{}", contact.phone);
    let email_href = format!("mailto:{}", contact.email);
    view! {
        <p class="contact">
            {agency.map(|name| format!("{name}: "))}
            <a href=phone_href dir="ltr">{contact.phone.clone()}</a>
            " · "
            <a href=email_href dir="ltr">{contact.email.clone()}</a>
        </p>
    }
}
