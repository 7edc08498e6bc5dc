//! The evidence between two versions, as named values and as the model's feature vector.
//!
//! Corpus-wide facts come first: how rare each distinctive term is among the version groups
//! ([`Rarity`]), and which titles are a site's or section's name rather than a headline
//! ([`site_titles`]).

use std::collections::HashSet;

use crate::evidence::{Evidence, shared};
use crate::shingle::Shingle;
use crate::verify::similarity;

/// How many version groups hold each distinctive term (a story's many copies count once).
#[derive(Debug, Default)]
pub struct Rarity {
    /// (term, number of groups holding it), sorted by term.
    counts: Vec<(u32, u32)>,
    groups: usize,
}

impl Rarity {
    /// Counts terms over one term set per version group.
    pub fn new<'a>(sets: impl Iterator<Item = &'a [u32]>) -> Rarity {
        let mut all: Vec<u32> = Vec::new();
        let mut groups = 0;
        for s in sets {
            all.extend_from_slice(s);
            groups += 1;
        }
        all.sort_unstable();
        let counts = all
            .chunk_by(|a, b| a == b)
            .map(|run| (run[0], run.len() as u32))
            .collect();
        Rarity { counts, groups }
    }

    /// Counts made elsewhere: (term, number of groups holding it) for the terms that will be
    /// asked about, and the number of groups in the whole corpus (the Spark path counts them
    /// over every version group and hands each part of the corpus the counts of its terms).
    pub fn from_counts(mut counts: Vec<(u32, u32)>, groups: usize) -> Rarity {
        counts.sort_unstable();
        counts.dedup_by_key(|c| c.0);
        Rarity { counts, groups }
    }

    /// Number of version groups holding `term` (at least 1: a term seen nowhere is as rare as
    /// one seen once).
    pub fn count(&self, term: u32) -> u32 {
        match self.counts.binary_search_by_key(&term, |&(t, _)| t) {
            Ok(i) => self.counts[i].1,
            Err(_) => 1,
        }
    }

    /// Inverse document frequency, ln(groups / count), at least 0.
    pub fn idf(&self, term: u32) -> f64 {
        let n = self.groups.max(1) as f64;
        (n / f64::from(self.count(term))).ln().max(0.0)
    }
}

/// Everything the evidence between two documents is computed from.
pub struct Corpus<'a> {
    pub evidence: &'a [Evidence],
    pub shingles: &'a [Vec<Shingle>],
    /// Days since the epoch of each document's own date.
    pub days: &'a [Option<i64>],
    pub rarity: Rarity,
    /// Title keys that are site or section names (see [`site_titles`]).
    pub site_titles: HashSet<u32>,
    /// The IDF weight of each document's term set (see [`term_weights`]).
    pub term_weights: Vec<f64>,
}

/// The IDF weight of every document's term set.
pub fn term_weights(evidence: &[Evidence], rarity: &Rarity) -> Vec<f64> {
    use rayon::prelude::*;
    evidence
        .par_iter()
        .map(|e| e.terms().iter().map(|&t| rarity.idf(t)).sum())
        .collect()
}

impl Corpus<'_> {
    /// The document's headline key, unless it has none or it is a site name.
    pub fn headline(&self, doc: u32) -> Option<u32> {
        self.evidence[doc as usize]
            .title_key()
            .filter(|k| !self.site_titles.contains(k))
    }

    /// IDF-weighted overlap of two documents' distinctive terms (see [`term_overlap`]).
    pub fn term_overlap(&self, a: u32, b: u32) -> f64 {
        term_overlap(self.evidence, &self.rarity, &self.term_weights, a, b)
    }
}

/// IDF-weighted overlap of two documents' distinctive terms: twice the weight of the shared
/// terms over the two sets' weights (Dice; `weights` from [`term_weights`]). Not over the
/// smaller set: a page with two names would then be "contained" in every page on its topic.
pub fn term_overlap(
    evidence: &[Evidence],
    rarity: &Rarity,
    weights: &[f64],
    a: u32,
    b: u32,
) -> f64 {
    let (wa, wb) = (weights[a as usize], weights[b as usize]);
    if wa <= 0.0 || wb <= 0.0 {
        return 0.0;
    }
    let (ta, tb) = (evidence[a as usize].terms(), evidence[b as usize].terms());
    let mut common = 0.0;
    let (mut i, mut j) = (0, 0);
    while i < ta.len() && j < tb.len() {
        match ta[i].cmp(&tb[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                common += rarity.idf(ta[i]);
                i += 1;
                j += 1;
            }
        }
    }
    2.0 * common / (wa + wb)
}

