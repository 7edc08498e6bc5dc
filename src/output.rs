//! Stage 8: the JSON output, version 2. The only module that writes to stdout, and the one that
//! writes output files (`-o`, `--stats-json`), atomically. Also the statistics of a run
//! (`--stats`, `--stats-json`) and the report of `eval` (a table or JSON), at the end.
//!
//! The serialize-only types below are the output contract; the README documents them field by
//! field. Numbers are rounded to 4 decimals so output is byte-stable across machines.

use std::collections::BTreeMap;
use std::io::{self, Write};
use std::path::Path;

use serde::Serialize;

use crate::canonical::{Relation, Story};
use crate::eval::{Prf, Scores};
use crate::index::History;
use crate::input::Skip;
use crate::normalize::{Article, Timestamp};
use crate::pipeline::Stats;

/// Output contract version, printed by `--version` and in the README.
pub const FORMAT_VERSION: u32 = 3;

/// How records are laid out.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Format {
    /// A JSON array, one story per line.
    #[default]
    Json,
    /// A JSON array, indented.
    Pretty,
    /// One JSON object per line, no array.
    Jsonl,
    /// The flat member table, comma-separated (RFC 4180), with a header row.
    Csv,
    /// The flat member table, tab-separated, with a header row.
    Tsv,
    /// The path of every version that is not its story's canonical one, one a line (or each
    /// ending with NUL).
    Duplicates { nul: bool },
}

/// What goes into the story output besides the stories.
#[derive(Debug, Clone, Copy, Default)]
pub struct StoryOptions<'a> {
    /// Leave the canonical `text` out of the records.
    pub no_text: bool,
    /// Paths that are not UTF-8, by document: the duplicates list prints their bytes.
    pub raw_paths: Option<&'a BTreeMap<usize, std::path::PathBuf>>,
    /// A story index run (`--index`): each story's history, in story order; the JSON records
    /// get `added` and `old_ids`.
    pub history: Option<&'a [History]>,
}

/// One story, as printed.
#[derive(Debug, Serialize)]
pub struct StoryRecord<'a> {
    pub story_id: &'a str,
    pub title: Option<&'a str>,
    pub published: Option<Timestamp>,
    pub updated: Option<Timestamp>,
    pub source: Option<&'a str>,
    pub authors: &'a [String],
    pub canonical: &'a str,
    /// Left out with `--no-text`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<&'a str>,
    pub weakest_similarity: f64,
    pub members: Vec<MemberRecord<'a>>,
    /// `--index` runs only: the paths of the members this run added or changed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub added: Option<Vec<&'a str>>,
    /// `--index` runs only, and only when not empty: the ids the members had before other than
    /// the story's own (stories merged into it, or the story it split from).
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    pub old_ids: &'a [String],
}

/// One version of a story, as printed.
#[derive(Debug, Serialize)]
pub struct MemberRecord<'a> {
    pub path: &'a str,
    /// Where the version lives: its JSONL `url`, WARC target URI, or the page's own address.
    pub url: Option<&'a str>,
    /// Containment between the member and the canonical, 0..1.
    pub similarity: f64,
    /// Jaccard similarity between the member and the canonical, 0..1.
    pub jaccard: f64,
    pub date: Option<Timestamp>,
    pub title: Option<&'a str>,
    /// `canonical`, `copy`, `version` or `same_story`.
    pub relation: &'static str,
    /// For `same_story` members: the evidence that joined the member's version group.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub evidence: Option<EvidenceRecord>,
}

/// The story evidence of a `same_story` member, as printed.
#[derive(Debug, Serialize)]
pub struct EvidenceRecord {
    /// The model's probability that the two versions are one story.
    pub score: f64,
    pub containment: f64,
    pub jaccard: f64,
    /// Jaccard similarity of the headlines' words; null when either is unknown or a site name.
    pub headline: Option<f64>,
    pub lede: f64,
    pub quotes: usize,
    pub terms: f64,
    pub days_apart: Option<i64>,
    pub same_place: Option<bool>,
}

