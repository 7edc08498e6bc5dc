//! The pipeline, stage by stage: paths → bytes → text → articles → fingerprints → candidate
//! pairs → verified similarities → stories → canonical records. Output is the caller's.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::time::{Duration, Instant};

use rayon::prelude::*;

use crate::canonical::{self, Story};
use crate::config::Config;
use crate::evidence::Evidence;
use crate::input::{self, DecodeError, InputFile, Skip, SkipReason, Source};
use crate::normalize::{self, Article};
use crate::read::{self, Reread};
use crate::shingle::{ParagraphKey, Shingle};
use crate::{candidates, cluster, shingle, spill, story, templates, verify};

/// What a run produced.
#[derive(Debug, Default)]
pub struct Outcome {
    /// Every article that was read, indexed by document number.
    pub articles: Vec<Article>,
    pub stories: Vec<Story>,
    /// Inputs that did not become articles, in input order.
    pub skipped: Vec<Skip>,
    /// One line each, naming the input: HTML pages cut at `--max-html-mib`, and canonical
    /// versions whose text, dropped beyond `--text-memory` and not kept in the spill file
    /// (`--no-spill`, or it could not be written), could not be read again for the output (the
    /// file changed or vanished during the run).
    pub warnings: Vec<String>,
    /// Arguments that do not exist.
    pub missing_args: usize,
    /// The paths that are not UTF-8, by document: printed escaped (see
    /// [`input::shown`](crate::input::shown)), listed as they are by the duplicates list.
    pub raw_paths: BTreeMap<usize, std::path::PathBuf>,
    pub stats: Stats,
}

