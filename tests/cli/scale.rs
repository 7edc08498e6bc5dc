//! The Spark path's two ends (#18): `newsdedup fingerprint` (shards) and `newsdedup assemble`
//! (tasks). The engine between them is played here by a few lines of Rust on small corpora;
//! scale/spark/test_local.sh runs the real one (.ci/run).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use base64::Engine as _;
use newsdedup::scale::shard::{self, Row};
use serde_json::{Value, json};

use crate::util::{fixtures, run, run_stdin, stderr, stdout};

fn fingerprint(corpus: &Path, out: &Path, extra: &[&str]) -> std::process::Output {
    let mut args: Vec<String> = vec![
        "fingerprint".into(),
        "-q".into(),
        "--out-dir".into(),
        out.display().to_string(),
    ];
    args.extend(extra.iter().map(|s| s.to_string()));
    args.push(corpus.display().to_string());
    run(&args)
}

fn shards(out: &Path) -> Vec<PathBuf> {
    shard::list(&out.join("shards")).unwrap()
}

fn assemble(out: &Path, tasks: &[Value]) -> Vec<String> {
    let input: String = tasks.iter().map(|t| t.to_string() + "\n").collect();
    let params = out.join("params.json").display().to_string();
    let o = run_stdin(&["assemble", "--params", &params], input.as_bytes());
    assert!(o.status.success(), "assemble failed: {}", stderr(&o));
    stdout(&o).lines().map(str::to_string).collect()
}

