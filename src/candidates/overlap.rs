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
    shingles: &[Vec<u64>],
    modulus: u64,
    max_posting: usize,
    threshold: f64,
) -> Vec<Pair> {
    let modulus = modulus.max(1);
    let sampled: Vec<u32> = shingles
        .iter()
        .map(|s| s.iter().filter(|&&h| h % modulus == 0).count() as u32)
        .collect();
    let mut postings: Vec<(u64, u32)> = shingles
        .par_iter()
        .enumerate()
        .flat_map_iter(|(i, s)| {
            s.iter()
                .filter(move |&&h| h % modulus == 0)
                .map(move |&h| (h, i as u32))
        })
        .collect();
    postings.par_sort_unstable();
    // Runs of equal hashes are posting lists; emit the document pairs of each.
    let mut runs = Vec::new();
    let mut start = 0;
    while start < postings.len() {
        let mut end = start + 1;
        while end < postings.len() && postings[end].0 == postings[start].0 {
            end += 1;
        }
        if end - start > 1 && end - start <= max_posting {
            runs.push(start..end);
        }
        start = end;
    }
    let mut pairs: Vec<u64> = runs
        .par_iter()
        .flat_map_iter(|r| {
            let docs = &postings[r.clone()];
            let mut out = Vec::with_capacity(docs.len() * (docs.len() - 1) / 2);
            for (i, &(_, a)) in docs.iter().enumerate() {
                for &(_, b) in &docs[i + 1..] {
                    out.push((u64::from(a.min(b)) << 32) | u64::from(a.max(b)));
                }
            }
            out
        })
        .collect();
    pairs.par_sort_unstable();
    let mut out = Vec::new();
    let mut i = 0;
    while i < pairs.len() {
        let mut j = i + 1;
        while j < pairs.len() && pairs[j] == pairs[i] {
            j += 1;
        }
        let shared = (j - i) as u32;
        let (a, b) = ((pairs[i] >> 32) as u32, pairs[i] as u32);
        let smaller = sampled[a as usize].min(sampled[b as usize]).max(1);
        if shared >= 2 && f64::from(shared) / f64::from(smaller) >= threshold {
            out.push((a, b));
        }
        i = j;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::minhash::mix64;

    #[test]
    fn finds_contained_brief_and_skips_common_shingles() {
        let long: Vec<u64> = (0..900).map(mix64).collect();
        let mut brief: Vec<u64> = (0..300).map(mix64).collect();
        brief.sort_unstable();
        let other: Vec<u64> = (5000..5300).map(mix64).collect();
        let mut sorted_long = long.clone();
        sorted_long.sort_unstable();
        let pairs = candidates(&[sorted_long, brief, other], 4, 100, 0.5);
        assert_eq!(pairs, [(0, 1)]);
        // With a posting cap of 1 every shingle is "too common": nothing is produced.
        let long2: Vec<u64> = (0..100).map(mix64).collect();
        assert!(candidates(&[long2.clone(), long2], 4, 1, 0.5).is_empty());
    }
}
