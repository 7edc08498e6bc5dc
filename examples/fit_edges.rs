//! Fits the edge-chrome model of `src/normalize/edges.rs` on trafilatura-eval and judges it on
//! the half of the sites it never saw.
//!
//! cargo run --release --example fit_edges [-- --corpora DIR]
//!
//! Pages are split by site (FNV-1a of the host, as `score_normalize` and docs/extractors.md do):
//! half A is fitted on, half B held out. Each page is normalized without the edge trim; of the
//! [`EDGE_LINES`] lines at either end of its body, a line holding a `without` snippet is chrome
//! and a line holding a `with` snippet is text (lines holding both or neither are not used).
//! Settings (lines looked at from each end × L2 penalty × threshold) are chosen by 5-fold
//! cross-validation over half A's sites, scored by the snippet F1 of the trimmed bodies (the
//! fewest lines within 0.001 of the best); the chosen setting is fitted on all of half A and its
//! weights printed for the source, with half B's snippet scores before and after.

use std::path::PathBuf;

use newsdedup::input;
use newsdedup::logistic;
use newsdedup::normalize::edges::{self, EDGE_LINES, FEATURE_NAMES, FEATURES, Model};
use newsdedup::normalize::{self, markup};

mod scoring;
use scoring::{Snippets, collapse, half, site};

struct Page {
    half: usize,
    fold: usize,
    /// Body lines as the record has them, and folded as the rules read them.
    lines: Vec<String>,
    folded: Vec<String>,
    with: Vec<String>,
    without: Vec<String>,
}

struct Example {
    page: usize,
    /// The line's place from its end (0: the outermost).
    rank: usize,
    x: [f64; FEATURES],
    chrome: bool,
}

