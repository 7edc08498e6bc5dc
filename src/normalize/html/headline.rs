//! The page's own headline element: a heading, or an element named `*head*` or `*title*`
//! (`<span class="ViewArticleTitle">`, `<div id="headline">`), whose words the story's opening
//! repeats. It is kept beside the page's title, and printed instead of it when that title
//! proves to be a site's name: carried by many unrelated documents ("Prescott Herald", "Brandon
//! Sun Online"; [`crate::story::features::site_titles`]), or sharing no word with its story's
//! title, its text's start or its names (the canonical stage).
//!
//! Judged on this page alone, a title that shares no word with the text is no safe sign of a
//! site's name (a pun or a quotation as headline; tried, see docs/extractors.md), so the page
//! only offers the element; the corpus and the story decide.

use std::collections::HashSet;

use ego_tree::NodeRef;
use ego_tree::iter::Edge;
use scraper::{ElementRef, Html, Node};

use super::meta::clean;
use crate::evidence::term_hash;
use crate::normalize::dates;

/// How much of the extracted text the title is compared with: the story's opening, where its
/// headline's words are.
const LEAD_WORDS: usize = 300;
/// Below this many words of running text there is too little to judge a title by.
const MIN_LEAD_WORDS: usize = 50;
/// A line of running text has this many words at least.
const RUNNING_WORDS: usize = 12;
/// A headline has this many words at least, and at most.
const MIN_WORDS: usize = 3;
const MAX_WORDS: usize = 30;
/// Where a `<br>` broke the element's text: a NUL, which the HTML parser never leaves in text
/// (the page's own line breaks are spaces to a reader).
const BREAK: char = '\0';
/// An element holding more text than this, or more nodes, is a container, not a headline.
const MAX_BYTES: usize = 400;
const MAX_NODES: usize = 64;

/// The lower-cased words of [`CONTENT_CHARS`] letters or more of `text`, hashed: in any
/// language written with spaces, short words are the function words ("für", "und", "the").
fn content_words(text: &str) -> impl Iterator<Item = u32> + '_ {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.chars().nth(CONTENT_CHARS - 1).is_some())
        .map(term_hash)
}

/// A word of this many characters or more says something of a story.
const CONTENT_CHARS: usize = 5;

/// The page's headline element other than `title`, judged against the text (`lines`): of the
/// headings and elements named `*head*` or `*title*` (not `*subtitle*` or `*subhead*`: a
/// deck), outside links, the one whose content words the opening's running text holds most of
/// (at least two, and at least a third of them); the first in document order on a tie.
pub fn of_page(title: Option<&str>, doc: &Html, lines: &[String]) -> Option<String> {
    // The opening's running text: a site's name or a menu line in the text says nothing.
    let running = || {
        lines
            .iter()
            .filter(|l| l.split_whitespace().nth(RUNNING_WORDS - 1).is_some())
            .flat_map(|l| l.split_whitespace())
    };
    running().nth(MIN_LEAD_WORDS - 1)?;
    // Built when the first element needs them: most pages' elements fail the cheap tests.
    let mut lead: Option<Vec<u32>> = None;
    let mut in_text: Option<HashSet<&str>> = None;
    let mut best: Option<(f64, String)> = None;
    // One walk over the page, counting the links it is inside (so no element looks at its
    // ancestors); each element's text is read for a bounded number of nodes. Linear in the
    // page.
    let mut links = 0usize;
    for edge in doc.root_element().traverse() {
        let el = match edge {
            Edge::Open(node) => match ElementRef::wrap(node) {
                Some(el) => el,
                None => continue,
            },
            Edge::Close(node) => {
                if ElementRef::wrap(node).is_some_and(|e| e.value().name() == "a") {
                    links -= 1;
                }
                continue;
            }
        };
        if el.value().name() == "a" {
            links += 1;
        }
        // A link's text is another page's headline (a teaser, a section, the site's name),
        // never this page's own.
        if links > 0 || !named_headline(el) {
            continue;
        }
        let Some(raw) = short_text(el) else {
            continue;
        };
        // Each line (a `<br>` ends one) is judged on its own: a date or a deck after the
        // headline is another line. A label (`On the blog now:`) is none.
        for raw in raw.split(BREAK) {
            let n = raw.split_whitespace().count();
            if !(MIN_WORDS..=MAX_WORDS).contains(&n) || raw.contains(['<', '>']) {
                continue;
            }
            let lead = lead.get_or_insert_with(|| {
                let mut v: Vec<u32> = running().take(LEAD_WORDS).flat_map(content_words).collect();
                v.sort_unstable();
                v.dedup();
                v
            });
            let mut words: Vec<u32> = content_words(raw).collect();
            words.sort_unstable();
            words.dedup();
            let shared = words
                .iter()
                .filter(|w| lead.binary_search(w).is_ok())
                .count();
            let share = shared as f64 / words.len().max(1) as f64;
            if shared < 2
                || shared * 3 < words.len()
                || best.as_ref().is_some_and(|(s, _)| share <= *s)
            {
                continue;
            }
            let text = clean(raw);
            // A line of the text past its first is the story's own (a subhead).
            let in_text =
                in_text.get_or_insert_with(|| lines.iter().skip(1).map(String::as_str).collect());
            if Some(text.as_str()) == title
                || in_text.contains(text.as_str())
                || text.ends_with(':')
                || dates::parse(&text).is_some()
            {
                continue;
            }
            best = Some((share, text));
        }
    }
    best.map(|(_, text)| text)
}