/// The engine's part, on a corpus small enough to take every pair of documents as a candidate
/// and every pair of version groups as a story candidate, and to hold one component: the
/// stories `assemble` gives, as `--jsonl` lines.
///
/// With `cut`, as dedup.py does: the pairs decided one by one first (`version_pairs`,
/// `story_links`), then a `versions` task per component of the joining pairs and a `stories`
/// task per component of the links at the model's threshold.
fn through_assemble(out: &Path, rows: &[Row], cut: bool) -> String {
    let docs: Vec<&Row> = rows.iter().filter(|r| r.skip.is_none()).collect();
    let b64 =
        |r: &Row| base64::engine::general_purpose::STANDARD.encode(r.article.as_ref().unwrap());
    let n = docs.len() as i64;
    let pairs: Vec<[i64; 2]> = (0..n)
        .flat_map(|a| (a + 1..n).map(move |b| [a, b]))
        .collect();
    let versions_of = |ids: &[i64], pairs: &[[i64; 2]]| {
        let task = json!({"task": "versions", "pairs": pairs, "docs": ids.iter().map(|&i| {
            let r = docs[i as usize];
            json!({"id": i, "shingles": r.shingles, "day": r.day})
        }).collect::<Vec<_>>()});
        serde_json::from_str::<Value>(&assemble(out, &[task])[0]).unwrap()
    };
    let groups: Vec<Value> = if cut {
        let verified: Vec<Value> = pairs
            .iter()
            .map(|&[a, b]| {
                let (sa, sb) = (&docs[a as usize].shingles, &docs[b as usize].shingles);
                let i = sa.iter().filter(|x| sb.binary_search(x).is_ok()).count();
                json!({"a": a, "b": b, "i": i, "la": sa.len(), "lb": sb.len(),
                       "da": docs[a as usize].day, "db": docs[b as usize].day})
            })
            .collect();
        let task = json!({"task": "version_pairs", "pairs": verified});
        let answer: Value = serde_json::from_str(&assemble(out, &[task])[0]).unwrap();
        let joins: Vec<[i64; 2]> = serde_json::from_value(answer["joins"].clone()).unwrap();
        let mut groups = Vec::new();
        for comp in components(n, &joins) {
            if comp.len() == 1 {
                let size = docs[comp[0] as usize].shingles.len();
                groups.push(json!({"members": comp, "coverage": [size], "rep": comp[0]}));
                continue;
            }
            let inside: Vec<[i64; 2]> = pairs
                .iter()
                .filter(|p| comp.contains(&p[0]) && comp.contains(&p[1]))
                .copied()
                .collect();
            groups.extend(
                versions_of(&comp, &inside)["groups"]
                    .as_array()
                    .unwrap()
                    .clone(),
            );
        }
        groups.sort_by_key(|g| g["members"][0].as_i64().unwrap());
        groups
    } else {
        let all: Vec<i64> = (0..n).collect();
        versions_of(&all, &pairs)["groups"]
            .as_array()
            .unwrap()
            .clone()
    };
    // Term counts over the groups' representatives.
    let mut rarity: BTreeMap<u64, u64> = BTreeMap::new();
    let mut group_of = BTreeMap::new();
    for (g, group) in groups.iter().enumerate() {
        for t in docs[group["rep"].as_u64().unwrap() as usize]
            .evidence
            .terms()
            .iter()
        {
            *rarity.entry(u64::from(*t)).or_default() += 1;
        }
        for m in group["members"].as_array().unwrap() {
            group_of.insert(m.as_u64().unwrap(), g);
        }
    }
    let rarity: Vec<[u64; 2]> = rarity.into_iter().map(|(t, c)| [t, c]).collect();
    // Titles held by three groups or more: site names?
    let mut holders: BTreeMap<u32, BTreeMap<usize, u64>> = BTreeMap::new();
    for (i, r) in docs.iter().enumerate() {
        if let Some(k) = r.evidence.title_key() {
            let first = holders.entry(k).or_default().entry(group_of[&(i as u64)]);
            first.or_insert(i as u64);
        }
    }
    let title_tasks: Vec<Value> = holders
        .iter()
        .filter(|(_, by_group)| by_group.len() >= 3)
        .map(|(k, by_group)| {
            let sample: BTreeSet<u64> = by_group.values().copied().collect();
            json!({"task": "site_title", "key": k, "rarity": rarity, "total_groups": groups.len(),
                   "docs": sample.iter().take(8).map(|&d| json!({"id": d,
                       "terms": docs[d as usize].evidence.terms(), "shingles": docs[d as usize].shingles})).collect::<Vec<_>>()})
        })
        .collect();
    let site: Vec<u64> = if title_tasks.is_empty() {
        Vec::new()
    } else {
        assemble(out, &title_tasks)
            .iter()
            .map(|l| serde_json::from_str::<Value>(l).unwrap())
            .filter(|v| v["site"].as_bool().unwrap())
            .map(|v| v["key"].as_u64().unwrap())
            .collect()
    };
    let firsts: Vec<u64> = groups
        .iter()
        .map(|g| g["members"][0].as_u64().unwrap())
        .collect();
    let group_pairs: Vec<[u64; 2]> = firsts
        .iter()
        .enumerate()
        .flat_map(|(i, &a)| firsts[i + 1..].iter().map(move |&b| [a, b]))
        .collect();
    let stories_of = |gs: &[&Value], pairs: &[[u64; 2]]| {
        let ids: Vec<u64> = gs
            .iter()
            .flat_map(|g| {
                g["members"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|m| m.as_u64().unwrap())
            })
            .collect();
        json!({"task": "stories", "pairs": pairs, "rarity": rarity,
            "total_groups": groups.len(), "site_titles": site,
            "groups": gs.iter().map(|g| json!({"members": g["members"], "coverage": g["coverage"]})).collect::<Vec<_>>(),
            "docs": ids.iter().map(|&i| json!({"id": i, "article": b64(docs[i as usize]), "shingles": docs[i as usize].shingles})).collect::<Vec<_>>()})
    };
    let tasks: Vec<Value> = if cut && !group_pairs.is_empty() {
        let task = json!({"task": "story_links", "pairs": group_pairs, "rarity": rarity,
            "total_groups": groups.len(), "site_titles": site,
            "groups": groups.iter().map(|g| json!({"gid": g["members"][0], "rep": g["rep"],
                "members": g["members"].as_array().unwrap().iter().map(|m| json!({"id": m,
                    "title_key": docs[m.as_u64().unwrap() as usize].evidence.title_key()})).collect::<Vec<_>>()})).collect::<Vec<_>>(),
            "docs": docs.iter().enumerate().map(|(i, r)| json!({"id": i, "article": b64(r), "shingles": r.shingles})).collect::<Vec<_>>()});
        let answer: Value = serde_json::from_str(&assemble(out, &[task])[0]).unwrap();
        let links: Vec<[i64; 2]> = serde_json::from_value(answer["links"].clone()).unwrap();
        let at: BTreeMap<i64, i64> = firsts
            .iter()
            .enumerate()
            .map(|(g, &f)| (f as i64, g as i64))
            .collect();
        let local: Vec<[i64; 2]> = links.iter().map(|&[a, b]| [at[&a], at[&b]]).collect();
        components(groups.len() as i64, &local)
            .iter()
            .map(|comp| {
                let gs: Vec<&Value> = comp.iter().map(|&g| &groups[g as usize]).collect();
                let inside: Vec<[u64; 2]> = links
                    .iter()
                    .filter(|l| comp.contains(&at[&l[0]]))
                    .map(|&[a, b]| [a as u64, b as u64])
                    .collect();
                stories_of(&gs, &inside)
            })
            .collect()
    } else {
        vec![stories_of(&groups.iter().collect::<Vec<_>>(), &group_pairs)]
    };
    let mut lines: Vec<(String, String)> = assemble(out, &tasks)
        .iter()
        .map(|l| {
            let (key, record) = l.split_once('\t').expect("PATH<TAB>RECORD");
            (serde_json::from_str(key).unwrap(), record.to_string())
        })
        .collect();
    lines.sort();
    lines.into_iter().map(|(_, r)| r + "\n").collect()
}