/// A title held by at least this many documents in different version groups is examined as a
/// possible site name.
pub const SITE_TITLE_MIN_GROUPS: usize = 3;
/// At most this many of a title's holders are compared pair by pair.
pub const SITE_TITLE_SAMPLE: usize = 8;

/// Two holders of one title are related (versions of one story, presumably) when they share
/// this share of their distinctive terms' weight ...
const SITE_RELATED_TERMS: f64 = 0.15;
/// ... or this containment of their text.
const SITE_RELATED_CONTAINMENT: f64 = 0.1;

/// Titles that are site or section names: held by [`SITE_TITLE_MIN_GROUPS`] or more version
/// groups of different stories. Of a sample of the holders (one per group, the first by index),
/// related pairs (sharing distinctive terms or text) are joined; the title is a site name when
/// that leaves [`SITE_TITLE_MIN_GROUPS`] or more unrelated clusters and none of them holds half
/// the sample. A headline carried by the versions and write-thrus of one story passes: its
/// holders are mostly connected, even where two write-thrus share little with each other.
/// Bounded: at most 28 pairs per title.
pub fn site_titles(
    evidence: &[Evidence],
    group_of: &[u32],
    shingles: &[Vec<Shingle>],
    rarity: &Rarity,
    term_weights: &[f64],
) -> HashSet<u32> {
    let mut holders: Vec<(u32, u32, u32)> = evidence
        .iter()
        .enumerate()
        .filter_map(|(d, e)| e.title_key().map(|k| (k, group_of[d], d as u32)))
        .collect();
    holders.sort_unstable();
    let mut out = HashSet::new();
    for run in holders.chunk_by(|a, b| a.0 == b.0) {
        // One holder per group, the first by index.
        let mut sample: Vec<u32> = run
            .chunk_by(|a, b| a.1 == b.1)
            .map(|g| g.iter().map(|h| h.2).min().unwrap_or(0))
            .collect();
        if sample.len() < SITE_TITLE_MIN_GROUPS {
            continue;
        }
        sample.sort_unstable();
        sample.truncate(SITE_TITLE_SAMPLE);
        if is_site_title(&sample, evidence, shingles, rarity, term_weights) {
            out.insert(run[0].0);
        }
    }
    out
}

/// Whether the holders of one title (`sample`: one per version group, the first by index, at
/// most [`SITE_TITLE_SAMPLE`] in index order) are mostly unrelated: related pairs (sharing
/// distinctive terms or text) are joined, and the title is a site name when that leaves
/// [`SITE_TITLE_MIN_GROUPS`] or more clusters and none holds half the sample. Reads only the
/// sampled documents, so a cluster engine can hand it one title at a time ([`crate::scale`]).
pub fn is_site_title(
    sample: &[u32],
    evidence: &[Evidence],
    shingles: &[Vec<Shingle>],
    rarity: &Rarity,
    term_weights: &[f64],
) -> bool {
    // Clusters of related holders (union-find over the sample).
    let mut parent: Vec<usize> = (0..sample.len()).collect();
    fn root(parent: &mut [usize], mut i: usize) -> usize {
        while parent[i] != i {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        i
    }
    for i in 0..sample.len() {
        for j in i + 1..sample.len() {
            let (a, b) = (sample[i], sample[j]);
            let related = term_overlap(evidence, rarity, term_weights, a, b) >= SITE_RELATED_TERMS
                || similarity(&shingles[a as usize], &shingles[b as usize]).1
                    >= SITE_RELATED_CONTAINMENT;
            if related {
                let (ri, rj) = (root(&mut parent, i), root(&mut parent, j));
                parent[ri.max(rj)] = ri.min(rj);
            }
        }
    }
    let mut sizes = vec![0usize; sample.len()];
    for i in 0..sample.len() {
        sizes[root(&mut parent, i)] += 1;
    }
    let clusters = sizes.iter().filter(|&&n| n > 0).count();
    let largest = sizes.iter().copied().max().unwrap_or(0);
    clusters >= SITE_TITLE_MIN_GROUPS && largest * 2 < sample.len()
}

/// The evidence between two versions, as printed in a member's `evidence`.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct PairEvidence {
    /// Share of the shorter version's shingles found in the other.
    pub containment: f64,
    pub jaccard: f64,
    /// Jaccard similarity of the headlines' words; none when either has no headline or a site
    /// name for one.
    pub headline: Option<f64>,
    /// Jaccard similarity of the two ledes' 3-word shingles (a kept lede scores near 1; a
    /// templated first sentence with other names and figures does not).
    pub lede: f64,
    /// Quotation shingles (4 words) both hold.
    pub quotes: usize,
    /// Share of the smaller quotation set that the other holds (0 when either has none).
    pub quote_share: f64,
    /// IDF-weighted share of distinctive terms (names, places, numbers) both hold.
    pub terms: f64,
    /// Days between the two dates, when both are known.
    pub days_apart: Option<i64>,
    /// Whether the datelines name the same place, when both have one.
    pub same_place: Option<bool>,
}

