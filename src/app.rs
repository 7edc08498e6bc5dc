//! Runs a parsed command line and decides the exit code. Messages go to stderr; records go
//! through the output module.

use std::io::{self, Read, Write};
use std::path::Path;

use anyhow::{Context, anyhow};
use rayon::prelude::*;

use crate::canonical::Story;
use crate::cli::{
    AssembleArgs, Cli, Command, EvalArgs, EvalSource, FingerprintArgs, NormalizeArgs, RunArgs,
};
use crate::cluster::ClusterParams;
use crate::eval::{self, Evaluation};
use crate::input::{self, Skip};
use crate::normalize::Article;
use crate::{index, output, pipeline, progress, read, scale};

/// Documented exit codes.
pub mod exit {
    pub const OK: u8 = 0;
    pub const DUPLICATES: u8 = 1;
    pub const ERROR: u8 = 2;
    pub const SKIPPED: u8 = 3;
    /// The `--index` is locked by another process.
    pub const LOCKED: u8 = 4;
}

/// Runs the command and returns the exit code.
pub fn run(cli: Cli) -> u8 {
    let result = match cli.command {
        Some(Command::Normalize(args)) => normalize(&args),
        Some(Command::Eval(args)) => evaluate(&args),
        Some(Command::Fingerprint(args)) => fingerprint(&args),
        Some(Command::Assemble(args)) => assemble(&args),
        Some(Command::Completions(args)) => completions(args.shell),
        Some(Command::Man(args)) => man(args.command.as_deref()),
        None => dedup(&cli.run),
    };
    match result {
        Ok(code) => code,
        Err(e) if is_broken_pipe(&e) => exit::OK,
        Err(e) => {
            eprintln!("newsdedup: error: {e:#}");
            match e.downcast_ref::<index::IndexError>() {
                Some(index::IndexError::Locked(_)) => exit::LOCKED,
                _ => exit::ERROR,
            }
        }
    }
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<io::Error>()
            .is_some_and(|io| io.kind() == io::ErrorKind::BrokenPipe)
    })
}

fn report_skips(skipped: &[Skip]) {
    let stderr = io::stderr();
    let mut err = stderr.lock();
    for s in skipped {
        let _ = writeln!(err, "newsdedup: skipped {s}");
    }
}

fn report_warnings(warnings: &[String]) {
    let stderr = io::stderr();
    let mut err = stderr.lock();
    for w in warnings {
        let _ = writeln!(err, "newsdedup: warning: {w}");
    }
}

/// `newsdedup fingerprint`: one shard of the Spark path.
fn fingerprint(args: &FingerprintArgs) -> anyhow::Result<u8> {
    let cfg = args.config();
    let progress = progress::Bar::new(progress::wanted(args.quiet), progress::color());
    let written = scale::fingerprint::run(&cfg, &args.out_dir, args.shard.as_deref(), &progress)?;
    progress.finish();
    report_skips(&written.skipped);
    report_warnings(&written.warnings);
    if !args.quiet {
        eprintln!(
            "newsdedup: note: wrote {}: {} articles, {} skipped",
            written.shard.display(),
            written.articles,
            written.skipped.len()
        );
    }
    Ok(if written.missing_args > 0 {
        exit::ERROR
    } else {
        exit::OK
    })
}

/// `newsdedup assemble`: answers the Spark job's tasks.
fn assemble(args: &AssembleArgs) -> anyhow::Result<u8> {
    let text = std::fs::read_to_string(&args.params)
        .with_context(|| format!("{}", args.params.display()))?;
    let params: scale::Params = serde_json::from_str(&text)
        .map_err(|e| anyhow!("{}: not newsdedup parameters ({e})", args.params.display()))?;
    let stdin = io::stdin();
    let mut input = stdin.lock();
    let mut bad = 0;
    output::to_stdout(|out| {
        bad = scale::assemble::run(&params, &mut input, out, args.threads())
            .map_err(|e| io::Error::other(format!("{e:#}")))?;
        Ok(())
    })?;
    Ok(if bad > 0 { exit::ERROR } else { exit::OK })
}

