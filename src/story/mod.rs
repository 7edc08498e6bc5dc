//! Stage 6b: stories from version groups, by story evidence.
//!
//! Version clustering ([`crate::cluster`]) joins near-duplicates: copies, re-scrapes, trims.
//! The versions of one story that share little text (a write-thru, an outlet's edit under its
//! own headline, a page whose title is the site's name) stay apart there. This stage joins
//! those groups when the evidence between them says they are one story:
//!
//! 1. **Candidates** that reach versions sharing little text, bounded: each group's
//!    representative (its center, the version covering most of its text) is indexed under its
//!    few rarest distinctive terms, its headline and a sketch of its lede (its smallest lede
//!    shingles); every list of 2 to [`MAX_POSTING`] groups pairs its groups (a longer list is
//!    a common term, skipped), within [`WINDOW_DAYS`] of each other; a pair is a candidate when
//!    it shares two keys (a headline counts as two). Verified pairs that linked two groups are
//!    candidates too. At most `RARE_TERMS + LEDE_KEYS + 1` lists per group of at most
//!    `MAX_POSTING` groups: linear in the corpus.
//! 2. **Evidence** for each candidate pair of groups, between their representatives
//!    ([`features::pair`]).
//! 3. **One decision**: a logistic model over the evidence ([`model::Model`]).
//! 4. **Clustering that resists chaining**: groups are taken largest first; a group joins the
//!    story of the first-taken (center) group it is linked to with the highest probability, and
//!    opens a story of its own otherwise. Only centers take members, so a story never grows
//!    through a member's own links (the CENTER algorithm of Haveliwala et al. 2000, as compared
//!    by Hassanzadeh et al., VLDB 2009): two sibling stories linked through one version stay
//!    apart unless that version's link reaches both centers. One relaxation, measured by
//!    cross-validation (the fitting example): a group left alone (a center nobody joined) that
//!    is linked to a member of a story joins that story. It brings no members with it, so a
//!    chain grows by one step at most.
//! 5. **Average linkage between stories** ([`Model::merge_floor`]): two stories with a link at
//!    the threshold between them merge when the mean probability over all pairs of their
//!    groups (the [`AVERAGE_GROUPS`] largest of each) reaches the floor, strongest links
//!    first. A write-thru split by the center rule (two of its versions became centers before
//!    the version linking them) comes together; a sibling reached through one ambiguous
//!    version does not, as its other versions pull the mean down. At most
//!    `AVERAGE_GROUPS²` pairs are scored per link between stories: linear in the links.

pub mod features;
pub mod model;

use rayon::prelude::*;

use crate::cluster::Group;
use crate::evidence::Evidence;
use crate::shingle::Shingle;
use crate::verify::Similarity;
use features::{Corpus, PairEvidence, Rarity};
use model::Model;

/// Lists of more groups than this are common terms or titles, and pair nothing.
pub const MAX_POSTING: usize = 64;
/// Each group is indexed under this many of its rarest distinctive terms.
pub const RARE_TERMS: usize = 8;
/// Groups whose dates are known and further apart than this are not joined (nor compared).
pub const WINDOW_DAYS: i64 = 30;
/// Lede shingles indexed per group (the smallest hashes of its lede's 3-word shingles).
pub const LEDE_KEYS: usize = 2;
/// Key kinds in the candidate index (the high half of a key; 0 is a distinctive term).
const KEY_HEADLINE: u64 = 1;
const KEY_LEDE: u64 = 2;
/// Groups sharing fewer keys than this (rare terms; a headline counts as two) are not
/// candidates.
pub const MIN_SHARED_KEYS: u32 = 2;
/// Verified pairs whose Jaccard or containment reaches this are story candidates.
pub const SIM_FLOOR: f64 = 0.2;

