//! Bytes → UTF-8 text, whatever charset the site used.
//!
//! Order of evidence: a byte-order mark; valid UTF-8 (a page saved as UTF-8 often keeps its old
//! `<meta charset>`); a charset declared in the first 4 KB (`<meta charset>`, `http-equiv`,
//! `<?xml encoding>`); otherwise chardetng's guess. Mojibake already in the text (`â€™`, `Ã©`)
//! is then repaired where it is unambiguous ([`super::mojibake`]). Decoding never fails on bad
//! bytes (they become U+FFFD); a file is only refused when it is empty, binary, or decodes to
//! mostly control characters.

use std::sync::LazyLock;

use encoding_rs::{Encoding, UTF_8};
use regex::bytes::Regex;

/// Decoded text and the name of the encoding that was used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    pub text: String,
    pub encoding: &'static str,
}

/// Why bytes could not be turned into text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DecodeError {
    Empty,
    Binary,
    /// Too many control characters or replacement characters: not text in any charset we know.
    Garbage(String),
}

/// How many leading bytes are checked for NUL (binary) and for a charset declaration.
const SNIFF_BINARY: usize = 1024;
const SNIFF_CHARSET: usize = 4096;

static CHARSET_DECL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?i-u)(?:<meta[^>]{0,200}?charset\s*=\s*["']?\s*|<\?xml[^>]{0,100}?encoding\s*=\s*["'])([a-z0-9_:.\-]{2,40})"#)
        .expect("charset regex")
});

/// Decodes a file's bytes.
pub fn decode(bytes: &[u8]) -> Result<Decoded, DecodeError> {
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(DecodeError::Empty);
    }
    if let Some((enc, bom_len)) = Encoding::for_bom(bytes) {
        let (text, _) = enc.decode_without_bom_handling(&bytes[bom_len..]);
        return finish(text.into_owned(), enc);
    }
    if bytes[..bytes.len().min(SNIFF_BINARY)].contains(&0) {
        return Err(DecodeError::Binary);
    }
    if let Ok(s) = std::str::from_utf8(bytes) {
        return finish(s.to_owned(), UTF_8);
    }
    let enc = declared_charset(bytes)
        .filter(|e| *e != UTF_8)
        .unwrap_or_else(|| guess(bytes));
    let (text, _, _) = enc.decode(bytes);
    finish(text.into_owned(), enc)
}

/// The charset a document declares in its first 4 KB, if encoding_rs knows the label.
/// `iso-8859-1` and `us-ascii` map to windows-1252, as browsers do.
pub fn declared_charset(bytes: &[u8]) -> Option<&'static Encoding> {
    let head = &bytes[..bytes.len().min(SNIFF_CHARSET)];
    let label = CHARSET_DECL.captures(head)?.get(1)?.as_bytes();
    Encoding::for_label(label)
}

/// chardetng's guess, from the lines that hold a non-ASCII byte or an ESC: the others tell it
/// nothing and made up most of its cost. (After an ESC chardetng keeps the text that follows
/// as context for the first non-ASCII byte, so a line holding one is fed as well: the guess
/// is then the same as from the whole text.)
fn guess(bytes: &[u8]) -> &'static Encoding {
    let mut det = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    for line in bytes.split_inclusive(|&b| b == b'\n') {
        if !line.is_ascii() || line.contains(&0x1B) {
            det.feed(line, false);
        }
    }
    det.feed(b"", true);
    det.guess(None, chardetng::Utf8Detection::Allow)
}

/// Characters in `text`, and how many of them are U+FFFD or control characters other than
/// whitespace and NUL, counted on its UTF-8 bytes (decoding each character cost more than the
/// rest of decoding).
fn count_bad(text: &str) -> (usize, usize) {
    let b = text.as_bytes();
    let chars = b.iter().filter(|&&x| x & 0xC0 != 0x80).count();
    // C0 controls and U+007F are single bytes.
    let mut bad = b
        .iter()
        .filter(|&&x| (x < 0x20 && !matches!(x, b'\n' | b'\r' | b'\t' | 0x0C | 0)) || x == 0x7F)
        .count();
    // C1 controls U+0080..=U+009F are C2 80..=9F; U+FFFD is EF BF BD.
    for i in memchr::memchr2_iter(0xC2, 0xEF, b) {
        bad += usize::from(match b[i] {
            0xC2 => matches!(b.get(i + 1), Some(0x80..=0x9F)),
            _ => b.get(i + 1..i + 3) == Some(&[0xBF, 0xBD]),
        });
    }
    (chars, bad)
}

