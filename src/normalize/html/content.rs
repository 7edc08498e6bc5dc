//! Main article text of an HTML page, by text density and link density.
//!
//! The page is cut into text blocks at block-level elements; script, style, forms, navigation,
//! headers, footers, asides, hidden elements and elements whose class or id marks them as
//! comments, sharing widgets, related links and the like are dropped. Each paragraph-like block
//! (enough text, few links) scores its parent and grandparent by its length and commas, as in
//! Mozilla's Readability; a container's score is damped by its link density and nudged by its
//! class and id. The best container and its strong siblings give the article's blocks.
//! The traversal is iterative, so deeply nested markup cannot overflow the stack.

use std::collections::HashMap;
use std::sync::LazyLock;

use ego_tree::iter::Edge;
use regex::Regex;
use scraper::{Html, Node};

use crate::normalize::{chrome, markup, originals};

/// Elements whose whole subtree is never article text.
const SKIP: &[&str] = &[
    "script", "style", "noscript", "template", "svg", "iframe", "button", "select", "textarea",
    "input", "object", "embed", "canvas", "map", "head", "video", "audio", "picture", "math",
];

/// Page structure that is not article text on a well-formed page; the strict pass drops it,
/// the lenient retry keeps it (ASP.NET pages wrap the whole body in a `<form>`).
const SKIP_STRICT: &[&str] = &["form", "nav", "header", "footer", "aside", "dialog", "menu"];

/// Elements that start a new block of text.
const BLOCK: &[&str] = &[
    "p",
    "div",
    "li",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "td",
    "th",
    "tr",
    "table",
    "blockquote",
    "pre",
    "section",
    "article",
    "main",
    "figure",
    "figcaption",
    "ul",
    "ol",
    "dl",
    "dt",
    "dd",
    "address",
    "hr",
    "br",
    "body",
    "center",
    "caption",
    "tbody",
    "thead",
    "details",
    "summary",
    "legend",
    "fieldset",
];

/// Class or id words of elements that are dropped (Readability's "unlikely candidates").
static UNLIKELY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i-u)-ad-|ad-break|agegate|banner|breadcrumb|combx|comment|community|cover-wrap|disqus|extra|gdpr|legends|menu|newsletter|outbrain|pagination|pager|popup|related|remark|replies|rss|share|sharing|shoutbox|sidebar|skyscraper|social|sponsor|supplemental|taboola|teaser-list|cookie|consent|subscribe|paywall-prompt|most-popular|mostpopular|recommend|wp-block-post-excerpt",
    )
    .expect("unlikely regex")
});
/// Class or id words that rescue an element from [`UNLIKELY`].
static MAYBE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i-u)and|article|body|column|content|main|shadow|story|text")
        .expect("maybe regex")
});
static POSITIVE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i-u)article|body|content|entry|hentry|h-entry|main|page|post|text|blog|story|paragraph|prose")
        .expect("positive regex")
});
static NEGATIVE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i-u)hidden|^hid$|banner|combx|comment|com-|contact|foot|masthead|media|meta|promo|related|scroll|share|shoutbox|sidebar|skyscraper|sponsor|shopping|tags|tool|widget|byline|author|caption|credit|nav|teaser")
        .expect("negative regex")
});

/// An element seen in the traversal.
#[derive(Debug, Clone)]
struct Elem {
    parent: u32,
    /// Euler-tour interval: a descendant's interval lies inside its ancestors'.
    open: u32,
    close: u32,
    /// Class/id nudge.
    weight: f64,
    /// Readability-style content score from the paragraphs below it.
    score: f64,
    /// Text and link characters in the subtree.
    chars: usize,
    link_chars: usize,
    /// Characters of paragraph-like blocks (enough text, few links) in the subtree.
    good_chars: usize,
    /// Characters of those that read as sentences ([`reads_as_sentences`]).
    sentence_chars: usize,
    /// An `<article>` element.
    article: bool,
    /// A table cell (`<td>`, `<th>`).
    cell: bool,
}

impl Elem {
    fn contains(&self, other: &Elem) -> bool {
        self.open <= other.open && other.close <= self.close
    }
}

/// A run of text inside one block-level element.
#[derive(Debug, Clone)]
struct Block {
    elem: u32,
    text: String,
    chars: usize,
    link_chars: usize,
    heading: u8,
    /// The block is one link whose text is the address it goes to ([`is_self_link`]).
    self_link: bool,
    /// The block reads as running text ([`reads_as_sentences`]).
    sentence: bool,
}

impl Block {
    fn link_density(&self) -> f64 {
        self.link_chars as f64 / self.chars.max(1) as f64
    }

    /// Enough text, few links, not a heading: what article paragraphs look like.
    fn is_paragraph(&self) -> bool {
        self.chars >= 25 && self.link_density() <= 0.5 && self.heading == 0
    }

