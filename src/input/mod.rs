//! Stage 1: input. Paths the user gave (and `--files-from` lists) → the [`Source`]s to read:
//! files, or JSONL records (`--input jsonl`) → bytes → UTF-8 text.
//!
//! Nothing here panics on bad input: every problem becomes a [`Skip`] with a one-line reason,
//! so the caller can report it and go on.

pub mod compressed;
pub mod decode;
pub mod jsonl;
pub mod list;
pub mod mojibake;
pub mod sources;
pub mod walk;
pub mod warc;

use std::fmt;
use std::path::PathBuf;

pub use decode::{DecodeError, Decoded, decode};
pub use list::FileList;
pub use sources::{Gathered, gather};
pub use walk::{Expanded, ExtFilter, expand};

use crate::normalize::{Header, Timestamp};

/// What the inputs are.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum InputKind {
    /// Article files (text dumps or HTML pages), and folders of them.
    #[default]
    Files,
    /// JSON Lines files (`-` is stdin), one record per article: {"id", "text" or "html",
    /// optional "url", "title", "date"}.
    Jsonl,
}

/// One input of the pipeline: a file to read, or a JSONL record that carries its text. Both
/// end as a display name (the article's `path` in the output), content and header hints.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    File(InputFile),
    Record(Record),
}

impl Source {
    /// The name shown in the output and in messages: the file's path, or the record's id.
    pub fn display(&self) -> &str {
        match self {
            Source::File(f) => &f.display,
            Source::Record(r) => &r.id,
        }
    }
}

/// An article given as a JSONL record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    /// Names the article in the output (`members[].path`, `canonical`).
    pub id: String,
    /// The article: plain text or an HTML document or fragment.
    pub text: String,
    /// `text` came from the record's `html` field.
    pub html: bool,
    pub hints: Hints,
    /// Where the record was read: `FILE:LINE`.
    pub at: String,
}

impl Record {
    /// The text to normalize. An HTML fragment (no `<html>`, `<head>`, `<body>` or doctype near
    /// the start) is wrapped in a `<body>`, so the `html` field always takes the HTML path.
    pub fn content(&self) -> std::borrow::Cow<'_, str> {
        if self.html
            && crate::normalize::detect_format(&self.text) == crate::normalize::Format::Text
        {
            format!("<html><body>{}</body></html>", self.text).into()
        } else {
            self.text.as_str().into()
        }
    }
}

/// Header fields an input's container knows (a JSONL record's `title`, `date`, `url`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Hints {
    pub title: Option<String>,
    pub date: Option<Timestamp>,
    /// Where the article was fetched: printed as the member's `url`, before the page's own.
    pub url: Option<String>,
    /// When it was fetched (`WARC-Date`).
    pub fetched: Option<Timestamp>,
}

impl Hints {
    /// Fills what normalization did not find: the title, and the date when the article has none
    /// (as the scraper's date line, the same place a ` date YYYY-MM-DD` line goes).
    pub fn apply(&self, header: &mut Header) {
        if header.title.is_none() {
            header.title.clone_from(&self.title);
        }
        if header.date().is_none() {
            header.date_line = self.date;
        }
        if self.url.is_some() {
            header.url.clone_from(&self.url);
        }
        header.fetched = self.fetched;
    }
}

/// One file to read: the path to open and the path as it is shown to the user (built from the
/// argument the user typed, so output paths look like the arguments).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputFile {
    pub path: PathBuf,
    pub display: String,
}

/// Why an input did not become an article. Reported on stderr and in `--stats-json`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skip {
    pub path: String,
    pub reason: SkipReason,
}

