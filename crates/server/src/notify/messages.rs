//! The texts of notifications, in the applicant's language. SMS texts stay short: the
//! reference, what happened, and a link.

use nafitha_domain::calendar::Date;
use nafitha_domain::lifecycle::Action;
use nafitha_domain::{Locale, Localized, ReferenceNumber};

use nafitha_domain::bill::{format_amount, BillNumber};
use nafitha_domain::licence::LicenceNumber;

use crate::store::actions::NotifyTarget;
use crate::store::bills::{IssuedBill, PaidNotice};
use crate::store::licences::IssuedLicence;
use crate::store::requests::OutboxMessage;

/// Who a notification goes to, and in which language.
pub struct Recipient<'a> {
    pub locale: Locale,
    pub phone: &'a str,
    pub email: Option<&'a str>,
}

/// An SMS to `to` (not a secret: kept after sending).
fn sms_to(to: &Recipient<'_>, body: String) -> OutboxMessage {
    OutboxMessage {
        channel: "sms",
        recipient: to.phone.to_owned(),
        subject: None,
        body,
        sensitive: false,
    }
}

/// Where an appointment happens: a place, or a video call's link.
pub enum Venue {
    Place(Localized),
    Video(String),
}

/// An appointment's day and time as an SMS says it: `2026-12-13 10:00`, Riyadh time.
fn when(start: i64) -> String {
    let stamp = nafitha_domain::appointment::format_riyadh(start);
    format!("{} {}", &stamp[..10], &stamp[11..16])
}

fn venue_text(venue: &Venue, locale: Locale) -> String {
    match (venue, locale) {
        (Venue::Place(place), _) => place.get(locale).to_owned(),
        (Venue::Video(link), Locale::Ar) => format!("مكالمة فيديو: {link}"),
        (Venue::Video(link), Locale::En) => format!("video call: {link}"),
    }
}

/// The address of `path` on the portal, in the language the message is written in: the
/// page opens in it whatever the phone's browser prefers (`?lang=`, read by the server and
/// the apps).
fn link(public_url: &str, path: &str, locale: Locale) -> String {
    let join = if path.contains('?') { '&' } else { '?' };
    format!("{public_url}{path}{join}lang={}", locale.tag())
}

/// The SMS that confirms a booked (or changed) appointment.
pub fn appointment_booked(
    to: &Recipient<'_>,
    reference: &ReferenceNumber,
    start: i64,
    venue: &Venue,
) -> OutboxMessage {
    let (when, venue) = (when(start), venue_text(venue, to.locale));
    let reference = reference.grouped();
    let body = match to.locale {
        Locale::Ar => format!("نافذة: موعدك للطلب {reference} يوم {when} بتوقيت الرياض، {venue}"),
        Locale::En => {
            format!("Nafitha: your appointment for {reference} is on {when} (Riyadh time), {venue}")
        }
    };
    sms_to(to, body)
}

/// The SMS sent the day before an appointment.
pub fn appointment_reminder(
    to: &Recipient<'_>,
    reference: &ReferenceNumber,
    start: i64,
    venue: &Venue,
) -> OutboxMessage {
    let (when, venue) = (when(start), venue_text(venue, to.locale));
    let reference = reference.grouped();
    let body = match to.locale {
        Locale::Ar => format!("نافذة: تذكير بموعدك غدًا {when} للطلب {reference}، {venue}"),
        Locale::En => format!(
            "Nafitha: a reminder of your appointment tomorrow, {when}, for {reference}: {venue}"
        ),
    };
    sms_to(to, body)
}

/// The SMS that invites the applicant to choose a time, once the agency has taken up a
/// request whose service offers times after review.
pub fn appointment_invitation(
    to: &Recipient<'_>,
    reference: &ReferenceNumber,
    public_url: &str,
) -> OutboxMessage {
    let link = link(public_url, &format!("/requests/{reference}"), to.locale);
    let reference = reference.grouped();
    let body = match to.locale {
        Locale::Ar => format!("نافذة: قُبل طلبك رقم {reference}، اختر موعدك من: {link}"),
        Locale::En => format!(
            "Nafitha: your request {reference} was accepted: choose a time for your appointment at {link}"
        ),
    };
    sms_to(to, body)
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
    let link = link(public_url, &format!("/track?ref={reference}"), to.locale);
    let reference = reference.grouped();
    let service = service.get(locale);
    let sms = match locale {
        Locale::Ar => format!("نافذة: استلمنا طلبك «{service}». رقم الطلب {reference}. الموعد المتوقع {due}. للمتابعة: {link}"),
        Locale::En => format!("Nafitha: we received your request \"{service}\". Reference {reference}. Expected by {due}. Track it: {link}"),
    };
    let mut messages = vec![sms_to(to, sms)];
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
            sensitive: false,
        });
    }
    messages
}

