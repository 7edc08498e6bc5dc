//! Per-article story evidence, taken while the text is in memory: what tells a write-thru or an
//! outlet's edit of a story from a sibling story on the same topic, beyond shingle overlap.
//!
//! Each article keeps a few small sorted sets of 32-bit hashes (a few hundred bytes):
//! - the headline's words and the whole normalized headline;
//! - the lede: 3-word shingles of the first sentence (a write-thru usually keeps it);
//! - quotations: 4-word shingles inside quotation marks (quotes survive rewrites);
//! - distinctive terms: capitalized words that do not open a sentence, and numbers (names,
//!   places, figures: what differs between two shootings or two earthquakes);
//! - the dateline's place.
//!
//! Corpus-wide facts (how rare a term is, which titles are site names) are computed by the
//! story stage (`crate::story`) from these sets.

use xxhash_rust::xxh3::xxh3_64;

use std::borrow::Cow;

use crate::normalize::{Article, markup};
use crate::shingle::paragraphs;

/// At most this many distinctive terms are kept per article, the first met (the lede's first).
pub const MAX_TERMS: usize = 48;
/// At most this many quotation shingles are kept per article.
pub const MAX_QUOTE_SHINGLES: usize = 64;
/// The lede is the first sentence, cut at this many words.
pub const LEDE_WORDS: usize = 40;
/// A headline needs this many words to say anything (shorter titles are section names or
/// placeholders).
pub const MIN_TITLE_WORDS: usize = 3;

/// What an article offers as story evidence, as its parts ([`Parts`]) are built. Every set is
/// sorted and deduplicated.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Parts {
    /// XXH3 of the normalized headline (its lower-cased words in order); none without a
    /// headline of [`MIN_TITLE_WORDS`] words.
    pub title_key: Option<u32>,
    /// The headline's words, lower-cased, stop words left out.
    pub title_words: Vec<u32>,
    /// 3-word shingles of the lede.
    pub lede: Vec<u32>,
    /// 4-word shingles inside quotation marks.
    pub quotes: Vec<u32>,
    /// Distinctive terms: capitalized words not opening a sentence, and numbers, lower-cased.
    pub terms: Vec<u32>,
    /// The dateline's place (`BEIRUT`), lower-cased.
    pub place: Option<u32>,
    /// Whether a headline word is found in the text's first [`TITLE_CHECK_WORDS`] words (a
    /// site's name as title shares none). Read by the canonical stage, which takes evidence from the
    /// articles themselves; not carried in Parquet shards (read back as false).
    pub title_in_text: bool,
}

/// How many of the text's first words a headline's words are looked for in.
pub const TITLE_CHECK_WORDS: usize = 150;

/// At most this many headline words are kept (the headline key still reads them all): the
/// sets' bounds in [`Evidence`] are 16-bit.
pub const MAX_TITLE_WORDS: usize = 4096;

/// The evidence of one article, held for every article of the run: its [`Parts`] packed into
/// one allocation and 32 bytes (four boxed sets and two options took 80 bytes and four
/// allocations; on a million articles the difference is some 90 MB).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Evidence {
    /// The headline words, the lede, the quotations and the terms, one after the other.
    sets: Box<[u32]>,
    /// Where the lede, the quotations and the terms start in `sets`.
    starts: [u16; 3],
    /// The headline key and the place (each meaningful when its bit is set in `has`).
    keys: [u32; 2],
    has: u8,
}