/// The reasons an input can be skipped; `kind()` is the stable key used in statistics.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SkipReason {
    /// A path named on the command line does not exist.
    NotFound,
    /// The file could not be read (permissions, vanished, I/O error).
    Unreadable(String),
    /// A directory could not be walked (permissions, symlink loop).
    Walk(String),
    Empty,
    Binary,
    Undecodable(String),
    /// Decoded fine but nothing was left after normalization.
    NoText,
    /// newsdedup failed on this input (a bug: please report it with the file).
    Internal(String),
    /// A JSONL line that is not a valid record.
    BadRecord(String),
    /// A JSONL record whose id an earlier record already has; `first` is where that one was read.
    DuplicateId {
        id: String,
        first: String,
    },
    /// A compressed file that decompresses to more than this many bytes (not one article).
    TooLarge(u64),
    /// A WARC record that should be a page and cannot be read (truncated, malformed).
    BadWarcRecord(String),
}

impl SkipReason {
    pub fn kind(&self) -> &'static str {
        match self {
            SkipReason::NotFound => "not_found",
            SkipReason::Unreadable(_) => "unreadable",
            SkipReason::Walk(_) => "walk_error",
            SkipReason::Empty => "empty",
            SkipReason::Binary => "binary",
            SkipReason::Undecodable(_) => "undecodable",
            SkipReason::NoText => "no_text",
            SkipReason::Internal(_) => "internal_error",
            SkipReason::BadRecord(_) => "bad_record",
            SkipReason::DuplicateId { .. } => "duplicate_id",
            SkipReason::TooLarge(_) => "too_large",
            SkipReason::BadWarcRecord(_) => "bad_warc_record",
        }
    }
}

impl fmt::Display for SkipReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SkipReason::NotFound => write!(f, "no such file or directory"),
            SkipReason::Unreadable(e) => write!(f, "cannot read: {e}"),
            SkipReason::Walk(e) => write!(f, "cannot walk: {e}"),
            SkipReason::Empty => write!(f, "empty file"),
            SkipReason::Binary => write!(f, "binary file (NUL byte in the first 1 KB)"),
            SkipReason::Undecodable(e) => write!(f, "undecodable text: {e}"),
            SkipReason::NoText => write!(f, "no article text left after normalization"),
            SkipReason::Internal(e) => write!(f, "internal error (please report this file): {e}"),
            SkipReason::BadRecord(e) => write!(f, "{e}"),
            SkipReason::TooLarge(limit) => {
                write!(f, "decompresses to more than {} MiB", limit >> 20)
            }
            SkipReason::BadWarcRecord(e) => write!(f, "{e}"),
            SkipReason::DuplicateId { id, first } => {
                write!(
                    f,
                    "duplicate id {id:?} (the record at {first} has it and is kept)"
                )
            }
        }
    }
}

impl fmt::Display for Skip {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.reason)
    }
}

/// A path as it is printed: itself when it is valid UTF-8; otherwise each byte that is not
/// UTF-8 is written `\xHH` and each backslash doubled, so two paths never print alike and the
/// bytes can be told from the text (`x\xFF.txt` is the file `x`, byte 0xFF, `.txt`).
pub fn shown(path: &std::path::Path) -> String {
    let bytes = path.as_os_str().as_encoded_bytes();
    if let Ok(s) = std::str::from_utf8(bytes) {
        return s.to_string();
    }
    let mut out = String::with_capacity(bytes.len() + 8);
    for chunk in bytes.utf8_chunks() {
        for c in chunk.valid().chars() {
            if c == '\\' {
                out.push('\\');
            }
            out.push(c);
        }
        for b in chunk.invalid() {
            out.push_str(&format!("\\x{b:02X}"));
        }
    }
    out
}

/// A decompressed file holding one article may be this large.
pub const MAX_DECOMPRESSED: u64 = 64 << 20;

/// A file, opened: one article's bytes, or a WARC file's records to stream.
pub enum Opened {
    /// The article's bytes; `plain` when they are the file's own (not decompressed).
    Bytes {
        bytes: Vec<u8>,
        plain: bool,
    },
    Warc(warc::Records<compressed::Stream>),
}