/// The SMS carrying a sign-in code (no link: the code is typed where it was asked for).
pub fn sign_in_code(phone: &str, code: &str, locale: Locale) -> OutboxMessage {
    let minutes = nafitha_domain::account::CODE_VALID_MS / 60_000;
    let body = match locale {
        Locale::Ar => format!("نافذة: رمز الدخول {code}. صالح {minutes} دقيقة. لا تشاركه مع أحد."),
        Locale::En => format!(
            "Nafitha: your sign-in code is {code}. It is valid for {minutes} minutes. Do not share it."
        ),
    };
    OutboxMessage {
        channel: "sms",
        recipient: phone.to_owned(),
        subject: None,
        body,
        sensitive: true,
    }
}

/// What the applicant is told when an event changes their request, or `None` for events
/// they are not notified of (their own answers and withdrawals, internal notes).
fn stage_text(action: Action, locale: Locale) -> Option<(&'static str, &'static str)> {
    // (what happened, what to do)
    Some(match (action, locale) {
        (Action::Acknowledge, Locale::Ar) => ("بدأت الجهة دراسة طلبك", "تابع طلبك"),
        (Action::Acknowledge, Locale::En) => {
            ("the agency has started work on your request", "Follow it")
        }
        (Action::RequestInfo, Locale::Ar) => ("تحتاج الجهة معلومات منك", "أرسل ردك"),
        (Action::RequestInfo, Locale::En) => {
            ("the agency needs information from you", "Answer here")
        }
        (Action::Reply, Locale::Ar) => ("وصلك رد من الجهة", "اقرأ الرد"),
        (Action::Reply, Locale::En) => ("the agency has replied", "Read the reply"),
        (Action::Refer, Locale::Ar) => ("أحيل طلبك إلى الجهة المختصة", "تابع طلبك"),
        (Action::Refer, Locale::En) => (
            "your request was referred to the competent team",
            "Follow it",
        ),
        // A decision also invites the applicant to rate the service.
        (Action::Resolve, Locale::Ar) => ("تمت معالجة طلبك", "اطلع على التفاصيل وقيّم الخدمة"),
        (Action::Resolve, Locale::En) => (
            "your request has been resolved",
            "See the details and rate the service",
        ),
        (Action::Reject, Locale::Ar) => ("رُفض طلبك", "اطلع على السبب وقيّم الخدمة"),
        (Action::Reject, Locale::En) => (
            "your request was rejected",
            "See the reason and rate the service",
        ),
        (Action::Close, Locale::Ar) => ("أُغلق طلبك", "اطلع على التفاصيل وقيّم الخدمة"),
        (Action::Close, Locale::En) => (
            "your request was closed",
            "See the details and rate the service",
        ),
        (Action::Reopen, Locale::Ar) => ("أعيد فتح طلبك وعاد إلى الجهة", "تابع طلبك"),
        (Action::Reopen, Locale::En) => (
            "your request was reopened and is back with the agency",
            "Follow it",
        ),
        _ => return None,
    })
}

/// The messages for an event on a request: an SMS, and an email when one was given, with
/// the reference and a link to the request page.
pub fn stage_changed(
    to: &Recipient<'_>,
    reference: &ReferenceNumber,
    action: Action,
    public_url: &str,
) -> Vec<OutboxMessage> {
    let Some((what, next)) = stage_text(action, to.locale) else {
        return Vec::new();
    };
    let link = link(public_url, &format!("/requests/{reference}"), to.locale);
    let reference = reference.grouped();
    let sms = match to.locale {
        Locale::Ar => format!("نافذة: طلبك رقم {reference}: {what}. {next}: {link}"),
        Locale::En => format!("Nafitha: request {reference}: {what}. {next}: {link}"),
    };
    let mut messages = vec![sms_to(to, sms)];
    if let Some(email) = to.email {
        let subject = match to.locale {
            Locale::Ar => format!("تحديث على طلبك رقم {reference}"),
            Locale::En => format!("An update on your request {reference}"),
        };
        let body = match to.locale {
            Locale::Ar => format!("طلبك رقم {reference}: {what}.\n\n{next}: {link}"),
            Locale::En => format!("Your request {reference}: {what}.\n\n{next}: {link}"),
        };
        messages.push(OutboxMessage {
            channel: "email",
            recipient: email.to_owned(),
            subject: Some(subject),
            body,
            sensitive: false,
        });
    }
    messages
}

