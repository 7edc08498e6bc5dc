//! The story index (`--index DIR`): the end of the pipeline for incremental runs. The articles
//! of earlier runs are kept on disk, normalized (see [`store`]); a run normalizes only the
//! inputs that are new or changed, fingerprints the stored articles again with the same
//! function the read stage uses ([`read::fingerprint`]), and runs the corpus-wide stages
//! (templates, candidates, verify, cluster, stories, canonical) on the union, in the order a
//! single run over the same files would number it. The stories are therefore exactly those of
//! one run over everything the index holds; only their ids differ, kept stable from run to run
//! by [`ids`].

pub mod ids;
pub mod store;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::PathBuf;
use std::time::Instant;

use rayon::prelude::*;
use xxhash_rust::xxh3::xxh3_64;

use crate::config::Config;
use crate::input::{Skip, Source};
use crate::normalize::Article;
use crate::pipeline::{self, Docs, Outcome, Progress, Stats};
use crate::{output, read};

pub use ids::History;
pub use store::IndexError;

/// What an index run does besides reading its paths.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    /// The index folder.
    pub dir: PathBuf,
    /// Paths (as shown in the output) whose articles, or the articles under which, leave the
    /// index.
    pub remove: Vec<String>,
    /// Only the stories this run created or changed are returned.
    pub changed_only: bool,
}

impl Settings {
    /// Whether a run of `cfg` only prints the index's stories: no inputs, nothing removed.
    /// Such a run takes no lock, creates nothing and saves nothing.
    pub fn prints_only(&self, cfg: &Config) -> bool {
        cfg.paths.is_empty() && cfg.files_from.is_none() && self.remove.is_empty()
    }
}

/// What an index run produced: the stories to print (all, or those created or changed) with
/// their history, and counts for the notes.
#[derive(Debug)]
pub struct Update {
    /// Stories to print, with every article of the index (members refer to them).
    pub outcome: Outcome,
    /// Per story of `outcome.stories`: members added, ids before.
    pub history: Vec<History>,
    /// Inputs not read again: the index holds them with the same content.
    pub unchanged: usize,
    /// Articles that left the index (`--remove`).
    pub removed: usize,
    /// `--remove` paths that matched no article.
    pub removed_nothing: Vec<String>,
    /// Ids of the last run that no story has now and no story lists in its `old_ids`: all their
    /// versions were removed. Sorted.
    pub gone: Vec<String>,
    /// Stories this run created or changed.
    pub changed: usize,
    /// The index to save once the stories are printed; none when nothing changed, and none
    /// for a run that only prints (no inputs, nothing removed: other story options then do not
    /// change the stored ids).
    pub pending: Option<Pending>,
    /// The index did not exist before this run.
    pub created: bool,
}

/// One article of the union, before numbering.
struct Item {
    article: Article,
    fp: Option<read::Fingerprint>,
    raw_path: Option<PathBuf>,
    /// The file's resolved path ([`store::Entry::real`]).
    real: Option<String>,
    content_hash: u64,
    /// Its story in the index (for a changed file, its old version's story).
    old_story: Option<String>,
    /// New or changed in this run.
    added: bool,
}

/// Runs the pipeline over the index in `settings.dir` and `cfg`'s inputs. Holds the index's
/// lock throughout; when anything changed, the new index is [`Update::pending`], written by
/// [`Update::save`] (atomically) once the caller has printed the stories.
pub fn run(cfg: &Config, settings: &Settings, progress: &dyn Progress) -> anyhow::Result<Update> {
    pipeline::in_pool(cfg.threads, || run_in_pool(cfg, settings, progress))?
}

