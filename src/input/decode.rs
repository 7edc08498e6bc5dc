//! Bytes → UTF-8 text, whatever charset the site used.
//!
//! Order of evidence: a byte-order mark; NUL bytes in the first KB, which text in a byte charset
//! never has: UTF-16 without a byte-order mark when they say so (below), else binary; valid
//! UTF-8 (a page saved as UTF-8 often keeps its old `<meta charset>`); a charset declared in the
//! first 4 KB (`<meta charset>`, `http-equiv`, `<?xml encoding>`); otherwise chardetng's guess.
//! A file that is not valid UTF-8 but mostly is (lines pasted together from two sources) is
//! decoded line by line: its UTF-8 lines as UTF-8, the others in the declared or guessed
//! charset. Mojibake already in the text (`â€™`, `Ã©`) is then repaired where it is
//! unambiguous ([`super::mojibake`]). Decoding never fails on bad bytes (they become U+FFFD); a
//! file is only refused when it is empty, binary, or decodes to mostly control characters.
//!
//! UTF-16 without a byte-order mark: ASCII characters (spaces, punctuation, markup, Latin
//! letters) are a NUL byte and a character byte, so the NUL bytes of a UTF-16LE text all sit
//! at odd offsets, those of UTF-16BE at even ones, and there are many of them. When at least
//! one code unit in `UTF16_MIN_NUL_SHARE` (16) has a NUL byte at one parity and almost none has
//! one at the other, the file is decoded as UTF-16 and must then pass the usual check for
//! control characters; failing it, the reason names what the file looked like. Text with few
//! ASCII characters (Chinese, Japanese) has too few NUL bytes to tell from binary data and is
//! still refused as binary, as is anything whose NUL bytes are at both parities.

use std::sync::LazyLock;

use encoding_rs::{Encoding, UTF_8, UTF_16BE, UTF_16LE};
use regex::bytes::Regex;

/// Decoded text and the name of the encoding that was used (for a file decoded line by line,
/// the charset of its lines that are not UTF-8).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    pub text: String,
    pub encoding: &'static str,
}

/// Why bytes could not be turned into text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DecodeError {
    Empty,
    /// NUL bytes in the first KB, and not UTF-16 or UTF-32 text by their places.
    Binary,
    /// Too many control characters or replacement characters: not text in any charset we know.
    /// Also UTF-32 (NUL bytes at three offsets in four), which encoding_rs does not decode.
    /// The reason says which, and what the file looked like.
    Garbage(String),
}

/// How many leading bytes are checked for NUL (binary) and for a charset declaration.
const SNIFF_BINARY: usize = 1024;
const SNIFF_CHARSET: usize = 4096;

/// UTF-16 without a byte-order mark needs a NUL byte in at least one code unit in this many
/// (in the first KB) at one parity; at the other, at most one sixteenth as many.
const UTF16_MIN_NUL_SHARE: usize = 16;

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
    let head = &bytes[..bytes.len().min(SNIFF_BINARY)];
    if memchr::memchr(0, head).is_some() {
        return with_nul_bytes(bytes, head);
    }
    if let Ok(s) = std::str::from_utf8(bytes) {
        return finish(s.to_owned(), UTF_8);
    }
    let mixed = mostly_utf8(bytes);
    let enc = declared_charset(bytes)
        .filter(|e| *e != UTF_8)
        .unwrap_or_else(|| guess(bytes, mixed));
    if mixed {
        return finish(decode_by_line(bytes, enc), enc);
    }
    let (text, _, _) = enc.decode(bytes);
    finish(text.into_owned(), enc)
}

/// What a file with NUL bytes in its first KB (`head`) is: UTF-16 without a byte-order mark,
/// binary, or something the reason names.
fn with_nul_bytes(bytes: &[u8], head: &[u8]) -> Result<Decoded, DecodeError> {
    // NUL bytes by offset modulo 4.
    let mut at = [0usize; 4];
    for i in memchr::memchr_iter(0, head) {
        at[i % 4] += 1;
    }
    // UTF-32: every character below U+10000 has its two high bytes NUL, an ASCII one three.
    let units = head.len() / 4;
    let most = |n: usize| units >= 2 && n * 10 >= units * 9;
    for (name, high, low) in [("UTF-32LE", [2, 3], 0), ("UTF-32BE", [0, 1], 3)] {
        if most(at[high[0]]) && most(at[high[1]]) && at[low] * 16 <= at[high[0]] {
            return Err(DecodeError::Garbage(format!(
                "looks like {name} text (two or three NUL bytes in every four), a charset \
                 newsdedup does not read: convert it to UTF-8 first"
            )));
        }
    }
    let (even, odd) = (at[0] + at[2], at[1] + at[3]);
    let (enc, many, few, parity) = if odd >= even {
        (UTF_16LE, odd, even, "odd")
    } else {
        (UTF_16BE, even, odd, "even")
    };
    let pairs = head.len() / 2;
    if many < 2 || many * UTF16_MIN_NUL_SHARE < pairs || few * 16 > many {
        return Err(DecodeError::Binary);
    }
    let (text, _) = enc.decode_without_bom_handling(bytes);
    finish(text.into_owned(), enc).map_err(|e| match e {
        DecodeError::Garbage(why) => DecodeError::Garbage(format!(
            "looks like {} without a byte-order mark (its NUL bytes at {parity} offsets), \
             but {why}",
            enc.name()
        )),
        e => e,
    })
}

