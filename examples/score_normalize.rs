//! Scores normalization on third-party corpora read from ../shared/corpora (never committed).
//!
//! ```sh
//! cargo run --release --example score_normalize -- fundus     # title, authors, date, body F1, MB/s
//! cargo run --release --example score_normalize -- spotsigs   # same-story vs different-story Jaccard
//! cargo run --release --example score_normalize -- fundus --worst 10   # list the worst pages
//! cargo run --release --example score_normalize -- fundus --author-misses   # pages whose authors differ
//! cargo run --release --example score_normalize -- reuters    # plain-text normalization speed
//! cargo run --release --example score_normalize -- trafilatura  # trafilatura-eval snippets, by half
//! cargo run --release --example score_normalize -- trafilatura --misses  # half A's missed snippets
//! cargo run --release --example score_normalize -- fundus --per-page before.tsv   # per-page scores
//! cargo run --release --example score_normalize -- fundus --against before.tsv    # pages that moved
//! ```
//! `--corpora DIR` points at another corpora folder. Single-threaded, so MB/s is per core.

use std::path::{Path, PathBuf};
use std::time::Instant;

use newsdedup::input;
use newsdedup::normalize::{self, Article};
use newsdedup::shingle;

mod scoring;
use scoring::{Snippets, bow_f1, bow_pr, fold, half, mean, quantile, same_day, set_f1, site};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut corpora = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/corpora"));
    let mut which = Vec::new();
    let mut worst = 0usize;
    let mut misses = false;
    let mut author_misses = false;
    let (mut per_page, mut against) = (None, None);
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--corpora" => corpora = PathBuf::from(it.next().expect("--corpora DIR")),
            "--worst" => worst = it.next().and_then(|n| n.parse().ok()).expect("--worst N"),
            "--author-misses" => author_misses = true,
            "--misses" => misses = true,
            "--per-page" => per_page = Some(PathBuf::from(it.next().expect("--per-page FILE"))),
            "--against" => against = Some(PathBuf::from(it.next().expect("--against FILE"))),
            "fundus" | "spotsigs" | "reuters" | "trafilatura" => which.push(a.clone()),
            other => {
                eprintln!(
                    "usage: score_normalize [fundus] [trafilatura] [spotsigs] [reuters] [--corpora DIR] [--worst N] [--author-misses] [--misses] [--per-page FILE] [--against FILE] (got {other:?})"
                );
                std::process::exit(2);
            }
        }
    }
    if which.is_empty() {
        which = vec!["fundus".into(), "trafilatura".into(), "spotsigs".into()];
    }
    for w in which {
        let dir = corpora.join(match w.as_str() {
            "fundus" => "fundus",
            "reuters" => "reuters21578",
            "trafilatura" => "trafilatura-eval",
            _ => "spotsigs-dev",
        });
        if !dir.is_dir() {
            eprintln!("score_normalize: {} is absent, skipping {w}", dir.display());
            continue;
        }
        match w.as_str() {
            "fundus" => fundus(
                &dir,
                &FundusOptions {
                    worst,
                    author_misses,
                    per_page: per_page.as_deref(),
                    against: against.as_deref(),
                },
            ),
            "reuters" => reuters(&dir),
            "trafilatura" => trafilatura(&dir, misses),
            _ => spotsigs(&dir),
        }
    }
}

fn load(path: &Path) -> Option<(Article, usize, f64)> {
    let bytes = std::fs::read(path).ok()?;
    let t = Instant::now();
    let text = input::decode(&bytes).ok()?.text;
    let a = normalize::normalize(&path.to_string_lossy(), &text);
    Some((a, bytes.len(), t.elapsed().as_secs_f64()))
}

struct FundusOptions<'a> {
    /// List this many worst pages by body F1, and as many title misses.
    worst: usize,
    author_misses: bool,
    /// Write each page's scores here (TSV: file, body F1, precision, recall, title, authors F1).
    per_page: Option<&'a Path>,
    /// A `--per-page` file from an earlier run: print the pages whose body F1 moved.
    against: Option<&'a Path>,
}