impl From<Parts> for Evidence {
    fn from(p: Parts) -> Evidence {
        let mut title_words = p.title_words;
        title_words.truncate(MAX_TITLE_WORDS);
        let mut sets = title_words;
        let mut starts = [0u16; 3];
        for (start, set) in starts.iter_mut().zip([p.lede, p.quotes, p.terms]) {
            // Each set is bounded (`LEDE_WORDS`, `MAX_QUOTE_SHINGLES`, `MAX_TERMS`, or as read
            // back from a shard, written from these); a longer one is cut, never wrapped.
            *start = u16::try_from(sets.len()).unwrap_or(u16::MAX);
            let room = usize::from(u16::MAX) - sets.len().min(usize::from(u16::MAX));
            sets.extend(set.into_iter().take(room));
        }
        Evidence {
            sets: sets.into_boxed_slice(),
            starts,
            keys: [p.title_key.unwrap_or(0), p.place.unwrap_or(0)],
            has: u8::from(p.title_key.is_some())
                | (u8::from(p.place.is_some()) << 1)
                | (u8::from(p.title_in_text) << 2),
        }
    }
}

impl Evidence {
    /// XXH3 of the normalized headline (see [`Parts::title_key`]).
    pub fn title_key(&self) -> Option<u32> {
        (self.has & 1 != 0).then_some(self.keys[0])
    }

    /// The dateline's place (see [`Parts::place`]).
    pub fn place(&self) -> Option<u32> {
        (self.has & 2 != 0).then_some(self.keys[1])
    }

    /// Whether a headline word is in the text's start (see [`Parts::title_in_text`]).
    pub fn title_in_text(&self) -> bool {
        self.has & 4 != 0
    }

    fn set(&self, i: usize) -> &[u32] {
        let start = if i == 0 {
            0
        } else {
            usize::from(self.starts[i - 1])
        };
        let end = self
            .starts
            .get(i)
            .map_or(self.sets.len(), |&e| usize::from(e));
        &self.sets[start..end]
    }

    /// The headline's words (see [`Parts::title_words`]).
    pub fn title_words(&self) -> &[u32] {
        self.set(0)
    }

    /// 3-word shingles of the lede.
    pub fn lede(&self) -> &[u32] {
        self.set(1)
    }

    /// 4-word shingles inside quotation marks.
    pub fn quotes(&self) -> &[u32] {
        self.set(2)
    }

    /// Distinctive terms (see [`Parts::terms`]).
    pub fn terms(&self) -> &[u32] {
        self.set(3)
    }
}

fn sorted(mut v: Vec<u32>) -> Vec<u32> {
    v.sort_unstable();
    v.dedup();
    v
}

/// Words too common to say anything in a headline.
const STOP: &[&str] = &[
    "a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "has", "have", "he", "her",
    "his", "in", "is", "it", "its", "of", "on", "or", "she", "that", "the", "their", "to", "was",
    "were", "will", "with", "after", "over", "says", "say", "said", "new", "up", "out",
];

/// Words of a text: runs of letters and digits (apostrophes inside a word kept).
fn words(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !(c.is_alphanumeric() || c == '\''))
        .map(|w| w.trim_matches('\''))
        .filter(|w| !w.is_empty())
}

/// XXH3 of a word, lower-cased (without allocating for ASCII words).
fn word_hash(w: &str) -> u64 {
    let mut buf = [0u8; 64];
    if w.is_ascii() && w.len() <= buf.len() {
        let b = &mut buf[..w.len()];
        b.copy_from_slice(w.as_bytes());
        b.make_ascii_lowercase();
        xxh3_64(b)
    } else {
        xxh3_64(w.to_lowercase().as_bytes())
    }
}

/// The 32-bit hash of one lower-cased word, as stored in the term sets.
pub fn term_hash(w: &str) -> u32 {
    word_hash(w) as u32
}

/// The hash of a run of word hashes.
fn run_hash(ws: &[u64]) -> u32 {
    let mut buf = [0u8; 8 * 8];
    if ws.len() <= 8 {
        for (chunk, w) in buf.chunks_exact_mut(8).zip(ws) {
            chunk.copy_from_slice(&w.to_le_bytes());
        }
        return xxh3_64(&buf[..8 * ws.len()]) as u32;
    }
    let bytes: Vec<u8> = ws.iter().flat_map(|w| w.to_le_bytes()).collect();
    xxh3_64(&bytes) as u32
}

