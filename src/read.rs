//! Stage 2: read. Sources → documents: each file, JSONL record or WARC record is read,
//! decoded, normalized and fingerprinted (shingles, paragraph keys, story evidence) in
//! parallel, or becomes a skip. Bodies beyond `--text-memory` are dropped once fingerprinted
//! (kept in the spill file, or read again from their files at the end).
//!
//! A WARC file is one source and many documents: it is streamed record by record, and its
//! pages are processed in batches on the pool, so memory holds one batch of raw pages, never
//! the file. Its pages are named by their target URI; where one URI names several pages in the
//! run, each is named `URI#RECORD-ID` (and `FILE#RECORD-ID` if that too repeats), so no two
//! inputs print as the same path.

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

use rayon::prelude::*;
use xxhash_rust::xxh3::xxh3_64;

use crate::canonical;
use crate::config::Config;
use crate::evidence::{self, Evidence};
use crate::input::{self, Hints, InputFile, Opened, Skip, SkipReason, Source, warc};
use crate::normalize::Article;
use crate::pipeline::{self, Progress};
use crate::shingle::{self, ParagraphKey, Shingle};
use crate::spill;

/// WARC pages normalized together: enough to keep every worker busy, few enough that their
/// raw bytes stay small (256 pages of some tens of KB; the cap is 64 MiB a record).
const WARC_BATCH: usize = 256;

/// A document after normalization and fingerprinting.
pub struct Doc {
    pub article: Article,
    pub shingles: Vec<Shingle>,
    pub paragraphs: Vec<ParagraphKey>,
    pub evidence: Evidence,
    pub body_hash: u64,
    /// Where to find the body again, when it was dropped.
    pub reread: Option<Reread>,
    /// Where the dropped body was stored on disk, if it was.
    pub spilled: Option<spill::Slot>,
    /// For a WARC page: its longer names, used where its URI names another input too.
    pub alt_names: Option<Box<[String; 2]>>,
    /// The file's path, when it is not UTF-8 (its printed name escapes the bytes; the
    /// duplicates list prints them as they are).
    pub raw_path: Option<PathBuf>,
    /// XXH3-64 of the file's own bytes (before any decompression), when asked for
    /// ([`Config::hash_files`]).
    pub file_hash: Option<u64>,
}

/// What is computed from a normalized article for the corpus-wide stages.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Fingerprint {
    /// Shingles of the compared text, template paragraphs included.
    pub shingles: Vec<Shingle>,
    pub paragraphs: Vec<ParagraphKey>,
    pub evidence: Evidence,
    /// XXH3-64 of the normalized body.
    pub body_hash: u64,
}

/// Fingerprints a normalized article with `k`-word shingles; an article with no text to
/// compare is [`SkipReason::NoText`]. The one place this is computed: at reading, and when
/// the story index (`crate::index`) reloads its stored articles.
pub fn fingerprint(article: &Article, k: usize) -> Result<Fingerprint, SkipReason> {
    let (shingles, paragraphs) =
        shingle::shingles_and_paragraphs(&pipeline::compared_text(article), k);
    // A title alone is not an article: a page whose body the extractor found empty
    // (rendered by script, say) is a skip, not a story without text.
    if shingles.is_empty() || !article.body.chars().any(char::is_alphanumeric) {
        return Err(SkipReason::NoText);
    }
    Ok(Fingerprint {
        shingles,
        paragraphs,
        evidence: evidence::of(article),
        body_hash: canonical::body_hash(&article.body),
    })
}

/// Where a dropped body is found again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reread {
    /// Reading and normalizing its file again: the article's path, or its raw path when that
    /// is not UTF-8 (not a copy of the path per document: a million paths are some 80 MB).
    File,
    /// Only in the spill file (a WARC page: its file is not read again for one record).
    SpillOnly,
}

/// What the read stage produced.
#[derive(Default)]
pub struct ReadOut {
    /// Documents and skips, ordered by name.
    pub docs: Vec<Result<(Doc, u64), Skip>>,
    /// WARC records read in all.
    pub warc_records: usize,
    /// WARC records that are not pages by their kind (requests, metadata, redirects, images).
    pub warc_ignored: BTreeMap<&'static str, usize>,
}

/// What one source gave.
// `One` is as large as a document, as the read stage's vector always was; boxing it would add an
// allocation per article for the rare container.
#[allow(clippy::large_enum_variant)]
enum Loaded {
    One(Result<(Doc, u64), Skip>),
    Many {
        docs: Vec<Result<(Doc, u64), Skip>>,
        records: usize,
        ignored: BTreeMap<&'static str, usize>,
    },
}

struct Reader<'a> {
    cfg: &'a Config,
    /// Fingerprint the articles (the main job); without, articles are only normalized
    /// (`normalize` prints them), whatever their text.
    fingerprints: bool,
    kept_text: AtomicUsize,
    spill: Option<&'a spill::Spill>,
}

