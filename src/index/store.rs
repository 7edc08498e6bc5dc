//! The story index on disk: one file, `DIR/stories.idx`, written whole and renamed into place;
//! a lock file, `DIR/lock`, held by the one process updating it.
//!
//! Layout (little-endian):
//! - magic `NEWSDEDUP-INDEX\n` (16 bytes), format version (u32), `--max-html-mib` in bytes (u64);
//! - the articles: their count (u64), then chunks of up to [`CHUNK`] articles, each a count
//!   (u32), a length (u64) and one LZ4 block of the chunk's articles (its size first) (see [`put_entry`]);
//! - the stories of the last run: their count (u64), then per story its id and the XXH3-64
//!   of its record (to tell which stories a run changed);
//! - XXH3-64 of every byte before it (u64).
//!
//! The checksum is verified before anything is decoded, so a truncated or corrupt file is an
//! error naming the file, never a panic or a silent loss.

use std::collections::BTreeMap;
use std::fs::{self, File};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use xxhash_rust::xxh3::{Xxh3Default, xxh3_64};

use crate::normalize::{Article, Format, Header, Timestamp};

/// The index file's name inside the index folder.
pub const FILE: &str = "stories.idx";
/// The file a new index is written to before it is renamed over [`FILE`].
const NEW_FILE: &str = "stories.idx.new";
/// The lock file's name inside the index folder.
pub const LOCK: &str = "lock";
/// This build's index format. Another version is refused (rebuild the index).
pub const VERSION: u32 = 3;
const MAGIC: &[u8; 16] = b"NEWSDEDUP-INDEX\n";
/// Articles per compressed chunk: enough text for LZ4 to find repeats across articles (site
/// chrome, agency boilerplate), few enough that chunks compress in parallel.
const CHUNK: usize = 256;
/// Chunks compressed together before they are written.
const SAVE_BATCH: usize = 64;

/// Why an index could not be used; the app maps these to exit codes.
#[derive(Debug)]
pub enum IndexError {
    /// Another process holds the index's lock.
    Locked(PathBuf),
    /// The file is not a whole index of this format: truncated, corrupt, not an index.
    Corrupt { file: PathBuf, why: String },
    /// The file is an index of another format version.
    Version { file: PathBuf, found: u32 },
}

impl std::fmt::Display for IndexError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            IndexError::Locked(dir) => write!(
                f,
                "{}: the index is being updated by another process (its lock file is held); \
                 try again when it is done",
                dir.display()
            ),
            IndexError::Corrupt { file, why } => write!(
                f,
                "{}: not a readable story index ({why}); restore it from a backup or rebuild it \
                 with --index on an empty folder",
                file.display()
            ),
            IndexError::Version { file, found } => write!(
                f,
                "{}: story index of format version {found}, this newsdedup reads version \
                 {VERSION}; rebuild it with --index on an empty folder",
                file.display()
            ),
        }
    }
}

impl std::error::Error for IndexError {}

/// One article of the index: the normalized article (what fingerprints, evidence, canonical
/// choice and output are computed from) and what the next run needs to know of it.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub article: Article,
    /// The file's path when it is not UTF-8 (`article.path` escapes it).
    pub raw_path: Option<PathBuf>,
    /// The file's resolved path (absolute, links and `.`/`..` resolved): the same file named
    /// another way (`./a`, `a`, `/home/x/a`) is the same article. None for a JSONL record or a
    /// WARC page (known by its `id` or URI).
    pub real: Option<String>,
    /// XXH3-64 of the file's bytes as read from disk (a file with the same hash is not read
    /// again); for a JSONL record or a WARC page, of its normalized body.
    pub content_hash: u64,
    /// The id of the story the article was in after the run that wrote the index.
    pub story: String,
}

/// An article to store, borrowed (the run's articles are not copied to be saved).
#[derive(Debug, Clone, Copy)]
pub struct EntryRef<'a> {
    pub article: &'a Article,
    pub raw_path: Option<&'a Path>,
    pub real: Option<&'a str>,
    pub content_hash: u64,
    pub story: &'a str,
}

impl Entry {
    /// This entry, borrowed.
    pub fn as_ref(&self) -> EntryRef<'_> {
        EntryRef {
            article: &self.article,
            raw_path: self.raw_path.as_deref(),
            real: self.real.as_deref(),
            content_hash: self.content_hash,
            story: &self.story,
        }
    }
}