/// Counts and timings of a run.
#[derive(Debug, Default, Clone)]
pub struct Stats {
    /// Inputs listed for reading: files, or JSONL records.
    pub files: usize,
    /// Inputs that became articles.
    pub articles: usize,
    /// Bytes of the inputs that became articles.
    pub bytes: u64,
    pub ignored_by_ext: usize,
    pub candidate_pairs: usize,
    pub verified_pairs: usize,
    pub stories: usize,
    /// Stories with more than one version.
    pub multi_version_stories: usize,
    /// Versions in the largest story.
    pub largest_story: usize,
    /// Paragraphs found to be corpus-level template text.
    pub template_paragraphs: usize,
    /// Articles holding template paragraphs (compared without them).
    pub articles_with_templates: usize,
    /// Texts dropped after fingerprinting to stay within `--text-memory`.
    pub texts_dropped: usize,
    /// WARC records read (pages, skips and the ignored together).
    pub warc_records: usize,
    /// WARC records that are not pages, by kind (`request`, `metadata`, `http_status_not_2xx`).
    pub warc_ignored: std::collections::BTreeMap<&'static str, usize>,
    /// Of the dropped texts, those written to a temporary file (read back from it, not
    /// parsed again).
    pub texts_spilled: usize,
    /// Canonical texts read again from their files for the output.
    pub texts_reread: usize,
    /// Why texts beyond `--text-memory` were not kept in a temporary file, when they could not
    /// be (they are read again from their files instead).
    pub spill_problem: Option<String>,
    /// (stage name, wall time)
    pub stages: Vec<(&'static str, Duration)>,
    /// The process's peak resident memory (KiB) at the end of each stage, in the order of
    /// `stages`; none where the system does not tell (only Linux does).
    pub peak_rss_kib: Vec<Option<u64>>,
}

/// Told how a run advances (a progress bar); called from worker threads.
pub trait Progress: Sync {
    /// A stage starts; `total` is the number of inputs it goes through one by one, if it does.
    fn stage(&self, _name: &'static str, _total: Option<usize>) {}
    /// `n` more inputs of the current stage are done.
    fn advance(&self, _n: usize) {}
}

/// No progress report.
pub struct Silent;

impl Progress for Silent {}

/// The peak resident memory of this process so far, in KiB (`VmHWM`; Linux only).
pub fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Reads, decodes and normalizes one file.
pub fn load(file: &InputFile, opts: &normalize::Options) -> Result<(Article, u64), SkipReason> {
    let bytes = input::read(file)?;
    load_bytes(&file.display, bytes, opts)
}

/// Decodes and normalizes one source's content: a file's bytes, or a record's text (checked
/// like a file's: empty, binary, garbage) with its header hints applied after normalization.
pub fn load_source(
    source: &Source,
    opts: &normalize::Options,
) -> Result<(Article, u64), SkipReason> {
    match source {
        Source::File(f) => load(f, opts),
        Source::Record(r) => {
            let content = r.content();
            let (mut article, _) = load_bytes(&r.id, content.as_bytes(), opts)?;
            r.hints.apply(&mut article.header);
            Ok((article, r.text.len() as u64))
        }
    }
}

pub(crate) fn load_bytes(
    name: &str,
    bytes: impl AsRef<[u8]>,
    opts: &normalize::Options,
) -> Result<(Article, u64), SkipReason> {
    let len = bytes.as_ref().len() as u64;
    let decoded = input::decode(bytes.as_ref()).map_err(|e| match e {
        DecodeError::Empty => SkipReason::Empty,
        DecodeError::Binary => SkipReason::Binary,
        DecodeError::Garbage(why) => SkipReason::Undecodable(why),
    })?;
    drop(bytes);
    // A bug on one page must not end the run: it becomes a skip with its reason.
    let article = std::panic::catch_unwind(|| normalize::normalize_with(name, &decoded.text, opts))
        .map_err(|p| {
            let msg = p
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| p.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "panic".into());
            SkipReason::Internal(msg.lines().next().unwrap_or("panic").to_string())
        })?;
    Ok((article, len))
}

/// The warning for a page cut at `--max-html-mib`.
pub fn truncated_warning(article: &Article, len: u64, opts: &normalize::Options) -> String {
    format!(
        "{}: HTML page of {:.1} MiB cut to its first {} MiB before parsing (--max-html-mib)",
        article.path,
        len as f64 / (1u64 << 20) as f64,
        opts.max_html_bytes >> 20
    )
}

/// Bodies shorter than this many words are compared together with their title: a brief, or a
/// placeholder body such as Reuters' `Blah blah blah.`, says too little on its own.
pub const SHORT_BODY_WORDS: usize = 25;

/// The text whose shingles represent an article.
pub fn compared_text(a: &Article) -> std::borrow::Cow<'_, str> {
    match &a.header.title {
        Some(title)
            if a.body
                .split_whitespace()
                .nth(SHORT_BODY_WORDS - 1)
                .is_none() =>
        {
            std::borrow::Cow::Owned(format!("{title}\n\n{}", a.body))
        }
        _ => std::borrow::Cow::Borrowed(&a.body),
    }
}

/// Everything up to verified similarities: what clustering needs, computed once. Clustering
/// with other thresholds (`eval --sweep`) reuses it.
#[derive(Debug, Default)]
pub struct Prepared {
    /// Header fields and paths of every article. A body is empty when it was dropped to stay
    /// within `--text-memory` (its `reread` entry says where to read it again).
    pub articles: Vec<Article>,
    /// XXH3-64 of each normalized body (kept also when the body is dropped).
    pub body_hashes: Vec<u64>,
    /// The bodies dropped to stay within `--text-memory`, and where they are found again.
    pub dropped: Dropped,
    /// Sorted, deduplicated shingle hashes per article.
    pub shingles: Vec<Vec<Shingle>>,
    /// Each article's number of shingles before those of its template paragraphs were taken out.
    pub full_sizes: Vec<u32>,
    /// Story evidence per article (headline, lede, quotations, terms, dateline place).
    pub evidence: Vec<Evidence>,
    /// Verified pairs whose Jaccard or containment reached the floor they were verified at.
    pub similarities: Vec<verify::Similarity>,
    pub skipped: Vec<Skip>,
    /// Pages cut at `--max-html-mib`, one line each naming the page.
    pub warnings: Vec<String>,
    pub missing_args: usize,
    /// The paths that are not UTF-8, by document.
    pub raw_paths: BTreeMap<usize, std::path::PathBuf>,
    pub stats: Stats,
}