fn dedup(args: &RunArgs) -> anyhow::Result<u8> {
    args.check().map_err(|e| anyhow!(e))?;
    let cfg = args.config();
    let report = args.reporting();
    if cfg.input == input::InputKind::Files && report.notes {
        for p in cfg.paths.iter().filter(|p| looks_like_jsonl(p)) {
            eprintln!(
                "newsdedup: note: {} looks like JSON Lines: it is read as one article; give \
                 --input jsonl to read its records",
                input::shown(p)
            );
        }
    }
    if let Some(settings) = &cfg.index {
        let file = settings.dir.join(index::store::FILE);
        if settings.prints_only(&cfg) && !file.exists() {
            // A mistyped or unmounted folder is not an empty index.
            anyhow::bail!(
                "{}: no story index there (give paths to build one)",
                file.display()
            );
        }
    }
    // Checked before any input is read: a run of an hour must not end in "cannot write", and
    // `-o idx/stories.idx` must not replace the index with the stories.
    for (flag, path) in [("-o", &report.output), ("--stats-json", &report.stats_json)] {
        let Some(p) = path else { continue };
        if let Some(settings) = cfg.index.as_ref().filter(|s| index::holds(&s.dir, p)) {
            anyhow::bail!(
                "{flag} {} is inside the index folder {}; write it elsewhere",
                p.display(),
                settings.dir.display()
            );
        }
        output::check_writable(p)
            .with_context(|| format!("cannot write {flag} {}", p.display()))?;
    }
    let bar = progress::Bar::new(report.progress, report.color);
    let mut index_note: Option<String> = None;
    let (outcome, history, pending) = match &cfg.index {
        Some(settings) => {
            let update = index::run(&cfg, settings, &bar);
            bar.finish();
            let update = update?;
            index_note = report.notes.then(|| index_notes(&update, settings));
            let index::Update {
                outcome,
                history,
                pending,
                ..
            } = update;
            (outcome, Some(history), pending)
        }
        None => {
            let outcome = pipeline::run_with(&cfg, &bar);
            bar.finish();
            (outcome?, None, None)
        }
    };
    report_skips(&outcome.skipped);
    report_warnings(&outcome.warnings);
    if report.notes && cfg.index.is_none() && outcome.stats.files == 0 && outcome.skipped.is_empty()
    {
        // `[]` with nothing on stderr reads as "no duplicates", not "nothing read".
        let ignored = outcome.stats.ignored_by_ext;
        eprintln!(
            "newsdedup: note: no articles found{}",
            if ignored > 0 {
                format!(
                    "; {ignored} file{} ignored by extension (--ext chooses which files in a \
                     folder are read)",
                    if ignored == 1 { "" } else { "s" }
                )
            } else {
                String::new()
            }
        );
    }
    if let Some(why) = outcome
        .stats
        .spill_problem
        .as_ref()
        .filter(|_| report.notes)
    {
        eprintln!(
            "newsdedup: note: texts beyond --text-memory were read again from their files, \
             not kept in a temporary file: {why}"
        );
    }
    let stats = output::StatsRecord::new(&outcome.stats, &outcome.skipped);
    if let Some(path) = &report.stats_json {
        output::to_file(path, |w| output::write_stats_json(w, &stats))
            .with_context(|| format!("cannot write --stats-json {}", path.display()))?;
    }
    // Records are encoded on a pool of `--threads` workers, like the stages.
    let written = pipeline::in_pool(cfg.threads, || {
        output::to_path_or_stdout(report.output.as_deref(), |w| {
            let opts = output::StoryOptions {
                no_text: report.no_text,
                raw_paths: Some(&outcome.raw_paths),
                history: history.as_deref(),
            };
            output::write_stories(w, &outcome.stories, &outcome.articles, report.format, opts)
        })
    })?;
    if let (Err(e), Some(settings)) = (&written, &cfg.index)
        && pending.is_some()
    {
        // The changes are not saved: said, and not an exit 0 even for a closed pipe.
        eprintln!(
            "newsdedup: error: index {} not updated: the stories could not all be written              ({e}); the next run prints these changes again",
            settings.dir.display()
        );
        return Ok(exit::ERROR);
    }
    written.with_context(|| match &report.output {
        Some(p) => format!("cannot write {}", p.display()),
        None => "cannot write to stdout".to_string(),
    })?;
    // Saved once the stories are out: a run whose output failed leaves the index as it was.
    if let Some(pending) = pending {
        pending.save(&outcome.articles, &outcome.raw_paths)?;
    }
    if let Some(note) = index_note {
        eprint!("{note}");
    }
    if report.stats_table {
        let stderr = io::stderr();
        let mut err = stderr.lock();
        let _ = writeln!(err, "newsdedup: stats");
        let _ = output::write_stats_table(&mut err, &stats);
    }
    let code = if outcome.missing_args > 0 {
        exit::ERROR
    } else if args.fail_on_duplicates && outcome.stories.iter().any(|s| s.members.len() > 1) {
        exit::DUPLICATES
    } else if args.strict && !(outcome.skipped.is_empty() && outcome.warnings.is_empty()) {
        exit::SKIPPED
    } else {
        exit::OK
    };
    // The process ends right after: freeing every article and shingle set one by one would
    // only cost time (tens of milliseconds on Reuters, seconds on a million articles).
    drop(stats);
    std::mem::forget(outcome);
    Ok(code)
}