fn run_in_pool(
    cfg: &Config,
    settings: &Settings,
    progress: &dyn Progress,
) -> anyhow::Result<Update> {
    let dir = &settings.dir;
    // A run that only prints reads the index as it is: no lock (the index is replaced by a
    // rename, never written in place), nothing created, nothing saved.
    let print_only = settings.prints_only(cfg);
    let lock = if print_only {
        None
    } else {
        Some(store::lock(dir)?)
    };
    let mut stats = Stats::default();
    let mut clock = Instant::now();
    progress.stage("index load", None);
    let loaded = store::load(dir)?;
    let created = loaded.is_none();
    let old = loaded.unwrap_or_else(|| store::Stored {
        max_html_bytes: cfg.normalize.max_html_bytes as u64,
        ..store::Stored::default()
    });
    if old.max_html_bytes != cfg.normalize.max_html_bytes as u64 {
        anyhow::bail!(
            "{}: the index holds pages normalized with --max-html-mib {}; give the same value",
            dir.join(store::FILE).display(),
            old.max_html_bytes >> 20
        );
    }
    pipeline::lap(&mut stats, "index load", &mut clock);

    progress.stage("list", None);
    let gathered = if cfg.paths.is_empty() && cfg.files_from.is_none() {
        crate::input::Gathered::default()
    } else {
        pipeline::list(cfg, &mut stats)?
    };
    let by_path: HashMap<&str, usize> = old
        .entries
        .iter()
        .enumerate()
        .map(|(i, e)| (e.article.path.as_str(), i))
        .collect();
    // Each file's resolved path (the same file named another way is one article).
    let reals = resolved(&gathered.sources);
    let by_real: HashMap<&str, usize> = old
        .entries
        .iter()
        .enumerate()
        .filter_map(|(i, e)| e.real.as_deref().map(|r| (r, i)))
        .collect();
    let held: Vec<Option<usize>> = gathered
        .sources
        .iter()
        .zip(&reals)
        .map(|(source, real)| {
            by_path
                .get(source.display())
                .or_else(|| real.as_deref().and_then(|r| by_real.get(r)))
                .copied()
        })
        .collect();
    // A file the index holds is hashed here: with the same bytes it is not read again. A file
    // that is read is hashed by the read stage, from the bytes its article comes from.
    let hashes: Vec<Option<u64>> = gathered
        .sources
        .par_iter()
        .zip(&held)
        .map(|(s, held)| match (s, held) {
            (Source::File(f), Some(_)) => std::fs::read(&f.path).ok().map(|b| xxh3_64(&b)),
            _ => None,
        })
        .collect();
    let mut kept_same: HashSet<usize> = HashSet::new();
    let mut to_read = Vec::new();
    let mut reals_of: HashMap<String, String> = HashMap::new();
    // New spelling → the path the index holds the same file under (it is read again, changed).
    let mut renamed: HashMap<String, String> = HashMap::new();
    for ((source, hash), (real, held)) in gathered
        .sources
        .into_iter()
        .zip(hashes)
        .zip(reals.into_iter().zip(held))
    {
        match held.filter(|&i| Some(old.entries[i].content_hash) == hash) {
            Some(i) => {
                kept_same.insert(i);
            }
            None => {
                let shown = source.display().to_string();
                if let Some(i) = held
                    && old.entries[i].article.path != shown
                {
                    renamed.insert(shown.clone(), old.entries[i].article.path.clone());
                }
                if let Some(r) = real {
                    reals_of.insert(shown, r);
                }
                to_read.push(source);
            }
        }
    }
    drop(by_real);
    pipeline::lap(&mut stats, "list", &mut clock);

    // New and changed inputs: read like any run, their texts all kept (the index stores them).
    let read_cfg = Config {
        text_memory: usize::MAX,
        spill: false,
        hash_files: true,
        ..cfg.clone()
    };
    let new = pipeline::read_sources(&to_read, &read_cfg, progress, &mut stats);
    drop(to_read);
    pipeline::lap(&mut stats, "read+normalize+shingle", &mut clock);

    progress.stage("index merge", None);
    let removed_by = |path: &str| {
        settings.remove.iter().position(|r| {
            let r = r.trim_end_matches('/');
            path == r
                || path
                    .strip_prefix(r)
                    .is_some_and(|rest| rest.starts_with('/'))
        })
    };
    let mut remove_hits = vec![0usize; settings.remove.len()];
    let mut replaced: HashSet<&str> = new.articles.iter().map(|a| a.path.as_str()).collect();
    replaced.extend(new.skipped.iter().map(|s| s.path.as_str()));
    replaced.extend(renamed.values().map(String::as_str));
    let mut items: Vec<Item> = Vec::with_capacity(old.entries.len() + new.articles.len());
    let mut removed = 0;
    let mut unchanged = kept_same.len();
    let old_stories = old.stories;
    let mut old_entries: HashMap<String, store::Entry> = HashMap::new();
    for e in old.entries {
        if let Some(r) = removed_by(&e.article.path) {
            remove_hits[r] += 1;
            removed += 1;
        } else if replaced.contains(e.article.path.as_str()) {
            old_entries.insert(e.article.path.clone(), e);
        } else {
            items.push(Item {
                article: e.article,
                fp: None,
                raw_path: e.raw_path,
                real: e.real,
                content_hash: e.content_hash,
                old_story: Some(e.story),
                added: false,
            });
        }
    }
    drop(replaced);
    let Docs {
        articles,
        shingles,
        paragraphs,
        evidence,
        body_hashes,
        mut raw_paths,
        file_hashes,
        skipped,
        warnings,
        ..
    } = new;
    // Read again: their content hashes are new even when their articles are not.
    let read_again = articles.len();
    let fresh = articles
        .into_iter()
        .zip(shingles)
        .zip(paragraphs)
        .zip(evidence)
        .zip(body_hashes);
    for (d, ((((article, shingles), paragraphs), evidence), body_hash)) in fresh.enumerate() {
        let before = old_entries.remove(&article.path).or_else(|| {
            renamed
                .get(&article.path)
                .and_then(|held| old_entries.remove(held))
        });
        // Read again (a record, a WARC page, a file touched) and found the same: not a change.
        let same = before.as_ref().is_some_and(|b| b.article == article);
        unchanged += usize::from(same);
        items.push(Item {
            real: reals_of.remove(&article.path),
            // The read stage hashed the bytes the article came from (a record or a WARC page
            // has no file of its own: its body's hash).
            content_hash: file_hashes.get(&d).copied().unwrap_or(body_hash),
            article,
            fp: Some(read::Fingerprint {
                shingles,
                paragraphs,
                evidence,
                body_hash,
            }),
            raw_path: raw_paths.remove(&d),
            old_story: before.map(|b| b.story),
            added: !same,
        });
    }
    // A file the index held that is now skipped leaves the index (its skip is reported).
    removed += old_entries.len();
    drop(old_entries);
    // The order of a single run over the same files: by path.
    items.par_sort_by(|a, b| a.article.path.cmp(&b.article.path));
    let fingerprints: Vec<Result<read::Fingerprint, crate::input::SkipReason>> = items
        .par_iter_mut()
        .map(|it| match it.fp.take() {
            Some(fp) => Ok(fp),
            None => read::fingerprint(&it.article, cfg.shingle_k),
        })
        .collect();
    let mut docs = Docs {
        skipped: gathered.skipped,
        warnings,
        ..Docs::default()
    };
    docs.skipped.extend(skipped);
    let mut meta = Vec::with_capacity(items.len());
    for (it, fp) in items.into_iter().zip(fingerprints) {
        match fp {
            Ok(fp) => {
                docs.push(it.article, fp, it.raw_path);
                meta.push((it.content_hash, it.old_story, it.added, it.real));
            }
            // Only with another --shingle-size than the index was built with.
            Err(reason) => docs.skipped.push(Skip {
                path: it.article.path,
                reason,
            }),
        }
    }
    docs.dropped = pipeline::Dropped::in_memory(docs.articles.len(), cfg.normalize);
    stats.articles = docs.articles.len();
    pipeline::lap(&mut stats, "index merge+fingerprint", &mut clock);

    let floor = cfg.cluster.verify_floor();
    let prepared =
        pipeline::corpus_stages(docs, cfg, floor, progress, stats, gathered.missing_args);
    progress.stage("cluster", None);
    let mut outcome = pipeline::finish(prepared, &cfg.cluster, cfg.canonical);
    let mut clock = Instant::now();

    let old_of: Vec<Option<&str>> = meta.iter().map(|m| m.1.as_deref()).collect();
    let added: Vec<bool> = meta.iter().map(|m| m.2).collect();
    let known: HashSet<&str> = old_stories.keys().map(String::as_str).collect();
    let history = ids::assign(&mut outcome.stories, &old_of, &added, &known);
    let gone: Vec<String> = {
        let mut now: HashSet<&str> = outcome.stories.iter().map(|s| s.id.as_str()).collect();
        now.extend(
            history
                .iter()
                .flat_map(|h| h.old_ids.iter().map(String::as_str)),
        );
        known
            .iter()
            .filter(|id| !now.contains(*id))
            .map(|id| id.to_string())
            .collect()
    };
    let hashes: Vec<u64> = outcome
        .stories
        .par_iter()
        .map(|s| output::record_hash(s, &outcome.articles))
        .collect();
    let is_changed: Vec<bool> = outcome
        .stories
        .iter()
        .zip(&history)
        .zip(&hashes)
        .map(|((s, h), hash)| {
            !h.added.is_empty() || !h.old_ids.is_empty() || old_stories.get(&s.id) != Some(hash)
        })
        .collect();
    let changed = is_changed.iter().filter(|&&c| c).count();
    pipeline::lap(&mut outcome.stats, "index ids", &mut clock);
    let entries_changed = removed > 0 || read_again > 0;
    let pending = lock
        .filter(|_| changed > 0 || entries_changed || !gone.is_empty())
        .map(|lock| {
            let mut story_of = vec![String::new(); outcome.articles.len()];
            for s in &outcome.stories {
                for m in &s.members {
                    story_of[m.doc as usize].clone_from(&s.id);
                }
            }
            Pending {
                dir: dir.clone(),
                lock,
                max_html_bytes: cfg.normalize.max_html_bytes as u64,
                story_of,
                content_hashes: meta.iter().map(|m| m.0).collect(),
                reals: meta.iter().map(|m| m.3.clone()).collect(),
                stories: outcome
                    .stories
                    .iter()
                    .zip(&hashes)
                    .map(|(s, h)| (s.id.clone(), *h))
                    .collect(),
            }
        });
    let mut gone = gone;
    gone.sort();
    let history = if settings.changed_only {
        outcome.stories = only_changed(std::mem::take(&mut outcome.stories), &is_changed);
        only_changed(history, &is_changed)
    } else {
        history
    };
    Ok(Update {
        outcome,
        history,
        unchanged,
        removed,
        removed_nothing: settings
            .remove
            .iter()
            .zip(remove_hits)
            .filter(|(_, n)| *n == 0)
            .map(|(r, _)| r.clone())
            .collect(),
        gone,
        changed,
        pending,
        created,
    })
}