/// Runs the whole pipeline. Errors are usage errors found before any input is read (a
/// `--files-from` list that cannot be read); bad inputs are skips.
pub fn run(cfg: &Config) -> anyhow::Result<Outcome> {
    run_with(cfg, &Silent)
}

/// Runs the whole pipeline, telling `progress` how it advances.
pub fn run_with(cfg: &Config, progress: &dyn Progress) -> anyhow::Result<Outcome> {
    in_pool(cfg.threads, || {
        let floor = cfg.cluster.verify_floor();
        let prepared = prepare_in_pool(cfg, floor, progress)?;
        progress.stage("cluster", None);
        Ok(finish(prepared, &cfg.cluster, cfg.canonical))
    })?
}

/// Runs the stages up to verification, keeping pairs with a similarity of at least `floor`.
pub fn prepare(cfg: &Config, floor: f64) -> anyhow::Result<Prepared> {
    in_pool(cfg.threads, || prepare_in_pool(cfg, floor, &Silent))?
}

/// Runs `f` on a thread pool of `threads` workers.
pub fn in_pool<T: Send>(threads: usize, f: impl FnOnce() -> T + Send) -> anyhow::Result<T> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads.max(1))
        .build()?;
    Ok(pool.install(f))
}

/// Clusters prepared documents and builds the story records, with the text of every canonical
/// version in place.
pub fn finish(
    prepared: Prepared,
    params: &cluster::ClusterParams,
    rule: canonical::CanonicalRule,
) -> Outcome {
    let (stories, stages) = stories(&prepared, params, rule);
    let Prepared {
        mut articles,
        body_hashes,
        dropped,
        shingles,
        full_sizes,
        evidence,
        similarities,
        skipped,
        warnings: mut cut_warnings,
        missing_args,
        raw_paths,
        mut stats,
    } = prepared;
    // Freed before the canonical texts are read again, which then take their place: with `..`
    // they would live to the end of this function (on a million articles, 1.8 GB of shingles
    // under 0.7 GB of texts read again set the run's memory peak).
    drop(shingles);
    drop(full_sizes);
    drop(evidence);
    drop(similarities);
    for stage in stages {
        stats.stages.push(stage);
        stats.peak_rss_kib.push(peak_rss_kib());
    }
    let clock = Instant::now();
    let (warnings, reread_count) = restore_texts(&stories, &mut articles, &body_hashes, &dropped);
    cut_warnings.extend(warnings);
    let warnings = cut_warnings;
    stats.texts_reread = reread_count;
    if stats.texts_dropped > 0 {
        stats.stages.push(("restore", clock.elapsed()));
        stats.peak_rss_kib.push(peak_rss_kib());
    }
    stats.stories = stories.len();
    stats.multi_version_stories = stories.iter().filter(|s| s.members.len() > 1).count();
    stats.largest_story = stories.iter().map(|s| s.members.len()).max().unwrap_or(0);
    Outcome {
        articles,
        stories,
        skipped,
        warnings,
        missing_args,
        raw_paths,
        stats,
    }
}

/// Reads and normalizes again the file an article came from (its body was dropped).
fn read_again(
    path: &std::path::Path,
    article: &Article,
    opts: &normalize::Options,
) -> Result<Article, SkipReason> {
    let file = InputFile {
        path: path.to_path_buf(),
        display: article.path.clone(),
    };
    load(&file, opts).map(|(a, _)| a)
}

/// The bodies dropped to stay within `--text-memory`, and where they are found again: in the
/// spill file when they were written there, else by reading and normalizing their files again.
#[derive(Debug, Default)]
pub struct Dropped {
    /// For each article, where its body is found again when it was dropped (`Some` marks the
    /// dropped bodies).
    reread: Vec<Option<Reread>>,
    /// For each article whose body was written to `spill`, where it is there.
    spilled: Vec<Option<spill::Slot>>,
    /// The bodies on disk: none when nothing went there or writing failed.
    spill: Option<spill::Stored>,
    /// How the files read again are normalized (as the first time).
    normalize: normalize::Options,
    /// The paths that are not UTF-8, by document (a copy of [`Docs::raw_paths`]; the others
    /// are the article's path).
    raw_paths: BTreeMap<usize, std::path::PathBuf>,
}

