//! Candidates for containment: an inverted index over a fixed sample of shingle hashes (those
//! ≡ 0 mod `modulus`, the same sample in every document). Two documents that share a large part
//! of the smaller one's sample are candidates. Shingles in more than `max_posting` documents
//! (site templates, boilerplate, huge duplicate groups) are skipped, which keeps the cost near
//! linear; huge groups of copies are still found by LSH.
//!
//! Each document counts the later documents it shares short lists with (every pair of a
//! short list is met once). Long lists, such as a stock sentence in hundreds of documents, are
//! not walked pair by pair: on a million generated articles, lists of 128 to 256 documents made
//! 87% of that work. A pair that shares a long list is counted in full when it also shares a
//! short one; a pair that shares only long lists is found by prefix filtering (as in the
//! AllPairs and PPJoin similarity joins): if the pair needs `need` shared lists, one of them is
//! among the smaller document's long lists once its `need - 1` longest are left out. Most
//! documents have fewer long lists than they would need, and walk none.

use rayon::prelude::*;

use super::Pair;
use crate::shingle::{self, Shingle};

/// Lists of more documents than this are long (see the module's documentation).
const LONG: u32 = 64;

/// Candidate pairs whose estimated containment |A∩B| / min(|A|,|B|) on the sample is at least
/// `threshold` (and which share at least two sampled shingles), sorted, without duplicates.
pub fn candidates(
    shingles: &[Vec<Shingle>],
    modulus: u64,
    max_posting: usize,
    threshold: f64,
) -> Vec<Pair> {
    candidates_with(shingles, modulus, max_posting, threshold, LONG)
}

/// [`candidates`], with lists of more than `long` documents taken as long.
fn candidates_with(
    shingles: &[Vec<Shingle>],
    modulus: u64,
    max_posting: usize,
    threshold: f64,
    long: u32,
) -> Vec<Pair> {
    // List ids and positions are u32: 2³² documents would need hundreds of GB of shingles;
    // should it ever happen, LSH alone gives the candidates.
    if shingles.len() >= u32::MAX as usize {
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
    let long_lists: Vec<usize> = (0..shingles.len())
        .into_par_iter()
        .map(|d| {
            postings
                .lists_of(d)
                .iter()
                .filter(|&&l| postings.len(l) > long)
                .count()
        })
        .collect();
    // Whether `shared` sampled shingles make the pair (a, b) a candidate.
    let passes = |shared: usize, a: usize, b: usize| {
        let smaller = sampled[a].min(sampled[b]).max(1);
        shared >= 2 && shared as f64 / f64::from(smaller) >= threshold
    };
    let doc_bits = u32::BITS - (shingles.len() as u32).leading_zeros();
    let mut pairs: Vec<Pair> = (0..shingles.len())
        .into_par_iter()
        .map_init(Probe::default, |probe, b| {
            let lists = postings.lists_of(b);
            let mut out: Vec<Pair> = Vec::new();
            // Later documents sharing short lists, once per shared list.
            let ids = &mut probe.partners.ids;
            ids.clear();
            for &l in lists.iter().filter(|&&l| postings.len(l) <= long) {
                let docs = postings.docs(l);
                ids.extend_from_slice(&docs[docs.partition_point(|&a| a as usize <= b)..]);
            }
            probe.partners.sort(doc_bits);
            for run in probe.partners.ids.chunk_by(|x, y| x == y) {
                let (a, short) = (run[0] as usize, run.len());
                // Long lists shared too can only add as many as the fewer either has.
                let most = short + long_lists[a].min(long_lists[b]);
                let found = passes(short, a, b)
                    || (most > short
                        && passes(most, a, b)
                        && passes(
                            shingle::intersection_size(lists, postings.lists_of(a)),
                            a,
                            b,
                        ));
                if found {
                    out.push((b as u32, a as u32));
                }
            }
            // Partners sharing only long lists, ranked above this document (a larger sample,
            // or an equal one and a larger id): the pair's smaller sample is this one's, which
            // fixes how many lists it needs.
            let above = |a: u32| (sampled[a as usize], a) > (sampled[b], b as u32);
            let Some(need) = (2..=long_lists[b]).find(|&c| passes(c, b, b)) else {
                return out;
            };
            probe.prefix.clear();
            probe.prefix.extend(
                lists
                    .iter()
                    .map(|&l| (postings.len(l), l))
                    .filter(|&(n, _)| n > long),
            );
            probe.prefix.sort_unstable();
            probe.prefix.truncate(long_lists[b] + 1 - need);
            let ids = &mut probe.partners.ids;
            ids.clear();
            for &(_, l) in &probe.prefix {
                ids.extend(
                    postings
                        .docs(l)
                        .iter()
                        .copied()
                        .filter(|&a| long_lists[a as usize] >= need && above(a)),
                );
            }
            probe.partners.sort(doc_bits);
            probe.partners.ids.dedup();
            for &a in &probe.partners.ids {
                let a = a as usize;
                if passes(
                    shingle::intersection_size(lists, postings.lists_of(a)),
                    a,
                    b,
                ) {
                    out.push((a.min(b) as u32, a.max(b) as u32));
                }
            }
            out
        })
        .flatten_iter()
        .collect();
    pairs.par_sort_unstable();
    pairs.dedup();
    pairs
}

/// Bytes of (shingle, document) entries sorted at once: on a million articles the entries take
/// some 450 MB, sorted in four passes.
const PASS_BYTES: usize = 128 << 20;

/// The posting lists of the sampled shingles found in 2 to `max_posting` documents, and the
/// lists each document is in.
struct Postings {
    /// The lists one after the other, in shingle-hash order, each sorted by document.
    docs: Vec<u32>,
    /// List `l` is `docs[starts[l]..starts[l + 1]]`.
    starts: Vec<u32>,
    /// The lists of each document, in increasing order: document `d`'s are
    /// `lists[offsets[d]..offsets[d + 1]]`.
    lists: Vec<u32>,
    offsets: Vec<usize>,
}

impl Postings {
    /// Sorted (shingle, document) entries are built and cut into runs one range of hash values
    /// at a time, so that about `pass_bytes` of them at most exist at once (a range can hold
    /// more only if the hashes are skewed): only the document ids of the kept runs stay,
    /// half the size of the entries. Lists beyond 2³² ids in all (some 30 billion shingles of
    /// text) are left out.
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
        let mut starts: Vec<u32> = vec![0];
        let mut counts = vec![0usize; shingles.len()];
        for pass in 0..passes {
            let mut entries: Vec<(Shingle, u32)> = shingles
                .par_iter()
                .enumerate()
                .flat_map_iter(|(i, s)| {
                    s.iter()
                        .filter(move |&&h| sample.keeps(h) && pass_of(h) == pass)
                        .map(move |&h| (h, i as u32))
                })
                .collect();
            entries.par_sort_unstable();
            for run in entries.chunk_by(|x, y| x.0 == y.0) {
                if (2..=max_posting).contains(&run.len())
                    && docs.len() + run.len() <= u32::MAX as usize
                {
                    docs.extend(run.iter().map(|&(_, d)| d));
                    starts.push(docs.len() as u32);
                    for &(_, d) in run {
                        counts[d as usize] += 1;
                    }
                }
            }
        }
        docs.shrink_to_fit();
        starts.shrink_to_fit();
        let mut offsets = Vec::with_capacity(shingles.len() + 1);
        let mut sum = 0;
        for c in &counts {
            offsets.push(sum);
            sum += c;
        }
        offsets.push(sum);
        // Filled in list order: each document's lists come out sorted.
        let mut cursor = counts;
        cursor.copy_from_slice(&offsets[..shingles.len()]);
        let mut lists = vec![0u32; sum];
        for (l, w) in starts.windows(2).enumerate() {
            for &d in &docs[w[0] as usize..w[1] as usize] {
                lists[cursor[d as usize]] = l as u32;
                cursor[d as usize] += 1;
            }
        }
        Postings {
            docs,
            starts,
            lists,
            offsets,
        }
    }

    /// The lists document `d` is in, in increasing order.
    fn lists_of(&self, d: usize) -> &[u32] {
        &self.lists[self.offsets[d]..self.offsets[d + 1]]
    }

    /// The documents in list `l`, in increasing order.
    fn docs(&self, l: u32) -> &[u32] {
        let l = l as usize;
        &self.docs[self.starts[l] as usize..self.starts[l + 1] as usize]
    }

    /// How many documents list `l` holds.
    fn len(&self, l: u32) -> u32 {
        let l = l as usize;
        self.starts[l + 1] - self.starts[l]
    }
}

