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
    Command::new(BIN)
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env_remove("CI")
        .output()
        .expect("run newsdedup")
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