/// The index a run wrote nothing of yet, to be saved once its stories are printed: a run whose
/// output could not be written leaves the index as it was, so its changes are printed again by
/// the next run. Holds the index's lock until saved or dropped.
#[derive(Debug)]
pub struct Pending {
    dir: PathBuf,
    lock: store::Lock,
    max_html_bytes: u64,
    /// Per document: its story's id.
    story_of: Vec<String>,
    /// Per document: its content hash.
    content_hashes: Vec<u64>,
    /// Per document: its file's resolved path.
    reals: Vec<Option<String>>,
    /// Story id → XXH3-64 of its record.
    stories: BTreeMap<String, u64>,
}

impl Pending {
    /// Writes the index (atomically) from the run's articles (`Update::outcome`) and releases
    /// its lock.
    pub fn save(
        self,
        articles: &[Article],
        raw_paths: &BTreeMap<usize, PathBuf>,
    ) -> anyhow::Result<()> {
        let entries: Vec<store::EntryRef> = articles
            .iter()
            .enumerate()
            .map(|(d, a)| store::EntryRef {
                article: a,
                raw_path: raw_paths.get(&d).map(PathBuf::as_path),
                real: self.reals[d].as_deref(),
                content_hash: self.content_hashes[d],
                story: &self.story_of[d],
            })
            .collect();
        store::save(&self.dir, self.max_html_bytes, &entries, &self.stories)?;
        drop(self.lock);
        Ok(())
    }
}