    /// A block with a sentence's worth of its own text between its links is prose whose
    /// links are part of it (a body full of glossary links with their pop-up cards): its
    /// link text is counted as text. Used only by the retry when the first passes found little.
    fn read_links_as_text(&mut self) {
        if self.heading == 0 && self.chars - self.link_chars >= MIN_OWN_PROSE_CHARS {
            self.link_chars = 0;
        }
    }
}

/// Characters outside links that make a link-dense block prose ([`Block::read_links_as_text`]).
const MIN_OWN_PROSE_CHARS: usize = 80;

/// Below this many characters the strict pass is retried keeping "unlikely", hidden and structural elements
/// (an article container whose class happens to say `sidebar-grid__content`; a streamed React
/// page whose content sits in `<div hidden id="S:0">` until a script moves it).
const MIN_ARTICLE_CHARS: usize = 500;

/// What a pass drops besides the tags that never hold text ([`SKIP`]).
#[derive(Debug, Clone, Copy)]
struct Drop<'a> {
    /// Elements whose class or id says "unlikely" ([`UNLIKELY`]).
    unlikely: bool,
    /// Page structure ([`SKIP_STRICT`]) and hidden elements.
    structure: bool,
    /// Class-and-id strings of "unlikely" elements kept all the same (found to hold the
    /// article; its parts often share one class: `sidebar-grid__container` between ad slots).
    rescue: &'a [String],
    /// Read the links inside prose as text ([`Block::read_links_as_text`]).
    prose_links: bool,
}

const STRICT: Drop = Drop {
    unlikely: true,
    structure: true,
    rescue: &[],
    prose_links: false,
};

/// How many "unlikely" classes may be rescued, one pass each.
const MAX_RESCUES: usize = 3;

/// The class-and-id string of the dropped "unlikely" element that held the most paragraph text
/// (bytes of text directly in `<p>`), and how much.
type Dropped = Option<(String, usize)>;

/// The main text of a page: its lines, and the subheads among them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Text {
    pub lines: Vec<String>,
    /// Headings every copy of which heads running text (a paragraph that reads as
    /// sentences follows it): an article's own subheads, which may recur ("What happened",
    /// "Ingredients") and are not repeated labels. A box's heading ("More on this") is
    /// followed by its links instead.
    pub subheads: Vec<String>,
}

/// The page's main text as lines, in document order, with the subheads among them. `headline`
/// (the page's title, when known) picks the story among several full `<article>`s on one page.
pub fn main_text(doc: &Html, headline: Option<&str>) -> Text {
    let chars = |v: &Text| v.lines.iter().map(|l| l.len()).sum::<usize>();
    let (strict, mut dropped) = pass(doc, STRICT, headline);
    let found = chars(&strict);
    // An "unlikely" element that held more paragraph text than the whole result is the
    // article's own container with an unlucky class (`container vertical-ad-con`): elements of
    // that class are kept and the pass rerun, and so on for the next such class (one inside
    // it, or the article's other parts), up to [`MAX_RESCUES`]; the other unlikely elements
    // (comments, related lists) still go.
    let mut rescue = Vec::new();
    let mut best = (strict, found);
    while let Some((class, p_chars)) = dropped.take()
        && rescue.len() < MAX_RESCUES
        && p_chars > best.1.max(MIN_ARTICLE_CHARS)
    {
        rescue.push(class);
        let drop = Drop {
            rescue: &rescue,
            ..STRICT
        };
        let (kept, next) = pass(doc, drop, headline);
        let n = chars(&kept);
        if n > best.1 {
            best = (kept, n);
        }
        dropped = next;
    }
    let (mut lines, mut found) = best;
    if found >= MIN_ARTICLE_CHARS {
        return lines;
    }
    // Little found: the article's paragraphs may be so full of links (inline pop-ups, a
    // glossary) that none reads as a paragraph and a byline line won. Retried with the links
    // inside prose read as text; taken when it finds more than twice as much.
    let (linked, _) = pass(
        doc,
        Drop {
            prose_links: true,
            ..STRICT
        },
        headline,
    );
    let n = chars(&linked);
    if n > 2 * found {
        (lines, found) = (linked, n);
        if found >= MIN_ARTICLE_CHARS {
            return lines;
        }
    }
    let lenient_drop = Drop {
        unlikely: false,
        structure: false,
        rescue: &[],
        prose_links: false,
    };
    let (lenient, _) = pass(doc, lenient_drop, headline);
    if chars(&lenient) > 2 * found {
        lenient
    } else {
        lines
    }
}

