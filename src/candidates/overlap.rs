//! Candidates for containment: an inverted index over a fixed sample of shingle hashes (those
//! ≡ 0 mod `modulus`, the same sample in every document). Two documents that share a large part
//! of the smaller one's sample are candidates. Shingles in more than `max_posting` documents
//! (site templates, boilerplate, huge duplicate groups) are skipped, which keeps the cost near
//! linear; huge groups of copies are still found by LSH.

use rayon::prelude::*;

use super::Pair;

/// Candidate pairs whose estimated containment |A∩B| / min(|A|,|B|) on the sample is at least
/// `threshold` (and which share at least two sampled shingles).
pub fn candidates(
    shingles: &[Vec<crate::shingle::Shingle>],
    modulus: u64,
    max_posting: usize,
    threshold: f64,
) -> Vec<Pair> {
    let modulus = modulus.max(1) as crate::shingle::Shingle;
    let sampled: Vec<u32> = shingles
        .iter()
        .map(|s| s.iter().filter(|&&h| h % modulus == 0).count() as u32)
        .collect();
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
    // Each document counts the later documents it shares sampled shingles with, in a small map
    // of its own: memory stays linear in the postings, never in the pairs.
    (0..shingles.len())
        .into_par_iter()
        .flat_map_iter(|a| {
            let mut counts: std::collections::HashMap<u32, u32> = std::collections::HashMap::new();
            for h in shingles[a].iter().filter(|&&h| h % modulus == 0) {
                let Ok(r) = run_hashes.binary_search(h) else {
                    continue;
                };
                let docs = &postings[runs[r].clone()];
                // Postings are sorted by document within a run: skip to the later ones.
                let from = docs.partition_point(|&(_, d)| d as usize <= a);
                for &(_, b) in &docs[from..] {
                    *counts.entry(b).or_default() += 1;
                }
            }
            let mut found: Vec<Pair> = counts
                .into_iter()
                .filter(|&(b, shared)| {
                    let smaller = sampled[a].min(sampled[b as usize]).max(1);
                    shared >= 2 && f64::from(shared) / f64::from(smaller) >= threshold
                })
                .map(|(b, _)| (a as u32, b))
                .collect();
            found.sort_unstable();
            found
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::minhash::mix64;

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
