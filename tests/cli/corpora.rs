//! Accuracy floors on the third-party corpora in ../shared/corpora (read at test time, never
//! committed). Each test passes without checking anything when its corpus is absent, and says
//! so on stderr, visible in a plain `cargo test` ([`shared_dir`]).

use std::collections::HashMap;

use crate::util::*;

/// The accuracy issue's targets on the SpotSigs development split, as a regression floor.
#[test]
fn spotsigs_dev_pairwise_f1_and_ari_reach_097() {
    let Some(dir) = shared_dir(
        "corpora/spotsigs-dev",
        "spotsigs_dev_pairwise_f1_and_ari_reach_097",
        "the SpotSigs dev accuracy floor (pairwise F1 and ARI >= 0.97)",
    ) else {
        return;
    };
    let out = run(&[
        "eval".as_ref(),
        "--json".as_ref(),
        "--gold".as_ref(),
        dir.join("labels.tsv").as_os_str(),
        dir.join("pages").as_os_str(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let f1 = v["pairwise"]["f1"].as_f64().unwrap();
    let ari = v["ari"].as_f64().unwrap();
    assert!(f1 >= 0.97 && ari >= 0.97, "pairwise F1 {f1}, ARI {ari}");
}

/// Every group of Reuters records with identical bodies ends in one story.
#[test]
fn reuters_exact_duplicate_groups_end_in_one_story() {
    let Some(dir) = shared_dir(
        "corpora/reuters21578",
        "reuters_exact_duplicate_groups_end_in_one_story",
        "the 322 Reuters exact-duplicate groups each ending in one story",
    ) else {
        return;
    };
    let out = run(&["--jsonl".as_ref(), dir.join("articles").as_os_str()]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let mut story_of: HashMap<String, String> = HashMap::new();
    for line in stdout(&out).lines() {
        let s: serde_json::Value = serde_json::from_str(line).unwrap();
        for m in s["members"].as_array().unwrap() {
            let id = file_name(m["path"].as_str().unwrap())
                .trim_end_matches(".txt")
                .trim_start_matches('0')
                .to_string();
            story_of.insert(id, s["story_id"].as_str().unwrap().to_string());
        }
    }
    let groups = std::fs::read_to_string(dir.join("derived_exact_body_duplicates.tsv")).unwrap();
    let mut checked = 0;
    for line in groups
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
    {
        let (name, ids) = line.split_once('\t').unwrap();
        let stories: std::collections::BTreeSet<&String> = ids
            .split(',')
            .map(|id| {
                story_of
                    .get(id)
                    .unwrap_or_else(|| panic!("record {id} is in no story"))
            })
            .collect();
        assert_eq!(
            stories.len(),
            1,
            "group {name} ({ids}) is split over {} stories",
            stories.len()
        );
        checked += 1;
    }
    assert_eq!(checked, 322);
}

/// ecbplus holds two different events per topic, as independent write-ups: no story may hold
/// articles of two events (the story evidence must keep sibling stories apart).
#[test]
fn ecbplus_no_story_spans_two_events() {
    let Some(dir) = shared_dir(
        "corpora/ecbplus",
        "ecbplus_no_story_spans_two_events",
        "ecbplus stories never spanning two events",
    ) else {
        return;
    };
    let labels = std::fs::read_to_string(dir.join("labels.tsv")).unwrap();
    let event_of: HashMap<&str, &str> = labels
        .lines()
        .skip(1)
        .filter_map(|l| l.split_once('\t'))
        .map(|(path, event)| (path.rsplit('/').next().unwrap(), event))
        .collect();
    let out = run(&["--jsonl".as_ref(), dir.join("pages").as_os_str()]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let mut joined = 0;
    let mut members = 0;
    for line in stdout(&out).lines() {
        let s: serde_json::Value = serde_json::from_str(line).unwrap();
        let names: Vec<String> = s["members"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| file_name(m["path"].as_str().unwrap()))
            .collect();
        members += names.len();
        joined += usize::from(names.len() > 1);
        let events: std::collections::BTreeSet<&str> = names
            .iter()
            .map(|n| {
                *event_of
                    .get(n.as_str())
                    .unwrap_or_else(|| panic!("{n} has no label"))
            })
            .collect();
        assert_eq!(
            events.len(),
            1,
            "story {} spans events {events:?}",
            s["story_id"]
        );
    }
    assert_eq!(members, event_of.len());
    // The check means something only if some articles were joined at all.
    assert!(joined > 0, "no story has two members");
}

/// A corpus test whose corpus is absent says so in a plain `cargo test`, without
/// `--nocapture`: this runs one of them in this test binary, pointed at a missing folder, as
/// `cargo test` would, and reads what reaches its stderr.
#[test]
fn an_absent_corpus_is_reported_without_nocapture() {
    let missing = tempfile::tempdir().unwrap();
    let out = std::process::Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "corpora::ecbplus_no_story_spans_two_events"])
        .env("NEWSDEDUP_TEST_SHARED", missing.path())
        .output()
        .unwrap();
    assert!(out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    let want = format!(
        "NOT RUN ecbplus_no_story_spans_two_events: ecbplus stories never spanning two events \
         not checked, because {} is absent",
        missing.path().join("corpora/ecbplus").display()
    );
    assert!(err.contains(&want), "stderr:\n{err}");
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("1 passed"),
        "the test ran"
    );
}