/// One extraction; also returns the dropped "unlikely" element with the most paragraph text.
fn pass(doc: &Html, drop: Drop, headline: Option<&str>) -> (Text, Dropped) {
    let (mut elems, mut blocks, dropped) = segment(doc, drop);
    if drop.prose_links {
        blocks.iter_mut().for_each(Block::read_links_as_text);
    }
    if blocks.is_empty() {
        return (Text::default(), dropped);
    }
    score(&mut elems, &blocks);
    let Some(winner) = best(&elems) else {
        let lines = blocks.into_iter().map(|b| b.text).collect();
        return (
            Text {
                lines,
                subheads: Vec::new(),
            },
            dropped,
        );
    };
    let included = match headline.and_then(|h| headline_article(&elems, &blocks, h)) {
        Some(story) => vec![story],
        None => with_siblings(&elems, expand(&elems, winner)),
    };
    let inside = |e: u32| {
        included
            .iter()
            .any(|&w| elems[w].contains(&elems[e as usize]))
    };
    let kept: Vec<Block> = blocks.into_iter().filter(|b| inside(b.elem)).collect();
    let subheads = subheads(&kept);
    let lines = join_rows(&elems, kept)
        .into_iter()
        .filter(|b| b.heading == 1 || b.link_density() < 0.5 || b.chars > 300 || b.self_link)
        .map(|b| b.text)
        .collect();
    (Text { lines, subheads }, dropped)
}

/// The headings of `blocks` (the article's, in order) every copy of which is followed by a
/// paragraph that reads as sentences, with another heading between any two copies: a section
/// structure ([`Text::subheads`]). A label put between paragraphs at every ad slot ("Article
/// content") has no other heading between its copies.
fn subheads(blocks: &[Block]) -> Vec<String> {
    // Each heading text, in order of first copy: whether every copy qualifies, and the heading
    // count at its last copy. Found by a map (a page may hold thousands of headings).
    let mut heads: Vec<(&str, bool, usize)> = Vec::new();
    let mut at: HashMap<&str, usize> = HashMap::new();
    let mut n = 0usize;
    for (i, b) in blocks.iter().enumerate() {
        if b.heading == 0 {
            continue;
        }
        n += 1;
        let prose = blocks
            .get(i + 1)
            .is_some_and(|next| next.is_paragraph() && next.sentence);
        match at.get(b.text.as_str()) {
            Some(&h) => {
                let (_, all, last) = &mut heads[h];
                *all &= prose && n > *last + 1;
                *last = n;
            }
            None => {
                at.insert(&b.text, heads.len());
                heads.push((&b.text, prose, n));
            }
        }
    }
    heads
        .into_iter()
        .filter(|(_, all, _)| *all)
        .map(|(t, _, _)| t.to_string())
        .collect()
}

/// Longest cell (characters) that [`join_rows`] joins: data cells are short; a layout table's
/// cell holding a paragraph of the story stays a line of its own.
const MAX_JOINED_CELL: usize = 80;

/// Rows a table needs for [`join_rows`] to join its cells.
const MIN_GRID_ROWS: u32 = 3;

/// The cells of one table row as one line, joined by a space: a results table's column that
/// repeats a value ("Home", "Away", "Won") would otherwise be lines repeated down the page,
/// which chrome removal takes for labels. Only cells that are one short block each are joined.
fn join_rows(elems: &[Elem], blocks: Vec<Block>) -> Vec<Block> {
    if !blocks.iter().any(|b| elems[b.elem as usize].cell) {
        return blocks;
    }
    // Blocks per element: a cell with `<br>`s or paragraphs inside holds more than one.
    let mut per_elem: HashMap<u32, u32> = HashMap::new();
    for b in &blocks {
        *per_elem.entry(b.elem).or_default() += 1;
    }
    let cell_row = |b: &Block| {
        let e = &elems[b.elem as usize];
        // A cell that is chrome on its own ("23 hrs ago") stays a line, for chrome removal
        // to drop; a number is data in a table.
        let chrome = chrome::is_chrome(&b.text) && !b.text.bytes().all(|c| c.is_ascii_digit());
        (e.cell && per_elem[&b.elem] == 1 && b.chars <= MAX_JOINED_CELL && !chrome)
            .then_some(e.parent)
    };
    // Only a grid is joined: a table (or `<tbody>`) with at least [`MIN_GRID_ROWS`] rows of two
    // or more such cells. A layout table's one row of a date and a menu stays lines.
    let mut cells_in_row: HashMap<u32, u32> = HashMap::new();
    for row in blocks.iter().filter_map(cell_row) {
        *cells_in_row.entry(row).or_default() += 1;
    }
    let mut rows_in_table: HashMap<u32, u32> = HashMap::new();
    for (&row, _) in cells_in_row.iter().filter(|(_, n)| **n >= 2) {
        *rows_in_table.entry(elems[row as usize].parent).or_default() += 1;
    }
    let row_of = |b: &Block| {
        cell_row(b).filter(|&row| {
            cells_in_row[&row] >= 2
                && rows_in_table
                    .get(&elems[row as usize].parent)
                    .is_some_and(|&n| n >= MIN_GRID_ROWS)
        })
    };
    let mut out: Vec<Block> = Vec::with_capacity(blocks.len());
    // The cells joined into the last block of `out`, and the row they are in.
    let mut parts: Vec<String> = Vec::new();
    let mut last_row = None;
    let finish = |out: &mut Vec<Block>, parts: &mut Vec<String>| {
        if parts.len() > 1
            && let Some(prev) = out.last_mut()
        {
            prev.text = parts.join(" ");
            let refs: Vec<&str> = parts.iter().map(String::as_str).collect();
            originals::record_joined(&prev.text, &refs, " ");
        }
        parts.clear();
    };
    for b in blocks {
        let row = row_of(&b);
        if row.is_some()
            && row == last_row
            && let Some(prev) = out.last_mut()
        {
            prev.chars += 1 + b.chars;
            prev.link_chars += b.link_chars;
            parts.push(b.text);
            continue;
        }
        finish(&mut out, &mut parts);
        if row.is_some() {
            parts.push(b.text.clone());
        }
        out.push(b);
        last_row = row;
    }
    finish(&mut out, &mut parts);
    out
}