/// Reads every source. Without `fingerprints`, documents hold only their articles (shingles
/// and evidence empty), as they were normalized: nothing is dropped or skipped for lack of text.
pub fn read(
    sources: &[Source],
    cfg: &Config,
    spill: Option<&spill::Spill>,
    fingerprints: bool,
    progress: &dyn Progress,
) -> ReadOut {
    let reader = Reader {
        cfg,
        fingerprints,
        kept_text: AtomicUsize::new(0),
        spill,
    };
    let loaded: Vec<Loaded> = sources
        .par_iter()
        .map(|src| {
            let loaded = reader.source(src);
            progress.advance(1);
            loaded
        })
        .collect();
    let total = loaded
        .iter()
        .map(|l| match l {
            Loaded::One(_) => 1,
            Loaded::Many { docs, .. } => docs.len(),
        })
        .sum();
    let mut out = ReadOut {
        docs: Vec::with_capacity(total),
        ..ReadOut::default()
    };
    let mut containers = false;
    // Last to first, so `loaded` gives its memory back as the documents move out of it (on a
    // million articles each copy of the documents' fixed part is hundreds of MB); put back in
    // order after.
    for l in drain_back(loaded) {
        match l {
            Loaded::One(d) => out.docs.push(d),
            Loaded::Many {
                docs,
                records,
                ignored,
            } => {
                containers = true;
                out.docs.extend(docs.into_iter().rev());
                out.warc_records += records;
                for (k, n) in ignored {
                    *out.warc_ignored.entry(k).or_insert(0) += n;
                }
            }
        }
    }
    out.docs.reverse();
    if containers {
        unique_names(&mut out.docs);
        // Sources were in name order; a container's pages join them by their own names.
        out.docs.sort_by(|a, b| name(a).cmp(name(b)));
    }
    out
}

/// The items of `v` from last to first, its allocation shrinking as they are taken: moving a
/// large vector's items into others holds both only a slice at a time.
pub fn drain_back<T>(mut v: Vec<T>) -> impl Iterator<Item = T> {
    std::iter::from_fn(move || {
        let item = v.pop();
        if v.capacity() > 4096 && v.len() < v.capacity() - v.capacity() / 8 {
            v.shrink_to_fit();
        }
        item
    })
}

fn name(d: &Result<(Doc, u64), Skip>) -> &str {
    match d {
        Ok((doc, _)) => &doc.article.path,
        Err(s) => &s.path,
    }
}

/// Gives each WARC page whose name another document has its longer name, once or twice.
fn unique_names(docs: &mut [Result<(Doc, u64), Skip>]) {
    for level in 0..2 {
        let mut count: HashMap<&str, usize> = HashMap::new();
        for d in docs.iter() {
            *count.entry(name(d)).or_insert(0) += 1;
        }
        let repeated: Vec<usize> = docs
            .iter()
            .enumerate()
            .filter(|(_, d)| {
                matches!(d, Ok((doc, _)) if doc.alt_names.is_some()) && count[name(d)] > 1
            })
            .map(|(i, _)| i)
            .collect();
        for i in repeated {
            if let Ok((doc, _)) = &mut docs[i]
                && let Some(alt) = &doc.alt_names
            {
                doc.article.path = alt[level].clone();
            }
        }
    }
}