/// Opens a file: decompressed when compressed, streamed as records when it is a WARC file,
/// else read whole. An error becomes a skip reason.
pub fn open(file: &InputFile) -> Result<Opened, SkipReason> {
    // Not `fs::read`: it asks the file's size first, one system call in five per file (opening
    // and reading a small file costs some 30 µs of system time on a VM). Most articles fit the
    // first buffer.
    opened(compressed::open_file(&file.path).map_err(unreadable)?)
}

/// A compressed file's article bytes with the XXH3-64 of the file's own bytes (the story
/// index's content hash): the file is read once, hashed, and decompressed from memory, so the
/// hash and the article come from the same bytes even when the file is replaced meanwhile.
pub fn read_hashed(file: &InputFile) -> Result<(Vec<u8>, u64), SkipReason> {
    let raw = std::fs::read(&file.path).map_err(unreadable)?;
    let hash = xxhash_rust::xxh3::xxh3_64(&raw);
    match opened(compressed::open(std::io::Cursor::new(raw)).map_err(unreadable)?)? {
        Opened::Bytes { bytes, .. } => Ok((bytes, hash)),
        Opened::Warc(_) => Err(SkipReason::Unreadable(
            "a WARC file, not one article".into(),
        )),
    }
}

fn unreadable(e: std::io::Error) -> SkipReason {
    match e.kind() {
        std::io::ErrorKind::NotFound => {
            SkipReason::Unreadable("file vanished before it was read".into())
        }
        _ => SkipReason::Unreadable(io_reason(&e)),
    }
}

/// [`open`]'s work once the file's stream is open.
fn opened(
    (mut stream, compression): (compressed::Stream, Option<compressed::Compression>),
) -> Result<Opened, SkipReason> {
    use std::io::{BufRead, Read};
    let head = stream.fill_buf().map_err(|e| match compression {
        Some(c) => SkipReason::Unreadable(format!("{} data: {}", c.name(), io_reason(&e))),
        None => unreadable(e),
    })?;
    if warc::looks_like_warc(head) {
        return Ok(Opened::Warc(warc::Records::new(stream)));
    }
    let Some(c) = compression else {
        let mut bytes = Vec::with_capacity(64 << 10);
        stream.read_to_end(&mut bytes).map_err(unreadable)?;
        return Ok(Opened::Bytes { bytes, plain: true });
    };
    match compressed::read_capped(&mut stream, MAX_DECOMPRESSED) {
        Ok(Some(bytes)) => Ok(Opened::Bytes {
            bytes,
            plain: false,
        }),
        Ok(None) => Err(SkipReason::TooLarge(MAX_DECOMPRESSED)),
        // gzip's own messages name the member (see `compressed`); the others' do not say.
        Err(e) if c == compressed::Compression::Gzip => Err(SkipReason::Unreadable(io_reason(&e))),
        Err(e) => Err(SkipReason::Unreadable(format!(
            "{} data: {}",
            c.name(),
            io_reason(&e)
        ))),
    }
}

/// Reads one file's bytes (decompressed); an error becomes a skip reason. A WARC file is not
/// one article: it is refused here (the read stage streams it with [`open`]).
pub fn read(file: &InputFile) -> Result<Vec<u8>, SkipReason> {
    match open(file)? {
        Opened::Bytes { bytes, .. } => Ok(bytes),
        Opened::Warc(_) => Err(SkipReason::Unreadable(
            "a WARC file, not one article".into(),
        )),
    }
}

/// A short, lower-case description of an I/O error without the "(os error N)" suffix.
pub(crate) fn io_reason(e: &std::io::Error) -> String {
    let s = e.to_string();
    let s = match s.find(" (os error") {
        Some(i) => s[..i].to_string(),
        None => s,
    };
    let mut c = s.chars();
    match c.next() {
        Some(first) => first.to_lowercase().chain(c).collect(),
        None => s,
    }
}