/// Characters from which a block counts as running text however it ends.
const LONG_BLOCK_CHARS: usize = 150;

/// Whether a block reads as sentences: it ends in sentence punctuation (before closing quotes
/// and brackets), or is long. An address or a list of departments and phone numbers, however
/// many commas it has, does not end so.
fn reads_as_sentences(text: &str, chars: usize) -> bool {
    chars >= LONG_BLOCK_CHARS
        || text
            .trim_end_matches(|c: char| {
                c.is_whitespace()
                    || matches!(
                        c,
                        '"' | '\'' | ')' | ']' | '\u{bb}' | '\u{201d}' | '\u{2019}'
                    )
            })
            .ends_with([
                '.', '!', '?', ':', ';', '\u{2026}', '\u{3002}', '\u{ff01}', '\u{ff1f}',
                '\u{061f}', '\u{0964}',
            ])
}

/// The host of a web address written out (`https://www.example.org/x`, `www.example.org`),
/// lower-cased and without `www.`; `None` when `text` is not one address.
fn url_host(text: &str) -> Option<String> {
    let rest = text
        .strip_prefix("https://")
        .or_else(|| text.strip_prefix("http://"))
        .unwrap_or(text);
    let host = rest.split(['/', '?', '#']).next()?.to_ascii_lowercase();
    let host = host.strip_prefix("www.").unwrap_or(&host).to_string();
    let ok = host.contains('.')
        && !host.starts_with('.')
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':'));
    ok.then_some(host)
}

/// Characters besides its link a self-link block may hold: a footnote mark (`[1] `), a bullet.
const MAX_SELF_LINK_REST: usize = 6;

/// A block that is one link whose text is a web address on the host the link goes to, with at
/// most a footnote mark besides: an address the story gives (`https://maps.example.org/archive`,
/// `[1] http://…` under a post), kept although it is all link. An advertiser's address shown
/// over a tracking link goes elsewhere and is not kept.
fn is_self_link(text: &str, href: &str, rest_chars: usize) -> bool {
    let (mark, url) = text.rsplit_once(' ').unwrap_or(("", text));
    let bare = url.starts_with("http://") || url.starts_with("https://") || url.starts_with("www.");
    bare && mark.chars().count() <= MAX_SELF_LINK_REST
        && rest_chars <= MAX_SELF_LINK_REST
        && url_host(url).is_some_and(|h| url_host(href).as_deref() == Some(h.as_str()))
}

fn class_id(e: &scraper::node::Element) -> String {
    let mut s = String::new();
    if let Some(c) = e.attr("class") {
        s.push_str(c);
    }
    if let Some(i) = e.attr("id") {
        s.push(' ');
        s.push_str(i);
    }
    s
}

fn is_hidden(e: &scraper::node::Element) -> bool {
    if e.attr("hidden").is_some() || e.attr("aria-hidden") == Some("true") {
        return true;
    }
    // Text for screen readers only (Bootstrap's `visually-hidden` and `sr-only`, WordPress's
    // `screen-reader-text`): labels such as "Article content" that a reader never sees.
    if e.attr("class").is_some_and(|c| {
        c.split_ascii_whitespace()
            .any(|w| matches!(w, "visually-hidden" | "sr-only" | "screen-reader-text"))
    }) {
        return true;
    }
    e.attr("style").is_some_and(|s| {
        let s: String = s
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_ascii_lowercase();
        s.contains("display:none") || s.contains("visibility:hidden")
    })
}

/// A social media post embedded in the article (`<blockquote class="twitter-tweet">` and the
/// like): quoted from elsewhere, with its own author and date lines, not the article's text.
fn is_embedded_post(e: &scraper::node::Element) -> bool {
    e.name() == "blockquote"
        && e.attr("class").is_some_and(|c| {
            [
                "twitter-tweet",
                "instagram-media",
                "tiktok-embed",
                "reddit-card",
            ]
            .iter()
            .any(|k| c.contains(k))
        })
}

