//! The pipeline, stage by stage: paths → bytes → text → articles → fingerprints → candidate
//! pairs → verified similarities → stories → canonical records. Output is the caller's.

use std::time::{Duration, Instant};

use rayon::prelude::*;

use crate::canonical::{self, Story};
use crate::config::Config;
use crate::input::{self, DecodeError, InputFile, Skip, SkipReason};
use crate::normalize::{self, Article};
use crate::{candidates, cluster, minhash, shingle, verify};

/// What a run produced.
#[derive(Debug, Default)]
pub struct Outcome {
    /// Every article that was read, indexed by document number.
    pub articles: Vec<Article>,
    pub stories: Vec<Story>,
    /// Inputs that did not become articles, in input order.
    pub skipped: Vec<Skip>,
    /// Arguments that do not exist.
    pub missing_args: usize,
    pub stats: Stats,
}

/// Counts and timings of a run.
#[derive(Debug, Default, Clone)]
pub struct Stats {
    pub files: usize,
    pub bytes: u64,
    pub ignored_by_ext: usize,
    pub candidate_pairs: usize,
    pub verified_pairs: usize,
    /// (stage name, wall time)
    pub stages: Vec<(&'static str, Duration)>,
}

/// A document after normalization and fingerprinting.
struct Doc {
    article: Article,
    shingles: Vec<u64>,
}

/// Reads, decodes and normalizes one file.
pub fn load(file: &InputFile) -> Result<(Article, u64), SkipReason> {
    let bytes = input::read(file)?;
    let len = bytes.len() as u64;
    let decoded = input::decode(&bytes).map_err(|e| match e {
        DecodeError::Empty => SkipReason::Empty,
        DecodeError::Binary => SkipReason::Binary,
        DecodeError::Garbage(why) => SkipReason::Undecodable(why),
    })?;
    drop(bytes);
    Ok((normalize::normalize(&file.display, &decoded.text), len))
}

/// Runs the whole pipeline.
pub fn run(cfg: &Config) -> anyhow::Result<Outcome> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(cfg.threads.max(1))
        .build()?;
    Ok(pool.install(|| run_in_pool(cfg)))
}

fn run_in_pool(cfg: &Config) -> Outcome {
    let mut stats = Stats::default();
    let mut clock = Instant::now();
    let mut lap = |stats: &mut Stats, name: &'static str| {
        let now = Instant::now();
        stats.stages.push((name, now - clock));
        clock = now;
    };

    let mut expanded = input::expand(&cfg.paths, &cfg.exts);
    // Documents are numbered in path order, so nothing downstream depends on argument order.
    expanded.files.sort_by(|a, b| a.display.cmp(&b.display));
    let mut skipped = expanded.skipped;
    stats.ignored_by_ext = expanded.ignored_by_ext;
    stats.files = expanded.files.len();
    lap(&mut stats, "list");

    let loaded: Vec<Result<(Doc, u64), Skip>> = expanded
        .files
        .par_iter()
        .map(|f| {
            let skip = |reason| Skip {
                path: f.display.clone(),
                reason,
            };
            let (article, len) = load(f).map_err(skip)?;
            let shingles = shingle::shingles(&article.body, cfg.shingle_k);
            if shingles.is_empty() {
                return Err(skip(SkipReason::NoText));
            }
            Ok((Doc { article, shingles }, len))
        })
        .collect();
    let mut docs = Vec::with_capacity(loaded.len());
    for r in loaded {
        match r {
            Ok((d, len)) => {
                stats.bytes += len;
                docs.push(d);
            }
            Err(s) => skipped.push(s),
        }
    }
    lap(&mut stats, "read+normalize+shingle");

    let (articles, shingles): (Vec<Article>, Vec<Vec<u64>>) =
        docs.into_iter().map(|d| (d.article, d.shingles)).unzip();
    let signatures: Vec<minhash::Signature> = shingles
        .par_iter()
        .map(|s| minhash::one_permutation(s, cfg.bins))
        .collect();
    lap(&mut stats, "minhash");

    let pairs = candidates::generate(&signatures, &shingles, &cfg.candidates);
    stats.candidate_pairs = pairs.len();
    drop(signatures);
    lap(&mut stats, "candidates");

    let floor = cfg.cluster.jaccard.min(cfg.cluster.containment);
    let sims = verify::verify(&pairs, &shingles, floor);
    stats.verified_pairs = sims.len();
    lap(&mut stats, "verify");

    let sizes: Vec<usize> = shingles.iter().map(Vec::len).collect();
    let groups = cluster::cluster(articles.len(), &sims, &sizes, &cfg.cluster);
    lap(&mut stats, "cluster");

    let stories = canonical::build(&groups, &articles, &shingles, cfg.canonical);
    lap(&mut stats, "canonical");

    Outcome {
        articles,
        stories,
        skipped,
        missing_args: expanded.missing_args,
        stats,
    }
}
