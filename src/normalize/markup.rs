//! Leftover markup in text dumps: HTML entities (to a fixpoint, so double-escaped `&amp;lt;b&amp;gt;`
//! comes out as text), tags (also those that only appear after decoding), typographic
//! characters folded to plain ones, whitespace collapsed. The output is a list of clean lines.

use std::borrow::Cow;
use std::sync::LazyLock;

use regex::Regex;

use super::originals::{self, Sub};

/// At most this many decoding rounds; each round shortens the text, so the fixpoint is reached
/// well before on real input and the cost stays linear.
const MAX_ENTITY_ROUNDS: usize = 6;

static SCRIPT_STYLE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?is)<script(?-u:\b)[^>]*>.*?</script\s*>|<style(?-u:\b)[^>]*>.*?</style\s*>|<!--.*?-->",
    )
    .expect("script regex")
});
static BLOCK_TAG: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)</?(?:p|br|div|li|ul|ol|h[1-6]|tr|table|section|article|blockquote|pre|hr|dd|dt|figure|figcaption|header|footer)(?-u:\b)[^<>]*>")
        .expect("block tag regex")
});
static ANY_TAG: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"</?[A-Za-z!?][^<>]*>").expect("tag regex"));
static LEFTOVER_NUMERIC_REF: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"&#(?:[xX][0-9A-Fa-f]+|[0-9]+);").expect("numeric ref regex"));

/// An ampersand escaped any number of times (`&amp;amp;amp;`, `&#38;#38;`).
static AMP_CHAIN: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"&(?:amp;|AMP;|#0*38;|#[xX]0*26;)+").expect("amp chain regex"));

/// Decodes HTML entities until nothing changes. An escaped ampersand chain becomes `&` first,
/// in one pass, so that escaping nested deeper than the rounds still decodes. Numeric
/// references that do not name a usable character (`&#3;`, `&#xFFFFFFFF;`) are removed rather
/// than left in the text.
pub fn decode_entities(s: &str) -> Cow<'_, str> {
    if !s.contains('&') {
        return Cow::Borrowed(s);
    }
    let mut cur: Cow<'_, str> = AMP_CHAIN.replace_all(s, "&");
    for _ in 0..MAX_ENTITY_ROUNDS {
        match html_escape::decode_html_entities(cur.as_ref()) {
            Cow::Borrowed(_) => break,
            Cow::Owned(next) => cur = Cow::Owned(next),
        }
    }
    if cur.contains("&#")
        && let Cow::Owned(cleaned) = LEFTOVER_NUMERIC_REF.replace_all(cur.as_ref(), " ")
    {
        cur = Cow::Owned(cleaned);
    }
    cur
}

/// Removes tags: script, style and comment blocks whole, block-level tags become line breaks,
/// inline tags vanish.
pub fn strip_tags(s: &str) -> Cow<'_, str> {
    if !s.contains('<') {
        return Cow::Borrowed(s);
    }
    let s = SCRIPT_STYLE.replace_all(s, "\n");
    let s = match BLOCK_TAG.replace_all(&s, "\n") {
        Cow::Borrowed(_) => s,
        Cow::Owned(o) => Cow::Owned(o),
    };
    match ANY_TAG.replace_all(&s, "") {
        Cow::Borrowed(_) => s,
        Cow::Owned(o) => Cow::Owned(o),
    }
}

/// Folds one character: curly quotes to straight ones, dashes to `-`, odd spaces to a space;
/// invisible characters vanish (`None`).
#[inline]
pub fn fold_char(c: char) -> Option<char> {
    Some(match c {
        '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}' | '\u{2032}' | '\u{02BC}' => '\'',
        '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{201F}' | '\u{2033}' | '\u{00AB}'
        | '\u{00BB}' => '"',
        '\u{2010}'..='\u{2015}' | '\u{2212}' => '-',
        '\u{00A0}'
        | '\u{2000}'..='\u{200A}'
        | '\u{202F}'
        | '\u{205F}'
        | '\u{3000}'
        | '\t'
        | '\x0B'
        | '\x0C'
        | '\0' => ' ',
        '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}' | '\u{00AD}' => return None,
        '\r' => '\n',
        c if c.is_control() && c != '\n' => ' ',
        c => c,
    })
}

/// Folds typographic characters in a whole string.
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    // Runs of printable ASCII (and newlines) are copied as they are, one at a time.
    while let Some(at) = rest
        .bytes()
        .position(|b| !(b.is_ascii_graphic() || b == b' ' || b == b'\n'))
    {
        out.push_str(&rest[..at]);
        let c = rest[at..].chars().next().unwrap_or(' ');
        rest = &rest[at + c.len_utf8()..];
        if c == '\u{2026}' {
            out.push_str("...");
        } else if let Some(f) = fold_char(c) {
            out.push(f);
        }
    }
    out.push_str(rest);
    out
}

