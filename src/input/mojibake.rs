//! Mojibake repair: text that was UTF-8, was decoded as windows-1252 (or ISO-8859-1) and was
//! saved again as UTF-8, so `’` reads `â€™` and `é` reads `Ã©`.
//!
//! Each mojibake character is a UTF-8 lead byte's character (`Â`…`ß` for two bytes, `à`…`ï`
//! for three, `ð` for four) followed by the characters of its continuation bytes (0x80–0xBF:
//! `€`, `™`, `©`, `¼`, a C1 control, …). The text is scanned for such sequences; each one is
//! re-encoded to bytes and decoded as UTF-8, and replaced only when that gives one character of
//! a script or symbol block real text uses (so `Straße«`, which would decode to an NKo letter,
//! stays) and the evidence is strong:
//!
//! - `Â` + a symbol, `â` + two (`â€™`, `â„¢`), `ð` + three (emoji), `ï»¿` and `ï¿½`: strong.
//! - `Ã` + a continuation: strong, except after a word-final `Ã` (Portuguese capitals) when the
//!   continuation is punctuation (`AMANHÔ` is legitimate): then only when a letter follows.
//! - any other lead (`Å‚`, `Ð¿`, `æ—¥`): strong inside a word (letters on both sides) or next to
//!   another repaired sequence (`Ð¿Ñ€Ð¸Ð²ÐµÑ‚`, `æ—¥æœ¬`); weak otherwise.
//!
//! Weak repairs are made only in a text that has at least one strong repair: one mojibake
//! document repairs all its sequences, while legitimate text in any language, which never
//! forms a strong sequence, is never touched. `â€` followed by U+FFFD (the `”` whose last byte
//! 0x9D windows-1252 does not define) is repaired to `”`; other lost bytes are left alone.
//! Mojibake applied twice (`Ã¢â‚¬â„¢`) is undone by repeating the pass, at most [`MAX_PASSES`]
//! times, until nothing changes. Each pass is one scan of the text, so the cost is linear.
//!
//! Not repaired: mojibake through other legacy charsets (windows-1251/1250, Mac Roman), an
//! NBSP that became a plain space (`Ã  Paris`), lost bytes other than `”`'s, and mojibake that
//! is only visible after entity decoding (`&Atilde;&copy;`).
//!
//! No crate is used: plsfix (a Rust port of Python's ftfy) has few users, pulls in the
//! unmaintained `encoding` crate, ICU and a backtracking regex engine, and its `fix_text` does
//! far more than mojibake; ftfy's own whole-text re-encoding is what this module does locally.

use std::borrow::Cow;

/// Passes over the text at most; three layers of mojibake are undone.
pub const MAX_PASSES: usize = 4;

/// Repairs mojibake in `text`; borrows when nothing changed.
pub fn repair(text: &str) -> Cow<'_, str> {
    let mut cur = Cow::Borrowed(text);
    for _ in 0..MAX_PASSES {
        match pass(&cur) {
            Some(next) => cur = Cow::Owned(next),
            None => break,
        }
    }
    cur
}

/// How sure a candidate sequence is to be mojibake.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Evidence {
    Strong,
    /// Strong when next to another candidate, weak otherwise.
    Cluster,
    Weak,
}

#[derive(Debug, Clone, Copy)]
struct Candidate {
    /// Byte range in the text.
    start: usize,
    end: usize,
    fixed: char,
    evidence: Evidence,
}

/// One scan: the repaired text, or `None` when there is nothing (strong) to repair.
fn pass(text: &str) -> Option<String> {
    if text.is_ascii() {
        return None;
    }
    let b = text.as_bytes();
    let mut cands: Vec<Candidate> = Vec::new();
    let mut i = 0;
    // Every lead character (U+00C2..=U+00F4) is encoded as 0xC3 0x82..=0xB4.
    while let Some(off) = memchr::memchr(0xC3, &b[i..]) {
        let at = i + off;
        i = at + 1;
        let Some(&second) = b.get(at + 1) else { break };
        let lead = second.wrapping_add(0x40);
        if !(0xC2..=0xF4).contains(&lead) {
            continue;
        }
        if let Some(c) = candidate(text, at, lead) {
            i = c.end;
            cands.push(c);
        }
    }
    // A cluster candidate touching another candidate is strong.
    for k in 0..cands.len() {
        if cands[k].evidence == Evidence::Cluster {
            let touches = (k > 0 && cands[k - 1].end == cands[k].start)
                || cands.get(k + 1).is_some_and(|n| n.start == cands[k].end);
            cands[k].evidence = if touches {
                Evidence::Strong
            } else {
                Evidence::Weak
            };
        }
    }
    if !cands.iter().any(|c| c.evidence == Evidence::Strong) {
        return None;
    }
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for c in &cands {
        out.push_str(&text[last..c.start]);
        out.push(c.fixed);
        last = c.end;
    }
    out.push_str(&text[last..]);
    Some(out)
}

