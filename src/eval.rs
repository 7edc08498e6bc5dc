//! `newsdedup eval`: scores a clustering against a gold standard. Pure functions over plain data:
//! reading the files is the caller's ([`crate::app`]), printing is [`crate::output`]'s.
//!
//! Items are files. A gold file matches a predicted member path when its path components are a
//! suffix of the member's ([`is_path_suffix`]); only items in both are scored, and how many were
//! left out on either side is returned for the caller to report.
//!
//! Over the n scored items, with n_ij the items in gold story i and predicted story j, a_i and
//! b_j the row and column sums of that contingency table, and C(x) = x(x−1)/2:
//! - **pairwise**, over all unordered item pairs: TP = Σ C(n_ij), precision = TP / Σ C(b_j),
//!   recall = TP / Σ C(a_i). Counted from the table, never by listing pairs.
//! - **B-cubed** (Bagga & Baldwin 1998): per item, precision = |G∩P| / |P| and recall =
//!   |G∩P| / |G| for its gold story G and predicted story P, averaged over items, i.e.
//!   Σ n_ij² / b_j / n and Σ n_ij² / a_i / n.
//! - **ARI**, the adjusted Rand index (Hubert & Arabie 1985): (index − expected) / (max −
//!   expected) with index = Σ C(n_ij), expected = Σ C(a_i) · Σ C(b_j) / C(n) and max =
//!   (Σ C(a_i) + Σ C(b_j)) / 2. 1 for identical clusterings, about 0 for chance, below 0 when
//!   worse than chance.
//! - F1 is the harmonic mean of precision and recall (0 when both are 0).
//!
//! The 0/0 cases are defined, not NaN:
//! - a pairwise precision with no predicted pair, or a recall with no gold pair, is 1.0 (no
//!   pair was wrongly joined, no pair was missed); with n = 0 every score is 1.0.
//! - ARI: with A = Σ C(a_i), B = Σ C(b_j), N = C(n) (so A, B ≤ N), max − expected =
//!   (A+B)/2 − AB/N ≥ √(AB)·(1 − √(AB)/N) ≥ 0, with equality only when A = B = 0 (both
//!   clusterings all singletons) or A = B = N (both one story). The clusterings are then
//!   identical, and ARI is defined as 1.0; so it is when n < 2 (N = 0, expected itself 0/0).
//!   The test is exact: everything is computed in integers up to the final division.

use std::cmp::Reverse;
use std::collections::HashMap;

use serde::Deserialize;

/// Default `--sweep` thresholds for Jaccard similarity.
pub const SWEEP_JACCARD: [f64; 6] = [0.3, 0.4, 0.5, 0.6, 0.7, 0.8];
/// Default `--sweep` thresholds for containment.
pub const SWEEP_CONTAINMENT: [f64; 7] = [0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9];

/// Precision, recall and their harmonic mean.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Prf {
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
}

impl Prf {
    fn new(precision: f64, recall: f64) -> Prf {
        let f1 = if precision + recall > 0.0 {
            2.0 * precision * recall / (precision + recall)
        } else {
            0.0
        };
        Prf {
            precision,
            recall,
            f1,
        }
    }
}

/// The scores of one clustering, over the items in both gold and prediction.
#[derive(Debug, Clone, PartialEq)]
pub struct Scores {
    pub items: usize,
    /// Gold stories with at least one scored item.
    pub gold_stories: usize,
    /// Predicted stories with at least one scored item.
    pub predicted_stories: usize,
    pub pairwise: Prf,
    pub bcubed: Prf,
    pub ari: f64,
}

/// The scores and what was left out of them.
#[derive(Debug, Clone, PartialEq)]
pub struct Evaluation {
    pub scores: Scores,
    /// Gold files that match no predicted path.
    pub missing_from_prediction: usize,
    /// Predicted paths that match no gold file.
    pub not_in_gold: usize,
    /// Predicted paths whose gold file was already matched by an earlier predicted path (two
    /// paths ending in the same gold suffix); only the first is scored.
    pub ambiguous: usize,
}

fn pairs(x: u64) -> u64 {
    x * x.saturating_sub(1) / 2
}

