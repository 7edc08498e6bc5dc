//! Stage 3a: word shingles of a normalized body, hashed with a fixed, versioned 64-bit hash.
//!
//! Tokens are lower-cased runs of letters and digits (`\w+` without `_`). A shingle is `k`
//! consecutive tokens; its hash is XXH3-64 (seed 0) of the little-endian XXH3-64 hashes of its
//! tokens. XXH3 is a published, frozen algorithm: the same text gives the same hashes on every
//! machine and every release. [`HASH_VERSION`] changes if this scheme ever does.

use xxhash_rust::xxh3::{Xxh3Default, xxh3_64};

/// Bumped whenever tokenization or hashing changes.
pub const HASH_VERSION: u32 = 2;

/// A stored shingle: the low 32 bits of its 64-bit hash. Half the memory of the full hash; two
/// different shingles collide with probability 2⁻³², about 2·10⁻⁴ false shared shingles
/// between two 1,000-shingle documents, which moves no similarity measurably.
pub type Shingle = u32;

/// Calls `f` with each token of `text`, lower-cased: each run of alphanumeric characters.
pub fn for_each_token(text: &str, mut f: impl FnMut(&str)) {
    // Walked by bytes: an ASCII byte is a whole character, and only a non-ASCII one is decoded
    // (splitting by `char` cost a decode per character).
    let b = text.as_bytes();
    let mut buf = String::new();
    let mut i = 0;
    while i < b.len() {
        let start = i;
        // Already lower case and ASCII: passed as it is.
        let mut plain = true;
        while let Some(&c) = b.get(i) {
            if c.is_ascii_alphanumeric() {
                plain &= !c.is_ascii_uppercase();
                i += 1;
            } else if c.is_ascii() {
                break;
            } else {
                match text[i..].chars().next() {
                    Some(ch) if ch.is_alphanumeric() => {
                        plain = false;
                        i += ch.len_utf8();
                    }
                    _ => break,
                }
            }
        }
        if i == start {
            // Not part of a token: one character is skipped.
            i += text[i..].chars().next().map_or(1, char::len_utf8);
            continue;
        }
        let word = &text[start..i];
        if plain {
            f(word);
        } else {
            buf.clear();
            for c in word.chars() {
                buf.extend(c.to_lowercase());
            }
            f(&buf);
        }
    }
}

/// The token hashes of a text, in order.
pub fn token_hashes(text: &str) -> Vec<u64> {
    let mut out = Vec::with_capacity(text.len() / 6);
    for_each_token(text, |t| out.push(xxh3_64(t.as_bytes())));
    out
}

/// Hashes of the `k`-token shingles of `text`, sorted and without duplicates. A text shorter than
/// `k` tokens (but not empty) gives one shingle of all its tokens.
pub fn shingles(text: &str, k: usize) -> Vec<Shingle> {
    let k = k.max(1);
    from_tokens(&token_hashes(text), k)
}

fn from_tokens(toks: &[u64], k: usize) -> Vec<Shingle> {
    sorted_set(window_hashes(toks, k))
}

/// The hash of every `k`-token window of `toks`, in order; one hash of all tokens when there
/// are `k` or fewer (none when there are none).
fn window_hashes(toks: &[u64], k: usize) -> Vec<Shingle> {
    if toks.is_empty() {
        return Vec::new();
    }
    if toks.len() <= k {
        return vec![hash_window(toks) as Shingle];
    }
    toks.windows(k).map(|w| hash_window(w) as Shingle).collect()
}

fn sorted_set(mut hashes: Vec<Shingle>) -> Vec<Shingle> {
    hashes.sort_unstable();
    hashes.dedup();
    // Kept until the end of the run: no spare capacity.
    hashes.shrink_to_fit();
    hashes
}

fn hash_window(w: &[u64]) -> u64 {
    let mut bytes = [0u8; 8 * 16];
    if w.len() <= 16 {
        for (i, h) in w.iter().enumerate() {
            bytes[i * 8..i * 8 + 8].copy_from_slice(&h.to_le_bytes());
        }
        xxh3_64(&bytes[..w.len() * 8])
    } else {
        // Streamed: the same hash as of the concatenated bytes, without allocating them.
        let mut hasher = Xxh3Default::new();
        for h in w {
            hasher.update(&h.to_le_bytes());
        }
        hasher.digest()
    }
}

