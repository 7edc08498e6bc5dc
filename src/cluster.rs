//! Stage 6: stories from verified similarities.
//!
//! Two versions are joined when their Jaccard similarity reaches `jaccard`, or their containment
//! reaches `containment` (the shorter must have at least `min_containment_shingles` shingles, so
//! a two-line snippet is not "contained" in everything). Dates are evidence: with `max_days`,
//! versions whose dates lie further apart never join; without it, versions a year or more apart
//! need near-identical text.
//!
//! Connected groups can chain two stories through one weak edge (an article that quotes another,
//! a shared boilerplate paragraph). So each group is refined: its center is the member that
//! covers most of the group's shared text, and every member must reach the center with a
//! similarity (the larger of Jaccard and containment) of at least `center_floor`. Members that
//! do not are taken out and grouped again among themselves, the same way.

use rayon::prelude::*;

use crate::verify::{Similarity, shared_coverage, similarity};

/// Versions this many days apart or more need near-identical text to join when no `max_days`
/// is given (a story and its anniversary follow-up a year later are different stories).
pub const FAR_APART_DAYS: i64 = 300;
/// What "near-identical" means for versions that far apart.
pub const FAR_APART_JACCARD: f64 = 0.8;

/// At most this many refinement rounds per connected group; what is left after them stays
/// as connected, which bounds the work on adversarial chains.
const MAX_REFINE_ROUNDS: usize = 64;

/// Thresholds for joining two versions.
#[derive(Debug, Clone, PartialEq)]
pub struct ClusterParams {
    pub jaccard: f64,
    pub containment: f64,
    pub min_containment_shingles: usize,
    /// Every member's similarity to its story's center must reach this.
    pub center_floor: f64,
    /// Versions whose dates are further apart than this never join.
    pub max_days: Option<u32>,
    /// How version groups are then joined into stories ([`crate::story`]).
    pub stories: crate::story::StoryParams,
}

impl ClusterParams {
    /// The similarity down to which candidate pairs are verified and kept: the lower of the
    /// two thresholds, and with story grouping, [`crate::story::SIM_FLOOR`] (weaker verified
    /// pairs are story candidates). Clustering reads only pairs above it, so a run verified at
    /// a lower floor (`eval --sweep`) gives the same stories.
    pub fn verify_floor(&self) -> f64 {
        let floor = self.jaccard.min(self.containment);
        match self.stories.mode {
            crate::story::GroupMode::Stories => floor.min(crate::story::SIM_FLOOR),
            crate::story::GroupMode::Versions => floor,
        }
    }
}

impl Default for ClusterParams {
    fn default() -> Self {
        ClusterParams {
            jaccard: 0.5,
            containment: 0.5,
            min_containment_shingles: 20,
            center_floor: 0.3,
            max_days: None,
            stories: crate::story::StoryParams::default(),
        }
    }
}

/// One story's members, in index order, and each member's shared coverage (how many of its
/// shingles another member also holds, [`shared_coverage`]): refinement needs it to find the
/// center, and the canonical stage to pick the canonical version, so it is computed once.
///
/// A story joined from several version groups by story evidence ([`crate::story`]) also says
/// which version group each member came from and how each group joined.
#[derive(Debug, Clone, PartialEq)]
pub struct Group {
    pub members: Vec<u32>,
    pub coverage: Vec<usize>,
    /// For each member, its version group within the story: 0 for the center's group, `i` for
    /// the group that joined through `links[i - 1]`.
    pub version: Vec<u32>,
    /// How each version group other than the center's joined.
    pub links: Vec<crate::story::Link>,
}

impl Group {
    /// A group of sorted members, with their coverage, all of one version group.
    pub fn new(members: Vec<u32>, shingles: &[Vec<crate::shingle::Shingle>]) -> Group {
        let coverage = shared_coverage(&members, shingles);
        Group::with_coverage(members, coverage)
    }

    /// A group of sorted members whose coverage is known, all of one version group.
    pub fn with_coverage(members: Vec<u32>, coverage: Vec<usize>) -> Group {
        Group {
            version: vec![0; members.len()],
            members,
            coverage,
            links: Vec::new(),
        }
    }
}

/// What clustering knows of each document.
pub struct Docs<'a> {
    pub shingles: &'a [Vec<crate::shingle::Shingle>],
    /// Days since the epoch of each document's own date, when known.
    pub days: &'a [Option<i64>],
}

/// Whether the dates of two documents allow them to join at this similarity.
fn dates_allow(a: Option<i64>, b: Option<i64>, jaccard: f64, p: &ClusterParams) -> bool {
    let (Some(a), Some(b)) = (a, b) else {
        return true;
    };
    let apart = (a - b).abs();
    match p.max_days {
        Some(max) => apart <= i64::from(max),
        None => apart < FAR_APART_DAYS || jaccard >= FAR_APART_JACCARD,
    }
}

