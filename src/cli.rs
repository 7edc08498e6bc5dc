//! Command-line definitions (clap derive). Flags are parsed here and resolved into a
//! [`Config`]; no other module reads flags.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::canonical::CanonicalRule;
use crate::config::{Config, DEFAULT_TEXT_MEMORY_MIB, Reporting, default_threads};
use crate::input::{ExtFilter, FileList, InputKind};
use crate::story::GroupMode;
use crate::{eval, output, progress};

/// Turn a folder of scraped news articles into one clean JSON record per story.
///
/// Reads text dumps and raw HTML pages in any charset, JSON Lines records (--input jsonl) and
/// WARC files (each HTML or text response is one article, named by its URI), any of them
/// gzip-, zstd- or bzip2-compressed. Normalizes them (header fields, markup, entities, site
/// chrome), clusters the versions of each story, picks a canonical version and prints one JSON
/// record per story on stdout (or a member table, or the list of duplicates: --format).
/// Skipped inputs are reported on stderr.
///
/// Exit codes: 0 done; 1 --fail-on-duplicates found a story with several versions; 2 usage or
/// I/O error (such as a path that does not exist), or an --index that is corrupt, truncated
/// or of another format version; 3 --strict and some input was skipped; 4 the --index is
/// being updated by another process (nothing was done: try again later). When
/// several apply, the status is the first of 4, 2, 1, 3: an error wins over duplicates,
/// duplicates over skipped inputs.
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
    /// Print each input's normalized article (path, format, header fields, body; each file, JSONL record or WARC page) as JSON: exactly what is compared.
    Normalize(NormalizeArgs),
    /// Score the stories of PATH... (or a saved output, --pred) against a gold standard.
    ///
    /// Scores exactly what the main job prints with the same options: pairwise and B-cubed
    /// precision, recall and F1, and the adjusted Rand index, over the files in both the gold
    /// file and the prediction (how many were left out on either side is noted on stderr). A
    /// gold file matches a story member whose path ends with the same path components:
    /// `pages/a.htm` matches `corpus/pages/a.htm`, not `corpus/pages/xa.htm`.
    ///
    /// Exit codes: 0 done; 2 usage or I/O error (a missing gold file, an unreadable prediction,
    /// no gold file matching any member).
    Eval(EvalArgs),
    /// Read inputs and write their fingerprints as one Parquet shard: the first step of a run on
    /// Apache Spark (scale/spark/dedup.py; README, "Past one machine").
    ///
    /// Writes OUT/shards/NAME.parquet (one row per article or skipped input: path, normalized
    /// article, shingles, band keys, paragraph keys, story evidence) and OUT/params.json (the
    /// options; every shard of OUT must be fingerprinted with the same). A shard is written to
    /// a temporary file and renamed into place, so running the same slice again replaces it.
    /// Skips and warnings are reported on stderr as by the main job, and kept in the shard.
    ///
    /// Exit codes: 0 done; 2 usage or I/O error (a path that does not exist, OUT not writable,
    /// OUT holding shards of other options).
    Fingerprint(FingerprintArgs),
    /// Answer the Spark job's tasks: JSON lines on stdin (components of candidate pairs, of
    /// version groups, samples of paragraph or title holders), results on stdout, one line per
    /// result; stories as `"FIRST PATH"<TAB>RECORD`.
    ///
    /// Run by scale/spark/dedup.py, not by hand. Exit codes: 0 done; 2 some line was not a task
    /// (each named on stderr as <stdin>:LINE; the others are answered) or PARAMS unreadable.
    Assemble(AssembleArgs),
    /// Print a shell completion script on stdout.
    ///
    /// For example: `newsdedup completions bash > ~/.local/share/bash-completion/completions/newsdedup`,
    /// or `newsdedup completions zsh > ~/.zfunc/_newsdedup`.
    Completions(CompletionsArgs),
    /// Print the man page (roff) on stdout: `newsdedup man > newsdedup.1`; with COMMAND, the
    /// page of that subcommand: `newsdedup man normalize > newsdedup-normalize.1`.
    Man(ManArgs),
}