/// One document's scratch space: its prefix lists, and the partners found in them.
#[derive(Default)]
struct Probe {
    prefix: Vec<(u32, u32)>,
    partners: Partners,
}

/// The shingles the index keeps: those whose hash is 0 modulo `modulus`.
#[derive(Clone, Copy)]
struct Sample {
    modulus: Shingle,
}

impl Sample {
    fn keeps(self, h: Shingle) -> bool {
        h.is_multiple_of(self.modulus)
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
        let mask = (1u32 << DIGIT) - 1;
        let mut shift = 0;
        while shift < bits {
            let mut starts = [0usize; 1 << DIGIT];
            for &x in &self.ids {
                starts[((x >> shift) & mask) as usize] += 1;
            }
            let mut sum = 0;
            for s in starts.iter_mut() {
                (*s, sum) = (sum, sum + *s);
            }
            self.spare.clear();
            self.spare.resize(self.ids.len(), 0);
            for &x in &self.ids {
                let d = ((x >> shift) & mask) as usize;
                self.spare[starts[d]] = x;
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
        assert!(
            one.starts.len() > 100,
            "the sets overlap: {}",
            one.starts.len()
        );
        assert_eq!(one.docs, many.docs);
        assert_eq!(one.starts, many.starts);
        assert_eq!(one.lists, many.lists);
        assert_eq!(one.offsets, many.offsets);
    }

    #[test]
    fn a_documents_lists_are_the_lists_holding_it() {
        let sets = sets(30, 300);
        let p = build(&sets, usize::MAX);
        for d in 0..sets.len() {
            let lists = p.lists_of(d);
            assert!(lists.is_sorted());
            for l in 0..p.starts.len() as u32 - 1 {
                assert_eq!(
                    lists.contains(&l),
                    p.docs(l).contains(&(d as u32)),
                    "{d} {l}"
                );
                assert!(p.docs(l).is_sorted());
            }
        }
        // A sampled shingle of two documents is one list of two, seen from both.
        let pair = vec![vec![8, 16, 24], vec![8, 100, 200]];
        let p = build(&pair, usize::MAX);
        assert_eq!(
            (p.docs.as_slice(), p.starts.as_slice()),
            (&[0, 1][..], &[0, 2][..])
        );
        assert_eq!(
            (p.lists_of(0), p.lists_of(1), p.len(0)),
            (&[0][..], &[0][..], 2)
        );
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
                // Lists taken as long from 3 documents up (most pairs share only long ones),
                // from 9, and none.
                for long in [2, 8, 64] {
                    let got = candidates_with(&sets, u64::from(modulus), cap, threshold, long);
                    assert_eq!(got, want, "{seed} {modulus} {cap} {threshold} {long}");
                }
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