/// Whether a verified pair is strong enough to join two versions.
pub fn joins(s: &Similarity, docs: &Docs, p: &ClusterParams) -> bool {
    let smaller = docs.shingles[s.a as usize]
        .len()
        .min(docs.shingles[s.b as usize].len());
    let days = (docs.days[s.a as usize], docs.days[s.b as usize]);
    joins_by(s.jaccard, s.containment, smaller, days, p)
}

/// [`joins`] from what it reads of a pair: its similarities, the smaller document's count of
/// shingles, and the two documents' days.
pub fn joins_by(
    jaccard: f64,
    containment: f64,
    smaller: usize,
    days: (Option<i64>, Option<i64>),
    p: &ClusterParams,
) -> bool {
    if !dates_allow(days.0, days.1, jaccard, p) {
        return false;
    }
    if jaccard >= p.jaccard {
        return true;
    }
    containment >= p.containment && smaller >= p.min_containment_shingles
}

/// Groups the documents into stories. Each story lists its members in index order; stories are
/// ordered by their first member.
pub fn cluster(sims: &[Similarity], docs: &Docs, p: &ClusterParams) -> Vec<Group> {
    let n = docs.shingles.len();
    let edges: Vec<(u32, u32)> = sims
        .iter()
        .filter(|s| joins(s, docs, p))
        .map(|s| (s.a, s.b))
        .collect();
    let mut adjacency: Vec<Vec<u32>> = vec![Vec::new(); n];
    for &(a, b) in &edges {
        adjacency[a as usize].push(b);
        adjacency[b as usize].push(a);
    }
    // Components are sorted, and refinement keeps a sorted group's order.
    let mut out: Vec<Group> = all_components(&adjacency)
        .into_par_iter()
        .flat_map_iter(|component| {
            let mut groups = Vec::new();
            refine(component, &adjacency, docs, p, &mut groups);
            groups
        })
        .collect();
    debug_assert!(out.iter().all(|g| g.members.is_sorted()));
    out.sort_by_key(|g| g.members[0]);
    out
}

/// Connected components of the whole graph, each sorted, in order of their least node.
fn all_components(adjacency: &[Vec<u32>]) -> Vec<Vec<u32>> {
    let mut seen = vec![false; adjacency.len()];
    let mut out = Vec::new();
    for start in 0..adjacency.len() {
        if std::mem::replace(&mut seen[start], true) {
            continue;
        }
        let mut comp = vec![start as u32];
        let mut i = 0;
        while i < comp.len() {
            for &next in &adjacency[comp[i] as usize] {
                if !std::mem::replace(&mut seen[next as usize], true) {
                    comp.push(next);
                }
            }
            i += 1;
        }
        comp.sort_unstable();
        out.push(comp);
    }
    out
}

/// Connected components of the subgraph induced by `nodes` (sorted), each sorted.
fn components(nodes: &[u32], adjacency: &[Vec<u32>]) -> Vec<Vec<u32>> {
    let inside = |x: u32| nodes.binary_search(&x).is_ok();
    let mut seen = std::collections::HashSet::new();
    let mut out = Vec::new();
    for &start in nodes {
        if !seen.insert(start) {
            continue;
        }
        let mut comp = vec![start];
        let mut i = 0;
        while i < comp.len() {
            for &next in &adjacency[comp[i] as usize] {
                if inside(next) && seen.insert(next) {
                    comp.push(next);
                }
            }
            i += 1;
        }
        comp.sort_unstable();
        out.push(comp);
    }
    out
}