/// How versions are grouped into stories.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum GroupMode {
    /// Near-duplicate versions only: copies, re-scrapes, trims (text overlap alone).
    Versions,
    /// Versions joined with write-thrus, outlet edits and rewrites of the same story, by story
    /// evidence (headline, lede, quotations, rare names and numbers, dates).
    #[default]
    Stories,
}

/// Settings of this stage.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct StoryParams {
    pub mode: GroupMode,
    pub model: Model,
}

/// How a version group joined its story: the probability and the evidence between its
/// representative and the story's center representative.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Link {
    pub probability: f64,
    pub evidence: PairEvidence,
}

/// The representative of each group: the member covering most of its shared text (ties: the
/// latest date, then the lowest index), as the center in version clustering.
pub fn representatives(groups: &[Group], days: &[Option<i64>]) -> Vec<u32> {
    groups
        .iter()
        .map(|g| {
            let pos = (0..g.members.len())
                .max_by(|&x, &y| {
                    g.coverage[x]
                        .cmp(&g.coverage[y])
                        .then(days[g.members[x] as usize].cmp(&days[g.members[y] as usize]))
                        .then(y.cmp(&x))
                })
                .unwrap_or(0);
            g.members[pos]
        })
        .collect()
}

/// A pair of groups, lower index first.
pub type GroupPair = (u32, u32);

/// Candidate pairs of groups: shared rare terms or headline within the date window, or a
/// verified pair between them. Sorted, distinct.
fn candidates(
    corpus: &Corpus,
    reps: &[u32],
    titles: &[Option<u32>],
    group_of: &[u32],
    sims: &[Similarity],
    window: i64,
) -> Vec<GroupPair> {
    let mut keys: Vec<(u64, u32)> = reps
        .par_iter()
        .enumerate()
        .flat_map_iter(|(g, &rep)| {
            let terms = corpus.evidence[rep as usize].terms();
            let mut ranked: Vec<(u32, u32)> = terms
                .iter()
                .map(|&t| (corpus.rarity.count(t), t))
                .filter(|&(n, _)| n >= 2 && n as usize <= MAX_POSTING)
                .collect();
            ranked.sort_unstable();
            ranked.truncate(RARE_TERMS);
            let title = titles[g]
                .and_then(|d| corpus.headline(d))
                .map(|k| (KEY_HEADLINE << 32) | u64::from(k));
            // The lede's smallest shingle hashes: a sketch two versions under one lede share.
            let lede = corpus.evidence[rep as usize]
                .lede()
                .iter()
                .take(LEDE_KEYS)
                .map(|&k| (KEY_LEDE << 32) | u64::from(k));
            ranked
                .into_iter()
                .map(|(_, t)| u64::from(t))
                .chain(title)
                .chain(lede)
                .map(move |k| (k, g as u32))
                .collect::<Vec<_>>()
        })
        .collect();
    keys.par_sort_unstable();
    keys.dedup();
    let within = |a: u32, b: u32| {
        let (da, db) = (
            corpus.days[reps[a as usize] as usize],
            corpus.days[reps[b as usize] as usize],
        );
        da.zip(db).is_none_or(|(x, y)| (x - y).abs() <= window)
    };
    let lists: Vec<&[(u64, u32)]> = keys
        .chunk_by(|a, b| a.0 == b.0)
        .filter(|l| (2..=MAX_POSTING).contains(&l.len()))
        .collect();
    // Each pair with the number of keys it shares (a headline counts as two).
    let mut found: Vec<(GroupPair, u8)> = lists
        .par_iter()
        .flat_map_iter(|list| {
            let weight = if list[0].0 >> 32 == KEY_HEADLINE {
                2
            } else {
                1
            };
            let mut out = Vec::new();
            for (i, &(_, a)) in list.iter().enumerate() {
                for &(_, b) in &list[i + 1..] {
                    if within(a, b) {
                        out.push(((a.min(b), a.max(b)), weight));
                    }
                }
            }
            out
        })
        .collect();
    found.par_sort_unstable();
    // One shared rare term is often chance; two, or a headline, is a candidate.
    let mut pairs: Vec<GroupPair> = found
        .chunk_by(|x, y| x.0 == y.0)
        .filter(|run| run.iter().map(|r| u32::from(r.1)).sum::<u32>() >= MIN_SHARED_KEYS)
        .map(|run| run[0].0)
        .collect();
    pairs.extend(
        sims.iter()
            .filter(|s| s.jaccard.max(s.containment) >= SIM_FLOOR)
            .filter_map(|s| {
                let (a, b) = (group_of[s.a as usize], group_of[s.b as usize]);
                (a != b && within(a, b)).then_some((a.min(b), a.max(b)))
            }),
    );
    pairs.par_sort_unstable();
    pairs.dedup();
    pairs
}