/// A paragraph of a text, as corpus-level template detection sees it (see `templates`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ParagraphKey {
    /// XXH3-64 of the paragraph's token hashes: equal for paragraphs that differ only in case,
    /// punctuation or spacing.
    pub exact: u64,
    /// The least shingle hash inside the paragraph: equal for two edits of one paragraph with
    /// probability about their Jaccard similarity.
    pub fuzzy: Shingle,
    /// Tokens in the paragraph.
    pub words: u32,
}

/// The paragraphs of a text (split at blank lines, as `str::split("\n\n")` does), found with a
/// SIMD search: the shingle pass and the story evidence both walk them.
pub fn paragraphs(text: &str) -> Vec<&str> {
    let mut out = Vec::with_capacity(16);
    let mut start = 0;
    // Matches do not overlap, so each starts at or after the previous one's end.
    for at in memchr::memmem::find_iter(text.as_bytes(), b"\n\n") {
        out.push(&text[start..at]);
        start = at + 2;
    }
    out.push(&text[start..]);
    out
}

/// Shingles of `text` (as [`shingles`] gives them) and the keys of its paragraphs (blocks
/// separated by a blank line) of at least `k` tokens, from one tokenization.
pub fn shingles_and_paragraphs(text: &str, k: usize) -> (Vec<Shingle>, Vec<ParagraphKey>) {
    let k = k.max(1);
    let mut toks: Vec<u64> = Vec::with_capacity(text.len() / 6);
    let mut spans = Vec::new();
    for para in paragraphs(text) {
        let start = toks.len();
        for_each_token(para, |t| toks.push(xxh3_64(t.as_bytes())));
        if toks.len() - start >= k {
            spans.push(start..toks.len());
        }
    }
    // Each window is hashed once: a paragraph's windows are among the text's.
    let windows = window_hashes(&toks, k);
    let keys = spans
        .into_iter()
        .map(|span| {
            let own = &toks[span.clone()];
            // A span holds at least `k` tokens, so its windows are at least one (when the text
            // is exactly `k` tokens long, `windows` is that one window).
            let fuzzy = windows[span.start..=span.end - k].iter().min();
            ParagraphKey {
                exact: hash_window(own),
                fuzzy: fuzzy.copied().unwrap_or(0),
                words: own.len() as u32,
            }
        })
        .collect();
    (sorted_set(windows), keys)
}

/// Removes from sorted `a` the elements of sorted `b`, in place, unless that would leave
/// nothing (then `a` is left as it is).
pub fn subtract_unless_all(a: &mut Vec<Shingle>, b: &[Shingle]) {
    // Whether `x` is not in `b`, for ascending `x`, `j` moving forward through `b`.
    fn outside(b: &[Shingle], j: &mut usize, x: Shingle) -> bool {
        while *j < b.len() && b[*j] < x {
            *j += 1;
        }
        *j >= b.len() || b[*j] != x
    }
    let mut j = 0;
    if !a.iter().any(|&x| outside(b, &mut j, x)) {
        return;
    }
    let mut j = 0;
    a.retain(|&x| outside(b, &mut j, x));
}

