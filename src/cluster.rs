//! Stage 6: stories from verified similarities.
//!
//! Two versions are joined when their Jaccard similarity reaches `jaccard`, or their containment
//! reaches `containment` (the shorter must have at least `min_containment_shingles` shingles, so
//! a two-line snippet is not "contained" in everything). Stories are the connected groups.

use crate::verify::Similarity;

/// Thresholds for joining two versions.
#[derive(Debug, Clone, PartialEq)]
pub struct ClusterParams {
    pub jaccard: f64,
    pub containment: f64,
    pub min_containment_shingles: usize,
}

impl Default for ClusterParams {
    fn default() -> Self {
        ClusterParams {
            jaccard: 0.5,
            containment: 0.5,
            min_containment_shingles: 20,
        }
    }
}

/// Whether a verified pair is strong enough to join two versions.
pub fn joins(s: &Similarity, sizes: &[usize], p: &ClusterParams) -> bool {
    if s.jaccard >= p.jaccard {
        return true;
    }
    let smaller = sizes[s.a as usize].min(sizes[s.b as usize]);
    s.containment >= p.containment && smaller >= p.min_containment_shingles
}

/// Groups `n` documents into stories. Each story lists its members in index order; stories are
/// ordered by their first member.
pub fn cluster(n: usize, sims: &[Similarity], sizes: &[usize], p: &ClusterParams) -> Vec<Vec<u32>> {
    let mut uf = UnionFind::new(n);
    for s in sims.iter().filter(|s| joins(s, sizes, p)) {
        uf.union(s.a as usize, s.b as usize);
    }
    let mut groups: Vec<Vec<u32>> = vec![Vec::new(); n];
    for i in 0..n {
        groups[uf.find(i)].push(i as u32);
    }
    groups.retain(|g| !g.is_empty());
    groups.sort_by_key(|g| g[0]);
    groups
}

/// Disjoint sets with path halving and union by size.
pub struct UnionFind {
    parent: Vec<usize>,
    size: Vec<usize>,
}

impl UnionFind {
    pub fn new(n: usize) -> Self {
        UnionFind {
            parent: (0..n).collect(),
            size: vec![1; n],
        }
    }

    pub fn find(&mut self, mut x: usize) -> usize {
        while self.parent[x] != x {
            self.parent[x] = self.parent[self.parent[x]];
            x = self.parent[x];
        }
        x
    }

    pub fn union(&mut self, a: usize, b: usize) {
        let (mut ra, mut rb) = (self.find(a), self.find(b));
        if ra == rb {
            return;
        }
        if self.size[ra] < self.size[rb] {
            std::mem::swap(&mut ra, &mut rb);
        }
        self.parent[rb] = ra;
        self.size[ra] += self.size[rb];
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

    #[test]
    fn join_rules_table() {
        let p = ClusterParams::default();
        let sizes = [100, 100, 10];
        for (s, want) in [
            (sim(0, 1, 0.6, 0.7), true),
            (sim(0, 1, 0.2, 0.9), true),
            (sim(0, 1, 0.2, 0.4), false),
            (sim(0, 2, 0.1, 1.0), false), // too short for containment to count
            (sim(0, 2, 0.5, 1.0), true),
        ] {
            assert_eq!(joins(&s, &sizes, &p), want, "{s:?}");
        }
    }

    #[test]
    fn clusters_are_connected_groups() {
        let sizes = [100; 5];
        let sims = [
            sim(0, 2, 0.9, 0.9),
            sim(2, 3, 0.6, 0.6),
            sim(1, 4, 0.1, 0.1),
        ];
        let got = cluster(5, &sims, &sizes, &ClusterParams::default());
        assert_eq!(got, vec![vec![0, 2, 3], vec![1], vec![4]]);
    }
}
