//! Issue 6, a tool people can script and trust: `-o` written atomically, a broken pipe is a
//! quiet exit, `--stats`/`--stats-json`, `--quiet`, no progress bar when stderr is not a
//! terminal, `--files-from`, `--input jsonl`, completions and the man page.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};

use crate::util::*;

const SEEDS: &str = "fixtures/seeds";

fn leftovers(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".newsdedup-"))
        .collect()
}

#[test]
fn output_file_is_written_atomically_and_equals_stdout() {
    let tmp = tempfile::tempdir().unwrap();
    let target = tmp.path().join("stories.json");
    let stdout_run = run(&[SEEDS]);
    let file_run = run(&["-o".as_ref(), target.as_os_str(), SEEDS.as_ref()]);
    assert!(file_run.status.success(), "{}", stderr(&file_run));
    assert!(file_run.stdout.is_empty(), "nothing on stdout with -o");
    assert_eq!(std::fs::read(&target).unwrap(), stdout_run.stdout);
    assert!(leftovers(tmp.path()).is_empty());
    assert_eq!(
        run(&["-o", "-", SEEDS]).stdout,
        stdout_run.stdout,
        "-o - is stdout"
    );

    // An existing file is replaced whole, and keeps its permissions.
    std::fs::write(&target, "OLD").unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&target, std::fs::Permissions::from_mode(0o600)).unwrap();
    }
    let again = run(&[
        "--jsonl".as_ref(),
        "--output".as_ref(),
        target.as_os_str(),
        SEEDS.as_ref(),
    ]);
    assert!(again.status.success());
    assert_eq!(
        std::fs::read(&target).unwrap(),
        run(&["--jsonl", SEEDS]).stdout
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&target).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }

    // A run that fails never touches an existing output file.
    std::fs::write(&target, "OLD").unwrap();
    let failed = run(&[
        "-o".as_ref(),
        target.as_os_str(),
        "--files-from".as_ref(),
        tmp.path().join("no-such-list").as_os_str(),
    ]);
    assert_eq!(failed.status.code(), Some(2));
    assert_eq!(std::fs::read(&target).unwrap(), b"OLD");
    assert!(leftovers(tmp.path()).is_empty());

    // A folder that does not exist: exit 2, one line naming the file.
    let nowhere = tmp.path().join("no/such/dir/out.json");
    let bad = run(&["-o".as_ref(), nowhere.as_os_str(), SEEDS.as_ref()]);
    assert_eq!(bad.status.code(), Some(2));
    let err = stderr(&bad);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.starts_with("newsdedup: error: cannot write ") && err.contains("out.json"));
}

/// `-o` replaces regular files only: a symbolic link keeps pointing at its (replaced) target, and
/// a FIFO or device (`-o /dev/null`) is written to in place. Renaming a temporary file over
/// `/dev/null` once turned it into a plain file on a machine running as root, and every build
/// that later read from it broke.
#[cfg(unix)]
#[test]
fn output_to_a_symlink_or_a_fifo_keeps_them() {
    let tmp = tempfile::tempdir().unwrap();
    let expected = run(&[SEEDS]).stdout;

    let real = tmp.path().join("real.json");
    let link = tmp.path().join("link.json");
    std::fs::write(&real, "OLD").unwrap();
    std::os::unix::fs::symlink(&real, &link).unwrap();
    let out = run(&["-o".as_ref(), link.as_os_str(), SEEDS.as_ref()]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(link.is_symlink(), "the link is kept");
    assert_eq!(std::fs::read(&real).unwrap(), expected);
    assert!(leftovers(tmp.path()).is_empty());

    // A dangling link (relative, like most) gets its target created; the link stays.
    let dangling = tmp.path().join("dangling.json");
    std::os::unix::fs::symlink("made.json", &dangling).unwrap();
    let out = run(&["-o".as_ref(), dangling.as_os_str(), SEEDS.as_ref()]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(dangling.is_symlink());
    assert_eq!(
        std::fs::read(tmp.path().join("made.json")).unwrap(),
        expected
    );

    // A link loop and a folder: exit 2 with one line, nothing replaced.
    let (a, b) = (tmp.path().join("loop-a"), tmp.path().join("loop-b"));
    std::os::unix::fs::symlink(&b, &a).unwrap();
    std::os::unix::fs::symlink(&a, &b).unwrap();
    for target in [a.as_path(), tmp.path()] {
        let out = run(&["-o".as_ref(), target.as_os_str(), SEEDS.as_ref()]);
        assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
        assert_eq!(stderr(&out).lines().count(), 1, "{}", stderr(&out));
    }
    assert!(a.is_symlink() && b.is_symlink());
    assert!(leftovers(tmp.path()).is_empty());

    let fifo = tmp.path().join("fifo");
    let made = Command::new("mkfifo").arg(&fifo).status();
    if !made.is_ok_and(|s| s.success()) {
        eprintln!("skipped the FIFO case: mkfifo is not available");
        return;
    }
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::read(fifo).unwrap())
    };
    let out = run(&["-o".as_ref(), fifo.as_os_str(), SEEDS.as_ref()]);
    assert!(out.status.success(), "{}", stderr(&out));
    // Checked before joining: had the FIFO been replaced, the reader would wait forever.
    use std::os::unix::fs::FileTypeExt;
    let kind = std::fs::symlink_metadata(&fifo).unwrap().file_type();
    assert!(kind.is_fifo(), "the FIFO is still a FIFO");
    assert_eq!(reader.join().unwrap(), expected);
    assert!(leftovers(tmp.path()).is_empty());
}