/// A dropped body, found again.
enum Again {
    /// As first read, from the spill file.
    Stored(String),
    /// From the file, read and normalized again (it may have changed since).
    Reread(Box<Article>),
}

impl Dropped {
    /// No body of `n` documents dropped: all are in memory.
    pub fn in_memory(n: usize, normalize: normalize::Options) -> Dropped {
        Dropped {
            reread: vec![None; n],
            spilled: vec![None; n],
            spill: None,
            normalize,
            raw_paths: BTreeMap::new(),
        }
    }

    /// The body of article `d` if it was dropped (`None` if it is in memory).
    fn body(&self, d: usize, article: &Article) -> Option<Result<Again, SkipReason>> {
        let again = self.reread[d].as_ref()?;
        let stored = self.spill.as_ref().zip(self.spilled[d]);
        if let Some(Ok(text)) = stored.map(|(spill, slot)| spill.get(slot)) {
            return Some(Ok(Again::Stored(text)));
        }
        Some(match again {
            Reread::File => {
                let path = self.raw_paths.get(&d).map_or_else(
                    || std::path::Path::new(&article.path),
                    std::path::PathBuf::as_path,
                );
                read_again(path, article, &self.normalize).map(|a| Again::Reread(Box::new(a)))
            }
            Reread::SpillOnly => Err(SkipReason::Unreadable(
                "its text could not be read back from the temporary file".into(),
            )),
        })
    }
}

/// Removes the shingles of template paragraphs from the articles holding them. Each template
/// paragraph is shingled once, from the first article holding it (its body is found again if
/// it was dropped; if that fails, the paragraph's shingles stay wherever it is). An article
/// left with no shingle keeps its own. Returns the number of articles holding template
/// paragraphs.
fn strip_templates(
    found: &HashSet<u64>,
    paragraphs: &[Vec<ParagraphKey>],
    articles: &[Article],
    dropped: &Dropped,
    shingles: &mut [Vec<Shingle>],
    k: usize,
) -> usize {
    let mut first_holder: HashMap<u64, u32> = HashMap::new();
    for (d, keys) in paragraphs.iter().enumerate() {
        for p in keys.iter().filter(|p| found.contains(&p.exact)) {
            first_holder.entry(p.exact).or_insert(d as u32);
        }
    }
    let mut holders: Vec<u32> = first_holder.values().copied().collect();
    holders.sort_unstable();
    holders.dedup();
    let template_shingles: HashMap<u64, Vec<Shingle>> = holders
        .par_iter()
        .flat_map_iter(|&d| {
            let d = d as usize;
            let again;
            let article = match dropped.body(d, &articles[d]) {
                None => Some(&articles[d]),
                Some(Ok(Again::Stored(body))) => {
                    again = Some(Article {
                        body,
                        ..articles[d].clone()
                    });
                    again.as_ref()
                }
                Some(Ok(Again::Reread(a))) => {
                    again = Some(*a);
                    again.as_ref()
                }
                Some(Err(_)) => None,
            };
            let text = article.map(|a| compared_text(a).into_owned());
            let mut own = Vec::new();
            for para in text.iter().flat_map(|t| t.split("\n\n")) {
                let (sh, keys) = shingle::shingles_and_paragraphs(para, k);
                if let [key] = keys[..]
                    && first_holder.get(&key.exact) == Some(&(d as u32))
                {
                    own.push((key.exact, sh));
                }
            }
            own
        })
        .collect();
    shingles
        .par_iter_mut()
        .zip(paragraphs)
        .map(|(set, keys)| {
            let mut template: Vec<Shingle> = Vec::new();
            let mut holds = false;
            for p in keys.iter().filter(|p| found.contains(&p.exact)) {
                holds = true;
                template.extend(template_shingles.get(&p.exact).into_iter().flatten());
            }
            if !template.is_empty() {
                template.sort_unstable();
                shingle::subtract_unless_all(set, &template);
            }
            usize::from(holds)
        })
        .sum()
}