/// Options of `fingerprint`.
#[derive(Debug, Args)]
pub struct FingerprintArgs {
    /// Files or folders to read: this shard's slice of the corpus.
    #[arg(value_name = "PATH", required_unless_present = "files_from")]
    pub paths: Vec<PathBuf>,

    /// The fingerprint folder (created if missing): shards go to OUT/shards/.
    #[arg(long, value_name = "OUT")]
    pub out_dir: PathBuf,

    /// The shard's name (OUT/shards/NAME.parquet); default: a hash of the inputs' names, so the
    /// same slice gets the same shard.
    #[arg(long, value_name = "NAME", value_parser = shard_name)]
    pub shard: Option<String>,

    #[command(flatten)]
    pub input: InputArgs,

    #[command(flatten)]
    pub pipeline: PipelineArgs,

    /// How the canonical version of a story is chosen (recorded for the Spark job).
    #[arg(long, value_enum, default_value_t = CanonicalRule::Coverage)]
    pub canonical: CanonicalRule,

    /// No note on stderr when the shard is written; skip lines still print.
    #[arg(short, long)]
    pub quiet: bool,
}

fn shard_name(s: &str) -> Result<String, String> {
    let ok = !s.is_empty()
        && !s.starts_with('.')
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    if ok {
        Ok(s.to_string())
    } else {
        Err(format!(
            "'{s}' is not a shard name: letters, digits, '-', '_' and '.', not starting with '.'"
        ))
    }
}

impl FingerprintArgs {
    /// Resolves the flags into the pipeline's configuration.
    pub fn config(&self) -> Config {
        let mut cfg = self.pipeline.config(self.paths.clone());
        cfg.canonical = self.canonical;
        self.input.apply(&mut cfg, &self.pipeline.ext);
        cfg
    }
}

/// Options of `assemble`.
#[derive(Debug, Args)]
pub struct AssembleArgs {
    /// The fingerprint folder's params.json (the options the corpus was fingerprinted with).
    #[arg(long, value_name = "FILE")]
    pub params: PathBuf,

    /// Worker threads (default, or 0: the available cores). The output is the same for every value.
    #[arg(short = 'j', long, value_name = "N")]
    pub threads: Option<usize>,
}

impl AssembleArgs {
    pub fn threads(&self) -> usize {
        threads(self.threads)
    }
}

/// Options of `man`.
#[derive(Debug, Args)]
pub struct ManArgs {
    /// The subcommand whose page newsdedup-COMMAND(1) to print (normalize, eval, fingerprint,
    /// assemble, completions, man); without it, newsdedup(1).
    #[arg(value_name = "COMMAND")]
    pub command: Option<String>,
}

/// Options of `completions`.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete for.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

/// Options of the main job.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// Files or folders to read (folders are walked recursively, in sorted order, hidden entries skipped).
    #[arg(value_name = "PATH", required_unless_present_any = ["files_from", "index"])]
    pub paths: Vec<PathBuf>,

    #[command(flatten)]
    pub input: InputArgs,

    #[command(flatten)]
    pub output: OutputArgs,

    #[command(flatten)]
    pub stories: StoryOutputArgs,

    /// Keep a story index in DIR (created if missing) for daily scrapes: PATH... are added to
    /// it, and the stories printed are those of everything it holds, as one run over all of it
    /// would print them, each keeping its id from run to run. A file it holds with the same
    /// bytes is not read again; a changed one replaces its old version. Without PATH, prints
    /// its stories.
    #[arg(long, value_name = "DIR")]
    pub index: Option<PathBuf>,

    /// With --index: take out of the index the articles at PATH, or under the folder PATH (as
    /// their paths are printed). Repeatable.
    #[arg(long, value_name = "PATH", requires = "index")]
    pub remove: Vec<String>,

    /// With --index: print only the stories this run created or changed (each lists the
    /// members it added and the ids that merged into it or it split from).
    #[arg(long, requires = "index")]
    pub changed: bool,

    #[command(flatten)]
    pub pipeline: PipelineArgs,

    /// How the canonical version of a story is chosen.
    #[arg(long, value_enum, default_value_t = CanonicalRule::Coverage)]
    pub canonical: CanonicalRule,

    /// Exit with status 1 when any story has more than one version.
    #[arg(long)]
    pub fail_on_duplicates: bool,

    /// Exit with status 3 when any input was skipped (or a canonical text changed on disk
    /// before it was read again, see --no-spill).
    #[arg(long)]
    pub strict: bool,

    /// Print statistics on stderr at the end: inputs, skips by kind, stories, bytes, time per stage.
    #[arg(long)]
    pub stats: bool,

    /// Write the statistics as JSON to FILE (atomically), with every skipped input.
    #[arg(long, value_name = "FILE")]
    pub stats_json: Option<PathBuf>,

    /// No progress bar and no --stats table (skipped inputs are still reported).
    #[arg(short, long)]
    pub quiet: bool,
}

