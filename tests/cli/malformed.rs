//! Malformed input straight into `normalize`, on the text path and the HTML path: a 20 MB
//! single line with stray `<` and `&`, unclosed tags, 10,000 nested tags, NUL bytes, a lone
//! `&#xFFFFFFFF;`, `&amp;` nested 50 deep. None may panic, and each runs in time linear in its
//! size: every shape is run at size n and 2n and the times are printed (`--nocapture` shows
//! them; no timing is asserted, machines differ).

use std::time::{Duration, Instant};

use newsdedup::input;
use newsdedup::normalize::{self, Article, Format};

/// Filler words; `i` varies the text so that no line repeats.
fn words(i: usize) -> String {
    const W: &[&str] = &[
        "harbour", "council", "storm", "ferry", "minister", "river", "bridge", "market",
    ];
    format!("{} {} {i}", W[i % W.len()], W[(i / 8) % W.len()])
}

/// Repeats `unit(i)` until the text reaches `bytes`.
fn build(bytes: usize, unit: impl Fn(usize) -> String) -> String {
    let mut s = String::with_capacity(bytes + 64);
    let mut i = 0;
    while s.len() < bytes {
        s.push_str(&unit(i));
        i += 1;
    }
    s
}

fn html(body: &str) -> String {
    format!(
        "<!DOCTYPE html><html><head><title>Malformed page</title></head><body>{body}</body></html>"
    )
}

fn timed(name: &str, text: &str) -> (Article, Duration) {
    let t = Instant::now();
    let a = normalize::normalize(name, text);
    (a, t.elapsed())
}

/// The fastest of three runs (the machine is shared; the minimum is the least noisy).
fn best_of_3(name: &str, text: &str) -> (Article, Duration) {
    let (a, t1) = timed(name, text);
    let t2 = timed(name, text).1;
    let t3 = timed(name, text).1;
    (a, t1.min(t2).min(t3))
}

/// Normalizes the shape at `n` and `2n` (bytes, or levels), prints both times, checks the
/// result of the larger one with `check`.
fn linear(
    name: &str,
    format: Format,
    n: usize,
    make: impl Fn(usize) -> String,
    check: impl Fn(&Article),
) {
    let small = make(n);
    let big = make(2 * n);
    let (_, t1) = best_of_3(name, &small);
    let (a, t2) = best_of_3(name, &big);
    assert_eq!(a.format, format, "{name}");
    eprintln!(
        "{name}: {} KB {t1:.1?}, {} KB {t2:.1?}, ratio {:.2}",
        small.len() >> 10,
        big.len() >> 10,
        t2.as_secs_f64() / t1.as_secs_f64().max(1e-9)
    );
    assert!(!a.body.contains('\0'), "{name}: NUL in the body");
    check(&a);
}

fn has(a: &Article, s: &str) {
    assert!(
        a.body.contains(s),
        "{}: body lacks {s:?}: {:.300}",
        a.path,
        a.body
    );
}

fn lacks(a: &Article, s: &str) {
    assert!(
        !a.body.contains(s),
        "{}: body has {s:?}: {:.300}",
        a.path,
        a.body
    );
}

#[test]
fn a_20_mb_single_line_with_stray_markup() {
    // 20 MB on each path (the HTML path parses the first 8 MB), then 5 vs 10 MB for the ratio.
    let unit = |i: usize| format!("{} a < b & c > d &x {} ", words(i), words(i + 1));
    let text = build(20 << 20, unit);
    let (a, t) = timed("text-20mb", &text);
    eprintln!("text-20mb: {t:.1?}");
    assert_eq!(a.format, Format::Text);
    has(&a, "a < b & c > d &x");
    let page = html(&text);
    let (a, t) = timed("html-20mb", &page);
    eprintln!("html-20mb: {t:.1?}");
    assert_eq!(a.format, Format::Html);
    has(&a, "a < b & c > d &x");
    linear(
        "text-line",
        Format::Text,
        4 << 20,
        |n| build(n, unit),
        |a| has(a, "a < b & c > d &x"),
    );
    linear(
        "html-line",
        Format::Html,
        2 << 20,
        |n| html(&build(n, unit)),
        |a| has(a, "a < b & c > d &x"),
    );
}

#[test]
fn unclosed_tags() {
    // Tags never closed, an attribute quote never closed, a `<` that never meets a `>`.
    let unit = |i: usize| format!("<p>{} <b {} <i>{}. ", words(i), words(i + 1), words(i + 2));
    let tail = "<a href=\"never closed ";
    linear(
        "text-unclosed",
        Format::Text,
        1 << 20,
        |n| build(n, unit) + tail + &build(n / 4, words),
        |a| {
            has(a, "harbour");
            lacks(a, "<p>");
            lacks(a, "<i>");
        },
    );
    linear(
        "html-unclosed",
        Format::Html,
        1 << 20,
        |n| html(&(build(n, unit) + tail + &build(n / 4, words))),
        |a| {
            has(a, "harbour");
            lacks(a, "<p>");
        },
    );
}