/// Removes from one article's shingles those of its own template paragraphs (`templates`: exact
/// keys of template paragraphs), as [`strip_templates`] does for the whole corpus: there, a
/// template paragraph's shingles are taken from its first holder; here, from the article's own
/// copy. Both are the same: a paragraph's exact key is the hash of its tokens, and its shingles
/// depend on its tokens alone. Returns whether the article holds a template paragraph.
pub fn strip_own_templates(
    article: &Article,
    shingles: &mut Vec<Shingle>,
    templates: &HashSet<u64>,
    k: usize,
) -> bool {
    let mut template: Vec<Shingle> = Vec::new();
    let mut holds = false;
    for para in compared_text(article).split("\n\n") {
        let (sh, keys) = shingle::shingles_and_paragraphs(para, k);
        if let [key] = keys[..]
            && templates.contains(&key.exact)
        {
            holds = true;
            template.extend(sh);
        }
    }
    if !template.is_empty() {
        template.sort_unstable();
        shingle::subtract_unless_all(shingles, &template);
    }
    holds
}

/// Puts back the bodies of canonical versions that were dropped: from the spill file, or read
/// again from their files and checked against the hash taken at the first reading. Returns one
/// warning per file that changed or vanished (its text is then the new reading, or empty) and
/// the number of files read again.
fn restore_texts(
    stories: &[Story],
    articles: &mut [Article],
    body_hashes: &[u64],
    dropped: &Dropped,
) -> (Vec<String>, usize) {
    let texts: Vec<(u32, String, Option<String>, bool)> = stories
        .par_iter()
        .filter_map(|s| {
            let doc = s.canonical;
            let first = &articles[doc as usize];
            let found = dropped.body(doc as usize, first)?;
            let reread = matches!(found, Ok(Again::Reread(_)));
            let (body, problem) = match found {
                Ok(Again::Stored(body)) => (body, None),
                Ok(Again::Reread(a))
                    if canonical::body_hash(&a.body) == body_hashes[doc as usize] =>
                {
                    (a.body, None)
                }
                Ok(Again::Reread(a)) => (a.body, Some("changed during the run".to_string())),
                Err(reason) => (String::new(), Some(reason.to_string())),
            };
            let warning = problem.map(|why| {
                format!(
                    "{}: {why}, when read again for its story's text",
                    first.path
                )
            });
            Some((doc, body, warning, reread))
        })
        .collect();
    let mut warnings = Vec::new();
    let mut reread = 0;
    for (doc, body, warning, again) in texts {
        articles[doc as usize].body = body;
        warnings.extend(warning);
        reread += usize::from(again);
    }
    (warnings, reread)
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
    let input = story::Input {
        evidence: &prepared.evidence,
        shingles: &prepared.shingles,
        days: &days,
        similarities: &prepared.similarities,
        window_days: params
            .max_days
            .map_or(story::WINDOW_DAYS, |d| i64::from(d).min(story::WINDOW_DAYS)),
    };
    let merged = story::merge(groups, &input, &params.stories);
    let story_time = clock.elapsed();
    let clock = Instant::now();
    let versions = canonical::Versions {
        articles: &prepared.articles,
        body_hashes: &prepared.body_hashes,
        shingles: &prepared.shingles,
        full_sizes: &prepared.full_sizes,
        titles: canonical::Titles {
            keys: &prepared.evidence,
            site_names: &merged.site_titles,
        },
    };
    let stories = canonical::build(&merged.groups, versions, rule);
    let stages = vec![
        ("cluster", cluster_time),
        ("stories", story_time),
        ("canonical", clock.elapsed()),
    ];
    (stories, stages)
}

fn prepare_in_pool(cfg: &Config, floor: f64, progress: &dyn Progress) -> anyhow::Result<Prepared> {
    let mut stats = Stats::default();
    let mut clock = Instant::now();
    progress.stage("list", None);
    let input::Gathered {
        sources,
        skipped,
        missing_args,
        ..
    } = list(cfg, &mut stats)?;
    lap(&mut stats, "list", &mut clock);
    let mut docs = read_sources(&sources, cfg, progress, &mut stats);
    drop(sources);
    docs.skipped.splice(0..0, skipped);
    lap(&mut stats, "read+normalize+shingle", &mut clock);
    Ok(corpus_stages(
        docs,
        cfg,
        floor,
        progress,
        stats,
        missing_args,
    ))
}