/// A heading, or an element whose class or id names a head or title; neither when its class
/// or id names a sub-title.
fn named_headline(el: ElementRef) -> bool {
    let v = el.value();
    if matches!(
        v.name(),
        "head" | "title" | "html" | "body" | "script" | "style"
    ) {
        return false;
    }
    let has = |a: &str, w: &str| {
        a.as_bytes()
            .windows(w.len())
            .any(|x| x.eq_ignore_ascii_case(w.as_bytes()))
    };
    let names = || v.classes().chain(v.id());
    // A subtitle, subhead or subheader is a deck under the headline, even as a heading.
    if names().any(|a| has(a, "subt") || has(a, "subh")) {
        return false;
    }
    matches!(v.name(), "h1" | "h2" | "h3") || names().any(|a| has(a, "head") || has(a, "title"))
}

/// The element's text outside links, a line break (`<br>`) as [`BREAK`]; none when it holds
/// more than [`MAX_BYTES`] of text or [`MAX_NODES`] nodes (read no further: a page's header or
/// body container is skipped at little cost).
fn short_text(el: ElementRef) -> Option<String> {
    let mut raw = String::new();
    let mut links = 0usize;
    for (n, edge) in el.traverse().enumerate() {
        if n > 2 * MAX_NODES {
            return None;
        }
        let is_link =
            |node: NodeRef<Node>| matches!(node.value(), Node::Element(e) if e.name() == "a");
        match edge {
            Edge::Open(node) if is_link(node) => links += 1,
            Edge::Close(node) if is_link(node) => links -= 1,
            Edge::Open(node) => match node.value() {
                // Text nodes run on as the page shows them (`Ca<b>rter</b>` is one word).
                Node::Text(t) if links == 0 => raw.push_str(t),
                Node::Element(e) if e.name() == "br" => raw.push(BREAK),
                _ => {}
            },
            Edge::Close(_) => {}
        }
        if raw.len() > MAX_BYTES {
            return None;
        }
    }
    Some(raw)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn story() -> Vec<String> {
        vec![
            "Jimmy Carter, whose new book has been attacked as slanted against Israel, received \
             two standing ovations Tuesday, January 23, as he answered critics during a talk at \
             a college."
                .to_string(),
            "The uproar of several months recently prompted 14 members of an advisory board at \
             Carter's think tank, the Carter Center, to resign in protest. Carter briefly \
             addressed students and faculty members and responded to 15 questions selected in \
             advance, and discussed his book."
                .to_string(),
            "Carter answered critics".to_string(),
        ]
    }

    // Each decoy below shares more of its words with the opening than the headline does, so
    // each would win but for the test that refuses it.
    const PAGE: &str = r#"<html><head><title>Meadow Free Press</title></head><body>
        <div class="nav"><a href="/">Home</a></div>
        <span class="teaser-title"><a href="/b">Carter Center board members resign</a></span>
        <h2 class="subtitle">Carter answered critics at college</h2>
        <span id="Article_title" class="ViewArticleTitle">Car<b>ter</b>: Book has prompted
        discussion<br>Tuesday, January 23, 2007</span>
        <h3>Carter answered critics</h3>
        <h3>Carter answered critics:</h3>
        <p>story</p></body></html>"#;

    #[test]
    fn the_headline_element_is_the_one_the_opening_repeats() {
        // Not the teaser (a link), the deck (`subtitle`), the date on the line after `<br>`,
        // the subhead (a line of the text) or the label; the headline's words run on across
        // its inline markup.
        let doc = Html::parse_document(PAGE);
        let want = Some("Carter: Book has prompted discussion");
        assert_eq!(
            of_page(Some("Meadow Free Press"), &doc, &story()).as_deref(),
            want
        );
        assert_eq!(of_page(None, &doc, &story()).as_deref(), want);
        // The title itself is not offered again.
        assert_eq!(of_page(want, &doc, &story()), None);
    }

    #[test]
    fn an_element_of_many_nodes_is_a_container_read_no_further() {
        // The headline's words after 100 empty elements: past the node bound, so the element
        // is not read to its end (every named element is read at most that far, whatever the
        // page's nesting).
        let spans = "<span></span>".repeat(100);
        let page = format!(
            "<html><head><title>Meadow Free Press</title></head><body>\
             <div class=\"headline\">{spans}Carter: Book has prompted discussion</div>\
             <p>story</p></body></html>"
        );
        let doc = Html::parse_document(&page);
        assert_eq!(of_page(Some("Meadow Free Press"), &doc, &story()), None);
        let few = page.replace(&spans, "<span></span>");
        let doc = Html::parse_document(&few);
        assert_eq!(
            of_page(Some("Meadow Free Press"), &doc, &story()).as_deref(),
            Some("Carter: Book has prompted discussion")
        );
    }

    #[test]
    fn no_headline_element_or_too_little_text_offers_none() {
        let bare = Html::parse_document(
            "<html><head><title>Meadow Free Press</title></head><body>\
             <h2>Weather for the weekend ahead</h2><p>story</p></body></html>",
        );
        assert_eq!(of_page(Some("Meadow Free Press"), &bare, &story()), None);
        let doc = Html::parse_document(PAGE);
        let short = vec!["Carter spoke about his book.".to_string()];
        assert_eq!(of_page(Some("Meadow Free Press"), &doc, &short), None);
    }
}