/// Number of features the model reads (the first is the constant 1). The last two are
/// products: shared text counts for more under the same headline or with the same names.
pub const FEATURES: usize = 13;

/// Names of the features, in the order of [`PairEvidence::features`].
pub const FEATURE_NAMES: [&str; FEATURES] = [
    "bias",
    "containment",
    "jaccard",
    "headline",
    "headline_known",
    "lede",
    "quotes",
    "terms",
    "days_apart",
    "days_known",
    "place",
    "containment_x_headline",
    "containment_x_terms",
];

/// Days apart beyond this many add nothing.
const DAYS_CAP: i64 = 30;

impl PairEvidence {
    /// The model's feature vector: each value in [-1, 1].
    pub fn features(&self) -> [f64; FEATURES] {
        // On a log scale: the first days apart say the most.
        let days = self.days_apart.map_or(0.0, |d| {
            (1.0 + d.min(DAYS_CAP) as f64).ln() / (1.0 + DAYS_CAP as f64).ln()
        });
        [
            1.0,
            self.containment,
            self.jaccard,
            self.headline.unwrap_or(0.0),
            f64::from(u8::from(self.headline.is_some())),
            self.lede,
            self.quote_share,
            self.terms,
            days,
            f64::from(u8::from(self.days_apart.is_some())),
            match self.same_place {
                Some(true) => 1.0,
                Some(false) => -1.0,
                None => 0.0,
            },
            self.containment * self.headline.unwrap_or(0.0),
            self.containment * self.terms,
        ]
    }
}

