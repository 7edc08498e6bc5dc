//! The scoring rules of the normalization measures, shared by `examples/score_normalize.rs`
//! and `bench/extractors` (which includes this file by path), so both score alike. Each uses a
//! part of it.
#![allow(dead_code)]

use std::collections::{BTreeSet, HashMap};

use newsdedup::normalize::{Timestamp, markup};
use newsdedup::shingle;

/// Case- and typography-blind form of a title or name.
pub fn fold(s: &str) -> String {
    markup::collapse_ws(&markup::fold(s))
}

pub fn tokens(s: &str) -> HashMap<String, usize> {
    let mut m = HashMap::new();
    shingle::for_each_token(s, |t| *m.entry(t.to_string()).or_default() += 1);
    m
}

pub fn word_count(s: &str) -> usize {
    let mut n = 0;
    shingle::for_each_token(s, |_| n += 1);
    n
}

/// Bag-of-words F1 of lowercase \w+ tokens.
pub fn bow_f1(pred: &str, gold: &str) -> f64 {
    let (p, g) = (tokens(pred), tokens(gold));
    let (np, ng): (usize, usize) = (p.values().sum(), g.values().sum());
    if np == 0 && ng == 0 {
        return 1.0;
    }
    let common: usize = p
        .iter()
        .map(|(t, c)| (*c).min(*g.get(t).unwrap_or(&0)))
        .sum();
    if common == 0 {
        return 0.0;
    }
    let (prec, rec) = (common as f64 / np as f64, common as f64 / ng as f64);
    2.0 * prec * rec / (prec + rec)
}

/// Token precision and recall of `pred` against `gold` (bags, as in [`bow_f1`]).
pub fn bow_pr(pred: &str, gold: &str) -> (f64, f64) {
    let (p, g) = (tokens(pred), tokens(gold));
    let (np, ng): (usize, usize) = (p.values().sum(), g.values().sum());
    let common: usize = p
        .iter()
        .map(|(t, c)| (*c).min(*g.get(t).unwrap_or(&0)))
        .sum();
    let ratio = |a: usize, b: usize| if b == 0 { 1.0 } else { a as f64 / b as f64 };
    (ratio(common, np), ratio(common, ng))
}

pub fn set_f1(pred: &[String], gold: &[String]) -> f64 {
    let norm = |v: &[String]| {
        v.iter()
            .map(|s| fold(s).to_lowercase())
            .collect::<BTreeSet<_>>()
    };
    let (p, g) = (norm(pred), norm(gold));
    if p.is_empty() && g.is_empty() {
        return 1.0;
    }
    let common = p.intersection(&g).count() as f64;
    if common == 0.0 {
        return 0.0;
    }
    2.0 * common / (p.len() + g.len()) as f64
}

pub fn same_day(ours: Option<Timestamp>, gold: Option<Timestamp>) -> bool {
    let day = |t: Timestamp| (t.sort_key().div_euclid(86_400), t.days());
    match (ours, gold) {
        (Some(o), Some(g)) => {
            let (g_utc, _) = day(g);
            let (o_utc, o_local) = day(o);
            o_utc == g_utc || (o.offset_min.is_none() && o_local == g_utc)
        }
        _ => false,
    }
}

pub fn mean(v: &[f64]) -> f64 {
    v.iter().sum::<f64>() / v.len().max(1) as f64
}

pub fn quantile(v: &[f64], q: f64) -> f64 {
    if v.is_empty() {
        return f64::NAN;
    }
    let mut v = v.to_vec();
    v.sort_by(f64::total_cmp);
    v[((v.len() - 1) as f64 * q).round() as usize]
}

// ---- trafilatura-eval: snippets that must and must not be in the text ----

/// Collapses whitespace runs to one space (that project's harness compares so).
pub fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The site of a trafilatura-eval `expected.json` key: a URL's host without `www.`, or for
/// `hard::host-slug.html` keys the host part.
pub fn site(key: &str) -> String {
    let rest = key.split_once("::").map_or(key, |(_, r)| r);
    let rest = rest
        .trim_start_matches('x')
        .trim_start_matches("https://")
        .trim_start_matches("http://");
    let host = rest.split('/').next().unwrap_or(rest);
    let host = if key.contains("::") {
        host.split('-')
            .next()
            .unwrap_or(host)
            .trim_end_matches(".html")
    } else {
        host
    };
    host.trim_start_matches("www.").to_lowercase()
}

/// The half (0: A, read while changing things; 1: B, held out) a site falls in: FNV-1a, a
/// fixed hash, so the halves never change.
pub fn half(site: &str) -> usize {
    let mut h: u64 = 0xcbf29ce484222325;
    for b in site.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x100000001b3);
    }
    (h >> 7) as usize % 2
}

/// Snippet counts: a `with` snippet found is a true positive, missed a false negative; a
/// `without` snippet found is a false positive, missed a true negative.
#[derive(Default, Clone, Copy)]
pub struct Snippets {
    pub tp: usize,
    pub fn_: usize,
    pub fp: usize,
    pub tn: usize,
}

impl Snippets {
    /// Scores one extracted text (snippets already whitespace-collapsed).
    pub fn of(text: &str, with: &[String], without: &[String]) -> Snippets {
        let t = collapse(text);
        let found = |w: &String| t.contains(w.as_str());
        let tp = with.iter().filter(|w| found(w)).count();
        let fp = without.iter().filter(|w| found(w)).count();
        Snippets {
            tp,
            fn_: with.len() - tp,
            fp,
            tn: without.len() - fp,
        }
    }

    pub fn add(&mut self, o: Snippets) {
        self.tp += o.tp;
        self.fn_ += o.fn_;
        self.fp += o.fp;
        self.tn += o.tn;
    }

    /// Precision, recall, F1, accuracy.
    pub fn prfa(&self) -> (f64, f64, f64, f64) {
        let p = self.tp as f64 / (self.tp + self.fp).max(1) as f64;
        let r = self.tp as f64 / (self.tp + self.fn_).max(1) as f64;
        let f = 2.0 * p * r / (p + r).max(f64::MIN_POSITIVE);
        let a = (self.tp + self.tn) as f64 / (self.tp + self.tn + self.fp + self.fn_).max(1) as f64;
        (p, r, f, a)
    }

    pub fn row(&self) -> String {
        let (p, r, f, a) = self.prfa();
        format!("{p:.3}  {r:.3}  {f:.3}  {a:.3}")
    }
}

/// One trafilatura-eval page: its key, its file, and its `with` and `without` snippets.
pub type SnippetPage = (String, String, Vec<String>, Vec<String>);

/// The pages of trafilatura-eval, sorted by key, snippets whitespace-collapsed.
pub fn trafilatura_pages(dir: &std::path::Path) -> Option<Vec<SnippetPage>> {
    let expected = std::fs::read_to_string(dir.join("expected.json")).ok()?;
    let expected: serde_json::Map<String, serde_json::Value> =
        serde_json::from_str(&expected).ok()?;
    let mut pages: Vec<_> = expected
        .iter()
        .filter_map(|(key, e)| {
            let list = |k: &str| -> Vec<String> {
                e[k].as_array()
                    .map(|v| v.iter().filter_map(|x| x.as_str()).map(collapse).collect())
                    .unwrap_or_default()
            };
            Some((
                key.clone(),
                e["file"].as_str()?.to_string(),
                list("with"),
                list("without"),
            ))
        })
        .collect();
    pages.sort();
    Some(pages)
}