/// Scores a clustering given as one `(gold story, predicted story)` label pair per item.
pub fn score(labels: &[(u32, u32)]) -> Scores {
    let n = labels.len() as u64;
    let mut sorted = labels.to_vec();
    sorted.sort_unstable();
    // The contingency table: (gold, predicted, count), in label order so sums are deterministic.
    let mut cells: Vec<(u32, u32, u64)> = Vec::new();
    for &(g, p) in &sorted {
        match cells.last_mut() {
            Some((lg, lp, c)) if (*lg, *lp) == (g, p) => *c += 1,
            _ => cells.push((g, p, 1)),
        }
    }
    let mut gold_sizes: HashMap<u32, u64> = HashMap::new();
    let mut pred_sizes: HashMap<u32, u64> = HashMap::new();
    for &(g, p, c) in &cells {
        *gold_sizes.entry(g).or_default() += c;
        *pred_sizes.entry(p).or_default() += c;
    }

    let index: u64 = cells.iter().map(|&(_, _, c)| pairs(c)).sum();
    let gold_pairs: u64 = gold_sizes.values().map(|&a| pairs(a)).sum();
    let pred_pairs: u64 = pred_sizes.values().map(|&b| pairs(b)).sum();
    let ratio = |num: u64, den: u64| {
        if den == 0 {
            1.0
        } else {
            num as f64 / den as f64
        }
    };
    let pairwise = Prf::new(ratio(index, pred_pairs), ratio(index, gold_pairs));

    let bcubed = if n == 0 {
        Prf::new(1.0, 1.0)
    } else {
        let (mut p, mut r) = (0.0, 0.0);
        for &(g, pr, c) in &cells {
            let c2 = (c * c) as f64;
            p += c2 / pred_sizes[&pr] as f64;
            r += c2 / gold_sizes[&g] as f64;
        }
        Prf::new(p / n as f64, r / n as f64)
    };

    Scores {
        items: labels.len(),
        gold_stories: gold_sizes.len(),
        predicted_stories: pred_sizes.len(),
        pairwise,
        bcubed,
        ari: ari(index, gold_pairs, pred_pairs, pairs(n)),
    }
}

/// ARI = 2·(I·N − A·B) / ((A+B)·N − 2·A·B), the module formula with both terms multiplied by
/// 2N, in integers (u128: the products outgrow u64 past a few million items).
fn ari(index: u64, gold_pairs: u64, pred_pairs: u64, all_pairs: u64) -> f64 {
    let (i, a, b, n) = (
        u128::from(index),
        u128::from(gold_pairs),
        u128::from(pred_pairs),
        u128::from(all_pairs),
    );
    let den = (a + b) * n - 2 * a * b;
    if den == 0 {
        // n < 2, or both clusterings all singletons, or both one story: identical.
        return 1.0;
    }
    let num = 2 * (i * n) as i128 - 2 * (a * b) as i128;
    num as f64 / den as f64
}

/// The components of a path: split at `/` or `\`, empty and `.` components dropped.
fn components(path: &str) -> Vec<&str> {
    path.split(['/', '\\'])
        .filter(|c| !c.is_empty() && *c != ".")
        .collect()
}

/// Whether `suffix`'s components are the last components of `path`: `pages/abc.htm` is a suffix
/// of `corpus/pages/abc.htm`, `c.htm` is not a suffix of `abc.htm`.
pub fn is_path_suffix(suffix: &str, path: &str) -> bool {
    let (s, p) = (components(suffix), components(path));
    !s.is_empty() && p.ends_with(&s)
}

/// A gold standard indexed for matching: files by their file name, so matching a prediction is
/// one hash lookup per predicted path.
#[derive(Debug, Clone)]
pub struct Gold {
    /// Story index of each gold file.
    labels: Vec<u32>,
    /// Path components of each gold file.
    parts: Vec<Vec<String>>,
    /// Gold files by file name (last component).
    by_name: HashMap<String, Vec<usize>>,
}

impl Gold {
    /// Indexes `(file, story)` entries. Stories are told apart by name.
    pub fn new(entries: &[(String, String)]) -> Gold {
        let mut story_ids: HashMap<&str, u32> = HashMap::new();
        let mut gold = Gold {
            labels: Vec::with_capacity(entries.len()),
            parts: Vec::with_capacity(entries.len()),
            by_name: HashMap::new(),
        };
        for (i, (file, story)) in entries.iter().enumerate() {
            let next = story_ids.len() as u32;
            gold.labels.push(*story_ids.entry(story).or_insert(next));
            let parts: Vec<String> = components(file).into_iter().map(String::from).collect();
            if let Some(name) = parts.last() {
                gold.by_name.entry(name.clone()).or_default().push(i);
            }
            gold.parts.push(parts);
        }
        gold
    }

