//! The story index (`--index`, issue 17): incremental runs equal one run over the union; ids
//! stay; the index survives SIGKILL at any point, refuses a second writer and names a damaged
//! file.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use newsdedup::config::Config;
use newsdedup::index::{self, store};
use newsdedup::pipeline;
use proptest::prelude::*;

use crate::util::{BIN, run_in, stderr};

const WORDS: [&str; 16] = [
    "harbor", "council", "Reuters", "vote", "bridge", "storm", "market", "Ankara", "budget",
    "river", "police", "quake", "school", "Paris", "tariff", "mayor",
];

/// A generated article: a version of one of a few stories on one of a few sites (each site
/// adds its template paragraph), or a bad file.
#[derive(Debug, Clone)]
enum Doc {
    /// (story, site, words dropped from the front, words added at the end)
    Version(usize, usize, usize, usize),
    Empty,
    Binary,
}

fn doc_strategy() -> impl Strategy<Value = Doc> {
    prop_oneof![
        10 => (0usize..6, 0usize..3, 0usize..40, 0usize..40)
            .prop_map(|(s, site, d, a)| Doc::Version(s, site, d, a)),
        1 => Just(Doc::Empty),
        1 => Just(Doc::Binary),
    ]
}

fn content(doc: &Doc, n: usize) -> Vec<u8> {
    let Doc::Version(story, site, drop, add) = *doc else {
        return match doc {
            Doc::Empty => Vec::new(),
            _ => b"\x00\x01binary\x00".to_vec(),
        };
    };
    let mut words: Vec<String> = (0..150)
        .map(|i| {
            format!(
                "{}{}",
                WORDS[(i * 7 + story * 5) % 16],
                (i * 31 + story) % 89
            )
        })
        .collect();
    words.drain(..drop);
    words.extend((0..add).map(|i| format!("extra{n}x{i}")));
    let title = format!(
        "{} {} {} plan",
        WORDS[story],
        WORDS[story + 3],
        WORDS[story + 6]
    );
    let template = format!(
        "Subscribe to the {} newsletter for the latest local news and weather every morning",
        ["Courier", "Gazette", "Post"][site]
    );
    let body: Vec<String> = words.chunks(30).map(|c| c.join(" ") + ".").collect();
    format!("{title}\n\n{}\n\n{template}", body.join("\n\n")).into_bytes()
}

fn write(dir: &Path, docs: &[Doc]) -> Vec<PathBuf> {
    crate::util::write_docs(dir, docs.iter().enumerate().map(|(i, d)| content(d, i)))
}

/// The story records without what an index run adds or keeps stable (id, history), sorted.
fn records(outcome: &pipeline::Outcome) -> Vec<String> {
    let mut lines: Vec<String> = String::from_utf8(crate::util::stories_jsonl(outcome))
        .unwrap()
        .lines()
        .map(|l| {
            let mut r: serde_json::Value = serde_json::from_str(l).unwrap();
            r.as_object_mut().unwrap().remove("story_id");
            r.to_string()
        })
        .collect();
    lines.sort();
    lines
}

fn index_run(dir: &Path, paths: Vec<PathBuf>, remove: Vec<String>) -> index::Update {
    let mut cfg = Config::new(paths);
    cfg.threads = 2;
    let settings = index::Settings {
        dir: dir.to_path_buf(),
        remove,
        changed_only: false,
    };
    let mut update = index::run(&cfg, &settings, &pipeline::Silent).unwrap();
    update.save().unwrap();
    update
}