/// Records a stage's wall time since `clock` and the peak memory so far, and restarts `clock`.
pub fn lap(stats: &mut Stats, name: &'static str, clock: &mut Instant) {
    let now = Instant::now();
    stats.stages.push((name, now - *clock));
    stats.peak_rss_kib.push(peak_rss_kib());
    *clock = now;
}

/// The list stage: the sources to read, in path order (documents are numbered in path order,
/// so nothing downstream depends on argument order).
pub fn list(cfg: &Config, stats: &mut Stats) -> anyhow::Result<input::Gathered> {
    let mut gathered = input::gather(&cfg.paths, cfg.files_from.as_ref(), cfg.input, &cfg.exts)?;
    gathered
        .sources
        .sort_by(|a, b| a.display().cmp(b.display()));
    stats.ignored_by_ext = gathered.ignored_by_ext;
    stats.files = gathered.sources.len();
    Ok(gathered)
}

/// Documents after the read stage, one vector per field, indexed by document number: what the
/// corpus-wide stages (templates to verify) start from.
#[derive(Debug, Default)]
pub struct Docs {
    pub articles: Vec<Article>,
    /// Shingles of the compared text, template paragraphs not yet taken out.
    pub shingles: Vec<Vec<Shingle>>,
    pub paragraphs: Vec<Vec<ParagraphKey>>,
    pub evidence: Vec<Evidence>,
    pub body_hashes: Vec<u64>,
    pub dropped: Dropped,
    /// The paths that are not UTF-8, by document.
    pub raw_paths: BTreeMap<usize, std::path::PathBuf>,
    /// XXH3-64 of the files' own bytes, by document, as read ([`Config::hash_files`]; none for
    /// a record or a WARC page).
    pub file_hashes: BTreeMap<usize, u64>,
    pub skipped: Vec<Skip>,
    /// Pages cut at `--max-html-mib`.
    pub warnings: Vec<String>,
}

impl Docs {
    /// Appends one document whose body is in memory.
    pub fn push(
        &mut self,
        article: Article,
        fp: read::Fingerprint,
        raw: Option<std::path::PathBuf>,
    ) {
        if let Some(raw) = raw {
            self.raw_paths.insert(self.articles.len(), raw);
        }
        self.articles.push(article);
        self.shingles.push(fp.shingles);
        self.paragraphs.push(fp.paragraphs);
        self.evidence.push(fp.evidence);
        self.body_hashes.push(fp.body_hash);
        self.dropped.reread.push(None);
        self.dropped.spilled.push(None);
    }
}

