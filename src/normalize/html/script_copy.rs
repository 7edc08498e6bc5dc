//! The publisher's copy of the article in the page's own scripts. A page rendered by script
//! (a Next.js or Nuxt site, an app shell) may show no article text in its HTML at all: the
//! story travels as a JSON string inside an inline script, the state the script renders from
//! (`"contentHtml":"\u003cp\u003e…"`). When the extraction found next to nothing and the page
//! has no JSON-LD `articleBody`, the string with the most words among those that hold paragraph
//! markup and a third of the headline's words is the publisher's copy, and [`super::guide`] may
//! put it in place of the extraction by the same tests as an `articleBody` (it must be clearly
//! longer than what was found, and hold what was found only in small part). The headline ties
//! the copy to this page: an app shell's scripts also carry consent texts, policies and the
//! next story, and a page without a headline takes none.
//!
//! Each script is scanned once for string literals; only literals of
//! [`MIN_LITERAL_BYTES`] or more are decoded, so the work is linear in the page.

use std::sync::LazyLock;

use std::collections::HashSet;

use scraper::{Html, Selector};

use crate::normalize::markup;
use crate::shingle::token_hashes;

/// A string shorter than this is not an article (a title, a teaser, a caption).
const MIN_LITERAL_BYTES: usize = 1000;
/// The words a copy needs to be taken (counted as the guide counts an `articleBody`'s).
const MIN_WORDS: usize = 50;
/// Scripts are looked into only when the extraction found fewer bytes of text than this.
pub const BELOW_BYTES: usize = 500;

static INLINE_SCRIPT: LazyLock<Selector> =
    LazyLock::new(|| Selector::parse("script:not([src])").expect("inline script selector"));

/// Of the strings of the page's inline scripts (JSON-LD aside) that hold paragraph markup
/// (`<p`, `<br`), at least [`MIN_WORDS`] words of text and a third of `headline`'s distinct
/// words (two at the least, or all of a shorter headline), the one with the most words; none
/// without one, or without a headline.
pub fn find(doc: &Html, headline: Option<&str>) -> Option<String> {
    let title: HashSet<u64> = token_hashes(headline?).into_iter().collect();
    let need = title.len().div_ceil(3).max(2).min(title.len());
    if need == 0 {
        return None;
    }
    let mut best: Option<(usize, String)> = None;
    for el in doc.select(&INLINE_SCRIPT) {
        if el
            .value()
            .attr("type")
            .is_some_and(|t| t.to_ascii_lowercase().contains("ld+json"))
        {
            continue;
        }
        let code: String = el.text().collect();
        if code.len() < MIN_LITERAL_BYTES {
            continue;
        }
        for literal in literals(&code).filter(|l| l.len() >= MIN_LITERAL_BYTES) {
            let Ok(s) = serde_json::from_str::<String>(literal) else {
                continue;
            };
            let lower = s.to_ascii_lowercase();
            if !(lower.contains("<p") || lower.contains("<br")) {
                continue;
            }
            let tokens: Vec<u64> = markup::clean_text(&s)
                .iter()
                .flat_map(|l| token_hashes(l))
                .collect();
            let words = tokens.len();
            if words < MIN_WORDS || best.as_ref().is_some_and(|(w, _)| words <= *w) {
                continue;
            }
            let seen: HashSet<u64> = tokens.into_iter().collect();
            if title.iter().filter(|t| seen.contains(t)).count() >= need {
                best = Some((words, s));
            }
        }
    }
    best.map(|(_, s)| s)
}

/// The double-quoted string literals of a script, quotes included, each as the source spells
/// it (escapes undecoded). One pass: a backslash skips the byte after it.
fn literals(code: &str) -> impl Iterator<Item = &str> {
    let bytes = code.as_bytes();
    let mut at = 0;
    std::iter::from_fn(move || {
        let open = at + memchr::memchr(b'"', &bytes[at..])?;
        let mut i = open + 1;
        while i < bytes.len() {
            match bytes[i] {
                b'\\' => i += 2,
                b'"' => {
                    at = i + 1;
                    return Some(&code[open..=i]);
                }
                _ => i += 1,
            }
        }
        at = bytes.len();
        None
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals_skip_escaped_quotes() {
        let code = r#"var a = {"k": "say \"hi\"", "n": "x\\"}; f("last"#;
        let got: Vec<&str> = literals(code).collect();
        assert_eq!(got, [r#""k""#, r#""say \"hi\"""#, r#""n""#, r#""x\\""#]);
    }

    fn page(script: &str) -> Html {
        Html::parse_document(&format!(
            "<html><head><script>{script}</script></head><body><div id=app></div></body></html>"
        ))
    }

    fn story(words: usize) -> String {
        let para: Vec<String> = (0..words).map(|i| format!("word{i}")).collect();
        format!("<p>{}</p><p>Second paragraph.</p>", para.join(" "))
    }

    #[test]
    fn the_longest_html_string_is_the_copy() {
        let state = serde_json::json!({
            "teaser": format!("<p>{}</p>", "short teaser text ".repeat(60)),
            "detail": {"contentHtml": story(400)},
            "plain": "no markup ".repeat(300),
        });
        let doc = page(&format!("window.__STATE__ = {state};"));
        let copy = find(&doc, Some("Word5 and word7 in the news")).expect("a copy");
        assert!(copy.contains("word399") && copy.contains("Second paragraph."));
    }

    #[test]
    fn no_copy_without_markup_or_words() {
        let state = serde_json::json!({ "plain": "no markup ".repeat(300) });
        let headline = Some("Word5 and word7 in the news");
        assert_eq!(find(&page(&format!("x = {state};")), headline), None);
        // Markup, but too few words: an embed, not an article.
        let embed = serde_json::json!({ "html": format!("<p>hi</p>{}", "<br>".repeat(400)) });
        assert_eq!(find(&page(&format!("x = {embed};")), headline), None);
        // JSON-LD is read as metadata elsewhere, never here.
        let ld = format!(
            r#"<html><head><script type="application/ld+json">{}</script></head></html>"#,
            serde_json::json!({ "articleBody": story(400) })
        );
        assert_eq!(find(&Html::parse_document(&ld), headline), None);
    }

    #[test]
    fn a_string_that_does_not_share_the_headline_is_not_the_copy() {
        // An app shell's consent text: markup and words enough, nothing of the headline.
        let consent = format!(
            "<p>{}</p><p>Manage your choices.</p>",
            "We and our partners store and access information on your device ".repeat(10)
        );
        let state = serde_json::json!({ "consent": consent, "detail": {"body": story(400)} });
        let doc = page(&format!("window.__STATE__ = {state};"));
        assert_eq!(
            find(&doc, Some("Harbor council approves new ferry plan")),
            None
        );
        // The article's own text is taken over a longer unrelated string.
        let state = serde_json::json!({
            "consent": consent.repeat(20),
            "detail": {
                "body": format!("<p>The harbor council approved the ferry plan.</p>{}", story(200))
            },
        });
        let copy = find(
            &page(&format!("window.__STATE__ = {state};")),
            Some("Harbor council approves new ferry plan"),
        )
        .expect("a copy");
        assert!(copy.contains("harbor council approved"));
        // No headline, no copy.
        assert_eq!(find(&doc, None), None);
    }
}