/// Shingles of `k` words (given as word hashes); a text of fewer words is one shingle.
fn word_shingles(ws: &[u64], k: usize, out: &mut Vec<u32>) {
    if ws.len() < k {
        if !ws.is_empty() {
            out.push(run_hash(ws));
        }
        return;
    }
    out.extend(ws.windows(k).map(run_hash));
}

/// The normalized headline and its content words.
/// The content words of a headline or title of any length, hashed and sorted as
/// [`Evidence::title_words`] (which holds none for a title under [`MIN_TITLE_WORDS`] words).
pub fn headline_words(headline: &str) -> Vec<u32> {
    let headline = folded(headline);
    sorted(
        words(&headline)
            .filter(|w| !STOP.iter().any(|s| s.eq_ignore_ascii_case(w)))
            .map(|w| word_hash(w) as u32)
            .collect(),
    )
}

fn title_evidence(title: &str) -> (Option<u32>, Vec<u32>) {
    let ws: Vec<&str> = words(title).collect();
    if ws.len() < MIN_TITLE_WORDS {
        return (None, Vec::new());
    }
    let hashes: Vec<u64> = ws.iter().map(|w| word_hash(w)).collect();
    let content = ws
        .iter()
        .zip(&hashes)
        .filter(|(w, _)| !STOP.iter().any(|s| s.eq_ignore_ascii_case(w)))
        .map(|(_, &h)| h as u32)
        .collect();
    (Some(run_hash(&hashes)), sorted(content))
}

/// Whitespace as `char::is_whitespace` has it, within ASCII.
fn ascii_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\x0B' | b'\x0C' | b'\r')
}

/// The tokens of an ASCII paragraph, each with whether it is plain: lower-case letters and
/// punctuation only, so none of its words can be a name or a number. One pass over the bytes.
struct AsciiTokens<'a> {
    text: &'a str,
    pos: usize,
}

