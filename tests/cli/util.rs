//! Helpers that run the real executable.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub const BIN: &str = env!("CARGO_BIN_EXE_newsdedup");

/// The repository's fixtures folder.
pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}

/// Runs newsdedup with `args` in the repository root.
pub fn run<S: AsRef<std::ffi::OsStr>>(args: &[S]) -> Output {
    run_in(Path::new(env!("CARGO_MANIFEST_DIR")), args)
}

/// Runs newsdedup with `args` in `dir`.
pub fn run_in<S: AsRef<std::ffi::OsStr>>(dir: &Path, args: &[S]) -> Output {
    Command::new(BIN)
        .args(args)
        .current_dir(dir)
        .env_remove("CI")
        .output()
        .expect("run newsdedup")
}

/// Writes `dir/docNNN.txt` for each content, numbered from 0; returns their paths.
pub fn write_docs(dir: &Path, contents: impl Iterator<Item = Vec<u8>>) -> Vec<PathBuf> {
    contents
        .enumerate()
        .map(|(i, c)| {
            let p = dir.join(format!("doc{i:03}.txt"));
            std::fs::write(&p, c).unwrap();
            p
        })
        .collect()
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).expect("stdout is UTF-8")
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).expect("stderr is UTF-8")
}

/// Parses stdout as the JSON array of stories.
pub fn stories(o: &Output) -> Vec<serde_json::Value> {
    let v: serde_json::Value = serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{}", stdout(o)));
    v.as_array().expect("a JSON array").clone()
}

/// The clustering in a story list: sorted sets of member file names.
pub fn clustering(stories: &[serde_json::Value]) -> Vec<Vec<String>> {
    let mut groups: Vec<Vec<String>> = stories
        .iter()
        .map(|s| {
            let mut g: Vec<String> = s["members"]
                .as_array()
                .unwrap()
                .iter()
                .map(|m| file_name(m["path"].as_str().unwrap()))
                .collect();
            g.sort();
            g
        })
        .collect();
    groups.sort();
    groups
}

pub fn file_name(p: &str) -> String {
    Path::new(p)
        .file_name()
        .unwrap()
        .to_string_lossy()
        .into_owned()
}

/// The clustering a `file<TAB>story` gold file describes.
pub fn gold(path: &Path) -> Vec<Vec<String>> {
    let text = std::fs::read_to_string(path).unwrap();
    let mut by_story: std::collections::BTreeMap<String, Vec<String>> = Default::default();
    for line in text.lines().skip(1).filter(|l| !l.trim().is_empty()) {
        let (file, story) = line.split_once('\t').expect("file<TAB>story");
        by_story
            .entry(story.to_string())
            .or_default()
            .push(file_name(file));
    }
    let mut groups: Vec<Vec<String>> = by_story
        .into_values()
        .map(|mut g| {
            g.sort();
            g
        })
        .collect();
    groups.sort();
    groups
}

/// Runs newsdedup with `args`, feeding `input` on stdin.
pub fn run_stdin<S: AsRef<std::ffi::OsStr>>(args: &[S], input: &[u8]) -> Output {
    use std::io::Write;
    use std::process::Stdio;
    let mut child = Command::new(BIN)
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env_remove("CI")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run newsdedup");
    let mut stdin = child.stdin.take().unwrap();
    let input = input.to_vec();
    let feeder = std::thread::spawn(move || {
        let _ = stdin.write_all(&input);
    });
    let out = child.wait_with_output().expect("wait for newsdedup");
    feeder.join().unwrap();
    out
}

/// The skip lines of stderr as (path, reason); panics on any other line.
pub fn skip_lines(o: &Output) -> Vec<(String, String)> {
    stderr(o)
        .lines()
        .map(|l| {
            let rest = l
                .strip_prefix("newsdedup: skipped ")
                .unwrap_or_else(|| panic!("not a skip line: {l:?}"));
            // Test paths hold no ": ", so the first one ends the path (a `FILE:LINE` has none).
            let (path, reason) = rest.split_once(": ").expect("PATH: REASON");
            (path.to_string(), reason.to_string())
        })
        .collect()
}