/// Notes about an index run, printed on stderr once its index is saved: what was not read
/// again, removed, or is gone.
fn index_notes(update: &index::Update, settings: &index::Settings) -> String {
    use std::fmt::Write as _;
    let mut out = String::new();
    let dir = settings.dir.display();
    if update.created {
        let _ = writeln!(out, "newsdedup: note: index {dir}: a new index");
    }
    let _ = writeln!(
        out,
        "newsdedup: note: index {dir}: {} articles, {} stories ({} created or changed); {} inputs \
         already held unchanged, {} articles removed",
        update.outcome.articles.len(),
        update.outcome.stats.stories,
        update.changed,
        update.unchanged,
        update.removed
    );
    for r in &update.removed_nothing {
        let _ = writeln!(
            out,
            "newsdedup: note: --remove {r}: no article of the index is there"
        );
    }
    if !update.gone.is_empty() {
        let _ = writeln!(
            out,
            "newsdedup: note: stories gone (all their versions removed): {}",
            update.gone.join(" ")
        );
    }
    out
}

/// A file named `*.jsonl` or `*.ndjson` (compressed or not).
fn looks_like_jsonl(path: &Path) -> bool {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_ascii_lowercase());
    name.is_some_and(|n| {
        let n = [".gz", ".zst", ".bz2"]
            .iter()
            .find_map(|s| n.strip_suffix(s))
            .unwrap_or(&n);
        n.ends_with(".jsonl") || n.ends_with(".ndjson")
    }) && path.is_file()
}

fn normalize(args: &NormalizeArgs) -> anyhow::Result<u8> {
    let cfg = args.config().map_err(|e| anyhow!(e))?;
    let path = args.output.path();
    let path = path.as_deref();
    if let Some(p) = path {
        output::check_writable(p).with_context(|| format!("cannot write -o {}", p.display()))?;
    }
    let mut gathered = input::gather(&cfg.paths, cfg.files_from.as_ref(), cfg.input, &cfg.exts)?;
    gathered
        .sources
        .sort_by(|a, b| a.display().cmp(b.display()));
    let read = pipeline::in_pool(cfg.threads, || {
        read::read(&gathered.sources, &cfg, None, false, &pipeline::Silent)
    })?;
    let mut skipped = gathered.skipped;
    let mut articles = Vec::new();
    let mut warnings = Vec::new();
    for d in read.docs {
        match d {
            Ok((doc, len)) => {
                if doc.article.truncated {
                    warnings.push(pipeline::truncated_warning(
                        &doc.article,
                        len,
                        &cfg.normalize,
                    ));
                }
                articles.push(doc.article);
            }
            Err(s) => skipped.push(s),
        }
    }
    report_skips(&skipped);
    report_warnings(&warnings);
    output::to_path_or_stdout(path, |w| {
        output::write_records(w, articles.iter(), args.output.format())
    })
    .with_context(|| match path {
        Some(p) => format!("cannot write {}", p.display()),
        None => "cannot write to stdout".to_string(),
    })?;
    Ok(if gathered.missing_args > 0 {
        exit::ERROR
    } else {
        exit::OK
    })
}

fn completions(shell: clap_complete::Shell) -> anyhow::Result<u8> {
    let mut cmd = <Cli as clap::CommandFactory>::command();
    output::to_stdout(|w| {
        clap_complete::generate(shell, &mut cmd, "newsdedup", w);
        Ok(())
    })?;
    Ok(exit::OK)
}

/// newsdedup(1), or newsdedup-COMMAND(1): every page the main one names. Without the `help`
/// subcommand, as clap_mangen's own generator does: `--help` is documented, `help` has no page.
fn man(command: Option<&str>) -> anyhow::Result<u8> {
    let mut cmd = <Cli as clap::CommandFactory>::command().disable_help_subcommand(true);
    cmd.build();
    let page = match command {
        None => cmd,
        Some(name) => match cmd.find_subcommand(name) {
            Some(sub) => sub.clone(),
            None => {
                let names: Vec<&str> = cmd.get_subcommands().map(|c| c.get_name()).collect();
                return Err(anyhow!(
                    "no man page newsdedup-{name}(1): COMMAND is one of {}",
                    names.join(", ")
                ));
            }
        },
    };
    let source = format!("newsdedup {}", env!("CARGO_PKG_VERSION"));
    output::to_stdout(|w| clap_mangen::Man::new(page).source(source).render(w))?;
    Ok(exit::OK)
}