/// Splits a connected group (sorted) until every member reaches its group's center.
fn refine(
    component: Vec<u32>,
    adjacency: &[Vec<u32>],
    docs: &Docs,
    p: &ClusterParams,
    out: &mut Vec<Group>,
) {
    let mut queue = vec![component];
    let mut rounds = 0;
    while let Some(group) = queue.pop() {
        if group.len() <= 2 || rounds >= MAX_REFINE_ROUNDS {
            out.push(Group::new(group, docs.shingles));
            continue;
        }
        rounds += 1;
        let coverage = shared_coverage(&group, docs.shingles);
        // The center: most shared text; ties to the latest date, then the lowest index
        // (documents are numbered in path order), as for the canonical version.
        let day = |pos: usize| docs.days[group[pos] as usize];
        let center_pos = (0..group.len())
            .max_by(|&x, &y| {
                coverage[x]
                    .cmp(&coverage[y])
                    .then(day(x).cmp(&day(y)))
                    .then(y.cmp(&x))
            })
            .unwrap_or(0);
        let center = group[center_pos] as usize;
        let (keep, rest): (Vec<u32>, Vec<u32>) = group.iter().partition(|&&d| {
            if d as usize == center {
                return true;
            }
            let (j, c) = similarity(&docs.shingles[d as usize], &docs.shingles[center]);
            j.max(c) >= p.center_floor
                && dates_allow(docs.days[d as usize], docs.days[center], j, p)
        });
        if rest.is_empty() {
            out.push(Group::with_coverage(keep, coverage));
        } else {
            out.push(Group::new(keep, docs.shingles));
            queue.extend(components(&rest, adjacency));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sim(a: u32, b: u32, jaccard: f64, containment: f64) -> Similarity {
        Similarity {
            a,
            b,
            jaccard,
            containment,
        }
    }

    fn set(range: std::ops::Range<u32>) -> Vec<u32> {
        range.collect()
    }

    fn members(groups: &[Group]) -> Vec<Vec<u32>> {
        groups.iter().map(|g| g.members.clone()).collect()
    }

    #[test]
    fn join_rules_table() {
        let p = ClusterParams::default();
        let shingles = [set(0..100), set(0..100), set(0..10)];
        let days = [Some(0), Some(400), None];
        let docs = Docs {
            shingles: &shingles,
            days: &days,
        };
        for (s, want) in [
            (sim(0, 2, 0.6, 0.7), true),
            (sim(0, 2, 0.2, 0.4), false),
            (sim(1, 2, 0.1, 1.0), false), // too short for containment to count
            (sim(1, 2, 0.5, 1.0), true),
            (sim(0, 1, 0.6, 0.7), false), // 400 days apart: needs near-identical text
            (sim(0, 1, 0.85, 0.9), true),
        ] {
            assert_eq!(joins(&s, &docs, &p), want, "{s:?}");
        }
        let strict = ClusterParams {
            max_days: Some(30),
            ..ClusterParams::default()
        };
        assert!(!joins(&sim(0, 1, 0.95, 0.95), &docs, &strict));
        assert!(
            joins(&sim(0, 2, 0.95, 0.95), &docs, &strict),
            "an unknown date does not block"
        );
    }

    #[test]
    fn clusters_are_connected_groups() {
        let shingles: Vec<Vec<u32>> = vec![
            set(0..100),
            set(500..600),
            set(0..100),
            set(0..100),
            set(500..600),
        ];
        let days = [None; 5];
        let docs = Docs {
            shingles: &shingles,
            days: &days,
        };
        let sims = [
            sim(0, 2, 0.9, 0.9),
            sim(2, 3, 0.6, 0.6),
            sim(1, 4, 0.1, 0.1),
        ];
        let got = cluster(&sims, &docs, &ClusterParams::default());
        assert_eq!(members(&got), vec![vec![0, 2, 3], vec![1], vec![4]]);
    }

    #[test]
    fn a_weak_bridge_does_not_chain_two_stories() {
        // Story A: docs 0, 1 (0..200) and 2, which also quotes 40 shingles of doc 3.
        // Doc 3 shares half of itself with doc 4, which shares nothing with story A:
        // the path 2–3–4 passes every join test, but 4 is far from the center (doc 2).
        let mut doc2 = set(0..200);
        doc2.extend(1000..1040);
        let mut doc3 = set(1000..1050);
        doc3.extend(2000..2050);
        let shingles = vec![set(0..200), set(0..200), doc2, doc3, set(2000..2100)];
        let days = [None; 5];
        let docs = Docs {
            shingles: &shingles,
            days: &days,
        };
        let mk = |x: u32, y: u32| {
            let (j, c) = similarity(&shingles[x as usize], &shingles[y as usize]);
            sim(x, y, j, c)
        };
        let sims: Vec<Similarity> = [(0, 1), (0, 2), (1, 2), (2, 3), (3, 4)]
            .iter()
            .map(|&(x, y)| mk(x, y))
            .collect();
        let p = ClusterParams {
            containment: 0.35,
            ..ClusterParams::default()
        };
        assert!(
            sims.iter().all(|s| joins(s, &docs, &p)),
            "every edge of the chain passes"
        );
        let got = cluster(&sims, &docs, &p);
        assert_eq!(members(&got), vec![vec![0, 1, 2, 3], vec![4]]);
        // Each group carries its members' coverage, as computed for the group alone: the
        // refined group {0, 1, 2, 3} is not the component it came from.
        for g in &got {
            assert_eq!(g.coverage, shared_coverage(&g.members, &shingles));
        }
        assert_eq!(got[0].coverage, [200, 200, 240, 40]);
        let no_refinement = ClusterParams {
            center_floor: 0.0,
            ..p
        };
        assert_eq!(
            members(&cluster(&sims, &docs, &no_refinement)),
            vec![vec![0, 1, 2, 3, 4]]
        );
    }
}