/// What the story stage needs of the corpus.
pub struct Input<'a> {
    pub evidence: &'a [Evidence],
    pub shingles: &'a [Vec<Shingle>],
    pub days: &'a [Option<i64>],
    pub similarities: &'a [Similarity],
    /// Groups whose dates are further apart than this many days are not joined (the lower of
    /// `--max-days` and [`WINDOW_DAYS`]).
    pub window_days: i64,
}

/// A scored candidate pair of version groups.
#[derive(Debug, Clone, Copy)]
pub struct Scored {
    pub a: u32,
    pub b: u32,
    pub link: Link,
}

/// The version groups with what the story stage computed about them: the corpus facts, each
/// group's representative and headline holder, and every candidate pair with its evidence.
pub struct Scoring<'a> {
    pub corpus: Corpus<'a>,
    pub representatives: Vec<u32>,
    /// Each group's headline holder (see [`score`]).
    pub titles: Vec<Option<u32>>,
    pub pairs: Vec<Scored>,
    /// Groups whose dates are further apart than this many days are not joined.
    pub window_days: i64,
}

impl Scoring<'_> {
    /// The link between any two groups (a candidate pair or not) under `model`; groups
    /// further apart than the date window get probability 0.
    pub fn link(&self, a: u32, b: u32, model: &Model) -> Link {
        let (ra, rb) = (
            self.representatives[a as usize],
            self.representatives[b as usize],
        );
        let evidence = features::pair(
            &self.corpus,
            ra,
            rb,
            self.titles[a as usize],
            self.titles[b as usize],
        );
        let apart = evidence.days_apart.is_some_and(|d| d > self.window_days);
        Link {
            probability: if apart {
                0.0
            } else {
                model.probability(&evidence)
            },
            evidence,
        }
    }
}

/// The corpus-wide facts over version groups: term rarity, term weights, site-name titles.
fn corpus<'a>(groups: &[Group], group_of: &[u32], reps: &[u32], input: &Input<'a>) -> Corpus<'a> {
    debug_assert_eq!(groups.len(), reps.len());
    let rarity = Rarity::new(reps.iter().map(|&r| input.evidence[r as usize].terms()));
    let term_weights = features::term_weights(input.evidence, &rarity);
    let site_titles = features::site_titles(
        input.evidence,
        group_of,
        input.shingles,
        &rarity,
        &term_weights,
    );
    corpus_of(input, rarity, term_weights, site_titles)
}

/// The corpus facts around the documents of `input`, with the counts already taken.
fn corpus_of<'a>(
    input: &Input<'a>,
    rarity: Rarity,
    term_weights: Vec<f64>,
    site_titles: std::collections::HashSet<u32>,
) -> Corpus<'a> {
    Corpus {
        evidence: input.evidence,
        shingles: input.shingles,
        days: input.days,
        term_weights,
        rarity,
        site_titles,
    }
}

/// Each document's version group.
fn group_of(groups: &[Group], n: usize) -> Vec<u32> {
    let mut group_of = vec![0u32; n];
    for (g, group) in groups.iter().enumerate() {
        for &d in &group.members {
            group_of[d as usize] = g as u32;
        }
    }
    group_of
}

