//! Past one machine: the pipeline cut where its stages join across the corpus, so that a
//! cluster engine (Apache Spark, `scale/spark/dedup.py`) does the joins and newsdedup does
//! everything else, with the same functions as a single run.
//!
//! - [`fingerprint`] (`newsdedup fingerprint`) is the read stage ending in a Parquet file per
//!   shard ([`shard`]): per article its path, the normalized article, body hash, date, shingles,
//!   MinHash band keys, paragraph keys and story evidence; per skipped input its reason.
//! - The engine does generic shuffles over those columns: paragraph and title holder counts,
//!   band-key buckets and sampled-shingle posting lists to candidate pairs, term counts over
//!   version groups, story-key lists to candidate pairs of groups, and connected components.
//! - [`assemble`] (`newsdedup assemble`) takes tasks on stdin, one JSON line each (a sample of a
//!   frequent paragraph's holders, an article to strip of template paragraphs, a component of
//!   candidate pairs, a title's holders, a component of version groups), and answers each with
//!   the single-machine stage's own function: [`crate::templates::unrelated`],
//!   [`crate::pipeline::strip_own_templates`], [`crate::verify::verify`] and
//!   [`crate::cluster::cluster`], [`crate::story::features::is_site_title`],
//!   [`crate::story::merge_part`] and [`crate::canonical::build`], ending in the output
//!   module's records.
//!
//! [`Params`] are fixed by `fingerprint` (written beside the shards) and read by both the engine
//! and `assemble`, so the two sides cannot disagree on a threshold.

pub mod assemble;
pub mod fingerprint;
pub mod shard;

use serde::{Deserialize, Serialize};

use crate::config::Config;

/// The version of [`Params`] and of the shard layout ([`shard`]; 2: the article bytes carry
/// the page's headline element, as the story index's format 3 does).
pub const FORMAT: u32 = 2;

/// Every setting either side of the engine reads: the run's options and the stages' constants
/// that the engine's aggregations need (list caps, sample sizes, thresholds).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Params {
    pub format: u32,
    pub shingle_size: usize,
    pub max_html_bytes: usize,
    /// MinHash bins, and the LSH bands and rows cut from them.
    pub bins: usize,
    pub bands: usize,
    pub rows: usize,
    /// A band bucket up to this size gives all its pairs, a larger one a star and a chain
    /// ([`crate::candidates::ALL_PAIRS_UP_TO`]).
    pub lsh_all_pairs_up_to: usize,
    pub overlap_modulus: u64,
    pub overlap_max_posting: usize,
    pub overlap_threshold: f64,
    pub template_min_docs: usize,
    pub template_sample: usize,
    /// Candidate pairs are verified and kept down to this similarity.
    pub verify_floor: f64,
    pub jaccard: f64,
    pub containment: f64,
    pub min_containment_shingles: usize,
    pub center_floor: f64,
    pub max_days: Option<u32>,
    /// `stories` or `versions` (`--group`).
    pub group: String,
    /// `--canonical`.
    pub canonical: String,
    /// The story stage's candidate keys ([`crate::story`]).
    pub story_max_posting: usize,
    pub story_rare_terms: usize,
    pub story_lede_keys: usize,
    pub story_min_shared_keys: u32,
    pub story_sim_floor: f64,
    pub story_window_days: i64,
    pub site_title_min_groups: usize,
    pub site_title_sample: usize,
}

fn value_name<T: clap::ValueEnum>(v: &T) -> String {
    v.to_possible_value()
        .map(|p| p.get_name().to_string())
        .unwrap_or_default()
}

