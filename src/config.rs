//! The resolved configuration the pipeline reads. Built from the command line by `cli`; tests
//! and benchmarks build it directly. No stage reads flags.

use std::path::PathBuf;

use crate::candidates::CandidateParams;
use crate::canonical::CanonicalRule;
use crate::cluster::ClusterParams;
use crate::input::ExtFilter;

/// Everything a run of the pipeline needs.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    pub paths: Vec<PathBuf>,
    pub exts: ExtFilter,
    /// Worker threads; the output does not depend on it.
    pub threads: usize,
    /// Words per shingle.
    pub shingle_k: usize,
    /// MinHash signature length (a power of two).
    pub bins: usize,
    pub candidates: CandidateParams,
    pub cluster: ClusterParams,
    pub canonical: CanonicalRule,
}

impl Config {
    /// Defaults for the given paths.
    pub fn new(paths: Vec<PathBuf>) -> Config {
        Config {
            paths,
            exts: ExtFilter::default(),
            threads: default_threads(),
            shingle_k: 5,
            bins: 128,
            candidates: CandidateParams::default(),
            cluster: ClusterParams::default(),
            canonical: CanonicalRule::default(),
        }
    }
}

/// The number of cores available to this process.
pub fn default_threads() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}