/// Splits after each `\n` (the last line may have none).
fn lines(bytes: &[u8]) -> impl Iterator<Item = &[u8]> {
    bytes.split_inclusive(|&b| b == b'\n')
}

/// Whether most of a file that is not valid UTF-8 is: more of its bytes above 0x7F are in lines
/// that are valid UTF-8 than in lines that are not. (A line of a legacy charset is valid UTF-8
/// only by rare chance, such as windows-1252 `Ã©` alone on its line: in a mostly legacy file
/// that line is decoded with the rest, as it always was.)
///
/// UTF-8 validation from line to invalid line; the bytes above 0x7F are counted only when some
/// valid line holds one, so a legacy file costs one validation pass that stops at each of its
/// non-ASCII lines, and a search for each one's end.
fn mostly_utf8(bytes: &[u8]) -> bool {
    let (mut utf8, mut pos) = (0, 0);
    // A UTF-8 sequence never holds a newline, so the first invalid byte after a line start is
    // in the first invalid line from there; the lines before it are valid.
    loop {
        let (valid, next) = match std::str::from_utf8(&bytes[pos..]) {
            Ok(_) => (&bytes[pos..], bytes.len()),
            Err(e) => {
                let bad = pos + e.valid_up_to();
                let start = memchr::memrchr(b'\n', &bytes[pos..bad]).map_or(pos, |i| pos + i + 1);
                let end = memchr::memchr(b'\n', &bytes[bad..]).map_or(bytes.len(), |i| bad + i + 1);
                (&bytes[pos..start], end)
            }
        };
        if !valid.is_ascii() {
            utf8 += count_high(valid);
        }
        if next == bytes.len() {
            break;
        }
        pos = next;
    }
    utf8 > 0 && utf8 * 2 > count_high(bytes)
}

/// Bytes above 0x7F.
fn count_high(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| b >= 0x80).count()
}

