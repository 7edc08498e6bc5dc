//! Compares newsdedup's own HTML extraction with two extractor crates on the Fundus pages
//! (`../shared/corpora/fundus`, never committed): body token F1, title, authors, date, speed.
//!
//! ```sh
//! cargo run --release --manifest-path bench/extractors/Cargo.toml               # the table
//! cargo run --release --manifest-path bench/extractors/Cargo.toml -- --worst 8  # + worst pages
//! cargo run --release --manifest-path bench/extractors/Cargo.toml -- --dump bench/extractors/out
//! ```
//! `--corpora DIR` points at another corpora folder; `--passes N` (default 3) runs every
//! extractor N times over the pages and keeps each page's fastest time (the machine is shared,
//! so one pass is noisy); accuracy comes from the first pass. Single-threaded: MB/s is per core.
//!
//! The scoring rules are copied from `examples/score_normalize.rs` (token F1, title folding,
//! author set F1, same-day date), so the `newsdedup` row reproduces its numbers. See
//! docs/extractors.md for the results.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::time::Instant;

use newsdedup::input;
use newsdedup::normalize::{self, Timestamp, dates, header};

/// What one extractor returned for one page.
#[derive(Default, Clone)]
struct Extracted {
    title: Option<String>,
    authors: Vec<String>,
    date: Option<Timestamp>,
    body: String,
    /// An error the extractor returned, or a panic it raised; the fields are then empty.
    failed: Option<String>,
}

struct Extractor {
    name: &'static str,
    /// Whether it offers a title, authors and a date at all (`n/a` in the table otherwise).
    offers: [bool; 3],
    /// `(path, decoded page)` → fields. Only this call is timed.
    run: fn(&str, &str) -> Extracted,
}

const EXTRACTORS: [Extractor; 3] = [
    Extractor {
        name: "newsdedup",
        offers: [true, true, true],
        run: ours,
    },
    Extractor {
        name: "dom_smoothie 0.19",
        offers: [true, true, true],
        run: smoothie,
    },
    Extractor {
        name: "rs-trafilatura 0.2",
        offers: [true, true, true],
        run: trafilatura,
    },
];

/// The same call `examples/score_normalize.rs` times (after `input::decode`).
fn ours(path: &str, text: &str) -> Extracted {
    let a = normalize::normalize(path, text);
    Extracted {
        date: a
            .header
            .published
            .or(a.header.date_line)
            .or(a.header.updated),
        title: a.header.title,
        authors: a.header.authors,
        body: a.body,
        failed: None,
    }
}

/// Readability.js port. `TextMode::Formatted` puts line breaks between blocks; the default
/// `Raw` is the DOM's textContent, which glues `</p><p>` neighbours into one token.
fn smoothie(_path: &str, text: &str) -> Extracted {
    let cfg = dom_smoothie::Config {
        text_mode: dom_smoothie::TextMode::Formatted,
        ..Default::default()
    };
    let article = dom_smoothie::Readability::new(text, None, Some(cfg)).and_then(|mut r| r.parse());
    match article {
        Ok(a) => Extracted {
            title: Some(a.title).filter(|t| !t.trim().is_empty()),
            authors: a.byline.as_deref().map(split_authors).unwrap_or_default(),
            date: a.published_time.as_deref().and_then(dates::parse),
            body: a.text_content.to_string(),
            failed: None,
        },
        Err(e) => Extracted {
            failed: Some(e.to_string()),
            ..Default::default()
        },
    }
}

/// Trafilatura port, default options (no URL given: newsdedup gets none either).
fn trafilatura(_path: &str, text: &str) -> Extracted {
    match rs_trafilatura::extract(text) {
        Ok(r) => Extracted {
            title: r.metadata.title,
            authors: r
                .metadata
                .author
                .as_deref()
                .map(split_authors)
                .unwrap_or_default(),
            date: r.metadata.date.and_then(|d| {
                // A date without a time comes back as midnight UTC: score it as a bare date,
                // as a bare date of ours is scored.
                let s = if d.format("%H:%M:%S").to_string() == "00:00:00" {
                    d.format("%Y-%m-%d").to_string()
                } else {
                    d.to_rfc3339()
                };
                dates::parse(&s)
            }),
            body: r.content_text,
            failed: None,
        },
        Err(e) => Extracted {
            failed: Some(e.to_string()),
            ..Default::default()
        },
    }
}