fn finish(text: String, enc: &'static Encoding) -> Result<Decoded, DecodeError> {
    // ASCII text (most newswire) has no mojibake and one byte per character: both checks take
    // the fast path.
    let ascii = text.is_ascii();
    let text = match ascii {
        true => text,
        false => match super::mojibake::repair(&text) {
            std::borrow::Cow::Borrowed(_) => text,
            std::borrow::Cow::Owned(fixed) => fixed,
        },
    };
    let (total, bad) = count_bad(&text);
    if total > 0 && bad * 10 > total {
        return Err(DecodeError::Garbage(format!(
            "{}% of characters are control or invalid bytes as {}",
            bad * 100 / total,
            enc.name()
        )));
    }
    if text.trim().is_empty() {
        return Err(DecodeError::Empty);
    }
    Ok(Decoded {
        text,
        encoding: enc.name(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_escape_on_an_ascii_line_is_seen_by_the_guess() {
        // Found in review: skipping the ESC's line changed chardetng's guess (windows-1252
        // from the whole text, ISO-8859-2 without that line).
        let whole = |bytes: &[u8]| {
            let mut det = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
            det.feed(bytes, true);
            det.guess(None, chardetng::Utf8Detection::Allow)
        };
        let mut page = b"<p>\x1b</p>\n".to_vec();
        for _ in 0..50 {
            page.extend_from_slice(b"plain ascii line\n");
        }
        page.extend_from_slice(b"nn.\xa9 2024 Reuters\n");
        for bytes in [&page[..], b"\x1b\nnn.\xa9"] {
            assert_eq!(guess(bytes), whole(bytes), "{bytes:?}");
        }
    }

    #[test]
    fn bad_characters_counted_on_bytes_as_on_characters() {
        let reference = |t: &str| {
            let bad = |c: char| {
                c == '\u{FFFD}'
                    || (c.is_control() && !matches!(c, '\n' | '\r' | '\t' | '\x0C' | '\0'))
            };
            (t.chars().count(), t.chars().filter(|&c| bad(c)).count())
        };
        for t in [
            "plain\ttext\n",
            "caf\u{e9} \u{a0}\u{a9}\u{ab}",
            "\u{80}\u{9f}\u{a0}\u{7f}\u{1}\0",
            "\u{FFFD}x\u{FFFC}\u{FEFF}\u{F8FF}",
            "\u{c2}\u{ef}\u{bf}",
            "\x0b\x0c\u{FFFD}",
            "日本語\u{1F600}\u{85}",
        ] {
            assert_eq!(count_bad(t), reference(t), "{t:?}");
        }
    }

    #[test]
    fn decode_table() {
        type Case<'a> = (&'a [u8], Result<(&'a str, &'a str), &'a str>);
        let cases: &[Case] = &[
            (b"plain ascii", Ok(("plain ascii", "UTF-8"))),
            ("caf\u{e9} \u{2019}".as_bytes(), Ok(("caf\u{e9} \u{2019}", "UTF-8"))),
            (b"\xEF\xBB\xBFbom text", Ok(("bom text", "UTF-8"))),
            (b"\xFF\xFEh\x00i\x00", Ok(("hi", "UTF-16LE"))),
            // Declared windows-1252 / iso-8859-1: curly quote and accent come out right.
            (
                b"<meta charset=\"iso-8859-1\"><p>It\x92s caf\xe9</p>",
                Ok(("<meta charset=\"iso-8859-1\"><p>It\u{2019}s caf\u{e9}</p>", "windows-1252")),
            ),
            (
                b"<meta http-equiv=\"Content-Type\" content=\"text/html; charset=windows-1252\">\x93q\x94",
                Ok((
                    "<meta http-equiv=\"Content-Type\" content=\"text/html; charset=windows-1252\">\u{201c}q\u{201d}",
                    "windows-1252",
                )),
            ),
            (b"", Err("empty")),
            (b"  \n\t ", Err("empty")),
            (b"ab\x00cd", Err("binary")),
            (b"\x01\x02\x03\x04\x05\x06\x07\x08abc", Err("garbage")),
        ];
        for (input, want) in cases {
            let got = decode(input);
            match (want, got) {
                (Ok((text, enc)), Ok(d)) => {
                    assert_eq!(d.text, *text, "{input:?}");
                    assert_eq!(d.encoding, *enc, "{input:?}");
                }
                (Err("empty"), Err(DecodeError::Empty)) => {}
                (Err("binary"), Err(DecodeError::Binary)) => {}
                (Err("garbage"), Err(DecodeError::Garbage(_))) => {}
                (want, got) => panic!("{input:?}: want {want:?}, got {got:?}"),
            }
        }
    }

    #[test]
    fn mojibake_is_repaired_after_decoding() {
        // UTF-8 text that went through windows-1252 once.
        let d =
            decode("It\u{e2}\u{20ac}\u{2122}s the \u{c3}\u{a9}t\u{c3}\u{a9}".as_bytes()).unwrap();
        assert_eq!(d.text, "It\u{2019}s the \u{e9}t\u{e9}");
        // A windows-1252 file holding mojibake bytes (here applied twice) next to real ones.
        let d =
            decode(b"<meta charset=\"windows-1252\">It\xc3\xa2\xe2\x82\xac\xe2\x84\xa2s caf\xe9")
                .unwrap();
        assert_eq!(d.encoding, "windows-1252");
        assert_eq!(
            d.text,
            "<meta charset=\"windows-1252\">It\u{2019}s caf\u{e9}"
        );
        let d = decode(b"<meta charset=\"windows-1252\">It\xe2\x80\x99s caf\xc3\xa9 \xff").unwrap();
        assert_eq!(d.encoding, "windows-1252");
        assert_eq!(
            d.text,
            "<meta charset=\"windows-1252\">It\u{2019}s caf\u{e9} \u{ff}"
        );
    }

    #[test]
    fn undeclared_latin1_is_guessed() {
        let bytes = b"Le gouvernement fran\xe7ais a annonc\xe9 une r\xe9forme de l'\xe9cole, a d\xe9clar\xe9 le minist\xe8re.";
        let d = decode(bytes).unwrap();
        assert!(d.text.contains("français a annoncé"), "{}", d.text);
    }

    #[test]
    fn nul_after_first_kb_is_not_binary() {
        let mut bytes = vec![b'a'; 2000];
        bytes[1500] = 0;
        assert!(decode(&bytes).is_ok());
    }
}