fn fresh(paths: Vec<PathBuf>) -> pipeline::Outcome {
    let mut cfg = Config::new(paths);
    cfg.threads = 1;
    pipeline::run(&cfg).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: crate::props::cases(12), ..ProptestConfig::default() })]

    /// Adding B to an index of A, B in several batches, gives the stories of one run over
    /// A ∪ B (members, relations, similarities, canonical, fields, text); removing a batch
    /// gives those of one run without it. Every story id of one run is still there or listed
    /// in the `old_ids` of a story of the next.
    #[test]
    fn index_batches_equal_one_run_over_the_union(
        docs in prop::collection::vec(doc_strategy(), 2..40),
        batch_of in prop::collection::vec(0usize..4, 40),
    ) {
        let tmp = tempfile::tempdir().unwrap();
        let files = tmp.path().join("corpus");
        std::fs::create_dir(&files).unwrap();
        let paths = write(&files, &docs);
        let ix = tmp.path().join("index");
        let mut ids_before: BTreeSet<String> = BTreeSet::new();
        let mut last = None;
        for b in 0..4 {
            let batch: Vec<PathBuf> = paths
                .iter()
                .zip(&batch_of)
                .filter(|(_, k)| **k == b)
                .map(|(p, _)| p.clone())
                .collect();
            let update = index_run(&ix, batch, Vec::new());
            let now: BTreeSet<String> = update.outcome.stories.iter().map(|s| s.id.clone()).collect();
            let listed: BTreeSet<String> = update.history.iter().flat_map(|h| h.old_ids.clone()).collect();
            for id in &ids_before {
                prop_assert!(now.contains(id) || listed.contains(id), "id {} lost", id);
            }
            ids_before = now;
            last = Some(update);
        }
        let update = last.unwrap();
        let whole = fresh(paths.clone());
        prop_assert_eq!(records(&update.outcome), records(&whole));

        // Removing batch 1 equals a run without it.
        let batch1: Vec<String> = paths
            .iter()
            .zip(&batch_of)
            .filter(|(_, k)| **k == 1)
            .map(|(p, _)| p.to_string_lossy().into_owned())
            .collect();
        let rest: Vec<PathBuf> = paths
            .iter()
            .zip(&batch_of)
            .filter(|(_, k)| **k != 1)
            .map(|(p, _)| p.clone())
            .collect();
        let removed = index_run(&ix, Vec::new(), batch1);
        if rest.is_empty() {
            prop_assert!(removed.outcome.stories.is_empty());
        } else {
            prop_assert_eq!(records(&removed.outcome), records(&fresh(rest)));
        }
    }
}

/// The repository's story and template fixtures (real write-thrus, siblings, site templates)
/// added folder by folder equal one run over all of them.
#[test]
fn index_of_fixture_folders_equals_one_run() {
    let root = crate::util::fixtures();
    let folders: Vec<PathBuf> = ["stories", "templates", "seeds"]
        .iter()
        .map(|f| root.join(f))
        .collect();
    let tmp = tempfile::tempdir().unwrap();
    let mut cfg = Config::new(folders.clone());
    cfg.threads = 2;
    let whole = pipeline::run(&cfg).unwrap();
    let mut last = None;
    for f in &folders {
        last = Some(index_run(tmp.path(), vec![f.clone()], Vec::new()));
    }
    assert_eq!(records(&last.unwrap().outcome), records(&whole));
    // The same folders again: nothing read, nothing changed.
    let again = index_run(tmp.path(), folders, Vec::new());
    assert_eq!(again.changed, 0);
    assert_eq!(again.unchanged, whole.articles.len());
}