#[test]
fn normalize_writes_to_an_output_file_too() {
    let tmp = tempfile::tempdir().unwrap();
    let target = tmp.path().join("articles.json");
    let out = run(&[
        "normalize".as_ref(),
        "-o".as_ref(),
        target.as_os_str(),
        SEEDS.as_ref(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        std::fs::read(&target).unwrap(),
        run(&["normalize", SEEDS]).stdout
    );
}

/// Writes `n` distinct articles of about 1 KB each into `dir`.
fn write_corpus(dir: &Path, n: usize) {
    std::fs::create_dir_all(dir).unwrap();
    for i in 0..n {
        let words: Vec<String> = (0..150)
            .map(|w| format!("w{}x{}", i, w * 7 + i % 5))
            .collect();
        std::fs::write(dir.join(format!("{i:04}.txt")), words.join(" ")).unwrap();
    }
}

#[test]
fn broken_pipe_is_a_quiet_exit_0() {
    let tmp = tempfile::tempdir().unwrap();
    // Far more output than a pipe buffer holds, so the writer meets the closed pipe.
    write_corpus(tmp.path(), 400);
    for format in ["--jsonl", "--pretty"] {
        let mut child = Command::new(BIN)
            .args([format.as_ref(), tmp.path().as_os_str()])
            .env_remove("CI")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut reader = BufReader::new(child.stdout.take().unwrap());
        let mut line = String::new();
        reader.read_line(&mut line).unwrap();
        assert!(!line.is_empty());
        drop(reader); // `| head -1`
        let out = child.wait_with_output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{format}: {}", stderr(&out));
        assert_eq!(stderr(&out), "", "{format}: no error line");
    }
}

#[test]
fn stats_go_to_stderr_and_json_and_stdout_stays_byte_stable() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("empty.txt"), "").unwrap();
    let json_path = tmp.path().join("stats.json");
    let plain = run(&[SEEDS]);
    let with = run(&[
        "--stats".as_ref(),
        "--stats-json".as_ref(),
        json_path.as_os_str(),
        SEEDS.as_ref(),
        tmp.path().join("empty.txt").as_os_str(),
    ]);
    assert!(with.status.success(), "{}", stderr(&with));
    assert_eq!(plain.stdout, with.stdout, "stats never reach stdout");
    let err = stderr(&with);
    let mut lines = err.lines();
    assert!(lines.next().unwrap().ends_with("empty.txt: empty file"));
    assert_eq!(lines.next(), Some("newsdedup: stats"));
    let table: Vec<&str> = lines.collect();
    for key in [
        "inputs ",
        "articles ",
        "skipped ",
        "  empty ",
        "stories ",
        "  with several versions ",
        "  largest (versions) ",
        "bytes ",
        "time read+normalize+shingle ",
        "time total ",
    ] {
        assert!(
            table.iter().any(|l| l.starts_with(key)),
            "{key:?} not in\n{err}"
        );
    }

    let stats = read_json(&json_path);
    assert_eq!(stats["inputs"], 6);
    assert_eq!(stats["articles"], 5);
    assert_eq!(stats["stories"], 2);
    assert_eq!(stats["stories_with_versions"], 1);
    assert_eq!(stats["largest_story"], 4);
    assert_eq!(stats["skipped_by_kind"], serde_json::json!({"empty": 1}));
    assert!(stats["bytes"].as_u64().unwrap() > 10_000);
    let stages: Vec<&str> = stats["stages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["stage"].as_str().unwrap())
        .collect();
    assert_eq!(
        stages,
        [
            "list",
            "read+normalize+shingle",
            "templates",
            "minhash",
            "candidates",
            "verify",
            "cluster",
            "stories",
            "canonical"
        ]
    );
    assert!(stats["seconds"].as_f64().unwrap() >= 0.0);
    let skipped = stats_skipped(&stats);
    assert_eq!(skipped.len(), 1);
    assert!(skipped[0].0.ends_with("empty.txt"));
    assert_eq!(
        (skipped[0].1.as_str(), skipped[0].2.as_str()),
        ("empty file", "empty")
    );

    // --quiet silences the table, not the skip report nor --stats-json.
    std::fs::remove_file(&json_path).unwrap();
    let quiet = run(&[
        "-q".as_ref(),
        "--stats".as_ref(),
        "--stats-json".as_ref(),
        json_path.as_os_str(),
        tmp.path().join("empty.txt").as_os_str(),
        SEEDS.as_ref(),
    ]);
    assert_eq!(skip_lines(&quiet).len(), 1);
    assert!(json_path.exists());
}

#[test]
fn no_progress_bar_when_stderr_is_not_a_terminal() {
    // Even a run long enough for the bar (more than a second here) writes nothing on stderr but
    // skip lines when stderr is a pipe, as in CI and in these tests.
    let tmp = tempfile::tempdir().unwrap();
    write_corpus(tmp.path(), 3000);
    std::fs::write(tmp.path().join("blank.txt"), "\n\n").unwrap();
    let out = run(&[tmp.path()]);
    assert!(out.status.success());
    assert_eq!(skip_lines(&out).len(), 1, "{}", stderr(&out));
}

#[test]
fn files_from_a_list_a_nul_list_and_stdin() {
    let files: Vec<String> = std::fs::read_dir(fixtures().join("seeds"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    let from_args = run(&files);
    assert!(from_args.status.success());
    let tmp = tempfile::tempdir().unwrap();

    let list = tmp.path().join("list.txt");
    std::fs::write(&list, files.join("\n") + "\n").unwrap();
    let out = run(&["--files-from".as_ref(), list.as_os_str()]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(out.stdout, from_args.stdout);

    let nul = tmp.path().join("list.nul");
    std::fs::write(&nul, files.join("\0") + "\0").unwrap();
    let out = run(&["-0".as_ref(), "--files-from".as_ref(), nul.as_os_str()]);
    assert_eq!(out.stdout, from_args.stdout);
    let out = run(&["--null".as_ref(), "--files-from".as_ref(), nul.as_os_str()]);
    assert_eq!(out.stdout, from_args.stdout);

    let out = run_stdin(&["--files-from", "-"], (files.join("\n") + "\n").as_bytes());
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(out.stdout, from_args.stdout);

    // Listed and given: read once.
    let out = run(&["--files-from".as_ref(), list.as_os_str(), files[0].as_ref()]);
    assert_eq!(out.stdout, from_args.stdout);

    // The list itself missing is a usage error naming it.
    let out = run(&["--files-from", "no/such/list"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out),
        "newsdedup: error: cannot read the --files-from list no/such/list: no such file or directory\n"
    );
    // -0 needs --files-from.
    assert_eq!(run(&["-0", SEEDS]).status.code(), Some(2));
}

/// One folder named two ways (`del`, `./del`, its absolute path) once made each file a copy of
/// itself, and `--format duplicates | xargs rm` deleted every version of every story.
#[test]
fn one_folder_named_two_ways_is_read_once() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("del");
    std::fs::create_dir(&dir).unwrap();
    for e in std::fs::read_dir(fixtures().join("seeds")).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|e| e == "txt") {
            std::fs::copy(&p, dir.join(p.file_name().unwrap())).unwrap();
        }
    }
    let once = run_in(tmp.path(), &["del"]);
    assert!(once.status.success(), "{}", stderr(&once));
    let twice = run_in(
        tmp.path(),
        &["del".as_ref(), "./del".as_ref(), dir.as_os_str()],
    );
    assert_eq!(stdout(&twice), stdout(&once));
    let dups = run_in(
        tmp.path(),
        &["--format", "duplicates", "del", "./del", "del/./"],
    );
    let listed = stdout(&dups);
    assert_eq!(
        listed,
        stdout(&run_in(tmp.path(), &["--format", "duplicates", "del"]))
    );
    // Each story keeps its canonical version: fewer listed than files.
    assert_eq!(listed.lines().count(), 3, "{listed}");
}

/// A named pipe in a folder once made the run wait forever for a writer.
#[cfg(unix)]
#[test]
fn a_named_pipe_in_a_folder_is_a_skip() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(
        tmp.path().join("a.txt"),
        "A story about the harbour reopening today.",
    )
    .unwrap();
    let fifo = tmp.path().join("pipe.txt");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status();
    if !made.is_ok_and(|s| s.success()) {
        eprintln!("a_named_pipe_in_a_folder_is_a_skip: mkfifo not available, not run");
        return;
    }
    let out = run(&[tmp.path()]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stories(&out).len(), 1);
    assert!(
        stderr(&out).contains("pipe.txt: cannot read: not a regular file"),
        "{}",
        stderr(&out)
    );
}