/// The read stage: reads, normalizes and fingerprints `sources` (in their order).
pub fn read_sources(
    sources: &[Source],
    cfg: &Config,
    progress: &dyn Progress,
    stats: &mut Stats,
) -> Docs {
    progress.stage("read", Some(sources.len()));
    let spill = cfg.spill.then(spill::Spill::new);
    let read = read::read(sources, cfg, spill.as_ref(), true, progress);
    stats.warc_records = read.warc_records;
    stats.warc_ignored = read.warc_ignored;
    // Straight into one vector per field: the documents are never held twice.
    let n = read.docs.len();
    let mut docs = Docs {
        articles: Vec::with_capacity(n),
        shingles: Vec::with_capacity(n),
        paragraphs: Vec::with_capacity(n),
        evidence: Vec::with_capacity(n),
        body_hashes: Vec::with_capacity(n),
        ..Docs::default()
    };
    let (mut reread, mut spilled) = (Vec::with_capacity(n), Vec::with_capacity(n));
    // Last to first (see `read::drain_back`), put back in order below.
    for r in read::drain_back(read.docs) {
        match r {
            Ok((d, len)) => {
                if d.article.truncated {
                    docs.warnings
                        .push(truncated_warning(&d.article, len, &cfg.normalize));
                }
                if let Some(raw) = d.raw_path {
                    docs.raw_paths.insert(docs.articles.len(), raw);
                }
                if let Some(h) = d.file_hash {
                    docs.file_hashes.insert(docs.articles.len(), h);
                }
                stats.bytes += len;
                stats.texts_dropped += usize::from(d.reread.is_some());
                docs.articles.push(d.article);
                docs.shingles.push(d.shingles);
                docs.paragraphs.push(d.paragraphs);
                docs.evidence.push(d.evidence);
                docs.body_hashes.push(d.body_hash);
                reread.push(d.reread);
                spilled.push(d.spilled);
            }
            Err(s) => docs.skipped.push(s),
        }
    }
    docs.articles.reverse();
    docs.shingles.reverse();
    docs.paragraphs.reverse();
    docs.evidence.reverse();
    docs.body_hashes.reverse();
    reread.reverse();
    spilled.reverse();
    docs.skipped.reverse();
    docs.warnings.reverse();
    let count = docs.articles.len();
    docs.raw_paths = std::mem::take(&mut docs.raw_paths)
        .into_iter()
        .map(|(d, raw)| (count - 1 - d, raw))
        .collect();
    docs.file_hashes = std::mem::take(&mut docs.file_hashes)
        .into_iter()
        .map(|(d, h)| (count - 1 - d, h))
        .collect();
    stats.articles = docs.articles.len();
    // Once written out, the spill is only read; if writing failed, files are read again.
    let spill: Option<spill::Stored> = match spill.map(spill::Spill::finish) {
        Some(Ok(stored)) => stored,
        Some(Err(why)) => {
            stats.spill_problem = Some(why);
            None
        }
        None => None,
    };
    if spill.is_some() {
        stats.texts_spilled = spilled.iter().flatten().count();
    }
    docs.dropped = Dropped {
        reread,
        spilled,
        spill,
        normalize: cfg.normalize,
        raw_paths: docs.raw_paths.clone(),
    };
    docs
}

/// The corpus-wide stages up to verification (templates, MinHash, candidates, verify), keeping
/// pairs with a similarity of at least `floor`.
pub fn corpus_stages(
    docs: Docs,
    cfg: &Config,
    floor: f64,
    progress: &dyn Progress,
    mut stats: Stats,
    missing_args: usize,
) -> Prepared {
    let mut clock = Instant::now();
    let Docs {
        articles,
        mut shingles,
        paragraphs,
        evidence,
        body_hashes,
        dropped,
        raw_paths,
        skipped,
        warnings,
        ..
    } = docs;
    progress.stage("templates", None);
    let found = templates::find(&paragraphs, &shingles, cfg.templates);
    let full_sizes: Vec<u32> = shingles.iter().map(|s| s.len() as u32).collect();
    stats.template_paragraphs = found.len();
    if !found.is_empty() {
        stats.articles_with_templates = strip_templates(
            &found,
            &paragraphs,
            &articles,
            &dropped,
            &mut shingles,
            cfg.shingle_k,
        );
    }
    drop(paragraphs);
    lap(&mut stats, "templates", &mut clock);
    let (bands, rows) = candidates::lsh::params(cfg.candidates.lsh_threshold, cfg.bins);
    let keys = candidates::lsh::band_keys_of(&shingles, cfg.bins, bands, rows);
    lap(&mut stats, "minhash", &mut clock);

    progress.stage("candidates", None);
    let pairs = candidates::generate(keys, &shingles, &cfg.candidates);
    stats.candidate_pairs = pairs.len();
    lap(&mut stats, "candidates", &mut clock);

    progress.stage("verify", None);
    let similarities = verify::verify(&pairs, &shingles, floor);
    stats.verified_pairs = similarities.len();
    lap(&mut stats, "verify", &mut clock);

    Prepared {
        articles,
        body_hashes,
        dropped,
        shingles,
        full_sizes,
        evidence,
        similarities,
        skipped,
        warnings,
        missing_args,
        raw_paths,
        stats,
    }
}