impl<'a> Iterator for AsciiTokens<'a> {
    type Item = (&'a str, bool);

    fn next(&mut self) -> Option<Self::Item> {
        let bytes = self.text.as_bytes();
        while self.pos < bytes.len() && ascii_space(bytes[self.pos]) {
            self.pos += 1;
        }
        if self.pos == bytes.len() {
            return None;
        }
        let start = self.pos;
        let mut plain = true;
        while self.pos < bytes.len() && !ascii_space(bytes[self.pos]) {
            let b = bytes[self.pos];
            plain &= !(b.is_ascii_uppercase() || b.is_ascii_digit());
            self.pos += 1;
        }
        Some((&self.text[start..self.pos], plain))
    }
}

/// The whitespace-separated tokens of a paragraph, as `split_whitespace` gives them, each with
/// whether it is plain (see [`AsciiTokens`]; a non-ASCII token is never plain). ASCII text, most
/// news, takes the byte-level path.
fn tokens(para: &str) -> impl Iterator<Item = (&str, bool)> {
    let ascii = para
        .is_ascii()
        .then_some(AsciiTokens { text: para, pos: 0 });
    let unicode = (!para.is_ascii()).then(|| para.split_whitespace().map(|t| (t, false)));
    ascii
        .into_iter()
        .flatten()
        .chain(unicode.into_iter().flatten())
}

/// A paragraph of fewer words is not where a lede is (a menu line, a caption, a stamp).
const LEDE_PARAGRAPH_WORDS: usize = 12;

/// The first sentence of the body's first paragraph of [`LEDE_PARAGRAPH_WORDS`] words or more:
/// up to the first sentence end after four words, at most [`LEDE_WORDS`] words.
fn lede(paras: &[&str]) -> Vec<u64> {
    let mut out = Vec::new();
    let first = paras
        .iter()
        .find(|p| tokens(p).nth(LEDE_PARAGRAPH_WORDS - 1).is_some());
    for (token, _) in tokens(first.copied().unwrap_or("")) {
        out.extend(words(token).map(word_hash));
        let ends = token.ends_with(['.', '!', '?']) || token.ends_with(".\"");
        if out.len() >= LEDE_WORDS || (ends && out.len() >= 4 && !is_abbreviation(token)) {
            break;
        }
    }
    out.truncate(LEDE_WORDS);
    out
}

/// `Mr.`, `U.S.`, `Jan.`: a period that does not end a sentence.
fn is_abbreviation(token: &str) -> bool {
    let t = token.trim_end_matches(['.', '"']);
    t.contains('.') || (t.len() <= 3 && t.chars().next().is_some_and(char::is_uppercase))
}

/// Quotations of four words or more, as 4-word shingles.
fn quotes(paras: &[&str], out: &mut Vec<u32>) {
    for para in paras {
        let mut rest = *para;
        while out.len() < MAX_QUOTE_SHINGLES {
            // The text is folded: every quotation mark is `"`.
            let Some(open) = memchr::memchr(b'"', rest.as_bytes()) else {
                break;
            };
            let after = &rest[open + 1..];
            let Some(close) = memchr::memchr(b'"', after.as_bytes()) else {
                break;
            };
            let ws: Vec<u64> = words(&after[..close]).map(word_hash).collect();
            if ws.len() >= 4 {
                word_shingles(&ws, 4, out);
            }
            rest = &after[close + 1..];
        }
    }
    out.truncate(MAX_QUOTE_SHINGLES);
}

/// Names and numbers: words starting with a capital letter that do not open a sentence, and
/// words holding a digit. The first [`MAX_TERMS`] distinct ones.
fn terms(paras: &[&str]) -> Vec<u32> {
    let mut out: Vec<u32> = Vec::new();
    for para in paras {
        let full = if para.is_ascii() {
            ascii_terms(para, &mut out)
        } else {
            let mut sentence_start = true;
            tokens(para).any(|(token, plain)| {
                let opens = sentence_start;
                sentence_start = ends_sentence(token);
                // Most tokens are plain: none of their words can be a term.
                !plain && token_terms(token, opens, &mut out)
            })
        };
        if full {
            break;
        }
    }
    out
}

/// Whether a token closes a sentence, so that the next one opens one.
fn ends_sentence(token: &str) -> bool {
    token.ends_with(['.', '!', '?', ':']) && !is_abbreviation(token) || token == "-"
}

/// Adds the terms of one token (`opens`: it is a sentence's first); true when [`MAX_TERMS`]
/// are reached.
fn token_terms(token: &str, opens: bool, out: &mut Vec<u32>) -> bool {
    for (i, w) in words(token).enumerate() {
        let capital = w.chars().next().is_some_and(char::is_uppercase);
        let digit = w.bytes().any(|b| b.is_ascii_digit());
        if !digit && !capital {
            continue;
        }
        let letters = w.chars().count();
        let name = capital && !(opens && i == 0) && letters > 1;
        // An all-capital token of many letters is a shouted heading or an agency sign, not a
        // name; it still counts when short (`UN`, `FBI`).
        let shouted = letters > 5 && w.chars().all(|c| !c.is_lowercase());
        if (name && !shouted) || digit {
            let hash = term_hash(w);
            if !out.contains(&hash) {
                out.push(hash);
                if out.len() >= MAX_TERMS {
                    return true;
                }
            }
        }
    }
    false
}

/// [`terms`] of an ASCII paragraph, visiting only the tokens that hold a capital letter or a
/// digit (the only ones with a term): found 8 bytes at a time, each judged with the token
/// before it (does that one end a sentence?) instead of walking every token. Each byte is
/// read a bounded number of times.
fn ascii_terms(para: &str, out: &mut Vec<u32>) -> bool {
    let b = para.as_bytes();
    let mut from = 0;
    while let Some(at) = next_marked(b, from) {
        let start = b[..at]
            .iter()
            .rposition(|&c| ascii_space(c))
            .map_or(0, |i| i + 1);
        let end = b[at..]
            .iter()
            .position(|&c| ascii_space(c))
            .map_or(b.len(), |i| at + i);
        let before = b[..start].iter().rposition(|&c| !ascii_space(c));
        let opens = before.is_none_or(|last| {
            let first = b[..last]
                .iter()
                .rposition(|&c| ascii_space(c))
                .map_or(0, |i| i + 1);
            ends_sentence(&para[first..=last])
        });
        if token_terms(&para[start..end], opens, out) {
            return true;
        }
        from = end;
    }
    false
}

/// The first byte at or after `from` that is an ASCII capital or digit, in ASCII text: eight
/// bytes at a time, by adding to each byte what carries a capital (or a digit) into its high
/// bit; bytes below 0x80 plus at most 0x50 cannot carry into the next byte.
fn next_marked(b: &[u8], from: usize) -> Option<usize> {
    const HIGH: u64 = 0x8080_8080_8080_8080;
    const fn each(byte: u8) -> u64 {
        u64::from_le_bytes([byte; 8])
    }
    let mut at = from;
    while at + 8 <= b.len() {
        let mut word = [0u8; 8];
        word.copy_from_slice(&b[at..at + 8]);
        let w = u64::from_le_bytes(word);
        let upper = (w + each(0x80 - b'A')) & !(w + each(0x80 - b'Z' - 1)) & HIGH;
        let digit = (w + each(0x80 - b'0')) & !(w + each(0x80 - b'9' - 1)) & HIGH;
        let marked = upper | digit;
        if marked != 0 {
            return Some(at + marked.trailing_zeros() as usize / 8);
        }
        at += 8;
    }
    b[at..]
        .iter()
        .position(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
        .map(|i| at + i)
}

/// The text as every rule reads it: typographic quotes, dashes and ellipses folded (the body
/// keeps the article's own; see `normalize::originals`). ASCII text is borrowed as it is.
fn folded(text: &str) -> Cow<'_, str> {
    if text.is_ascii() {
        Cow::Borrowed(text)
    } else {
        Cow::Owned(markup::fold(text))
    }
}

/// Whether a word of `title` (no stop word) is a word of the first [`TITLE_CHECK_WORDS`] words
/// of `body`, ignoring case, as the story stage compares words. The title's few words are
/// compared with each word of the text's start by length first, so next to nothing is hashed
/// or lower-cased.
fn title_in_text(title: &str, body: &str) -> bool {
    let title: Vec<String> = words(title)
        .filter(|w| !STOP.iter().any(|s| s.eq_ignore_ascii_case(w)))
        .map(str::to_lowercase)
        .collect();
    let same = |w: &str| match w.is_ascii() {
        true => title
            .iter()
            .any(|t| t.len() == w.len() && t.eq_ignore_ascii_case(w)),
        false => {
            let w = w.to_lowercase();
            title.contains(&w)
        }
    };
    // Most tokens are one ASCII word with punctuation around it: compared as they are.
    fn simple(token: &str) -> Option<&str> {
        let word = token.trim_matches(|c: char| c.is_ascii_punctuation());
        word.bytes()
            .all(|b| b.is_ascii_alphanumeric())
            .then_some(word)
    }
    !title.is_empty()
        && body
            .split_whitespace()
            .take(TITLE_CHECK_WORDS)
            .any(|token| match simple(token) {
                Some(word) => !word.is_empty() && same(word),
                None => words(token).any(same),
            })
}

/// The evidence of one article.
pub fn of(article: &Article) -> Evidence {
    let (title_key, title_words) = article
        .header
        .title
        .as_deref()
        .map(folded)
        .map_or((None, Vec::new()), |t| title_evidence(&t));
    let body = folded(&article.body);
    let paras = paragraphs(&body);
    let mut lede_shingles = Vec::new();
    word_shingles(&lede(&paras), 3, &mut lede_shingles);
    let mut quote_shingles = Vec::new();
    quotes(&paras, &mut quote_shingles);
    let place = article
        .header
        .dateline
        .as_deref()
        .map(|p| words(p).map(word_hash).collect::<Vec<_>>())
        .filter(|p| !p.is_empty())
        .map(|p| run_hash(&p));
    let title_in_text = !title_words.is_empty()
        && article
            .header
            .title
            .as_deref()
            .is_some_and(|t| title_in_text(&folded(t), &body));
    Evidence::from(Parts {
        title_key,
        title_words,
        title_in_text,
        lede: sorted(lede_shingles),
        quotes: sorted(quote_shingles),
        terms: sorted(terms(&paras)),
        place,
    })
}

/// Size of the intersection of two sorted sets.
pub fn shared(a: &[u32], b: &[u32]) -> usize {
    let (mut i, mut j, mut n) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                n += 1;
                i += 1;
                j += 1;
            }
        }
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::{Format, Header};

    fn article(title: &str, body: &str) -> Article {
        Article {
            path: "a.txt".into(),
            format: Format::Text,
            header: Header {
                title: Some(title.into()),
                dateline: Some("BEIRUT".into()),
                ..Header::default()
            },
            body: body.into(),
            truncated: false,
        }
    }

    #[test]
    fn lede_is_the_first_sentence() {
        let ws = lede(&paragraphs(
            "Short line of chrome.\n\nMr. Smith went to Washington on Monday. He left on Tuesday \
             and came back later.",
        ));
        let want: Vec<u64> = "mr smith went to washington on monday"
            .split(' ')
            .map(word_hash)
            .collect();
        assert_eq!(ws, want);
    }

    #[test]
    fn terms_are_names_and_numbers_not_sentence_openers() {
        let e = of(&article(
            "Quake hits Chile",
            "The quake struck near Valparaiso at 3 o'clock. Officials said 12 people died.",
        ));
        let want = sorted(vec![
            term_hash("Valparaiso"),
            term_hash("3"),
            term_hash("12"),
        ]);
        assert_eq!(e.terms(), want);
    }

    #[test]
    fn quotes_give_shingles_and_short_quotes_do_not() {
        let e = of(&article(
            "x y z",
            "He said \"we will rebuild this town\" and \"no\" later. “Curly quotes count too here.”",
        ));
        // "we will rebuild this town": 2 shingles; the curly one: 2 shingles; "no": none.
        assert_eq!(e.quotes().len(), 4);
    }

    #[test]
    fn headline_key_ignores_case_and_punctuation_and_short_titles_have_none() {
        let a = of(&article("Quake hits Chile, 12 dead", "x"));
        let b = of(&article("QUAKE HITS CHILE — 12 DEAD", "x"));
        assert_eq!(a.title_key(), b.title_key());
        assert!(a.title_key().is_some());
        assert_eq!(of(&article("Home page", "x")).title_key(), None);
        assert_eq!(a.place(), Some(run_hash(&[word_hash("beirut")])));
    }

    proptest::proptest! {
        /// The byte-level token and paragraph scans split exactly as `split_whitespace` and
        /// `split("\n\n")` do, and a plain token has no word that could be a term.
        #[test]
        fn fast_scans_agree_with_std(text in "[aZ9 \t\n\x0B\x0C\r.,\"“”\u{a0}é]{0,60}") {
            let paras = paragraphs(&text);
            proptest::prop_assert_eq!(&paras, &text.split("\n\n").collect::<Vec<_>>());
            for para in paras {
                let got: Vec<&str> = tokens(para).map(|(t, _)| t).collect();
                proptest::prop_assert_eq!(got, para.split_whitespace().collect::<Vec<_>>());
                for (token, plain) in tokens(para) {
                    let term_like = words(token).any(|w| {
                        w.chars().next().is_some_and(char::is_uppercase)
                            || w.bytes().any(|b| b.is_ascii_digit())
                    });
                    proptest::prop_assert!(!(plain && term_like), "{token:?} called plain");
                }
            }
        }
    }

    /// The term scan as it was before [`ascii_terms`]: every token in order.
    fn terms_token_by_token(paras: &[&str]) -> Vec<u32> {
        let mut out = Vec::new();
        for para in paras {
            let mut sentence_start = true;
            for (token, plain) in tokens(para) {
                let opens = sentence_start;
                sentence_start = ends_sentence(token);
                if !plain && token_terms(token, opens, &mut out) {
                    return out;
                }
            }
        }
        out
    }

    proptest::proptest! {
        /// Visiting only the marked tokens finds the terms, in the order, that walking every
        /// token finds: names after sentence ends and abbreviations, numbers, shouted words,
        /// a `-` token, non-ASCII paragraphs, the cap.
        #[test]
        fn marked_token_scan_agrees_with_token_by_token(
            text in "([Aa]|Mr|U\\.S|Ab|ABCDEF|Zed|9|x9|-|\\.|:|!|\"|'| |  |\t|\n|\n\n|é|É|[a-z]{1,4}){0,160}"
        ) {
            let paras = paragraphs(&text);
            proptest::prop_assert_eq!(terms(&paras), terms_token_by_token(&paras));
        }
    }

    proptest::proptest! {
        /// The eight-bytes-at-a-time search finds what a byte-by-byte one finds.
        #[test]
        fn next_marked_finds_the_first_capital_or_digit(
            text in "[ -~]{0,40}", from in 0usize..40
        ) {
            let b = text.as_bytes();
            let from = from.min(b.len());
            let want = b[from..]
                .iter()
                .position(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
                .map(|i| from + i);
            proptest::prop_assert_eq!(next_marked(b, from), want);
        }
    }

    #[test]
    fn the_term_cap_holds_in_a_long_ascii_paragraph() {
        let body: String = (0..200).map(|i| format!("word {i} ")).collect();
        let paras = paragraphs(&body);
        assert_eq!(terms(&paras).len(), MAX_TERMS);
        assert_eq!(terms(&paras), terms_token_by_token(&paras));
    }

    #[test]
    fn packed_sets_read_back_as_built_and_an_oversized_set_is_cut_not_wrapped() {
        let parts = Parts {
            title_key: Some(0),
            title_words: vec![1, 2],
            lede: vec![],
            quotes: vec![3],
            terms: vec![4, 5, 6],
            place: None,
            title_in_text: true,
        };
        let e = Evidence::from(parts.clone());
        assert_eq!(e.title_key(), Some(0));
        assert_eq!(e.place(), None);
        assert!(e.title_in_text());
        assert!(!Evidence::default().title_in_text());
        assert_eq!(e.title_words(), [1, 2]);
        assert!(e.lede().is_empty());
        assert_eq!(e.quotes(), [3]);
        assert_eq!(e.terms(), [4, 5, 6]);
        assert_eq!(Evidence::default().title_key(), None);
        assert!(Evidence::default().terms().is_empty());
        // A set past the 16-bit bounds (a damaged shard) is cut; the others stay whole.
        let big = Evidence::from(Parts {
            title_words: (0..10_000).collect(),
            lede: (0..70_000).collect(),
            terms: vec![7],
            place: Some(9),
            ..Parts::default()
        });
        assert_eq!(big.title_words().len(), MAX_TITLE_WORDS);
        assert_eq!(
            big.title_words().len() + big.lede().len(),
            usize::from(u16::MAX)
        );
        assert!(big.terms().is_empty());
        assert_eq!(big.place(), Some(9));
    }

    #[test]
    fn shared_counts_common_elements() {
        assert_eq!(shared(&[1, 3, 5, 7], &[3, 4, 5, 8]), 2);
        assert_eq!(shared(&[], &[1]), 0);
    }
}