impl Update {
    /// Saves the index when the run changed it (see [`Pending`]).
    pub fn save(&mut self) -> anyhow::Result<()> {
        match self.pending.take() {
            Some(p) => p.save(&self.outcome.articles, &self.outcome.raw_paths),
            None => Ok(()),
        }
    }
}

/// Whether `path` names a file inside the index folder `dir` (both as they resolve on disk;
/// false when either folder does not exist yet).
pub fn holds(dir: &std::path::Path, path: &std::path::Path) -> bool {
    let parent = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => std::path::Path::new("."),
    };
    match (std::fs::canonicalize(dir), std::fs::canonicalize(parent)) {
        (Ok(d), Ok(p)) => p.starts_with(d),
        _ => false,
    }
}

/// Each file's resolved path, as `fs::canonicalize` gives it (none for a record, or a file
/// that cannot be resolved), at one `lstat` a file on Linux: a folder is resolved once for all
/// the files in it, and only a file that is itself a link is resolved whole.
fn resolved(sources: &[Source]) -> Vec<Option<String>> {
    use std::path::{Component, Path};
    // The folder and name of a file named `folder/name` (a last part that is `..` or the
    // root is resolved whole).
    fn split(p: &Path) -> Option<(&Path, &std::ffi::OsStr)> {
        match p.components().next_back()? {
            Component::Normal(name) => {
                let parent = p.parent()?;
                let parent = if parent.as_os_str().is_empty() {
                    Path::new(".")
                } else {
                    parent
                };
                Some((parent, name))
            }
            _ => None,
        }
    }
    let folders: HashSet<&Path> = sources
        .iter()
        .filter_map(|s| match s {
            Source::File(f) => split(&f.path).map(|(parent, _)| parent),
            Source::Record(_) => None,
        })
        .collect();
    let folders: HashMap<&Path, Option<PathBuf>> = folders
        .into_par_iter()
        .map(|d| (d, std::fs::canonicalize(d).ok()))
        .collect();
    sources
        .par_iter()
        .map(|s| {
            let Source::File(f) = s else {
                return None;
            };
            let link = std::fs::symlink_metadata(&f.path)
                .ok()?
                .file_type()
                .is_symlink();
            let real = match split(&f.path) {
                // Elsewhere a folder may be case-blind, where `canonicalize` spells the name as
                // stored: resolved whole there.
                Some((parent, name)) if !link && cfg!(target_os = "linux") => {
                    folders.get(parent)?.as_ref()?.join(name)
                }
                _ => std::fs::canonicalize(&f.path).ok()?,
            };
            Some(real.to_string_lossy().into_owned())
        })
        .collect()
}

/// The items whose flag is set.
fn only_changed<T>(items: Vec<T>, changed: &[bool]) -> Vec<T> {
    items
        .into_iter()
        .zip(changed)
        .filter(|(_, c)| **c)
        .map(|(x, _)| x)
        .collect()
}
