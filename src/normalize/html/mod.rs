//! Whole HTML pages, through a real HTML parser (html5ever, via scraper).
//!
//! 0. [`guard`]: start tags past the nesting and formatting limits dropped, so that malformed
//!    pages parse in linear time.
//! 1. [`meta`]: header fields from `<title>`, `<meta>` tags, JSON-LD and byline elements.
//! 2. [`content`]: the page cut into text blocks at block-level elements (script, style, nav,
//!    forms and the like dropped), then the main article text found by text and link density.
//! 3. [`guide`]: the publisher's JSON-LD `articleBody`, where there is one, confirms which of
//!    those lines are story. A page whose HTML shows next to no text and has no `articleBody`
//!    offers its scripts' copy instead ([`script_copy`]).
//! 4. [`headline`]: the page's own headline element, beside its title (printed when the
//!    corpus shows the title to be the site's name).
//!
//! The result is a list of lines for the shared header extraction and chrome removal.

pub mod content;
pub mod guard;
pub mod guide;
pub mod headline;
pub mod meta;
pub mod script_copy;

use scraper::Html;

use super::Header;

/// Pages larger than this are cut before parsing by default (the article is in the first
/// megabytes; the cut keeps parsing time bounded on a pathological file). `--max-html-mib`.
pub const MAX_HTML_BYTES: usize = 8 << 20;

/// Extracts header fields into `header` and returns the main text as lines, with the
/// article's subheads among them ([`content::Text::subheads`]). A page longer than `max_bytes`
/// is cut to its first `max_bytes` (at a character boundary) before parsing.
pub fn extract(html: &str, header: &mut Header, max_bytes: usize) -> content::Text {
    let html = guard::defuse(truncate(html, max_bytes));
    let doc = Html::parse_document(&html);
    let meta = meta::extract(&doc);
    *header = meta.header;
    let content::Text { lines, subheads } = content::main_text(&doc, header.title.as_deref());
    // A page rendered by script: the story may be only in its scripts' state.
    let copy = match meta.article_body {
        None if lines.iter().map(String::len).sum::<usize>() < script_copy::BELOW_BYTES => {
            script_copy::find(&doc, header.title.as_deref())
        }
        body => body,
    };
    let lines = guide::apply(lines, copy.as_deref());
    // The page's headline element, for when its title proves to be the site's name (looked
    // for only where the page tags no headline in its metadata: a tagged one is the story's).
    if meta.untagged_title {
        header.headline = headline::of_page(header.title.as_deref(), &doc, &lines);
    }
    let text = |lines| content::Text { lines, subheads };
    // The headline often opens the article container too; it belongs in the header only.
    let lower = |s: &str| {
        s.chars()
            .flat_map(char::to_lowercase)
            .collect::<Vec<char>>()
    };
    let Some(title) = header.title.as_deref().map(lower) else {
        return text(lines);
    };
    let is_title = |l: &str| {
        l.chars()
            .flat_map(char::to_lowercase)
            .eq(title.iter().copied())
    };
    text(lines.into_iter().filter(|l| !is_title(l)).collect())
}

fn truncate(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}