/// The crates give authors as one string (`By A, B and C`); split it with newsdedup's own
/// byline parser (which also drops an outlet or role), else on `,;|`, ` and `, ` & `.
fn split_authors(s: &str) -> Vec<String> {
    let s = s.trim();
    let s = ["By ", "by ", "BY ", "Von ", "von "]
        .iter()
        .find_map(|p| s.strip_prefix(p))
        .unwrap_or(s);
    if let Some((authors, _)) = header::parse_byline(s)
        && !authors.is_empty()
    {
        return authors;
    }
    s.split([',', ';', '|'])
        .flat_map(|p| p.split(" and "))
        .flat_map(|p| p.split(" & "))
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(String::from)
        .collect()
}

// ---- scoring: the same rules as examples/score_normalize.rs ----

#[path = "../../../examples/scoring/mod.rs"]
mod scoring;
use scoring::*;

// ---- the run ----

struct Gold {
    file: String,
    title: String,
    authors: Vec<String>,
    date: Option<Option<Timestamp>>,
    body: String,
}

/// One extractor's scores on one page.
#[derive(Clone, Default)]
struct Score {
    body: f64,
    title: bool,
    authors: f64,
    date: Option<bool>,
    words: usize,
    precision: f64,
    recall: f64,
}

fn score(x: &Extracted, g: &Gold) -> Score {
    Score {
        body: bow_f1(&x.body, &g.body),
        title: x.title.as_deref().map(fold).as_deref() == Some(g.title.as_str()),
        authors: set_f1(&x.authors, &g.authors),
        date: g.date.map(|gd| same_day(x.date, gd)),
        words: word_count(&x.body),
        precision: bow_pr(&x.body, &g.body).0,
        recall: bow_pr(&x.body, &g.body).1,
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut corpora = PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/corpora"
    ));
    let (mut worst, mut passes, mut dump) = (0usize, 3usize, None::<PathBuf>);
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let mut val = || it.next().cloned().unwrap_or_default();
        match a.as_str() {
            "--corpora" => corpora = PathBuf::from(val()),
            "--worst" => worst = val().parse().expect("--worst N"),
            "--passes" => passes = val().parse::<usize>().expect("--passes N").max(1),
            "--dump" => dump = Some(PathBuf::from(val())),
            other => {
                eprintln!(
                    "usage: extractor-bench [--corpora DIR] [--worst N] [--passes N] [--dump DIR] (got {other:?})"
                );
                std::process::exit(2);
            }
        }
    }
    let dir = corpora.join("fundus");
    if !dir.join("expected.jsonl").is_file() {
        eprintln!(
            "extractor-bench: {} is absent, nothing to compare (see ../shared/corpora/README.md)",
            dir.display()
        );
        return;
    }
    run(&dir, worst, passes, dump.as_deref());
}

fn load_gold(dir: &Path) -> Vec<(Gold, Vec<u8>)> {
    let expected = std::fs::read_to_string(dir.join("expected.jsonl")).expect("expected.jsonl");
    let mut pages = Vec::new();
    for line in expected.lines() {
        let e: serde_json::Value = serde_json::from_str(line).expect("expected.jsonl line");
        let file = e["file"].as_str().expect("file").to_string();
        let Ok(bytes) = std::fs::read(dir.join(&file)) else {
            eprintln!("extractor-bench: cannot read {file}");
            continue;
        };
        let gold = Gold {
            title: fold(e["title"].as_str().unwrap_or("")),
            authors: e["authors"]
                .as_array()
                .map(|v| {
                    v.iter()
                        .filter_map(|x| x.as_str().map(String::from))
                        .collect()
                })
                .unwrap_or_default(),
            date: e["publishing_date"].as_str().map(dates::parse),
            body: e["body_text"].as_str().unwrap_or("").to_string(),
            file,
        };
        pages.push((gold, bytes));
    }
    pages
}

