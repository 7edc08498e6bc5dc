//! Candidates for containment: an inverted index over a fixed sample of shingle hashes (those
//! ≡ 0 mod `modulus`, the same sample in every document). Two documents that share a large part
//! of the smaller one's sample are candidates. Shingles in more than `max_posting` documents
//! (site templates, boilerplate, huge duplicate groups) are skipped, which keeps the cost near
//! linear; huge groups of copies are still found by LSH.

use rayon::prelude::*;

use super::Pair;
use crate::shingle::Shingle;

/// Candidate pairs whose estimated containment |A∩B| / min(|A|,|B|) on the sample is at least
/// `threshold` (and which share at least two sampled shingles). Each set is sorted and
/// deduplicated, as [`crate::shingle`] makes them.
pub fn candidates(
    shingles: &[Vec<Shingle>],
    modulus: u64,
    max_posting: usize,
    threshold: f64,
) -> Vec<Pair> {
    // Document ids are marked with a high bit in the posting lists. 2³¹ documents would need
    // hundreds of GB of shingles; should it ever happen, LSH alone gives the candidates.
    if shingles.len() >= LAST as usize {
        return Vec::new();
    }
    let sample = Sample {
        modulus: Shingle::try_from(modulus.max(1)).unwrap_or(Shingle::MAX),
    };
    let sampled: Vec<u32> = shingles
        .par_iter()
        .map(|s| s.iter().filter(|&&h| sample.keeps(h)).count() as u32)
        .collect();
    let postings = Postings::build(shingles, sample, &sampled, max_posting, PASS_BYTES);
    let doc_bits = u32::BITS - (shingles.len() as u32).leading_zeros();
    (0..shingles.len())
        .into_par_iter()
        // Each document gathers the later documents it shares sampled shingles with, in a
        // buffer of its own: memory stays linear in the postings, never in the pairs.
        .map_init(Partners::default, |partners, a| {
            // Every later document sharing a sampled shingle, once per shared shingle.
            partners.ids.clear();
            let lists = postings.memberships(a);
            // The lists are scattered over the index: reading all their heads first lets the
            // cache misses overlap, where going list by list waits for one miss at a time.
            std::hint::black_box(
                lists
                    .iter()
                    .fold(0, |x, &at| x ^ postings.docs[at as usize]),
            );
            for &at in lists {
                partners.ids.extend(postings.after(at));
            }
            partners.sort(doc_bits);
            partners
                .ids
                .chunk_by(|x, y| x == y)
                .filter(|run| {
                    let (b, shared) = (run[0], run.len() as u32);
                    // Most partners share one sampled shingle: that test comes first.
                    shared >= 2 && {
                        let smaller = sampled[a].min(sampled[b as usize]).max(1);
                        f64::from(shared) / f64::from(smaller) >= threshold
                    }
                })
                .map(|run| (a as u32, run[0]))
                .collect::<Vec<Pair>>()
        })
        .flatten_iter()
        .collect()
}

/// Bytes of (shingle, document) entries sorted at once: on a million articles the entries take
/// some 450 MB, sorted in four passes.
const PASS_BYTES: usize = 128 << 20;

/// Marks the last document of each posting list in [`Postings::docs`].
const LAST: u32 = 1 << 31;

/// The posting lists of the sampled shingles found in 2 to `max_posting` documents, and where
/// each document stands in them.
struct Postings {
    /// The lists one after the other, in shingle-hash order, each sorted by document, its last
    /// id marked with [`LAST`]. Document ids are below 2³¹ (a `Pair` holds `u32` ids, and a
    /// corpus of 2³¹ documents would not fit in memory anyway).
    docs: Vec<u32>,
    /// Positions in `docs`, grouped by document: document `d`'s are
    /// `memberships[offsets[d]..offsets[d + 1]]`. A document's partners in a list are the ids
    /// after its own, so nothing is looked up or searched for in the main pass: a hash table
    /// and a binary search per shared shingle cost a cache miss each and took most of the time.
    memberships: Vec<u32>,
    offsets: Vec<usize>,
}