#[test]
fn ten_thousand_nested_tags() {
    let article =
        "The council said the bridge over the river would reopen on Monday after repairs.";
    for tag in ["div", "b", "span", "table"] {
        let nested = |depth: usize| {
            format!(
                "{}{article}{}",
                format!("<{tag}>").repeat(depth),
                format!("</{tag}>").repeat(depth)
            )
        };
        // Exactly 10,000 levels; then n = 50,000 and 2n = 100,000 levels for the ratio.
        let (a, _) = timed(tag, &html(&nested(10_000)));
        has(&a, article);
        let (a, _) = timed(tag, &nested(10_000));
        has(&a, article);
        linear(
            &format!("text-nested-{tag}"),
            Format::Text,
            50_000,
            nested,
            |a| has(a, article),
        );
        linear(
            &format!("html-nested-{tag}"),
            Format::Html,
            50_000,
            |d| html(&nested(d)),
            |a| has(a, article),
        );
        // Opened and never closed.
        let unclosed = |depth: usize| format!("{}{article}", format!("<{tag}>").repeat(depth));
        linear(
            &format!("html-unclosed-{tag}"),
            Format::Html,
            50_000,
            |d| html(&unclosed(d)),
            |a| has(a, article),
        );
    }
}

#[test]
fn nul_bytes() {
    let unit = |i: usize| format!("{}\0 \0\0{}. ", words(i), words(i + 1));
    linear(
        "text-nul",
        Format::Text,
        1 << 20,
        |n| build(n, unit),
        |a| has(a, "harbour"),
    );
    linear(
        "html-nul",
        Format::Html,
        1 << 20,
        |n| html(&format!("<p>{}</p>", build(n, unit))),
        |a| has(a, "harbour"),
    );
    // NUL bytes after the first KB do not make a file binary; the decoded text keeps them
    // for normalize to fold.
    let mut bytes = build(4096, words).into_bytes();
    bytes.extend_from_slice(b"\0\0 tail\0words");
    let d = input::decode(&bytes).expect("decodes");
    let a = normalize::normalize("decoded-nul", &d.text);
    has(&a, "tail words");
}

#[test]
fn a_lone_out_of_range_numeric_reference() {
    for (name, text) in [
        (
            "text-ref",
            "Before &#xFFFFFFFF; after the reference.".to_string(),
        ),
        ("text-ref-only", "&#xFFFFFFFF;".to_string()),
        (
            "html-ref",
            html("<p>Before &#xFFFFFFFF; after the reference.</p>"),
        ),
        (
            "html-ref-double",
            html("<p>Before &amp;#xFFFFFFFF; after &amp;#99999999999; it.</p>"),
        ),
    ] {
        let (a, _) = timed(name, &text);
        lacks(&a, "&#");
        if name.starts_with("text") {
            // The text path drops the reference; the HTML parser turns it into U+FFFD, as the
            // HTML standard says.
            lacks(&a, "\u{FFFD}");
        }
        if name != "text-ref-only" {
            has(&a, "Before");
            has(&a, "after");
        }
    }
    let unit = |i: usize| format!("{} &#xFFFFFFFF; &#0; &#x110000; ", words(i));
    linear(
        "text-refs",
        Format::Text,
        1 << 20,
        |n| build(n, unit),
        |a| lacks(a, "&#"),
    );
    linear(
        "html-refs",
        Format::Html,
        1 << 20,
        |n| html(&format!("<p>{}</p>", build(n, unit))),
        |a| lacks(a, "&#"),
    );
}

#[test]
fn amp_nested_fifty_deep() {
    let deep = format!("&{}lt;b&{}gt;", "amp;".repeat(50), "amp;".repeat(50));
    let unit = |i: usize| format!("{} {deep} {}. ", words(i), words(i + 1));
    // Decoded all the way: `<b>` appears, and goes as a tag.
    let check = |a: &Article| {
        has(a, "harbour");
        lacks(a, "&amp");
        lacks(a, "lt;");
        lacks(a, "<b>");
    };
    linear(
        "text-amp50",
        Format::Text,
        1 << 20,
        |n| build(n, unit),
        check,
    );
    linear(
        "html-amp50",
        Format::Html,
        1 << 20,
        |n| html(&format!("<p>{}</p>", build(n, unit))),
        check,
    );
}
