//! Bad input, nothing lost: every kind of bad input is skipped with a one-line reason (on
//! stderr and in `--stats-json`), the run goes on, and every input is a story member or a skip
//! exactly once (`assert_accounted`).

use std::path::{Path, PathBuf};
use std::process::Output;
use std::time::Instant;

use crate::util::*;

/// A real article: long enough to shingle, distinct by `seed`.
fn article(seed: u64) -> String {
    let mut words = Vec::new();
    let mut x = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    for _ in 0..60 {
        x = x
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        words.push(WORDS[(x >> 33) as usize % WORDS.len()]);
    }
    format!("Story number {seed}. {}.", words.join(" "))
}

const WORDS: &[&str] = &[
    "harbour",
    "council",
    "storm",
    "ferry",
    "minister",
    "election",
    "river",
    "bridge",
    "market",
    "school",
    "police",
    "festival",
    "museum",
    "airport",
    "hospital",
    "court",
    "budget",
    "strike",
    "village",
    "museum",
    "orchestra",
    "vineyard",
    "railway",
    "tunnel",
    "glacier",
    "senate",
    "satellite",
    "volcano",
    "pipeline",
    "stadium",
    "library",
    "factory",
    "reservoir",
    "embassy",
];

/// Runs newsdedup on `args` with `--stats-json` into `dir`, returning the output and the stats.
fn run_with_stats(dir: &Path, args: &[&std::ffi::OsStr]) -> (Output, serde_json::Value) {
    let stats = dir.join("stats.json");
    let mut all: Vec<&std::ffi::OsStr> = vec!["--stats-json".as_ref(), stats.as_os_str()];
    all.extend_from_slice(args);
    let out = run(&all);
    let json = read_json(&stats);
    (out, json)
}

fn shown(p: &Path) -> String {
    p.to_string_lossy().into_owned()
}

/// The reason a path was skipped with, and its kind.
fn skip_of<'a>(skips: &'a [(String, String, String)], path: &Path) -> Option<(&'a str, &'a str)> {
    let p = shown(path);
    skips
        .iter()
        .find(|(sp, _, _)| *sp == p)
        .map(|(_, r, k)| (r.as_str(), k.as_str()))
}

#[test]
fn every_kind_of_bad_input_is_skipped_with_a_reason_and_nothing_is_lost() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("corpus");
    std::fs::create_dir_all(dir.join("sub")).unwrap();
    let mut inputs: Vec<PathBuf> = Vec::new();
    let mut put = |name: &str, bytes: &[u8]| {
        let p = dir.join(name);
        std::fs::write(&p, bytes).unwrap();
        inputs.push(p);
    };
    put("good-1.txt", article(1).as_bytes());
    put("sub/good-2.txt", article(2).as_bytes());
    put("empty.txt", b"");
    put("whitespace.txt", b"  \n\t\r\n   \n");
    put(
        "binary.txt",
        b"\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x03\x00>\x00",
    );
    let mut late_nul = article(3).into_bytes();
    late_nul.resize(1500, b' ');
    late_nul.extend_from_slice(b"\0\0 tail words after the NUL bytes of this file");
    put("nul-after-1kb.txt", &late_nul);
    let mut latin1 =
        b"Le gouvernement fran\xe7ais a annonc\xe9 une r\xe9forme de l'\xe9cole; ".to_vec();
    latin1.extend_from_slice(article(4).as_bytes());
    latin1.extend_from_slice(b" \xff\xfe\xc3\x28 invalid UTF-8 bytes");
    put("invalid-utf8.txt", &latin1);
    let nested = format!(
        "<html><body>{}{}{}</body></html>",
        "<div>".repeat(10_000),
        article(5),
        "</div>".repeat(10_000)
    );
    put("nested-10000.html", nested.as_bytes());
    put(
        "nested-10000-text.txt",
        format!("{}{}", "<b>".repeat(10_000), article(6)).as_bytes(),
    );
    put("unreadable.txt", article(7).as_bytes());
    let unreadable = dir.join("unreadable.txt");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&unreadable, std::fs::Permissions::from_mode(0o000)).unwrap();
    }
    // A directory loop: corpus/sub/loop → corpus.
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(&dir, dir.join("sub/loop")).unwrap();
        inputs.push(dir.join("sub/loop"));
    }
    let missing = tmp.path().join("no-such-file.txt");
    inputs.push(missing.clone());

    let (out, stats) = run_with_stats(tmp.path(), &[dir.as_os_str(), missing.as_os_str()]);
    let root_reads_anyway = std::fs::read(&unreadable).is_ok();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&unreadable, std::fs::Permissions::from_mode(0o644)).unwrap();
    }

    assert_eq!(out.status.code(), Some(2), "a missing argument is exit 2");
    let expected: Vec<String> = inputs.iter().map(|p| shown(p)).collect();
    let skips = assert_accounted(&expected, &out, &stats);

    let want: &[(&str, &str, &str)] = &[
        ("empty.txt", "empty file", "empty"),
        ("whitespace.txt", "empty file", "empty"),
        (
            "binary.txt",
            "binary file (NUL byte in the first 1 KB)",
            "binary",
        ),
    ];
    for (name, reason, kind) in want {
        assert_eq!(
            skip_of(&skips, &dir.join(name)),
            Some((*reason, *kind)),
            "{name}"
        );
    }
    assert_eq!(
        skip_of(&skips, &missing),
        Some(("no such file or directory", "not_found"))
    );
    #[cfg(unix)]
    {
        let (reason, kind) = skip_of(&skips, &dir.join("sub/loop")).expect("loop reported");
        assert_eq!(kind, "walk_error");
        assert!(
            reason.starts_with("cannot walk: symlink loop back to"),
            "{reason}"
        );
        if root_reads_anyway {
            eprintln!(
                "note: running as root, so a mode-000 file is readable: not checking its skip"
            );
        } else {
            assert_eq!(
                skip_of(&skips, &unreadable),
                Some(("cannot read: permission denied", "unreadable"))
            );
        }
    }
    // Text with NUL bytes after the first KB, invalid UTF-8 and deep nesting are articles.
    let members = member_paths(&stories(&out));
    for name in [
        "good-1.txt",
        "sub/good-2.txt",
        "nul-after-1kb.txt",
        "invalid-utf8.txt",
        "nested-10000.html",
        "nested-10000-text.txt",
    ] {
        assert!(
            members.contains(&shown(&dir.join(name))),
            "{name} not a member"
        );
    }
    let s = stories(&out);
    let latin = s
        .iter()
        .find(|st| st["canonical"] == shown(&dir.join("invalid-utf8.txt")))
        .expect("invalid-utf8.txt is its own story");
    assert!(
        latin["text"]
            .as_str()
            .unwrap()
            .contains("français a annoncé"),
        "decoded as Latin-1: {}",
        latin["text"]
    );
    assert_eq!(
        stats["skipped_by_kind"]["empty"], 2,
        "{}",
        stats["skipped_by_kind"]
    );
}