impl EvidenceRecord {
    fn new(link: &crate::story::Link) -> EvidenceRecord {
        let e = &link.evidence;
        EvidenceRecord {
            score: round4(link.probability),
            containment: round4(e.containment),
            jaccard: round4(e.jaccard),
            headline: e.headline.map(round4),
            lede: round4(e.lede),
            quotes: e.quotes,
            terms: round4(e.terms),
            days_apart: e.days_apart,
            same_place: e.same_place,
        }
    }
}

fn round4(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}

/// The printable record of a story (without its text when `no_text`).
pub fn record<'a>(story: &'a Story, articles: &'a [Article], no_text: bool) -> StoryRecord<'a> {
    let canon = &articles[story.canonical as usize];
    StoryRecord {
        story_id: &story.id,
        title: story.title.as_deref(),
        published: story.published,
        updated: story.updated,
        source: story.source.as_deref(),
        authors: &story.authors,
        canonical: &canon.path,
        text: (!no_text).then_some(canon.body.as_str()),
        weakest_similarity: round4(story.weakest_similarity()),
        members: story
            .members
            .iter()
            .map(|m| {
                let a = &articles[m.doc as usize];
                MemberRecord {
                    path: &a.path,
                    url: a.header.url.as_deref(),
                    similarity: round4(m.similarity),
                    jaccard: round4(m.jaccard),
                    date: a.header.date().or(a.header.fetched),
                    title: m.title(a),
                    relation: m.relation.name(),
                    evidence: m.link.as_ref().map(EvidenceRecord::new),
                }
            })
            .collect(),
        added: None,
        old_ids: &[],
    }
}

/// XXH3-64 of a story's JSON record (with its text, without history): equal from one index
/// run to the next when nothing printed about the story changed.
pub fn record_hash(story: &Story, articles: &[Article]) -> u64 {
    let bytes = serde_json::to_vec(&record(story, articles, false)).unwrap_or_default();
    xxhash_rust::xxh3::xxh3_64(&bytes)
}

/// A story's record with its history (`--index`).
fn record_with<'a>(
    story: &'a Story,
    articles: &'a [Article],
    no_text: bool,
    history: Option<&'a History>,
) -> StoryRecord<'a> {
    let mut r = record(story, articles, no_text);
    if let Some(h) = history {
        r.added = Some(
            h.added
                .iter()
                .map(|&d| articles[d as usize].path.as_str())
                .collect(),
        );
        r.old_ids = &h.old_ids;
    }
    r
}

/// Stories encoded at once, in parallel on the caller's rayon pool, before being written in
/// order: a bounded buffer (a few MB) whatever the corpus size.
const ENCODE_CHUNK: usize = 1024;

/// Writes all stories in the chosen format. Records are encoded in parallel (on the current
/// rayon pool) and written in story order, so the bytes do not depend on the thread count.
pub fn write_stories<W: Write + ?Sized>(
    out: &mut W,
    stories: &[Story],
    articles: &[Article],
    format: Format,
    opts: StoryOptions,
) -> io::Result<()> {
    use rayon::prelude::*;
    match format {
        Format::Csv => return write_member_table(out, stories, articles, b','),
        Format::Tsv => return write_member_table(out, stories, articles, b'\t'),
        Format::Duplicates { nul } => {
            return write_duplicates(out, stories, articles, opts.raw_paths, nul);
        }
        Format::Json | Format::Pretty | Format::Jsonl => {}
    }
    let mut w = RecordWriter::begin(out, format)?;
    for (c, chunk) in stories.chunks(ENCODE_CHUNK).enumerate() {
        let encoded: Vec<io::Result<Vec<u8>>> = chunk
            .par_iter()
            .enumerate()
            .map(|(i, s)| {
                let h = opts.history.map(|h| &h[c * ENCODE_CHUNK + i]);
                encode(&record_with(s, articles, opts.no_text, h), format)
            })
            .collect();
        for e in encoded {
            w.push(&e?)?;
        }
    }
    w.end()
}

/// The columns of the flat member table: one row per story member.
pub const TABLE_COLUMNS: [&str; 8] = [
    "story_id",
    "path",
    "url",
    "relation",
    "similarity",
    "is_canonical",
    "title",
    "date",
];