/// The `skipped` list of a `--stats-json` file as (path, reason, kind).
pub fn stats_skipped(stats: &serde_json::Value) -> Vec<(String, String, String)> {
    stats["skipped"]
        .as_array()
        .expect("skipped is a list")
        .iter()
        .map(|s| {
            let f = |k: &str| {
                s[k].as_str()
                    .unwrap_or_else(|| panic!("{k} in {s}"))
                    .to_string()
            };
            (f("path"), f("reason"), f("kind"))
        })
        .collect()
}

/// Member paths of every story in a JSON array of stories.
pub fn member_paths(stories: &[serde_json::Value]) -> Vec<String> {
    stories
        .iter()
        .flat_map(|s| s["members"].as_array().unwrap().iter())
        .map(|m| m["path"].as_str().unwrap().to_string())
        .collect()
}

/// Nothing lost: every input in `expected` is a story member or a skip exactly once, in both
/// the skip report on stderr and the `--stats-json` list, which agree line for line; nothing
/// else appears. Returns the skips as (path, reason, kind) for further checks.
pub fn assert_accounted(
    expected: &[String],
    out: &Output,
    stats: &serde_json::Value,
) -> Vec<(String, String, String)> {
    let members = member_paths(&stories(out));
    let report = skip_lines(out);
    let listed = stats_skipped(stats);
    let from_report: Vec<(String, String)> = report.clone();
    let from_stats: Vec<(String, String)> = listed
        .iter()
        .map(|(p, r, _)| (p.clone(), r.clone()))
        .collect();
    assert_eq!(from_report, from_stats, "stderr and --stats-json disagree");
    let mut seen: std::collections::BTreeMap<&str, Vec<&str>> = Default::default();
    for m in &members {
        seen.entry(m).or_default().push("member");
    }
    for (p, _) in &report {
        seen.entry(p).or_default().push("skipped");
    }
    for e in expected {
        match seen.get(e.as_str()) {
            Some(v) if v.len() == 1 => {}
            Some(v) => panic!("{e} appears {} times: {v:?}", v.len()),
            None => panic!("{e} is lost: neither a member nor skipped\n{}", stderr(out)),
        }
    }
    let inputs: std::collections::HashSet<&str> = expected.iter().map(String::as_str).collect();
    let extra: Vec<&&str> = seen.keys().filter(|k| !inputs.contains(**k)).collect();
    assert!(extra.is_empty(), "not inputs: {extra:?}");
    assert_eq!(
        stats["articles"].as_u64().unwrap() as usize,
        members.len(),
        "articles count"
    );
    listed
}

/// Reads a JSON file.
pub fn read_json(path: &Path) -> serde_json::Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The folder of third-party data beside the repository (`../shared`, never committed), or
/// `$NEWSDEDUP_TEST_SHARED` when set.
pub fn shared_root() -> PathBuf {
    match std::env::var_os("NEWSDEDUP_TEST_SHARED") {
        Some(p) => PathBuf::from(p),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared"),
    }
}

/// `rel` under [`shared_root`] (such as `corpora/ecbplus`) when it is a folder. When it is
/// absent, the test `test` cannot make its `checks`: one line says so on the test process's
/// stderr and the caller returns (the test passes, having checked nothing).
///
/// The line is written to stderr itself, not with `eprintln!`: libtest captures the print
/// macros and shows them only with `--nocapture` (or for a failing test), so a plain
/// `cargo test` would show every corpus test green with no sign that it did not run.
pub fn shared_dir(rel: &str, test: &str, checks: &str) -> Option<PathBuf> {
    use std::io::Write;
    let p = shared_root().join(rel);
    if p.is_dir() {
        return Some(p);
    }
    let _ = writeln!(
        std::io::stderr(),
        "NOT RUN {test}: {checks} not checked, because {} is absent (third-party data, \
         never committed; put it there, or point NEWSDEDUP_TEST_SHARED at a folder holding \
         {rel})",
        p.display()
    );
    None
}

/// An outcome's stories as the main job prints them with `--jsonl`.
pub fn stories_jsonl(outcome: &newsdedup::pipeline::Outcome) -> Vec<u8> {
    use newsdedup::output;
    let mut v = Vec::new();
    output::write_stories(
        &mut v,
        &outcome.stories,
        &outcome.articles,
        output::Format::Jsonl,
        output::StoryOptions::default(),
    )
    .unwrap();
    v
}
