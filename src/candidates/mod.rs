//! Stage 4: candidate pairs. Two generators, each near-linear in the corpus:
//! - [`lsh`]: banding of MinHash signatures, for pairs with high Jaccard similarity;
//! - [`overlap`]: an inverted index over a fixed sample of shingles that skips very common ones,
//!   for pairs where one text holds most of a shorter one (an update, a brief) although their
//!   Jaccard similarity is low.
//!
//! Every candidate is verified exactly later; this stage only has to miss nothing cheap to find.

pub mod lsh;
pub mod overlap;

use crate::shingle::Shingle;

/// A pair of document indices, `a < b`.
pub type Pair = (u32, u32);

/// Parameters of candidate generation.
#[derive(Debug, Clone, PartialEq)]
pub struct CandidateParams {
    /// The Jaccard similarity LSH is tuned for (bands and rows are derived from it).
    pub lsh_threshold: f64,
    /// Estimated containment (from the shingle sample) a pair needs to become a candidate.
    pub overlap_threshold: f64,
    /// Keep shingles whose hash is 0 modulo this in the overlap index.
    pub sample_modulus: u64,
    /// Shingles found in more documents than this are skipped by the overlap index.
    pub max_posting: usize,
}

impl Default for CandidateParams {
    fn default() -> Self {
        CandidateParams {
            lsh_threshold: 0.4,
            overlap_threshold: 0.25,
            sample_modulus: 8,
            max_posting: 256,
        }
    }
}

/// All candidate pairs, sorted and without duplicates. The band keys are freed before the
/// overlap index is built, which is when this stage's memory peaks.
pub fn generate(keys: lsh::BandKeys, shingles: &[Vec<Shingle>], p: &CandidateParams) -> Vec<Pair> {
    let by_bands = lsh::candidates(&keys);
    drop(keys);
    let by_overlap = overlap::candidates(
        shingles,
        p.sample_modulus,
        p.max_posting,
        p.overlap_threshold,
    );
    merge_sorted(&by_bands, &by_overlap)
}

/// The sorted union of two sorted, duplicate-free lists.
pub(crate) fn merge_sorted(a: &[Pair], b: &[Pair]) -> Vec<Pair> {
    let mut out = Vec::with_capacity(a.len() + b.len());
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => {
                out.push(a[i]);
                i += 1;
            }
            std::cmp::Ordering::Greater => {
                out.push(b[j]);
                j += 1;
            }
            std::cmp::Ordering::Equal => {
                out.push(a[i]);
                i += 1;
                j += 1;
            }
        }
    }
    out.extend_from_slice(&a[i..]);
    out.extend_from_slice(&b[j..]);
    out
}

/// Groups of documents sharing a key up to this size give every pair; larger ones a star and a
/// chain ([`group_pairs`]). 16 and 64 give the same stories on spotsigs-dev and gen100k; 16
/// makes fewer pairs.
pub const ALL_PAIRS_UP_TO: usize = 16;

/// Pairs from one group of documents that share a key: every pair when the group is small, a
/// star around its first member plus a chain when it is large, so a group of 10,000 identical
/// copies costs 20,000 pairs, not 50 million.
pub(crate) fn group_pairs(group: &[u32], out: &mut Vec<Pair>) {
    if group.len() <= ALL_PAIRS_UP_TO {
        for (i, &a) in group.iter().enumerate() {
            for &b in &group[i + 1..] {
                out.push((a.min(b), a.max(b)));
            }
        }
    } else {
        let hub = group[0];
        for w in group.windows(2) {
            out.push((w[0].min(w[1]), w[0].max(w[1])));
        }
        for &b in &group[2..] {
            out.push((hub.min(b), hub.max(b)));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merge_sorted_is_a_union() {
        assert_eq!(
            merge_sorted(&[(0, 1), (0, 3), (2, 5)], &[(0, 2), (0, 3), (4, 4)]),
            [(0, 1), (0, 2), (0, 3), (2, 5), (4, 4)]
        );
        assert_eq!(merge_sorted(&[], &[(1, 2)]), [(1, 2)]);
    }

    #[test]
    fn group_pairs_small_and_large() {
        let mut out = Vec::new();
        group_pairs(&[3, 1, 2], &mut out);
        out.sort();
        assert_eq!(out, [(1, 2), (1, 3), (2, 3)]);
        let big: Vec<u32> = (0..1000).collect();
        let mut out = Vec::new();
        group_pairs(&big, &mut out);
        assert!(out.len() < 2000);
        assert!(out.contains(&(0, 999)) && out.contains(&(500, 501)));
    }
}
