//! `newsdedup fingerprint`: the list and read stages of a single run ([`crate::pipeline::list`],
//! [`crate::read::read`]), ending in one Parquet shard ([`super::shard`]) instead of the
//! corpus-wide stages. Each article's text stays whole (it is in the shard); nothing is dropped
//! or spilled.

use std::path::{Path, PathBuf};

use xxhash_rust::xxh3::xxh3_64;

use super::Params;
use super::shard::{self, Row};
use crate::candidates::lsh;
use crate::config::Config;
use crate::index::store;
use crate::input::Skip;
use crate::minhash;
use crate::pipeline::{self, Progress, Stats};
use crate::read;

/// The parameters' file in a fingerprint folder.
pub const PARAMS_FILE: &str = "params.json";
/// The shards' folder in a fingerprint folder.
pub const SHARDS_DIR: &str = "shards";

/// What a fingerprint run wrote.
#[derive(Debug)]
pub struct Written {
    pub shard: PathBuf,
    pub articles: usize,
    /// In path order (also in the shard).
    pub skipped: Vec<Skip>,
    /// Pages cut at `--max-html-mib`.
    pub warnings: Vec<String>,
    /// Arguments that do not exist.
    pub missing_args: usize,
}

/// The default shard name: a hash of the names of the inputs listed, so that running the same
/// slice again writes the same shard (and replaces it).
pub fn default_name(names: &[&str]) -> String {
    let mut bytes = Vec::new();
    for n in names {
        bytes.extend(n.as_bytes());
        bytes.push(0);
    }
    format!("shard-{:016x}", xxh3_64(&bytes))
}

/// Writes `params` to `dir/params.json`, or checks that the file already there says the same
/// (all shards of a folder must be fingerprinted alike).
pub fn write_params(dir: &Path, params: &Params) -> anyhow::Result<()> {
    let file = dir.join(PARAMS_FILE);
    let json = serde_json::to_string_pretty(params)? + "\n";
    match std::fs::read_to_string(&file) {
        Ok(old) => {
            let old: Params = serde_json::from_str(&old).map_err(|e| {
                anyhow::anyhow!("{}: not newsdedup parameters ({e})", file.display())
            })?;
            if &old != params {
                anyhow::bail!(
                    "{}: the shards in {} were fingerprinted with other options; give the same \
                     options, or another --out-dir",
                    file.display(),
                    dir.display()
                );
            }
            Ok(())
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            crate::output::to_file(&file, |w| w.write_all(json.as_bytes()))
                .map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))
        }
        Err(e) => Err(anyhow::anyhow!("{}: {e}", file.display())),
    }
}

/// Reads `cfg`'s inputs and writes their shard as `out_dir/shards/NAME.parquet` (`shard`, or
/// [`default_name`]), with `out_dir/params.json`.
pub fn run(
    cfg: &Config,
    out_dir: &Path,
    shard: Option<&str>,
    progress: &dyn Progress,
) -> anyhow::Result<Written> {
    let params = Params::of(cfg);
    let shards = out_dir.join(SHARDS_DIR);
    std::fs::create_dir_all(&shards)
        .map_err(|e| anyhow::anyhow!("{}: cannot create ({e})", shards.display()))?;
    write_params(out_dir, &params)?;
    pipeline::in_pool(cfg.threads, || {
        let mut stats = Stats::default();
        let gathered = pipeline::list(cfg, &mut stats)?;
        let names: Vec<&str> = gathered.sources.iter().map(|s| s.display()).collect();
        let name = shard.map_or_else(|| default_name(&names), str::to_string);
        let file = shards.join(format!("{name}.parquet"));
        // Every text is kept: it goes into the shard.
        let read_cfg = Config {
            text_memory: usize::MAX,
            spill: false,
            ..cfg.clone()
        };
        let out = read::read(&gathered.sources, &read_cfg, None, true, progress);
        let mut rows: Vec<Row> = Vec::with_capacity(out.docs.len() + gathered.skipped.len());
        let mut skipped = gathered.skipped;
        let mut warnings = Vec::new();
        let mut articles = 0;
        for d in out.docs {
            match d {
                Ok((doc, len)) => {
                    articles += 1;
                    rows.push(row(doc, len, &params, cfg, &mut warnings));
                }
                Err(s) => skipped.push(s),
            }
        }
        skipped.sort_by(|a, b| a.path.cmp(&b.path));
        rows.extend(skipped.iter().map(|s| Row {
            path: s.path.clone(),
            skip: Some((s.reason.kind().to_string(), s.reason.to_string())),
            ..Row::default()
        }));
        rows.sort_by(|a, b| a.path.cmp(&b.path));
        shard::write(&file, &rows).map_err(|e| anyhow::anyhow!("{}: {e:#}", file.display()))?;
        Ok(Written {
            shard: file,
            articles,
            skipped,
            warnings,
            missing_args: gathered.missing_args,
        })
    })?
}

/// A document's row: its article, fingerprints and band keys.
fn row(doc: read::Doc, len: u64, params: &Params, cfg: &Config, warnings: &mut Vec<String>) -> Row {
    if doc.article.truncated {
        warnings.push(pipeline::truncated_warning(
            &doc.article,
            len,
            &cfg.normalize,
        ));
    }
    let signature = minhash::one_permutation(&doc.shingles, params.bins);
    let band_keys = lsh::band_keys(&signature, params.bands, params.rows).collect();
    Row {
        path: doc.article.path.clone(),
        skip: None,
        warning: doc
            .article
            .truncated
            .then(|| pipeline::truncated_warning(&doc.article, len, &cfg.normalize)),
        bytes: len,
        article: Some(store::article_bytes(&doc.article, doc.raw_path.as_deref())),
        body_hash: doc.body_hash,
        day: doc.article.header.date().map(|d| d.days()),
        shingles: doc.shingles,
        band_keys,
        paragraphs: doc.paragraphs,
        evidence: doc.evidence,
    }
}
