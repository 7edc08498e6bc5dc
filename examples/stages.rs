//! Prints the wall time of each pipeline stage on stderr (a development aid).
//!
//! ```sh
//! cargo run --release --example stages -- DIR
//! ```
fn main() {
    let paths: Vec<std::path::PathBuf> = std::env::args().skip(1).map(Into::into).collect();
    let cfg = newsdedup::config::Config::new(paths);
    let out = newsdedup::pipeline::run(&cfg).expect("pipeline");
    let s = &out.stats;
    eprintln!(
        "files {} bytes {} candidates {} verified {}",
        s.files, s.bytes, s.candidate_pairs, s.verified_pairs
    );
    for (name, t) in &s.stages {
        eprintln!("{name:>24} {:8.3} s", t.as_secs_f64());
    }
    eprintln!("stories {}", out.stories.len());
}
