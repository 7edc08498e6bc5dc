//! Whole HTML pages. Provisional: metadata from `<title>` and `<meta>` tags, then the text fast
//! path over the markup. The DOM-based main-text extraction replaces this.

use std::sync::LazyLock;

use regex::Regex;

use super::{Header, markup};

static TITLE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?is)<title[^>]*>(.*?)</title>").expect("title regex"));

/// Extracts header fields from the page's metadata and returns the text lines of the page.
pub fn extract(html: &str, header: &mut Header) -> Vec<String> {
    if let Some(c) = TITLE.captures(html) {
        let t = markup::collapse_ws(&markup::fold(&markup::decode_entities(&c[1])));
        if !t.is_empty() {
            header.title = Some(t);
        }
    }
    let body = TITLE.replace(html, "");
    markup::clean_text(&body)
}
