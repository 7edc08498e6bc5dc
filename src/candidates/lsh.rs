//! Locality-sensitive hashing by banding: a signature of `bands × rows` values is cut into
//! bands; two documents are candidates when they agree on every row of at least one band.
//! The probability of that is 1 − (1 − J^rows)^bands, an S-curve whose steep part is placed at
//! the threshold by [`params`].

use rayon::prelude::*;
use xxhash_rust::xxh3::xxh3_64;

use super::{Pair, group_pairs};
use crate::minhash::Signature;

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

/// Candidate pairs from banding.
pub fn candidates(signatures: &[Signature], bands: usize, rows: usize) -> Vec<Pair> {
    (0..bands)
        .into_par_iter()
        .flat_map_iter(|band| {
            let mut keyed: Vec<(u64, u32)> = signatures
                .iter()
                .enumerate()
                .filter(|(_, s)| s.len() >= (band + 1) * rows)
                .map(|(i, s)| {
                    let slice = &s[band * rows..(band + 1) * rows];
                    let bytes: Vec<u8> = slice.iter().flat_map(|v| v.to_le_bytes()).collect();
                    (xxh3_64(&bytes), i as u32)
                })
                .collect();
            keyed.sort_unstable();
            let mut out = Vec::new();
            let mut start = 0;
            while start < keyed.len() {
                let mut end = start + 1;
                while end < keyed.len() && keyed[end].0 == keyed[start].0 {
                    end += 1;
                }
                if end - start > 1 {
                    let group: Vec<u32> = keyed[start..end].iter().map(|&(_, d)| d).collect();
                    group_pairs(&group, &mut out);
                }
                start = end;
            }
            out
        })
        .collect()
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
        let pairs = candidates(&[s1.clone(), s2, s1], 4, 2);
        assert!(pairs.iter().all(|&p| p == (0, 2)));
        assert_eq!(pairs.len(), 4, "one collision per band");
    }
}