impl Postings {
    /// Sorted (shingle, document) entries are built and cut into runs one range of hash values
    /// at a time, so that about `pass_bytes` of them at most exist at once (a range can hold
    /// more only if the hashes are skewed): only the document ids of the kept runs stay,
    /// half the size of the entries. Lists beyond 2³² ids in all (some 30 billion shingles of
    /// text) are left out. The sets are sorted, so a range is a slice of each.
    fn build(
        shingles: &[Vec<Shingle>],
        sample: Sample,
        sampled: &[u32],
        max_posting: usize,
        pass_bytes: usize,
    ) -> Postings {
        let entries: usize = sampled.iter().map(|&n| n as usize).sum();
        let bytes = entries * std::mem::size_of::<(Shingle, u32)>();
        let passes = bytes
            .div_ceil(pass_bytes.max(1))
            .clamp(1, 256)
            .next_power_of_two();
        let shift = Shingle::BITS - passes.trailing_zeros();
        let pass_of = |h: Shingle| {
            if passes == 1 {
                0
            } else {
                (h >> shift) as usize
            }
        };
        let mut docs: Vec<u32> = Vec::with_capacity(entries.min(u32::MAX as usize));
        let mut counts = vec![0usize; shingles.len()];
        for pass in 0..passes {
            let mut entries: Vec<(Shingle, u32)> = shingles
                .par_iter()
                .enumerate()
                .flat_map_iter(|(i, s)| {
                    // A pass's hashes are one range of each sorted set: found by two binary
                    // searches, not by testing every hash in every pass.
                    let from = s.partition_point(|&h| pass_of(h) < pass);
                    let to = from + s[from..].partition_point(|&h| pass_of(h) == pass);
                    s[from..to]
                        .iter()
                        .filter(move |&&h| sample.keeps(h))
                        .map(move |&h| (h, i as u32))
                })
                .collect();
            entries.par_sort_unstable();
            for run in entries.chunk_by(|x, y| x.0 == y.0) {
                if (2..=max_posting).contains(&run.len())
                    && docs.len() + run.len() <= u32::MAX as usize
                {
                    docs.extend(run.iter().map(|&(_, d)| d));
                    if let Some(last) = docs.last_mut() {
                        *last |= LAST;
                    }
                    for &(_, d) in run {
                        counts[d as usize] += 1;
                    }
                }
            }
        }
        docs.shrink_to_fit();
        let mut offsets = Vec::with_capacity(shingles.len() + 1);
        let mut sum = 0;
        for c in &counts {
            offsets.push(sum);
            sum += c;
        }
        offsets.push(sum);
        // Filled in order of position: each document's memberships are in list order.
        let mut cursor = counts;
        cursor.copy_from_slice(&offsets[..shingles.len()]);
        let mut memberships = vec![0u32; sum];
        for (at, &d) in docs.iter().enumerate() {
            let d = (d & !LAST) as usize;
            memberships[cursor[d]] = at as u32;
            cursor[d] += 1;
        }
        Postings {
            docs,
            memberships,
            offsets,
        }
    }

    /// Positions of document `d` in the posting lists.
    fn memberships(&self, d: usize) -> &[u32] {
        &self.memberships[self.offsets[d]..self.offsets[d + 1]]
    }

    /// The documents after position `at` in its posting list. (A list holds each document once:
    /// shingle sets are deduplicated, so no document is its own partner.)
    fn after(&self, at: u32) -> impl Iterator<Item = u32> + '_ {
        let at = at as usize;
        let rest = match self.docs[at] & LAST {
            0 => &self.docs[at + 1..],
            _ => &[],
        };
        let len = rest
            .iter()
            .position(|&d| d & LAST != 0)
            .map_or(0, |i| i + 1);
        rest[..len].iter().map(|&d| d & !LAST)
    }
}

/// The shingles the index keeps: those whose hash is 0 modulo `modulus`.
#[derive(Clone, Copy)]
struct Sample {
    modulus: Shingle,
}

impl Sample {
    fn keeps(self, h: Shingle) -> bool {
        // Tested on every shingle: a mask where the modulus allows one (the default 8 does),
        // not a division.
        if self.modulus.is_power_of_two() {
            h & (self.modulus - 1) == 0
        } else {
            h.is_multiple_of(self.modulus)
        }
    }
}

/// One document's partners, one id per shared sampled shingle, and a buffer to sort them. A
/// document meets some 2,500 partners on a million generated articles; a radix sort of their
/// ids costs a fraction of a comparison sort or of counting in an array indexed by document
/// (a cache miss per partner).
#[derive(Default)]
struct Partners {
    ids: Vec<u32>,
    spare: Vec<u32>,
}