/// Writes the flat member table: a header row, then one row per member, stories in order. An
/// unknown value is an empty field; `title` is the member's own (empty when it is a site name).
fn write_member_table<W: Write + ?Sized>(
    out: &mut W,
    stories: &[Story],
    articles: &[Article],
    delimiter: u8,
) -> io::Result<()> {
    let mut w = csv::WriterBuilder::new()
        .delimiter(delimiter)
        .from_writer(&mut *out);
    w.write_record(TABLE_COLUMNS)?;
    for story in stories {
        for m in &story.members {
            let a = &articles[m.doc as usize];
            w.write_record([
                story.id.as_str(),
                &a.path,
                a.header.url.as_deref().unwrap_or(""),
                m.relation.name(),
                &round4(m.similarity).to_string(),
                if m.doc == story.canonical {
                    "true"
                } else {
                    "false"
                },
                m.title(a).unwrap_or(""),
                &a.header
                    .date()
                    .or(a.header.fetched)
                    .map(|d| d.to_string())
                    .unwrap_or_default(),
            ])?;
        }
    }
    w.flush()?;
    drop(w);
    out.flush()
}

/// Writes the path of every member that is a near-duplicate of its story's canonical version
/// (relation `copy` or `version`), each followed by a newline, or by NUL with `nul`. A
/// `same_story` member (a write-thru, an outlet's rewrite) is a different text and is never
/// listed: the list is meant for removal. A path that is not UTF-8 is written as its bytes when
/// `raw_paths` has them (ready for `xargs -0 rm`), else escaped as everywhere else.
fn write_duplicates<W: Write + ?Sized>(
    out: &mut W,
    stories: &[Story],
    articles: &[Article],
    raw_paths: Option<&BTreeMap<usize, std::path::PathBuf>>,
    nul: bool,
) -> io::Result<()> {
    let end: &[u8] = if nul { b"\0" } else { b"\n" };
    for story in stories {
        let duplicates = story
            .members
            .iter()
            .filter(|m| matches!(m.relation, Relation::Copy | Relation::Version));
        for m in duplicates {
            let raw = raw_paths.and_then(|r| r.get(&(m.doc as usize)));
            match raw {
                Some(p) => out.write_all(p.as_os_str().as_encoded_bytes())?,
                None => out.write_all(articles[m.doc as usize].path.as_bytes())?,
            }
            out.write_all(end)?;
        }
    }
    out.flush()
}

/// Writes any serializable records in the chosen format (stories, normalized articles).
pub fn write_records<W: Write + ?Sized, T: Serialize>(
    out: &mut W,
    records: impl Iterator<Item = T>,
    format: Format,
) -> io::Result<()> {
    let mut w = RecordWriter::begin(out, format)?;
    for r in records {
        w.push(&encode(&r, format)?)?;
    }
    w.end()
}

/// One record's bytes, without the separators around it.
fn encode<T: Serialize>(r: &T, format: Format) -> io::Result<Vec<u8>> {
    Ok(match format {
        Format::Pretty => serde_json::to_string_pretty(r)?
            .replace('\n', "\n  ")
            .into_bytes(),
        _ => serde_json::to_vec(r)?,
    })
}

/// Lays encoded records out: an array for JSON (one record per line, or indented), one record
/// per line for JSONL.
struct RecordWriter<'w, W: Write + ?Sized> {
    out: &'w mut W,
    format: Format,
    first: bool,
}

impl<'w, W: Write + ?Sized> RecordWriter<'w, W> {
    fn begin(out: &'w mut W, format: Format) -> io::Result<Self> {
        if format != Format::Jsonl {
            out.write_all(b"[")?;
        }
        Ok(RecordWriter {
            out,
            format,
            first: true,
        })
    }

    fn push(&mut self, record: &[u8]) -> io::Result<()> {
        let before: &[u8] = match (self.format, self.first) {
            (Format::Jsonl, _) => b"",
            (Format::Pretty, true) => b"\n  ",
            (Format::Pretty, false) => b",\n  ",
            (_, true) => b"\n",
            (_, false) => b",\n",
        };
        self.out.write_all(before)?;
        self.out.write_all(record)?;
        if self.format == Format::Jsonl {
            self.out.write_all(b"\n")?;
        }
        self.first = false;
        Ok(())
    }

    fn end(self) -> io::Result<()> {
        if self.format != Format::Jsonl {
            self.out
                .write_all(if self.first { b"]\n" } else { b"\n]\n" })?;
        }
        self.out.flush()
    }
}

