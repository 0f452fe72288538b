//! CSV downloads of the back office (the queue, the ratings' comments, the figures): one
//! way to write the file (UTF-8 with a byte-order mark, a heading row), to name it, and to
//! keep a cell from being read as a spreadsheet formula. What goes in the rows is each
//! route's business; this module knows nothing of requests or ratings.

use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use nafitha_domain::calendar::Date;

use crate::error::ApiError;

/// The content type of every download.
const CONTENT_TYPE: &str = "text/csv; charset=utf-8";

/// What a spreadsheet may read as the start of a formula: `= + - @`, their full-width
/// forms (which some spreadsheets fold to ASCII), and the tab and carriage return that can
/// carry what follows into another cell.
const FORMULA_STARTS: [char; 10] = [
    '=', '+', '-', '@', '\u{FF1D}', '\u{FF0B}', '\u{FF0D}', '\u{FF20}', '\t', '\r',
];

/// Invisible characters a spreadsheet may skip before a formula: zero-width space,
/// joiners and direction marks (U+200B–U+200F), word joiner, byte-order mark.
fn is_invisible(c: char) -> bool {
    matches!(c, '\u{200B}'..='\u{200F}' | '\u{2060}' | '\u{FEFF}')
}

/// A spreadsheet cell that starts like a formula, even behind invisible characters, is
/// prefixed with `'` so it stays text.
pub(crate) fn csv_cell(text: &str) -> String {
    if text
        .trim_start_matches(is_invisible)
        .starts_with(FORMULA_STARTS)
    {
        format!("'{text}")
    } else {
        text.to_owned()
    }
}

/// The file name of the `what` download made on `on`: `nafitha-{what}-{on}.csv`.
fn file_name(what: &str, on: Date) -> String {
    format!("nafitha-{what}-{on}.csv")
}

/// The `what` download made on `on`, as a response: UTF-8 with a byte-order mark (so
/// spreadsheet programs read Arabic correctly), the heading row `head`, then `rows`, sent
/// as an attachment named by [`file_name`]. Cells a person typed go through [`csv_cell`]
/// first.
pub(crate) fn download<const N: usize>(
    what: &str,
    on: Date,
    head: [&str; N],
    rows: impl Iterator<Item = [String; N]>,
) -> Result<Response, ApiError> {
    let mut out = ::csv::Writer::from_writer(b"\xEF\xBB\xBF".to_vec());
    let write = |e: ::csv::Error| ApiError::Internal(e.into());
    out.write_record(head).map_err(write)?;
    for row in rows {
        out.write_record(row).map_err(write)?;
    }
    let body = out
        .into_inner()
        .map_err(|e| ApiError::Internal(anyhow::anyhow!("csv: {e}")))?;
    let disposition = format!("attachment; filename=\"{}\"", file_name(what, on));
    Ok((
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(CONTENT_TYPE)),
            (
                header::CONTENT_DISPOSITION,
                HeaderValue::from_str(&disposition).map_err(|e| ApiError::Internal(e.into()))?,
            ),
        ],
        body,
    )
        .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_that_start_like_a_formula_even_behind_invisible_characters_stay_text() {
        for formula in [
            "=1+1",
            "+966",
            "-2",
            "@SUM(A1)",
            "\tindented",
            "\rreturn",
            "＝HYPERLINK(\"x\")",
            "＋1",
            "－1",
            "＠A1",
            "\u{200B}=1+1",
            "\u{200E}\u{200F}+1",
            "\u{2060}-1",
            "\u{FEFF}@A1",
            "\u{200D}＝1",
        ] {
            assert_eq!(csv_cell(formula), format!("'{formula}"), "{formula:?}");
        }
        for text in ["Road damage", "بلاغ عن تلف الطرق", "a=b", "\u{200F}طلب", ""]
        {
            assert_eq!(csv_cell(text), text, "{text:?}");
        }
    }

    #[tokio::test]
    async fn a_download_is_named_by_what_and_when_and_starts_with_a_byte_order_mark() {
        let on = Date::parse("2026-11-24").unwrap();
        let rows = [
            ["1".to_owned(), "طريق, الدمام".to_owned()],
            ["2".to_owned(), csv_cell("=1+1")],
        ];
        let response = download("queue", on, ["No", "Text"], rows.into_iter()).unwrap();
        let headers = response.headers();
        assert_eq!(headers[header::CONTENT_TYPE], CONTENT_TYPE);
        assert_eq!(
            headers[header::CONTENT_DISPOSITION],
            "attachment; filename=\"nafitha-queue-2026-11-24.csv\""
        );
        let body = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .unwrap();
        assert_eq!(
            std::str::from_utf8(&body).unwrap(),
            "\u{FEFF}No,Text\n1,\"طريق, الدمام\"\n2,'=1+1\n"
        );
    }
}
