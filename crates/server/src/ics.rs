//! Calendar files (iCalendar, RFC 5545) of one event: an applicant's appointment to add to
//! their calendar. It writes, and only writes, what such a file needs: the calendar, one
//! `VEVENT` with UTC times, texts escaped (`\`, `;`, `,`, newlines) and lines folded at 75
//! octets without splitting a character. It reads no calendar and knows no time zone but
//! UTC (decision 0011).

use nafitha_domain::calendar::{Date, DAY_MS};

/// The longest line, in octets, before the line break (RFC 5545, 3.1).
const LINE_OCTETS: usize = 75;

/// One event.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Event<'a> {
    /// Unique and stable across downloads, so a calendar updates rather than duplicates.
    pub uid: &'a str,
    /// When the file was made (Unix ms).
    pub stamp: i64,
    pub start: i64,
    pub end: i64,
    pub summary: &'a str,
    pub location: Option<&'a str>,
    /// A link for the event (a video call's join link).
    pub url: Option<&'a str>,
    pub description: &'a str,
}

/// The calendar file holding `event`, lines ending in CRLF.
pub fn calendar(event: &Event<'_>) -> String {
    let mut lines = vec![
        "BEGIN:VCALENDAR".to_owned(),
        "VERSION:2.0".to_owned(),
        "PRODID:-//Nafitha//Appointments//EN".to_owned(),
        "CALSCALE:GREGORIAN".to_owned(),
        "METHOD:PUBLISH".to_owned(),
        "BEGIN:VEVENT".to_owned(),
        format!("UID:{}", escape(event.uid)),
        format!("DTSTAMP:{}", utc(event.stamp)),
        format!("DTSTART:{}", utc(event.start)),
        format!("DTEND:{}", utc(event.end)),
        format!("SUMMARY:{}", escape(event.summary)),
    ];
    if let Some(location) = event.location {
        lines.push(format!("LOCATION:{}", escape(location)));
    }
    if let Some(url) = event.url {
        // A URI value is not escaped (RFC 5545, 3.3.13).
        lines.push(format!("URL:{url}"));
    }
    lines.push(format!("DESCRIPTION:{}", escape(event.description)));
    lines.push("END:VEVENT".to_owned());
    lines.push("END:VCALENDAR".to_owned());
    lines.iter().map(|line| fold(line) + "\r\n").collect()
}

/// A text value with `\`, `;`, `,` and newlines escaped (RFC 5545, 3.3.11).
pub fn escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => escaped.push_str("\\\\"),
            ';' => escaped.push_str("\\;"),
            ',' => escaped.push_str("\\,"),
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' | '\r' => escaped.push_str("\\n"),
            c if c.is_control() => {}
            c => escaped.push(c),
        }
    }
    escaped
}

/// `line` folded into lines of at most 75 octets, each continuation starting with a space
/// (which counts in its 75), never inside a character's UTF-8 bytes (RFC 5545, 3.1).
pub fn fold(line: &str) -> String {
    let mut folded = String::with_capacity(line.len() + line.len() / LINE_OCTETS * 3);
    let mut used = 0;
    for c in line.chars() {
        if used + c.len_utf8() > LINE_OCTETS {
            folded.push_str("\r\n ");
            used = 1;
        }
        folded.push(c);
        used += c.len_utf8();
    }
    folded
}

/// A UTC date-time as iCalendar writes it: `20261208T073000Z`.
pub fn utc(unix_ms: i64) -> String {
    let date = Date::from_unix_millis(unix_ms);
    let (year, month, day) = date.ymd();
    let seconds = unix_ms.rem_euclid(DAY_MS) / 1000;
    format!(
        "{year:04}{month:02}{day:02}T{:02}{:02}{:02}Z",
        seconds / 3600,
        seconds / 60 % 60,
        seconds % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The lines of a folded text as one logical line each (RFC 5545's unfolding).
    fn unfold(text: &str) -> Vec<String> {
        text.replace("\r\n ", "")
            .split("\r\n")
            .filter(|l| !l.is_empty())
            .map(str::to_owned)
            .collect()
    }

    #[test]
    fn text_is_escaped_as_rfc_5545_says() {
        assert_eq!(
            escape("Room 3, floor 2; back\\side\r\nthen left\nend"),
            "Room 3\\, floor 2\\; back\\\\side\\nthen left\\nend"
        );
    }

    #[test]
    fn long_lines_fold_at_75_octets_between_characters() {
        let arabic = format!("SUMMARY:{}", "طلب مقابلة معالي الوزير ".repeat(8));
        let folded = fold(&arabic);
        for piece in folded.split("\r\n") {
            assert!(piece.len() <= LINE_OCTETS, "{} octets", piece.len());
        }
        assert!(folded.split("\r\n").skip(1).all(|p| p.starts_with(' ')));
        assert_eq!(folded.replace("\r\n ", ""), arabic);
        assert_eq!(fold("SHORT:x"), "SHORT:x");
        let exactly = "X".repeat(LINE_OCTETS);
        assert_eq!(fold(&exactly), exactly);
        assert_eq!(fold(&format!("{exactly}Y")), format!("{exactly}\r\n Y"));
    }

    #[test]
    fn an_event_is_one_vevent_in_utc_with_crlf_lines() {
        // 2026-12-08 10:30 in Riyadh is 07:30 UTC.
        let start = 1_796_715_000_000;
        let text = calendar(&Event {
            uid: "123456789012@nafitha",
            stamp: 1_796_500_000_000,
            start,
            end: start + 15 * 60_000,
            summary: "Video call, with the minister",
            location: Some("https://meet.example/123456789012"),
            url: Some("https://meet.example/123456789012"),
            description: "Request 1234 5678 9012",
        });
        assert!(text.ends_with("END:VCALENDAR\r\n"));
        assert!(!text.replace("\r\n", "").contains('\n'));
        let lines = unfold(&text);
        assert_eq!(lines[0], "BEGIN:VCALENDAR");
        assert!(
            lines.contains(&"DTSTART:20261208T073000Z".to_owned()),
            "{lines:?}"
        );
        assert!(lines.contains(&"DTEND:20261208T074500Z".to_owned()));
        assert!(lines.contains(&"SUMMARY:Video call\\, with the minister".to_owned()));
        assert!(lines.contains(&"URL:https://meet.example/123456789012".to_owned()));
        assert_eq!(lines.iter().filter(|l| *l == "BEGIN:VEVENT").count(), 1);
        assert_eq!(utc(0), "19700101T000000Z");
    }
}
