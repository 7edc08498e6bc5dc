//! Corpus-level templates (fixtures/templates, hand-written): five unrelated pages of one site
//! carry the same membership pitch, two of them (council stories) also share a background
//! paragraph; one bridge story runs on four other sites with edits.

use crate::util::*;

fn stats_of(args: &[&str]) -> (Vec<Vec<String>>, serde_json::Value) {
    let dir = tempfile::tempdir().unwrap();
    let json = dir.path().join("stats.json");
    let mut all: Vec<&str> = vec!["fixtures/templates", "--stats-json", json.to_str().unwrap()];
    all.extend_from_slice(args);
    let out = run(&all);
    assert!(out.status.success(), "{}", stderr(&out));
    (clustering(&stories(&out)), read_json(&json))
}

#[test]
fn a_site_template_does_not_join_unrelated_pages() {
    let (clusters, stats) = stats_of(&[]);
    assert_eq!(clusters, gold(&fixtures().join("templates/gold.tsv")));
    assert_eq!(stats["template_paragraphs"], 1, "the membership pitch");
    assert_eq!(stats["articles_with_templates"], 5);
}

#[test]
fn without_template_detection_the_pitch_joins_two_council_stories() {
    let (clusters, stats) = stats_of(&["--template-min-docs", "0"]);
    assert_eq!(stats["template_paragraphs"], 0);
    assert!(
        clusters.contains(&vec![
            "council-budget.txt".to_string(),
            "council-parks.txt".to_string()
        ]),
        "{clusters:?}"
    );
}

#[test]
fn templates_are_found_the_same_with_texts_read_again() {
    // With no memory for texts, template paragraphs are shingled from a file read again.
    let (kept, _) = stats_of(&[]);
    let (reread, stats) = stats_of(&["--text-memory", "0", "--no-spill"]);
    assert_eq!(kept, reread);
    assert_eq!(stats["texts_dropped"], 9);
    assert_eq!(stats["texts_spilled"], 0);
    assert_eq!(stats["texts_reread"], 6, "one canonical per story");
    // By default they are written to a temporary file and read back from it.
    let (spilled, stats) = stats_of(&["--text-memory", "0"]);
    assert_eq!(kept, spilled);
    assert_eq!(stats["texts_dropped"], 9);
    assert_eq!(stats["texts_spilled"], 9);
    assert_eq!(stats["texts_reread"], 0);
}

/// A run on the fixtures with no memory for texts and `TMPDIR` set to `tmpdir`: its output and
/// statistics.
fn with_no_text_memory_and_tmpdir(
    tmpdir: &std::path::Path,
) -> (std::process::Output, serde_json::Value) {
    let dir = tempfile::tempdir().unwrap();
    let json = dir.path().join("stats.json");
    let out = std::process::Command::new(BIN)
        .args(["fixtures/templates", "--text-memory", "0", "--stats-json"])
        .arg(&json)
        .env("TMPDIR", tmpdir)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let stats = read_json(&json);
    (out, stats)
}

#[test]
fn without_a_usable_temporary_folder_texts_are_read_again() {
    let dir = tempfile::tempdir().unwrap();
    let (out, stats) = with_no_text_memory_and_tmpdir(&dir.path().join("missing"));
    assert_eq!(stats["texts_spilled"], 0);
    assert_eq!(stats["texts_reread"], 6);
    assert_eq!(clustering(&stories(&out)), stats_of(&[]).0);
    assert!(
        stderr(&out).contains("newsdedup: note: texts beyond --text-memory were read again"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_temporary_folder_in_memory_is_not_used() {
    // On tmpfs the texts would stay in RAM, unseen by --text-memory.
    let shm = std::path::Path::new("/dev/shm");
    let mounts = std::fs::read_to_string("/proc/mounts").unwrap_or_default();
    if !mounts
        .lines()
        .any(|l| l.split(' ').nth(1) == Some("/dev/shm") && l.contains(" tmpfs "))
    {
        eprintln!("skipped: /dev/shm is not a tmpfs here");
        return;
    }
    let (out, stats) = with_no_text_memory_and_tmpdir(shm);
    assert_eq!(stats["texts_spilled"], 0);
    assert_eq!(stats["texts_reread"], 6);
    assert!(
        stderr(&out).contains("is in memory (tmpfs)"),
        "{}",
        stderr(&out)
    );
}
