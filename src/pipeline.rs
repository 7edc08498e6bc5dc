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
    // A bug on one page must not end the run: it becomes a skip with its reason.
    let article = std::panic::catch_unwind(|| normalize::normalize(&file.display, &decoded.text)).map_err(|p| {
        let msg = p
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| p.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "panic".into());
        SkipReason::Internal(msg.lines().next().unwrap_or("panic").to_string())
    })?;
    Ok((article, len))
}

/// Everything up to verified similarities: what clustering needs, computed once. Clustering
/// with other thresholds (`eval --sweep`) reuses it.
#[derive(Debug, Default)]
pub struct Prepared {
    pub articles: Vec<Article>,
    /// Sorted, deduplicated shingle hashes per article.
    pub shingles: Vec<Vec<u64>>,
    /// Verified pairs whose Jaccard or containment reached the floor they were verified at.
    pub similarities: Vec<verify::Similarity>,
    pub skipped: Vec<Skip>,
    pub missing_args: usize,
    pub stats: Stats,
}

/// Runs the whole pipeline.
pub fn run(cfg: &Config) -> anyhow::Result<Outcome> {
    in_pool(cfg.threads, || {
        let prepared = prepare_in_pool(cfg, cfg.cluster.jaccard.min(cfg.cluster.containment));
        finish(prepared, &cfg.cluster, cfg.canonical)
    })
}

/// Runs the stages up to verification, keeping pairs with a similarity of at least `floor`.
pub fn prepare(cfg: &Config, floor: f64) -> anyhow::Result<Prepared> {
    in_pool(cfg.threads, || prepare_in_pool(cfg, floor))
}

/// Runs `f` on a thread pool of `threads` workers.
pub fn in_pool<T: Send>(threads: usize, f: impl FnOnce() -> T + Send) -> anyhow::Result<T> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads.max(1))
        .build()?;
    Ok(pool.install(f))
}

/// Clusters prepared documents and builds the story records.
pub fn finish(
    prepared: Prepared,
    params: &cluster::ClusterParams,
    rule: canonical::CanonicalRule,
) -> Outcome {
    let (stories, stages) = stories(&prepared, params, rule);
    let Prepared {
        articles,
        skipped,
        missing_args,
        mut stats,
        ..
    } = prepared;
    stats.stages.extend(stages);
    Outcome {
        articles,
        stories,
        skipped,
        missing_args,
        stats,
    }
}

/// The stories of prepared documents at the given thresholds, with the wall time of each stage.
/// `prepared` is only borrowed, so the same documents can be clustered at several thresholds
/// (`eval --sweep`) without copying them.
pub fn stories(
    prepared: &Prepared,
    params: &cluster::ClusterParams,
    rule: canonical::CanonicalRule,
) -> (Vec<Story>, Vec<(&'static str, Duration)>) {
    let clock = Instant::now();
    let days: Vec<Option<i64>> = prepared
        .articles
        .iter()
        .map(|a| a.header.date().map(|d| d.days()))
        .collect();
    let docs = cluster::Docs {
        shingles: &prepared.shingles,
        days: &days,
    };
    let groups = cluster::cluster(&prepared.similarities, &docs, params);
    let cluster_time = clock.elapsed();
    let clock = Instant::now();
    let stories = canonical::build(&groups, &prepared.articles, &prepared.shingles, rule);
    let stages = vec![("cluster", cluster_time), ("canonical", clock.elapsed())];
    (stories, stages)
}

fn prepare_in_pool(cfg: &Config, floor: f64) -> Prepared {
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

    let similarities = verify::verify(&pairs, &shingles, floor);
    stats.verified_pairs = similarities.len();
    lap(&mut stats, "verify");

    Prepared {
        articles,
        shingles,
        similarities,
        skipped,
        missing_args: expanded.missing_args,
        stats,
    }
}