/// What the inputs are and where their list comes from.
#[derive(Debug, Args)]
pub struct InputArgs {
    /// Also read the paths listed in FILE, one a line ("-" reads the list from stdin). A listed
    /// path that does not exist is skipped, not an error.
    #[arg(long, value_name = "FILE")]
    pub files_from: Option<PathBuf>,

    /// NUL-separated lists: the --files-from list (as `find -print0` writes it), and in the
    /// main job the paths of `--format duplicates` (for `xargs -0`).
    #[arg(short = '0', long)]
    pub null: bool,

    /// What the inputs are: article files, or JSON Lines records ("-" reads stdin). With jsonl,
    /// folders are searched for *.jsonl and *.ndjson unless --ext says otherwise.
    #[arg(long, value_enum, value_name = "KIND", default_value_t = InputKind::Files)]
    pub input: InputKind,
}

/// What is read and how it is clustered: options shared by the main job and `eval`.
#[derive(Debug, Args)]
pub struct PipelineArgs {
    /// Extensions read when walking folders, comma-separated ("" = no extension, "*" = all).
    /// A compression suffix (.gz, .zst, .bz2) is looked through: a.html.gz is an html file.
    #[arg(long, value_name = "LIST", default_value = DEFAULT_EXT)]
    pub ext: String,

    /// Worker threads (default, or 0: the available cores). Output is the same for every value.
    #[arg(short = 'j', long, value_name = "N")]
    pub threads: Option<usize>,

    /// Memory for article text between reading and output, in MiB. Beyond it, texts are
    /// written to an unnamed temporary file (in $TMPDIR, gone when the run ends) and read back
    /// when the stories are written: same output, memory bounded.
    #[arg(long, value_name = "MIB", default_value_t = DEFAULT_TEXT_MEMORY_MIB)]
    pub text_memory: usize,

    /// HTML pages longer than this (MiB, after decompression and decoding) are cut to their
    /// first MIB before parsing; each cut page gets a warning on stderr (and --strict fails).
    #[arg(long, value_name = "MIB", default_value_t = 8, value_parser = clap::value_parser!(u16).range(1..))]
    pub max_html_mib: u16,

    /// Texts beyond --text-memory are not written to disk: the canonical versions are read
    /// again from their files (and parsed again) instead. Slower; nothing is written.
    #[arg(long)]
    pub no_spill: bool,

    /// Two versions join when the Jaccard similarity of their shingle sets reaches this.
    #[arg(long, value_name = "T", default_value_t = 0.5, value_parser = unit_interval)]
    pub jaccard: f64,

    /// Two versions join when the shorter one's shingles are this much contained in the longer one.
    #[arg(long, value_name = "T", default_value_t = 0.5, value_parser = unit_interval)]
    pub containment: f64,

    /// A paragraph found in at least N documents that are otherwise unrelated is a site's
    /// template and does not count toward similarity (0 turns this off).
    #[arg(long, value_name = "N", default_value_t = 4)]
    pub template_min_docs: usize,

    /// Words per shingle.
    #[arg(long, value_name = "K", default_value_t = 5, value_parser = clap::value_parser!(u16).range(1..=32))]
    pub shingle_size: u16,

    /// Every version must reach its story's center (the version covering most of the story)
    /// with a similarity of at least this; weaker ones are split off (no chaining).
    #[arg(long, value_name = "T", default_value_t = 0.3, value_parser = unit_interval)]
    pub center_floor: f64,