fn fnv(s: &str) -> u64 {
    let mut h: u64 = 0xcbf29ce484222325;
    for b in s.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x100000001b3);
    }
    h
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let corpora = args
        .iter()
        .position(|a| a == "--corpora")
        .and_then(|i| args.get(i + 1))
        .map_or_else(|| PathBuf::from("../shared/corpora"), PathBuf::from);
    let dir = corpora.join("trafilatura-eval");
    let Some(list) = scoring::trafilatura_pages(&dir) else {
        eprintln!("fit_edges: NOT RUN: {} has no expected.json", dir.display());
        return;
    };
    let opts = normalize::Options {
        edges: None,
        ..normalize::Options::default()
    };
    let pages: Vec<Page> = list
        .iter()
        .filter_map(|(key, file, with, without)| {
            let bytes = std::fs::read(dir.join(file)).ok()?;
            let text = input::decode(&bytes).ok()?.text;
            let a = normalize::normalize_with(file, &text, &opts);
            let lines: Vec<String> = a.body.split("\n\n").map(str::to_string).collect();
            let folded = lines.iter().map(|l| markup::fold(l)).collect();
            let s = site(key);
            Some(Page {
                half: half(&s),
                fold: (fnv(&s) % 5) as usize,
                lines,
                folded,
                with: with.clone(),
                without: without.clone(),
            })
        })
        .collect();
    let mut examples = Vec::new();
    for (p, page) in pages.iter().enumerate() {
        let n = page.lines.len();
        let longest = edges::longest(&page.folded);
        let mut seen = std::collections::BTreeSet::new();
        for rank in 0..EDGE_LINES.min(n) {
            for (i, tail) in [(rank, false), (n - 1 - rank, true)] {
                if !seen.insert((i, tail)) {
                    continue;
                }
                let line = collapse(&page.lines[i]);
                let bad = page.without.iter().any(|w| line.contains(w.as_str()));
                let good = page.with.iter().any(|w| line.contains(w.as_str()));
                if bad != good {
                    examples.push(Example {
                        page: p,
                        rank,
                        x: edges::features(&page.folded[i], longest, tail, rank),
                        chrome: bad,
                    });
                }
            }
        }
    }
    let count = |h: usize, c: bool| {
        examples
            .iter()
            .filter(|e| pages[e.page].half == h && e.chrome == c)
            .count()
    };
    println!(
        "trafilatura-eval: {} pages; labeled edge lines: half A {} chrome / {} text, half B {} / {}",
        pages.len(),
        count(0, true),
        count(0, false),
        count(1, true),
        count(1, false)
    );
    // A model looking at `lines` lines from each end is fitted on the lines it will judge.
    let fit = |train: &dyn Fn(&Page) -> bool, lambda: f64, lines: usize| {
        let picked: Vec<&Example> = examples
            .iter()
            .filter(|e| e.rank < lines && train(&pages[e.page]))
            .collect();
        let xs: Vec<[f64; FEATURES]> = picked.iter().map(|e| e.x).collect();
        let ys: Vec<bool> = picked.iter().map(|e| e.chrome).collect();
        logistic::fit(&xs, &ys, &vec![1.0; xs.len()], lambda)
    };
    let score = |which: &dyn Fn(&Page) -> bool, model: Option<&Model>| {
        let mut total = Snippets::default();
        for page in pages.iter().filter(|p| which(p)) {
            let (head, tail) = model.map_or((0, 0), |m| edges::cut(&page.folded, m));
            let kept = &page.lines[head..page.lines.len() - tail];
            total.add(Snippets::of(&kept.join("\n\n"), &page.with, &page.without));
        }
        total
    };
    let in_a = |p: &Page| p.half == 0;
    let in_b = |p: &Page| p.half == 1;
    println!(
        "no trim: half A {}  half B {}",
        score(&in_a, None).row(),
        score(&in_b, None).row()
    );
    println!(
        "shipped model: half A {}  half B {}",
        score(&in_a, Some(&edges::SHIPPED)).row(),
        score(&in_b, Some(&edges::SHIPPED)).row()
    );
    let lambdas = [0.1, 1.0, 10.0];
    let thresholds = [0.5, 0.6, 0.7, 0.8, 0.9, 0.95];
    let depths = [4, 8, EDGE_LINES];
    // (F1, penalty, threshold, lines) of every setting.
    let mut tried: Vec<(f64, f64, f64, usize)> = Vec::new();
    println!("cross-validated on half A (5 folds by site), snippet P/R/F1/accuracy:");
    for &lines in &depths {
        for &lambda in &lambdas {
            let weights: Vec<[f64; FEATURES]> = (0..5)
                .map(|k| fit(&|p: &Page| p.half == 0 && p.fold != k, lambda, lines))
                .collect();
            for &threshold in &thresholds {
                let mut total = Snippets::default();
                for (k, w) in weights.iter().enumerate() {
                    let m = Model {
                        weights: *w,
                        threshold,
                        lines,
                    };
                    total.add(score(&|p: &Page| p.half == 0 && p.fold == k, Some(&m)));
                }
                let f = total.prfa().2;
                println!(
                    "  lines {lines:<2} penalty {lambda:<4} threshold {threshold:<4} {}",
                    total.row()
                );
                tried.push((f, lambda, threshold, lines));
            }
        }
    }
    // The fewest lines whose best setting is within 0.001 of the best of all (a difference
    // smaller than one snippet in a thousand is noise), then that depth's best setting.
    let top = tried.iter().map(|t| t.0).fold(f64::MIN, f64::max);
    let Some(lines) = depths
        .iter()
        .copied()
        .find(|&l| tried.iter().any(|t| t.3 == l && t.0 >= top - 0.001))
    else {
        return;
    };
    // That depth's best setting; a tie goes to the one tried first.
    let Some(&(_, lambda, threshold, _)) = tried
        .iter()
        .filter(|t| t.3 == lines)
        .reduce(|b, t| if t.0 > b.0 { t } else { b })
    else {
        return;
    };
    let model = Model {
        weights: fit(&in_a, lambda, lines),
        threshold,
        lines,
    };
    println!(
        "chosen: lines {lines}, penalty {lambda}, threshold {threshold}; fitted on all of half A:\n  half A {}  half B (held out) {}",
        score(&in_a, Some(&model)).row(),
        score(&in_b, Some(&model)).row()
    );
    let names: Vec<String> = FEATURE_NAMES
        .iter()
        .zip(model.weights)
        .map(|(n, w)| format!("{n}={w:.3}"))
        .collect();
    println!("  {}", names.join(" "));
    let ws: Vec<String> = model.weights.iter().map(|w| format!("{w:.4}")).collect();
    println!(
        "weights: [{}], threshold: {threshold}, lines: {lines}",
        ws.join(", ")
    );
}
