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
