//! Locality-sensitive hashing by banding: a signature of `bands × rows` values is cut into
//! bands; two documents are candidates when they agree on every row of at least one band.
//! The probability of that is 1 − (1 − J^rows)^bands, an S-curve whose steep part is placed at
//! the threshold by [`params`].

use rayon::prelude::*;
use xxhash_rust::xxh3::xxh3_64;

use super::{Pair, group_pairs, merge_sorted};
use crate::minhash::{self, Signature};
use crate::shingle::Shingle;

/// Chooses (bands, rows) with bands × rows ≤ `bins` minimizing the area of false positives below
/// `threshold` plus false negatives above it, weighing misses twice (verification removes false
/// positives; nothing recovers a miss).
pub fn params(threshold: f64, bins: usize) -> (usize, usize) {
    let t = threshold.clamp(0.01, 0.99);
    let prob = |s: f64, b: usize, r: usize| 1.0 - (1.0 - s.powi(r as i32)).powi(b as i32);
    let integrate = |f: &dyn Fn(f64) -> f64, lo: f64, hi: f64| {
        let n = 200;
        let step = (hi - lo) / n as f64;
        (0..n)
            .map(|i| f(lo + (i as f64 + 0.5) * step) * step)
            .sum::<f64>()
    };
    let mut best = (1, bins.max(1));
    let mut best_err = f64::INFINITY;
    for b in 1..=bins.max(1) {
        for r in 1..=(bins / b).max(1) {
            if b * r > bins.max(1) {
                break;
            }
            let fp = integrate(&|s| prob(s, b, r), 0.0, t);
            let fnr = integrate(&|s| 1.0 - prob(s, b, r), t, 1.0);
            let err = fp + 2.0 * fnr;
            if err < best_err - 1e-12 {
                best_err = err;
                best = (b, r);
            }
        }
    }
    best
}

/// The band keys of every document: `bands` 32-bit hashes each, all that banding needs of a
/// signature (128 bytes a document at 32 bands, against 512 for a 128-bin signature). A false
/// collision of two 32-bit keys only adds a candidate, which verification then rejects.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BandKeys {
    pub bands: usize,
    /// `keys[doc * bands + band]`.
    pub keys: Vec<u32>,
}

impl BandKeys {
    pub fn docs(&self) -> usize {
        self.keys.len().checked_div(self.bands).unwrap_or(0)
    }
}

/// The band keys of every document: a one-permutation MinHash signature of `bins` values,
/// cut into `bands` bands of `rows`, each band hashed to 32 bits. The signature itself is not
/// kept.
pub fn band_keys_of(shingles: &[Vec<Shingle>], bins: usize, bands: usize, rows: usize) -> BandKeys {
    let keys = shingles
        .par_iter()
        .flat_map_iter(|s| {
            let signature = minhash::one_permutation(s, bins);
            band_keys(&signature, bands, rows).collect::<Vec<u32>>()
        })
        .collect();
    BandKeys { bands, keys }
}

/// The keys of one signature's bands: a hash of each band's `rows` values (band `b` covers
/// values `b × rows .. (b + 1) × rows`).
pub fn band_keys(signature: &Signature, bands: usize, rows: usize) -> impl Iterator<Item = u32> {
    (0..bands).map(move |band| {
        let mut bytes = [0u8; 4 * 64];
        let slice = signature.get(band * rows..(band + 1) * rows).unwrap_or(&[]);
        let n = slice.len().min(64);
        for (i, v) in slice[..n].iter().enumerate() {
            bytes[i * 4..i * 4 + 4].copy_from_slice(&v.to_le_bytes());
        }
        xxh3_64(&bytes[..n * 4]) as u32
    })
}

/// Candidate pairs from banding, sorted and without duplicates. Bands are handled a few at a
/// time and merged into the result as they come, so memory holds the distinct pairs, not one
/// copy per band they collide in.
pub fn candidates(keys: &BandKeys) -> Vec<Pair> {
    const BANDS_AT_ONCE: usize = 4;
    let (bands, docs) = (keys.bands, keys.docs());
    let mut all: Vec<Pair> = Vec::new();
    for first in (0..bands).step_by(BANDS_AT_ONCE) {
        let fresh: Vec<Vec<Pair>> = (first..(first + BANDS_AT_ONCE).min(bands))
            .into_par_iter()
            .map(|band| band_pairs(keys, band, docs))
            .collect();
        for f in fresh {
            all = merge_sorted(&all, &f);
        }
    }
    all
}

/// The pairs colliding in one band, sorted and without duplicates.
fn band_pairs(keys: &BandKeys, band: usize, docs: usize) -> Vec<Pair> {
    let mut keyed: Vec<(u32, u32)> = (0..docs)
        .map(|d| (keys.keys[d * keys.bands + band], d as u32))
        .collect();
    keyed.sort_unstable();
    let mut out = Vec::new();
    let mut group = Vec::new();
    for run in keyed.chunk_by(|a, b| a.0 == b.0) {
        if run.len() > 1 {
            group.clear();
            group.extend(run.iter().map(|&(_, d)| d));
            group_pairs(&group, &mut out);
        }
    }
    out.sort_unstable();
    out.dedup();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn params_move_with_threshold() {
        let (b_lo, r_lo) = params(0.3, 128);
        let (b_hi, r_hi) = params(0.8, 128);
        assert!(b_lo * r_lo <= 128 && b_hi * r_hi <= 128);
        assert!(
            r_lo < r_hi,
            "a higher threshold needs more rows per band: {r_lo} vs {r_hi}"
        );
        // The S-curve's midpoint (1/b)^(1/r) sits near the threshold.
        let mid = (1.0 / b_lo as f64).powf(1.0 / r_lo as f64);
        assert!((mid - 0.3).abs() < 0.15, "midpoint {mid}");
    }

    #[test]
    fn identical_signatures_collide() {
        let s1 = vec![1u32, 2, 3, 4, 5, 6, 7, 8];
        let s2 = vec![9u32, 9, 9, 9, 9, 9, 9, 9];
        let mut s3 = s1.clone();
        s3[7] = 0; // agrees with s1 on three bands of four
        let keys: Vec<u32> = [&s1, &s2, &s1, &s3]
            .iter()
            .flat_map(|s| band_keys(s, 4, 2))
            .collect();
        let keys = BandKeys { bands: 4, keys };
        assert_eq!(keys.docs(), 4);
        assert_eq!(candidates(&keys), [(0, 2), (0, 3), (2, 3)]);
    }
}