/// Writes to stdout through a buffer. A closed pipe (`| head`) is reported as
/// `ErrorKind::BrokenPipe` for the caller to treat as a quiet exit.
pub fn to_stdout(f: impl FnOnce(&mut dyn Write) -> io::Result<()>) -> io::Result<()> {
    let stdout = io::stdout();
    let mut w = io::BufWriter::with_capacity(1 << 16, stdout.lock());
    f(&mut w)?;
    w.flush()
}

/// Writes to `path`, or to stdout when there is none.
pub fn to_path_or_stdout(
    path: Option<&Path>,
    f: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> io::Result<()> {
    match path {
        Some(p) => to_file(p, f),
        None => to_stdout(f),
    }
}

/// Writes a file atomically: into a temporary file in the same folder (hidden, named
/// `.newsdedup-*.tmp`), flushed and synced to disk, then renamed over `path`. A run that fails
/// or is interrupted never leaves half a file, and an existing file is replaced only once the
/// new one is complete. An existing file's permissions are kept; a new one gets 0644.
///
/// Only regular files are replaced. A symbolic link is followed and its target replaced (or
/// created, when the link dangles), so the link stays; a folder is refused; anything else that
/// already exists (`/dev/null`, a FIFO, a terminal) is written to in place, because renaming
/// over it would swap the device for a plain file.
pub fn to_file(path: &Path, f: impl FnOnce(&mut dyn Write) -> io::Result<()>) -> io::Result<()> {
    to_file_via_links(path, f, 0)
}

/// Whether `path` can be written by [`to_file`]: its folder exists and is a folder (checked
/// before a run, so a mistyped folder fails at once, not after the run).
pub fn check_writable(path: &Path) -> io::Result<()> {
    if path.as_os_str().as_encoded_bytes().ends_with(b"/") {
        return Err(io::Error::new(
            io::ErrorKind::IsADirectory,
            "ends with /: a folder, not a file",
        ));
    }
    if std::fs::metadata(path).is_ok_and(|m| m.is_dir()) {
        return Err(io::Error::new(
            io::ErrorKind::IsADirectory,
            "is a folder, not a file",
        ));
    }
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    match std::fs::metadata(dir) {
        Ok(m) if m.is_dir() => Ok(()),
        Ok(_) => Err(io::Error::other(format!(
            "{} is not a folder",
            dir.display()
        ))),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Err(io::Error::new(
            io::ErrorKind::NotFound,
            format!("the folder {} does not exist", dir.display()),
        )),
        Err(e) => Err(e),
    }
}

/// Symbolic links followed before giving up (the kernel's own limit is 40).
const MAX_LINKS: usize = 40;

fn to_file_via_links(
    path: &Path,
    f: impl FnOnce(&mut dyn Write) -> io::Result<()>,
    links: usize,
) -> io::Result<()> {
    let meta = match std::fs::symlink_metadata(path) {
        Ok(m) => Some(m),
        Err(e) if e.kind() == io::ErrorKind::NotFound => None,
        Err(e) => return Err(e),
    };
    match meta {
        Some(m) if m.file_type().is_symlink() => {
            if links >= MAX_LINKS {
                return Err(io::Error::other("too many levels of symbolic links"));
            }
            let target = std::fs::read_link(path)?;
            let target = match path.parent() {
                Some(dir) if target.is_relative() => dir.join(target),
                _ => target,
            };
            return to_file_via_links(&target, f, links + 1);
        }
        Some(m) if m.is_dir() => {
            return Err(io::Error::new(
                io::ErrorKind::IsADirectory,
                "is a folder, not a file",
            ));
        }
        Some(m) if !m.is_file() => {
            let mut w = io::BufWriter::with_capacity(1 << 16, std::fs::File::create(path)?);
            f(&mut w)?;
            return w.flush();
        }
        _ => {}
    }
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let mut builder = tempfile::Builder::new();
    builder.prefix(".newsdedup-").suffix(".tmp");
    #[cfg(unix)]
    let keep = match std::fs::metadata(path) {
        Ok(m) => m.permissions(),
        Err(_) => std::os::unix::fs::PermissionsExt::from_mode(0o644),
    };
    #[cfg(unix)]
    builder.permissions(keep);
    // tempfile's error names its random file; ours names the folder the user gave.
    let tmp = builder.tempfile_in(dir).map_err(|e| {
        io::Error::new(
            e.kind(),
            format!(
                "cannot create a file in {}: {}",
                dir.display(),
                crate::input::io_reason(&e)
            ),
        )
    })?;
    let mut w = io::BufWriter::with_capacity(1 << 16, tmp);
    f(&mut w)?;
    let tmp = w.into_inner().map_err(io::IntoInnerError::into_error)?;
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

/// Statistics of a run, as `--stats-json` writes them (`--stats` prints the same as a table).
/// Timings make it differ between runs, which is why it never goes to stdout.
#[derive(Debug, Serialize)]
pub struct StatsRecord<'a> {
    /// Inputs listed for reading: files, or JSONL records.
    pub inputs: usize,
    /// Inputs that became articles.
    pub articles: usize,
    /// Everything skipped, by kind (see `skipped[].kind`).
    pub skipped_by_kind: BTreeMap<&'static str, usize>,
    pub stories: usize,
    /// Stories with more than one version.
    pub stories_with_versions: usize,
    /// Versions in the largest story.
    pub largest_story: usize,
    /// Bytes of the inputs that became articles.
    pub bytes: u64,
    /// Files in folders not read because of their extension.
    pub ignored_by_ext: usize,
    /// WARC records read: each is an article, a skip, or counted in `warc_records_ignored`.
    pub warc_records: usize,
    /// WARC records that are not pages, by kind: `request`, `metadata`, `warcinfo`,
    /// `revisit`, `http_status_not_2xx` (redirects, errors), `not_html_or_text` (images, …).
    pub warc_records_ignored: BTreeMap<&'static str, usize>,
    pub candidate_pairs: usize,
    pub verified_pairs: usize,
    /// Paragraphs found to be corpus-level template text.
    pub template_paragraphs: usize,
    /// Articles holding template paragraphs (compared without them).
    pub articles_with_templates: usize,
    /// Texts dropped after fingerprinting to stay within `--text-memory`.
    pub texts_dropped: usize,
    /// Of those, texts written to a temporary file and read back from it.
    pub texts_spilled: usize,
    /// Canonical texts read again from their files for the output.
    pub texts_reread: usize,
    /// Wall time of each stage, in order.
    pub stages: Vec<StageRecord>,
    pub seconds: f64,
    /// Every skip, in the order of the report on stderr.
    pub skipped: Vec<SkipRecord<'a>>,
}

/// One stage's wall time, and the process's peak memory so far at its end.
#[derive(Debug, Serialize)]
pub struct StageRecord {
    pub stage: &'static str,
    pub seconds: f64,
    /// Peak resident memory so far, in MiB (Linux; null elsewhere).
    pub peak_rss_mib: Option<u64>,
}

/// One skipped input: its path (or `FILE:LINE`, or record id), the reason as printed on
/// stderr, and the reason's stable kind.
#[derive(Debug, Serialize)]
pub struct SkipRecord<'a> {
    pub path: &'a str,
    pub reason: String,
    pub kind: &'static str,
}

