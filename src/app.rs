//! Runs a parsed command line and decides the exit code. Messages go to stderr; records go
//! through the output module.

use std::io::{self, Write};

use crate::cli::{Cli, Command, NormalizeArgs, RunArgs};
use crate::input::{self, Skip};
use crate::{output, pipeline};

/// Documented exit codes.
pub mod exit {
    pub const OK: u8 = 0;
    pub const DUPLICATES: u8 = 1;
    pub const ERROR: u8 = 2;
    pub const SKIPPED: u8 = 3;
}

/// Runs the command and returns the exit code.
pub fn run(cli: Cli) -> u8 {
    let result = match cli.command {
        Some(Command::Normalize(args)) => normalize(&args),
        None => dedup(&cli.run),
    };
    match result {
        Ok(code) => code,
        Err(e) if is_broken_pipe(&e) => exit::OK,
        Err(e) => {
            eprintln!("newsdedup: error: {e:#}");
            exit::ERROR
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

fn dedup(args: &RunArgs) -> anyhow::Result<u8> {
    let cfg = args.config();
    let outcome = pipeline::run(&cfg)?;
    report_skips(&outcome.skipped);
    output::to_stdout(|w| {
        output::write_stories(w, &outcome.stories, &outcome.articles, args.output.format())
    })?;
    Ok(if outcome.missing_args > 0 {
        exit::ERROR
    } else if args.fail_on_duplicates && outcome.stories.iter().any(|s| s.members.len() > 1) {
        exit::DUPLICATES
    } else if args.strict && !outcome.skipped.is_empty() {
        exit::SKIPPED
    } else {
        exit::OK
    })
}

fn normalize(args: &NormalizeArgs) -> anyhow::Result<u8> {
    let mut expanded = input::expand(&args.paths, &input::ExtFilter::parse(&args.ext));
    expanded.files.sort_by(|a, b| a.display.cmp(&b.display));
    let mut skipped = expanded.skipped;
    let mut articles = Vec::new();
    for f in &expanded.files {
        match pipeline::load(f) {
            Ok((a, _)) => articles.push(a),
            Err(reason) => skipped.push(Skip {
                path: f.display.clone(),
                reason,
            }),
        }
    }
    report_skips(&skipped);
    output::to_stdout(|w| output::write_records(w, articles.iter(), args.output.format()))?;
    Ok(if expanded.missing_args > 0 {
        exit::ERROR
    } else {
        exit::OK
    })
}
