//! Stage 8: the JSON output, version 1. The only module that writes to stdout.
//!
//! The serialize-only types below are the output contract; the README documents them field by
//! field. Numbers are rounded to 4 decimals so output is byte-stable across machines.

use std::io::{self, Write};

use serde::Serialize;

use crate::canonical::Story;
use crate::normalize::{Article, Timestamp};

/// Output contract version, printed by `--version` and in the README.
pub const FORMAT_VERSION: u32 = 1;

/// How records are laid out.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Format {
    /// A JSON array, one story per line.
    #[default]
    Json,
    /// A JSON array, indented.
    Pretty,
    /// One JSON object per line, no array.
    Jsonl,
}

/// One story, as printed.
#[derive(Debug, Serialize)]
pub struct StoryRecord<'a> {
    pub story_id: &'a str,
    pub title: Option<&'a str>,
    pub published: Option<Timestamp>,
    pub updated: Option<Timestamp>,
    pub source: Option<&'a str>,
    pub authors: &'a [String],
    pub canonical: &'a str,
    pub text: &'a str,
    pub weakest_similarity: f64,
    pub members: Vec<MemberRecord<'a>>,
}

/// One version of a story, as printed.
#[derive(Debug, Serialize)]
pub struct MemberRecord<'a> {
    pub path: &'a str,
    /// Containment between the member and the canonical, 0..1.
    pub similarity: f64,
    /// Jaccard similarity between the member and the canonical, 0..1.
    pub jaccard: f64,
    pub date: Option<Timestamp>,
    pub title: Option<&'a str>,
}

fn round4(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}

/// The printable record of a story.
pub fn record<'a>(story: &'a Story, articles: &'a [Article]) -> StoryRecord<'a> {
    let canon = &articles[story.canonical as usize];
    StoryRecord {
        story_id: &story.id,
        title: story.title.as_deref(),
        published: story.published,
        updated: story.updated,
        source: story.source.as_deref(),
        authors: &story.authors,
        canonical: &canon.path,
        text: &canon.body,
        weakest_similarity: round4(story.weakest_similarity()),
        members: story
            .members
            .iter()
            .map(|m| {
                let a = &articles[m.doc as usize];
                MemberRecord {
                    path: &a.path,
                    similarity: round4(m.similarity),
                    jaccard: round4(m.jaccard),
                    date: a.header.date(),
                    title: a.header.title.as_deref(),
                }
            })
            .collect(),
    }
}

/// Writes all stories in the chosen format.
pub fn write_stories<W: Write + ?Sized>(
    out: &mut W,
    stories: &[Story],
    articles: &[Article],
    format: Format,
) -> io::Result<()> {
    let records = stories.iter().map(|s| record(s, articles));
    write_records(out, records, format)
}

/// Writes any serializable records in the chosen format (stories, normalized articles).
pub fn write_records<W: Write + ?Sized, T: Serialize>(
    out: &mut W,
    records: impl Iterator<Item = T>,
    format: Format,
) -> io::Result<()> {
    let mut first = true;
    if format != Format::Jsonl {
        out.write_all(b"[")?;
    }
    for r in records {
        match format {
            Format::Jsonl => {
                serde_json::to_writer(&mut *out, &r)?;
                out.write_all(b"\n")?;
            }
            Format::Json => {
                out.write_all(if first { b"\n" } else { b",\n" })?;
                serde_json::to_writer(&mut *out, &r)?;
            }
            Format::Pretty => {
                out.write_all(if first { b"\n  " } else { b",\n  " })?;
                let text = serde_json::to_string_pretty(&r)?;
                out.write_all(text.replace('\n', "\n  ").as_bytes())?;
            }
        }
        first = false;
    }
    if format != Format::Jsonl {
        out.write_all(if first { b"]\n" } else { b"\n]\n" })?;
    }
    out.flush()
}

/// Writes to stdout through a buffer. A closed pipe (`| head`) is reported as
/// `ErrorKind::BrokenPipe` for the caller to treat as a quiet exit.
pub fn to_stdout(f: impl FnOnce(&mut dyn Write) -> io::Result<()>) -> io::Result<()> {
    let stdout = io::stdout();
    let mut w = io::BufWriter::with_capacity(1 << 16, stdout.lock());
    f(&mut w)?;
    w.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Serialize)]
    struct R {
        a: u32,
    }

    #[test]
    fn layouts() {
        let render = |format, n: u32| {
            let mut v = Vec::new();
            write_records(&mut v, (0..n).map(|a| R { a }), format).unwrap();
            String::from_utf8(v).unwrap()
        };
        assert_eq!(render(Format::Json, 2), "[\n{\"a\":0},\n{\"a\":1}\n]\n");
        assert_eq!(render(Format::Json, 0), "[]\n");
        assert_eq!(render(Format::Jsonl, 2), "{\"a\":0}\n{\"a\":1}\n");
        assert_eq!(render(Format::Pretty, 1), "[\n  {\n    \"a\": 0\n  }\n]\n");
        for f in [Format::Json, Format::Pretty] {
            let v: serde_json::Value = serde_json::from_str(&render(f, 3)).unwrap();
            assert_eq!(v.as_array().unwrap().len(), 3);
        }
    }

    #[test]
    fn rounding() {
        assert_eq!(round4(0.123456), 0.1235);
        assert_eq!(round4(1.0), 1.0);
    }
}
