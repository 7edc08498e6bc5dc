//! Prints the wall time of each pipeline stage and what the prepared corpus holds in memory
//! (a development aid).
//!
//! ```sh
//! cargo run --release --example stages -- DIR
//! ```
fn main() {
    let paths: Vec<std::path::PathBuf> = std::env::args().skip(1).map(Into::into).collect();
    let cfg = newsdedup::config::Config::new(paths);
    let floor = cfg.cluster.verify_floor();
    let prepared = newsdedup::pipeline::prepare(&cfg, floor).expect("pipeline");
    let n = prepared.articles.len().max(1);
    let body: usize = prepared.articles.iter().map(|a| a.body.capacity()).sum();
    let paths: usize = prepared.articles.iter().map(|a| a.path.capacity()).sum();
    let shingles: usize = prepared.shingles.iter().map(|s| s.capacity() * 4).sum();
    let sims =
        prepared.similarities.capacity() * std::mem::size_of::<newsdedup::verify::Similarity>();
    eprintln!(
        "articles {n}: per article body {} B, path {} B, shingles {} B; similarities {} B total",
        body / n,
        paths / n,
        shingles / n,
        sims
    );
    let s = &prepared.stats;
    eprintln!(
        "files {} bytes {} candidates {} verified {}",
        s.files, s.bytes, s.candidate_pairs, s.verified_pairs
    );
    for (name, t) in &s.stages {
        eprintln!("{name:>24} {:8.3} s", t.as_secs_f64());
    }
}