    /// Versions whose known dates lie more than N days apart never join. Without it, versions
    /// 300 days or more apart join only when their Jaccard similarity reaches 0.8.
    #[arg(long, value_name = "N")]
    pub max_days: Option<u32>,

    /// `stories`: near-duplicate versions, then write-thrus and outlets' rewrites of the same
    /// story joined by story evidence (headline, lede, quotations, rare names and numbers,
    /// dates). `versions`: near-duplicates only (text overlap), for deduplicating a dataset.
    #[arg(long, value_name = "MODE", value_enum, default_value_t = GroupMode::Stories)]
    pub group: GroupMode,
}

/// What the main job prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum StoryFormat {
    /// A JSON array of stories, one a line (the default).
    Json,
    /// JSON Lines: one story a line, no enclosing array (as --jsonl).
    Jsonl,
    /// A JSON array, indented (as --pretty).
    Pretty,
    /// One row per story member, comma-separated with a header row: story_id, path, url,
    /// relation, similarity, is_canonical, title, date.
    Csv,
    /// The same table, tab-separated.
    Tsv,
    /// The path of every near-duplicate of a story's canonical version (relation copy or
    /// version; never a same_story write-thru or rewrite), one a line (with -0, each ends with
    /// NUL): what to remove to keep one copy of each text.
    Duplicates,
}

/// How stories are printed (main job only).
#[derive(Debug, Args)]
pub struct StoryOutputArgs {
    /// Output format.
    #[arg(long, value_enum, value_name = "FORMAT", conflicts_with_all = ["jsonl", "pretty"])]
    pub format: Option<StoryFormat>,

    /// Leave the canonical `text` out of the story records (smaller output for large corpora).
    #[arg(long)]
    pub no_text: bool,
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

    /// Write to FILE instead of stdout, atomically: a temporary file in the same folder, renamed
    /// over FILE once complete ("-" is stdout; a device or FIFO is written in place).
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

impl OutputArgs {
    /// The file to write, or `None` for stdout.
    pub fn path(&self) -> Option<PathBuf> {
        self.output.clone().filter(|p| p.as_os_str() != "-")
    }

    pub fn format(&self) -> output::Format {
        match (self.jsonl, self.pretty) {
            (true, _) => output::Format::Jsonl,
            (_, true) => output::Format::Pretty,
            _ => output::Format::Json,
        }
    }
}

/// `--ext`'s default.
const DEFAULT_EXT: &str = "txt,text,htm,html,xhtml,shtml,warc,";

/// What `--input jsonl` reads in folders when `--ext` is left at its default.
const JSONL_EXT: &str = "jsonl,ndjson";

/// Options of `normalize`.
#[derive(Debug, Args)]
pub struct NormalizeArgs {
    /// Files or folders to normalize.
    #[arg(value_name = "PATH", required_unless_present = "files_from")]
    pub paths: Vec<PathBuf>,

    #[command(flatten)]
    pub input: InputArgs,

    #[command(flatten)]
    pub output: OutputArgs,

    /// Extensions read when walking folders, comma-separated ("" = no extension, "*" = all).
    #[arg(long, value_name = "LIST", default_value = DEFAULT_EXT)]
    pub ext: String,

    /// HTML pages longer than this (MiB) are cut to their first MIB before parsing.
    #[arg(long, value_name = "MIB", default_value_t = 8, value_parser = clap::value_parser!(u16).range(1..))]
    pub max_html_mib: u16,

    /// Worker threads (default, or 0: the available cores). Output is the same for every value.
    #[arg(short = 'j', long, value_name = "N")]
    pub threads: Option<usize>,
}

impl NormalizeArgs {
    /// Resolves the flags into what is read and how.
    pub fn config(&self) -> Result<Config, String> {
        if self.input.null && self.input.files_from.is_none() {
            return Err("-0 applies to a --files-from list, which is not given".into());
        }
        let mut cfg = Config::new(self.paths.clone());
        cfg.exts = ExtFilter::parse(&self.ext);
        self.input.apply(&mut cfg, &self.ext);
        cfg.normalize.max_html_bytes = usize::from(self.max_html_mib) << 20;
        cfg.threads = threads(self.threads);
        Ok(cfg)
    }
}

/// Options of `eval`.
#[derive(Debug, Args)]
pub struct EvalArgs {
    /// The gold standard: a header line, then `file<TAB>story` per line.
    #[arg(long, value_name = "FILE")]
    pub gold: PathBuf,