/// `find … -print0 | newsdedup --files-from -` without `-0` once read the whole list as one
/// path: a single skip line, `[]` and status 0.
#[test]
fn a_nul_separated_list_without_dash_0_is_a_usage_error() {
    let list: String = ["fixtures/seeds/000_0856deeb6f85966c.txt", SEEDS]
        .iter()
        .map(|p| format!("{p}\0"))
        .collect();
    let out = run_stdin(&["--files-from", "-"], list.as_bytes());
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert_eq!(stdout(&out), "", "no output on a usage error");
    assert_eq!(
        stderr(&out),
        "newsdedup: error: cannot read the --files-from list <stdin>: it holds NUL bytes, so it \
         is NUL-separated (as `find -print0` writes it): give -0 (--null) to read it\n"
    );
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("list");
    std::fs::write(&file, &list).unwrap();
    let out = run(&["--files-from".as_ref(), file.as_os_str()]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("give -0"), "{}", stderr(&out));
    // With -0 the same list is read.
    let out = run_stdin(&["-0", "--files-from", "-"], list.as_bytes());
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(out.stdout, run(&[SEEDS]).stdout);
}

const RECORDS: &str = r#"{"id":"wire/1","text":"The harbour reopened on Monday after the storm damaged the piers and the ferry terminal, officials said. Repairs will take a month.","title":"Harbour reopens","date":"2020-01-02","url":"https://example.com/1"}
{"id":"site/2","html":"<p>The harbour reopened on Monday after the storm damaged the piers and the ferry terminal, officials said.</p><p>Repairs will take a month.</p>"}
not json at all
{"id":"wire/1","text":"a second record with the first one's id"}