/// Computes the evidence of every candidate pair of version groups.
pub fn score<'a>(groups: &[Group], input: &Input<'a>, model: &Model) -> Scoring<'a> {
    let group_of = group_of(groups, input.shingles.len());
    let reps = representatives(groups, input.days);
    let corpus = corpus(groups, &group_of, &reps, input);
    score_in(groups, input, model, corpus, reps, &group_of, None)
}

/// Scores the candidate pairs of `groups` over `corpus`: the pairs given, or those found by
/// [`candidates`] when none are given.
fn score_in<'a>(
    groups: &[Group],
    input: &Input<'a>,
    model: &Model,
    corpus: Corpus<'a>,
    reps: Vec<u32>,
    group_of: &[u32],
    given: Option<Vec<GroupPair>>,
) -> Scoring<'a> {
    // A group's headline: its representative's, else its first member's that is a headline.
    let titles: Vec<Option<u32>> = groups
        .iter()
        .zip(&reps)
        .map(|(g, &rep)| headline_holder(rep, &g.members, |d| corpus.headline(d).is_some()))
        .collect();
    let pairs = given.unwrap_or_else(|| {
        candidates(
            &corpus,
            &reps,
            &titles,
            group_of,
            input.similarities,
            input.window_days,
        )
    });
    let scored: Vec<Scored> = pairs
        .par_iter()
        .map(|&(a, b)| Scored {
            a,
            b,
            link: score_pair(&corpus, &reps, &titles, a, b, model),
        })
        .collect();
    Scoring {
        corpus,
        representatives: reps,
        titles,
        pairs: scored,
        window_days: input.window_days,
    }
}

/// A group's headline holder: its representative when it has a headline, else its first
/// member (in index order) that has one.
pub fn headline_holder<T: Copy>(
    rep: T,
    members: &[T],
    has_headline: impl Fn(T) -> bool,
) -> Option<T> {
    std::iter::once(rep)
        .chain(members.iter().copied())
        .find(|&d| has_headline(d))
}

/// The link of a candidate pair of groups `a` and `b`: the evidence between their
/// representatives (`reps`), with their headline holders' titles (`titles`), and its
/// probability under `model`.
pub fn score_pair(
    corpus: &Corpus,
    reps: &[u32],
    titles: &[Option<u32>],
    a: u32,
    b: u32,
    model: &Model,
) -> Link {
    let evidence = features::pair(
        corpus,
        reps[a as usize],
        reps[b as usize],
        titles[a as usize],
        titles[b as usize],
    );
    Link {
        probability: model.probability(&evidence),
        evidence,
    }
}

/// Joins version groups into stories (see the module's documentation). Each story's members
/// are sorted, with `version` telling which of its version groups each came from (0: the
/// center's) and `links` how the others joined. Stories are ordered by their first member.
pub fn merge(groups: Vec<Group>, input: &Input, params: &StoryParams) -> Merged {
    if params.mode == GroupMode::Versions || groups.len() < 2 {
        // The site-name titles are still found: the story records' titles skip them.
        let group_of = group_of(&groups, input.shingles.len());
        let reps = representatives(&groups, input.days);
        let site_titles = corpus(&groups, &group_of, &reps, input).site_titles;
        return Merged {
            groups,
            site_titles,
        };
    }
    let scoring = score(&groups, input, &params.model);
    join_scored(groups, input, params, scoring)
}

