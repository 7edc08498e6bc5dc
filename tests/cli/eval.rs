//! `newsdedup eval`: scores against a gold file, from a run or a saved output.

use crate::util::*;

fn json(o: &std::process::Output) -> serde_json::Value {
    serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{}", stdout(o)))
}

fn num(v: &serde_json::Value) -> f64 {
    v.as_f64().unwrap_or_else(|| panic!("not a number: {v}"))
}

/// Asserts every score of one `--json` object is a number in [0, 1] (ARI in [-1, 1]).
fn assert_scores_in_range(v: &serde_json::Value) {
    for m in ["pairwise", "bcubed"] {
        for k in ["precision", "recall", "f1"] {
            let x = num(&v[m][k]);
            assert!((0.0..=1.0).contains(&x), "{m}.{k} = {x}");
        }
    }
    let ari = num(&v["ari"]);
    assert!((-1.0..=1.0).contains(&ari), "ari = {ari}");
}

#[test]
fn seeds_score_perfectly_against_their_gold() {
    let out = run(&[
        "eval",
        "--json",
        "--gold",
        "fixtures/seeds/gold.tsv",
        "fixtures/seeds",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v = json(&out);
    assert_eq!(v["items"], 5);
    assert_eq!(v["gold_stories"], 2);
    assert_eq!(v["predicted_stories"], 2);
    assert_eq!(num(&v["pairwise"]["f1"]), 1.0);
    assert_eq!(num(&v["bcubed"]["f1"]), 1.0);
    assert_eq!(num(&v["ari"]), 1.0);
    assert_eq!(stderr(&out), "", "everything matched: no notes");
}

#[test]
fn seeds_table() {
    let out = run(&[
        "eval",
        "--gold",
        "fixtures/seeds/gold.tsv",
        "fixtures/seeds",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        "items 5  gold stories 2  predicted stories 2\n\
         metric    precision  recall  f1\n\
         pairwise  1.0000     1.0000  1.0000\n\
         b-cubed   1.0000     1.0000  1.0000\n\
         ARI       1.0000\n"
    );
}

/// The numbers worked out by hand in fixtures/eval/README.md.
fn assert_hand_computed(v: &serde_json::Value) {
    assert_eq!(v["items"], 5);
    assert_eq!(v["gold_stories"], 2);
    assert_eq!(
        v["predicted_stories"], 2,
        "the story of xe.htm has no scored item"
    );
    let got = |m: &str| {
        (
            num(&v[m]["precision"]),
            num(&v[m]["recall"]),
            num(&v[m]["f1"]),
        )
    };
    assert_eq!(got("pairwise"), (0.5, 0.3333, 0.4));
    assert_eq!(got("bcubed"), (0.7333, 0.6, 0.66));
    assert_eq!(num(&v["ari"]), -0.1538);
}

#[test]
fn saved_prediction_gives_the_hand_computed_scores() {
    for pred in ["fixtures/eval/pred.json", "fixtures/eval/pred.jsonl"] {
        let out = run(&[
            "eval",
            "--json",
            "--gold",
            "fixtures/eval/gold.tsv",
            "--pred",
            pred,
        ]);
        assert_eq!(out.status.code(), Some(0), "{pred}: {}", stderr(&out));
        assert_hand_computed(&json(&out));
        let err = stderr(&out);
        assert_eq!(
            err,
            "newsdedup: note: 1 gold item not in the prediction (not scored)\n\
             newsdedup: note: 2 predicted items not in the gold file (not scored)\n",
            "{pred}"
        );
    }
}

#[test]
fn prediction_from_stdin() {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let mut child = Command::new(BIN)
        .args([
            "eval",
            "--json",
            "--gold",
            "fixtures/eval/gold.tsv",
            "--pred",
            "-",
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let text = std::fs::read(fixtures().join("eval/pred.jsonl")).unwrap();
    child.stdin.take().unwrap().write_all(&text).unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_hand_computed(&json(&out));
}

#[test]
fn a_saved_run_scores_like_the_run() {
    let dir = tempfile::tempdir().unwrap();
    let saved = dir.path().join("stories.jsonl");
    // Thresholds that split the CNN story, so the scores are not all 1.
    let flags = [
        "--containment",
        "0.8",
        "--jaccard",
        "0.6",
        "--group",
        "versions",
    ];
    let main = run(&[&["--jsonl"][..], &flags, &["fixtures/seeds"]].concat());
    assert!(main.status.success(), "{}", stderr(&main));
    std::fs::write(&saved, &main.stdout).unwrap();
    let from_run = run(&[
        &["eval", "--json", "--gold", "fixtures/seeds/gold.tsv"][..],
        &flags,
        &["fixtures/seeds"],
    ]
    .concat());
    let from_saved = run(&[
        "eval",
        "--json",
        "--gold",
        "fixtures/seeds/gold.tsv",
        "--pred",
        saved.to_str().unwrap(),
    ]);
    assert_eq!(from_run.status.code(), Some(0), "{}", stderr(&from_run));
    assert_eq!(stdout(&from_run), stdout(&from_saved));
    assert!(num(&json(&from_run)["ari"]) < 1.0, "{}", stdout(&from_run));
}

#[test]
fn sweep_has_one_entry_per_grid_point_each_equal_to_a_single_run() {
    let out = run(&[
        "eval",
        "--sweep",
        "--json",
        "--gold",
        "fixtures/seeds/gold.tsv",
        "fixtures/seeds",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v = json(&out);
    let rows = v.as_array().expect("an array");
    assert_eq!(rows.len(), 6 * 7);
    let jaccards = [0.3, 0.4, 0.5, 0.6, 0.7, 0.8];
    let containments = [0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9];
    for (i, row) in rows.iter().enumerate() {
        assert_eq!(num(&row["jaccard"]), jaccards[i / 7], "row {i}");
        assert_eq!(num(&row["containment"]), containments[i % 7], "row {i}");
        assert_eq!(row["items"], 5);
        assert_scores_in_range(row);
    }
    // The grid spans settings that keep and that split the CNN story.
    let aris: Vec<f64> = rows.iter().map(|r| num(&r["ari"])).collect();
    assert!(
        aris.contains(&1.0) && aris.iter().any(|&a| a < 1.0),
        "{aris:?}"
    );

    // Each row is what a plain run at that setting scores.
    for (j, c) in [("0.3", "0.3"), ("0.5", "0.7"), ("0.8", "0.9")] {
        let single = run(&[
            "eval",
            "--json",
            "--gold",
            "fixtures/seeds/gold.tsv",
            "--jaccard",
            j,
            "--containment",
            c,
            "fixtures/seeds",
        ]);
        let mut single = json(&single);
        single["jaccard"] = j.parse::<f64>().unwrap().into();
        single["containment"] = c.parse::<f64>().unwrap().into();
        let row = rows
            .iter()
            .find(|r| {
                r["jaccard"] == single["jaccard"] && r["containment"] == single["containment"]
            })
            .unwrap();
        assert_eq!(row, &single, "jaccard {j}, containment {c}");
    }
}

#[test]
fn sweep_grid_can_be_chosen() {
    let out = run(&[
        "eval",
        "--sweep",
        "--json",
        "--sweep-jaccard",
        "0.9,0.5",
        "--sweep-containment=0.6",
        "--gold",
        "fixtures/seeds/gold.tsv",
        "fixtures/seeds",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v = json(&out);
    let settings: Vec<(f64, f64)> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (num(&r["jaccard"]), num(&r["containment"])))
        .collect();
    assert_eq!(settings, vec![(0.9, 0.6), (0.5, 0.6)]);

    let table = run(&[
        "eval",
        "--sweep",
        "--sweep-jaccard",
        "0.9,0.5",
        "--sweep-containment=0.6",
        "--gold",
        "fixtures/seeds/gold.tsv",
        "fixtures/seeds",
    ]);
    let text = stdout(&table);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 4, "summary, header, two rows:\n{text}");
    assert_eq!(lines[0], "items 5  gold stories 2");
    assert!(lines[1].starts_with("jaccard  containment"), "{text}");
    assert!(lines[2].starts_with("0.9      0.6"), "{text}");
}

#[test]
fn missing_gold_file_exits_2_naming_it() {
    let out = run(&["eval", "--gold", "no/such/gold.tsv", "fixtures/seeds"]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains("no/such/gold.tsv") && err.contains("no such file"),
        "{err}"
    );
    assert_eq!(stdout(&out), "");
}

#[test]
fn bad_inputs_exit_2_with_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let bad_pred = dir.path().join("bad.json");
    std::fs::write(&bad_pred, "[{\"story_id\":\"x\"}]").unwrap();
    let bad_gold = dir.path().join("bad.tsv");
    std::fs::write(&bad_gold, "file\tstory\npages/a.htm harbour\n").unwrap();
    let unrelated_gold = dir.path().join("unrelated.tsv");
    std::fs::write(&unrelated_gold, "file\tstory\nelsewhere/a.htm\ts\n").unwrap();
    let bad_pred = bad_pred.to_str().unwrap();
    let bad_gold = bad_gold.to_str().unwrap();
    let unrelated_gold = unrelated_gold.to_str().unwrap();
    for (args, needles) in [
        (
            vec!["--gold", "fixtures/eval/gold.tsv", "--pred", bad_pred],
            vec![bad_pred, "missing field `members`"],
        ),
        (
            vec!["--gold", "fixtures/eval/gold.tsv", "--pred", "no/such.json"],
            vec!["no/such.json", "no such file"],
        ),
        (
            vec!["--gold", bad_gold, "--pred", "fixtures/eval/pred.json"],
            vec![bad_gold, "line 2", "file<TAB>story"],
        ),
        (
            vec![
                "--gold",
                unrelated_gold,
                "--pred",
                "fixtures/eval/pred.json",
            ],
            vec!["no gold file matches"],
        ),
    ] {
        let out = run(&[&["eval"][..], &args].concat());
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = stderr(&out);
        assert_eq!(err.lines().count(), 1, "{args:?}: {err}");
        for n in needles {
            assert!(err.contains(n), "{args:?}: {n:?} not in {err}");
        }
        assert_eq!(stdout(&out), "", "{args:?}");
    }
}

#[test]
fn usage_errors_exit_2() {
    for args in [
        &["eval", "fixtures/seeds"][..],
        &["eval", "--gold", "fixtures/seeds/gold.tsv"],
        &[
            "eval",
            "--gold",
            "fixtures/eval/gold.tsv",
            "--pred",
            "fixtures/eval/pred.json",
            "--sweep",
        ],
        &[
            "eval",
            "--gold",
            "fixtures/eval/gold.tsv",
            "--pred",
            "fixtures/eval/pred.json",
            "fixtures/seeds",
        ],
    ] {
        assert_eq!(run(args).status.code(), Some(2), "{args:?}");
    }
}

#[test]
fn missing_path_exits_2() {
    let out = run(&[
        "eval",
        "--gold",
        "fixtures/seeds/gold.tsv",
        "fixtures/seeds",
        "no/such/dir",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("no/such/dir"), "{}", stderr(&out));
    assert_eq!(stdout(&out), "", "a partial corpus is not scored");
}

/// The SpotSigs development split, when it is checked out beside the repository. Only sanity:
/// accuracy targets are tracked elsewhere.
#[test]
fn spotsigs_dev_scores_are_in_range() {
    let Some(corpus) = shared_dir(
        "corpora/spotsigs-dev",
        "spotsigs_dev_scores_are_in_range",
        "eval's scores on SpotSigs dev (959 items, every score in range)",
    ) else {
        return;
    };
    let out = run(&[
        std::ffi::OsStr::new("eval"),
        "--json".as_ref(),
        "--gold".as_ref(),
        corpus.join("labels.tsv").as_os_str(),
        corpus.join("pages").as_os_str(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v = json(&out);
    assert_eq!(v["items"], 959);
    assert_scores_in_range(&v);
    for m in ["pairwise", "bcubed"] {
        assert!(num(&v[m]["f1"]) >= 0.0);
    }
}
