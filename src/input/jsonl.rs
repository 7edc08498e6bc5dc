//! `--input jsonl`: articles as JSON Lines records instead of files.
//!
//! Each line is one object: `id` (a string or an integer; it names the article in the output),
//! `text` or `html` (the article), and optionally `url`, `title` and `date`, which fill the
//! header when normalization finds none. Other fields are ignored; blank lines are skipped. A
//! line that is not such a record is skipped with a one-line reason naming `FILE:LINE`.

use std::io::BufRead;

use serde::Deserialize;

use super::{Hints, Record};
use crate::normalize::dates;

/// The fields of a record as they appear on the line.
#[derive(Debug, Deserialize)]
struct Raw {
    id: serde_json::Value,
    #[serde(default)]
    text: Option<String>,
    #[serde(default)]
    html: Option<String>,
    #[serde(default)]
    url: Option<String>,
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    date: Option<String>,
}

/// Parses one line into a record; an error is a short reason. `at` is the line's `FILE:LINE`.
pub fn parse_line(line: &[u8], at: &str) -> Result<Record, String> {
    let value: serde_json::Value = serde_json::from_slice(line).map_err(json_reason)?;
    if !value.is_object() {
        return Err(format!("not a JSON object but {}", kind_of(&value)));
    }
    let raw: Raw = serde_json::from_value(value).map_err(json_reason)?;
    let id = match raw.id {
        serde_json::Value::String(s) if !s.trim().is_empty() => s,
        serde_json::Value::String(_) => return Err("\"id\" is empty".into()),
        serde_json::Value::Number(n) if n.is_i64() || n.is_u64() => n.to_string(),
        other => {
            return Err(format!(
                "\"id\" must be a string or an integer, not {}",
                kind_of(&other)
            ));
        }
    };
    let (text, html) = match (raw.text, raw.html) {
        (Some(_), Some(_)) => return Err("has both \"text\" and \"html\" (give one)".into()),
        (Some(t), None) => (t, false),
        (None, Some(h)) => (h, true),
        (None, None) => return Err("has neither \"text\" nor \"html\"".into()),
    };
    // Records skip byte decoding, but their text can carry mojibake as much as a file can.
    let text = match super::mojibake::repair(&text) {
        std::borrow::Cow::Borrowed(_) => text,
        std::borrow::Cow::Owned(fixed) => fixed,
    };
    let date = match raw.date.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(d) => {
            Some(dates::parse(d).ok_or_else(|| format!("\"date\" is not a date: {}", quoted(d)))?)
        }
    };
    let title = raw
        .title
        .map(|t| t.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|t| !t.is_empty());
    Ok(Record {
        id,
        text,
        html,
        hints: Hints {
            title,
            date,
            url: raw.url.filter(|u| !u.trim().is_empty()),
            fetched: None,
        },
        at: at.to_string(),
    })
}

/// Reads every line of a JSONL stream: records, and (`FILE:LINE`, reason) for bad lines. A
/// stream of two or more lines with no record, most of which do not even open a JSON object
/// (`{`), is not JSON Lines at all (an HTML page, a text dump, perhaps with a JSON-LD line): one
/// (`FILE`, reason) for it, not one per line. Objects that fail as records (no `text`, a bad
/// `date`) are still reported line by line. An I/O error ends the stream; it is returned with
/// what was read before it.
pub fn read(
    mut reader: impl BufRead,
    name: &str,
    records: &mut Vec<Record>,
    bad: &mut Vec<(String, String)>,
) -> std::io::Result<()> {
    let (first_record, first_bad) = (records.len(), bad.len());
    let mut line = Vec::new();
    let mut number = 0usize;
    let mut objects = 0usize;
    loop {
        line.clear();
        if reader.read_until(b'\n', &mut line)? == 0 {
            let lines = bad.len() - first_bad;
            if records.len() == first_record && lines >= 2 && objects * 2 < lines {
                let (at, why) = bad.swap_remove(first_bad);
                bad.truncate(first_bad);
                bad.push((
                    name.to_string(),
                    format!("not JSON Lines: none of its {lines} lines is a record ({at}: {why})"),
                ));
            }
            return Ok(());
        }
        number += 1;
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        objects += usize::from(line.trim_ascii_start().first() == Some(&b'{'));
        let at = format!("{name}:{number}");
        match parse_line(&line, &at) {
            Ok(r) => records.push(r),
            Err(reason) => bad.push((at, reason)),
        }
    }
}

fn json_reason(e: serde_json::Error) -> String {
    // serde_json says "… at line 1 column 7"; the line is ours, so keep only the column.
    let s = e.to_string();
    let s = match s.rfind(" at line ") {
        Some(i) => s[..i].to_string(),
        None => s,
    };
    if e.column() > 0 {
        format!("invalid JSON record: {s} (column {})", e.column())
    } else {
        format!("invalid JSON record: {s}")
    }
}

