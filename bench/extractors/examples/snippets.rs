//! Main-text extraction on trafilatura's evaluation set (`../shared/corpora/trafilatura-eval`,
//! never committed), scored as that project scores it: a `with` snippet found in the extracted
//! text is a true positive, missed a false negative; a `without` snippet found is a false
//! positive, missed a true negative (after collapsing whitespace on both sides).
//!
//! The pages are split by site into two halves by a fixed hash of the site name: half A is the
//! one anyone may read while changing the extractor, half B is reported and never read page by
//! page. Both are printed, with all pages.
//!
//! ```sh
//! cargo run --release --manifest-path bench/extractors/Cargo.toml --example snippets
//! cargo run --release --manifest-path bench/extractors/Cargo.toml --example snippets -- --dump DIR  # half A's outputs
//! ```

use std::path::{Path, PathBuf};
use std::time::Instant;

use newsdedup::{input, normalize};

/// Ours: the body `newsdedup normalize` prints.
fn ours(path: &str, text: &str) -> String {
    normalize::normalize(path, text).body
}

/// dom_smoothie 0.19 (readability.js port), formatted text.
fn smoothie(text: &str) -> String {
    let cfg = dom_smoothie::Config {
        text_mode: dom_smoothie::TextMode::Formatted,
        ..Default::default()
    };
    dom_smoothie::Readability::new(text, None, Some(cfg))
        .and_then(|mut r| r.parse())
        .map(|a| a.text_content.to_string())
        .unwrap_or_default()
}

/// rs-trafilatura 0.2, default options.
fn trafilatura(text: &str) -> String {
    rs_trafilatura::extract(text)
        .map(|r| r.content_text)
        .unwrap_or_default()
}

#[path = "../../../examples/scoring/mod.rs"]
mod scoring;
use scoring::{Snippets as Counts, collapse, half, site, trafilatura_pages};

/// The words of a text, lower-cased.
fn words(s: &str) -> Vec<String> {
    s.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// docs/extractors.md's trimmer: the crate's body when it holds 50–100 % of our words and at
/// least 90 % of its words occur in ours; ours otherwise.
fn trimmer(ours: &str, crate_body: &str) -> bool {
    let (a, b) = (words(ours), words(crate_body));
    if b.is_empty() || b.len() > a.len() || (b.len() as f64) < 0.5 * a.len() as f64 {
        return false;
    }
    let set: std::collections::HashSet<&String> = a.iter().collect();
    let inside = b.iter().filter(|w| set.contains(w)).count();
    inside as f64 >= 0.9 * b.len() as f64
}

fn main() {
    let mut dump: Option<PathBuf> = None;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--dump" => dump = args.next().map(PathBuf::from),
            other => {
                eprintln!("usage: snippets [--dump DIR] (got {other:?})");
                std::process::exit(2);
            }
        }
    }
    let dir = Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/corpora/trafilatura-eval"
    ));
    let Some(pages_list) = trafilatura_pages(dir) else {
        eprintln!("snippets: {} is absent, nothing to score", dir.display());
        return;
    };
    std::panic::set_hook(Box::new(|_| {}));
    let names = [
        "newsdedup",
        "dom_smoothie 0.19",
        "rs-trafilatura 0.2",
        "trimmer (dom_smoothie)",
        "trimmer (rs-trafilatura)",
    ];
    // [extractor][half] counts, and seconds per extractor (one core).
    let mut counts = vec![[Counts::default(); 2]; names.len()];
    let mut secs = [0.0f64; 3];
    let mut pages = [0usize; 2];
    let mut bytes_total = 0usize;
    if let Some(d) = &dump {
        std::fs::create_dir_all(d).expect("dump dir");
    }
    for (key, file, with, without) in &pages_list {
        let (key, file) = (key.as_str(), file.as_str());
        let Ok(raw) = std::fs::read(dir.join(file)) else {
            eprintln!("snippets: cannot read {file}");
            continue;
        };
        bytes_total += raw.len();
        let text = input::decode(&raw).map(|d| d.text).unwrap_or_default();
        let h = half(&site(key));
        pages[h] += 1;
        let path = dir.join(file).to_string_lossy().into_owned();
        let mut outs: Vec<String> = Vec::new();
        for (k, f) in [
            &(|t: &str| ours(&path, t)) as &dyn Fn(&str) -> String,
            &smoothie,
            &trafilatura,
        ]
        .into_iter()
        .enumerate()
        {
            let t = Instant::now();
            let out = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| f(&text)))
                .unwrap_or_default();
            secs[k] += t.elapsed().as_secs_f64();
            outs.push(out);
        }
        let trim_s = if trimmer(&outs[0], &outs[1]) {
            &outs[1]
        } else {
            &outs[0]
        };
        let trim_t = if trimmer(&outs[0], &outs[2]) {
            &outs[2]
        } else {
            &outs[0]
        };
        let bodies = [&outs[0], &outs[1], &outs[2], trim_s, trim_t];
        for (k, b) in bodies.iter().enumerate() {
            counts[k][h].add(Counts::of(b, with, without));
        }
        if h == 0
            && let Some(d) = &dump
        {
            let c = Counts::of(&outs[0], with, without);
            let stem = Path::new(file)
                .file_stem()
                .unwrap_or_default()
                .to_string_lossy();
            let mut report = format!(
                "{key}\nours: tp {} fn {} fp {} tn {}\n",
                c.tp, c.fn_, c.fp, c.tn
            );
            for w in with {
                if !collapse(&outs[0]).contains(w.as_str()) {
                    report.push_str(&format!("MISSED: {w}\n"));
                }
            }
            for w in without {
                if collapse(&outs[0]).contains(w.as_str()) {
                    report.push_str(&format!("KEPT: {w}\n"));
                }
            }
            std::fs::write(d.join(format!("{stem}.report")), report).expect("dump");
            std::fs::write(d.join(format!("{stem}.ours")), &outs[0]).expect("dump");
            std::fs::write(d.join(format!("{stem}.smoothie")), &outs[1]).expect("dump");
            std::fs::write(d.join(format!("{stem}.trafilatura")), &outs[2]).expect("dump");
        }
    }
    println!(
        "trafilatura-eval: {} pages ({} in half A, {} in half B, split by site), {:.1} MB",
        pages[0] + pages[1],
        pages[0],
        pages[1],
        bytes_total as f64 / 1e6
    );
    println!(
        "{:<26} {:<25} {:<25} {:<25} {}",
        "extractor", "half A: P  R  F1  acc", "half B (held out)", "all", "s (one core)"
    );
    for (k, name) in names.iter().enumerate() {
        let mut all = counts[k][0];
        all.add(counts[k][1]);
        let t = match k {
            0..=2 => format!("{:.1}", secs[k]),
            3 => format!("{:.1}", secs[0] + secs[1]),
            _ => format!("{:.1}", secs[0] + secs[2]),
        };
        println!(
            "{:<26} {:<25} {:<25} {:<25} {t}",
            name,
            counts[k][0].row(),
            counts[k][1].row(),
            all.row()
        );
    }
}
