//! Stage 2: normalize. Decoded text → [`Article`]: header fields plus a clean body.
//!
//! Text dumps with leftover markup take the fast path in [`markup`]; whole HTML pages are
//! recognized by content and go through [`html`]. Both end in the same header extraction
//! ([`header`]) and chrome removal ([`chrome`]).

pub mod chrome;
pub mod dates;
pub mod edges;
pub mod header;
pub mod html;
pub mod markup;
pub mod newswire;
pub mod originals;

use serde::Serialize;

pub use dates::Timestamp;

/// Fields taken from the top of an article (or a page's metadata).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Header {
    pub title: Option<String>,
    /// An HTML page's own headline element where it differs from `title` (see
    /// [`html::headline`]): the member's title when the corpus shows `title` to be a site's
    /// or section's name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub headline: Option<String>,
    /// When the article says it was published (`Published …`, `article:published_time`).
    pub published: Option<Timestamp>,
    /// When the article says it was last updated (`Updated …`, `dateModified`).
    pub updated: Option<Timestamp>,
    /// The scraper's ` date YYYY-MM-DD` line, a fallback for `published`.
    pub date_line: Option<Timestamp>,
    pub authors: Vec<String>,
    /// The outlet or agency (`CNN`, `Reuters`).
    pub source: Option<String>,
    /// The place or agency tag the lede started with (`BEIRUT`, `(CNN)`).
    pub dateline: Option<String>,
    /// When the page was fetched (a WARC record's `WARC-Date`): printed as the member's date
    /// when the article gives none, never used to group versions or date a story.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fetched: Option<Timestamp>,
    /// Where the article lives: the URL its container gave (a JSONL `url`, a WARC target URI),
    /// else the page's own (`og:url`, `<link rel="canonical">`, JSON-LD `url`).
    pub url: Option<String>,
}

impl Header {
    /// The article's own date: published, else the date line, else updated.
    pub fn date(&self) -> Option<Timestamp> {
        self.published.or(self.date_line).or(self.updated)
    }

    /// Every date the header knows, for the story's first and last dates.
    pub fn all_dates(&self) -> impl Iterator<Item = Timestamp> {
        [self.published, self.date_line, self.updated]
            .into_iter()
            .flatten()
    }
}

/// What kind of document a text was recognized as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    Text,
    Html,
    /// An SGML newswire record (Reuters-21578 layout).
    Newswire,
}

/// A normalized article: what the rest of the pipeline compares and prints.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Article {
    pub path: String,
    pub format: Format,
    pub header: Header,
    /// Paragraphs separated by a blank line; no markup, no entities, no chrome.
    pub body: String,
    /// The page was longer than `--max-html-mib` and only its first part was read.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub truncated: bool,
}

impl Article {
    pub fn paragraphs(&self) -> impl Iterator<Item = &str> {
        self.body.split("\n\n").filter(|p| !p.is_empty())
    }

    /// Gives back the spare capacity of every string: an article is kept for the whole run,
    /// and the strings built by pushing (restored characters, tidied bylines) carry some.
    pub fn shrink_to_fit(&mut self) {
        let h = &mut self.header;
        for s in [&mut self.path, &mut self.body]
            .into_iter()
            .chain(h.authors.iter_mut())
            .chain(
                [&mut h.title, &mut h.source, &mut h.dateline, &mut h.url]
                    .into_iter()
                    .flatten(),
            )
        {
            s.shrink_to_fit();
        }
        h.authors.shrink_to_fit();
    }
}

