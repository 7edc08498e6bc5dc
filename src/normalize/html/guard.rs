//! Defuses the two shapes of malformed HTML on which the HTML parser's work grows faster than
//! the input, before the page is parsed:
//!
//! - **Deep nesting.** Each block start tag (`<div>`, `<section>`, `<ul>`, …) makes the parser
//!   look down its stack of open elements for a `<p>` to close, so 10,000 nested `<div>`s cost
//!   50 million steps. Start tags past [`MAX_DEPTH`] open elements are dropped (their text is
//!   kept), as Blink caps its DOM depth.
//! - **Unclosed formatting elements.** Every `<b>`, `<font>`, … left open is re-created at each
//!   new paragraph, so n distinct unclosed ones make n² elements (48 KB of them made two million
//!   nodes). Formatting start tags past [`MAX_FORMATTING`] open at once are dropped; they carry
//!   no text and no structure the extraction uses.
//!
//! The open elements are tracked with a simple model of the tree builder: void elements,
//! self-closing tags and elements the parser closes by itself when a sibling starts (`<p>`,
//! `<li>`, `<td>`, `<a>`, …) do not nest; an end tag closes up to the nearest open element of
//! its name. Comments, declarations and raw-text elements (`<script>`, `<style>`, `<title>`, …)
//! are skipped whole, and quoted attribute values may hold `>`. A page within the limits (every
//! real one) is returned as it is, borrowed. One pass; the work per tag is bounded by
//! [`MAX_DEPTH`], so the cost is linear.

use std::borrow::Cow;

/// Open elements at most; deeper start tags are dropped.
pub const MAX_DEPTH: usize = 512;
/// Open formatting elements at most; further ones are dropped.
pub const MAX_FORMATTING: usize = 8;

const VOID: &[&str] = &[
    "area", "base", "basefont", "bgsound", "br", "col", "embed", "frame", "hr", "image", "img",
    "input", "keygen", "link", "meta", "param", "source", "track", "wbr",
];
/// Elements that end when a sibling of their kind starts, or that never nest: not counted.
const NO_NEST: &[&str] = &[
    "a", "nobr", "button", "form", "p", "li", "dt", "dd", "option", "optgroup", "tr", "td", "th",
    "thead", "tbody", "tfoot", "rb", "rt", "rp", "rtc", "colgroup", "caption", "html", "head",
    "body",
];
const FORMATTING: &[&str] = &[
    "b", "big", "code", "em", "font", "i", "s", "small", "strike", "strong", "tt", "u",
];
/// Elements whose content is text up to their end tag.
const RAW_TEXT: &[&str] = &[
    "script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes", "noscript",
];

fn is_in(name: &str, list: &[&str]) -> bool {
    list.iter().any(|x| x.eq_ignore_ascii_case(name))
}

/// The page with start tags past the limits removed; borrowed when nothing was removed.
pub fn defuse(html: &str) -> Cow<'_, str> {
    let b = html.as_bytes();
    let mut out: Option<String> = None;
    let mut copied = 0usize;
    // Open elements: byte ranges of their names in `html`.
    let mut stack: Vec<(usize, usize)> = Vec::new();
    let mut formatting = 0usize;
    let mut i = 0usize;
    while let Some(off) = memchr::memchr(b'<', &b[i..]) {
        let lt = i + off;
        let rest = &b[lt + 1..];
        if rest.starts_with(b"!--") {
            i = find(b, lt + 4, b"-->").map_or(b.len(), |e| e + 3);
            continue;
        }
        if rest.first().is_some_and(|&c| c == b'!' || c == b'?') {
            i = find(b, lt + 1, b">").map_or(b.len(), |e| e + 1);
            continue;
        }
        let closing = rest.first() == Some(&b'/');
        let name_start = lt + 1 + usize::from(closing);
        if !b.get(name_start).is_some_and(u8::is_ascii_alphabetic) {
            i = lt + 1;
            continue;
        }
        let name_end = b[name_start..]
            .iter()
            .position(|&c| c.is_ascii_whitespace() || c == b'/' || c == b'>')
            .map_or(b.len(), |p| name_start + p);
        let tag_end = end_of_tag(b, name_end);
        i = tag_end;
        let name = &html[name_start..name_end];
        if closing {
            if is_in(name, FORMATTING) {
                formatting = formatting.saturating_sub(1);
            } else if let Some(k) = stack
                .iter()
                .rposition(|&(s, e)| html[s..e].eq_ignore_ascii_case(name))
            {
                stack.truncate(k);
            }
            continue;
        }
        if is_in(name, RAW_TEXT) {
            // Skip the content; the end tag is not counted either way.
            i = find_end_tag(b, tag_end, name).unwrap_or(b.len());
            continue;
        }
        if name.eq_ignore_ascii_case("plaintext") {
            break;
        }
        let self_closing = b[..tag_end].ends_with(b"/>");
        let keep = if is_in(name, FORMATTING) {
            formatting += 1;
            formatting <= MAX_FORMATTING
        } else if self_closing || is_in(name, VOID) || is_in(name, NO_NEST) {
            true
        } else if stack.len() < MAX_DEPTH {
            stack.push((name_start, name_end));
            true
        } else {
            false
        };
        if !keep {
            let o = out.get_or_insert_with(|| String::with_capacity(html.len()));
            o.push_str(&html[copied..lt]);
            copied = tag_end;
        }
    }
    match out {
        None => Cow::Borrowed(html),
        Some(mut o) => {
            o.push_str(&html[copied..]);
            Cow::Owned(o)
        }
    }
}

