//! SGML newswire records in the Reuters-21578 layout: `<REUTERS …>` with `<DATE>`, `<TITLE>`,
//! `<DATELINE>` and `<BODY>` fields. The fields go to the header; the body's paragraphs (an
//! indented first line starts one; other line breaks are wrapping) go through the text path;
//! the closing `Reuter` sign-off is dropped.

use super::{Header, dates, markup};

/// True when the text is a newswire record.
pub fn detect(text: &str) -> bool {
    let t = text.trim_start();
    t.len() >= 8 && t[..8].eq_ignore_ascii_case("<reuters")
}

/// The contents of the first `<TAG>…</TAG>` (tag names as written in the corpus: upper case).
fn field<'a>(text: &'a str, tag: &str) -> Option<&'a str> {
    let open = format!("<{tag}>");
    let close = format!("</{tag}>");
    let start = text.find(&open)? + open.len();
    let end = text[start..].find(&close).map_or(text.len(), |e| start + e);
    Some(&text[start..end])
}

fn clean(s: &str) -> String {
    markup::collapse_ws(&markup::fold(&markup::decode_entities(s)))
}

/// Extracts header fields into `header` and returns the body's paragraphs.
pub fn extract(text: &str, header: &mut Header) -> Vec<String> {
    header.published = field(text, "DATE").and_then(dates::parse);
    header.title = field(text, "TITLE").map(clean).filter(|t| !t.is_empty());
    if let Some(d) = field(text, "DATELINE") {
        let d = clean(d);
        let place = d.split(',').next().unwrap_or("").trim_end_matches([' ', '-']).trim();
        if !place.is_empty() {
            header.dateline = Some(place.to_string());
        }
    }
    let body = field(text, "BODY").or_else(|| field(text, "TEXT")).unwrap_or("");
    let mut paragraphs: Vec<String> = Vec::new();
    let mut current = String::new();
    for line in body.lines() {
        let starts_paragraph = line.starts_with([' ', '\t']) && !current.is_empty();
        if starts_paragraph {
            paragraphs.push(std::mem::take(&mut current));
        }
        if !current.is_empty() {
            current.push(' ');
        }
        current.push_str(line.trim());
    }
    paragraphs.push(current);
    let mut out: Vec<String> = paragraphs.iter().flat_map(|p| markup::clean_plain(p)).collect();
    if out.last().is_some_and(|l| l.eq_ignore_ascii_case("reuter") || l.eq_ignore_ascii_case("reuters")) {
        out.pop();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const RECORD: &str = "<REUTERS TOPICS=\"YES\" NEWID=\"1\">\n<DATE>26-FEB-1987 15:01:01.79</DATE>\n\
        <TOPICS><D>cocoa</D></TOPICS>\n<UNKNOWN> \n&#5;&#5;&#5;C T\n</UNKNOWN>\n<TEXT>&#2;\n\
        <TITLE>BAHIA COCOA REVIEW</TITLE>\n<DATELINE>    SALVADOR, Feb 26 - </DATELINE><BODY>Showers continued throughout\n\
        the week, &lt;COMISSARIA SMITH&gt; said.\n    The dry period means the temporao will be late.\n Reuter\n&#3;</BODY></TEXT>\n</REUTERS>";

    #[test]
    fn record_fields_and_paragraphs() {
        assert!(detect(RECORD));
        assert!(!detect("plain text"));
        let mut h = Header::default();
        let body = extract(RECORD, &mut h);
        assert_eq!(h.title.as_deref(), Some("BAHIA COCOA REVIEW"));
        assert_eq!(h.published.map(|t| t.to_string()).as_deref(), Some("1987-02-26T15:01:01"));
        assert_eq!(h.dateline.as_deref(), Some("SALVADOR"));
        assert_eq!(
            body,
            ["Showers continued throughout the week, <COMISSARIA SMITH> said.", "The dry period means the temporao will be late."]
        );
    }
}