impl<'a> StatsRecord<'a> {
    pub fn new(stats: &Stats, skipped: &'a [Skip]) -> StatsRecord<'a> {
        let mut by_kind = BTreeMap::new();
        for s in skipped {
            *by_kind.entry(s.reason.kind()).or_insert(0) += 1;
        }
        let secs = |d: std::time::Duration| (d.as_secs_f64() * 1e6).round() / 1e6;
        StatsRecord {
            inputs: stats.files,
            articles: stats.articles,
            skipped_by_kind: by_kind,
            stories: stats.stories,
            stories_with_versions: stats.multi_version_stories,
            largest_story: stats.largest_story,
            bytes: stats.bytes,
            ignored_by_ext: stats.ignored_by_ext,
            warc_records: stats.warc_records,
            warc_records_ignored: stats.warc_ignored.clone(),
            candidate_pairs: stats.candidate_pairs,
            verified_pairs: stats.verified_pairs,
            template_paragraphs: stats.template_paragraphs,
            articles_with_templates: stats.articles_with_templates,
            texts_dropped: stats.texts_dropped,
            texts_spilled: stats.texts_spilled,
            texts_reread: stats.texts_reread,
            stages: stats
                .stages
                .iter()
                .enumerate()
                .map(|(i, &(stage, d))| StageRecord {
                    stage,
                    seconds: secs(d),
                    peak_rss_mib: stats
                        .peak_rss_kib
                        .get(i)
                        .copied()
                        .flatten()
                        .map(|k| k.div_ceil(1024)),
                })
                .collect(),
            seconds: secs(stats.stages.iter().map(|(_, d)| *d).sum()),
            skipped: skipped
                .iter()
                .map(|s| SkipRecord {
                    path: &s.path,
                    reason: s.reason.to_string(),
                    kind: s.reason.kind(),
                })
                .collect(),
        }
    }
}

/// Writes the statistics as one indented JSON object.
pub fn write_stats_json<W: Write + ?Sized>(out: &mut W, stats: &StatsRecord) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, stats)?;
    out.write_all(b"\n")?;
    out.flush()
}