fn kind_of(v: &serde_json::Value) -> &'static str {
    match v {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "a boolean",
        serde_json::Value::Number(_) => "a number",
        serde_json::Value::String(_) => "a string",
        serde_json::Value::Array(_) => "an array",
        serde_json::Value::Object(_) => "an object",
    }
}

/// A value shown in a message: quoted, cut to 40 characters.
fn quoted(s: &str) -> String {
    let mut q: String = s.chars().take(40).collect();
    if q.len() < s.len() {
        q.push('…');
    }
    format!("{q:?}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_line_table() {
        let ok = parse_line(
            br#"{"id":"a/1","text":"Body.","title":"  A   title ","date":"2017-03-02","url":"https://x","extra":1}"#,
            "f:1",
        )
        .unwrap();
        assert_eq!(ok.id, "a/1");
        assert_eq!(ok.text, "Body.");
        assert!(!ok.html);
        assert_eq!(ok.hints.title.as_deref(), Some("A title"));
        assert_eq!(ok.hints.date.unwrap().to_string(), "2017-03-02");
        assert_eq!(ok.hints.url.as_deref(), Some("https://x"));
        assert_eq!(ok.at, "f:1");
        let num = parse_line(br#"{"id":17,"html":"<p>x</p>","title":null}"#, "f:2").unwrap();
        assert_eq!((num.id.as_str(), num.html), ("17", true));

        for (line, want) in [
            (&br#"{"id":"a","text":"x""#[..], "invalid JSON record: EOF"),
            (b"[1,2]", "not a JSON object but an array"),
            (br#"{"text":"x"}"#, "missing field `id`"),
            (br#"{"id":"","text":"x"}"#, "\"id\" is empty"),
            (
                br#"{"id":1.5,"text":"x"}"#,
                "\"id\" must be a string or an integer",
            ),
            (br#"{"id":"a"}"#, "neither \"text\" nor \"html\""),
            (br#"{"id":"a","text":"x","html":"y"}"#, "both"),
            (br#"{"id":"a","text":5}"#, "invalid type: integer `5`"),
            (
                br#"{"id":"a","text":"x","date":"someday"}"#,
                "\"date\" is not a date: \"someday\"",
            ),
            (b"{\"id\":\"a\",\"text\":\"\xff\"}", "invalid JSON record"),
        ] {
            let err = parse_line(line, "f:1").unwrap_err();
            assert!(
                err.contains(want),
                "{}: {err}",
                String::from_utf8_lossy(line)
            );
            assert!(!err.contains('\n'));
        }
    }

    #[test]
    fn a_stream_with_no_record_is_one_skip_not_one_per_line() {
        let (mut records, mut bad) = (Vec::new(), Vec::new());
        read(
            &b"<html>\n<body>\n\n{\"@type\": \"NewsArticle\"}\n<p>x</p>\n"[..],
            "p.html",
            &mut records,
            &mut bad,
        )
        .unwrap();
        assert!(records.is_empty());
        assert_eq!(bad.len(), 1);
        assert_eq!(bad[0].0, "p.html");
        assert!(
            bad[0].1.starts_with(
                "not JSON Lines: none of its 4 lines is a record (p.html:1: invalid JSON"
            ),
            "{}",
            bad[0].1
        );
        // One bad line alone is reported by its line.
        read(&b"nope"[..], "q.jsonl", &mut records, &mut bad).unwrap();
        assert_eq!(bad[1].0, "q.jsonl:1");
        // So are objects that fail as records: the file is JSON Lines, its records are bad.
        read(
            &b"{\"id\":1}\n{\"id\":2}\n"[..],
            "r.jsonl",
            &mut records,
            &mut bad,
        )
        .unwrap();
        assert_eq!(bad.len(), 4);
        assert_eq!(
            (bad[2].0.as_str(), bad[3].0.as_str()),
            ("r.jsonl:1", "r.jsonl:2")
        );
    }

    #[test]
    fn read_numbers_lines_and_skips_blank_ones() {
        let data = b"{\"id\":\"a\",\"text\":\"x\"}\n\n  \nnot json\n{\"id\":\"b\",\"text\":\"y\"}";
        let (mut records, mut bad) = (Vec::new(), Vec::new());
        read(&data[..], "in.jsonl", &mut records, &mut bad).unwrap();
        let ids: Vec<_> = records
            .iter()
            .map(|r| (r.id.as_str(), r.at.as_str()))
            .collect();
        assert_eq!(ids, [("a", "in.jsonl:1"), ("b", "in.jsonl:5")]);
        assert_eq!(bad.len(), 1);
        assert_eq!(bad[0].0, "in.jsonl:4");
    }
}