fn fundus(dir: &Path, opt: &FundusOptions) {
    let (worst, author_misses) = (opt.worst, opt.author_misses);
    let expected = std::fs::read_to_string(dir.join("expected.jsonl")).expect("expected.jsonl");
    let (mut titles, mut authors, mut dates, mut bodies) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let (mut bytes, mut secs, mut dated) = (0usize, 0.0f64, 0usize);
    let mut rows = Vec::new();
    let mut pages = vec!["file\tbody_f1\tprecision\trecall\ttitle_exact\tauthors_f1".to_string()];
    for line in expected.lines() {
        let e: serde_json::Value = serde_json::from_str(line).expect("expected.jsonl line");
        let file = e["file"].as_str().unwrap();
        let Some((a, n, s)) = load(&dir.join(file)) else {
            eprintln!("score_normalize: cannot read {file}");
            continue;
        };
        bytes += n;
        secs += s;
        let gold_title = fold(e["title"].as_str().unwrap_or(""));
        let title_ok = a.header.title.as_deref().map(fold).as_deref() == Some(gold_title.as_str());
        titles.push(f64::from(u8::from(title_ok)));
        let gold_authors: Vec<String> = e["authors"]
            .as_array()
            .map(|v| {
                v.iter()
                    .filter_map(|x| x.as_str().map(String::from))
                    .collect()
            })
            .unwrap_or_default();
        let af = set_f1(&a.header.authors, &gold_authors);
        if author_misses && af < 1.0 {
            eprintln!(
                "authors F1 {af:.2} {file}: ours {:?}, expected {:?}",
                a.header.authors, gold_authors
            );
        }
        authors.push(af);
        if let Some(d) = e["publishing_date"].as_str() {
            dated += 1;
            let gold = normalize::dates::parse(d);
            let ours = a
                .header
                .published
                .or(a.header.date_line)
                .or(a.header.updated);
            dates.push(f64::from(u8::from(same_day(ours, gold))));
        }
        let gold_body = e["body_text"].as_str().unwrap_or("");
        let f1 = bow_f1(&a.body, gold_body);
        let (p, r) = bow_pr(&a.body, gold_body);
        pages.push(format!(
            "{file}\t{f1:.4}\t{p:.4}\t{r:.4}\t{}\t{af:.4}",
            u8::from(title_ok)
        ));
        bodies.push(f1);
        rows.push((
            f1,
            file.to_string(),
            title_ok,
            a.header.title.clone(),
            gold_title,
        ));
    }
    let b = bodies.clone();
    println!(
        "fundus: {} pages, {:.1} MB",
        bodies.len(),
        bytes as f64 / 1e6
    );
    println!("  title exact   {:.3}", mean(&titles));
    println!("  authors F1    {:.3}", mean(&authors));
    println!(
        "  date (day)    {:.3}  ({dated} pages with a date)",
        mean(&dates)
    );
    println!(
        "  body F1       mean {:.4}  median {:.4}",
        mean(&bodies),
        quantile(&b, 0.5)
    );
    println!(
        "  speed         {:.1} MB/s (decode + normalize, one core)",
        bytes as f64 / 1e6 / secs
    );
    if worst > 0 {
        rows.sort_by(|a, b| a.0.total_cmp(&b.0));
        for (f1, file, _, _, _) in rows.iter().take(worst) {
            println!("  worst body  {f1:.3}  {file}");
        }
        for (_, file, ok, ours, gold) in rows.iter().filter(|r| !r.2).take(worst) {
            let _ = ok;
            println!("  title miss  {file}\n      ours: {ours:?}\n      gold: {gold:?}");
        }
    }
    if let Some(path) = opt.per_page {
        std::fs::write(path, pages.join("\n") + "\n").expect("--per-page FILE");
        println!("  per-page scores written to {}", path.display());
    }
    if let Some(path) = opt.against {
        compare_pages(path, &pages[1..]);
    }
}

/// Prints the pages whose body F1 moved by more than 0.001 since the `--per-page` file `path`.
fn compare_pages(path: &Path, pages: &[String]) {
    let before = std::fs::read_to_string(path).expect("--against FILE");
    let f1_of = |line: &str| -> Option<(String, f64)> {
        let mut cols = line.split('\t');
        let file = cols.next()?.to_string();
        let f1 = cols.next()?.parse().ok()?;
        Some((file, f1))
    };
    let before: std::collections::HashMap<String, f64> = before.lines().filter_map(f1_of).collect();
    let mut moved: Vec<(f64, String, f64, f64)> = pages
        .iter()
        .filter_map(|l| f1_of(l))
        .filter_map(|(file, now)| {
            let was = *before.get(&file)?;
            ((now - was).abs() > 0.001).then_some((now - was, file, was, now))
        })
        .collect();
    moved.sort_by(|a, b| a.0.total_cmp(&b.0).then_with(|| a.1.cmp(&b.1)));
    let better = moved.iter().filter(|m| m.0 > 0.0).count();
    println!(
        "  against {}: {better} pages better, {} worse (body F1 moved by more than 0.001)",
        path.display(),
        moved.len() - better
    );
    for (d, file, was, now) in &moved {
        println!("    {d:+.3}  {was:.3} -> {now:.3}  {file}");
    }
}

