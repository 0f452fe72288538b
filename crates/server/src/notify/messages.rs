//! The texts of notifications, in the applicant's language. SMS texts stay short: the
//! reference, what happened, and a link.

use nafitha_domain::calendar::Date;
use nafitha_domain::{Locale, Localized, ReferenceNumber};

use crate::store::requests::OutboxMessage;

/// Who a notification goes to, and in which language.
pub struct Recipient<'a> {
    pub locale: Locale,
    pub phone: &'a str,
    pub email: Option<&'a str>,
}

/// The messages that confirm a filing: an SMS always, an email when one was given.
pub fn filed(
    to: &Recipient<'_>,
    reference: &ReferenceNumber,
    due: Date,
    service: &Localized,
    public_url: &str,
) -> Vec<OutboxMessage> {
    let locale = to.locale;
    let link = format!("{public_url}/track?ref={reference}");
    let reference = reference.grouped();
    let service = service.get(locale);
    let sms = match locale {
        Locale::Ar => format!("نافذة: استلمنا طلبك «{service}». رقم الطلب {reference}. الموعد المتوقع {due}. للمتابعة: {link}"),
        Locale::En => format!("Nafitha: we received your request \"{service}\". Reference {reference}. Expected by {due}. Track it: {link}"),
    };
    let mut messages = vec![OutboxMessage {
        channel: "sms",
        recipient: to.phone.to_owned(),
        subject: None,
        body: sms,
    }];
    if let Some(email) = to.email {
        let (subject, body) = match locale {
            Locale::Ar => (
                format!("استلمنا طلبك رقم {reference}"),
                format!(
                    "استلمنا طلبك «{service}».\n\nرقم الطلب: {reference}\nالموعد المتوقع للإنجاز: {due}\n\nتابع طلبك في أي وقت: {link}\n\nاحتفظ برقم الطلب للرجوع إليه."
                ),
            ),
            Locale::En => (
                format!("We received your request {reference}"),
                format!(
                    "We received your request \"{service}\".\n\nReference number: {reference}\nExpected by: {due}\n\nTrack your request at any time: {link}\n\nKeep the reference number to refer to it."
                ),
            ),
        };
        messages.push(OutboxMessage {
            channel: "email",
            recipient: email.to_owned(),
            subject: Some(subject),
            body,
        });
    }
    messages
}
