//! The publisher's copy of the article in the page's own scripts. A page rendered by script
//! (a Next.js or Nuxt site, an app shell) may show no article text in its HTML at all: the
//! story travels as a JSON string inside an inline script, the state the script renders from
//! (`"contentHtml":"\u003cp\u003e…"`). When the extraction found next to nothing and the page
//! has no JSON-LD `articleBody`, the longest such string that holds paragraph markup is the
//! publisher's copy, and [`super::guide`] may put it in place of the extraction by the same
//! tests as an `articleBody` (it must be clearly longer than what was found, and hold what was
//! found only in small part).
//!
//! Each script is scanned once for string literals; only literals of
//! [`MIN_LITERAL_BYTES`] or more are decoded, so the work is linear in the page.

use std::sync::LazyLock;

use scraper::{Html, Selector};

use crate::normalize::markup;

/// A string shorter than this is not an article (a title, a teaser, a caption).
const MIN_LITERAL_BYTES: usize = 1000;
/// The words a copy needs to be taken (as the guide needs for an `articleBody`).
const MIN_WORDS: usize = 50;
/// Scripts are looked into only when the extraction found fewer characters than this.
pub const BELOW_CHARS: usize = 500;

static INLINE_SCRIPT: LazyLock<Selector> =
    LazyLock::new(|| Selector::parse("script:not([src])").expect("inline script selector"));

/// The longest string of the page's inline scripts (JSON-LD aside) that holds paragraph markup
/// (`<p`, `<br`) and at least [`MIN_WORDS`] words of text; none without one.
pub fn find(doc: &Html) -> Option<String> {
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
            let words: usize = markup::clean_text(&s)
                .iter()
                .map(|l| l.split_whitespace().count())
                .sum();
            if words >= MIN_WORDS && best.as_ref().is_none_or(|(w, _)| words > *w) {
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
        let copy = find(&doc).expect("a copy");
        assert!(copy.contains("word399") && copy.contains("Second paragraph."));
    }

    #[test]
    fn no_copy_without_markup_or_words() {
        let state = serde_json::json!({ "plain": "no markup ".repeat(300) });
        assert_eq!(find(&page(&format!("x = {state};"))), None);
        // Markup, but too few words: an embed, not an article.
        let embed = serde_json::json!({ "html": format!("<p>hi</p>{}", "<br>".repeat(400)) });
        assert_eq!(find(&page(&format!("x = {embed};"))), None);
        // JSON-LD is read as metadata elsewhere, never here.
        let ld = format!(
            r#"<html><head><script type="application/ld+json">{}</script></head></html>"#,
            serde_json::json!({ "articleBody": story(400) })
        );
        assert_eq!(find(&Html::parse_document(&ld)), None);
    }
}