/// Connected components of `0..n` under `edges`, each sorted, in order of their least node.
fn components(n: i64, edges: &[[i64; 2]]) -> Vec<Vec<i64>> {
    let mut root: Vec<i64> = (0..n).collect();
    fn find(root: &[i64], x: i64) -> i64 {
        let mut x = x;
        while root[x as usize] != x {
            x = root[x as usize];
        }
        x
    }
    for &[a, b] in edges {
        let (ra, rb) = (find(&root, a), find(&root, b));
        root[ra.max(rb) as usize] = ra.min(rb);
    }
    let mut by: BTreeMap<i64, Vec<i64>> = BTreeMap::new();
    for x in 0..n {
        let r = find(&root, x);
        by.entry(r).or_default().push(x);
    }
    by.into_values().collect()
}

#[test]
fn assemble_tasks_give_the_stories_of_one_run() {
    // Seeds: five versions of two stories; stories: a write-thru pair joined by story evidence
    // and two sibling quakes kept apart; both grouping modes.
    for (corpus, extra) in [
        ("seeds", &[][..]),
        ("stories", &[][..]),
        ("seeds", &["--group", "versions"][..]),
        ("stories", &["--group", "versions"][..]),
    ] {
        let tmp = tempfile::tempdir().unwrap();
        let dir = fixtures().join(corpus);
        let o = fingerprint(&dir, tmp.path(), extra);
        assert!(o.status.success(), "{}", stderr(&o));
        let rows = shard::read(&shards(tmp.path())[0]).unwrap();
        let got = through_assemble(tmp.path(), &rows, false);
        let cut = through_assemble(tmp.path(), &rows, true);
        let mut args: Vec<String> = vec!["--jsonl".into(), "-q".into()];
        args.extend(extra.iter().map(|s| s.to_string()));
        args.push(dir.display().to_string());
        let want = stdout(&run(&args));
        assert!(want.lines().count() >= 2, "{corpus}: {want}");
        assert_eq!(got, want, "{corpus} {extra:?}");
        assert_eq!(cut, want, "{corpus} {extra:?}: cut at the decisions");
    }
}