impl Partners {
    /// Sorts the ids, all below 2^`bits`.
    fn sort(&mut self, bits: u32) {
        const DIGIT: u32 = 11;
        const SMALL: usize = 256;
        if self.ids.len() <= SMALL {
            self.ids.sort_unstable();
            return;
        }
        let n = self.ids.len();
        // The bucket counters are 32-bit (half the cache of 64-bit ones).
        if n > u32::MAX as usize {
            self.ids.sort_unstable();
            return;
        }
        let mask = (1u32 << DIGIT) - 1;
        let mut shift = 0;
        while shift < bits {
            let mut starts = [0u32; 1 << DIGIT];
            for &x in &self.ids {
                starts[((x >> shift) & mask) as usize] += 1;
            }
            let mut sum = 0;
            for s in starts.iter_mut() {
                (*s, sum) = (sum, sum + *s);
            }
            // Not cleared first: every slot is written before it is read.
            self.spare.resize(n, 0);
            for &x in &self.ids {
                let d = ((x >> shift) & mask) as usize;
                self.spare[starts[d] as usize] = x;
                starts[d] += 1;
            }
            std::mem::swap(&mut self.ids, &mut self.spare);
            shift += DIGIT;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::minhash::mix64;

    fn sets(docs: u64, size: u64) -> Vec<Vec<u32>> {
        (0..docs)
            .map(|d| {
                let mut s: Vec<u32> = (0..size).map(|i| mix64(i + d * 37) as u32).collect();
                s.sort_unstable();
                s.dedup();
                s
            })
            .collect()
    }

    fn build(sets: &[Vec<u32>], pass_bytes: usize) -> Postings {
        let sample = Sample { modulus: 4 };
        let sampled: Vec<u32> = sets
            .iter()
            .map(|s| s.iter().filter(|&&h| sample.keeps(h)).count() as u32)
            .collect();
        Postings::build(sets, sample, &sampled, 100, pass_bytes)
    }

    #[test]
    fn postings_are_the_same_in_one_pass_or_many() {
        let sets = sets(50, 400);
        let one = build(&sets, usize::MAX);
        let many = build(&sets, 64);
        let lists = one.docs.iter().filter(|&&d| d & LAST != 0).count();
        assert!(lists > 100, "the sets overlap: {lists}");
        assert_eq!(one.docs, many.docs);
        assert_eq!(one.memberships, many.memberships);
        assert_eq!(one.offsets, many.offsets);
    }

    #[test]
    fn memberships_point_at_the_document_and_after_gives_the_rest_of_its_list() {
        let sets = sets(30, 300);
        let p = build(&sets, usize::MAX);
        for d in 0..sets.len() {
            for &at in p.memberships(d) {
                assert_eq!((p.docs[at as usize] & !LAST) as usize, d);
                let after: Vec<u32> = p.after(at).collect();
                assert!(after.iter().all(|&b| b as usize > d), "{after:?}");
                // The list continues up to its marked end and no further.
                let end = at as usize + after.len();
                assert_ne!(p.docs[end] & LAST, 0);
            }
        }
        // A sampled shingle of two documents is one list of two, seen from both.
        let pair = vec![vec![8, 16, 24], vec![8, 100, 200]];
        let p = build(&pair, usize::MAX);
        assert_eq!(p.docs, [0, 1 | LAST]);
        assert_eq!(p.after(p.memberships(0)[0]).collect::<Vec<_>>(), [1]);
        assert_eq!(p.after(p.memberships(1)[0]).count(), 0);
    }

    #[test]
    fn radix_sort_sorts() {
        let mut p = Partners {
            ids: (0..5000u64)
                .map(|i| (mix64(i) % 1_000_000) as u32)
                .collect(),
            spare: Vec::new(),
        };
        let mut want = p.ids.clone();
        want.sort_unstable();
        p.sort(20);
        assert_eq!(p.ids, want);
    }

    /// Every pair counted: shared sampled shingles in lists of 2 to `cap` documents, over the
    /// smaller sample.
    fn brute_force(sets: &[Vec<u32>], modulus: u32, cap: usize, threshold: f64) -> Vec<Pair> {
        let sampled: Vec<Vec<u32>> = sets
            .iter()
            .map(|s| s.iter().copied().filter(|h| h % modulus == 0).collect())
            .collect();
        let mut holders = std::collections::HashMap::<u32, usize>::new();
        for s in &sampled {
            for &h in s {
                *holders.entry(h).or_default() += 1;
            }
        }
        let mut want = Vec::new();
        for a in 0..sets.len() {
            for b in a + 1..sets.len() {
                let shared = sampled[a]
                    .iter()
                    .filter(|h| sampled[b].contains(h) && (2..=cap).contains(&holders[*h]))
                    .count() as f64;
                let smaller = sampled[a].len().min(sampled[b].len()).max(1) as f64;
                if shared >= 2.0 && shared / smaller >= threshold {
                    want.push((a as u32, b as u32));
                }
            }
        }
        want
    }

    #[test]
    fn same_pairs_as_counting_every_pair() {
        for seed in 0..6u64 {
            // Documents drawing shingles from a small pool, so that they share many; some
            // small, some large, some copies of others.
            let mut sets: Vec<Vec<u32>> = (0..150u64)
                .map(|d| {
                    let n = 5 + mix64(d ^ (seed << 32)) % 300;
                    let pool = 3000 * (1 + seed % 3);
                    let mut s: Vec<u32> = (0..n)
                        .map(|i| (mix64((seed << 40) | (d * 1000 + i)) % pool) as u32 * 2)
                        .collect();
                    s.sort_unstable();
                    s.dedup();
                    s
                })
                .collect();
            for d in 0..10 {
                sets[d * 7 + 1] = sets[d * 7].clone();
            }
            for (modulus, cap, threshold) in [
                (4u32, 30, 0.25),
                (2, 150, 0.25),
                (4, 60, 0.05),
                (2, 40, 0.6),
                (4, 150, 1.0),
            ] {
                let want = brute_force(&sets, modulus, cap, threshold);
                assert!(!want.is_empty(), "{seed} {modulus} {cap} {threshold}");
                let got = candidates(&sets, u64::from(modulus), cap, threshold);
                assert_eq!(got, want, "{seed} {modulus} {cap} {threshold}");
            }
        }
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