    /// Files or folders to run the main job on.
    #[arg(value_name = "PATH", required_unless_present = "pred")]
    pub paths: Vec<PathBuf>,

    /// Score a saved newsdedup output instead (JSON array or JSON Lines; "-" reads stdin).
    #[arg(long, value_name = "FILE", conflicts_with_all = ["paths", "sweep", "PipelineArgs"])]
    pub pred: Option<PathBuf>,

    /// Print the scores as one JSON object (with --sweep, a JSON array) instead of a table.
    #[arg(long)]
    pub json: bool,

    /// Score every (jaccard, containment) setting of a grid, one row each.
    #[arg(long, conflicts_with_all = ["jaccard", "containment"])]
    pub sweep: bool,

    /// Jaccard thresholds of the --sweep grid, comma-separated.
    #[arg(
        long,
        value_name = "LIST",
        value_delimiter = ',',
        value_parser = unit_interval,
        default_value = "0.3,0.4,0.5,0.6,0.7,0.8",
        requires = "sweep"
    )]
    pub sweep_jaccard: Vec<f64>,

    /// Containment thresholds of the --sweep grid, comma-separated.
    #[arg(
        long,
        value_name = "LIST",
        value_delimiter = ',',
        value_parser = unit_interval,
        default_value = "0.3,0.4,0.5,0.6,0.7,0.8,0.9",
        requires = "sweep"
    )]
    pub sweep_containment: Vec<f64>,

    #[command(flatten)]
    pub pipeline: PipelineArgs,
}

/// Where `eval` gets its stories from, resolved from [`EvalArgs`].
#[derive(Debug, Clone, PartialEq)]
#[allow(clippy::large_enum_variant)] // built once per run; boxing the Config buys nothing
pub enum EvalSource {
    /// Run the pipeline, at the configured thresholds or over a grid of them.
    Run {
        config: Config,
        sweep: Option<eval::Grid>,
    },
    /// Read a saved output ("-" is stdin).
    Saved(PathBuf),
}

impl EvalArgs {
    /// Resolves the flags into what `eval` scores.
    pub fn source(&self) -> EvalSource {
        match &self.pred {
            Some(p) => EvalSource::Saved(p.clone()),
            None => EvalSource::Run {
                config: self.pipeline.config(self.paths.clone()),
                sweep: self.sweep.then(|| eval::Grid {
                    jaccard: self.sweep_jaccard.clone(),
                    containment: self.sweep_containment.clone(),
                }),
            },
        }
    }
}

/// `-j N`: N workers, else (none or 0) the available cores.
fn threads(n: Option<usize>) -> usize {
    n.filter(|&n| n > 0).unwrap_or_else(default_threads)
}

impl InputArgs {
    /// Sets what is read: the input kind, the `--files-from` list, and with `--input jsonl`
    /// and `--ext` (`ext`) at its default, the JSON Lines extensions.
    fn apply(&self, cfg: &mut Config, ext: &str) {
        cfg.input = self.input;
        cfg.files_from = self.files_from.clone().map(|path| FileList {
            path,
            nul: self.null,
        });
        if self.input == InputKind::Jsonl && ext == DEFAULT_EXT {
            cfg.exts = ExtFilter::parse(JSONL_EXT);
        }
    }
}

fn unit_interval(s: &str) -> Result<f64, String> {
    let v: f64 = s.parse().map_err(|_| format!("'{s}' is not a number"))?;
    if (0.0..=1.0).contains(&v) {
        Ok(v)
    } else {
        Err(format!("{v} is not between 0 and 1"))
    }
}