/// The evidence between documents `a` and `b`; the headlines are those of `title_a` and
/// `title_b` (a version whose own title is a site name borrows its group's headline).
pub fn pair(
    c: &Corpus,
    a: u32,
    b: u32,
    title_a: Option<u32>,
    title_b: Option<u32>,
) -> PairEvidence {
    let (ea, eb) = (&c.evidence[a as usize], &c.evidence[b as usize]);
    let (jaccard, containment) = similarity(&c.shingles[a as usize], &c.shingles[b as usize]);
    let headline = title_a.zip(title_b).map(|(ta, tb)| {
        let (wa, wb) = (
            c.evidence[ta as usize].title_words(),
            c.evidence[tb as usize].title_words(),
        );
        let common = shared(wa, wb);
        let union = wa.len() + wb.len() - common;
        if union == 0 {
            0.0
        } else {
            common as f64 / union as f64
        }
    });
    let lede = {
        let common = shared(ea.lede(), eb.lede());
        let union = ea.lede().len() + eb.lede().len() - common;
        if union == 0 {
            0.0
        } else {
            common as f64 / union as f64
        }
    };
    let days_apart = c
        .days
        .get(a as usize)
        .copied()
        .flatten()
        .zip(c.days.get(b as usize).copied().flatten())
        .map(|(x, y)| (x - y).abs());
    let quotes = shared(ea.quotes(), eb.quotes());
    let fewer = ea.quotes().len().min(eb.quotes().len());
    PairEvidence {
        containment,
        jaccard,
        headline,
        lede,
        quotes,
        quote_share: if fewer == 0 {
            0.0
        } else {
            quotes as f64 / fewer as f64
        },
        terms: c.term_overlap(a, b),
        days_apart,
        same_place: ea.place().zip(eb.place()).map(|(x, y)| x == y),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rarity_counts_groups() {
        let sets: Vec<Vec<u32>> = vec![vec![1, 2], vec![2, 3], vec![2]];
        let r = Rarity::new(sets.iter().map(|s| s.as_slice()));
        assert_eq!(r.count(2), 3);
        assert_eq!(r.count(1), 1);
        assert_eq!(r.count(99), 1);
        assert_eq!(r.idf(2), 0.0);
        assert!((r.idf(1) - 3f64.ln()).abs() < 1e-12);
    }

    fn ev(title: Option<u32>, terms: &[u32]) -> Evidence {
        Evidence::from(crate::evidence::Parts {
            title_key: title,
            terms: terms.to_vec(),
            ..crate::evidence::Parts::default()
        })
    }

    /// The site titles of documents each in its own group, rarity counted over them.
    fn sites(evidence: &[Evidence], shingles: &[Vec<Shingle>]) -> HashSet<u32> {
        let group_of: Vec<u32> = (0..evidence.len() as u32).collect();
        let rarity = Rarity::new(evidence.iter().map(Evidence::terms));
        let weights = term_weights(evidence, &rarity);
        site_titles(evidence, &group_of, shingles, &rarity, &weights)
    }

    #[test]
    fn a_title_on_unrelated_documents_is_a_site_name_and_on_related_ones_a_headline() {
        // Title 7: four groups about different things. Title 8: three versions of one story.
        let evidence = vec![
            ev(Some(7), &[10, 11]),
            ev(Some(7), &[20, 21]),
            ev(Some(7), &[30, 31]),
            ev(Some(7), &[40, 41]),
            ev(Some(8), &[50, 51, 52]),
            ev(Some(8), &[50, 51, 53]),
            ev(Some(8), &[50, 51, 54]),
        ];
        let shingles: Vec<Vec<Shingle>> = (0..7).map(|d| vec![d * 100]).collect();
        let found = sites(&evidence, &shingles);
        assert!(found.contains(&7));
        assert!(!found.contains(&8));
        // Held in two groups only: too few to tell.
        let two = sites(&evidence[..2], &shingles[..2]);
        assert!(two.is_empty());
    }

    #[test]
    fn a_headline_on_a_chain_of_write_thrus_is_not_a_site_name() {
        // Five versions of one story, each sharing terms only with the next (a write-thru of
        // a write-thru): most pairs are unrelated, but the holders form one cluster.
        let evidence: Vec<Evidence> = (0..5)
            .map(|i| ev(Some(9), &[100 + i, 101 + i, 200 + 10 * i]))
            .collect();
        let shingles: Vec<Vec<Shingle>> = (0..5).map(|d| vec![d * 100]).collect();
        assert!(sites(&evidence, &shingles).is_empty());
        // The same title over five unrelated documents is a site name.
        let unrelated: Vec<Evidence> = (0..5).map(|i| ev(Some(9), &[10 * i, 10 * i + 1])).collect();
        assert!(sites(&unrelated, &shingles).contains(&9));
    }

    #[test]
    fn features_are_bounded() {
        let e = PairEvidence {
            containment: 0.2,
            jaccard: 0.1,
            headline: Some(1.0),
            lede: 0.5,
            quotes: 100,
            quote_share: 1.0,
            terms: 0.7,
            days_apart: Some(400),
            same_place: Some(false),
        };
        let f = e.features();
        assert!(f.iter().all(|x| (-1.0..=1.0).contains(x)), "{f:?}");
        assert_eq!(f[6], 1.0);
        assert_eq!(f[8], 1.0);
        assert_eq!(f[10], -1.0);
    }
}
