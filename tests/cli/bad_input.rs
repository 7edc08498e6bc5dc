//! Bad input is reported on stderr with its reason; the rest is still processed.

use crate::util::*;

#[test]
fn missing_path_exits_2_naming_it_and_still_processes_the_rest() {
    let out = run(&["fixtures/seeds", "no/such/dir"]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains("no/such/dir") && err.contains("no such file"),
        "{err}"
    );
    assert_eq!(stories(&out).len(), 2, "the seeds are still processed");
}

#[test]
fn empty_binary_and_undecodable_files_are_skipped_with_reasons() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    std::fs::write(p.join("empty.txt"), "").unwrap();
    std::fs::write(p.join("blank.txt"), " \n\t\n").unwrap();
    std::fs::write(p.join("binary.txt"), b"\x7fELF\x02\x01\x00\x00\x00binary").unwrap();
    std::fs::write(
        p.join("garbage.txt"),
        [1u8, 2, 3, 4, 5, 6, 7, 8, 14, 15, 16, 17, 18, 19, 20, b'a'],
    )
    .unwrap();
    std::fs::write(
        p.join("markup-only.html"),
        "<html><body><script>x()</script></body></html>",
    )
    .unwrap();
    // A headline and a body the page's script would render: the title alone is no story.
    std::fs::write(
        p.join("script-rendered.html"),
        "<html><head><title>Harbour reopens after the storm, mayor says</title></head>\
         <body><div id=\"root\"></div><script>self.__next_f.push([1,\"story\"])</script>\
         </body></html>",
    )
    .unwrap();
    std::fs::write(
        p.join("good.txt"),
        "A real article about the harbour reopening after the storm.",
    )
    .unwrap();
    let out = run(&[p]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "skips alone do not fail the run"
    );
    let err = stderr(&out);
    for (file, reason) in [
        ("empty.txt", "empty file"),
        ("blank.txt", "empty file"),
        ("binary.txt", "binary file"),
        ("garbage.txt", "undecodable"),
        ("markup-only.html", "no article text"),
        ("script-rendered.html", "no article text"),
    ] {
        let line = err
            .lines()
            .find(|l| l.contains(file))
            .unwrap_or_else(|| panic!("{file} not reported:\n{err}"));
        assert!(line.contains(reason), "{line}");
    }
    assert_eq!(err.lines().count(), 6, "{err}");
    let stories = stories(&out);
    assert_eq!(stories.len(), 1);
    assert_eq!(
        file_name(stories[0]["canonical"].as_str().unwrap()),
        "good.txt"
    );
    let strict = run(&[std::ffi::OsStr::new("--strict"), p.as_os_str()]);
    assert_eq!(strict.status.code(), Some(3));
}

#[test]
fn fail_on_duplicates_exit_code() {
    assert_eq!(
        run(&["--fail-on-duplicates", "fixtures/seeds"])
            .status
            .code(),
        Some(1)
    );
    assert_eq!(
        run(&[
            "--fail-on-duplicates",
            "fixtures/seeds/004_2e2aca06f62381f0.txt"
        ])
        .status
        .code(),
        Some(0)
    );
}

/// A run can meet several exit conditions at once: an error (2) wins over duplicates (1),
/// duplicates over skips (3), and `--help` says so.
#[test]
fn exit_code_precedence_is_2_then_1_then_3() {
    let tmp = tempfile::tempdir().unwrap();
    for name in ["000_0856deeb6f85966c.txt", "001_c066a931abca1759.txt"] {
        std::fs::copy(fixtures().join("seeds").join(name), tmp.path().join(name)).unwrap();
    }
    std::fs::write(tmp.path().join("empty.txt"), "").unwrap();
    let dir = tmp.path().as_os_str();
    let code = |args: &[&str], extra: &[&std::ffi::OsStr]| {
        let mut all: Vec<&std::ffi::OsStr> = args.iter().map(|a| a.as_ref()).collect();
        all.push(dir);
        all.extend(extra);
        let out = run(&all);
        assert_eq!(
            stories(&out).len(),
            1,
            "{args:?}: the story is printed whatever the code"
        );
        out.status.code()
    };
    let both = ["--strict", "--fail-on-duplicates"];
    assert_eq!(code(&["--strict"], &[]), Some(3), "skipped something");
    assert_eq!(code(&["--fail-on-duplicates"], &[]), Some(1), "duplicates");
    assert_eq!(code(&both, &[]), Some(1), "duplicates win over skips");
    let missing = tmp.path().join("no-such-file.txt");
    assert_eq!(
        code(&both, &[missing.as_os_str()]),
        Some(2),
        "an error wins over both"
    );

    let help = stdout(&run(&["--help"]));
    let help = help.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        help.contains(
            "When several apply, the status is the first of 4, 2, 1, 3: an error wins over \
             duplicates, duplicates over skipped inputs."
        ),
        "{help}"
    );
}

