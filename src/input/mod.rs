//! Stage 1: input. Paths the user gave → the list of files to read → bytes → UTF-8 text.
//!
//! Nothing here panics on bad input: every problem becomes a [`Skip`] with a one-line reason,
//! so the caller can report it and go on.

pub mod decode;
pub mod walk;

use std::fmt;
use std::path::PathBuf;

pub use decode::{DecodeError, Decoded, decode};
pub use walk::{Expanded, ExtFilter, expand};

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
        }
    }
}

impl fmt::Display for Skip {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.reason)
    }
}

/// Reads one file's bytes; an error becomes a skip reason.
pub fn read(file: &InputFile) -> Result<Vec<u8>, SkipReason> {
    std::fs::read(&file.path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => {
            SkipReason::Unreadable("file vanished before it was read".into())
        }
        _ => SkipReason::Unreadable(io_reason(&e)),
    })
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