impl Reader<'_> {
    fn source(&self, src: &Source) -> Loaded {
        let name = src.display();
        let skip = |reason| Skip {
            path: name.to_string(),
            reason,
        };
        match src {
            Source::File(f) => match input::open(f) {
                Ok(Opened::Bytes { bytes, plain }) => {
                    // The index's content hash is of the file's own bytes: for a compressed
                    // file they are read again (and the article taken from that same read).
                    let (bytes, file_hash) = match (self.cfg.hash_files, plain) {
                        (false, _) => (Ok(bytes), None),
                        (true, true) => {
                            let hash = xxh3_64(&bytes);
                            (Ok(bytes), Some(hash))
                        }
                        (true, false) => match input::read_hashed(f) {
                            Ok((bytes, hash)) => (Ok(bytes), Some(hash)),
                            Err(reason) => (Err(reason), None),
                        },
                    };
                    let loaded =
                        bytes.and_then(|b| pipeline::load_bytes(name, b, &self.cfg.normalize));
                    let doc = self.fingerprint(loaded, Some(f), None).map(|(mut d, len)| {
                        if f.path.to_str().is_none() {
                            d.raw_path = Some(f.path.clone());
                        }
                        d.file_hash = file_hash;
                        (d, len)
                    });
                    Loaded::One(doc.map_err(skip))
                }
                Ok(Opened::Warc(records)) => self.warc(f, records),
                Err(reason) => Loaded::One(Err(skip(reason))),
            },
            Source::Record(_) => Loaded::One(
                self.fingerprint(pipeline::load_source(src, &self.cfg.normalize), None, None)
                    .map_err(skip),
            ),
        }
    }

    /// Streams a WARC file's records, normalizing its pages a batch at a time on the pool
    /// while one more thread reads and decompresses the records ahead (a bounded queue of two
    /// batches, so memory holds a few batches of raw pages, never the file).
    fn warc(&self, file: &InputFile, records: warc::Records<input::compressed::Stream>) -> Loaded {
        let mut docs = Vec::new();
        let mut ignored = BTreeMap::new();
        let mut count = 0;
        let mut batch = Vec::with_capacity(WARC_BATCH);
        let flush = |batch: &mut Vec<warc::Page>, docs: &mut Vec<_>| {
            let pages = std::mem::take(batch);
            docs.par_extend(pages.into_par_iter().map(|p| self.page(file, p)));
        };
        std::thread::scope(|scope| {
            let (tx, rx) = std::sync::mpsc::sync_channel(2 * WARC_BATCH);
            scope.spawn(move || {
                for item in records {
                    if tx.send(item).is_err() {
                        break;
                    }
                }
            });
            for item in rx {
                count += 1;
                match item {
                    warc::Item::Page(p) => {
                        batch.push(p);
                        if batch.len() == WARC_BATCH {
                            flush(&mut batch, &mut docs);
                        }
                    }
                    warc::Item::Ignored(kind) => *ignored.entry(kind).or_insert(0) += 1,
                    warc::Item::Bad { id, reason } => docs.push(Err(Skip {
                        path: format!("{}#{id}", file.display),
                        reason: SkipReason::BadWarcRecord(reason),
                    })),
                }
            }
        });
        flush(&mut batch, &mut docs);
        Loaded::Many {
            docs,
            records: count,
            ignored,
        }
    }

    fn page(&self, file: &InputFile, page: warc::Page) -> Result<(Doc, u64), Skip> {
        let in_file = format!("{}#{}", file.display, page.id);
        let name = match &page.uri {
            Some(uri) => uri.clone(),
            None => in_file.clone(),
        };
        let alt_names = Box::new([
            match &page.uri {
                Some(uri) => format!("{uri}#{}", page.id),
                None => in_file.clone(),
            },
            in_file.clone(),
        ]);
        let loaded = pipeline::load_bytes(&name, &page.payload, &self.cfg.normalize).map(
            |(mut article, len)| {
                Hints {
                    title: None,
                    date: None,
                    url: page.uri.clone(),
                    fetched: page.date,
                }
                .apply(&mut article.header);
                (article, len)
            },
        );
        drop(page);
        self.fingerprint(loaded, None, Some(alt_names))
            .map_err(|reason| Skip {
                path: in_file,
                reason,
            })
    }

    /// Fingerprints a loaded article. `file` is where its body can be read again (none for a
    /// JSONL record or a WARC page); a WARC page (`alt_names`) can still drop its body into
    /// the spill file.
    fn fingerprint(
        &self,
        loaded: Result<(Article, u64), SkipReason>,
        file: Option<&InputFile>,
        alt_names: Option<Box<[String; 2]>>,
    ) -> Result<(Doc, u64), SkipReason> {
        let (mut article, len) = loaded?;
        if !self.fingerprints {
            return Ok((
                Doc {
                    article,
                    shingles: Vec::new(),
                    paragraphs: Vec::new(),
                    evidence: Evidence::default(),
                    body_hash: 0,
                    reread: None,
                    spilled: None,
                    alt_names,
                    raw_path: None,
                    file_hash: None,
                },
                len,
            ));
        }
        let Fingerprint {
            shingles,
            paragraphs,
            evidence,
            body_hash,
        } = fingerprint(&article, self.cfg.shingle_k)?;
        let size = article.body.len();
        let droppable = match file {
            Some(_) => Some(Reread::File),
            None if alt_names.is_some() => Some(Reread::SpillOnly),
            None => None,
        };
        let (mut reread, mut spilled) = (None, None);
        if let Some(again) = droppable
            && self.kept_text.fetch_add(size, Ordering::Relaxed) + size > self.cfg.text_memory
        {
            spilled = self.spill.and_then(|s| s.put(&article.body));
            // A WARC page whose body could not be stored keeps it: it cannot be read again.
            if spilled.is_some() || again != Reread::SpillOnly {
                article.body = String::new();
                reread = Some(again);
            }
        }
        article.shrink_to_fit();
        Ok((
            Doc {
                article,
                shingles,
                paragraphs,
                evidence,
                body_hash,
                reread,
                spilled,
                alt_names,
                raw_path: None,
                file_hash: None,
            },
            len,
        ))
    }
}