/// Writes the statistics as a short table (for stderr).
pub fn write_stats_table<W: Write + ?Sized>(out: &mut W, stats: &StatsRecord) -> io::Result<()> {
    let mut rows: Vec<Vec<String>> = Vec::new();
    let mut row = |k: &str, v: String| rows.push(vec![k.to_string(), v]);
    row("inputs", stats.inputs.to_string());
    row("articles", stats.articles.to_string());
    row("skipped", stats.skipped.len().to_string());
    for (kind, n) in &stats.skipped_by_kind {
        row(&format!("  {kind}"), n.to_string());
    }
    row("stories", stats.stories.to_string());
    row(
        "  with several versions",
        stats.stories_with_versions.to_string(),
    );
    row("  largest (versions)", stats.largest_story.to_string());
    if stats.warc_records > 0 {
        row("warc records", stats.warc_records.to_string());
        for (kind, n) in &stats.warc_records_ignored {
            row(&format!("  not pages: {kind}"), n.to_string());
        }
    }
    row("bytes", stats.bytes.to_string());
    row("template paragraphs", stats.template_paragraphs.to_string());
    row(
        "  articles holding them",
        stats.articles_with_templates.to_string(),
    );
    if stats.texts_dropped > 0 {
        row(
            "texts dropped (--text-memory)",
            stats.texts_dropped.to_string(),
        );
        row("  kept on disk", stats.texts_spilled.to_string());
        row("  read again", stats.texts_reread.to_string());
    }
    for s in &stats.stages {
        let peak = s
            .peak_rss_mib
            .map(|m| format!("  (peak {m} MiB)"))
            .unwrap_or_default();
        row(
            &format!("time {}", s.stage),
            format!("{:.3} s{peak}", s.seconds),
        );
    }
    row("time total", format!("{:.3} s", stats.seconds));
    write_table(out, &rows)?;
    out.flush()
}

/// `eval`: precision, recall and F1, as printed.
#[derive(Debug, Serialize)]
pub struct PrfRecord {
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
}

/// `eval`: one set of scores, as printed; `jaccard` and `containment` only with `--sweep`.
#[derive(Debug, Serialize)]
pub struct ScoresRecord {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub jaccard: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub containment: Option<f64>,
    pub items: usize,
    pub gold_stories: usize,
    pub predicted_stories: usize,
    pub pairwise: PrfRecord,
    pub bcubed: PrfRecord,
    pub ari: f64,
}

/// Rounds to 4 decimals, never printing `-0.0`.
fn score4(x: f64) -> f64 {
    round4(x) + 0.0
}

impl ScoresRecord {
    /// The printable record of `scores`, at the `(jaccard, containment)` setting of a sweep.
    pub fn new(scores: &Scores, setting: Option<(f64, f64)>) -> ScoresRecord {
        let prf = |p: &Prf| PrfRecord {
            precision: score4(p.precision),
            recall: score4(p.recall),
            f1: score4(p.f1),
        };
        ScoresRecord {
            jaccard: setting.map(|(j, _)| score4(j)),
            containment: setting.map(|(_, c)| score4(c)),
            items: scores.items,
            gold_stories: scores.gold_stories,
            predicted_stories: scores.predicted_stories,
            pairwise: prf(&scores.pairwise),
            bcubed: prf(&scores.bcubed),
            ari: score4(scores.ari),
        }
    }
}

