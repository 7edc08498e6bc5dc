//! Command-line definitions (clap derive). Flags are parsed here and resolved into a
//! [`Config`]; no other module reads flags.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::canonical::CanonicalRule;
use crate::config::{Config, default_threads};
use crate::input::ExtFilter;
use crate::output;

/// Turn a folder of scraped news articles into one clean JSON record per story.
///
/// Reads text dumps and raw HTML pages in any charset, normalizes them (header fields, markup,
/// entities, site chrome), clusters the near-duplicate versions of each story, picks a canonical
/// version and prints one JSON record per story on stdout. Skipped inputs are reported on stderr.
///
/// Exit codes: 0 done; 1 --fail-on-duplicates found a story with several versions; 2 usage or
/// I/O error (such as a path that does not exist); 3 --strict and some input was skipped.
#[derive(Debug, Parser)]
#[command(
    name = "newsdedup",
    version,
    args_conflicts_with_subcommands = true,
    max_term_width = 100
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    #[command(flatten)]
    pub run: RunArgs,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Print each file's normalized article (header fields and body) as JSON: exactly what is compared.
    Normalize(NormalizeArgs),
}

/// Options of the main job.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// Files or folders to read (folders are walked recursively, in sorted order, hidden entries skipped).
    #[arg(value_name = "PATH", required = true)]
    pub paths: Vec<PathBuf>,

    #[command(flatten)]
    pub output: OutputArgs,

    /// Extensions read when walking folders, comma-separated ("" = no extension, "*" = all).
    #[arg(
        long,
        value_name = "LIST",
        default_value = "txt,text,htm,html,xhtml,shtml,"
    )]
    pub ext: String,

    /// Worker threads (default: the available cores). Output is the same for every value.
    #[arg(short = 'j', long, value_name = "N")]
    pub threads: Option<usize>,

    /// Two versions join when the Jaccard similarity of their shingle sets reaches this.
    #[arg(long, value_name = "T", default_value_t = 0.5, value_parser = unit_interval)]
    pub jaccard: f64,

    /// Two versions join when the shorter one's shingles are this much contained in the longer one.
    #[arg(long, value_name = "T", default_value_t = 0.5, value_parser = unit_interval)]
    pub containment: f64,

    /// Words per shingle.
    #[arg(long, value_name = "K", default_value_t = 5, value_parser = clap::value_parser!(u16).range(1..=32))]
    pub shingle_size: u16,

    /// How the canonical version of a story is chosen.
    #[arg(long, value_enum, default_value_t = CanonicalRule::Coverage)]
    pub canonical: CanonicalRule,

    /// Exit with status 1 when any story has more than one version.
    #[arg(long)]
    pub fail_on_duplicates: bool,

    /// Exit with status 3 when any input was skipped.
    #[arg(long)]
    pub strict: bool,
}

/// How records are printed.
#[derive(Debug, Args)]
pub struct OutputArgs {
    /// JSON Lines: one record per line, no enclosing array.
    #[arg(long, conflicts_with = "pretty")]
    pub jsonl: bool,

    /// Indented JSON.
    #[arg(long)]
    pub pretty: bool,
}

impl OutputArgs {
    pub fn format(&self) -> output::Format {
        match (self.jsonl, self.pretty) {
            (true, _) => output::Format::Jsonl,
            (_, true) => output::Format::Pretty,
            _ => output::Format::Json,
        }
    }
}

/// Options of `normalize`.
#[derive(Debug, Args)]
pub struct NormalizeArgs {
    /// Files or folders to normalize.
    #[arg(value_name = "PATH", required = true)]
    pub paths: Vec<PathBuf>,

    #[command(flatten)]
    pub output: OutputArgs,

    /// Extensions read when walking folders, comma-separated.
    #[arg(
        long,
        value_name = "LIST",
        default_value = "txt,text,htm,html,xhtml,shtml,"
    )]
    pub ext: String,
}

fn unit_interval(s: &str) -> Result<f64, String> {
    let v: f64 = s.parse().map_err(|_| format!("'{s}' is not a number"))?;
    if (0.0..=1.0).contains(&v) {
        Ok(v)
    } else {
        Err(format!("{v} is not between 0 and 1"))
    }
}

impl RunArgs {
    /// Resolves the flags into the pipeline's configuration.
    pub fn config(&self) -> Config {
        let mut cfg = Config::new(self.paths.clone());
        cfg.exts = ExtFilter::parse(&self.ext);
        cfg.threads = self
            .threads
            .filter(|&n| n > 0)
            .unwrap_or_else(default_threads);
        cfg.shingle_k = usize::from(self.shingle_size);
        cfg.cluster.jaccard = self.jaccard;
        cfg.cluster.containment = self.containment;
        cfg.canonical = self.canonical;
        cfg
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_definition_is_valid() {
        Cli::command().debug_assert();
    }

    #[test]
    fn parses_main_job_and_subcommand() {
        let cli = Cli::try_parse_from(["newsdedup", "--jsonl", "-j", "3", "dir"]).unwrap();
        assert!(cli.command.is_none());
        assert_eq!(cli.run.config().threads, 3);
        assert_eq!(cli.run.output.format(), output::Format::Jsonl);
        let cli = Cli::try_parse_from(["newsdedup", "normalize", "a.txt"]).unwrap();
        assert!(matches!(cli.command, Some(Command::Normalize(_))));
        assert!(Cli::try_parse_from(["newsdedup", "--jaccard", "1.5", "dir"]).is_err());
        assert!(Cli::try_parse_from(["newsdedup"]).is_err());
    }
}
