//! Stage 3c: corpus-level templates. A paragraph that recurs across many documents that are
//! otherwise unrelated is a site's template (a newsletter pitch, a standing disclaimer, an "about
//! us" blurb), not story: its shingles must not count toward similarity. No list can know every
//! site's template; the corpus shows it.
//!
//! A paragraph (exact key, see [`ParagraphKey`]) found in at least `min_docs` documents is
//! examined on a sample of them (the first `sample` by document number). It is template when
//! most sampled documents are otherwise unrelated: what they share is a small part of their
//! words, and their *own* paragraphs (found in fewer than `min_docs` documents) are found in no
//! other sampled document. Copies and edited versions of one story share most of their text,
//! and their own paragraphs are mostly edits of the others' text (a paragraph's least shingle,
//! its fuzzy key, is in their shingle sets). Limits: a template that is a large part of every
//! page it is on, or found on fewer than `min_docs` pages, is not recognized.
//!
//! Cost: a sort of all paragraph keys, then one examination per distinct sample (the
//! paragraphs of one story share it), each O(sample² × paragraphs × log shingles). Linear in
//! the corpus.

use std::collections::HashSet;

use rayon::prelude::*;
use xxhash_rust::xxh3::xxh3_64;

pub use crate::shingle::{ParagraphKey, Shingle};

/// Parameters of template detection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TemplateParams {
    /// A paragraph must be in at least this many documents to be template (0 = no detection).
    pub min_docs: usize,
    /// Documents examined per paragraph.
    pub sample: usize,
}

impl Default for TemplateParams {
    fn default() -> Self {
        TemplateParams {
            min_docs: 4,
            sample: 8,
        }
    }
}

/// The exact keys of the template paragraphs of a corpus, given each document's paragraph keys.
pub fn find(
    keys: &[Vec<ParagraphKey>],
    shingles: &[Vec<Shingle>],
    p: TemplateParams,
) -> HashSet<u64> {
    if p.min_docs < 2 {
        return HashSet::new();
    }
    // (paragraph, document), each document once per paragraph.
    let mut postings: Vec<(u64, u32)> = keys
        .par_iter()
        .enumerate()
        .flat_map_iter(|(d, ks)| ks.iter().map(move |k| (k.exact, d as u32)))
        .collect();
    postings.par_sort_unstable();
    postings.dedup();

    let mut frequent: HashSet<u64> = HashSet::new();
    // (sample id, paragraph) for every frequent paragraph; samples listed once each.
    let mut samples: Vec<(u64, Vec<u32>)> = Vec::new();
    let mut examined: Vec<(u64, u64)> = Vec::new();
    for run in postings.chunk_by(|a, b| a.0 == b.0) {
        if run.len() < p.min_docs {
            continue;
        }
        frequent.insert(run[0].0);
        let docs: Vec<u32> = run.iter().take(p.sample.max(2)).map(|&(_, d)| d).collect();
        let bytes: Vec<u8> = docs.iter().flat_map(|d| d.to_le_bytes()).collect();
        let id = xxh3_64(&bytes);
        examined.push((id, run[0].0));
        samples.push((id, docs));
    }
    drop(postings);
    samples.par_sort_unstable_by_key(|s| s.0);
    samples.dedup_by_key(|s| s.0);
    let template_samples: HashSet<u64> = samples
        .par_iter()
        .filter(|(_, docs)| unrelated(docs, keys, shingles, &frequent, p.min_docs))
        .map(|(id, _)| *id)
        .collect();
    examined
        .into_iter()
        .filter(|(id, _)| template_samples.contains(id))
        .map(|(_, para)| para)
        .collect()
}

/// A document whose text shared with the other sampled documents is at least this fraction
/// (1/N) of its words is related to them. Measured on spotsigs-dev: 1/2 also took pages whose
/// story is a short brief inside much page text (F1 0.979 against 0.981 without detection);
/// 1/3 keeps them.
const SHARED_PART_DENOMINATOR: u64 = 3;

/// Whether most of the sampled documents (at least two) are otherwise unrelated. A document
/// votes so when the paragraphs it shares with at least half of the other sampled documents
/// are a small part of its words (below [`SHARED_PART_DENOMINATOR`]), and
/// most of its own paragraphs (not frequent) have their least shingle in no other sampled
/// document (text of the same story, even edited or split differently, usually has).
///
/// Reads only the sampled documents and which of their paragraphs are frequent, so a cluster
/// engine can hand it one sample at a time (`newsdedup assemble`, [`crate::scale`]).
pub fn unrelated(
    docs: &[u32],
    keys: &[Vec<ParagraphKey>],
    shingles: &[Vec<Shingle>],
    frequent: &HashSet<u64>,
    min_docs: usize,
) -> bool {
    let others_needed = (docs.len() - 1).div_ceil(2).max(1);
    let holders = Holders::new(docs, keys);
    let mut votes = 0;
    for (i, &d) in docs.iter().enumerate() {
        let mine = &keys[d as usize];
        let others = || docs.iter().enumerate().filter(move |&(j, _)| j != i);
        let total: u64 = mine.iter().map(|k| u64::from(k.words)).sum();
        // `mine` holds each of its paragraphs too: `others_needed` others make one more holder.
        let shared: u64 = mine
            .iter()
            .filter(|k| holders.count(k.exact) > others_needed)
            .map(|k| u64::from(k.words))
            .sum();
        if shared * SHARED_PART_DENOMINATOR >= total {
            continue;
        }
        let own: Vec<&ParagraphKey> = mine
            .iter()
            .filter(|k| !frequent.contains(&k.exact))
            .collect();
        let matched = own
            .iter()
            .filter(|k| {
                others().any(|(_, &o)| shingles[o as usize].binary_search(&k.fuzzy).is_ok())
            })
            .count();
        if !own.is_empty() && matched * 2 < own.len() {
            votes += 1;
        }
    }
    votes >= 2 && votes * 2 >= docs.len().min(min_docs.max(2))
}