impl PipelineArgs {
    /// Resolves the flags into the pipeline's configuration for `paths`.
    pub fn config(&self, paths: Vec<PathBuf>) -> Config {
        let mut cfg = Config::new(paths);
        cfg.exts = ExtFilter::parse(&self.ext);
        cfg.threads = threads(self.threads);
        cfg.shingle_k = usize::from(self.shingle_size);
        cfg.text_memory = self.text_memory.saturating_mul(1 << 20);
        cfg.spill = !self.no_spill;
        cfg.normalize.max_html_bytes = usize::from(self.max_html_mib) << 20;
        cfg.templates.min_docs = self.template_min_docs;
        cfg.cluster.jaccard = self.jaccard;
        cfg.cluster.containment = self.containment;
        cfg.cluster.center_floor = self.center_floor;
        cfg.cluster.max_days = self.max_days;
        cfg.cluster.stories.mode = self.group;
        cfg
    }
}

impl RunArgs {
    /// Resolves the flags into the pipeline's configuration.
    pub fn config(&self) -> Config {
        let mut cfg = self.pipeline.config(self.paths.clone());
        cfg.canonical = self.canonical;
        self.input.apply(&mut cfg, &self.pipeline.ext);
        cfg.index = self.index.clone().map(|dir| crate::index::Settings {
            dir,
            remove: self.remove.clone(),
            changed_only: self.changed,
        });
        cfg
    }

    /// What flags alone cannot say is wrong: -0 with nothing NUL-separated.
    pub fn check(&self) -> Result<(), String> {
        if self.input.null
            && self.input.files_from.is_none()
            && self.stories.format != Some(StoryFormat::Duplicates)
        {
            return Err(
                "-0 applies to a --files-from list or to --format duplicates; neither is given"
                    .into(),
            );
        }
        Ok(())
    }

    /// The story output's format.
    pub fn format(&self) -> output::Format {
        match self.stories.format {
            None => self.output.format(),
            Some(StoryFormat::Json) => output::Format::Json,
            Some(StoryFormat::Jsonl) => output::Format::Jsonl,
            Some(StoryFormat::Pretty) => output::Format::Pretty,
            Some(StoryFormat::Csv) => output::Format::Csv,
            Some(StoryFormat::Tsv) => output::Format::Tsv,
            Some(StoryFormat::Duplicates) => output::Format::Duplicates {
                nul: self.input.null,
            },
        }
    }

    /// Resolves the flags into where results and reports go. Reads whether stderr is a
    /// terminal and the `CI` and `NO_COLOR` variables.
    pub fn reporting(&self) -> Reporting {
        Reporting {
            output: self.output.path(),
            format: self.format(),
            no_text: self.stories.no_text,
            stats_table: self.stats && !self.quiet,
            stats_json: self.stats_json.clone(),
            progress: progress::wanted(self.quiet),
            color: progress::color(),
            notes: !self.quiet,
        }
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
        let cli = Cli::try_parse_from([
            "newsdedup",
            "--max-days",
            "30",
            "--center-floor",
            "0.4",
            "dir",
        ])
        .unwrap();
        let cfg = cli.run.config();
        assert_eq!(cfg.cluster.max_days, Some(30));
        assert_eq!(cfg.cluster.center_floor, 0.4);
        assert_eq!(
            Cli::try_parse_from(["newsdedup", "dir"])
                .unwrap()
                .run
                .config()
                .cluster
                .max_days,
            None
        );
    }