/// Size of the intersection of two sorted, deduplicated slices.
pub fn intersection_size(a: &[Shingle], b: &[Shingle]) -> usize {
    // Blocks of eight against eight: the 64 comparisons of a block do not wait on each
    // other, where a merge step waits for the load its previous step chose (the verify stage
    // is bound by that latency). A match is counted in the one block pair holding both of its
    // elements: the block whose last value is smaller cannot match anything beyond the other.
    const W: usize = 8;
    let (mut i, mut j, mut n) = (0, 0, 0);
    while i + W <= a.len() && j + W <= b.len() {
        let x: &[Shingle; W] = a[i..i + W].try_into().expect("a block of W");
        let y: &[Shingle; W] = b[j..j + W].try_into().expect("a block of W");
        for &v in x {
            n += y.iter().filter(|&&w| w == v).count();
        }
        let (xl, yl) = (x[W - 1], y[W - 1]);
        i += if xl <= yl { W } else { 0 };
        j += if yl <= xl { W } else { 0 };
    }
    // The rest, one step at a time, branch-free: which side advances is data, not a jump the
    // CPU must guess (about half its guesses failed on random hashes).
    while i < a.len() && j < b.len() {
        let (x, y) = (a[i], b[j]);
        n += usize::from(x == y);
        i += usize::from(x <= y);
        j += usize::from(y <= x);
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_table() {
        for (text, want) in [
            ("Hello, World!", vec!["hello", "world"]),
            ("ISIS' headquarters", vec!["isis", "headquarters"]),
            ("1,000 casualties", vec!["1", "000", "casualties"]),
            ("Ärger über Öl", vec!["ärger", "über", "öl"]),
            ("snake_case", vec!["snake", "case"]),
            ("", vec![]),
        ] {
            let mut got = Vec::new();
            for_each_token(text, |t| got.push(t.to_string()));
            assert_eq!(got, want, "{text}");
        }
    }

    #[test]
    fn shingles_are_case_and_punctuation_blind() {
        let a = shingles("The quick brown fox jumps over the lazy dog.", 5);
        let b = shingles("the QUICK brown -- fox jumps, over the lazy dog", 5);
        assert_eq!(a, b);
        assert_eq!(a.len(), 5);
        assert_eq!(shingles("two words", 5).len(), 1);
        assert!(shingles("  ... ", 5).is_empty());
    }

    #[test]
    fn hash_is_fixed() {
        // Pinned: changing tokenization or the hash must bump HASH_VERSION and this value.
        assert_eq!(
            shingles("one two three four five", 5),
            vec![0xe93e_82ed_u32]
        );
    }

    #[test]
    fn paragraphs_share_the_tokenization() {
        let text = "Title words here now.\n\nOne two three four five six.\n\nshort\n\nONE two three, four five six!";
        let (sh, keys) = shingles_and_paragraphs(text, 5);
        assert_eq!(sh, shingles(text, 5), "same shingles as the plain function");
        assert_eq!(keys.len(), 2, "the 4- and 1-token paragraphs have no key");
        assert_eq!(keys[0], keys[1], "case and punctuation do not change a key");
        let edited = shingles_and_paragraphs("One two three four five seven.", 5).1;
        assert_ne!(edited[0].exact, keys[0].exact);
        let mut a = vec![1, 3, 5, 7];
        subtract_unless_all(&mut a, &[0, 3, 4, 7, 9]);
        assert_eq!(a, [1, 5]);
        let mut b = sh.clone();
        subtract_unless_all(&mut b, &[]);
        assert_eq!(b, sh);
        // Nothing would be left: nothing is removed.
        let mut c = vec![2, 4];
        subtract_unless_all(&mut c, &[1, 2, 3, 4]);
        assert_eq!(c, [2, 4]);
        // A paragraph's fuzzy key is its own least shingle, taken from the text's windows.
        // (Thirty paragraphs of 3 to 9 words: an off-by-one in the window range shows.)
        let paras: Vec<String> = (0..30u64)
            .map(|p| {
                let n = 3 + crate::minhash::mix64(p) % 7;
                let words: Vec<String> = (0..n)
                    .map(|w| format!("w{}", (p * 7 + w * 13) % 41))
                    .collect();
                words.join(" ")
            })
            .collect();
        let text = paras.join("\n\n");
        let (_, keys) = shingles_and_paragraphs(&text, 3);
        assert_eq!(keys.len(), paras.len());
        for (key, para) in keys.iter().zip(&paras) {
            assert_eq!(key.fuzzy, shingles(para, 3)[0], "{para}");
        }
        // A text of exactly `k` tokens: one window, which is also its paragraph's key.
        let (sh5, keys5) = shingles_and_paragraphs("one two three four five", 5);
        assert_eq!((sh5.len(), keys5[0].fuzzy), (1, sh5[0]));
        // Windows of more than 16 tokens are hashed streaming, as the concatenated bytes.
        let toks: Vec<u64> = (0..20).collect();
        let bytes: Vec<u8> = toks.iter().flat_map(|t| t.to_le_bytes()).collect();
        assert_eq!(hash_window(&toks), xxh3_64(&bytes));
    }

    #[test]
    fn intersection_table() {
        assert_eq!(intersection_size(&[1, 3, 5, 7], &[3, 4, 5, 8]), 2);
        assert_eq!(intersection_size(&[], &[1]), 0);
        assert_eq!(intersection_size(&[1, 2], &[1, 2]), 2);
    }

    proptest::proptest! {
        /// The blocked count equals a plain count, whatever the sizes and the overlap (values
        /// drawn from a small range so that blocks meet equal, interleaved and disjoint runs).
        #[test]
        fn intersection_counts_every_match_once(
            a in proptest::collection::btree_set(0u32..300, 0..120),
            b in proptest::collection::btree_set(0u32..300, 0..120),
        ) {
            let a: Vec<Shingle> = a.into_iter().collect();
            let b: Vec<Shingle> = b.into_iter().collect();
            let want = a.iter().filter(|x| b.binary_search(x).is_ok()).count();
            proptest::prop_assert_eq!(intersection_size(&a, &b), want);
            proptest::prop_assert_eq!(intersection_size(&b, &a), want);
        }
    }
}
