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
    let sample = Sample {
        modulus: Shingle::try_from(modulus.max(1)).unwrap_or(Shingle::MAX),
    };
    let sampled: Vec<u32> = shingles
        .par_iter()
        .map(|s| s.iter().filter(|&&h| sample.keeps(h)).count() as u32)
        .collect();
    let postings = Postings::build(shingles, sample, &sampled, max_posting, PASS_BYTES);
    let index = RunIndex::new(&postings.hashes);
    (0..shingles.len())
        .into_par_iter()
        // Each document counts the later documents it shares sampled shingles with, in a
        // counter of its own job: memory stays linear in the postings, never in the pairs.
        // Few, large jobs, as each holds a counter per document.
        .with_min_len(4096)
        .map_init(Counter::default, |counter, a| {
            // Every later document sharing a sampled shingle, counted once per shared shingle.
            counter.grow(shingles.len());
            for h in shingles[a].iter().filter(|&&h| sample.keeps(h)) {
                let Some(r) = index.get(*h) else {
                    continue;
                };
                let docs = postings.docs(r);
                // Postings are sorted by document within a run: skip to the later ones.
                let from = docs.partition_point(|&d| d as usize <= a);
                for &b in &docs[from..] {
                    counter.add(b);
                }
            }
            let mut found: Vec<Pair> = counter
                .drain()
                .filter(|&(b, shared)| {
                    // Most partners share one sampled shingle: that test comes first.
                    shared >= 2 && {
                        let smaller = sampled[a].min(sampled[b as usize]).max(1);
                        f64::from(shared) >= threshold * f64::from(smaller)
                    }
                })
                .map(|(b, _)| (a as u32, b))
                .collect();
            found.sort_unstable();
            found
        })
        .flatten_iter()
        .collect()
}

/// Bytes of (shingle, document) entries sorted at once: on a million articles the entries take
/// some 450 MB, sorted in four passes.
const PASS_BYTES: usize = 128 << 20;

/// The posting lists of the sampled shingles found in 2 to `max_posting` documents, in hash
/// order: run `r` is shingle `hashes[r]`, found in documents `docs[starts[r]..starts[r + 1]]`
/// (ascending).
struct Postings {
    hashes: Vec<Shingle>,
    starts: Vec<usize>,
    docs: Vec<u32>,
}

impl Postings {
    /// Sorted (shingle, document) entries are built and cut into runs one range of hash values
    /// at a time, so that about `pass_bytes` of them at most exist at once (the first range
    /// taking more only if the hashes are skewed): only the document ids of the kept runs stay,
    /// half the size of the entries.
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
        let mut out = Postings {
            hashes: Vec::new(),
            starts: Vec::new(),
            docs: Vec::with_capacity(entries),
        };
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
                if (2..=max_posting).contains(&run.len()) {
                    out.hashes.push(run[0].0);
                    out.starts.push(out.docs.len());
                    out.docs.extend(run.iter().map(|&(_, d)| d));
                }
            }
        }
        out.starts.push(out.docs.len());
        out.docs.shrink_to_fit();
        out
    }

    fn docs(&self, run: usize) -> &[u32] {
        &self.docs[self.starts[run]..self.starts[run + 1]]
    }
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

/// Counts per document: a dense array, with the documents touched listed so that draining it
/// costs only what was counted.
#[derive(Default)]
struct Counter {
    counts: Vec<u32>,
    touched: Vec<u32>,
}

impl Counter {
    fn grow(&mut self, docs: usize) {
        if self.counts.len() < docs {
            self.counts.resize(docs, 0);
        }
    }

    fn add(&mut self, doc: u32) {
        let c = &mut self.counts[doc as usize];
        if *c == 0 {
            self.touched.push(doc);
        }
        *c += 1;
    }

    /// Every (document, count) counted since the last drain, in no particular order; the
    /// counter is empty afterwards.
    fn drain(&mut self) -> impl Iterator<Item = (u32, u32)> + '_ {
        let counts = &mut self.counts;
        self.touched
            .drain(..)
            .map(move |d| (d, std::mem::take(&mut counts[d as usize])))
    }
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
    fn postings_are_the_same_in_one_pass_or_many() {
        let sets: Vec<Vec<u32>> = (0..50u64)
            .map(|d| {
                let mut s: Vec<u32> = (0..400).map(|i| mix64(i + d * 37) as u32).collect();
                s.sort_unstable();
                s.dedup();
                s
            })
            .collect();
        let sample = Sample { modulus: 4 };
        let sampled: Vec<u32> = sets
            .iter()
            .map(|s| s.iter().filter(|&&h| sample.keeps(h)).count() as u32)
            .collect();
        let one = Postings::build(&sets, sample, &sampled, 100, usize::MAX);
        let many = Postings::build(&sets, sample, &sampled, 100, 64);
        assert!(
            one.hashes.len() > 100,
            "the sets overlap: {}",
            one.hashes.len()
        );
        assert!(one.hashes.windows(2).all(|w| w[0] < w[1]));
        assert_eq!(one.hashes, many.hashes);
        assert_eq!(one.starts, many.starts);
        assert_eq!(one.docs, many.docs);
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