/// [`fold`] one character at a time: the reference the fast path is tested against.
#[cfg(test)]
fn fold_slow(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c == '\u{2026}' {
            out.push_str("...");
        } else if let Some(f) = fold_char(c) {
            out.push(f);
        }
    }
    out
}

/// Splits text into lines, folding characters ([`fold_char`]), collapsing whitespace runs to
/// one space and trimming, in one pass; list bullets at the start of a line are dropped; empty
/// lines are dropped.
pub fn lines(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut space = false;
    // The typographic characters folded in the current line (see `originals`).
    let mut subs: Vec<Sub> = Vec::new();
    let finish = |cur: &mut String, subs: &mut Vec<Sub>, out: &mut Vec<String>| {
        let t = cur.trim_start_matches(['\u{2022}', '\u{00B7}', '\u{25AA}', '\u{25CF}', '*', ' ']);
        if !t.is_empty() {
            let cut = (cur.len() - t.len()) as u32;
            originals::record(
                t,
                subs.iter()
                    .filter(|s| s.at >= cut)
                    .map(|s| Sub {
                        at: s.at - cut,
                        ..*s
                    })
                    .collect(),
            );
            out.push(t.to_string());
        }
        cur.clear();
        subs.clear();
    };
    let bytes = s.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        // Fast path: a run of printable ASCII words joined by single spaces is copied as it
        // is (a space inside it is one the collapsing would keep).
        let start = i;
        while i < bytes.len() && bytes[i].is_ascii_graphic() {
            i += 1;
            while i < bytes.len() && bytes[i].is_ascii_graphic() {
                i += 1;
            }
            if bytes.get(i) == Some(&b' ') && bytes.get(i + 1).is_some_and(u8::is_ascii_graphic) {
                i += 1;
            }
        }
        if i > start {
            if space && !cur.is_empty() {
                cur.push(' ');
            }
            space = false;
            cur.push_str(&s[start..i]);
            continue;
        }
        let c = s[i..].chars().next().unwrap_or(' ');
        i += c.len_utf8();
        let c = if c.is_ascii() && c != '\r' && c != '\t' && !c.is_ascii_control() {
            c
        } else if c == '\u{2026}' {
            if space && !cur.is_empty() {
                cur.push(' ');
            }
            space = false;
            subs.push(Sub {
                at: cur.len() as u32,
                len: 3,
                original: c,
            });
            cur.push_str("...");
            continue;
        } else {
            match fold_char(c) {
                Some(f) => {
                    if f != c && originals::restorable(f) {
                        let at = cur.len() + usize::from(space && !cur.is_empty());
                        subs.push(Sub {
                            at: at as u32,
                            len: 1,
                            original: c,
                        });
                    }
                    f
                }
                None => continue,
            }
        };
        if c == '\n' {
            finish(&mut cur, &mut subs, &mut out);
            space = false;
        } else if c.is_whitespace() {
            space = true;
        } else {
            if space && !cur.is_empty() {
                cur.push(' ');
            }
            space = false;
            cur.push(c);
        }
    }
    finish(&mut cur, &mut subs, &mut out);
    out
}

/// `collapse_ws(&fold(s))` in one pass, copying runs of printable ASCII at once.
pub fn fold_collapse(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut subs: Vec<Sub> = Vec::new();
    let mut space = false;
    let bytes = s.as_bytes();
    let mut i = 0;
    let push = |out: &mut String, space: &mut bool, piece: &str| {
        if *space && !out.is_empty() {
            out.push(' ');
        }
        *space = false;
        out.push_str(piece);
    };
    while i < bytes.len() {
        let start = i;
        while i < bytes.len() && bytes[i].is_ascii_graphic() {
            i += 1;
        }
        if i > start {
            push(&mut out, &mut space, &s[start..i]);
            continue;
        }
        let c = s[i..].chars().next().unwrap_or(' ');
        i += c.len_utf8();
        if c == '\u{2026}' {
            push(&mut out, &mut space, "...");
            subs.push(Sub {
                at: out.len() as u32 - 3,
                len: 3,
                original: c,
            });
            continue;
        }
        match fold_char(c) {
            Some(f) if f.is_whitespace() => space = true,
            Some(f) => {
                push(&mut out, &mut space, f.encode_utf8(&mut [0; 4]));
                if f != c && originals::restorable(f) {
                    subs.push(Sub {
                        at: out.len() as u32 - 1,
                        len: 1,
                        original: c,
                    });
                }
            }
            None => {}
        }
    }
    originals::record(&out, subs);
    out
}