/// The story stage on part of a corpus (the Spark path, [`crate::scale`]): `groups` are every
/// version group of some stories, with every candidate pair between them (`pairs`, indices
/// into `groups`), and the corpus-wide facts counted over all the corpus's version groups
/// (`rarity`; `site_titles`, at least those of the part's documents). Candidates are not
/// searched for here: their key lists span the corpus. The same stories as [`merge`] over the
/// whole corpus, for these groups.
pub fn merge_part(
    groups: Vec<Group>,
    input: &Input,
    params: &StoryParams,
    rarity: Rarity,
    site_titles: std::collections::HashSet<u32>,
    pairs: Vec<GroupPair>,
) -> Merged {
    if params.mode == GroupMode::Versions || groups.len() < 2 {
        return Merged {
            groups,
            site_titles,
        };
    }
    let group_of = group_of(&groups, input.shingles.len());
    let reps = representatives(&groups, input.days);
    let term_weights = features::term_weights(input.evidence, &rarity);
    let corpus = corpus_of(input, rarity, term_weights, site_titles);
    let scoring = score_in(
        &groups,
        input,
        &params.model,
        corpus,
        reps,
        &group_of,
        Some(pairs),
    );
    join_scored(groups, input, params, scoring)
}

/// Joins scored version groups into stories.
fn join_scored(
    groups: Vec<Group>,
    input: &Input,
    params: &StoryParams,
    scoring: Scoring,
) -> Merged {
    let mut centers = assign(
        &groups,
        &scoring.representatives,
        input.shingles,
        &scoring.pairs,
        params.model.threshold,
    );
    average_link(
        &mut centers,
        &groups,
        &scoring.pairs,
        &params.model,
        |a, b| scoring.link(a, b, &params.model).probability,
    );
    Merged {
        groups: assemble(groups, &centers, input.shingles),
        site_titles: scoring.corpus.site_titles,
    }
}

/// The stories, and the titles found to be site or section names (their headline keys,
/// [`Evidence::title_key`]), which no story record takes as its title.
pub struct Merged {
    pub groups: Vec<Group>,
    pub site_titles: std::collections::HashSet<u32>,
}

/// Joins version groups already scored, with another model's decisions (the fitting script
/// tries several models on one scoring).
pub fn join(groups: Vec<Group>, scoring: &Scoring, model: &Model) -> Vec<Group> {
    let rescored: Vec<Scored> = scoring
        .pairs
        .iter()
        .map(|s| Scored {
            link: Link {
                probability: model.probability(&s.link.evidence),
                ..s.link
            },
            ..*s
        })
        .collect();
    let shingles = scoring.corpus.shingles;
    let mut centers = assign(
        &groups,
        &scoring.representatives,
        shingles,
        &rescored,
        model.threshold,
    );
    average_link(&mut centers, &groups, &rescored, model, |a, b| {
        scoring.link(a, b, model).probability
    });
    assemble(groups, &centers, shingles)
}

/// For each group, the center group it joins and how (`None`: it is a center).
pub fn assign(
    groups: &[Group],
    representatives: &[u32],
    shingles: &[Vec<Shingle>],
    pairs: &[Scored],
    threshold: f64,
) -> Vec<Option<(u32, Link)>> {
    let n = groups.len();
    let mut adjacency: Vec<Vec<(u32, Link)>> = vec![Vec::new(); n];
    for s in pairs.iter().filter(|s| s.link.probability >= threshold) {
        adjacency[s.a as usize].push((s.b, s.link));
        adjacency[s.b as usize].push((s.a, s.link));
    }
    // Largest groups first (most members, then most text), ties by index.
    let size = |g: usize| {
        (
            groups[g].members.len(),
            shingles[representatives[g] as usize].len(),
        )
    };
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&x, &y| size(y).cmp(&size(x)).then(x.cmp(&y)));
    let mut is_center = vec![false; n];
    let mut joined: Vec<Option<(u32, Link)>> = vec![None; n];
    for g in order {
        let best = adjacency[g]
            .iter()
            .filter(|(h, _)| is_center[*h as usize])
            .max_by(|x, y| {
                x.1.probability
                    .total_cmp(&y.1.probability)
                    .then(y.0.cmp(&x.0))
            });
        match best {
            Some(&(h, link)) => joined[g] = Some((h, link)),
            None => is_center[g] = true,
        }
    }
    // A center left alone (no group joined it) that is linked to a member of another story
    // joins that story: one step, so a story still never grows through a chain of members.
    let mut has_members = vec![false; n];
    for &(c, _) in joined.iter().flatten() {
        has_members[c as usize] = true;
    }
    let first = joined.clone();
    for g in 0..n {
        if !is_center[g] || has_members[g] {
            continue;
        }
        let best = adjacency[g]
            .iter()
            .filter_map(|&(h, link)| first[h as usize].map(|(c, _)| (c, link)))
            .max_by(|x, y| {
                x.1.probability
                    .total_cmp(&y.1.probability)
                    .then(y.0.cmp(&x.0))
            });
        if let Some((c, link)) = best {
            joined[g] = Some((c, link));
        }
    }
    joined
}