    /// The gold file a predicted path matches: among the gold files whose components end it, the
    /// one with the most components (then the first listed).
    fn find(&self, path: &str) -> Option<usize> {
        let parts = components(path);
        let name = parts.last()?;
        self.by_name
            .get(*name)?
            .iter()
            .copied()
            .filter(|&g| {
                let gp = &self.parts[g];
                gp.len() <= parts.len()
                    && gp.iter().rev().zip(parts.iter().rev()).all(|(a, b)| a == b)
            })
            .max_by_key(|&g| (self.parts[g].len(), Reverse(g)))
    }

    /// Scores a predicted clustering given as the member paths of each story. Each gold file is
    /// matched at most once, by the first predicted path (in story order) that ends with it.
    pub fn evaluate<S: AsRef<str>>(&self, predicted: &[Vec<S>]) -> Evaluation {
        let mut matched = vec![false; self.labels.len()];
        let mut labels = Vec::new();
        let (mut not_in_gold, mut ambiguous) = (0, 0);
        for (j, story) in predicted.iter().enumerate() {
            for path in story {
                match self.find(path.as_ref()) {
                    None => not_in_gold += 1,
                    Some(g) if matched[g] => ambiguous += 1,
                    Some(g) => {
                        matched[g] = true;
                        labels.push((self.labels[g], j as u32));
                    }
                }
            }
        }
        Evaluation {
            scores: score(&labels),
            missing_from_prediction: matched.iter().filter(|&&m| !m).count(),
            not_in_gold,
            ambiguous,
        }
    }
}

/// Parses a gold file: a header line, then `file<TAB>story` per line (blank lines skipped, a
/// trailing `\r` ignored). Errors name the line.
pub fn parse_gold(text: &str) -> Result<Vec<(String, String)>, String> {
    let mut entries = Vec::new();
    let mut seen: HashMap<Vec<&str>, usize> = HashMap::new();
    let mut lines = text.lines().enumerate();
    if lines.next().is_none() {
        return Err("empty file (expected a header line, then file<TAB>story per line)".into());
    }
    for (i, line) in lines {
        let line = line.strip_suffix('\r').unwrap_or(line);
        if line.trim().is_empty() {
            continue;
        }
        let lineno = i + 1;
        let Some((file, story)) = line.split_once('\t') else {
            return Err(format!("line {lineno}: expected file<TAB>story"));
        };
        let parts = components(file);
        if parts.is_empty() {
            return Err(format!("line {lineno}: empty file path"));
        }
        if let Some(first) = seen.insert(parts, lineno) {
            return Err(format!(
                "line {lineno}: {file} is already listed on line {first}"
            ));
        }
        entries.push((file.to_string(), story.to_string()));
    }
    Ok(entries)
}

#[derive(Deserialize)]
struct PredictedStory {
    members: Vec<PredictedMember>,
}

#[derive(Deserialize)]
struct PredictedMember {
    path: String,
}

/// Parses a saved newsdedup output (a JSON array of stories, or JSON Lines) into the member
/// paths of each story. Only `members[].path` is read.
pub fn parse_prediction(text: &str) -> Result<Vec<Vec<String>>, String> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let stories: Vec<PredictedStory> = if text.trim_start().starts_with('[') {
        serde_json::from_str(text).map_err(|e| format!("not a JSON array of stories: {e}"))?
    } else {
        serde_json::Deserializer::from_str(text)
            .into_iter()
            .collect::<Result<_, _>>()
            .map_err(|e| format!("not JSON Lines of stories: {e}"))?
    };
    Ok(stories
        .into_iter()
        .map(|s| s.members.into_iter().map(|m| m.path).collect())
        .collect())
}

/// The thresholds `--sweep` tries.
#[derive(Debug, Clone, PartialEq)]
pub struct Grid {
    pub jaccard: Vec<f64>,
    pub containment: Vec<f64>,
}

impl Default for Grid {
    fn default() -> Self {
        Grid {
            jaccard: SWEEP_JACCARD.to_vec(),
            containment: SWEEP_CONTAINMENT.to_vec(),
        }
    }
}