/// Why an element's subtree is left out, if it is.
#[derive(PartialEq)]
enum Skip {
    Keep,
    /// By its class or id ([`UNLIKELY`]).
    Unlikely,
    Always,
}

fn should_skip(e: &scraper::node::Element, drop: Drop) -> Skip {
    let name = e.name();
    if SKIP.contains(&name)
        || (drop.structure && (SKIP_STRICT.contains(&name) || is_hidden(e)))
        || is_embedded_post(e)
    {
        return Skip::Always;
    }
    if !drop.unlikely || matches!(name, "body" | "html" | "article" | "main" | "a") {
        return Skip::Keep;
    }
    let ci = class_id(e);
    if !ci.is_empty()
        && UNLIKELY.is_match(&ci)
        && !MAYBE.is_match(&ci)
        && !drop.rescue.contains(&ci)
    {
        Skip::Unlikely
    } else {
        Skip::Keep
    }
}

/// Cuts the document into blocks, building the element table on the way. Also returns the most
/// paragraph text one dropped "unlikely" element held.
fn segment(doc: &Html, drop: Drop) -> (Vec<Elem>, Vec<Block>, Dropped) {
    let mut elems: Vec<Elem> = vec![Elem {
        parent: 0,
        open: 0,
        close: u32::MAX,
        weight: 0.0,
        score: 0.0,
        chars: 0,
        link_chars: 0,
        good_chars: 0,
        sentence_chars: 0,
        article: false,
        cell: false,
    }];
    let mut blocks = Vec::new();
    let mut stack: Vec<u32> = vec![0];
    let mut block_owner: Vec<u32> = vec![0];
    let mut skip_depth = 0usize;
    // Paragraph text inside the "unlikely" element being skipped, and the most of any.
    let mut skipping_unlikely: Option<String> = None;
    let mut unlikely_p = 0usize;
    let mut most_unlikely: Dropped = None;
    let mut link_depth = 0usize;
    let mut heading_depth: Vec<u8> = Vec::new();
    let mut buf = String::new();
    let mut buf_links = 0usize;
    // Targets of the links in the block being gathered (at most two are kept: only a block
    // of one link is asked about).
    let mut hrefs: Vec<String> = Vec::new();
    let mut counter = 0u32;

    let flush = |buf: &mut String,
                 buf_links: &mut usize,
                 hrefs: &mut Vec<String>,
                 owner: u32,
                 heading: u8,
                 blocks: &mut Vec<Block>| {
        let links_to = std::mem::take(hrefs);
        if buf.trim().is_empty() {
            buf.clear();
            *buf_links = 0;
            return;
        }
        let mut text = markup::fold_collapse(buf);
        if text.contains('&') || text.contains('<') {
            text = markup::collapse_ws(&markup::strip_tags(&markup::decode_entities(&text)));
        }
        buf.clear();
        let links = std::mem::take(buf_links);
        if text.is_empty() {
            return;
        }
        let chars = text.chars().count();
        let rest = chars.saturating_sub(links.min(chars));
        let self_link = links_to.len() == 1 && is_self_link(&text, &links_to[0], rest);
        let sentence = reads_as_sentences(&text, chars);
        blocks.push(Block {
            elem: owner,
            text,
            chars,
            link_chars: links.min(chars),
            heading,
            self_link,
            sentence,
        });
    };

    for edge in doc.tree.root().traverse() {
        match edge {
            Edge::Open(node) => match node.value() {
                Node::Element(e) => {
                    if skip_depth > 0 {
                        skip_depth += 1;
                        continue;
                    }
                    match should_skip(e, drop) {
                        Skip::Keep => {}
                        why => {
                            skip_depth = 1;
                            skipping_unlikely = (why == Skip::Unlikely).then(|| class_id(e));
                            unlikely_p = 0;
                            continue;
                        }
                    }
                    counter += 1;
                    let name = e.name();
                    let ci = class_id(e);
                    let mut weight = 0.0;
                    if !ci.is_empty() {
                        if POSITIVE.is_match(&ci) {
                            weight += 25.0;
                        }
                        if NEGATIVE.is_match(&ci) {
                            weight -= 25.0;
                        }
                    }
                    if matches!(name, "article" | "main") {
                        weight += 25.0;
                    }
                    let id = elems.len() as u32;
                    let parent = *stack.last().unwrap_or(&0);
                    elems.push(Elem {
                        parent,
                        open: counter,
                        close: u32::MAX,
                        weight,
                        score: 0.0,
                        chars: 0,
                        link_chars: 0,
                        good_chars: 0,
                        sentence_chars: 0,
                        article: name == "article",
                        cell: matches!(name, "td" | "th"),
                    });
                    stack.push(id);
                    if BLOCK.contains(&name) {
                        let owner = *block_owner.last().unwrap_or(&0);
                        flush(
                            &mut buf,
                            &mut buf_links,
                            &mut hrefs,
                            owner,
                            heading_depth.last().copied().unwrap_or(0),
                            &mut blocks,
                        );
                        block_owner.push(id);
                    }
                    if let Some(level) = name.strip_prefix('h').and_then(|l| l.parse::<u8>().ok()) {
                        heading_depth.push(level);
                    }
                    if name == "a" {
                        if link_depth == 0 && hrefs.len() < 2 {
                            hrefs.push(e.attr("href").unwrap_or("").to_string());
                        }
                        link_depth += 1;
                    }
                }
                Node::Text(t) if skip_depth == 0 => {
                    buf.push_str(&t.text);
                    if link_depth > 0 {
                        buf_links += t.chars().filter(|c| !c.is_whitespace()).count();
                    }
                }
                Node::Text(t) if skipping_unlikely.is_some() => {
                    let in_p = node
                        .parent()
                        .and_then(|p| p.value().as_element().map(|e| e.name() == "p"))
                        .unwrap_or(false);
                    if in_p {
                        unlikely_p += t.trim().len();
                    }
                }
                _ => {}
            },
            Edge::Close(node) => {
                let Node::Element(e) = node.value() else {
                    continue;
                };
                if skip_depth > 0 {
                    skip_depth -= 1;
                    if skip_depth == 0
                        && let Some(id) = skipping_unlikely.take()
                        && most_unlikely
                            .as_ref()
                            .is_none_or(|(_, most)| unlikely_p > *most)
                    {
                        most_unlikely = Some((id, unlikely_p));
                    }
                    continue;
                }
                counter += 1;
                let name = e.name();
                if BLOCK.contains(&name) {
                    let owner = block_owner.pop().unwrap_or(0);
                    flush(
                        &mut buf,
                        &mut buf_links,
                        &mut hrefs,
                        owner,
                        heading_depth.last().copied().unwrap_or(0),
                        &mut blocks,
                    );
                }
                if name
                    .strip_prefix('h')
                    .and_then(|l| l.parse::<u8>().ok())
                    .is_some()
                {
                    heading_depth.pop();
                }
                if name == "a" {
                    link_depth = link_depth.saturating_sub(1);
                }
                if let Some(id) = stack.pop() {
                    elems[id as usize].close = counter;
                }
            }
        }
    }
    let owner = *block_owner.last().unwrap_or(&0);
    flush(&mut buf, &mut buf_links, &mut hrefs, owner, 0, &mut blocks);
    for e in elems.iter_mut().filter(|e| e.close == u32::MAX) {
        e.close = counter + 1;
    }
    (elems, blocks, most_unlikely)
}