/// Ids stay, --changed prints what a run changed with the members it added, a changed file
/// replaces its old version, and the same file again is a no-op.
#[test]
fn ids_stay_and_changed_lists_what_was_added() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    std::fs::create_dir_all(d.join("day1")).unwrap();
    std::fs::create_dir_all(d.join("day2")).unwrap();
    let docs = [
        Doc::Version(0, 0, 0, 0),
        Doc::Version(1, 1, 0, 0),
        Doc::Version(2, 2, 0, 0),
    ];
    write(&d.join("day1"), &docs);
    let first = run_in(d, &["--index", "ix", "day1", "--changed", "--jsonl"]);
    assert!(first.status.success(), "{}", stderr(&first));
    let first: Vec<serde_json::Value> = jsonl(&first.stdout);
    assert_eq!(first.len(), 3);
    let id_of_story0 = first
        .iter()
        .find(|s| s["canonical"] == "day1/doc000.txt")
        .unwrap()["story_id"]
        .clone();

    // A new version of story 0 the next day.
    std::fs::write(
        d.join("day2/late.txt"),
        content(&Doc::Version(0, 1, 5, 12), 9),
    )
    .unwrap();
    let second = run_in(d, &["--index", "ix", "day2", "--changed", "--jsonl"]);
    assert!(second.status.success(), "{}", stderr(&second));
    let second = jsonl(&second.stdout);
    assert_eq!(second.len(), 1, "{second:?}");
    assert_eq!(second[0]["story_id"], id_of_story0);
    assert_eq!(second[0]["added"], serde_json::json!(["day2/late.txt"]));
    assert_eq!(second[0]["members"].as_array().unwrap().len(), 2);

    // The same files again: nothing changed.
    let third = run_in(d, &["--index", "ix", "day1", "day2", "--changed"]);
    assert_eq!(String::from_utf8_lossy(&third.stdout).trim(), "[]");
    assert!(stderr(&third).contains("4 inputs already held unchanged"));

    // A file changed in place replaces its old version: still one story, same id.
    std::fs::write(
        d.join("day2/late.txt"),
        content(&Doc::Version(0, 1, 9, 20), 9),
    )
    .unwrap();
    let fourth = jsonl(&run_in(d, &["--index", "ix", "day2", "--changed", "--jsonl"]).stdout);
    assert_eq!(fourth.len(), 1);
    assert_eq!(fourth[0]["story_id"], id_of_story0);
    assert_eq!(fourth[0]["members"].as_array().unwrap().len(), 2);

    // Removing the late version: the story keeps its id and loses the member.
    let fifth = run_in(
        d,
        &["--index", "ix", "--remove", "day2", "--changed", "--jsonl"],
    );
    let fifth = jsonl(&fifth.stdout);
    assert_eq!(fifth.len(), 1);
    assert_eq!(fifth[0]["story_id"], id_of_story0);
    assert_eq!(fifth[0]["members"].as_array().unwrap().len(), 1);
}

/// A compressed file, and files named another way (`./day1`, a linked folder), are the files
/// the index holds: adding them again reads nothing and changes nothing. The read stage hashes
/// a plain file from the bytes it reads and a compressed one from its own (not decompressed)
/// bytes; either way the next run must find the same hash.
#[test]
fn compressed_and_renamed_files_are_held_unchanged() {
    use std::io::Write;
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    std::fs::create_dir(d.join("day1")).unwrap();
    write(
        &d.join("day1"),
        &[Doc::Version(0, 0, 0, 0), Doc::Version(1, 1, 0, 0)],
    );
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(&content(&Doc::Version(2, 2, 0, 0), 7))
        .unwrap();
    std::fs::write(d.join("day1/packed.txt.gz"), gz.finish().unwrap()).unwrap();
    let first = run_in(d, &["--index", "ix", "day1", "--changed", "--jsonl"]);
    assert!(first.status.success(), "{}", stderr(&first));
    assert_eq!(jsonl(&first.stdout).len(), 3);
    // Each entry's content hash is of its file's own bytes (the compressed bytes for the .gz).
    let stored = store::load(&d.join("ix")).unwrap().unwrap();
    assert_eq!(stored.entries.len(), 3);
    for e in &stored.entries {
        let bytes = std::fs::read(d.join(&e.article.path)).unwrap();
        assert_eq!(
            e.content_hash,
            xxhash_rust::xxh3::xxh3_64(&bytes),
            "{}",
            e.article.path
        );
    }

    // Nothing read again, so the index is not written again (a save renames a new file in).
    #[cfg(unix)]
    let inode = || {
        use std::os::unix::fs::MetadataExt;
        std::fs::metadata(d.join("ix").join(store::FILE))
            .unwrap()
            .ino()
    };
    // The folder named `named`: nothing changed, all three held.
    let held_unchanged = |named: &str| {
        let o = run_in(d, &["--index", "ix", named, "--changed"]);
        assert_eq!(String::from_utf8_lossy(&o.stdout).trim(), "[]", "{named}");
        assert!(
            stderr(&o).contains("3 inputs already held unchanged"),
            "{named}: {}",
            stderr(&o)
        );
    };
    #[cfg(unix)]
    let before = inode();
    held_unchanged("day1");
    #[cfg(unix)]
    assert_eq!(inode(), before, "the index was written again");
    held_unchanged("./day1/");
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(d.join("day1"), d.join("link")).unwrap();
        held_unchanged("link");
    }
}