/// What an index holds.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Stored {
    /// `--max-html-mib` in bytes: the stored articles were normalized with it.
    pub max_html_bytes: u64,
    /// In path order.
    pub entries: Vec<Entry>,
    /// Story id → XXH3-64 of its record as the last run printed it.
    pub stories: BTreeMap<String, u64>,
}

/// The lock of an index folder, held until dropped.
#[derive(Debug)]
pub struct Lock(#[allow(dead_code)] File);

/// Creates the index folder if needed and takes its lock, or fails with
/// [`IndexError::Locked`] if another process holds it (after half a second).
pub fn lock(dir: &Path) -> anyhow::Result<Lock> {
    fs::create_dir_all(dir).map_err(|e| {
        // Something that is not a folder is in the way (a file, a dangling link): named as such
        // rather than with the system's "File exists". Looked at only when creating failed.
        if dir.symlink_metadata().is_ok() && !dir.is_dir() {
            anyhow::anyhow!(
                "{}: not a folder (--index names the folder that holds the index)",
                dir.display()
            )
        } else {
            anyhow::anyhow!(
                "cannot create the index folder {}: {}",
                dir.display(),
                crate::input::io_reason(&e)
            )
        }
    })?;
    let path = dir.join(LOCK);
    let file = fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(|e| anyhow::anyhow!("cannot open {}: {e}", path.display()))?;
    // A few short retries: a lock just released can stay held for an instant by a process
    // being started (a copy of the descriptor lives until its exec), and a writer ending.
    for _ in 0..LOCK_TRIES {
        match file.try_lock() {
            Ok(()) => return Ok(Lock(file)),
            Err(fs::TryLockError::WouldBlock) => {
                std::thread::sleep(std::time::Duration::from_millis(50))
            }
            Err(fs::TryLockError::Error(e)) => {
                anyhow::bail!("cannot lock {}: {e}", path.display())
            }
        }
    }
    Err(IndexError::Locked(dir.to_path_buf()).into())
}

/// Attempts at taking the lock, 50 ms apart.
const LOCK_TRIES: usize = 10;

/// Reads the index in `dir`; `None` when there is none yet.
pub fn load(dir: &Path) -> anyhow::Result<Option<Stored>> {
    let file = dir.join(FILE);
    let bytes = match fs::read(&file) {
        Ok(b) => b,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => anyhow::bail!("cannot read {}: {e}", file.display()),
    };
    decode(&bytes).map(Some).map_err(|e| e.at(&file).into())
}

/// A decoding problem, before the file is named.
#[derive(Debug)]
enum Bad {
    Corrupt(String),
    Version(u32),
}

impl Bad {
    fn at(self, file: &Path) -> IndexError {
        let file = file.to_path_buf();
        match self {
            Bad::Corrupt(why) => IndexError::Corrupt { file, why },
            Bad::Version(found) => IndexError::Version { file, found },
        }
    }
}

fn decode(bytes: &[u8]) -> Result<Stored, Bad> {
    if bytes.len() < MAGIC.len() + 4 || &bytes[..MAGIC.len()] != MAGIC {
        return Err(Bad::Corrupt("it does not start as a story index".into()));
    }
    let version = u32::from_le_bytes(bytes[16..20].try_into().expect("4 bytes"));
    if version != VERSION {
        return Err(Bad::Version(version));
    }
    let Some(body_len) = bytes.len().checked_sub(8).filter(|&n| n >= 20) else {
        return Err(Bad::Corrupt("truncated".into()));
    };
    let (body, sum) = bytes.split_at(body_len);
    if xxh3_64(body) != u64::from_le_bytes(sum.try_into().expect("8 bytes")) {
        return Err(Bad::Corrupt(
            "checksum mismatch: truncated or damaged".into(),
        ));
    }
    let mut r = Reader(&body[20..]);
    let max_html_bytes = r.u64()?;
    let count = r.u64()?;
    let mut chunks = Vec::new();
    let mut seen = 0u64;
    while seen < count {
        let n = r.u32()?;
        let frame = r.bytes()?;
        if n == 0 || u64::from(n) > count - seen {
            return Err(Bad::Corrupt("bad chunk size".into()));
        }
        seen += u64::from(n);
        chunks.push((n, frame));
    }
    let entries: Vec<Vec<Entry>> = chunks
        .par_iter()
        .map(|&(n, frame)| decode_chunk(n, frame))
        .collect::<Result<_, _>>()?;
    let entries: Vec<Entry> = entries.into_iter().flatten().collect();
    let stories_count = r.u64()?;
    let mut stories = BTreeMap::new();
    for _ in 0..stories_count {
        let id = r.str()?;
        stories.insert(id, r.u64()?);
    }
    if !r.0.is_empty() {
        return Err(Bad::Corrupt("bytes after the end".into()));
    }
    Ok(Stored {
        max_html_bytes,
        entries,
        stories,
    })
}

fn decode_chunk(n: u32, frame: &[u8]) -> Result<Vec<Entry>, Bad> {
    let plain = lz4_flex::block::decompress_size_prepended(frame)
        .map_err(|e| Bad::Corrupt(format!("compressed chunk: {e}")))?;
    let mut r = Reader(&plain);
    let entries = (0..n)
        .map(|_| get_entry(&mut r))
        .collect::<Result<_, _>>()?;
    if !r.0.is_empty() {
        return Err(Bad::Corrupt("bytes after a chunk's articles".into()));
    }
    Ok(entries)
}

/// Writes the index of `dir` (`entries` in path order, `stories` as in [`Stored`]): to a new
/// file, flushed to disk, then renamed over the old one (and the folder flushed), so a crash
/// at any point leaves the old index or the new one, whole. The caller holds the lock.
pub fn save(
    dir: &Path,
    max_html_bytes: u64,
    entries: &[EntryRef],
    stories: &BTreeMap<String, u64>,
) -> anyhow::Result<()> {
    let new = dir.join(NEW_FILE);
    let target = dir.join(FILE);
    let compress = |chunk: &[EntryRef]| {
        let mut plain = Vec::new();
        for e in chunk {
            put_entry(&mut plain, e);
        }
        let frame = lz4_flex::block::compress_prepend_size(&plain);
        (chunk.len() as u32, frame)
    };
    let write = || -> io::Result<()> {
        let mut out = io::BufWriter::new(File::create(&new)?);
        let mut sum = Xxh3Default::new();
        let mut put = |b: &[u8]| -> io::Result<()> {
            sum.update(b);
            out.write_all(b)
        };
        put(MAGIC)?;
        put(&VERSION.to_le_bytes())?;
        put(&max_html_bytes.to_le_bytes())?;
        put(&(entries.len() as u64).to_le_bytes())?;
        // Compressed a batch at a time on the pool and written in order: the whole index is
        // never held compressed in memory besides the articles (at a million articles that
        // was 1.9 GB more at the peak).
        for batch in entries.chunks(CHUNK * SAVE_BATCH) {
            let chunks: Vec<(u32, Vec<u8>)> = batch.par_chunks(CHUNK).map(compress).collect();
            for (n, frame) in &chunks {
                put(&n.to_le_bytes())?;
                put(&(frame.len() as u64).to_le_bytes())?;
                put(frame)?;
            }
        }
        let mut tail = Vec::new();
        tail.extend((stories.len() as u64).to_le_bytes());
        for (id, hash) in stories {
            put_str(&mut tail, id);
            tail.extend(hash.to_le_bytes());
        }
        put(&tail)?;
        let digest = sum.digest();
        out.write_all(&digest.to_le_bytes())?;
        let file = out.into_inner().map_err(|e| e.into_error())?;
        file.sync_all()?;
        fs::rename(&new, &target)?;
        File::open(dir)?.sync_all()
    };
    write().map_err(|e| {
        // Not left behind to fill the disk: the old index stays as it was.
        let _ = fs::remove_file(&new);
        anyhow::anyhow!(
            "cannot write the index file {} ({e}); {} is kept as it was",
            new.display(),
            target.display()
        )
    })
}

fn put_str(out: &mut Vec<u8>, s: &str) {
    put_bytes(out, s.as_bytes());
}

fn put_bytes(out: &mut Vec<u8>, b: &[u8]) {
    out.extend((b.len() as u64).to_le_bytes());
    out.extend(b);
}

fn put_opt_str(out: &mut Vec<u8>, s: &Option<String>) {
    put_opt(out, s.as_deref());
}

fn put_opt(out: &mut Vec<u8>, s: Option<&str>) {
    match s {
        Some(s) => {
            out.push(1);
            put_str(out, s);
        }
        None => out.push(0),
    }
}

fn put_time(out: &mut Vec<u8>, t: &Option<Timestamp>) {
    let Some(t) = t else {
        out.push(0);
        return;
    };
    out.push(1);
    out.extend(t.year.to_le_bytes());
    out.extend([t.month, t.day]);
    match t.time {
        Some((h, m, s)) => out.extend([1, h, m, s]),
        None => out.push(0),
    }
    match t.offset_min {
        Some(o) => {
            out.push(1);
            out.extend(o.to_le_bytes());
        }
        None => out.push(0),
    }
}

/// An article (and its path's bytes when they are not UTF-8) as bytes, in this index's layout:
/// how `newsdedup fingerprint` stores it in a Parquet column ([`crate::scale`]).
pub fn article_bytes(article: &Article, raw_path: Option<&Path>) -> Vec<u8> {
    let mut out = Vec::with_capacity(article.body.len() + 256);
    put_entry(
        &mut out,
        &EntryRef {
            article,
            raw_path,
            real: None,
            content_hash: 0,
            story: "",
        },
    );
    out
}

/// The article [`article_bytes`] stored, or why the bytes are not one.
pub fn article_from_bytes(bytes: &[u8]) -> Result<(Article, Option<PathBuf>), String> {
    let mut r = Reader(bytes);
    let e = get_entry(&mut r).map_err(|b| match b {
        Bad::Corrupt(why) => why,
        Bad::Version(v) => format!("format version {v}"),
    })?;
    if !r.0.is_empty() {
        return Err(format!("{} bytes after the article", r.0.len()));
    }
    Ok((e.article, e.raw_path))
}

/// One article's bytes inside a chunk.
fn put_entry(out: &mut Vec<u8>, e: &EntryRef) {
    let a = e.article;
    put_str(out, &a.path);
    match e.raw_path {
        Some(p) => {
            out.push(1);
            put_bytes(out, p.as_os_str().as_encoded_bytes());
        }
        None => out.push(0),
    }
    put_opt(out, e.real);
    out.extend(e.content_hash.to_le_bytes());
    put_str(out, e.story);
    out.push(match a.format {
        Format::Text => 0,
        Format::Html => 1,
        Format::Newswire => 2,
    });
    out.push(u8::from(a.truncated));
    let h = &a.header;
    put_opt_str(out, &h.title);
    put_opt_str(out, &h.headline);
    for t in [&h.published, &h.updated, &h.date_line, &h.fetched] {
        put_time(out, t);
    }
    out.extend((h.authors.len() as u64).to_le_bytes());
    for author in &h.authors {
        put_str(out, author);
    }
    for s in [&h.source, &h.dateline, &h.url] {
        put_opt_str(out, s);
    }
    put_str(out, &a.body);
}

fn get_entry(r: &mut Reader) -> Result<Entry, Bad> {
    let path = r.str()?;
    let raw_path = match r.u8()? {
        0 => None,
        _ => Some(crate::input::list::path_from_bytes(r.bytes()?)),
    };
    let real = r.opt_str()?;
    let content_hash = r.u64()?;
    let story = r.str()?;
    let format = match r.u8()? {
        0 => Format::Text,
        1 => Format::Html,
        2 => Format::Newswire,
        n => return Err(Bad::Corrupt(format!("unknown article format {n}"))),
    };
    let truncated = r.u8()? != 0;
    let title = r.opt_str()?;
    let headline = r.opt_str()?;
    let (published, updated, date_line, fetched) = (r.time()?, r.time()?, r.time()?, r.time()?);
    let n = r.u64()?;
    let mut authors = Vec::new();
    for _ in 0..n {
        authors.push(r.str()?);
    }
    let (source, dateline, url) = (r.opt_str()?, r.opt_str()?, r.opt_str()?);
    let body = r.str()?;
    Ok(Entry {
        article: Article {
            path,
            format,
            header: Header {
                title,
                headline,
                published,
                updated,
                date_line,
                authors,
                source,
                dateline,
                fetched,
                url,
            },
            body,
            truncated,
        },
        raw_path,
        real,
        content_hash,
        story,
    })
}

/// Reads the fields back, every length checked against what is left.
struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], Bad> {
        if n > self.0.len() {
            return Err(Bad::Corrupt("a field runs past the end".into()));
        }
        let (head, rest) = self.0.split_at(n);
        self.0 = rest;
        Ok(head)
    }
    fn u8(&mut self) -> Result<u8, Bad> {
        Ok(self.take(1)?[0])
    }
    fn u32(&mut self) -> Result<u32, Bad> {
        Ok(u32::from_le_bytes(self.take(4)?.try_into().expect("4")))
    }
    fn u64(&mut self) -> Result<u64, Bad> {
        Ok(u64::from_le_bytes(self.take(8)?.try_into().expect("8")))
    }
    fn bytes(&mut self) -> Result<&'a [u8], Bad> {
        let n = usize::try_from(self.u64()?).unwrap_or(usize::MAX);
        self.take(n)
    }
    fn str(&mut self) -> Result<String, Bad> {
        String::from_utf8(self.bytes()?.to_vec())
            .map_err(|_| Bad::Corrupt("a text field is not UTF-8".into()))
    }
    fn opt_str(&mut self) -> Result<Option<String>, Bad> {
        Ok(match self.u8()? {
            0 => None,
            _ => Some(self.str()?),
        })
    }
    fn time(&mut self) -> Result<Option<Timestamp>, Bad> {
        if self.u8()? == 0 {
            return Ok(None);
        }
        let year = i32::from_le_bytes(self.take(4)?.try_into().expect("4"));
        let (month, day) = (self.u8()?, self.u8()?);
        let time = match self.u8()? {
            0 => None,
            _ => Some((self.u8()?, self.u8()?, self.u8()?)),
        };
        let offset_min = match self.u8()? {
            0 => None,
            _ => Some(i16::from_le_bytes(self.take(2)?.try_into().expect("2"))),
        };
        Ok(Some(Timestamp {
            year,
            month,
            day,
            time,
            offset_min,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Stored {
        let entries = (0..600)
            .map(|i| Entry {
                article: Article {
                    path: format!("corpus/{i:04}.txt"),
                    format: if i % 2 == 0 {
                        Format::Text
                    } else {
                        Format::Html
                    },
                    header: Header {
                        title: Some(format!("Title {i}")),
                        published: Some(Timestamp {
                            year: 2024,
                            month: 3,
                            day: 1 + (i % 28) as u8,
                            time: Some((12, 30, 0)),
                            offset_min: Some(-300),
                        }),
                        authors: vec!["A. Writer".into()],
                        url: (i % 3 == 0).then(|| format!("https://example.com/{i}")),
                        ..Header::default()
                    },
                    body: format!("Paragraph one of article {i}.\n\nParagraph two."),
                    truncated: i == 7,
                },
                raw_path: None,
                real: (i % 3 == 0).then(|| format!("/data/corpus/{i:04}.txt")),
                content_hash: i as u64 * 31,
                story: format!("{:016x}", i / 3),
            })
            .collect();
        let stories = [("0000000000000001".to_string(), 5u64)].into();
        Stored {
            max_html_bytes: 8 << 20,
            entries,
            stories,
        }
    }

    fn save_all(dir: &Path, stored: &Stored) {
        let refs: Vec<EntryRef> = stored.entries.iter().map(Entry::as_ref).collect();
        save(dir, stored.max_html_bytes, &refs, &stored.stories).unwrap();
    }

    #[test]
    fn round_trip() {
        let dir = tempfile::tempdir().unwrap();
        let stored = sample();
        save_all(dir.path(), &stored);
        assert_eq!(load(dir.path()).unwrap(), Some(stored));
        assert!(!dir.path().join(NEW_FILE).exists());
    }

    #[test]
    fn every_truncation_and_flip_is_a_named_error() {
        let dir = tempfile::tempdir().unwrap();
        save_all(dir.path(), &sample());
        let good = fs::read(dir.path().join(FILE)).unwrap();
        let check = |bytes: &[u8]| {
            let d = tempfile::tempdir().unwrap();
            fs::write(d.path().join(FILE), bytes).unwrap();
            let err = load(d.path()).expect_err("damaged index accepted");
            let msg = err.to_string();
            assert!(msg.contains(FILE), "{msg}");
            assert!(!msg.contains('\n'), "{msg}");
        };
        for len in (0..good.len()).step_by(good.len() / 97 + 1) {
            check(&good[..len]);
        }
        for at in (0..good.len()).step_by(good.len() / 89 + 1) {
            let mut bad = good.clone();
            bad[at] ^= 0x5a;
            check(&bad);
        }
    }

    #[test]
    fn another_version_is_refused_by_name() {
        let dir = tempfile::tempdir().unwrap();
        save_all(dir.path(), &sample());
        let mut bytes = fs::read(dir.path().join(FILE)).unwrap();
        bytes[16..20].copy_from_slice(&7u32.to_le_bytes());
        fs::write(dir.path().join(FILE), &bytes).unwrap();
        let err = load(dir.path()).unwrap_err();
        assert!(
            matches!(
                err.downcast_ref(),
                Some(IndexError::Version { found: 7, .. })
            ),
            "{err}"
        );
    }

    #[test]
    fn a_second_writer_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let first = lock(dir.path()).unwrap();
        let err = lock(dir.path()).unwrap_err();
        assert!(matches!(err.downcast_ref(), Some(IndexError::Locked(_))));
        drop(first);
        assert!(lock(dir.path()).is_ok());
    }
}