/// Groups compared per story when two stories are weighed for a merge (the largest).
pub const AVERAGE_GROUPS: usize = 8;

/// Merges two stories linked across (a link at the threshold between groups of each) when
/// the mean probability over all pairs of their groups (the [`AVERAGE_GROUPS`] largest of
/// each) reaches the model's merge floor: average linkage, so one ambiguous link cannot chain two
/// sibling stories, but a write-thru's versions split by the center rule come together.
/// `pairs` are the scored candidate pairs (their probabilities under `model`); `probability`
/// gives it for any two groups.
fn average_link(
    joined: &mut [Option<(u32, Link)>],
    groups: &[Group],
    pairs: &[Scored],
    model: &Model,
    probability: impl Fn(u32, u32) -> f64,
) {
    let floor = model.merge_floor;
    if floor > 1.0 {
        return;
    }
    let n = joined.len();
    let story_of: Vec<u32> = (0..n)
        .map(|g| joined[g].map_or(g as u32, |j| j.0))
        .collect();
    // Bridges between stories, strongest first.
    let mut bridges: Vec<(f64, u32, u32, Link)> = Vec::new();
    for s in pairs {
        let p = s.link.probability;
        let (x, y) = (story_of[s.a as usize], story_of[s.b as usize]);
        if p >= model.threshold && x != y {
            bridges.push((p, x.min(y), x.max(y), s.link));
        }
    }
    if bridges.is_empty() {
        return;
    }
    bridges.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
    // Each story's groups, largest first.
    let size = |g: u32| (groups[g as usize].members.len(), std::cmp::Reverse(g));
    // Per story (by its root): its largest groups, at most AVERAGE_GROUPS, largest first, and
    // its count of documents. Kept small, so a merge costs the same whatever the stories' size.
    let mut top: Vec<Vec<u32>> = vec![Vec::new(); n];
    let mut count: Vec<usize> = vec![0; n];
    for g in 0..n {
        top[story_of[g] as usize].push(g as u32);
        count[story_of[g] as usize] += groups[g].members.len();
    }
    for t in &mut top {
        t.sort_by_key(|&g| std::cmp::Reverse(size(g)));
        t.truncate(AVERAGE_GROUPS);
    }
    let mut root: Vec<u32> = (0..n as u32).collect();
    fn find(root: &mut [u32], mut x: u32) -> u32 {
        while root[x as usize] != x {
            root[x as usize] = root[root[x as usize] as usize];
            x = root[x as usize];
        }
        x
    }
    let mut bridge_of: Vec<Option<Link>> = vec![None; n];
    for (_, x, y, link) in bridges {
        let (rx, ry) = (find(&mut root, x), find(&mut root, y));
        if rx == ry {
            continue;
        }
        let (gx, gy) = (&top[rx as usize], &top[ry as usize]);
        let mut sum = 0.0;
        for &a in gx {
            for &b in gy {
                sum += probability(a, b);
            }
        }
        let mean = sum / (gx.len() * gy.len()) as f64;
        if mean < floor {
            continue;
        }
        // The story with more documents keeps its center (ties: the lower index).
        let (keep, gone) = if (count[rx as usize], std::cmp::Reverse(rx))
            >= (count[ry as usize], std::cmp::Reverse(ry))
        {
            (rx, ry)
        } else {
            (ry, rx)
        };
        root[gone as usize] = keep;
        bridge_of[gone as usize] = Some(link);
        count[keep as usize] += count[gone as usize];
        let moved = std::mem::take(&mut top[gone as usize]);
        let kept = &mut top[keep as usize];
        kept.extend(moved);
        kept.sort_by_key(|&g| std::cmp::Reverse(size(g)));
        kept.truncate(AVERAGE_GROUPS);
    }
    let firsts: Vec<Option<(u32, Link)>> = joined.to_vec();
    for g in 0..n {
        let s = story_of[g];
        let r = find(&mut root, s);
        if r == s {
            continue;
        }
        joined[g] = Some(match firsts[g] {
            Some((_, link)) => (r, link),
            // A merged center always has its bridge; the fallback only keeps this total.
            None => (
                r,
                bridge_of[g].unwrap_or(Link {
                    probability: 0.0,
                    evidence: PairEvidence::default(),
                }),
            ),
        });
    }
}