fn jsonl(bytes: &[u8]) -> Vec<serde_json::Value> {
    String::from_utf8_lossy(bytes)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// A damaged index is a one-line error naming its file, exit status 2; another version too,
/// and a plain file given as the index folder; a held lock is exit status 4.
#[test]
fn damaged_locked_and_foreign_indexes_are_refused_by_name() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    std::fs::create_dir(d.join("c")).unwrap();
    write(
        &d.join("c"),
        &[Doc::Version(0, 0, 0, 0), Doc::Version(1, 0, 0, 0)],
    );
    assert!(run_in(d, &["--index", "ix", "c", "-q"]).status.success());
    let file = d.join("ix").join(store::FILE);
    let good = std::fs::read(&file).unwrap();

    for bad in [
        good[..good.len() / 2].to_vec(),
        good[..good.len() - 1].to_vec(),
        {
            let mut b = good.clone();
            b[good.len() / 3] ^= 1;
            b
        },
    ] {
        std::fs::write(&file, &bad).unwrap();
        let o = run_in(d, &["--index", "ix", "-q"]);
        assert_eq!(o.status.code(), Some(2));
        let err = stderr(&o);
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(err.contains("ix/stories.idx") && err.contains("not a readable story index"));
    }
    let mut other = good.clone();
    other[16] = 9;
    std::fs::write(&file, &other).unwrap();
    let o = run_in(d, &["--index", "ix", "-q"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("format version 9"), "{}", stderr(&o));

    std::fs::write(&file, &good).unwrap();
    let held = store::lock(&d.join("ix")).unwrap();
    let o = run_in(d, &["--index", "ix", "c", "-q"]);
    assert_eq!(o.status.code(), Some(4), "{}", stderr(&o));
    assert!(stderr(&o).contains("being updated by another process"));
    drop(held);
    assert!(run_in(d, &["--index", "ix", "-q"]).status.success());

    // A file where the index folder should be is named, with what --index expects.
    std::fs::write(d.join("plain"), b"x").unwrap();
    let o = run_in(d, &["--index", "plain", "c", "-q"]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains("plain: not a folder (--index names the folder"),
        "{err}"
    );
    // So is a link to nowhere.
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(d.join("nowhere"), d.join("dangling")).unwrap();
        let o = run_in(d, &["--index", "dangling", "c", "-q"]);
        assert_eq!(o.status.code(), Some(2));
        assert!(
            stderr(&o).contains("dangling: not a folder (--index names the folder"),
            "{}",
            stderr(&o)
        );
    }
}