/// Writes the scores of one clustering: a small table, or one JSON object.
pub fn write_scores<W: Write + ?Sized>(out: &mut W, scores: &Scores, json: bool) -> io::Result<()> {
    let r = ScoresRecord::new(scores, None);
    if json {
        serde_json::to_writer(&mut *out, &r)?;
        out.write_all(b"\n")?;
        return out.flush();
    }
    writeln!(
        out,
        "items {}  gold stories {}  predicted stories {}",
        r.items, r.gold_stories, r.predicted_stories
    )?;
    let row = |name: &str, p: &PrfRecord| {
        vec![
            name.to_string(),
            format!("{:.4}", p.precision),
            format!("{:.4}", p.recall),
            format!("{:.4}", p.f1),
        ]
    };
    let rows = [
        ["metric", "precision", "recall", "f1"]
            .map(String::from)
            .to_vec(),
        row("pairwise", &r.pairwise),
        row("b-cubed", &r.bcubed),
        vec!["ARI".to_string(), format!("{:.4}", r.ari)],
    ];
    write_table(out, &rows)?;
    out.flush()
}

/// Writes the scores of a threshold sweep: one table row, or one JSON object in an array, per
/// `(jaccard, containment)` setting, in the order given.
pub fn write_sweep<W: Write + ?Sized>(
    out: &mut W,
    rows: &[((f64, f64), Scores)],
    json: bool,
) -> io::Result<()> {
    let records = rows.iter().map(|(s, sc)| ScoresRecord::new(sc, Some(*s)));
    if json {
        return write_records(out, records, Format::Json);
    }
    if let Some((_, first)) = rows.first() {
        writeln!(
            out,
            "items {}  gold stories {}",
            first.items, first.gold_stories
        )?;
    }
    let mut table = vec![
        [
            "jaccard",
            "containment",
            "predicted",
            "pair_p",
            "pair_r",
            "pair_f1",
            "b3_p",
            "b3_r",
            "b3_f1",
            "ari",
        ]
        .map(String::from)
        .to_vec(),
    ];
    for r in records {
        let f = |x: f64| format!("{x:.4}");
        table.push(vec![
            r.jaccard.unwrap_or_default().to_string(),
            r.containment.unwrap_or_default().to_string(),
            r.predicted_stories.to_string(),
            f(r.pairwise.precision),
            f(r.pairwise.recall),
            f(r.pairwise.f1),
            f(r.bcubed.precision),
            f(r.bcubed.recall),
            f(r.bcubed.f1),
            f(r.ari),
        ]);
    }
    write_table(out, &table)?;
    out.flush()
}

