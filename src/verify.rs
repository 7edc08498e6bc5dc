//! Stage 5: exact similarity of every candidate pair on the full shingle sets.

use rayon::prelude::*;

use crate::candidates::Pair;
use crate::shingle::{Shingle, intersection_size};

/// Exact similarity of two documents.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Similarity {
    pub a: u32,
    pub b: u32,
    /// |A∩B| / |A∪B|
    pub jaccard: f64,
    /// |A∩B| / min(|A|,|B|): how much of the shorter text the longer one holds.
    pub containment: f64,
}

/// Jaccard and containment of two sorted, deduplicated shingle sets.
pub fn similarity(a: &[Shingle], b: &[Shingle]) -> (f64, f64) {
    if a.is_empty() || b.is_empty() {
        return (0.0, 0.0);
    }
    similarity_of_counts(intersection_size(a, b), a.len(), b.len())
}

/// [`similarity`] from the counts: shared shingles and each set's size.
pub fn similarity_of_counts(shared: usize, a: usize, b: usize) -> (f64, f64) {
    if a == 0 || b == 0 {
        return (0.0, 0.0);
    }
    let inter = shared as f64;
    let union = (a + b) as f64 - inter;
    (inter / union, inter / a.min(b) as f64)
}

/// Verifies candidate pairs, keeping those whose Jaccard or containment reaches `floor`.
pub fn verify(pairs: &[Pair], shingles: &[Vec<Shingle>], floor: f64) -> Vec<Similarity> {
    pairs
        .par_iter()
        .filter_map(|&(a, b)| {
            let (jaccard, containment) = similarity(&shingles[a as usize], &shingles[b as usize]);
            (jaccard >= floor || containment >= floor).then_some(Similarity {
                a,
                b,
                jaccard,
                containment,
            })
        })
        .collect()
}

/// For each member of a group, how many of its shingles also occur in another member: how much
/// of the story it covers, not counting text that is its own (its chrome). Linear in the
/// group's shingles.
pub fn shared_coverage(group: &[u32], shingles: &[Vec<Shingle>]) -> Vec<usize> {
    if group.len() == 1 {
        return vec![shingles[group[0] as usize].len()];
    }
    if let [a, b] = group {
        let n = intersection_size(&shingles[*a as usize], &shingles[*b as usize]);
        return vec![n, n];
    }
    let shared = held_by(group, shingles, 2);
    group
        .iter()
        .map(|&d| intersection_size(&shingles[d as usize], &shared))
        .collect()
}

/// The shingles that at least `needed` members of `group` hold, sorted.
pub fn held_by(group: &[u32], shingles: &[Vec<Shingle>], needed: usize) -> Vec<Shingle> {
    // Sized once and filled by copies: a collected `flat_map` grows by reallocation.
    let mut all: Vec<Shingle> =
        Vec::with_capacity(group.iter().map(|&d| shingles[d as usize].len()).sum());
    for &d in group {
        all.extend_from_slice(&shingles[d as usize]);
    }
    // A stable sort: it finds the members' sorted runs and merges them (a third faster than an
    // unstable sort on groups of six generated articles).
    all.sort();
    all.chunk_by(|x, y| x == y)
        .filter(|run| run.len() >= needed)
        .map(|run| run[0])
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn similarity_table() {
        for (a, b, j, c) in [
            (vec![1u32, 2, 3, 4], vec![1u32, 2, 3, 4], 1.0, 1.0),
            (vec![1, 2, 3, 4], vec![3, 4, 5, 6], 2.0 / 6.0, 0.5),
            (vec![1, 2], vec![1, 2, 3, 4, 5, 6, 7, 8], 0.25, 1.0),
            (vec![1], vec![2], 0.0, 0.0),
            (vec![], vec![1], 0.0, 0.0),
        ] {
            let (gj, gc) = similarity(&a, &b);
            assert!(
                (gj - j).abs() < 1e-12 && (gc - c).abs() < 1e-12,
                "{a:?} {b:?}: {gj} {gc}"
            );
        }
    }

    #[test]
    fn coverage_counts_shared_shingles_only() {
        let sets = vec![
            vec![1, 2, 3],
            vec![1, 2, 3, 4, 5],
            vec![4, 5, 100, 101, 102],
        ];
        assert_eq!(shared_coverage(&[0, 1, 2], &sets), [3, 5, 2]);
        assert_eq!(shared_coverage(&[2], &sets), [5]);
        assert_eq!(held_by(&[0, 1, 2], &sets, 2), [1, 2, 3, 4, 5]);
        assert_eq!(held_by(&[0, 1, 2], &sets, 3), Vec::<Shingle>::new());
        assert_eq!(held_by(&[1, 2], &sets, 2), [4, 5]);
    }

    #[test]
    fn verify_filters_by_floor() {
        let sets = vec![vec![1, 2, 3, 4], vec![1, 2, 3, 5], vec![9, 10, 11, 12]];
        let got = verify(&[(0, 1), (0, 2)], &sets, 0.3);
        assert_eq!(got.len(), 1);
        assert_eq!((got[0].a, got[0].b), (0, 1));
    }
}