/// Decodes each line that is valid UTF-8 as UTF-8 and the others as `enc`. Each line is decoded
/// on its own: a newline ends any multi-byte sequence in every charset chardetng guesses.
fn decode_by_line(bytes: &[u8], enc: &'static Encoding) -> String {
    let mut out = String::with_capacity(bytes.len() + bytes.len() / 2);
    for line in lines(bytes) {
        match std::str::from_utf8(line) {
            Ok(s) => out.push_str(s),
            Err(_) => out.push_str(&enc.decode_without_bom_handling(line).0),
        }
    }
    out
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
/// is then the same as from the whole text.) With `mixed` (the file is decoded line by line),
/// the valid UTF-8 lines are left out: the guess is for the others.
fn guess(bytes: &[u8], mixed: bool) -> &'static Encoding {
    let mut det = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    for line in lines(bytes) {
        let feed = match line.is_ascii() {
            true => line.contains(&0x1B),
            false => !mixed || std::str::from_utf8(line).is_err(),
        };
        if feed {
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
            assert_eq!(guess(bytes, false), whole(bytes), "{bytes:?}");
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

    /// Encodes `text` as UTF-16 without a byte-order mark.
    fn utf16(text: &str, le: bool) -> Vec<u8> {
        text.encode_utf16()
            .flat_map(|u| if le { u.to_le_bytes() } else { u.to_be_bytes() })
            .collect()
    }

    const RUSSIAN: &str = "Городской совет утвердил бюджет на следующий год, сообщил мэр.\n\
        Депутаты обсуждали документ три часа; против проголосовали двое.\n";

    #[test]
    fn utf16_without_a_bom_is_decoded() {
        for text in [
            "<html><body><p>The council approved the budget on Monday.</p></body></html>\n",
            RUSSIAN,
            "Le conseil a adopt\u{e9} le budget \u{2014} \u{ab} enfin \u{bb}.\n",
        ] {
            for (le, name) in [(true, "UTF-16LE"), (false, "UTF-16BE")] {
                let d = decode(&utf16(text, le)).unwrap_or_else(|e| panic!("{name}: {e:?}"));
                assert_eq!((d.text.as_str(), d.encoding), (text, name));
            }
        }
        // Only blanks: empty, as in any other charset.
        assert_eq!(decode(&utf16(" \n \n", true)), Err(DecodeError::Empty));
    }

    #[test]
    fn nul_bytes_that_are_not_utf16_text_get_an_honest_reason() {
        // Binary: NUL bytes at both parities (an ELF header), or too few to say anything.
        let elf = b"\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x03\x00>\x00";
        assert_eq!(decode(elf), Err(DecodeError::Binary));
        assert_eq!(decode(b"ab\x00cd"), Err(DecodeError::Binary));
        // Bytes with a few NULs, all at odd offsets by chance: not enough to call it UTF-16.
        let mut x = 0x2545_f491_u32;
        let mut noise: Vec<u8> = (0..1024)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 17;
                x ^= x << 5;
                (x >> 24) as u8 | 1
            })
            .collect();
        for i in [101, 333, 517, 901] {
            noise[i] = 0;
        }
        assert_eq!(decode(&noise), Err(DecodeError::Binary));
        // NUL bytes at every other offset, but no text: named for what it looks like.
        let controls: Vec<u8> = (0..400u16)
            .flat_map(|i| (i % 8 + 1).to_le_bytes())
            .collect();
        match decode(&controls) {
            Err(DecodeError::Garbage(why)) => {
                assert!(
                    why.starts_with("looks like UTF-16LE without a byte-order mark"),
                    "{why}"
                )
            }
            other => panic!("{other:?}"),
        }
        // UTF-32: three NUL bytes in four.
        let utf32: Vec<u8> = "Plain text in UTF-32.\n"
            .chars()
            .flat_map(|c| u32::from(c).to_be_bytes())
            .collect();
        match decode(&utf32) {
            Err(DecodeError::Garbage(why)) => {
                assert!(why.starts_with("looks like UTF-32BE"), "{why}")
            }
            other => panic!("{other:?}"),
        }
    }

    /// Russian lines in UTF-8 with windows-1251 lines among them (a page pasted together from
    /// two sources): each line comes out right.
    #[test]
    fn utf8_lines_and_windows_1251_lines_in_one_file() {
        let cp1251 = |s: &str| encoding_rs::WINDOWS_1251.encode(s).0.into_owned();
        let utf8_lines = [
            "Городской совет утвердил бюджет на следующий год, сообщил мэр города.\n",
            "Депутаты обсуждали документ три часа; против проголосовали двое.\n",
            "Новый бюджет предусматривает ремонт школ и больниц в центре.\n",
        ];
        let legacy_line = "Жители узнают подробности на встрече в пятницу.\n";
        for head in [
            "",
            "<meta charset=\"windows-1251\">\n",
            "<meta charset=\"utf-8\">\n",
        ] {
            let mut bytes = head.as_bytes().to_vec();
            let mut want = head.to_string();
            for (i, line) in utf8_lines.iter().enumerate() {
                bytes.extend_from_slice(line.as_bytes());
                want.push_str(line);
                if i == 1 {
                    bytes.extend_from_slice(&cp1251(legacy_line));
                    want.push_str(legacy_line);
                }
            }
            assert!(std::str::from_utf8(&bytes).is_err());
            let d = decode(&bytes).unwrap();
            assert_eq!(d.text, want, "{head:?}");
            assert_eq!(d.encoding, "windows-1251", "{head:?}");
        }
    }

    /// A legacy file is decoded whole, as before, even when a line of it happens to be valid
    /// UTF-8; so is a mostly legacy file holding a UTF-8 line.
    #[test]
    fn mostly_legacy_files_are_decoded_whole() {
        let cp1251 = |s: &str| encoding_rs::WINDOWS_1251.encode(s).0.into_owned();
        let d = decode(&cp1251(RUSSIAN)).unwrap();
        assert_eq!((d.text.as_str(), d.encoding), (RUSSIAN, "windows-1251"));
        // windows-1252 `Ã©` is valid UTF-8 (é): on its own line, a minority, it stays whole-file
        // windows-1252 (and the mojibake repair makes it é, as before).
        let mut bytes = b"Le gouvernement fran\xe7ais a annonc\xe9 une r\xe9forme.\n".to_vec();
        bytes.extend_from_slice("caf\u{e9}\n".as_bytes());
        let d = decode(&bytes).unwrap();
        assert_eq!(d.encoding, "windows-1252");
        assert_eq!(
            d.text,
            "Le gouvernement fran\u{e7}ais a annonc\u{e9} une r\u{e9}forme.\ncaf\u{e9}\n"
        );
    }
}