/// Readability-style scoring: paragraphs score their parent and grandparent.
fn score(elems: &mut [Elem], blocks: &[Block]) {
    for b in blocks {
        let e = &mut elems[b.elem as usize];
        e.chars += b.chars;
        e.link_chars += b.link_chars;
        if b.is_paragraph() {
            e.good_chars += b.chars;
            if b.sentence {
                e.sentence_chars += b.chars;
            }
        }
    }
    // Children come after parents in `elems`: one backward pass sums subtrees.
    for i in (1..elems.len()).rev() {
        let p = elems[i].parent as usize;
        elems[p].chars += elems[i].chars;
        elems[p].link_chars += elems[i].link_chars;
        elems[p].good_chars += elems[i].good_chars;
        elems[p].sentence_chars += elems[i].sentence_chars;
    }
    for b in blocks.iter().filter(|b| b.is_paragraph()) {
        // Commas count in running text only: an address or a list of departments has many.
        let commas = if b.sentence {
            b.text
                .matches([',', '\u{060C}', '\u{3001}', '\u{FF0C}'])
                .count() as f64
        } else {
            0.0
        };
        let s = 1.0 + commas + (b.chars as f64 / 100.0).min(3.0);
        // Ancestors get the score, divided by 1, 2, 6, 9, 12 with distance (Readability).
        let mut e = elems[b.elem as usize].parent as usize;
        for level in 0..5 {
            let divider = match level {
                0 => 1.0,
                1 => 2.0,
                l => f64::from(l) * 3.0,
            };
            elems[e].score += s / divider;
            if e == 0 {
                break;
            }
            e = elems[e].parent as usize;
        }
    }
}

fn final_score(e: &Elem) -> f64 {
    if e.score <= 0.0 {
        return 0.0;
    }
    let ld = e.link_chars as f64 / e.chars.max(1) as f64;
    (e.score + e.weight) * (1.0 - ld)
}

fn best(elems: &[Elem]) -> Option<usize> {
    let mut best: Option<(usize, f64)> = None;
    for (i, e) in elems.iter().enumerate().skip(1) {
        let s = final_score(e);
        if s > 0.0 && best.is_none_or(|(_, bs)| s > bs) {
            best = Some((i, s));
        }
    }
    best.map(|(i, _)| i)
}