/// Writes rows of cells as left-aligned columns two spaces apart, without trailing spaces.
fn write_table<W: Write + ?Sized>(out: &mut W, rows: &[Vec<String>]) -> io::Result<()> {
    let mut widths: Vec<usize> = Vec::new();
    for row in rows {
        for (i, cell) in row.iter().enumerate() {
            let w = cell.chars().count();
            match widths.get_mut(i) {
                Some(x) => *x = (*x).max(w),
                None => widths.push(w),
            }
        }
    }
    for row in rows {
        let mut line = String::new();
        for (i, cell) in row.iter().enumerate() {
            if i > 0 {
                line.push_str("  ");
            }
            line.push_str(cell);
            if i + 1 < row.len() {
                line.extend(std::iter::repeat_n(' ', widths[i] - cell.chars().count()));
            }
        }
        writeln!(out, "{line}")?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Serialize)]
    struct R {
        a: u32,
    }

    #[test]
    fn layouts() {
        let render = |format, n: u32| {
            let mut v = Vec::new();
            write_records(&mut v, (0..n).map(|a| R { a }), format).unwrap();
            String::from_utf8(v).unwrap()
        };
        assert_eq!(render(Format::Json, 2), "[\n{\"a\":0},\n{\"a\":1}\n]\n");
        assert_eq!(render(Format::Json, 0), "[]\n");
        assert_eq!(render(Format::Jsonl, 2), "{\"a\":0}\n{\"a\":1}\n");
        assert_eq!(render(Format::Pretty, 1), "[\n  {\n    \"a\": 0\n  }\n]\n");
        for f in [Format::Json, Format::Pretty] {
            let v: serde_json::Value = serde_json::from_str(&render(f, 3)).unwrap();
            assert_eq!(v.as_array().unwrap().len(), 3);
        }
    }

    #[test]
    fn file_writes_are_atomic() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.json");
        let names = || -> Vec<String> {
            let mut v: Vec<String> = std::fs::read_dir(dir.path())
                .unwrap()
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect();
            v.sort();
            v
        };
        to_file(&path, |w| w.write_all(b"first")).unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"first");
        // A writer that fails halfway: the old file stays whole, no temporary file is left.
        let err = to_file(&path, |w| {
            w.write_all(&[b'x'; 100_000])?;
            Err(io::Error::other("interrupted"))
        })
        .unwrap_err();
        assert_eq!(err.to_string(), "interrupted");
        assert_eq!(std::fs::read(&path).unwrap(), b"first");
        assert_eq!(names(), ["out.json"]);
        to_file(&path, |w| w.write_all(b"second")).unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"second");
        assert_eq!(names(), ["out.json"]);
        assert!(to_file(&dir.path().join("no/such/dir/x"), |_| Ok(())).is_err());
    }

    #[test]
    fn rounding() {
        assert_eq!(round4(0.123456), 0.1235);
        assert_eq!(round4(1.0), 1.0);
    }

    fn scores(ari: f64) -> Scores {
        Scores {
            items: 5,
            gold_stories: 2,
            predicted_stories: 3,
            pairwise: Prf {
                precision: 0.5,
                recall: 1.0 / 3.0,
                f1: 0.4,
            },
            bcubed: Prf {
                precision: 11.0 / 15.0,
                recall: 0.6,
                f1: 0.66,
            },
            ari,
        }
    }

    #[test]
    fn eval_table_and_json() {
        let mut v = Vec::new();
        write_scores(&mut v, &scores(-2.0 / 13.0), false).unwrap();
        assert_eq!(
            String::from_utf8(v).unwrap(),
            "items 5  gold stories 2  predicted stories 3\n\
             metric    precision  recall  f1\n\
             pairwise  0.5000     0.3333  0.4000\n\
             b-cubed   0.7333     0.6000  0.6600\n\
             ARI       -0.1538\n"
        );
        let mut v = Vec::new();
        write_scores(&mut v, &scores(-0.00001), true).unwrap();
        assert_eq!(
            String::from_utf8(v).unwrap(),
            "{\"items\":5,\"gold_stories\":2,\"predicted_stories\":3,\
             \"pairwise\":{\"precision\":0.5,\"recall\":0.3333,\"f1\":0.4},\
             \"bcubed\":{\"precision\":0.7333,\"recall\":0.6,\"f1\":0.66},\"ari\":0.0}\n"
        );
    }

    #[test]
    fn eval_sweep_table_and_json() {
        let rows = [((0.3, 0.45), scores(1.0)), ((0.8, 0.9), scores(0.25))];
        let mut v = Vec::new();
        write_sweep(&mut v, &rows, false).unwrap();
        assert_eq!(
            String::from_utf8(v).unwrap(),
            "items 5  gold stories 2\n\
             jaccard  containment  predicted  pair_p  pair_r  pair_f1  b3_p    b3_r    b3_f1   ari\n\
             0.3      0.45         3          0.5000  0.3333  0.4000   0.7333  0.6000  0.6600  1.0000\n\
             0.8      0.9          3          0.5000  0.3333  0.4000   0.7333  0.6000  0.6600  0.2500\n"
        );
        let mut v = Vec::new();
        write_sweep(&mut v, &rows, true).unwrap();
        let parsed: serde_json::Value = serde_json::from_slice(&v).unwrap();
        let arr = parsed.as_array().unwrap();
        assert_eq!(arr.len(), 2);
        assert_eq!(arr[0]["jaccard"], 0.3);
        assert_eq!(arr[0]["containment"], 0.45);
        assert_eq!(arr[1]["ari"], 0.25);
    }
}