/// The candidate starting with the lead character at byte `at` (which stands for byte `lead`).
fn candidate(text: &str, at: usize, lead: u8) -> Option<Candidate> {
    let len = match lead {
        0xC2..=0xDF => 2,
        0xE0..=0xEF => 3,
        _ => 4,
    };
    let mut bytes = [lead, 0, 0, 0];
    let mut chars = text[at + 2..].char_indices();
    let mut end = at + 2;
    let mut conts = ['\0'; 3];
    for k in 1..len {
        let (off, c) = chars.next()?;
        if k == 2 && lead == 0xE2 && bytes[1] == 0x80 && c == '\u{FFFD}' {
            // `â€�`: a `”` whose 0x9D byte windows-1252 turned into U+FFFD.
            return Some(Candidate {
                start: at,
                end: at + 2 + off + c.len_utf8(),
                fixed: '\u{201D}',
                evidence: Evidence::Strong,
            });
        }
        let byte = byte_of(c).filter(|x| (0x80..=0xBF).contains(x))?;
        bytes[k] = byte;
        conts[k - 1] = c;
        end = at + 2 + off + c.len_utf8();
    }
    let fixed = std::str::from_utf8(&bytes[..len]).ok()?.chars().next()?;
    if !plausible(fixed) {
        return None;
    }
    let prev = text[..at].chars().next_back();
    let next = text[end..].chars().next();
    let in_word = prev.is_some_and(char::is_alphabetic) && next.is_some_and(char::is_alphabetic);
    let evidence = match lead {
        0xC2 | 0xE2 | 0xF0 => Evidence::Strong,
        0xEF if matches!(fixed, '\u{FEFF}' | '\u{FFFD}') => Evidence::Strong,
        0xC3 if !is_guarded(conts[0]) || next.is_some_and(char::is_alphanumeric) => {
            Evidence::Strong
        }
        0xC3 => Evidence::Cluster,
        _ if in_word => Evidence::Strong,
        _ => Evidence::Cluster,
    };
    Some(Candidate {
        start: at,
        end,
        fixed,
        evidence,
    })
}

/// Punctuation that may legitimately follow a word-final `Ã` (`“AMANHÔ`, `IRMÃ…`).
fn is_guarded(c: char) -> bool {
    matches!(
        c,
        '\u{201A}'
            | '\u{201E}'
            | '\u{2026}'
            | '\u{2039}'
            | '\u{203A}'
            | '\u{2018}'
            | '\u{2019}'
            | '\u{201C}'
            | '\u{201D}'
            | '\u{2022}'
            | '\u{2013}'
            | '\u{2014}'
            | '\u{00AB}'
            | '\u{00BB}'
            | '\u{00A0}'
            | '\u{00A1}'
            | '\u{00BF}'
            | '\u{00B7}'
    )
}

/// The byte a non-ASCII character stands for in windows-1252; U+0080..=U+009F stand for
/// themselves, as ISO-8859-1 (and the WHATWG decoder, for the five bytes 1252 leaves undefined)
/// decode them.
fn byte_of(c: char) -> Option<u8> {
    let b = match c {
        '\u{80}'..='\u{FF}' => c as u32 as u8,
        '\u{20AC}' => 0x80,
        '\u{201A}' => 0x82,
        '\u{0192}' => 0x83,
        '\u{201E}' => 0x84,
        '\u{2026}' => 0x85,
        '\u{2020}' => 0x86,
        '\u{2021}' => 0x87,
        '\u{02C6}' => 0x88,
        '\u{2030}' => 0x89,
        '\u{0160}' => 0x8A,
        '\u{2039}' => 0x8B,
        '\u{0152}' => 0x8C,
        '\u{017D}' => 0x8E,
        '\u{2018}' => 0x91,
        '\u{2019}' => 0x92,
        '\u{201C}' => 0x93,
        '\u{201D}' => 0x94,
        '\u{2022}' => 0x95,
        '\u{2013}' => 0x96,
        '\u{2014}' => 0x97,
        '\u{02DC}' => 0x98,
        '\u{2122}' => 0x99,
        '\u{0161}' => 0x9A,
        '\u{203A}' => 0x9B,
        '\u{0153}' => 0x9C,
        '\u{017E}' => 0x9E,
        '\u{0178}' => 0x9F,
        _ => return None,
    };
    Some(b)
}