{"id":"site/3","text":"An entirely different story about the council budget vote that was postponed until the spring session.","date":"March 2, 2020"}
{"id":7,"text":"Numbers work as ids: a third story about a festival that drew record crowds to the old town square."}
{"text":"no id"}
{"id":"x","text":5}
{"id":"blank","text":"   "}
"#;

#[test]
fn jsonl_records_from_a_file_and_stdin() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("records.jsonl");
    std::fs::write(&file, RECORDS).unwrap();
    let stats_path = tmp.path().join("stats.json");
    let out = run(&[
        "--input".as_ref(),
        "jsonl".as_ref(),
        "--stats-json".as_ref(),
        stats_path.as_os_str(),
        file.as_os_str(),
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "bad lines are skips: {}",
        stderr(&out)
    );
    let name = file.to_string_lossy();
    let stats = read_json(&stats_path);
    let expected: Vec<String> = ["wire/1", "site/2", "site/3", "7", "blank"]
        .iter()
        .map(|s| s.to_string())
        .chain([3, 4, 8, 9].iter().map(|l| format!("{name}:{l}")))
        .collect();
    let skips = assert_accounted(&expected, &out, &stats);
    let reasons: Vec<(String, &str)> = skips
        .iter()
        .map(|(p, r, k)| (format!("{p} [{k}] {r}"), k.as_str()))
        .collect();
    for (want, kind) in [
        (format!("{name}:3 "), "bad_record"),
        (format!("{name}:4 "), "duplicate_id"),
        (format!("{name}:8 "), "bad_record"),
        (format!("{name}:9 "), "bad_record"),
        ("blank ".to_string(), "empty"),
    ] {
        assert!(
            reasons
                .iter()
                .any(|(r, k)| r.starts_with(&want) && *k == kind),
            "{want} {kind} not in {reasons:#?}"
        );
    }
    assert!(stderr(&out).contains(&format!(
        "skipped {name}:4: duplicate id \"wire/1\" (the record at {name}:1 has it and is kept)"
    )));
    assert!(stderr(&out).contains(&format!(
        "skipped {name}:8: invalid JSON record: missing field `id`"
    )));

    let stories = stories(&out);
    assert_eq!(stories.len(), 3, "{stories:#?}");
    let harbour = stories
        .iter()
        .find(|s| s["members"].as_array().unwrap().len() == 2)
        .expect("the two harbour records join");
    assert_eq!(harbour["title"], "Harbour reopens", "title from the record");
    assert_eq!(harbour["published"], "2020-01-02", "date from the record");
    let ids: Vec<&str> = harbour["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["path"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["site/2", "wire/1"]);
    assert!(["site/2", "wire/1"].contains(&harbour["canonical"].as_str().unwrap()));
    let council = stories.iter().find(|s| s["canonical"] == "site/3").unwrap();
    assert_eq!(council["published"], "2020-03-02");
    assert!(stories.iter().any(|s| s["canonical"] == "7"));

    // The same records on stdin give the same stories; only the location name differs.
    let piped = run_stdin(&["--input", "jsonl", "-"], RECORDS.as_bytes());
    assert_eq!(piped.status.code(), Some(0));
    assert_eq!(piped.stdout, out.stdout);
    assert!(stderr(&piped).contains("skipped <stdin>:3: invalid JSON record"));

    // Record order does not matter (leaving out the duplicate id, where the first one wins).
    let mut lines: Vec<&str> = RECORDS
        .lines()
        .filter(|l| !l.contains("second record"))
        .collect();
    lines.reverse();
    let reversed = run_stdin(&["--input", "jsonl", "-"], lines.join("\n").as_bytes());
    assert_eq!(reversed.stdout, out.stdout);

    // A folder is searched for *.jsonl.
    let by_folder = run(&["--input".as_ref(), "jsonl".as_ref(), tmp.path().as_os_str()]);
    assert_eq!(by_folder.stdout, out.stdout);
}

#[test]
fn completions_for_every_shell_and_the_man_page() {
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let out = run(&["completions", shell]);
        assert!(out.status.success(), "{shell}: {}", stderr(&out));
        let text = stdout(&out);
        assert!(!text.is_empty(), "{shell}");
        let jsonl = if shell == "fish" {
            "-l jsonl"
        } else {
            "--jsonl"
        };
        assert!(text.contains(jsonl), "{shell} does not complete --jsonl");
        assert!(text.contains("files-from"), "{shell}");
    }
    assert_eq!(run(&["completions", "tcsh"]).status.code(), Some(2));
    let man = run(&["man"]);
    assert!(man.status.success());
    let text = stdout(&man);
    assert!(
        text.starts_with(".TH") || text.starts_with(".ie"),
        "{}",
        &text[..80]
    );
    assert!(text.contains("newsdedup"));
    assert!(text.contains("Exit codes"));
}