#[test]
fn a_shard_written_again_is_the_same_file_and_keeps_every_skip() {
    let tmp = tempfile::tempdir().unwrap();
    let corpus = tmp.path().join("corpus");
    std::fs::create_dir(&corpus).unwrap();
    for f in std::fs::read_dir(fixtures().join("seeds")).unwrap() {
        let f = f.unwrap().path();
        std::fs::copy(&f, corpus.join(f.file_name().unwrap())).unwrap();
    }
    std::fs::write(corpus.join("empty.txt"), b"").unwrap();
    std::fs::write(corpus.join("logo.txt"), b"\x89PNG\0\0\0binary").unwrap();
    let out = tmp.path().join("fp");
    let o = fingerprint(&corpus, &out, &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    // Skips are reported as by the main job, one line each.
    let main = run(&[corpus.display().to_string()]);
    let skip_lines = |s: String| -> Vec<String> {
        s.lines()
            .filter(|l| l.starts_with("newsdedup: skipped"))
            .map(str::to_string)
            .collect()
    };
    assert_eq!(skip_lines(stderr(&o)), skip_lines(stderr(&main)));
    assert_eq!(skip_lines(stderr(&o)).len(), 2);
    let files = shards(&out);
    assert_eq!(files.len(), 1);
    let first = std::fs::read(&files[0]).unwrap();
    let rows = shard::read(&files[0]).unwrap();
    let paths: Vec<&str> = rows.iter().map(|r| r.path.as_str()).collect();
    assert!(paths.is_sorted(), "{paths:?}");
    assert_eq!(rows.len(), 7);
    let kinds: Vec<(&str, Option<&str>)> = rows
        .iter()
        .map(|r| {
            let name = r.path.rsplit('/').next().unwrap();
            (name, r.skip.as_ref().map(|s| s.0.as_str()))
        })
        .filter(|(_, k)| k.is_some())
        .collect();
    assert_eq!(
        kinds,
        [("empty.txt", Some("empty")), ("logo.txt", Some("binary"))]
    );
    // Every article is whole in its row: the article's bytes give back its path and body.
    for r in rows.iter().filter(|r| r.skip.is_none()) {
        let (a, _) =
            newsdedup::index::store::article_from_bytes(r.article.as_ref().unwrap()).unwrap();
        assert_eq!(a.path, r.path);
        assert!(!a.body.is_empty() && !r.shingles.is_empty() && !r.band_keys.is_empty());
    }
    // The same slice again: the same shard name, replaced by the same bytes, nothing left
    // beside it.
    let o = fingerprint(&corpus, &out, &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    let names: Vec<_> = std::fs::read_dir(out.join("shards"))
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names.len(), 1, "{names:?}");
    assert_eq!(std::fs::read(&files[0]).unwrap(), first);
    // Another slice is another shard.
    let o = fingerprint(&fixtures().join("stories"), &out, &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(shards(&out).len(), 2);
}

#[test]
fn shards_of_other_options_and_bad_tasks_are_refused_by_name() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("fp");
    let seeds = fixtures().join("seeds");
    assert!(fingerprint(&seeds, &out, &[]).status.success());
    let o = fingerprint(&seeds, &out, &["--jaccard", "0.7"]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(
        err.contains("params.json") && err.contains("other options"),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1, "{err}");
    // A missing input: exit 2, the others still fingerprinted.
    let o = run(&[
        "fingerprint",
        "-q",
        "--out-dir",
        &out.display().to_string(),
        "--shard",
        "with-missing",
        &seeds.display().to_string(),
        "no/such/dir",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("no/such/dir: no such file or directory"));
    let rows = shard::read(&out.join("shards/with-missing.parquet")).unwrap();
    assert_eq!(rows.iter().filter(|r| r.skip.is_none()).count(), 5);
    // Tasks: a line that is not one is named, the others answered.
    let params = out.join("params.json").display().to_string();
    let good = json!({"task": "versions", "docs": [{"id": 3, "shingles": [1, 2, 3], "day": null}], "pairs": []});
    let input = format!("not json\n{good}\n{{\"task\": \"stories\"}}\n");
    let o = run_stdin(&["assemble", "--params", &params], input.as_bytes());
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 2, "{err}");
    assert!(
        lines[0].starts_with("newsdedup: error: <stdin>:1: not a task"),
        "{err}"
    );
    assert!(
        lines[1].starts_with("newsdedup: error: <stdin>:3: not a task"),
        "{err}"
    );
    let answer: Value = serde_json::from_str(stdout(&o).trim()).unwrap();
    assert_eq!(
        answer,
        json!({"groups": [{"members": [3], "coverage": [3], "rep": 3}], "links": []})
    );
    // Parameters that are not: named.
    let bad = tmp.path().join("bad.json");
    std::fs::write(&bad, "{}").unwrap();
    let o = run_stdin(&["assemble", "--params", &bad.display().to_string()], b"");
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("bad.json: not newsdedup parameters"),
        "{}",
        stderr(&o)
    );
}