/// Characters real text is written in: a repair that would give anything else (a control, a
/// combining mark, IPA, a rare script, private use) is not a repair.
fn plausible(c: char) -> bool {
    matches!(c as u32,
        0xA0..=0x24F          // Latin-1 supplement, Latin Extended-A and -B
        | 0x2C6..=0x2DD       // spacing modifiers (ˆ ˇ ˘ ˙ ˚ ˛ ˜ ˝)
        | 0x386..=0x3CE       // Greek
        | 0x400..=0x4FF       // Cyrillic
        | 0x5D0..=0x5EA       // Hebrew letters
        | 0x60C..=0x6FF       // Arabic
        | 0x900..=0xDFF       // Indic scripts
        | 0xE01..=0xE5B       // Thai
        | 0x10A0..=0x10FF     // Georgian
        | 0x1E00..=0x1FFF     // Latin Extended Additional (Vietnamese), Greek Extended
        | 0x2000..=0x2BFF     // punctuation, currency, letterlike, arrows, math, symbols
        | 0x3000..=0x30FF     // CJK punctuation, kana
        | 0x3400..=0x4DBF     // CJK extension A
        | 0x4E00..=0x9FFF     // CJK
        | 0xAC00..=0xD7A3     // Hangul
        | 0xFEFF | 0xFFFD
        | 0xFF01..=0xFFEF     // full- and half-width forms
        | 0x1F000..=0x1FAFF // emoji
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fix(s: &str) -> String {
        repair(s).into_owned()
    }

    #[test]
    fn repairs_table() {
        for (input, want) in [
            ("It\u{e2}\u{20ac}\u{2122}s", "It\u{2019}s"),
            ("donâ€™t", "don’t"),
            ("â€œquoteâ€\u{FFFD}", "“quote”"),
            ("â€œquoteâ€\u{9D}", "“quote”"),
            ("a â€” b â€“ c", "a — b – c"),
            ("wait â€¦", "wait …"),
            ("Ã©tÃ©", "été"),
            ("Ã¼ber", "über"),
            ("caf\u{c3}\u{a9}", "café"),
            ("StraÃŸe", "Straße"),
            ("Ã‰cole", "École"),
            ("seÃ±or aÃ±o", "señor año"),
            ("Â£5 and 20Â°C", "£5 and 20°C"),
            ("noÂ\u{a0}break", "no\u{a0}break"),
            ("Brandâ„¢ costs â‚¬5", "Brand™ costs €5"),
            ("ï»¿start", "\u{feff}start"),
            ("wÅ‚adza", "władza"),
            ("ÐŸÑ€Ð¸Ð²ÐµÑ‚", "Привет"),
            ("ä¸\u{ad}æ–‡", "中文"),
            ("ðŸ˜€ smile", "😀 smile"),
            ("Viá»‡t Nam", "Việt Nam"),
            // Double mojibake.
            ("donÃ¢â‚¬â„¢t", "don’t"),
            ("ÃƒÂ©tÃƒÂ©", "été"),
            // Weak sequences go too once the text has strong ones.
            ("Ð² Ð¿Ð°Ñ€ÐºÐµ", "в парке"),
            ("byÅ‚ tam, donâ€™t", "był tam, don’t"),
            ("â€œAMANHÃ”", "“AMANHÔ"),
        ] {
            assert_eq!(fix(input), want, "{input:?}");
        }
    }

    #[test]
    fn mixed_clean_and_broken() {
        assert_eq!(
            fix("Le café est ouvert. Mais lâ€™Ã©tÃ© â€” déjà fini."),
            "Le café est ouvert. Mais l’été — déjà fini."
        );
    }

    #[test]
    fn legitimate_text_is_unchanged() {
        for s in [
            "Le gouvernement français a annoncé une réforme de l’école, à Paris.",
            "« Déjà vu » — c’était l’été, où ça ?",
            "Über die Straße«, sagte er: »Größe, Fuß, Ärger, Öl, Übel« – ÄÖÜ äöü ß.",
            "»Straße« und „Maß“",
            "El niño español comió piña en Ávila. ¿Qué? ¡Sí! Año, señor, ESPAÑA.",
            "São Paulo, IRMÃ, MANHÔ, “AMANHÔ, cidadã… maçã’s, AMANHÃ»",
            "Ålesund, PÅ”, Øresund, Ærø, Ðoković, Þór, ×2, 3×½, £5, 20°C, ©2017, ®",
            "perché…” disse; café…» — età»» è…» già…”",
            "Łódź, Gdańsk, Kraków, žluťoučký kůň, Şişli, İstanbul",
            "Привет, мир. Γειά σου κόσμε. שלום. مرحبا. 中文. 日本語. 한국어.",
            "Émile Zola, À bientôt, Ça va, Ô Canada, Île-de-France, Ürümqi",
            "naïve coöperate Noël façade résumé",
            "Ã alone, Ã", // a lone lead without a continuation
        ] {
            assert_eq!(fix(s), s, "{s:?}");
        }
    }

    #[test]
    fn odd_input_does_not_panic() {
        for s in [
            "Ã",
            "Ã\u{FFFD}",
            "â€",
            "â€\u{FFFD}",
            "ð",
            "ðŸ",
            "ðŸ˜",
            "Ã\u{80}",
            "\u{C3}\u{BF}\u{BF}",
            "ô\u{8F}\u{BF}\u{BF}",
            "ô\u{90}\u{80}\u{80}",
            "í\u{A0}\u{80}",
            "à\u{80}\u{80}",
            "Ã\0",
        ] {
            let _ = fix(s);
        }
        // Surrogates and out-of-range code points are never produced.
        assert_eq!(fix("í\u{A0}\u{80} x"), "í\u{A0}\u{80} x");
    }

    #[test]
    fn ascii_borrows() {
        assert!(matches!(repair("plain ascii"), Cow::Borrowed(_)));
        assert!(matches!(repair("café déjà"), Cow::Borrowed(_)));
    }
}