/// Moves the winner up while its parent holds clearly more paragraph text and is still mostly
/// paragraphs with few links: an article split into several containers (by ad slots, by
/// sections) is taken whole.
fn expand(elems: &[Elem], mut w: usize) -> usize {
    let mut a = w;
    while a != 0 {
        a = elems[a].parent as usize;
        let (cur, anc) = (&elems[w], &elems[a]);
        if a == 0 {
            break;
        }
        // More paragraph text means more that reads as sentences: a footer's address and
        // phone lines beside a short article do not make the page's body its container.
        if anc.sentence_chars as f64 <= cur.sentence_chars as f64 * 1.15 {
            continue; // a wrapper: look further up without adopting it
        }
        let dense = anc.good_chars as f64 >= 0.7 * anc.chars as f64;
        let few_links = (anc.link_chars as f64) < 0.2 * anc.chars as f64;
        if !(dense && few_links) {
            break;
        }
        w = a;
    }
    w
}

/// Paragraph text that makes an `<article>` a full story rather than a teaser card.
const FULL_ARTICLE_CHARS: usize = 500;

/// On a page with several full stories, each in its own `<article>` (the next story appended
/// below the first), the one whose `<h1>` is the page's headline.
fn headline_article(elems: &[Elem], blocks: &[Block], headline: &str) -> Option<usize> {
    let full: Vec<usize> = (1..elems.len())
        .filter(|&i| elems[i].article && elems[i].good_chars >= FULL_ARTICLE_CHARS)
        .collect();
    let outer: Vec<usize> = full
        .iter()
        .copied()
        .filter(|&i| !full.iter().any(|&j| j != i && elems[j].contains(&elems[i])))
        .collect();
    if outer.len() < 2 {
        return None;
    }
    let headline = headline.to_lowercase();
    blocks
        .iter()
        .filter(|b| b.heading == 1 && b.text.to_lowercase() == headline)
        .find_map(|b| {
            outer
                .iter()
                .copied()
                .find(|&a| elems[a].contains(&elems[b.elem as usize]))
        })
}

