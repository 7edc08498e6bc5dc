//! The seed corpus: five scraped versions, four of one CNN story and a hard negative.

use crate::util::*;

fn seed_files() -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(fixtures().join("seeds"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .map(|p| {
            p.strip_prefix(env!("CARGO_MANIFEST_DIR"))
                .unwrap()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    v.sort();
    v
}

#[test]
fn seeds_match_the_gold_clustering() {
    let out = run(&["fixtures/seeds"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        clustering(&stories(&out)),
        gold(&fixtures().join("seeds/gold.tsv"))
    );
    assert_eq!(stderr(&out), "", "no skips, no messages");
}

#[test]
fn seeds_canonical_record() {
    let out = run(&["fixtures/seeds"]);
    let stories = stories(&out);
    let story = stories
        .iter()
        .find(|s| s["members"].as_array().unwrap().len() == 4)
        .expect("the CNN story");
    assert_eq!(
        file_name(story["canonical"].as_str().unwrap()),
        "003_550244ca2de203c9.txt"
    );
    assert_eq!(
        story["title"],
        "Syrian regime recaptures ancient city of Palmyra from ISIS"
    );
    assert!(
        story["published"]
            .as_str()
            .unwrap()
            .starts_with("2017-03-02"),
        "{}",
        story["published"]
    );
    assert!(
        story["updated"].as_str().unwrap().starts_with("2017-03-03"),
        "{}",
        story["updated"]
    );
    assert_eq!(
        story["authors"],
        serde_json::json!(["Lonzo Cook", "Hamdi Alkhshali"])
    );
    assert_eq!(story["source"], "CNN");
    for m in story["members"].as_array().unwrap() {
        let sim = m["similarity"].as_f64().unwrap();
        assert!((0.0..=1.0).contains(&sim));
    }
    let paths: Vec<&str> = story["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["path"].as_str().unwrap())
        .collect();
    let mut sorted = paths.clone();
    sorted.sort();
    assert_eq!(paths, sorted, "members sorted by path");
    assert!(
        paths[0].starts_with("fixtures/seeds/"),
        "paths as the user gave them: {}",
        paths[0]
    );
}

#[test]
fn seeds_canonical_text_is_clean() {
    let out = run(&["fixtures/seeds"]);
    let re_tag = regex::Regex::new(r"</?[A-Za-z][^<>]*>").unwrap();
    let re_entity = regex::Regex::new(r"&(?:[A-Za-z]+|#[0-9]+|#x[0-9A-Fa-f]+);").unwrap();
    let re_counter = regex::Regex::new(r"^\d+ of \d+$").unwrap();
    let chrome = [
        "Hide Caption",
        "JUST WATCHED",
        "Replay",
        "More Videos",
        "MUST WATCH",
        "Read More",
        "Story highlights",
        "Breaking News",
        "IE 11 is not supported",
        "Chat with us in Facebook Messenger",
        "Photos: How ISIS",
        "1 minute read",
        "By Lonzo Cook",
        "Updated 10:43",
        "date 2017",
    ];
    for story in stories(&out) {
        let text = story["text"].as_str().unwrap();
        assert!(!re_tag.is_match(text), "tag left: {:?}", re_tag.find(text));
        assert!(
            !re_entity.is_match(text),
            "entity left: {:?}",
            re_entity.find(text)
        );
        for c in chrome {
            assert!(
                !text.contains(c),
                "chrome {c:?} left in {}",
                story["canonical"]
            );
        }
        for line in text.split("\n\n") {
            assert!(!re_counter.is_match(line), "gallery counter left");
        }
        assert!(
            !text.starts_with("(CNN)") && !text.contains("\n(CNN)"),
            "dateline left"
        );
    }
}

#[test]
fn output_is_byte_stable_across_runs_order_and_threads() {
    let files = seed_files();
    let mut reversed = files.clone();
    reversed.reverse();
    let a = run(&files);
    let b = run(&files);
    let c = run(&reversed);
    let mut one_thread = vec!["--threads".to_string(), "1".to_string()];
    one_thread.extend(files.iter().cloned());
    let mut four_threads = vec!["--threads".to_string(), "4".to_string()];
    four_threads.extend(reversed.iter().cloned());
    let d = run(&one_thread);
    let e = run(&four_threads);
    assert!(a.status.success());
    assert_eq!(stdout(&a), stdout(&b), "two runs differ");
    assert_eq!(stdout(&a), stdout(&c), "reversed arguments differ");
    assert_eq!(stdout(&a), stdout(&d), "1 thread differs");
    assert_eq!(stdout(&a), stdout(&e), "4 threads differ");
}

#[test]
fn jsonl_has_one_story_per_line() {
    let out = run(&["--jsonl", "fixtures/seeds"]);
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2);
    for l in lines {
        let v: serde_json::Value = serde_json::from_str(l).unwrap();
        assert!(v["story_id"].as_str().unwrap().len() == 16);
    }
}

#[test]
fn normalize_command_prints_articles() {
    let out = run(&["normalize", "fixtures/seeds/001_c066a931abca1759.txt"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let a = &v[0];
    assert_eq!(
        a["header"]["title"],
        "Russia: 1,000 ISIS casualties as Syrian troops retake Palmyra"
    );
    assert_eq!(
        a["header"]["authors"],
        serde_json::json!(["Hamdi Alkhshali"])
    );
    assert!(
        a["header"]["published"]
            .as_str()
            .unwrap()
            .starts_with("2017-03-03")
    );
    let body = a["body"].as_str().unwrap();
    assert!(body.starts_with("At least 1,000 ISIS militants"), "{body}");
    assert!(!body.contains("<strong>") && !body.contains("Getty Images"));
}

/// Dates are evidence: near-identical text a year apart is one story only when it is almost
/// the same text; `--max-days` keeps versions further apart out.
#[test]
fn dates_as_evidence() {
    let dir = tempfile::tempdir().unwrap();
    let base = "The city council approved the harbour budget on Tuesday after a long debate, \
        and the mayor said repairs to the north quay would start in spring. Ferry operators \
        welcomed the vote, saying the quay had been closed for most of the winter season. \
        The budget also funds new lighting along the promenade and a study of the old pier.";
    let edited = base
        .replace("Tuesday", "Monday")
        .replace("spring", "summer")
        .replace("welcomed", "praised");
    let write = |name: &str, date: &str, body: &str| {
        std::fs::write(dir.path().join(name), format!(" date {date}\n{body}\n")).unwrap()
    };
    write("a.txt", "2016-03-01", base);
    write("b.txt", "2017-04-05", base);
    write("c.txt", "2017-04-06", &edited);
    let groups = |extra: &[&str]| {
        let mut args: Vec<std::ffi::OsString> = extra.iter().map(Into::into).collect();
        args.push(dir.path().into());
        clustering(&stories(&run(&args)))
    };
    let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    // a and b are the same text 400 days apart: identical, so they join; c is an edit of b a
    // day later and joins too.
    assert_eq!(groups(&[]), vec![s(&["a.txt", "b.txt", "c.txt"])]);
    // With --max-days 30, a is out.
    assert_eq!(
        groups(&["--max-days", "30"]),
        vec![s(&["a.txt"]), s(&["b.txt", "c.txt"])]
    );
    // The edited version 400 days from a does not join a on its own.
    std::fs::remove_file(dir.path().join("b.txt")).unwrap();
    assert_eq!(groups(&[]), vec![s(&["a.txt"]), s(&["c.txt"])]);
    assert_eq!(groups(&["--max-days", "500"]), vec![s(&["a.txt", "c.txt"])]);
}

/// The golden file of the README's CI recipe is committed and is what the recipe's command
/// prints today, so the recipe works from a fresh clone and cannot go stale.
#[test]
fn golden_seeds_output_is_current() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    for line in [
        "-o stories.json fixtures/seeds",
        "diff -u golden/seeds.json stories.json",
    ] {
        assert!(
            readme.contains(line),
            "the README's CI recipe no longer has {line:?}"
        );
    }
    let tmp = tempfile::tempdir().unwrap();
    let stories = tmp.path().join("stories.json");
    let stats = tmp.path().join("dedup-stats.json");
    let out = run(&[
        "--strict".as_ref(),
        "--stats-json".as_ref(),
        stats.as_os_str(),
        "-o".as_ref(),
        stories.as_os_str(),
        "fixtures/seeds".as_ref(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let golden = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("golden/seeds.json");
    let want =
        std::fs::read_to_string(&golden).unwrap_or_else(|e| panic!("{}: {e}", golden.display()));
    assert!(
        std::fs::read_to_string(&stories).unwrap() == want,
        "golden/seeds.json differs from the output: when the change is meant, regenerate it \
         with `cargo run --release -- -o golden/seeds.json fixtures/seeds`"
    );
}