impl Grid {
    /// Every `(jaccard, containment)` setting, Jaccard in the outer loop, in the order given.
    pub fn points(&self) -> Vec<(f64, f64)> {
        self.jaccard
            .iter()
            .flat_map(|&j| self.containment.iter().map(move |&c| (j, c)))
            .collect()
    }

    /// The lowest threshold of the grid: pairs below it join at no setting.
    pub fn floor(&self) -> f64 {
        self.jaccard
            .iter()
            .chain(&self.containment)
            .copied()
            .fold(1.0, f64::min)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Item labels from a gold and a predicted clustering, each a list of stories of item names.
    fn labels(gold: &[&[&str]], predicted: &[&[&str]]) -> Vec<(u32, u32)> {
        let story_of = |clusters: &[&[&str]], item: &str| {
            clusters.iter().position(|c| c.contains(&item)).unwrap() as u32
        };
        let mut items: Vec<&str> = gold.iter().flat_map(|c| c.iter().copied()).collect();
        items.sort_unstable();
        items
            .iter()
            .map(|&i| (story_of(gold, i), story_of(predicted, i)))
            .collect()
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-12
    }

    #[test]
    fn hand_computed_table() {
        struct Case {
            name: &'static str,
            gold: &'static [&'static [&'static str]],
            predicted: &'static [&'static [&'static str]],
            /// (precision, recall, f1) pairwise, then B-cubed, then ARI.
            pairwise: (f64, f64, f64),
            bcubed: (f64, f64, f64),
            ari: f64,
        }
        let cases = [
            // Identical: every score 1.
            Case {
                name: "perfect",
                gold: &[&["a", "b"], &["c", "d", "e"], &["f"]],
                predicted: &[&["f"], &["e", "d", "c"], &["b", "a"]],
                pairwise: (1.0, 1.0, 1.0),
                bcubed: (1.0, 1.0, 1.0),
                ari: 1.0,
            },
            // Gold {a,b},{c}; predicted one story. n = 3, N = C(3) = 3.
            // Pairs: TP = C(2) = 1, predicted pairs B = 3, gold pairs A = 1: P 1/3, R 1, F1 1/2.
            // B-cubed: a, b: P 2/3, R 1; c: P 1/3, R 1 → P (2/3+2/3+1/3)/3 = 5/9, R 1,
            //   F1 = 2·(5/9)/(14/9) = 5/7.
            // ARI = 2(I·N − A·B)/((A+B)N − 2AB) = 2(3 − 3)/(12 − 6) = 0.
            Case {
                name: "one predicted story",
                gold: &[&["a", "b"], &["c"]],
                predicted: &[&["a", "b", "c"]],
                pairwise: (1.0 / 3.0, 1.0, 0.5),
                bcubed: (5.0 / 9.0, 1.0, 5.0 / 7.0),
                ari: 0.0,
            },
            // Gold {a,b},{c}; predicted all singletons. TP = 0, B = 0 (precision 0/0 → 1),
            // A = 1: P 1, R 0, F1 0. B-cubed: P 1 each; R a, b 1/2, c 1 → 2/3;
            // F1 = 2·(2/3)/(5/3) = 4/5. ARI = 2(0 − 0)/(1·3 − 0) = 0.
            Case {
                name: "all singletons",
                gold: &[&["a", "b"], &["c"]],
                predicted: &[&["a"], &["b"], &["c"]],
                pairwise: (1.0, 0.0, 0.0),
                bcubed: (1.0, 2.0 / 3.0, 0.8),
                ari: 0.0,
            },
            // Gold {a,b},{c,d}; predicted {a,c},{b,d}: every pair in the wrong place.
            // n = 4, N = 6, every n_ij = 1 so I = 0; A = B = 2. Pairwise P = R = F1 = 0.
            // B-cubed: every item shares 1 of 2 → P = R = F1 = 1/2.
            // ARI = 2(0·6 − 4)/(4·6 − 8) = −8/16 = −0.5: worse than chance.
            Case {
                name: "crossed, ARI < 0",
                gold: &[&["a", "b"], &["c", "d"]],
                predicted: &[&["a", "c"], &["b", "d"]],
                pairwise: (0.0, 0.0, 0.0),
                bcubed: (0.5, 0.5, 0.5),
                ari: -0.5,
            },
            // Asymmetric: gold {a,b,c,d},{e}; predicted {a,b},{c,d,e}. n = 5, N = 10.
            // Table: (g1,p1) 2, (g1,p2) 2, (g2,p2) 1. I = 1+1+0 = 2, A = C(4) = 6,
            // B = C(2)+C(3) = 4. Pairwise P 2/4, R 2/6, F1 = 2·(1/6)/(5/6) = 2/5.
            // B-cubed P: a, b 2/2; c, d 2/3; e 1/3 → (1+1+2/3+2/3+1/3)/5 = 11/15.
            //   R: a..d 2/4; e 1/1 → 3/5. F1 = 2·(11/15)(3/5)/(20/15) = 33/50 = 0.66.
            // ARI = 2(2·10 − 24)/(10·10 − 48) = −8/52 = −2/13.
            Case {
                name: "asymmetric",
                gold: &[&["a", "b", "c", "d"], &["e"]],
                predicted: &[&["a", "b"], &["c", "d", "e"]],
                pairwise: (0.5, 1.0 / 3.0, 0.4),
                bcubed: (11.0 / 15.0, 0.6, 0.66),
                ari: -2.0 / 13.0,
            },
            // 0/0: both all singletons. No pairs on either side: P = R = 1 by convention;
            // A = B = 0 so max = expected = 0 and ARI is defined as 1.
            Case {
                name: "both all singletons",
                gold: &[&["a"], &["b"], &["c"]],
                predicted: &[&["c"], &["b"], &["a"]],
                pairwise: (1.0, 1.0, 1.0),
                bcubed: (1.0, 1.0, 1.0),
                ari: 1.0,
            },
            // 0/0: both one story. A = B = N = 3: (A+B)N − 2AB = 18 − 18 = 0 → ARI 1.
            Case {
                name: "both one story",
                gold: &[&["a", "b", "c"]],
                predicted: &[&["a", "b", "c"]],
                pairwise: (1.0, 1.0, 1.0),
                bcubed: (1.0, 1.0, 1.0),
                ari: 1.0,
            },
            // 0/0: one item, N = C(1) = 0.
            Case {
                name: "one item",
                gold: &[&["a"]],
                predicted: &[&["a"]],
                pairwise: (1.0, 1.0, 1.0),
                bcubed: (1.0, 1.0, 1.0),
                ari: 1.0,
            },
            // Gold one story, predicted all singletons: A = N = 3, B = 0 → ARI 2(0−0)/9 = 0;
            // pairwise P 0/0 → 1, R 0, F1 0; B-cubed P 1, R 1/3, F1 = (2/3)/(4/3) = 1/2.
            Case {
                name: "gold one story, predicted singletons",
                gold: &[&["a", "b", "c"]],
                predicted: &[&["a"], &["b"], &["c"]],
                pairwise: (1.0, 0.0, 0.0),
                bcubed: (1.0, 1.0 / 3.0, 0.5),
                ari: 0.0,
            },
        ];
        for c in cases {
            let s = score(&labels(c.gold, c.predicted));
            let got = |p: Prf| (p.precision, p.recall, p.f1);
            let ok3 = |a: (f64, f64, f64), b: (f64, f64, f64)| {
                close(a.0, b.0) && close(a.1, b.1) && close(a.2, b.2)
            };
            assert!(ok3(got(s.pairwise), c.pairwise), "{}: {s:?}", c.name);
            assert!(ok3(got(s.bcubed), c.bcubed), "{}: {s:?}", c.name);
            assert!(
                close(s.ari, c.ari),
                "{}: ari {} != {}",
                c.name,
                s.ari,
                c.ari
            );
            assert_eq!(s.items, c.gold.iter().map(|g| g.len()).sum::<usize>());
            assert_eq!(s.gold_stories, c.gold.len(), "{}", c.name);
            assert_eq!(s.predicted_stories, c.predicted.len(), "{}", c.name);
        }
    }

    #[test]
    fn no_items_scores_one_and_no_nan() {
        let s = score(&[]);
        assert_eq!((s.items, s.gold_stories, s.predicted_stories), (0, 0, 0));
        assert_eq!(s.pairwise, Prf::new(1.0, 1.0));
        assert_eq!(s.bcubed, Prf::new(1.0, 1.0));
        assert_eq!(s.ari, 1.0);
    }

    #[test]
    fn scores_do_not_depend_on_label_values_or_order() {
        // Gold 0 → 7, 1 → 9, 2 → 5; predicted 0 → 3, 1 → 7; items shuffled.
        let a = [(0, 0), (0, 0), (0, 1), (1, 1), (2, 1)];
        let b = [(9, 7), (5, 7), (7, 3), (7, 7), (7, 3)];
        let (x, y) = (score(&a), score(&b));
        assert_eq!(
            (x.items, x.gold_stories, x.predicted_stories),
            (y.items, y.gold_stories, y.predicted_stories)
        );
        for (p, q) in [(x.pairwise, y.pairwise), (x.bcubed, y.bcubed)] {
            assert!(
                close(p.precision, q.precision) && close(p.recall, q.recall),
                "{x:?} {y:?}"
            );
            assert!(close(p.f1, q.f1), "{x:?} {y:?}");
        }
        assert!(close(x.ari, y.ari), "{x:?} {y:?}");
    }

    #[test]
    fn large_counts_stay_exact() {
        // 200,000 items in 2 gold stories, predicted one story: pair counts near 2·10^10,
        // products near 4·10^20 (past u64). A = 2·C(100000) = 9999900000, B = N = C(200000)
        // = 19999900000, I = A. ARI = 2(A·N − A·N)/(…) = 0; pairwise P = A/N, R = 1.
        let labels: Vec<(u32, u32)> = (0..200_000u32).map(|i| (i % 2, 0)).collect();
        let s = score(&labels);
        assert_eq!(s.ari, 0.0);
        assert!(close(
            s.pairwise.precision,
            9_999_900_000.0 / 19_999_900_000.0
        ));
        assert_eq!(s.pairwise.recall, 1.0);
    }

    #[test]
    fn path_suffix_table() {
        for (suffix, path, want) in [
            (
                "pages/abc.htm",
                "../shared/corpora/spotsigs-dev/pages/abc.htm",
                true,
            ),
            ("pages/abc.htm", "pages/abc.htm", true),
            ("abc.htm", "x/pages/abc.htm", true),
            ("./pages/abc.htm", "x//pages/./abc.htm", true),
            ("pages/abc.htm", r"C:\corpus\pages\abc.htm", true),
            ("c.htm", "pages/abc.htm", false),
            ("c.htm", "abc.htm", false),
            ("ges/abc.htm", "pages/abc.htm", false),
            ("other/abc.htm", "pages/abc.htm", false),
            ("x/pages/abc.htm", "pages/abc.htm", false),
            ("pages", "pages/abc.htm", false),
            ("", "pages/abc.htm", false),
        ] {
            assert_eq!(is_path_suffix(suffix, path), want, "{suffix} in {path}");
        }
    }

    fn entries(rows: &[(&str, &str)]) -> Vec<(String, String)> {
        rows.iter()
            .map(|(f, s)| (f.to_string(), s.to_string()))
            .collect()
    }

    #[test]
    fn matching_is_by_whole_component_suffix() {
        let gold = Gold::new(&entries(&[
            ("pages/c.htm", "s1"),
            ("pages/abc.htm", "s1"),
            ("pages/d.htm", "s2"),
            ("pages/gone.htm", "s2"),
        ]));
        let predicted = vec![
            vec!["corpus/pages/abc.htm", "corpus/pages/c.htm"],
            vec![
                "corpus/pages/d.htm",
                "corpus/pages/xc.htm",
                "corpus/other/d.htm",
            ],
        ];
        let ev = gold.evaluate(&predicted);
        // abc, c, d scored (and correctly split); xc.htm and other/d.htm match nothing.
        assert_eq!(ev.scores.items, 3);
        assert_eq!(ev.scores.ari, 1.0);
        assert_eq!(ev.missing_from_prediction, 1);
        assert_eq!(ev.not_in_gold, 2);
        assert_eq!(ev.ambiguous, 0);
    }

    #[test]
    fn the_longest_gold_suffix_wins_and_a_gold_file_matches_once() {
        let gold = Gold::new(&entries(&[
            ("a.htm", "s1"),
            ("pages/a.htm", "s2"),
            ("b.htm", "s2"),
        ]));
        // x/pages/a.htm → pages/a.htm (s2), y/a.htm → a.htm (s1); y/b.htm then z/b.htm: the
        // second is ambiguous and left out.
        let ev = gold.evaluate(&[vec!["x/pages/a.htm", "y/b.htm"], vec!["y/a.htm", "z/b.htm"]]);
        assert_eq!(ev.scores.items, 3);
        assert_eq!(ev.ambiguous, 1);
        assert_eq!(ev.missing_from_prediction, 0);
        assert_eq!(ev.scores.ari, 1.0, "{ev:?}");
    }

    #[test]
    fn matching_20k_files_is_fast() {
        // Near-linear: 20,000 gold files in one folder, each looked up once.
        let rows: Vec<(String, String)> = (0..20_000)
            .map(|i| (format!("pages/{i:05}.htm"), format!("s{}", i % 50)))
            .collect();
        let gold = Gold::new(&rows);
        let predicted: Vec<Vec<String>> = (0..50)
            .map(|s| {
                (s..20_000)
                    .step_by(50)
                    .map(|i| format!("../corpus/pages/{i:05}.htm"))
                    .collect()
            })
            .collect();
        let clock = std::time::Instant::now();
        let ev = gold.evaluate(&predicted);
        assert!(clock.elapsed().as_secs_f64() < 2.0, "{:?}", clock.elapsed());
        assert_eq!(ev.scores.items, 20_000);
        assert_eq!(ev.scores.pairwise.f1, 1.0);
        assert_eq!(ev.scores.ari, 1.0);
    }

    #[test]
    fn parse_gold_table() {
        let ok = parse_gold("file\tstory\r\npages/a.htm\ts1\r\n\r\npages/b.htm\ts2\n").unwrap();
        assert_eq!(ok, entries(&[("pages/a.htm", "s1"), ("pages/b.htm", "s2")]));
        assert_eq!(parse_gold("file\tstory\n").unwrap(), vec![]);
        for (text, err) in [
            (
                "",
                "empty file (expected a header line, then file<TAB>story per line)",
            ),
            ("file\tstory\na.htm s1\n", "line 2: expected file<TAB>story"),
            ("file\tstory\n\ts1\n", "line 2: empty file path"),
            (
                "file\tstory\na.htm\ts1\n./a.htm\ts2\n",
                "line 3: ./a.htm is already listed on line 2",
            ),
        ] {
            assert_eq!(parse_gold(text).unwrap_err(), err, "{text:?}");
        }
    }

    #[test]
    fn parse_prediction_reads_arrays_and_json_lines() {
        let array = r#"[
{"story_id":"x","members":[{"path":"a/1.htm","similarity":1.0},{"path":"a/2.htm"}]},
{"members":[{"path":"a/3.htm"}]}
]"#;
        let lines = "{\"members\":[{\"path\":\"a/1.htm\"},{\"path\":\"a/2.htm\"}]}\n\n\
                     {\"members\":[{\"path\":\"a/3.htm\"}],\"title\":null}\n";
        let want = vec![vec!["a/1.htm", "a/2.htm"], vec!["a/3.htm"]];
        assert_eq!(parse_prediction(array).unwrap(), want);
        assert_eq!(parse_prediction(lines).unwrap(), want);
        assert_eq!(parse_prediction("[]").unwrap(), Vec::<Vec<String>>::new());
        assert!(parse_prediction("").unwrap().is_empty());
        for bad in [
            "[{\"members\":[{\"path\":1}]}]",
            "{\"story_id\":\"x\"}",
            "{\"members\":[]}\nnot json",
            "[{\"members\":[]}",
        ] {
            let err = parse_prediction(bad).unwrap_err();
            assert!(err.contains("line"), "{bad:?}: {err}");
        }
    }

    #[test]
    fn grid_points_and_floor() {
        let g = Grid::default();
        assert_eq!(g.points().len(), 42);
        assert_eq!(g.points()[0], (0.3, 0.3));
        assert_eq!(g.points()[1], (0.3, 0.4));
        assert_eq!(g.points()[41], (0.8, 0.9));
        assert_eq!(g.floor(), 0.3);
        let g = Grid {
            jaccard: vec![0.6, 0.5],
            containment: vec![0.9, 0.45],
        };
        assert_eq!(
            g.points(),
            vec![(0.6, 0.9), (0.6, 0.45), (0.5, 0.9), (0.5, 0.45)]
        );
        assert_eq!(g.floor(), 0.45);
    }
}