/// How many of a sample's documents hold each paragraph: every document's distinct paragraph
/// keys, together and sorted. Built in O(P log P) for P paragraphs in the sample; comparing
/// every paragraph with every other document's paragraphs cost O(P²): 257 ms against 7.7 ms
/// for a sample of eight pages of 4,000 paragraphs, and growing with the square beyond.
struct Holders(Vec<u64>);

impl Holders {
    fn new(docs: &[u32], keys: &[Vec<ParagraphKey>]) -> Holders {
        let mut held: Vec<u64> = Vec::new();
        for &d in docs {
            let mut own: Vec<u64> = keys[d as usize].iter().map(|k| k.exact).collect();
            own.sort_unstable();
            own.dedup();
            held.extend(own);
        }
        held.sort_unstable();
        Holders(held)
    }

    /// The number of sampled documents holding paragraph `exact`.
    fn count(&self, exact: u64) -> usize {
        let from = self.0.partition_point(|&y| y < exact);
        self.0[from..].partition_point(|&y| y == exact)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(exact: u64, fuzzy: u32) -> ParagraphKey {
        ParagraphKey {
            exact,
            fuzzy,
            words: 20,
        }
    }

    /// Shingle sets holding each document's fuzzy keys (as real shingle sets do).
    fn sets(keys: &[Vec<ParagraphKey>]) -> Vec<Vec<Shingle>> {
        keys.iter()
            .map(|ks| {
                let mut s: Vec<Shingle> = ks.iter().map(|k| k.fuzzy).collect();
                s.sort_unstable();
                s.dedup();
                s
            })
            .collect()
    }

    fn templates(keys: &[Vec<ParagraphKey>], p: TemplateParams) -> HashSet<u64> {
        find(keys, &sets(keys), p)
    }

    proptest::proptest! {
        #[test]
        fn holders_counts_the_documents_holding_a_paragraph(
            keys in proptest::collection::vec(proptest::collection::vec(0u64..12, 0..20), 1..10),
        ) {
            let keys: Vec<Vec<ParagraphKey>> = keys
                .iter()
                .map(|ks| ks.iter().map(|&e| key(e, e as u32)).collect())
                .collect();
            let docs: Vec<u32> = (0..keys.len() as u32).collect();
            let holders = Holders::new(&docs, &keys);
            for exact in 0..13 {
                let naive = keys.iter().filter(|ks| ks.iter().any(|k| k.exact == exact)).count();
                proptest::prop_assert_eq!(holders.count(exact), naive, "paragraph {}", exact);
            }
        }
    }

    #[test]
    fn a_paragraph_shared_by_unrelated_pages_is_template() {
        // Five pages of one site: three paragraphs of their own story plus the same blurb.
        let keys: Vec<Vec<ParagraphKey>> = (0..5)
            .map(|d| {
                let own = (0..3).map(|p| key(10 * d + p, (10 * d + p) as u32));
                own.chain([key(1000, 1000)]).collect()
            })
            .collect();
        let found = templates(&keys, TemplateParams::default());
        assert_eq!(found, HashSet::from([1000]));
        // A blurb as long as the stories is not told from a story: a third of each page.
        let long: Vec<Vec<ParagraphKey>> = keys.iter().map(|k| k[1..].to_vec()).collect();
        assert!(templates(&long, TemplateParams::default()).is_empty());
        // Three pages are too few to tell (min_docs 4).
        assert!(templates(&keys[..3], TemplateParams::default()).is_empty());
        assert!(
            templates(
                &keys,
                TemplateParams {
                    min_docs: 0,
                    sample: 8
                }
            )
            .is_empty()
        );
    }

    #[test]
    fn a_story_syndicated_with_edits_is_not_template() {
        // Six versions of one story: paragraphs 1..=4; each version rewrites one paragraph
        // (new exact key, same fuzzy key), and all carry their own site's line (unique).
        let keys: Vec<Vec<ParagraphKey>> = (0..6u64)
            .map(|v| {
                let mut ks: Vec<ParagraphKey> = (1..=4u64)
                    .map(|p| {
                        if p == v % 4 + 1 {
                            key(100 * v + p + 10_000, p as u32)
                        } else {
                            key(p, p as u32)
                        }
                    })
                    .collect();
                ks.push(key(50_000 + v, 50_000 + v as u32));
                ks
            })
            .collect();
        assert!(templates(&keys, TemplateParams::default()).is_empty());
    }

    #[test]
    fn identical_copies_are_not_template() {
        let keys: Vec<Vec<ParagraphKey>> = (0..10).map(|_| vec![key(1, 1), key(2, 2)]).collect();
        assert!(templates(&keys, TemplateParams::default()).is_empty());
    }
}