/// The sentence a decision's messages end with when the approval issued or renewed a
/// licence: its number and last day.
fn licence_line(licence: &IssuedLicence, locale: Locale) -> String {
    let (number, until) = (licence.number.grouped(), licence.expires_on);
    match (locale, licence.renewed) {
        (Locale::Ar, false) => format!("صدرت الرخصة رقم {number} وهي سارية حتى {until}."),
        (Locale::Ar, true) => format!("جُددت الرخصة رقم {number} وهي سارية حتى {until}."),
        (Locale::En, false) => format!("Licence {number} issued, valid until {until}."),
        (Locale::En, true) => format!("Licence {number} renewed, valid until {until}."),
    }
}

/// The SMS that reminds a holder, `days` days before, that their licence expires.
pub fn licence_reminder(
    to: &Recipient<'_>,
    licence: &IssuedLicence,
    days: i64,
    public_url: &str,
) -> OutboxMessage {
    let link = link(
        public_url,
        &format!("/licences/{}", licence.number),
        to.locale,
    );
    let (number, until) = (licence.number.grouped(), licence.expires_on);
    let count = nafitha_domain::calendar::day_count(days);
    let body = match to.locale {
        Locale::Ar => format!(
            "نافذة: تنتهي رخصتك رقم {number} في {until} (بعد {}). جددها من: {link}",
            count.ar
        ),
        Locale::En => format!(
            "Nafitha: your licence {number} expires on {until} (in {}). Renew it at {link}",
            count.en
        ),
    };
    sms_to(to, body)
}

/// The SMS telling a holder their licence was suspended until `until`, or revoked.
pub fn licence_changed(
    to: &Recipient<'_>,
    number: &LicenceNumber,
    until: Option<Date>,
    public_url: &str,
) -> OutboxMessage {
    let link = link(public_url, &format!("/licences/{number}"), to.locale);
    let number = number.grouped();
    let body = match (to.locale, until) {
        (Locale::Ar, Some(until)) => {
            format!("نافذة: أوقفت الجهة رخصتك رقم {number} حتى {until}. اطلع على السبب: {link}")
        }
        (Locale::En, Some(until)) => format!(
            "Nafitha: the agency has suspended your licence {number} until {until}. See why: {link}"
        ),
        (Locale::Ar, None) => {
            format!("نافذة: ألغت الجهة رخصتك رقم {number}. اطلع على السبب: {link}")
        }
        (Locale::En, None) => {
            format!("Nafitha: the agency has revoked your licence {number}. See why: {link}")
        }
    };
    sms_to(to, body)
}

/// The sentence a decision's messages end with when the approval issued a bill: the
/// amount, the bill's number, its last day and where to pay it ("My licences", which
/// lists the fees to pay).
fn bill_line(bill: &IssuedBill, locale: Locale, public_url: &str) -> String {
    let link = link(public_url, "/licences", locale);
    let (number, due) = (bill.number.grouped(), bill.due_on);
    let amount = format_amount(bill.amount_halalas, locale);
    match locale {
        Locale::Ar => format!(
            "تصدر الرخصة بعد سداد {amount} للفاتورة رقم {number} قبل نهاية {due}. ادفع من: {link}"
        ),
        Locale::En => format!(
            "Your licence is issued once you pay {amount}, bill {number}, by {due}. Pay at {link}"
        ),
    }
}

/// The SMS telling the holder their bill expired unpaid (sent the morning after its last
/// day, withdrawn if it is paid).
pub fn bill_expired(
    to: &Recipient<'_>,
    bill: &IssuedBill,
    reference: &ReferenceNumber,
    public_url: &str,
) -> OutboxMessage {
    let link = link(public_url, &format!("/requests/{reference}"), to.locale);
    let (number, due) = (bill.number.grouped(), bill.due_on);
    let body = match to.locale {
        Locale::Ar => format!(
            "نافذة: انتهت مهلة سداد الفاتورة رقم {number} في {due} دون سداد، فلم تصدر الرخصة. التفاصيل: {link}"
        ),
        Locale::En => format!(
            "Nafitha: bill {number} expired unpaid on {due}, so no licence was issued. Details: {link}"
        ),
    };
    sms_to(to, body)
}

