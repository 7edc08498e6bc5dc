//! Candidates for containment: an inverted index over a fixed sample of shingle hashes (those
//! ≡ 0 mod `modulus`, the same sample in every document). Two documents that share a large part
//! of the smaller one's sample are candidates. Shingles in more than `max_posting` documents
//! (site templates, boilerplate, huge duplicate groups) are skipped, which keeps the cost near
//! linear; huge groups of copies are still found by LSH.

use rayon::prelude::*;

use super::Pair;
use crate::shingle::Shingle;

/// Candidate pairs whose estimated containment |A∩B| / min(|A|,|B|) on the sample is at least
/// `threshold` (and which share at least two sampled shingles).
pub fn candidates(
    shingles: &[Vec<crate::shingle::Shingle>],
    modulus: u64,
    max_posting: usize,
    threshold: f64,
) -> Vec<Pair> {
    let modulus = modulus.max(1) as crate::shingle::Shingle;
    let mut postings: Vec<(crate::shingle::Shingle, u32)> = shingles
        .par_iter()
        .enumerate()
        .flat_map_iter(|(i, s)| {
            s.iter()
                .filter(move |&&h| h % modulus == 0)
                .map(move |&h| (h, i as u32))
        })
        .collect();
    postings.par_sort_unstable();
    // Runs of equal hashes are posting lists; keep those of useful length.
    let mut run_hashes = Vec::new();
    let mut runs = Vec::new();
    let mut start = 0;
    while start < postings.len() {
        let mut end = start + 1;
        while end < postings.len() && postings[end].0 == postings[start].0 {
            end += 1;
        }
        if end - start > 1 && end - start <= max_posting {
            run_hashes.push(postings[start].0);
            runs.push(start..end);
        }
        start = end;
    }
    let index = RunIndex::new(&run_hashes);
    let sampled: Vec<u32> = shingles
        .par_iter()
        .map(|s| s.iter().filter(|&&h| h % modulus == 0).count() as u32)
        .collect();
    (0..shingles.len())
        .into_par_iter()
        // Each document counts the later documents it shares sampled shingles with, in a buffer
        // of its own: memory stays linear in the postings, never in the pairs.
        .map_init(Vec::new, |partners: &mut Vec<u32>, a| {
            // Every later document sharing a sampled shingle, once per shared shingle; sorted,
            // runs of one id count the shingles shared with it (cheaper than a hash map).
            partners.clear();
            for h in shingles[a].iter().filter(|&&h| h % modulus == 0) {
                let Some(r) = index.get(*h) else {
                    continue;
                };
                let docs = &postings[runs[r].clone()];
                // Postings are sorted by document within a run: skip to the later ones.
                let from = docs.partition_point(|&(_, d)| d as usize <= a);
                partners.extend(docs[from..].iter().map(|&(_, b)| b));
            }
            partners.sort_unstable();
            partners
                .chunk_by(|x, y| x == y)
                .filter(|run| {
                    let (b, shared) = (run[0], run.len() as u32);
                    let smaller = sampled[a].min(sampled[b as usize]).max(1);
                    shared >= 2 && f64::from(shared) / f64::from(smaller) >= threshold
                })
                .map(|run| (a as u32, run[0]))
                .collect::<Vec<Pair>>()
        })
        .flatten_iter()
        .collect()
}

/// Posting-list lookup by shingle hash: an open-addressing table (linear probing, load at most
/// one half). On a million documents the lists number millions; a binary search over them costs
/// some twenty cache misses a lookup, this about one.
struct RunIndex {
    mask: usize,
    /// (hash, run number + 1); 0 marks an empty slot.
    slots: Vec<(Shingle, u32)>,
}

impl RunIndex {
    fn new(hashes: &[Shingle]) -> RunIndex {
        let size = (hashes.len() * 2).next_power_of_two().max(16);
        let mut slots = vec![(0, 0); size];
        let mask = size - 1;
        for (run, &h) in hashes.iter().enumerate() {
            let mut i = Self::slot(h, mask);
            while slots[i].1 != 0 {
                i = (i + 1) & mask;
            }
            slots[i] = (h, run as u32 + 1);
        }
        RunIndex { mask, slots }
    }

    /// Shingle hashes are uniform, but the sampled ones share their low bits: mix first.
    fn slot(h: Shingle, mask: usize) -> usize {
        (u64::from(h).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 32) as usize & mask
    }

    fn get(&self, h: Shingle) -> Option<usize> {
        let mut i = Self::slot(h, self.mask);
        loop {
            match self.slots[i] {
                (_, 0) => return None,
                (k, run) if k == h => return Some(run as usize - 1),
                _ => i = (i + 1) & self.mask,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::minhash::mix64;

    #[test]
    fn run_index_finds_every_key_and_only_those() {
        let hashes: Vec<Shingle> = (0..1000u32).map(|i| i * 8).collect();
        let index = RunIndex::new(&hashes);
        for (run, &h) in hashes.iter().enumerate() {
            assert_eq!(index.get(h), Some(run));
        }
        assert_eq!(index.get(4), None);
        assert_eq!(index.get(8000), None);
        assert_eq!(RunIndex::new(&[]).get(0), None);
    }

    #[test]
    fn finds_contained_brief_and_skips_common_shingles() {
        let long: Vec<u32> = (0..900).map(|i| mix64(i) as u32).collect();
        let mut brief: Vec<u32> = (0..300).map(|i| mix64(i) as u32).collect();
        brief.sort_unstable();
        let other: Vec<u32> = (5000..5300).map(|i| mix64(i) as u32).collect();
        let mut sorted_long = long.clone();
        sorted_long.sort_unstable();
        let pairs = candidates(&[sorted_long, brief, other], 4, 100, 0.5);
        assert_eq!(pairs, [(0, 1)]);
        // With a posting cap of 1 every shingle is "too common": nothing is produced.
        let long2: Vec<u32> = (0..100).map(|i| mix64(i) as u32).collect();
        assert!(candidates(&[long2.clone(), long2], 4, 1, 0.5).is_empty());
    }
}