/// The first occurrence of `needle` at or after `from`.
fn find(b: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    memchr::memmem::find(b.get(from..)?, needle).map(|p| from + p)
}

/// The index just past the `>` that ends a tag whose name ends at `from`; a quoted attribute
/// value may hold `>`. The end of the input when the tag never ends.
fn end_of_tag(b: &[u8], from: usize) -> usize {
    let mut j = from;
    let mut after_eq = false;
    while j < b.len() {
        match b[j] {
            b'>' => return j + 1,
            q @ (b'"' | b'\'') if after_eq => {
                j = memchr::memchr(q, &b[j + 1..]).map_or(b.len(), |p| j + 1 + p + 1);
                after_eq = false;
                continue;
            }
            b'=' => after_eq = true,
            c if c.is_ascii_whitespace() => {}
            _ => after_eq = false,
        }
        j += 1;
    }
    b.len()
}

/// Where `</name` (any case) starts at or after `from`.
fn find_end_tag(b: &[u8], from: usize, name: &str) -> Option<usize> {
    let n = name.as_bytes();
    let mut k = from;
    while let Some(at) = find(b, k, b"</") {
        let after = at + 2 + n.len();
        if b.get(at + 2..after)
            .is_some_and(|s| s.eq_ignore_ascii_case(n))
            && b.get(after)
                .is_none_or(|&c| c.is_ascii_whitespace() || c == b'>' || c == b'/')
        {
            return Some(at);
        }
        k = at + 2;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinary_pages_are_borrowed() {
        let page = r#"<!DOCTYPE html><html><head><title>a <b> title</title>
            <script>var s = "<div><div><div>"; if (a < b && c > d) {}</script>
            <style>p > b { color: red }</style></head>
            <body><!-- <div><div> --><div class="x" data-a="1 > 0"><p>one<p>two <b>bold</b>
            <img src="a.png"><br/><svg><path d="M0 0"/><path/></svg><ul><li>a<li>b</ul>
            <a href="/x">x<a href="/y">y</div></body></html>"#;
        assert!(matches!(defuse(page), Cow::Borrowed(_)));
    }

    #[test]
    fn deep_nesting_is_capped() {
        let page = format!(
            "<body>{}text{}</body>",
            "<div>".repeat(2000),
            "</div>".repeat(2000)
        );
        let out = defuse(&page);
        assert_eq!(out.matches("<div>").count(), MAX_DEPTH);
        assert_eq!(out.matches("</div>").count(), 2000);
        assert!(out.contains("text"));
        // Closed nesting stays within the limit however long the page.
        let page = "<div><section>x</section></div>".repeat(5000);
        assert!(matches!(defuse(&page), Cow::Borrowed(_)));
    }

    #[test]
    fn unclosed_formatting_is_capped() {
        let page: String = (0..100)
            .map(|i| format!("<p>w{i} <b x{i}>y <i>z. "))
            .collect();
        let out = defuse(&page);
        assert_eq!(
            out.matches("<b ").count() + out.matches("<i>").count(),
            MAX_FORMATTING
        );
        assert_eq!(out.matches("<p>").count(), 100);
        assert!(out.contains("w99"));
        // Closed ones never accumulate.
        let page = "<p><b>x</b> <i>y</i></p>".repeat(1000);
        assert!(matches!(defuse(&page), Cow::Borrowed(_)));
    }

    #[test]
    fn script_content_is_never_exposed() {
        let page = format!(
            "{}<script>var a = '<div>';</script><style>div{{}}</style>x",
            "<div>".repeat(MAX_DEPTH + 5)
        );
        let out = defuse(&page);
        assert!(out.contains("<script>var a = '<div>';</script><style>div{}</style>x"));
    }

    #[test]
    fn odd_input_does_not_panic() {
        for s in [
            "<",
            "<a",
            "</",
            "</a",
            "<!--",
            "<!-- x",
            "<!",
            "<?",
            "<a b=\"",
            "<a b='x",
            "<script>",
            "<script>x</scr",
            "<é>",
            "<a\u{e9}b>",
            "<plaintext><div>",
            "<div =\"x>",
        ] {
            let _ = defuse(s);
        }
    }
}