fn spotsigs(dir: &Path) {
    let labels = std::fs::read_to_string(dir.join("labels.tsv")).expect("labels.tsv");
    let mut docs = Vec::new();
    let (mut bytes, mut secs) = (0usize, 0.0);
    for line in labels.lines().skip(1) {
        let Some((file, label)) = line.split_once('\t') else {
            continue;
        };
        if let Some((a, n, s)) = load(&dir.join(file)) {
            bytes += n;
            secs += s;
            docs.push((label.to_string(), shingle::shingles(&a.body, 5)));
        }
    }
    let (mut same, mut diff) = (Vec::new(), Vec::new());
    for i in 0..docs.len() {
        for j in i + 1..docs.len() {
            let (jac, _) = newsdedup::verify::similarity(&docs[i].1, &docs[j].1);
            if docs[i].0 == docs[j].0 {
                same.push(jac)
            } else {
                diff.push(jac)
            }
        }
    }
    println!(
        "spotsigs-dev: {} pages, {:.1} MB, {} same-story pairs, {} different-story pairs",
        docs.len(),
        bytes as f64 / 1e6,
        same.len(),
        diff.len()
    );
    println!(
        "  same-story 5-shingle Jaccard   median {:.3}",
        quantile(&same, 0.5)
    );
    println!(
        "  different-story Jaccard        p99.9 {:.3}  max {:.3}",
        quantile(&diff, 0.999),
        quantile(&diff, 1.0)
    );
    println!(
        "  speed         {:.1} MB/s (decode + normalize, one core)",
        bytes as f64 / 1e6 / secs
    );
}

/// Plain-text speed: every Reuters record read into memory first, then decoded and normalized
/// on one core. Asserts that each record kept a body, so a fast wrong result cannot pass.
fn reuters(dir: &Path) {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir.join("articles"))
        .expect("articles")
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    let texts: Vec<Vec<u8>> = files
        .iter()
        .map(|f| std::fs::read(f).expect("read"))
        .collect();
    let bytes: usize = texts.iter().map(Vec::len).sum();
    let t = Instant::now();
    let mut with_body = 0;
    for (f, b) in files.iter().zip(&texts) {
        let text = input::decode(b).expect("decodes").text;
        let a = normalize::normalize(&f.to_string_lossy(), &text);
        with_body += usize::from(!a.body.is_empty());
    }
    let secs = t.elapsed().as_secs_f64();
    assert!(
        with_body * 1000 > files.len() * 995,
        "records keep a body: {with_body} of {}",
        files.len()
    );
    println!(
        "reuters: {} records, {:.1} MB, {with_body} with a body",
        files.len(),
        bytes as f64 / 1e6
    );
    println!(
        "  speed         {:.1} MB/s (decode + normalize, one core)",
        bytes as f64 / 1e6 / secs
    );
}

/// trafilatura-eval: the body's snippets found and kept out, by that project's method, on the
/// two halves of a split by site (half A may be read while changing the extractor; half B is
/// held out; see docs/extractors.md). With `misses`, prints half A's missed `with` snippets and
/// found `without` snippets, page by page; half B's are never printed.
fn trafilatura(dir: &Path, misses: bool) {
    let Some(pages) = scoring::trafilatura_pages(dir) else {
        eprintln!("score_normalize: {} has no expected.json", dir.display());
        return;
    };
    let mut counts = [Snippets::default(); 2];
    let (mut bytes, mut secs, mut n) = (0usize, 0.0f64, [0usize; 2]);
    for (key, file, with, without) in &pages {
        let Some((a, len, t)) = load(&dir.join(file)) else {
            eprintln!("score_normalize: cannot read {file}");
            continue;
        };
        let h = half(&site(key));
        n[h] += 1;
        bytes += len;
        secs += t;
        let c = Snippets::of(&a.body, with, without);
        if misses && h == 0 && (c.fn_ > 0 || c.fp > 0) {
            let t = scoring::collapse(&a.body);
            println!("{file}  ({} chars)", t.len());
            for w in with.iter().filter(|w| !t.contains(w.as_str())) {
                println!("  missed  {w}");
            }
            let found: Vec<usize> = with.iter().filter_map(|w| t.find(w.as_str())).collect();
            let (first, last) = (found.iter().min().copied(), found.iter().max().copied());
            for w in without.iter().filter(|w| t.contains(w.as_str())) {
                let at = t.find(w.as_str()).unwrap_or(0);
                let place = match (first, last) {
                    (Some(f), _) if at < f => "head",
                    (_, Some(l)) if at > l => "tail",
                    (None, _) => "none",
                    _ => "inside",
                };
                println!("  kept    {place:<6}  {w}");
            }
        }
        counts[h].add(c);
    }
    let mut all = counts[0];
    all.add(counts[1]);
    println!(
        "trafilatura-eval: {} pages ({} in half A, {} in half B, split by site), {:.1} MB",
        n[0] + n[1],
        n[0],
        n[1],
        bytes as f64 / 1e6
    );
    println!("  {:<20} precision  recall  F1     accuracy", "");
    for (name, c) in [
        ("  half A", counts[0]),
        ("  half B (held out)", counts[1]),
        ("  all", all),
    ] {
        println!("  {name:<20} {}", c.row());
    }
    println!(
        "  speed         {:.1} MB/s (decode + normalize, one core)",
        bytes as f64 / 1e6 / secs.max(1e-9)
    );
}
