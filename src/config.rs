//! The resolved configuration the pipeline reads. Built from the command line by `cli`; tests
//! and benchmarks build it directly. No stage reads flags.

use std::path::PathBuf;

use crate::candidates::CandidateParams;
use crate::canonical::CanonicalRule;
use crate::cluster::ClusterParams;
use crate::input::{ExtFilter, FileList, InputKind};
use crate::templates::TemplateParams;

/// Everything a run of the pipeline needs.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    pub paths: Vec<PathBuf>,
    /// More paths, listed in a file or on stdin (`--files-from`); one that does not exist is a
    /// skip, not a usage error.
    pub files_from: Option<FileList>,
    /// Article files, or JSONL records (`--input jsonl`).
    pub input: InputKind,
    pub exts: ExtFilter,
    /// Worker threads; the output does not depend on it.
    pub threads: usize,
    /// Words per shingle.
    pub shingle_k: usize,
    /// MinHash signature length (a power of two).
    pub bins: usize,
    pub candidates: CandidateParams,
    pub cluster: ClusterParams,
    /// Corpus-level template detection.
    pub templates: TemplateParams,
    pub canonical: CanonicalRule,
    /// Bytes of article text kept in memory between reading and output. Texts read beyond it
    /// are dropped once fingerprinted (kept on disk, see `spill`, or read again from their
    /// files) for the stories' canonical versions, which bounds memory on large corpora. The
    /// output is the same.
    pub text_memory: usize,
    /// Texts beyond `text_memory` are written to a temporary file and read back from it,
    /// rather than read again from their files (which parses them again).
    pub spill: bool,
    /// The read stage records each file's XXH3-64 from the bytes it reads (a compressed file's
    /// own bytes, not what they decompress to; [`crate::pipeline::Docs::file_hashes`]): the
    /// story index's content hashes, without reading plain files a second time.
    pub hash_files: bool,
    /// Limits of normalization (`--max-html-mib`).
    pub normalize: crate::normalize::Options,
    /// Keep a story index (`--index`): the run adds its inputs to it and prints the stories
    /// of everything it holds.
    pub index: Option<crate::index::Settings>,
}

impl Config {
    /// Defaults for the given paths.
    pub fn new(paths: Vec<PathBuf>) -> Config {
        Config {
            paths,
            files_from: None,
            input: InputKind::default(),
            exts: ExtFilter::default(),
            threads: default_threads(),
            shingle_k: 5,
            bins: 128,
            candidates: CandidateParams::default(),
            cluster: ClusterParams::default(),
            templates: TemplateParams::default(),
            canonical: CanonicalRule::default(),
            text_memory: DEFAULT_TEXT_MEMORY_MIB << 20,
            spill: true,
            hash_files: false,
            normalize: crate::normalize::Options::default(),
            index: None,
        }
    }
}

/// Default of `--text-memory`, in MiB.
pub const DEFAULT_TEXT_MEMORY_MIB: usize = 256;

/// The number of cores available to this process.
pub fn default_threads() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// Where the main job's results and reports go, resolved from the command line.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Reporting {
    /// The stories go to this file (written atomically), else to stdout.
    pub output: Option<PathBuf>,
    pub format: crate::output::Format,
    /// Leave the canonical text out of story records.
    pub no_text: bool,
    /// Print the statistics table on stderr.
    pub stats_table: bool,
    /// Write the statistics as JSON to this file.
    pub stats_json: Option<PathBuf>,
    /// Draw a progress bar on stderr (stderr is a terminal, `CI` unset, not `--quiet`).
    pub progress: bool,
    /// Colors allowed (`NO_COLOR` unset).
    pub color: bool,
    /// Print notes on stderr (how the run went, not what it skipped): not `--quiet`.
    pub notes: bool,
}