/// Runs `f` and its time; a panic becomes a failed extraction.
fn timed(x: &Extractor, path: &str, text: &str) -> (Extracted, f64) {
    let t = Instant::now();
    let out = catch_unwind(AssertUnwindSafe(|| (x.run)(path, text)));
    let secs = t.elapsed().as_secs_f64();
    let out = out.unwrap_or_else(|p| Extracted {
        failed: Some(format!(
            "panic: {}",
            p.downcast_ref::<String>()
                .cloned()
                .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default()
        )),
        ..Default::default()
    });
    (out, secs)
}

// `i` indexes pages across the three extractors' outputs, scores and times.
#[allow(clippy::needless_range_loop)]
fn run(dir: &Path, worst: usize, passes: usize, dump: Option<&Path>) {
    let pages = load_gold(dir);
    let n = pages.len();
    let total_bytes: usize = pages.iter().map(|(_, b)| b.len()).sum();
    // Keep panics of the crates from flooding the output; they are counted and listed.
    std::panic::set_hook(Box::new(|_| {}));

    let nx = EXTRACTORS.len();
    let mut outs: Vec<Vec<Extracted>> = vec![Vec::new(); nx];
    // Fastest time per page over the passes: decode, and each extractor's call.
    let mut decode_secs = vec![f64::INFINITY; n];
    let mut secs = vec![vec![f64::INFINITY; n]; nx];
    for pass in 0..passes {
        for (i, (g, bytes)) in pages.iter().enumerate() {
            let path = dir.join(&g.file).to_string_lossy().into_owned();
            let t = Instant::now();
            let text = match input::decode(bytes) {
                Ok(d) => d.text,
                Err(e) => {
                    eprintln!("extractor-bench: cannot decode {}: {e:?}", g.file);
                    String::new()
                }
            };
            decode_secs[i] = decode_secs[i].min(t.elapsed().as_secs_f64());
            for (k, x) in EXTRACTORS.iter().enumerate() {
                let (out, s) = timed(x, &path, &text);
                secs[k][i] = secs[k][i].min(s);
                if pass == 0 {
                    outs[k].push(out);
                }
            }
        }
    }

    let scores: Vec<Vec<Score>> = outs
        .iter()
        .map(|o| {
            o.iter()
                .zip(&pages)
                .map(|(x, (g, _))| score(x, g))
                .collect()
        })
        .collect();
    let dated = pages.iter().filter(|(g, _)| g.date.is_some()).count();
    let mb = total_bytes as f64 / 1e6;
    let decode_total: f64 = decode_secs.iter().sum();

    println!(
        "fundus: {n} pages, {mb:.1} MB, {dated} with a date; timing = fastest of {passes} pass(es) per page, one core\n"
    );
    println!(
        "| extractor | body F1 mean | body F1 median | title exact | authors F1 | date (day) | MB/s extract | MB/s decode+extract | failures |"
    );
    println!("|---|---|---|---|---|---|---|---|---|");
    for (k, x) in EXTRACTORS.iter().enumerate() {
        let s = &scores[k];
        let body: Vec<f64> = s.iter().map(|s| s.body).collect();
        let na = |offered: bool, v: f64| {
            if offered {
                format!("{v:.3}")
            } else {
                "n/a".into()
            }
        };
        let title = mean(
            &s.iter()
                .map(|s| f64::from(u8::from(s.title)))
                .collect::<Vec<_>>(),
        );
        let authors = mean(&s.iter().map(|s| s.authors).collect::<Vec<_>>());
        let date = mean(
            &s.iter()
                .filter_map(|s| s.date)
                .map(|d| f64::from(u8::from(d)))
                .collect::<Vec<_>>(),
        );
        let t: f64 = secs[k].iter().sum();
        let failures = outs[k].iter().filter(|o| o.failed.is_some()).count();
        println!(
            "| {} | {:.3} | {:.3} | {} | {} | {} | {:.1} | {:.1} | {failures} |",
            x.name,
            mean(&body),
            quantile(&body, 0.5),
            na(x.offers[0], title),
            na(x.offers[1], authors),
            na(x.offers[2], date),
            mb / t,
            mb / (t + decode_total),
        );
    }
    println!(
        "\n(decode alone, input::decode: {:.1} MB/s; the newsdedup row's decode+extract is what score_normalize prints)",
        mb / decode_total
    );
    println!("\ntime per page (fastest of the passes):");
    for (k, x) in EXTRACTORS.iter().enumerate() {
        let ms: Vec<f64> = secs[k].iter().map(|s| s * 1e3).collect();
        let slow = (0..n).fold(0, |b, i| if secs[k][i] > secs[k][b] { i } else { b });
        let rest: f64 = secs[k].iter().sum::<f64>() - secs[k][slow];
        let rest_mb = (total_bytes - pages[slow].1.len()) as f64 / 1e6;
        println!(
            "  {:<20} median {:.1} ms, p95 {:.1} ms, slowest {:.1} ms ({}, {:.2} MB); without that page {:.1} MB/s",
            x.name,
            quantile(&ms, 0.5),
            quantile(&ms, 0.95),
            ms[slow],
            pages[slow].0.file,
            pages[slow].1.len() as f64 / 1e6,
            rest_mb / rest
        );
    }

    println!("\nbody token precision / recall (mean over pages):");
    for (k, x) in EXTRACTORS.iter().enumerate() {
        let p = mean(&scores[k].iter().map(|s| s.precision).collect::<Vec<_>>());
        let r = mean(&scores[k].iter().map(|s| s.recall).collect::<Vec<_>>());
        println!("  {:<20} precision {p:.3}  recall {r:.3}", x.name);
    }

    // Per page: does a crate beat ours, and would picking the better one per page pay?
    let ours_body: Vec<f64> = scores[0].iter().map(|s| s.body).collect();
    println!("\nper page, against newsdedup's body F1 (margin 0.05):");
    for (k, x) in EXTRACTORS.iter().enumerate().skip(1) {
        let theirs: Vec<f64> = scores[k].iter().map(|s| s.body).collect();
        let wins = (0..n).filter(|&i| theirs[i] > ours_body[i] + 0.05).count();
        let losses = (0..n).filter(|&i| ours_body[i] > theirs[i] + 0.05).count();
        let oracle: Vec<f64> = (0..n).map(|i| ours_body[i].max(theirs[i])).collect();
        println!(
            "  {:<20} beats ours on {wins:>3} pages, loses on {losses:>3}; oracle max(ours, it): mean {:.3} median {:.3}",
            x.name,
            mean(&oracle),
            quantile(&oracle, 0.5)
        );
    }
    let oracle3: Vec<f64> = (0..n)
        .map(|i| scores.iter().map(|s| s[i].body).fold(0.0, f64::max))
        .collect();
    println!(
        "  oracle over all three: mean {:.3} median {:.3}",
        mean(&oracle3),
        quantile(&oracle3, 0.5)
    );

    // Simple fallback rules: ours, but the crate's body when ours looks like a miss. The crate
    // only runs on the pages where the rule fires, so speed = ours everywhere + crate there.
    println!("\nfallback rules (body from the crate when the rule fires, header always ours):");
    println!("| rule | fires on | body F1 mean | body F1 median | MB/s extract |");
    println!("|---|---|---|---|---|");
    for (k, x) in EXTRACTORS.iter().enumerate().skip(1) {
        for min_words in [50usize, 100, 150] {
            let fire: Vec<bool> = scores[0].iter().map(|s| s.words < min_words).collect();
            let (body, t) = combined(&scores, &secs, k, &fire);
            println!(
                "| {}: ours < {min_words} words | {} | {:.3} | {:.3} | {:.1} |",
                x.name,
                fire.iter().filter(|&&f| f).count(),
                mean(&body),
                quantile(&body, 0.5),
                mb / t
            );
        }
        // Needs the crate on every page: take its body when it is much longer than ours
        // (ours cut the article short).
        for ratio in [1.5f64, 2.0] {
            let fire: Vec<bool> = (0..n)
                .map(|i| scores[k][i].words as f64 > ratio * scores[0][i].words as f64)
                .collect();
            let (body, _) = combined(&scores, &secs, k, &fire);
            let t: f64 = secs[0].iter().sum::<f64>() + secs[k].iter().sum::<f64>();
            println!(
                "| {}: its body > {ratio}x ours in words | {} | {:.3} | {:.3} | {:.1} |",
                x.name,
                fire.iter().filter(|&&f| f).count(),
                mean(&body),
                quantile(&body, 0.5),
                mb / t
            );
        }
    }

    // The crate as a trimmer: its body when it is a shorter subset of ours (50-100 % of our
    // words, >= 90 % of its tokens found in ours), i.e. the same article with less around it.
    for (k, x) in EXTRACTORS.iter().enumerate().skip(1) {
        let fire: Vec<bool> = (0..n)
            .map(|i| {
                let (ours_w, its_w) = (scores[0][i].words, scores[k][i].words);
                its_w > 0
                    && 2 * its_w >= ours_w
                    && its_w <= ours_w
                    && bow_pr(&outs[k][i].body, &outs[0][i].body).0 >= 0.9
            })
            .collect();
        let (body, _) = combined(&scores, &secs, k, &fire);
        let t: f64 = secs[0].iter().sum::<f64>() + secs[k].iter().sum::<f64>();
        println!(
            "| {}: its body when it is 50-100% of ours in words and >= 90% inside ours | {} | {:.3} | {:.3} | {:.1} |",
            x.name,
            fire.iter().filter(|&&f| f).count(),
            mean(&body),
            quantile(&body, 0.5),
            mb / t
        );
    }

    // Consensus rules: need all three extractors on every page (speed = the sum of the three).
    let all_secs: f64 = secs.iter().flatten().sum();
    let agree = |i: usize, a: usize, b: usize| bow_f1(&outs[a][i].body, &outs[b][i].body);
    let mut medoid = Vec::with_capacity(n);
    let mut outvoted = Vec::with_capacity(n);
    let (mut fired, mut medoid_differs) = (0, 0);
    for i in 0..n {
        let (a01, a02, a12) = (agree(i, 0, 1), agree(i, 0, 2), agree(i, 1, 2));
        // The body closest to the other two (ties to ours, then dom_smoothie).
        let support = [a01 + a02, a01 + a12, a02 + a12];
        let best = (0..3).fold(0, |b, k| if support[k] > support[b] { k } else { b });
        medoid.push(scores[best][i].body);
        // Ours, unless both crates agree with each other and disagree with ours: then
        // dom_smoothie's (the two agree anyway; it is the faster one).
        if a12 >= 0.8 && a01 < 0.5 && a02 < 0.5 {
            fired += 1;
            outvoted.push(scores[1][i].body);
        } else {
            outvoted.push(scores[0][i].body);
        }
        medoid_differs += usize::from(best != 0);
    }
    println!(
        "| all three: the body closest to the other two (token F1) | {medoid_differs} not ours | {:.3} | {:.3} | {:.1} |",
        mean(&medoid),
        quantile(&medoid, 0.5),
        mb / all_secs
    );
    println!(
        "| all three: ours unless both crates agree (F1 >= 0.8) and both differ from ours (< 0.5) | {fired} | {:.3} | {:.3} | {:.1} |",
        mean(&outvoted),
        quantile(&outvoted, 0.5),
        mb / all_secs
    );

    let titles_missed = (0..n)
        .filter(|&i| scores.iter().all(|s| !s[i].title))
        .count();
    println!("\ntitle missed (not exact after folding) by all three: {titles_missed} of {n} pages");

    let hard: Vec<usize> = (0..n).filter(|&i| oracle3[i] < 0.5).collect();
    println!(
        "\npages where every extractor scores body F1 < 0.5: {}",
        hard.len()
    );
    for &i in &hard {
        let f: Vec<String> = scores.iter().map(|s| format!("{:.3}", s[i].body)).collect();
        println!(
            "  {}  [{}]  gold {} words",
            pages[i].0.file,
            f.join(", "),
            word_count(&pages[i].0.body)
        );
    }
    for (k, x) in EXTRACTORS.iter().enumerate() {
        for (i, o) in outs[k].iter().enumerate() {
            if let Some(e) = &o.failed {
                println!("  {} failed on {}: {e}", x.name, pages[i].0.file);
            }
        }
    }

    if worst > 0 {
        for (k, x) in EXTRACTORS.iter().enumerate() {
            let mut idx: Vec<usize> = (0..n).collect();
            idx.sort_by(|&a, &b| scores[k][a].body.total_cmp(&scores[k][b].body));
            println!(
                "\nworst body F1 of {} (words: extracted / gold; F1 of all three):",
                x.name
            );
            for &i in idx.iter().take(worst) {
                let f: Vec<String> = scores.iter().map(|s| format!("{:.3}", s[i].body)).collect();
                println!(
                    "  {:.3}  {}  words {}/{}  [{}]",
                    scores[k][i].body,
                    pages[i].0.file,
                    scores[k][i].words,
                    word_count(&pages[i].0.body),
                    f.join(", ")
                );
            }
        }
    }

    if let Some(out) = dump {
        for (k, x) in EXTRACTORS.iter().enumerate() {
            let d = out.join(x.name.split_whitespace().next().unwrap_or(x.name));
            std::fs::create_dir_all(&d).expect("create dump dir");
            for (i, o) in outs[k].iter().enumerate() {
                let name = pages[i].0.file.replace('/', "_") + ".txt";
                let text = format!(
                    "title: {:?}\nauthors: {:?}\ndate: {:?}\nbody F1: {:.3}\nfailed: {:?}\n\n{}",
                    o.title,
                    o.authors,
                    o.date.map(|d| d.to_string()),
                    scores[k][i].body,
                    o.failed,
                    o.body
                );
                std::fs::write(d.join(name), text).expect("write dump");
            }
        }
        let mut tsv = String::from("file\tbytes\tgold_words");
        for x in &EXTRACTORS {
            let short = x.name.split_whitespace().next().unwrap_or(x.name);
            tsv += &format!("\t{short}_f1\t{short}_words\t{short}_ms");
        }
        tsv.push('\n');
        for (i, (g, bytes)) in pages.iter().enumerate() {
            tsv += &format!("{}\t{}\t{}", g.file, bytes.len(), word_count(&g.body));
            for k in 0..nx {
                tsv += &format!(
                    "\t{:.3}\t{}\t{:.2}",
                    scores[k][i].body,
                    scores[k][i].words,
                    secs[k][i] * 1e3
                );
            }
            tsv.push('\n');
        }
        std::fs::write(out.join("pages.tsv"), tsv).expect("write pages.tsv");
        let d = out.join("gold");
        std::fs::create_dir_all(&d).expect("create dump dir");
        for (g, _) in &pages {
            let name = g.file.replace('/', "_") + ".txt";
            let text = format!(
                "title: {:?}\nauthors: {:?}\n\n{}",
                g.title, g.authors, g.body
            );
            std::fs::write(d.join(name), text).expect("write dump");
        }
        println!("\nper-page outputs written under {}", out.display());
    }
}

/// Body F1 per page when extractor `k`'s body replaces ours where `fire`, and the time that
/// costs when the crate runs only on those pages.
fn combined(scores: &[Vec<Score>], secs: &[Vec<f64>], k: usize, fire: &[bool]) -> (Vec<f64>, f64) {
    let body = (0..fire.len())
        .map(|i| {
            if fire[i] {
                scores[k][i].body
            } else {
                scores[0][i].body
            }
        })
        .collect();
    let t = (0..fire.len())
        .map(|i| secs[0][i] + if fire[i] { secs[k][i] } else { 0.0 })
        .sum();
    (body, t)
}