#[test]
fn usage_errors_exit_2() {
    assert_eq!(run::<&str>(&[]).status.code(), Some(2));
    assert_eq!(
        run(&["--jaccard", "2", "fixtures/seeds"]).status.code(),
        Some(2)
    );
}

/// Two versions of one story in a fresh folder, read with no memory for texts: the folder
/// and the configuration.
fn two_versions_without_text_memory() -> (tempfile::TempDir, newsdedup::config::Config) {
    let dir = tempfile::tempdir().unwrap();
    let story = "The harbour authority said on Monday that the north pier will close for repairs \
                 after storms damaged its supports, and ferries will use the south pier instead.";
    std::fs::write(dir.path().join("a.txt"), story).unwrap();
    std::fs::write(
        dir.path().join("b.txt"),
        format!("{story} Work starts in May."),
    )
    .unwrap();
    let mut cfg = newsdedup::config::Config::new(vec![dir.path().to_path_buf()]);
    cfg.text_memory = 0;
    (dir, cfg)
}

#[test]
fn a_canonical_file_changed_before_it_is_read_again_is_named_in_a_warning() {
    use newsdedup::pipeline;
    let (dir, mut cfg) = two_versions_without_text_memory();
    cfg.spill = false;
    cfg.threads = 1;
    let floor = cfg.cluster.verify_floor();
    let prepared = pipeline::prepare(&cfg, floor).unwrap();
    assert!(
        prepared.articles.iter().all(|a| a.body.is_empty()),
        "texts dropped"
    );
    // Both files change between fingerprinting and output.
    std::fs::write(dir.path().join("a.txt"), "Something else entirely.").unwrap();
    std::fs::write(dir.path().join("b.txt"), "Something else entirely.").unwrap();
    let outcome = pipeline::finish(prepared, &cfg.cluster, cfg.canonical);
    assert_eq!(outcome.stories.len(), 1);
    assert_eq!(outcome.warnings.len(), 1, "{:?}", outcome.warnings);
    let canonical = &outcome.articles[outcome.stories[0].canonical as usize];
    let want = format!("{}: changed during the run", canonical.path);
    assert!(
        outcome.warnings[0].starts_with(&want),
        "{:?}",
        outcome.warnings
    );
    assert_eq!(
        canonical.body, "Something else entirely.",
        "the new reading"
    );
    assert_eq!(outcome.stats.texts_reread, 1);
}

#[test]
fn a_spilled_text_is_the_first_reading_even_if_its_file_changes() {
    use newsdedup::pipeline;
    let (dir, cfg) = two_versions_without_text_memory();
    let floor = cfg.cluster.verify_floor();
    let prepared = pipeline::prepare(&cfg, floor).unwrap();
    assert!(prepared.articles.iter().all(|a| a.body.is_empty()));
    assert_eq!(prepared.stats.texts_spilled, 2);
    std::fs::write(dir.path().join("a.txt"), "Something else entirely.").unwrap();
    std::fs::write(dir.path().join("b.txt"), "Something else entirely.").unwrap();
    let outcome = pipeline::finish(prepared, &cfg.cluster, cfg.canonical);
    assert_eq!(outcome.stories.len(), 1);
    assert!(outcome.warnings.is_empty(), "{:?}", outcome.warnings);
    assert_eq!(outcome.stats.texts_reread, 0);
    let canonical = &outcome.articles[outcome.stories[0].canonical as usize];
    assert!(
        canonical.body.starts_with("The harbour authority"),
        "{}",
        canonical.body
    );
}
