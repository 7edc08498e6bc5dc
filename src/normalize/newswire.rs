//! SGML newswire records in the Reuters-21578 layout: `<REUTERS …>` with `<DATE>`, `<TITLE>`,
//! `<DATELINE>` and `<BODY>` fields. The fields go to the header; the body's paragraphs (an
//! indented first line starts one; other line breaks are wrapping) go through the text path;
//! the closing `Reuter` sign-off is dropped.

use super::{Header, dates, markup};

/// True when the text is a newswire record.
pub fn detect(text: &str) -> bool {
    text.trim_start()
        .as_bytes()
        .get(..8)
        .is_some_and(|head| head.eq_ignore_ascii_case(b"<reuters"))
}

/// The contents of the first `<TAG>…</TAG>` or `<TAG attr…>…</TAG>` (tag names as written in
/// the corpus: upper case).
fn field<'a>(text: &'a str, tag: &str) -> Option<&'a str> {
    // Tags are found from the `<`s (memchr), which are few in a record's text.
    let (b, name) = (text.as_bytes(), tag.as_bytes());
    let start = memchr::memchr_iter(b'<', b).find_map(|lt| {
        let at = lt + 1 + name.len();
        if b.get(lt + 1..at) != Some(name) {
            return None;
        }
        match b.get(at) {
            Some(b'>') => Some(at + 1),
            Some(b' ') => Some(at + memchr::memchr(b'>', &b[at..])? + 1),
            _ => None,
        }
    })?;
    let closes = |lt: &usize| {
        let rest = &b[start + lt + 1..];
        rest.first() == Some(&b'/')
            && rest[1..].starts_with(name)
            && rest.get(1 + name.len()) == Some(&b'>')
    };
    let end = memchr::memchr_iter(b'<', &b[start..])
        .find(closes)
        .map_or(text.len(), |lt| start + lt);
    Some(&text[start..end])
}

/// A record's text without its `<TITLE>` and `<DATELINE>` (for records with no `<BODY>`).
fn unprocessed_text(text: &str) -> String {
    let mut t = field(text, "TEXT").unwrap_or("").to_string();
    for tag in ["TITLE", "DATELINE"] {
        if let Some(f) = field(&t, tag) {
            let f = format!("<{tag}>{f}</{tag}>");
            t = t.replacen(&f, "", 1);
        }
    }
    t
}

fn clean(s: &str) -> String {
    markup::fold_collapse(&markup::decode_entities(s))
}

/// Extracts header fields into `header` and returns the body's paragraphs.
pub fn extract(text: &str, header: &mut Header) -> Vec<String> {
    header.published = field(text, "DATE").and_then(dates::parse);
    header.title = field(text, "TITLE").map(clean).filter(|t| !t.is_empty());
    if let Some(d) = field(text, "DATELINE") {
        let d = clean(d);
        let place = d
            .split(',')
            .next()
            .unwrap_or("")
            .trim_end_matches([' ', '-'])
            .trim();
        if !place.is_empty() {
            header.dateline = Some(place.to_string());
        }
    }
    let unprocessed;
    let body = match field(text, "BODY") {
        Some(b) => b,
        None => {
            unprocessed = unprocessed_text(text);
            &unprocessed
        }
    };
    let mut paragraphs: Vec<String> = Vec::new();
    // One buffer for every paragraph, each copied out at its exact size.
    let mut current = String::with_capacity(body.len());
    for line in body.lines() {
        let starts_paragraph = line.starts_with([' ', '\t']) && !current.is_empty();
        if starts_paragraph {
            paragraphs.push(current.as_str().to_owned());
            current.clear();
        }
        if !current.is_empty() {
            current.push(' ');
        }
        current.push_str(line.trim());
    }
    paragraphs.push(current);
    let mut out: Vec<String> = paragraphs
        .iter()
        .flat_map(|p| markup::clean_plain(p))
        .collect();
    if out
        .last()
        .is_some_and(|l| l.eq_ignore_ascii_case("reuter") || l.eq_ignore_ascii_case("reuters"))
    {
        out.pop();
    }
    // A brief (`<TEXT TYPE="BRIEF">`) is its headline alone: that is its text.
    if out.is_empty() {
        out.extend(header.title.clone());
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
    fn field_table() {
        for (text, tag, want) in [
            ("<TITLE>a</TITLE>", "TITLE", Some("a")),
            ("<TITLES>x</TITLES><TITLE>b</TITLE>", "TITLE", Some("b")),
            ("<TEXT TYPE=\"BRIEF\">c</TEXT>", "TEXT", Some("c")),
            ("<BODY>no close", "BODY", Some("no close")),
            (
                "<BODY>a <b> </BODY2> </BODY>",
                "BODY",
                Some("a <b> </BODY2> "),
            ),
            ("<BODY attr", "BODY", None),
            ("<BOD>x</BOD>", "BODY", None),
            ("<BODY", "BODY", None),
        ] {
            assert_eq!(field(text, tag), want, "{text}");
        }
    }

    #[test]
    fn unprocessed_records_keep_their_text() {
        let rec = "<REUTERS NEWID=\"99\"><DATE>26-FEB-1987 16:34:34.40</DATE><TEXT TYPE=\"UNPROC\">&#2;\nFEDERAL RESERVE WEEKLY REPORT\n    Two weeks ended Feb 25\n Net free reserves....644 vs....1,337\n</TEXT></REUTERS>";
        let mut h = Header::default();
        assert_eq!(
            extract(rec, &mut h),
            [
                "FEDERAL RESERVE WEEKLY REPORT",
                "Two weeks ended Feb 25",
                "Net free reserves....644 vs....1,337"
            ]
        );
    }

    #[test]
    fn a_brief_is_its_headline() {
        let brief = "<REUTERS NEWID=\"9\"><DATE> 2-MAR-1987 08:01:11.11</DATE><TEXT TYPE=\"BRIEF\">&#2;\n******<TITLE>ACME CORP SEES 1987 NET UP</TITLE>\n&#3;\n</TEXT></REUTERS>";
        let mut h = Header::default();
        assert_eq!(extract(brief, &mut h), ["ACME CORP SEES 1987 NET UP"]);
    }

    #[test]
    fn record_fields_and_paragraphs() {
        assert!(detect(RECORD));
        assert!(!detect("plain text"));
        assert!(
            !detect("Brazil\u{2019}s Gros to Meet Banks"),
            "no slicing inside a character"
        );
        assert!(!detect("<reu"));
        let mut h = Header::default();
        let body = extract(RECORD, &mut h);
        assert_eq!(h.title.as_deref(), Some("BAHIA COCOA REVIEW"));
        assert_eq!(
            h.published.map(|t| t.to_string()).as_deref(),
            Some("1987-02-26T15:01:01")
        );
        assert_eq!(h.dateline.as_deref(), Some("SALVADOR"));
        assert_eq!(
            body,
            [
                "Showers continued throughout the week, <COMISSARIA SMITH> said.",
                "The dry period means the temporao will be late."
            ]
        );
    }
}