/// The man page names newsdedup-COMMAND(1) for each subcommand; `newsdedup man COMMAND`
/// prints each of them, so the references resolve once installed.
#[test]
fn every_page_the_man_page_names_can_be_rendered() {
    let main = stdout(&run(&["man"]));
    let named: Vec<&str> = main
        .split("newsdedup\\-")
        .skip(1)
        .filter_map(|rest| rest.split_once("(1)").map(|(name, _)| name))
        .filter(|name| name.chars().all(|c| c.is_ascii_lowercase()))
        .collect();
    assert_eq!(
        named,
        [
            "normalize",
            "eval",
            "fingerprint",
            "assemble",
            "completions",
            "man"
        ],
        "{main}"
    );
    for name in named {
        let out = run(&["man", name]);
        assert!(out.status.success(), "{name}: {}", stderr(&out));
        let page = stdout(&out);
        let title = format!(
            ".TH newsdedup-{name} 1  \"newsdedup {}\" ",
            env!("CARGO_PKG_VERSION")
        );
        assert!(
            page.lines().any(|l| l == title),
            "{name}: no {title:?} in {}",
            &page[..page.len().min(200)]
        );
        assert!(
            page.contains(&format!("newsdedup\\-{name} \\-")),
            "{name}: NAME section"
        );
        assert_ne!(page, main);
    }
    let out = run(&["man", "help"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("normalize, eval, fingerprint, assemble, completions, man"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn help_documents_exit_codes_and_new_options() {
    let out = run(&["--help"]);
    assert!(out.status.success());
    let help = stdout(&out);
    for want in [
        "Exit codes: 0 done; 1 --fail-on-duplicates",
        "--output <FILE>",
        "--files-from <FILE>",
        "--input <KIND>",
        "--stats-json <FILE>",
        "--quiet",
        "[default: txt,text,htm,html,xhtml,shtml,warc,]",
        "--format <FORMAT>",
        "--no-text",
        "--max-html-mib <MIB>",
    ] {
        assert!(help.contains(want), "{want:?} not in --help");
    }
}