fn evaluate(args: &EvalArgs) -> anyhow::Result<u8> {
    let gold_path = args.gold.display();
    let gold = read_text(&args.gold).with_context(|| format!("gold file {gold_path}"))?;
    let gold = eval::parse_gold(&gold).map_err(|e| anyhow!("gold file {gold_path}: {e}"))?;
    let gold = eval::Gold::new(&gold);

    let (config, grid) = match args.source() {
        EvalSource::Saved(path) => {
            let shown = path.display();
            let text = read_text(&path).with_context(|| format!("prediction {shown}"))?;
            let predicted =
                eval::parse_prediction(&text).map_err(|e| anyhow!("prediction {shown}: {e}"))?;
            let ev = gold.evaluate(&predicted);
            report_matching(&ev)?;
            output::to_stdout(|w| output::write_scores(w, &ev.scores, args.json))?;
            return Ok(exit::OK);
        }
        EvalSource::Run { config, sweep } => (config, sweep),
    };

    let Some(grid) = grid else {
        let outcome = pipeline::run(&config)?;
        report_skips(&outcome.skipped);
        if outcome.missing_args > 0 {
            return Ok(exit::ERROR);
        }
        let ev = gold.evaluate(&member_paths(&outcome.stories, &outcome.articles));
        report_matching(&ev)?;
        output::to_stdout(|w| output::write_scores(w, &ev.scores, args.json))?;
        return Ok(exit::OK);
    };

    // One preparation at the lowest threshold of the grid: pairs below it join at no setting,
    // so every setting clusters exactly what the main job would at those thresholds.
    let prepared = pipeline::prepare(&config, grid.floor().min(config.cluster.verify_floor()))?;
    report_skips(&prepared.skipped);
    if prepared.missing_args > 0 {
        return Ok(exit::ERROR);
    }
    let rows: Vec<((f64, f64), Evaluation)> = pipeline::in_pool(config.threads, || {
        grid.points()
            .into_par_iter()
            .map(|(jaccard, containment)| {
                let params = ClusterParams {
                    jaccard,
                    containment,
                    ..config.cluster.clone()
                };
                let (stories, _) = pipeline::stories(&prepared, &params, config.canonical);
                let ev = gold.evaluate(&member_paths(&stories, &prepared.articles));
                ((jaccard, containment), ev)
            })
            .collect()
    })?;
    // Every setting sees the same paths, so what was left out is the same for all.
    if let Some((_, ev)) = rows.first() {
        report_matching(ev)?;
    }
    let rows: Vec<((f64, f64), eval::Scores)> =
        rows.into_iter().map(|(s, ev)| (s, ev.scores)).collect();
    output::to_stdout(|w| output::write_sweep(w, &rows, args.json))?;
    Ok(exit::OK)
}

/// The member paths of each story, as the main job prints them.
fn member_paths<'a>(stories: &[Story], articles: &'a [Article]) -> Vec<Vec<&'a str>> {
    stories
        .iter()
        .map(|s| {
            s.members
                .iter()
                .map(|m| articles[m.doc as usize].path.as_str())
                .collect()
        })
        .collect()
}

/// Notes on stderr about what was not scored; an error when nothing could be.
fn report_matching(ev: &Evaluation) -> anyhow::Result<()> {
    if ev.scores.items == 0 {
        return Err(anyhow!(
            "no gold file matches a predicted path (a gold path must be the last components \
             of a member path, such as pages/a.htm for corpus/pages/a.htm)"
        ));
    }
    let stderr = io::stderr();
    let mut err = stderr.lock();
    for (n, noun, why) in [
        (
            ev.missing_from_prediction,
            "gold item",
            "not in the prediction",
        ),
        (ev.not_in_gold, "predicted item", "not in the gold file"),
        (
            ev.ambiguous,
            "predicted item",
            "ending with a gold path another one already matched",
        ),
    ] {
        if n > 0 {
            let s = if n == 1 { "" } else { "s" };
            let _ = writeln!(err, "newsdedup: note: {n} {noun}{s} {why} (not scored)");
        }
    }
    Ok(())
}

/// Reads a UTF-8 file, or stdin for "-".
fn read_text(path: &Path) -> anyhow::Result<String> {
    if path.as_os_str() == "-" {
        let mut s = String::new();
        io::stdin().read_to_string(&mut s)?;
        return Ok(s);
    }
    std::fs::read_to_string(path).map_err(|e| match e.kind() {
        io::ErrorKind::NotFound => anyhow!("no such file or directory"),
        io::ErrorKind::InvalidData => anyhow!("not UTF-8 text"),
        _ => anyhow!(e),
    })
}