/// Collapses runs of whitespace to one space and trims.
pub fn collapse_ws(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for w in s.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(w);
    }
    out
}

/// The whole text fast path: entities, tags, folding, lines.
pub fn clean_text(s: &str) -> Vec<String> {
    let decoded = decode_entities(s);
    lines(&strip_tags(&decoded))
}

/// Text known to hold no markup (newswire bodies, where `&lt;ACME CORP&gt;` names a company):
/// entities and folding, no tag stripping.
pub fn clean_plain(s: &str) -> Vec<String> {
    lines(&decode_entities(s))
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        #[test]
        fn fold_fast_path_agrees_with_char_by_char(s in "[a-z \n\r\t.\"'“”’–—…\u{a0}\u{200b}é\x01]{0,40}") {
            proptest::prop_assert_eq!(fold(&s), fold_slow(&s));
        }
    }

    #[test]
    fn fold_collapse_is_fold_then_collapse() {
        for text in [
            "",
            "  plain   words\n\tand tabs  ",
            "\u{201C}Quoted\u{201D} \u{2014} dash\u{00A0}nbsp\u{200B}zero\u{2026}end",
            "\r\nline\u{3000}wide \u{00AD}soft \u{0007}bell é ü 中文",
        ] {
            assert_eq!(fold_collapse(text), collapse_ws(&fold(text)), "{text:?}");
        }
    }

    #[test]
    fn entities_table() {
        for (input, want) in [
            ("no entities", "no entities"),
            ("AT&amp;T", "AT&T"),
            (
                "&lt;strong&gt;Before:&lt;/strong&gt;",
                "<strong>Before:</strong>",
            ),
            ("&amp;lt;b&amp;gt;x", "<b>x"),
            ("a &amp;amp;amp; b", "a & b"),
            (
                "fifty &amp;amp;amp;amp;amp;amp;amp;amp;amp;amp;amp;amp;amp;amp;amp;amp;amp;amp;amp;amp;amp;amp;amp;amp;amp;amp;amp;amp;amp;amp;amp;amp;amp;amp;amp;amp;amp;amp;amp;amp;amp;amp;amp;amp;amp;amp;amp;amp;amp;amp;lt;b&amp;#38;#x26;#8217;",
                "fifty <b\u{2019}",
            ),
            ("index.php?d=314&amp;id=1957", "index.php?d=314&id=1957"),
            ("ISIS&#39; occupation", "ISIS' occupation"),
            ("&quot;historic value&quot;", "\"historic value\""),
            ("bad &#xFFFFFFFF; ref", "bad   ref"),
            ("long &#99999999999; &#x0000000110000; ref", "long     ref"),
            ("ctrl &#3;&#5;x", "ctrl   x"),
            ("no semicolon &amp", "no semicolon &amp"),
        ] {
            assert_eq!(decode_entities(input), want, "{input}");
        }
    }

    #[test]
    fn tags_table() {
        for (input, want) in [
            ("<strong>Before:</strong> The ruins", "Before: The ruins"),
            ("a<br>b", "a\nb"),
            ("<p>one</p><p>two</p>", "\none\n\ntwo\n"),
            ("x<script>var a = '<b>';</script>y", "x\ny"),
            (
                "<a href=\"http://x\" target=\"_blank\">World Heritage Site.</a>",
                "World Heritage Site.",
            ),
            ("a < b and c > d", "a < b and c > d"),
            ("<!-- hidden -->shown", "\nshown"),
            ("unclosed <b tag", "unclosed <b tag"),
        ] {
            assert_eq!(strip_tags(input), want, "{input}");
        }
    }

    #[test]
    fn fold_and_lines_table() {
        assert_eq!(
            fold("\u{201C}Hi\u{201D} \u{2014} it\u{2019}s\u{00A0}ok\u{2026}"),
            "\"Hi\" - it's ok..."
        );
        assert_eq!(
            fold("zero\u{200B}width soft\u{00AD}hyphen"),
            "zerowidth softhyphen"
        );
        assert_eq!(
            lines("  a   b \n\n \u{2022} bullet\r\n  c "),
            ["a b", "bullet", "c"]
        );
    }

    #[test]
    fn clean_text_double_escaped() {
        let got = clean_text(
            "&lt;strong&gt;After:&lt;/strong&gt; The Arch &lt;a href=&quot;x&quot;&gt;link&lt;/a&gt;",
        );
        assert_eq!(got, ["After: The Arch link"]);
    }
}
