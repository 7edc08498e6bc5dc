//! The publisher's own copy of the article text as a guide. Many pages carry the story in
//! JSON-LD `articleBody` too. It is not printed as found (it is often a teaser, or one run of
//! text without paragraphs), but it tells which extracted lines are story:
//!
//! - When it is a substantial text (at least a quarter of what was extracted) and the extracted
//!   lines that are mostly its words cover at least 80% of it, only those lines are kept: the
//!   related-story lists, author boxes, comments and captions around the story go.
//! - When the extraction found under half of it and it is clearly longer (a page that shows the
//!   first paragraph and loads the rest by script), its own text is used.
//! - Otherwise the extraction stands.
//!
//! Measured on the 258 fundus pages: body token F1 0.921 → 0.930, no page worse by more than
//! 0.002 (`cargo run --release --example score_normalize -- fundus`).

use std::collections::HashMap;

use crate::normalize::markup;
use crate::shingle::token_hashes;

/// Below this many words the publisher's text is too short to judge by.
const MIN_WORDS: usize = 50;
/// Its size against the extraction's, below which it is taken for a teaser.
const MIN_SHARE: f64 = 0.25;
/// Share of its words that the kept lines must hold for the filter to apply.
const FILTER_COVERAGE: f64 = 0.8;
/// Replacement: the extraction held less than this share of its words …
const REPLACE_COVERAGE: f64 = 0.5;
/// … and it is this much longer than the extraction.
const REPLACE_SIZE: f64 = 1.5;

/// The lines to keep, given the extracted `lines` and the page's `articleBody`.
pub fn apply(lines: Vec<String>, article_body: Option<&str>) -> Vec<String> {
    let Some(body) = article_body else {
        return lines;
    };
    let body_lines = markup::clean_text(body);
    let mut want: HashMap<u64, usize> = HashMap::new();
    for l in &body_lines {
        for t in token_hashes(l) {
            *want.entry(t).or_default() += 1;
        }
    }
    let body_words: usize = want.values().sum();
    if body_words < MIN_WORDS {
        return lines;
    }
    let tokens: Vec<Vec<u64>> = lines.iter().map(|l| token_hashes(l)).collect();
    let ours: usize = tokens.iter().map(Vec::len).sum();
    let keep: Vec<bool> = tokens
        .iter()
        .map(|t| !t.is_empty() && 2 * t.iter().filter(|h| want.contains_key(h)).count() >= t.len())
        .collect();
    // Words of the publisher's text found in the kept lines, counted with multiplicity.
    let mut left = want;
    let mut covered = 0usize;
    for t in tokens
        .iter()
        .zip(&keep)
        .filter(|(_, k)| **k)
        .flat_map(|(t, _)| t)
    {
        if let Some(n) = left.get_mut(t).filter(|n| **n > 0) {
            *n -= 1;
            covered += 1;
        }
    }
    let coverage = covered as f64 / body_words as f64;
    if body_words as f64 >= MIN_SHARE * ours as f64 && coverage >= FILTER_COVERAGE {
        return lines
            .into_iter()
            .zip(keep)
            .filter_map(|(l, k)| k.then_some(l))
            .collect();
    }
    if coverage < REPLACE_COVERAGE && body_words as f64 > REPLACE_SIZE * ours as f64 {
        return body_lines;
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    fn story() -> Vec<String> {
        (0..6)
            .map(|i| format!("Paragraph {i} of the harbour story says the quay needs repairs after storm number {i}, officials said."))
            .collect()
    }

    #[test]
    fn keeps_only_the_lines_of_the_publishers_text() {
        let body = story().join("\n");
        let mut page = story();
        page.insert(
            3,
            "Most read: celebrity chef opens restaurant in town".into(),
        );
        page.push("About the author: Jane writes about weather and boats".into());
        assert_eq!(apply(page, Some(&body)), story());
    }

    #[test]
    fn a_teaser_leaves_the_extraction_alone() {
        // A long page (six story paragraphs plus 20 lines of comments) and a teaser of over 50
        // words that is under a quarter of it: the filter would keep only the teaser's lines.
        let mut page = story();
        page.extend((0..20).map(|i| format!("Comment {i}: readers argue at length about the harbour, the storm, the council and the costs of it all.")));
        let teaser = story()[..3].join(" ");
        assert!(token_hashes(&teaser).len() >= MIN_WORDS);
        assert_eq!(apply(page.clone(), Some(&teaser)), page);
        assert_eq!(apply(page.clone(), None), page);
        let short = story()[0].clone();
        assert_eq!(
            apply(page.clone(), Some(&short)),
            page,
            "too short to judge by"
        );
    }

    #[test]
    fn a_page_showing_only_the_start_takes_the_publishers_text() {
        let body = format!("<p>{}</p>", story().join("</p><p>"));
        let page = vec![story()[0].clone()];
        assert_eq!(apply(page, Some(&body)), story());
    }
}
