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
    ] {
        let line = err
            .lines()
            .find(|l| l.contains(file))
            .unwrap_or_else(|| panic!("{file} not reported:\n{err}"));
        assert!(line.contains(reason), "{line}");
    }
    assert_eq!(err.lines().count(), 5, "{err}");
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

#[test]
fn usage_errors_exit_2() {
    assert_eq!(run::<&str>(&[]).status.code(), Some(2));
    assert_eq!(
        run(&["--jaccard", "2", "fixtures/seeds"]).status.code(),
        Some(2)
    );
}