impl Params {
    /// The parameters of a run of `cfg`.
    pub fn of(cfg: &Config) -> Params {
        let (bands, rows) = crate::candidates::lsh::params(cfg.candidates.lsh_threshold, cfg.bins);
        let c = &cfg.cluster;
        Params {
            format: FORMAT,
            shingle_size: cfg.shingle_k,
            max_html_bytes: cfg.normalize.max_html_bytes,
            bins: cfg.bins,
            bands,
            rows,
            lsh_all_pairs_up_to: crate::candidates::ALL_PAIRS_UP_TO,
            overlap_modulus: cfg.candidates.sample_modulus,
            overlap_max_posting: cfg.candidates.max_posting,
            overlap_threshold: cfg.candidates.overlap_threshold,
            template_min_docs: cfg.templates.min_docs,
            template_sample: cfg.templates.sample.max(2),
            verify_floor: c.verify_floor(),
            jaccard: c.jaccard,
            containment: c.containment,
            min_containment_shingles: c.min_containment_shingles,
            center_floor: c.center_floor,
            max_days: c.max_days,
            group: value_name(&c.stories.mode),
            canonical: value_name(&cfg.canonical),
            story_max_posting: crate::story::MAX_POSTING,
            story_rare_terms: crate::story::RARE_TERMS,
            story_lede_keys: crate::story::LEDE_KEYS,
            story_min_shared_keys: crate::story::MIN_SHARED_KEYS,
            story_sim_floor: crate::story::SIM_FLOOR,
            story_window_days: c.max_days.map_or(crate::story::WINDOW_DAYS, |d| {
                i64::from(d).min(crate::story::WINDOW_DAYS)
            }),
            site_title_min_groups: crate::story::features::SITE_TITLE_MIN_GROUPS,
            site_title_sample: crate::story::features::SITE_TITLE_SAMPLE,
        }
    }

    /// The configuration `assemble` runs its stages with (the inputs are the tasks).
    pub fn config(&self) -> Result<Config, String> {
        if self.format != FORMAT {
            return Err(format!(
                "parameters of format {}, this newsdedup reads format {FORMAT}; fingerprint the \
                 corpus again with this version",
                self.format
            ));
        }
        let mut cfg = Config::new(Vec::new());
        cfg.shingle_k = self.shingle_size;
        cfg.normalize.max_html_bytes = self.max_html_bytes;
        cfg.bins = self.bins;
        cfg.templates.min_docs = self.template_min_docs;
        cfg.cluster.jaccard = self.jaccard;
        cfg.cluster.containment = self.containment;
        cfg.cluster.min_containment_shingles = self.min_containment_shingles;
        cfg.cluster.center_floor = self.center_floor;
        cfg.cluster.max_days = self.max_days;
        cfg.cluster.stories.mode = clap::ValueEnum::from_str(&self.group, false)
            .map_err(|_| format!("unknown --group {:?}", self.group))?;
        cfg.canonical = clap::ValueEnum::from_str(&self.canonical, false)
            .map_err(|_| format!("unknown --canonical {:?}", self.canonical))?;
        // Written by this version from the same configuration: anything else was edited.
        if Params::of(&cfg) != *self {
            return Err(
                "parameters that this newsdedup would not write (edited, or written by another \
                 version); fingerprint the corpus again"
                    .into(),
            );
        }
        Ok(cfg)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn params_round_trip_through_a_config() {
        let mut cfg = Config::new(Vec::new());
        cfg.shingle_k = 4;
        cfg.cluster.jaccard = 0.6;
        cfg.cluster.max_days = Some(10);
        cfg.cluster.stories.mode = crate::story::GroupMode::Versions;
        cfg.canonical = crate::canonical::CanonicalRule::Latest;
        let p = Params::of(&cfg);
        assert_eq!(p.group, "versions");
        assert_eq!(p.canonical, "latest");
        assert_eq!(p.story_window_days, 10);
        let json = serde_json::to_string(&p).unwrap();
        let back: Params = serde_json::from_str(&json).unwrap();
        assert_eq!(Params::of(&back.config().unwrap()), p);
        let edited = Params {
            overlap_max_posting: 10,
            ..p.clone()
        };
        assert!(edited.config().unwrap_err().contains("edited"));
        let old = Params { format: 0, ..p };
        assert!(old.config().unwrap_err().contains("format 0"));
    }
}