/// SIGKILL at random points of an update leaves the index whole: it opens and holds either
/// the articles before the update or those after it.
#[test]
fn index_survives_sigkill_at_any_point() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let days: Vec<PathBuf> = (0..2).map(|k| d.join(format!("day{k}"))).collect();
    for (k, day) in days.iter().enumerate() {
        std::fs::create_dir(day).unwrap();
        let docs: Vec<Doc> = (0..400)
            .map(|i| Doc::Version((i + k) % 6, i % 3, i % 37, (i * 7) % 41))
            .collect();
        write(day, &docs);
    }
    let ix = d.join("ix");
    let paths_in = |ix: &Path| -> BTreeSet<String> {
        let stored = store::load(ix).expect("index opens").expect("index exists");
        stored
            .entries
            .iter()
            .map(|e| e.article.path.clone())
            .collect()
    };
    let add = |day: &Path| {
        Command::new(BIN)
            .args(["--index", ix.to_str().unwrap(), "-q", "-o", "/dev/null"])
            .arg(day)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap()
    };
    assert!(add(&days[0]).wait().unwrap().success());
    let before = paths_in(&ix);
    // How long a whole update takes, to spread the kills over it.
    let clock = Instant::now();
    assert!(add(&days[1]).wait().unwrap().success());
    let full = clock.elapsed();
    let after = paths_in(&ix);
    assert!(after.len() > before.len());
    let day1 = days[1].to_str().unwrap();
    let remove = || run_in(d, &["--index", "ix", "-q", "--remove", day1]);
    assert!(remove().status.success());
    assert_eq!(paths_in(&ix), before);

    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    let (mut saw_old, mut saw_new) = (0, 0);
    for _ in 0..16 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let delay = full.mul_f64((x % 1000) as f64 / 900.0);
        let mut child = add(&days[1]);
        std::thread::sleep(delay);
        let _ = child.kill();
        let _ = child.wait();
        let now = paths_in(&ix);
        if now == before {
            saw_old += 1;
        } else {
            assert_eq!(now, after, "neither the old state nor the new");
            saw_new += 1;
            // Back to the old state for the next kill.
            assert!(remove().status.success());
        }
    }
    assert!(
        saw_old > 0,
        "no kill landed before the rename ({saw_new} after)"
    );
}

/// What a new user hit: a closed pipe leaves the index as it was and says so (not exit 0);
/// `-o` into the index folder is refused; printing a missing index is an error, not a new
/// index; the same files named another way (`./c`, `c//`, absolute) are the same articles.
#[test]
fn index_runs_say_what_they_did_not_do() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    for day in ["c", "e"] {
        std::fs::create_dir(d.join(day)).unwrap();
    }
    write(
        &d.join("c"),
        &[Doc::Version(0, 0, 0, 0), Doc::Version(1, 0, 0, 0)],
    );
    write(
        &d.join("e"),
        &[Doc::Version(2, 1, 0, 0), Doc::Version(3, 1, 0, 0)],
    );
    let built = run_in(d, &["--index", "ix", "c"]);
    assert!(built.status.success());
    assert!(stderr(&built).contains("a new index"), "{}", stderr(&built));
    let file = d.join("ix").join(store::FILE);
    let before = std::fs::read(&file).unwrap();

    let mut child = Command::new(BIN)
        .args(["--index", "ix", "e", "--jsonl", "-q"])
        .current_dir(d)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let o = child.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("not updated"), "{}", stderr(&o));
    assert_eq!(std::fs::read(&file).unwrap(), before);

    let o = run_in(d, &["--index", "ix", "e", "-o", "ix/stories.idx"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("inside the index folder"),
        "{}",
        stderr(&o)
    );
    assert_eq!(std::fs::read(&file).unwrap(), before);

    let o = run_in(d, &["--index", "missing", "-q"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("no story index there"),
        "{}",
        stderr(&o)
    );
    assert!(!d.join("missing").exists());

    // The same files named another way are the same articles: nothing read, nothing added.
    let absolute = d.join("c").to_string_lossy().into_owned();
    for spelling in ["./c", "c//", absolute.as_str()] {
        let o = run_in(d, &["--index", "ix", spelling]);
        assert!(o.status.success());
        assert!(
            stderr(&o).contains(
                "2 articles, 2 stories (0 created or changed); 2 inputs already held unchanged"
            ),
            "{spelling}: {}",
            stderr(&o)
        );
    }
    // A changed file named another way replaces its old version.
    let first = std::fs::read_dir(d.join("c"))
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    std::fs::write(&first, content(&Doc::Version(4, 2, 0, 0), 9)).unwrap();
    let o = run_in(d, &["--index", "ix", absolute.as_str(), "-q", "--jsonl"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let members: usize = jsonl(&o.stdout)
        .iter()
        .map(|s| s["members"].as_array().unwrap().len())
        .sum();
    assert_eq!(members, 2, "{}", String::from_utf8_lossy(&o.stdout));
}