/// The winner plus siblings that score well against it.
fn with_siblings(elems: &[Elem], winner: usize) -> Vec<usize> {
    let parent = elems[winner].parent;
    let top = final_score(&elems[winner]);
    let threshold = (top * 0.2).max(10.0);
    let mut out = vec![winner];
    for (i, e) in elems.iter().enumerate().skip(1) {
        if i != winner && e.parent == parent && final_score(e) >= threshold {
            out.push(i);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text_of(html: &str) -> Vec<String> {
        main_text(&Html::parse_document(html), None).lines
    }

    #[test]
    fn picks_the_article_over_navigation_and_related_links() {
        let html = r#"<html><head><title>t</title><script>var x = "<p>no</p>";</script></head><body>
            <nav><a href="/">Home</a> <a href="/world">World</a></nav>
            <div class="sidebar"><p>Sidebar text that is long enough to count, with commas, and more.</p></div>
            <div class="story-body">
              <p>The harbour reopened on Monday, officials said, after a storm closed it for a week.</p>
              <p>Ships queued outside the breakwater, and pilots worked through the night to bring them in.</p>
              <h2>Damage</h2>
              <p>Repairs to the north quay will take months, the port authority said in a statement.</p>
            </div>
            <ul class="related"><li><a href="/a">Another story about ports and harbours, with a long title</a></li></ul>
            <footer>Copyright 2024 Example News. All rights reserved.</footer>
            </body></html>"#;
        let got = text_of(html);
        assert_eq!(
            got,
            [
                "The harbour reopened on Monday, officials said, after a storm closed it for a week.",
                "Ships queued outside the breakwater, and pilots worked through the night to bring them in.",
                "Damage",
                "Repairs to the north quay will take months, the port authority said in a statement.",
            ]
        );
    }

    #[test]
    fn the_story_whose_h1_is_the_headline_among_appended_stories() {
        let para = |topic: &str, n: usize| {
            (0..n)
                .map(|i| format!("<p>Paragraph {i} about the {topic}, with enough words, commas, and detail to count as text.</p>"))
                .collect::<String>()
        };
        let html = format!(
            "<html><body><main><article><h1>Port reopens</h1>{}</article>\
             <div class=\"next\"><article><h1>Council votes</h1>{}</article></div></main></body></html>",
            para("harbour", 6),
            para("council budget vote", 12)
        );
        let doc = Html::parse_document(&html);
        let got = main_text(&doc, Some("Port reopens")).lines;
        assert_eq!(got.len(), 7, "{got:?}");
        assert!(got.iter().skip(1).all(|l| l.contains("harbour")), "{got:?}");
        // Without a headline that names one of them, both stay (the old behaviour).
        let all = main_text(&doc, Some("Something else")).lines;
        assert!(
            all.iter().any(|l| l.contains("council")) && all.iter().any(|l| l.contains("harbour"))
        );
    }

    #[test]
    fn embedded_posts_are_not_article_text() {
        let para = "<p>The minister resigned on Friday, after a week of pressure from her own party, aides said.</p>";
        let html = format!(
            "<html><body><article>{p}<blockquote class=\"twitter-tweet\"><p>Breaking: she is out, sources say, more soon</p>\
             - Some Account (@account) July 18, 2026</blockquote>{p}{p}</article></body></html>",
            p = para
        );
        let got = main_text(&Html::parse_document(&html), None).lines;
        assert_eq!(got.len(), 3, "{got:?}");
        assert!(
            !got.iter()
                .any(|l| l.contains("@account") || l.contains("Breaking"))
        );
    }

    #[test]
    fn an_article_container_with_an_unlucky_class_is_rescued_alone() {
        let story = (0..8)
            .map(|i| format!("<p>Paragraph {i}: the prime minister's travel costs were paid by the companies, the minister said, and by the state.</p>"))
            .collect::<String>();
        let comments = (0..3)
            .map(|i| format!("<p>Comment {i}: I do not believe a word of this, frankly, and neither should you, dear readers.</p>"))
            .collect::<String>();
        let html = format!(
            "<html><body><div class=\"latest\"><p>Latest: markets close higher on Friday, with banks leading the gains.</p></div>\
             <div class=\"container vertical-ad-con\"><div class=\"article-body\">{story}</div>\
             <div class=\"comments\">{comments}</div></div></body></html>"
        );
        let got = main_text(&Html::parse_document(&html), None).lines;
        assert_eq!(got.len(), 8, "{got:?}");
        assert!(got.iter().all(|l| l.starts_with("Paragraph")), "{got:?}");
    }

    #[test]
    fn br_separated_text_in_old_table_layouts() {
        let html = "<html><body><table><tr><td><a href=/>Home</a> | <a href=/x>News</a></td></tr><tr><td>\
            First paragraph of the wire story, with enough words to matter, and commas.<br><br>\
            Second paragraph, which continues the story, says more, and ends.</td></tr></table></body></html>";
        let got = text_of(html);
        assert_eq!(
            got,
            [
                "First paragraph of the wire story, with enough words to matter, and commas.",
                "Second paragraph, which continues the story, says more, and ends."
            ]
        );
    }

    #[test]
    fn double_escaped_markup_and_hidden_elements() {
        let para = "<p>The port authority said on Monday that repairs to the north quay, damaged in the storm, would take months.</p>";
        let html = format!(
            "<html><body><article><p>Before: &amp;lt;strong&amp;gt;the ruins&amp;lt;/strong&amp;gt;, seen in 2007, were intact.</p>{}\
             <p style=\"display: none\">hidden text that should not appear in the output at all, ever</p></article></body></html>",
            para.repeat(6)
        );
        let got = text_of(&html);
        assert_eq!(got[0], "Before: the ruins, seen in 2007, were intact.");
        assert_eq!(got.len(), 7, "{got:?}");
        assert!(!got.iter().any(|l| l.contains("hidden")));
    }

    #[test]
    fn self_link_table() {
        for (text, href, rest, want) in [
            (
                "https://maps.example.org/archive",
                "https://maps.example.org/archive",
                0,
                true,
            ),
            ("www.example.org", "http://example.org/", 0, true),
            (
                "[1] http://www.gnu.example/free.html",
                "http://www.gnu.example/free.html",
                4,
                true,
            ),
            (
                "www.phones.example",
                "http://ads.example/click?u=www.phones.example",
                0,
                false,
            ),
            (
                "Read the report at https://a.example/r",
                "https://a.example/r",
                19,
                false,
            ),
            ("The archive", "https://maps.example.org/archive", 0, false),
        ] {
            assert_eq!(is_self_link(text, href, rest), want, "{text}");
        }
    }

    #[test]
    fn screen_reader_only_labels_are_not_text() {
        let para = "<p>The port authority said on Monday that repairs to the north quay, damaged in the storm, would take months.</p>";
        let html = format!(
            "<html><body><article><h2 class=\"visually-hidden\">Article content</h2>{para}\
             <span class=\"sr-only\">Opens in a new window</span>{para}</article></body></html>"
        );
        let got = text_of(&html);
        assert_eq!(got.len(), 2, "{got:?}");
    }

    #[test]
    fn deep_nesting_does_not_overflow() {
        let n = 10_000;
        let html = format!(
            "<html><body>{}deep text, with a comma, and words enough to count{}</body></html>",
            "<div>".repeat(n),
            "</div>".repeat(n)
        );
        let got = text_of(&html);
        assert_eq!(got, ["deep text, with a comma, and words enough to count"]);
    }
}
