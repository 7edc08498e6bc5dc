//! Gathers what a run reads: the paths given and those listed by `--files-from`, expanded into
//! files; with `--input jsonl`, the records those files (or stdin) hold.

use std::collections::HashMap;
use std::io::BufReader;
use std::path::PathBuf;

use anyhow::bail;

use super::list::{FileList, is_stdin};
use super::walk::{Expander, ExtFilter, Origin};
use super::{InputKind, Record, Skip, SkipReason, Source, compressed, io_reason, jsonl};

/// The sources of a run, and what could not become one.
#[derive(Debug, Default)]
pub struct Gathered {
    /// In the order found: argument order, each folder sorted, each JSONL stream in line order.
    pub sources: Vec<Source>,
    /// Paths that could not be listed or read, bad JSONL lines, duplicate record ids.
    pub skipped: Vec<Skip>,
    /// Arguments (not listed paths) that do not exist: a usage error for the exit code.
    pub missing_args: usize,
    /// Files seen in folders but not read because of their extension.
    pub ignored_by_ext: usize,
}

/// The name stdin has in messages and in `FILE:LINE` locations.
pub const STDIN: &str = "<stdin>";

/// Gathers the sources of `paths` and of the paths `list` names. Errors are usage errors: the
/// list cannot be read, or stdin is asked for twice.
pub fn gather(
    paths: &[PathBuf],
    list: Option<&FileList>,
    kind: InputKind,
    exts: &ExtFilter,
) -> anyhow::Result<Gathered> {
    let stdin_list = list.is_some_and(FileList::is_stdin);
    if stdin_list && kind == InputKind::Jsonl && paths.iter().any(|p| is_stdin(p)) {
        bail!("stdin cannot be both the --files-from list and a JSONL input (-)");
    }
    let listed = match list {
        Some(l) => match l.read() {
            Ok(p) => p,
            Err(e) => bail!("cannot read the --files-from list {}: {e}", l.name()),
        },
        None => Vec::new(),
    };
    let args = paths
        .iter()
        .map(|p| (p, Origin::Argument))
        .chain(listed.iter().map(|p| (p, Origin::Listed)));

    if kind == InputKind::Files && paths.iter().any(|p| is_stdin(p)) {
        bail!(
            "- (stdin) is read as JSON Lines records only, with --input jsonl; a list of paths \
             on stdin is --files-from -; an article or WARC file on stdin: save it to a file first"
        );
    }
    let mut ex = Expander::new(exts);
    // With JSONL input, `-` is stdin; where it came among the files decides which of two
    // records with one id comes first.
    let mut stdin_at = None;
    for (path, origin) in args {
        if kind == InputKind::Jsonl && is_stdin(path) {
            if stdin_list {
                bail!("stdin cannot be both the --files-from list and a JSONL input (-)");
            }
            stdin_at.get_or_insert(ex.files_so_far());
            continue;
        }
        ex.add(path, origin);
    }
    let expanded = ex.finish();
    let mut out = Gathered {
        sources: Vec::new(),
        skipped: expanded.skipped,
        missing_args: expanded.missing_args,
        ignored_by_ext: expanded.ignored_by_ext,
    };
    if kind == InputKind::Files {
        out.sources = expanded.files.into_iter().map(Source::File).collect();
        return Ok(out);
    }

    let mut records: Vec<Record> = Vec::new();
    let mut bad: Vec<(String, String)> = Vec::new();
    for i in 0..=expanded.files.len() {
        if stdin_at == Some(i) {
            let stdin = BufReader::with_capacity(1 << 16, std::io::stdin());
            let read = compressed::open(stdin)
                .and_then(|(stream, _)| jsonl::read(stream, STDIN, &mut records, &mut bad));
            if let Err(e) = read {
                out.skipped.push(Skip {
                    path: STDIN.into(),
                    reason: SkipReason::Unreadable(io_reason(&e)),
                });
            }
        }
        let Some(f) = expanded.files.get(i) else {
            break;
        };
        // A compressed file (`dump.jsonl.gz`) is read through its decoder.
        let read = compressed::open_file(&f.path)
            .and_then(|(stream, _)| jsonl::read(stream, &f.display, &mut records, &mut bad));
        if let Err(e) = read {
            out.skipped.push(Skip {
                path: f.display.clone(),
                reason: SkipReason::Unreadable(io_reason(&e)),
            });
        }
    }
    out.skipped.extend(bad.into_iter().map(|(at, reason)| Skip {
        path: at,
        reason: SkipReason::BadRecord(reason),
    }));
    let mut first: HashMap<String, String> = HashMap::with_capacity(records.len());
    for r in records {
        if let Some(at) = first.get(&r.id) {
            out.skipped.push(Skip {
                path: r.at,
                reason: SkipReason::DuplicateId {
                    id: r.id,
                    first: at.clone(),
                },
            });
            continue;
        }
        first.insert(r.id.clone(), r.at.clone());
        out.sources.push(Source::Record(r));
    }
    Ok(out)
}
