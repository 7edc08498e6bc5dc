//! newsdedup: scraped news articles in, one clean JSON record per story out.
//!
//! The pipeline, one module per stage, plain data between them:
//! [`input`] (paths → bytes → text) → [`normalize`] (text → [`normalize::Article`]) →
//! [`shingle`] and [`minhash`] (fingerprints) → [`candidates`] (pairs) → [`verify`] (exact
//! similarities) → [`cluster`] (version groups) → [`story`] (stories, by the [`evidence`] taken
//! from each article at reading) → [`canonical`] (records) → [`output`] (JSON).
//! [`pipeline::run`] strings them together; [`index`] ends it in a story index on disk for
//! incremental runs (`--index`); [`scale`] cuts it at its corpus-wide joins for a cluster
//! engine (`newsdedup fingerprint` and `assemble`, with Spark between them); [`app`] runs a command line; [`progress`] draws its
//! progress bar; [`eval`] scores a clustering against a gold standard.

pub mod app;
pub mod candidates;
pub mod canonical;
pub mod cli;
pub mod cluster;
pub mod config;
pub mod eval;
pub mod evidence;
pub mod index;
pub mod input;
pub mod logistic;
pub mod minhash;
pub mod normalize;
pub mod output;
pub mod pipeline;
pub mod progress;
pub mod read;
pub mod scale;
pub mod shingle;
pub mod spill;
pub mod story;
pub mod templates;
pub mod verify;