/// Builds the stories from the centers' assignment.
fn assemble(
    groups: Vec<Group>,
    joined: &[Option<(u32, Link)>],
    shingles: &[Vec<Shingle>],
) -> Vec<Group> {
    let n = groups.len();
    let mut attached: Vec<Vec<(u32, Link)>> = vec![Vec::new(); n];
    for (g, j) in joined.iter().enumerate() {
        if let Some((center, link)) = j {
            attached[*center as usize].push((g as u32, *link));
        }
    }
    let mut slots: Vec<Option<Group>> = groups.into_iter().map(Some).collect();
    let mut taken: Vec<(Group, Vec<(Group, Link)>)> = Vec::new();
    for g in (0..n).filter(|&g| joined[g].is_none()) {
        let others = attached[g]
            .iter()
            .filter_map(|&(h, link)| slots[h as usize].take().map(|group| (group, link)))
            .collect();
        if let Some(center) = slots[g].take() {
            taken.push((center, others));
        }
    }
    let mut out: Vec<Group> = taken
        .into_par_iter()
        .map(|(center, others)| {
            if others.is_empty() {
                return center;
            }
            let mut tagged: Vec<(u32, u32)> = center.members.iter().map(|&d| (d, 0)).collect();
            let mut links = Vec::new();
            for (i, (group, link)) in others.into_iter().enumerate() {
                tagged.extend(group.members.iter().map(|&d| (d, i as u32 + 1)));
                links.push(link);
            }
            tagged.sort_unstable();
            let members: Vec<u32> = tagged.iter().map(|t| t.0).collect();
            let mut group = Group::new(members, shingles);
            group.version = tagged.iter().map(|t| t.1).collect();
            group.links = links;
            group
        })
        .collect();
    out.sort_by_key(|g| g.members[0]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn link(a: u32, b: u32, probability: f64) -> Scored {
        Scored {
            a,
            b,
            link: Link {
                probability,
                evidence: PairEvidence::default(),
            },
        }
    }

    /// Groups of the given sizes; group `g` holds documents `10 * g ..`, each of one shingle.
    fn groups(sizes: &[u32]) -> (Vec<Group>, Vec<u32>, Vec<Vec<Shingle>>) {
        let shingles: Vec<Vec<Shingle>> = (0..10 * sizes.len() as u32).map(|d| vec![d]).collect();
        let groups = sizes
            .iter()
            .enumerate()
            .map(|(g, &n)| {
                Group::with_coverage(
                    (0..n).map(|i| 10 * g as u32 + i).collect(),
                    vec![1; n as usize],
                )
            })
            .collect();
        let reps = (0..sizes.len() as u32).map(|g| 10 * g).collect();
        (groups, reps, shingles)
    }

    #[test]
    fn a_lone_group_linked_to_a_member_joins_its_story_but_stories_do_not_merge() {
        // 0 (largest) is a center; 1 joins it; 2 is linked to 1 only; 3 has member 4 of its
        // own and is linked to 1 too.
        let (gs, reps, shingles) = groups(&[4, 3, 1, 2, 1]);
        let pairs = vec![
            link(0, 1, 0.9),
            link(1, 2, 0.95),
            link(1, 3, 0.99),
            link(3, 4, 0.9),
        ];
        let joined = assign(&gs, &reps, &shingles, &pairs, 0.7);
        assert_eq!(joined[0], None);
        assert_eq!(joined[1].map(|j| j.0), Some(0));
        // Through member 1, one step, to 1's center.
        assert_eq!(joined[2].map(|j| j.0), Some(0));
        assert_eq!(joined[2].map(|j| j.1.probability), Some(0.95));
        // 3 leads a story of its own: it stays apart.
        assert_eq!(joined[3], None);
        assert_eq!(joined[4].map(|j| j.0), Some(3));
        // Below the threshold, no link counts.
        let joined = assign(&gs, &reps, &shingles, &pairs, 0.96);
        assert_eq!(joined[2], None);
    }

    #[test]
    fn average_link_merges_a_split_write_thru_but_not_siblings_over_one_bridge() {
        // Write-thru: 0 and 1 (with its own version 7) are versions of one story scored below
        // the threshold (0.6, 0.7); 2 links to both, joins 0 (the larger center) and bridges
        // to 1's story. Siblings: 3 (+5) and 4 (+6) are two stories; 5 links to 4 alone.
        let (gs, reps, shingles) = groups(&[3, 2, 1, 2, 1, 1, 1, 1]);
        let pairs = vec![
            link(0, 1, 0.6),
            link(0, 7, 0.7),
            link(1, 7, 0.9),
            link(0, 2, 0.9),
            link(1, 2, 0.9),
            link(3, 5, 0.95),
            link(4, 5, 0.85),
            link(4, 6, 0.9),
        ];
        let p = |a: u32, b: u32| {
            pairs
                .iter()
                .find(|s| (s.a, s.b) == (a.min(b), a.max(b)))
                .map_or(0.1, |s| s.link.probability)
        };
        let model = Model {
            threshold: 0.8,
            merge_floor: 0.5,
            ..Model::default()
        };
        let story = |joined: &[Option<(u32, Link)>], g: usize| joined[g].map_or(g as u32, |j| j.0);
        let mut joined = assign(&gs, &reps, &shingles, &pairs, model.threshold);
        // The center rule alone splits the write-thru.
        assert_ne!(story(&joined, 0), story(&joined, 1));
        average_link(&mut joined, &gs, &pairs, &model, p);
        // Mean over {1, 7} x {0, 2}: (0.6 + 0.7 + 0.9 + 0.1) / 4 >= 0.5: one story, centered
        // on 0 (more members).
        assert_eq!(story(&joined, 1), 0);
        assert_eq!(story(&joined, 2), 0);
        assert_eq!(story(&joined, 7), 0);
        assert_eq!(joined[1].map(|j| j.1.probability), Some(0.9));
        // Mean over {3, 5} x {4, 6}: (0.1 + 0.1 + 0.85 + 0.1) / 4 < 0.5: apart.
        assert_ne!(story(&joined, 3), story(&joined, 4));
        assert_eq!(story(&joined, 5), story(&joined, 3));
        assert_eq!(story(&joined, 6), story(&joined, 4));
        // Off above 1: the write-thru stays split.
        let mut off = assign(&gs, &reps, &shingles, &pairs, model.threshold);
        let never = Model {
            merge_floor: 2.0,
            ..model
        };
        average_link(&mut off, &gs, &pairs, &never, p);
        assert_ne!(story(&off, 0), story(&off, 1));
    }
}