    #[test]
    fn parses_input_output_and_report_options() {
        let cli = Cli::try_parse_from(["newsdedup", "--files-from", "-", "-0", "-o", "out.json"])
            .unwrap();
        let cfg = cli.run.config();
        assert!(cfg.paths.is_empty(), "PATH is optional with --files-from");
        assert_eq!(
            cfg.files_from,
            Some(FileList {
                path: PathBuf::from("-"),
                nul: true
            })
        );
        assert_eq!(cfg.exts, ExtFilter::parse(DEFAULT_EXT));
        let rep = cli.run.reporting();
        assert_eq!(rep.output, Some(PathBuf::from("out.json")));
        assert!(!rep.stats_table && rep.stats_json.is_none());

        let cli = Cli::try_parse_from(["newsdedup", "--input", "jsonl", "-o", "-", "-"]).unwrap();
        let cfg = cli.run.config();
        assert_eq!(cfg.input, InputKind::Jsonl);
        assert_eq!(
            cfg.exts,
            ExtFilter::parse(JSONL_EXT),
            "jsonl searches *.jsonl"
        );
        assert_eq!(cli.run.reporting().output, None, "-o - is stdout");
        let cli = Cli::try_parse_from(["newsdedup", "--input", "jsonl", "--ext", "txt", "d"]);
        assert_eq!(cli.unwrap().run.config().exts, ExtFilter::parse("txt"));

        let cli = Cli::try_parse_from(["newsdedup", "-q", "--stats", "d"]).unwrap();
        let rep = cli.run.reporting();
        assert!(!rep.stats_table && !rep.progress, "--quiet silences both");

        let lone_null = Cli::try_parse_from(["newsdedup", "-0", "d"]).unwrap();
        assert!(lone_null.run.check().is_err(), "-0 needs a list");
        let dupes =
            Cli::try_parse_from(["newsdedup", "-0", "--format", "duplicates", "d"]).unwrap();
        assert!(dupes.run.check().is_ok());
        assert_eq!(dupes.run.format(), output::Format::Duplicates { nul: true });
        assert!(Cli::try_parse_from(["newsdedup", "--format", "csv", "--jsonl", "d"]).is_err());
        assert!(Cli::try_parse_from(["newsdedup", "--input", "xml", "d"]).is_err());
        assert!(Cli::try_parse_from(["newsdedup", "completions", "bash"]).is_ok());
        assert!(Cli::try_parse_from(["newsdedup", "man"]).is_ok());
    }

    #[test]
    fn default_ext_matches_the_flag_default() {
        let cli = Cli::try_parse_from(["newsdedup", "d"]).unwrap();
        assert_eq!(cli.run.pipeline.ext, DEFAULT_EXT);
    }

    fn eval_source(args: &[&str]) -> Result<EvalSource, clap::Error> {
        let cli = Cli::try_parse_from(["newsdedup", "eval"].iter().chain(args))?;
        match cli.command {
            Some(Command::Eval(e)) => Ok(e.source()),
            other => panic!("not eval: {other:?}"),
        }
    }

    #[test]
    fn parses_eval() {
        let EvalSource::Run { config, sweep } =
            eval_source(&["--gold", "g.tsv", "--jaccard", "0.7", "-j", "2", "dir"]).unwrap()
        else {
            panic!("not a run")
        };
        assert_eq!(config.paths, vec![PathBuf::from("dir")]);
        assert_eq!((config.cluster.jaccard, config.threads), (0.7, 2));
        assert_eq!(sweep, None);

        let Ok(EvalSource::Run { sweep, .. }) = eval_source(&["--gold", "g", "--sweep", "dir"])
        else {
            panic!("not a run")
        };
        assert_eq!(sweep, Some(eval::Grid::default()), "defaults as in eval");
        let Ok(EvalSource::Run { sweep, .. }) = eval_source(&[
            "--gold",
            "g",
            "--sweep",
            "--sweep-jaccard",
            "0.5,0.9",
            "--sweep-containment=0.4",
            "dir",
        ]) else {
            panic!("not a run")
        };
        assert_eq!(
            sweep,
            Some(eval::Grid {
                jaccard: vec![0.5, 0.9],
                containment: vec![0.4],
            })
        );

        assert_eq!(
            eval_source(&["--gold", "g", "--pred", "p.json"]).unwrap(),
            EvalSource::Saved(PathBuf::from("p.json"))
        );
        for bad in [
            &["dir"][..],                                        // no --gold
            &["--gold", "g"],                                    // nothing to score
            &["--gold", "g", "--pred", "p", "dir"],              // both
            &["--gold", "g", "--pred", "p", "--sweep"],          // nothing to sweep
            &["--gold", "g", "--pred", "p", "--jaccard", "0.6"], // thresholds of nothing
            &["--gold", "g", "--sweep", "--jaccard", "0.6", "dir"],
            &["--gold", "g", "--sweep-jaccard", "0.5", "dir"], // without --sweep
            &[
                "--gold",
                "g",
                "--sweep",
                "--sweep-jaccard",
                "0.5,1.5",
                "dir",
            ],
        ] {
            assert!(eval_source(bad).is_err(), "{bad:?} accepted");
        }
    }
}