#[test]
fn a_file_deleted_between_listing_and_reading_is_skipped() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = (tmp.path().join("a.txt"), tmp.path().join("b.txt"));
    std::fs::write(&a, article(10)).unwrap();
    std::fs::write(&b, article(11)).unwrap();
    let expanded = newsdedup::input::expand(
        &[tmp.path().to_path_buf()],
        &newsdedup::input::ExtFilter::default(),
    );
    assert_eq!(expanded.files.len(), 2);
    std::fs::remove_file(&b).unwrap();
    assert!(newsdedup::pipeline::load(&expanded.files[0], &Default::default()).is_ok());
    let err = newsdedup::pipeline::load(&expanded.files[1], &Default::default()).unwrap_err();
    assert_eq!(err.kind(), "unreadable");
    assert_eq!(
        err.to_string(),
        "cannot read: file vanished before it was read"
    );

    // The same through the binary: a --files-from list naming a file that is gone.
    let list = tmp.path().join("list.txt");
    std::fs::write(&list, format!("{}\n{}\n", a.display(), b.display())).unwrap();
    let (out, stats) = run_with_stats(tmp.path(), &["--files-from".as_ref(), list.as_os_str()]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "a listed file that is gone is a skip, not an error"
    );
    let skips = assert_accounted(&[shown(&a), shown(&b)], &out, &stats);
    assert_eq!(
        skips,
        [(
            shown(&b),
            "no such file or directory".into(),
            "not_found".into()
        )]
    );
}

#[test]
fn a_100_mb_single_line_file() {
    let tmp = tempfile::tempdir().unwrap();
    let big = tmp.path().join("big.txt");
    {
        use std::io::Write;
        let mut f = std::io::BufWriter::new(std::fs::File::create(&big).unwrap());
        let line = article(20);
        let mut written = 0usize;
        let mut i = 0u64;
        while written < 100 << 20 {
            // Vary the text so the shingle set is large, as in a real long document.
            let chunk = format!("{} {i} ", line);
            f.write_all(chunk.as_bytes()).unwrap();
            written += chunk.len();
            i += 1;
        }
        f.flush().unwrap();
    }
    let small = tmp.path().join("small.txt");
    std::fs::write(&small, article(21)).unwrap();
    let clock = Instant::now();
    let (out, stats) = run_with_stats(tmp.path(), &[big.as_os_str(), small.as_os_str()]);
    let took = clock.elapsed();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_accounted(&[shown(&big), shown(&small)], &out, &stats);
    assert!(stats["bytes"].as_u64().unwrap() >= 100 << 20);
    eprintln!("100 MB single line: {took:.1?}");
}

#[test]
fn many_tiny_files() {
    // 20,000 files. With 100,000 the run itself took 2.9 s in release, but creating and removing
    // the files took over a minute on this machine's file system, so the test uses fewer.
    const N: u64 = 20_000;
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("tiny");
    let mut expected = Vec::with_capacity(N as usize);
    for i in 0..N {
        let sub = dir.join(format!("{:03}", i / 1000));
        if i % 1000 == 0 {
            std::fs::create_dir_all(&sub).unwrap();
        }
        let p = sub.join(format!("{i:06}.txt"));
        let mut x = i.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
        let words: Vec<&str> = (0..12)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                WORDS[(x % WORDS.len() as u64) as usize]
            })
            .collect();
        std::fs::write(&p, format!("{i} {}", words.join(" "))).unwrap();
        expected.push(shown(&p));
    }
    let clock = Instant::now();
    let (out, stats) = run_with_stats(tmp.path(), &[dir.as_os_str()]);
    let took = clock.elapsed();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_accounted(&expected, &out, &stats);
    assert_eq!(stats["inputs"], N);
    eprintln!("{N} tiny files: {took:.1?}");
}