/// The SMS confirming a bill's payment, with the licence it issued or renewed.
pub fn bill_paid(
    to: &Recipient<'_>,
    bill: &BillNumber,
    amount_halalas: i64,
    licence: Option<&IssuedLicence>,
    public_url: &str,
) -> OutboxMessage {
    let amount = format_amount(amount_halalas, to.locale);
    let number = bill.grouped();
    let mut body = match to.locale {
        Locale::Ar => format!("نافذة: استلمنا {amount} للفاتورة رقم {number}."),
        Locale::En => format!("Nafitha: we received {amount} for bill {number}."),
    };
    if let Some(licence) = licence {
        body.push(' ');
        body.push_str(&licence_line(licence, to.locale));
        let link = link(
            public_url,
            &format!("/licences/{}", licence.number),
            to.locale,
        );
        body.push_str(&match to.locale {
            Locale::Ar => format!(" اطلع عليها: {link}"),
            Locale::En => format!(" See it at {link}"),
        });
    }
    sms_to(to, body)
}

/// The messages for a paid bill, as the store asks for them while settling it (and, for
/// the licence it issued, for each of its expiry reminders).
pub fn for_payment(notice: &PaidNotice<'_>, public_url: &str) -> Vec<OutboxMessage> {
    let to = Recipient {
        locale: notice.locale,
        phone: notice.phone,
        email: None,
    };
    if let Some(licence) = notice.licence {
        if let Some(days) = licence.reminder {
            return vec![licence_reminder(&to, licence, days, public_url)];
        }
    }
    vec![bill_paid(
        &to,
        notice.bill,
        notice.amount_halalas,
        notice.licence,
        public_url,
    )]
}

/// The messages for an event, as the store asks for them while taking an action (and,
/// when it issued a licence, for each of its expiry reminders; when it issued a bill, for
/// the notice of its expiry).
pub fn for_event(target: &NotifyTarget<'_>, public_url: &str) -> Vec<OutboxMessage> {
    let to = Recipient {
        locale: target.locale,
        phone: target.phone,
        email: target.email,
    };
    if let Some(licence) = target.licence {
        if let Some(days) = licence.reminder {
            return vec![licence_reminder(&to, licence, days, public_url)];
        }
    }
    if let Some(bill) = target.bill.filter(|b| b.expired) {
        return vec![bill_expired(&to, bill, target.reference, public_url)];
    }
    let mut messages = stage_changed(&to, target.reference, target.action, public_url);
    let line = match (target.licence, target.bill) {
        (Some(licence), _) => Some(licence_line(licence, target.locale)),
        (None, Some(bill)) => Some(bill_line(bill, target.locale, public_url)),
        (None, None) => None,
    };
    if let Some(line) = line {
        for message in &mut messages {
            message
                .body
                .push(if message.channel == "sms" { ' ' } else { '\n' });
            message.body.push_str(&line);
        }
    }
    if target.invite_to_book {
        messages.push(appointment_invitation(&to, target.reference, public_url));
    }
    messages
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_carry_the_language_the_message_is_written_in() {
        let base = "https://nafitha.example";
        assert_eq!(
            link(base, "/requests/123456789012", Locale::Ar),
            "https://nafitha.example/requests/123456789012?lang=ar"
        );
        assert_eq!(
            link(base, "/track?ref=123456789012", Locale::En),
            "https://nafitha.example/track?ref=123456789012&lang=en"
        );
    }

    #[test]
    fn every_public_agency_action_and_a_reopening_notify_the_applicant() {
        let reference = ReferenceNumber::from_body(12_345_678_901);
        let to = Recipient {
            locale: Locale::En,
            phone: "+966512345678",
            email: Some("a@example.sa"),
        };
        for action in Action::ALL {
            let sent = stage_changed(&to, &reference, action, "https://n.sa");
            let expected =
                action.is_public() && !matches!(action, Action::Answer | Action::Withdraw);
            assert_eq!(!sent.is_empty(), expected, "{action:?}");
            if expected {
                assert_eq!(sent.len(), 2);
                assert!(sent[0]
                    .body
                    .contains(&format!("https://n.sa/requests/{reference}")));
                assert!(sent[0].body.contains(&reference.grouped()));
            }
        }
    }
}