/// Recognizes a whole HTML page by its content (a doctype, or an `<html>`, `<head>` or `<body>`
/// tag near the start), whatever the file's extension.
pub fn detect_format(text: &str) -> Format {
    if newswire::detect(text) {
        return Format::Newswire;
    }
    let head = &text.as_bytes()[..text.len().min(2048)];
    // One pass over the `<`s of the first 2 KB, matching tag names case-blind, without a
    // lower-cased copy.
    let starts = |at: usize, name: &[u8]| {
        head.get(at..at + name.len())
            .is_some_and(|w| w.eq_ignore_ascii_case(name))
    };
    let html = (0..head.len()).filter(|&i| head[i] == b'<').any(|i| {
        starts(i + 1, b"!doctype html")
            || starts(i + 1, b"html")
            || starts(i + 1, b"head")
            || starts(i + 1, b"body")
    });
    if html { Format::Html } else { Format::Text }
}

/// Limits of normalization.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Options {
    /// An HTML page longer than this is cut to its first bytes before parsing (the article
    /// is reported as `truncated`).
    pub max_html_bytes: usize,
    /// The model that trims chrome from either end of an HTML body; `None` keeps every line
    /// (the fitting example reads the lines so).
    pub edges: Option<edges::Model>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            max_html_bytes: html::MAX_HTML_BYTES,
            edges: Some(edges::SHIPPED),
        }
    }
}

/// Normalizes one decoded document, with the default limits.
pub fn normalize(path: &str, text: &str) -> Article {
    normalize_with(path, text, &Options::default())
}

/// Normalizes one decoded document.
pub fn normalize_with(path: &str, text: &str, opts: &Options) -> Article {
    let format = detect_format(text);
    let truncated = format == Format::Html && text.len() > opts.max_html_bytes;
    let mut header = Header::default();
    // Every rule below reads folded text; the article's own quotes, dashes and ellipses are
    // put back at the end (see `originals`).
    let (mut lines, table) = originals::collect(|| {
        let (lines, subheads) = match format {
            Format::Text => (markup::clean_text(text), Vec::new()),
            Format::Html => {
                let t = html::extract(text, &mut header, opts.max_html_bytes);
                (t.lines, t.subheads)
            }
            Format::Newswire => (newswire::extract(text, &mut header), Vec::new()),
        };
        let lines = chrome::remove_keeping(chrome::cut_tail(lines), &subheads);
        let lines = header::extract(lines, &mut header);
        let lines = match opts.edges {
            Some(model) if format == Format::Html => {
                header::take_leading(edges::trim(lines, &model), &mut header)
            }
            _ => lines,
        };
        if format == Format::Html {
            header::drop_short_site_title(&lines, &mut header);
        }
        lines
    });
    header::tidy_authors(&mut header.authors);
    header::tidy_source(&mut header.source);
    // The header stage may have taken the title from the text: the headline element is kept
    // only where it differs.
    if header.headline.is_some() && header.headline == header.title {
        header.headline = None;
    }
    let mut fields: Vec<&mut String> = header
        .title
        .iter_mut()
        .chain(header.headline.iter_mut())
        .chain(header.authors.iter_mut())
        .chain(header.source.iter_mut())
        .collect();
    table.restore(&mut lines, &mut fields);
    Article {
        path: path.to_string(),
        format,
        header,
        body: lines.join("\n\n"),
        truncated,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detect_format_table() {
        for (text, want) in [
            ("<!DOCTYPE html><html><body>x</body></html>", Format::Html),
            ("\n\n<HTML><HEAD><title>t</title>", Format::Html),
            (
                " date 2017-03-02 text with <strong>tags</strong>",
                Format::Text,
            ),
            ("plain text", Format::Text),
            (
                "<REUTERS TOPICS=\"NO\"><TEXT><BODY>x</BODY></TEXT></REUTERS>",
                Format::Newswire,
            ),
        ] {
            assert_eq!(detect_format(text), want, "{text}");
        }
    }

    #[test]
    fn normalize_is_idempotent_on_its_body() {
        let a = normalize(
            "a",
            "Title Of Story\n\nBEIRUT - Body &amp;amp; text.\n\nHide Caption\n\nMore text here.",
        );
        let b = normalize("a", &a.body);
        assert_eq!(b.body, a.body);
    }
}
