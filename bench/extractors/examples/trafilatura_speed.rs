//! Where rs-trafilatura's time goes on the Fundus pages: default options, the page type forced
//! to Article (skips its page classifier), and that plus no fallback extraction. One pass each,
//! one core; prints MB/s, the median time per page and the five slowest pages.
//!
//! ```sh
//! cargo run --release --manifest-path bench/extractors/Cargo.toml --example trafilatura_speed
//! ```

use std::time::Instant;

use rs_trafilatura::Options;
use rs_trafilatura::page_type::PageType;

fn main() {
    let dir = std::path::Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/corpora/fundus"
    ));
    let Ok(expected) = std::fs::read_to_string(dir.join("expected.jsonl")) else {
        eprintln!("trafilatura_speed: {} is absent, skipping", dir.display());
        return;
    };
    let mut pages = Vec::new();
    for line in expected.lines() {
        let e: serde_json::Value = serde_json::from_str(line).expect("expected.jsonl line");
        let file = e["file"].as_str().expect("file").to_string();
        let bytes = std::fs::read(dir.join(&file)).expect("page");
        let text = newsdedup::input::decode(&bytes).expect("decodes").text;
        pages.push((file, bytes.len(), text));
    }
    let total: usize = pages.iter().map(|p| p.1).sum();
    let article = Options {
        page_type: Some(PageType::Article),
        ..Options::default()
    };
    let no_fallback = Options {
        use_fallback_extraction: false,
        ..article.clone()
    };
    for (name, opts) in [
        ("default options", Options::default()),
        ("page_type = Article", article),
        ("page_type = Article, no fallback", no_fallback),
    ] {
        let mut per: Vec<(f64, &str)> = Vec::new();
        for (file, _, text) in &pages {
            let t = Instant::now();
            let _ = rs_trafilatura::extract_with_options(text, &opts);
            per.push((t.elapsed().as_secs_f64() * 1e3, file));
        }
        let secs: f64 = per.iter().map(|p| p.0).sum::<f64>() / 1e3;
        per.sort_by(|a, b| b.0.total_cmp(&a.0));
        println!(
            "{name}: {:.1} MB/s, median {:.1} ms/page",
            total as f64 / 1e6 / secs,
            per[per.len() / 2].0
        );
        for (ms, file) in per.iter().take(5) {
            println!("    {ms:>9.1} ms  {file}");
        }
    }
}
