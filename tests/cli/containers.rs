//! Containers and output modes: WARC files (plain and compressed), compressed files of every
//! input kind, URLs, the duplicates list, the flat member table, `--no-text`, paths that are
//! not UTF-8, the HTML cap, and `normalize`'s inputs.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::util::*;

fn tempdir() -> tempfile::TempDir {
    tempfile::tempdir().expect("temp dir")
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

fn zstd(data: &[u8]) -> Vec<u8> {
    ruzstd::encoding::compress_to_vec(data, ruzstd::encoding::CompressionLevel::Fastest)
}

fn bzip2(data: &[u8]) -> Vec<u8> {
    let mut e = bzip2::write::BzEncoder::new(Vec::new(), bzip2::Compression::fast());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

/// One WARC record.
fn record(kind: &str, id: &str, uri: &str, block: &[u8]) -> Vec<u8> {
    let mut r = format!(
        "WARC/1.0\r\nWARC-Type: {kind}\r\nWARC-Record-ID: <urn:uuid:{id}>\r\n\
         WARC-Target-URI: {uri}\r\nWARC-Date: 2017-03-05T10:00:00Z\r\n\
         Content-Type: application/http; msgtype=response\r\nContent-Length: {}\r\n\r\n",
        block.len()
    )
    .into_bytes();
    r.extend_from_slice(block);
    r.extend_from_slice(b"\r\n\r\n");
    r
}

fn response(content_type: &str, body: &[u8]) -> Vec<u8> {
    let mut r = format!("HTTP/1.1 200 OK\r\nContent-Type: {content_type}\r\n\r\n").into_bytes();
    r.extend_from_slice(body);
    r
}

/// A crawl as CC-NEWS writes it: a warcinfo record, then request, response and metadata
/// records per page. Each record is its own gzip member when `gz`.
struct Crawl {
    records: Vec<Vec<u8>>,
    /// The response records that hold pages: (record id, URI).
    pages: Vec<(String, String)>,
    /// Records that are not pages by their kind.
    others: usize,
}

impl Crawl {
    fn new() -> Crawl {
        Crawl {
            records: vec![record("warcinfo", "info", "", b"software: test\r\n")],
            pages: Vec::new(),
            others: 1,
        }
    }

    fn page(&mut self, id: &str, uri: &str, content_type: &str, body: &[u8]) {
        let get = format!("GET {uri} HTTP/1.1\r\n\r\n");
        self.records
            .push(record("request", &format!("{id}-req"), uri, get.as_bytes()));
        self.records
            .push(record("response", id, uri, &response(content_type, body)));
        self.records.push(record(
            "metadata",
            &format!("{id}-meta"),
            uri,
            b"fetchTimeMs: 12\r\n",
        ));
        self.pages.push((format!("urn:uuid:{id}"), uri.to_string()));
        self.others += 2;
    }

    fn other(&mut self, bytes: Vec<u8>) {
        self.records.push(bytes);
        self.others += 1;
    }

    fn bytes(&self, gz: bool) -> Vec<u8> {
        if gz {
            self.records.iter().flat_map(|r| gzip(r)).collect()
        } else {
            self.records.concat()
        }
    }
}

/// The seeds as a crawl of text pages under https://news.example/, plus a repeated URI, a
/// redirect, an image, a page with no text, and garbage between records.
fn seed_crawl() -> Crawl {
    let mut c = Crawl::new();
    let mut seeds: Vec<PathBuf> = std::fs::read_dir(fixtures().join("seeds"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    seeds.sort();
    for (i, p) in seeds.iter().enumerate() {
        let name = p.file_name().unwrap().to_str().unwrap();
        let body = std::fs::read(p).unwrap();
        c.page(
            &format!("p{i}"),
            &format!("https://news.example/{name}"),
            "text/plain",
            &body,
        );
    }
    // The first seed fetched again later: the same URI twice.
    let first = std::fs::read(&seeds[0]).unwrap();
    let uri = format!(
        "https://news.example/{}",
        seeds[0].file_name().unwrap().to_str().unwrap()
    );
    c.page("again", &uri, "text/plain; charset=utf-8", &first);
    c.page(
        "empty",
        "https://news.example/app",
        "text/html",
        b"<html><head><title>App</title></head><body><script>render()</script></body></html>",
    );
    c.other(record(
        "response",
        "moved",
        "https://news.example/old",
        b"HTTP/1.1 301 Moved Permanently\r\nLocation: /new\r\n\r\n",
    ));
    c.other(record(
        "response",
        "logo",
        "https://news.example/logo.png",
        &response("image/png", b"\x89PNG\r\n\x1a\n"),
    ));
    c.records.push(b"this is not a WARC record\r\n".to_vec());
    c
}

#[test]
fn a_warc_gz_crawl_becomes_stories_and_every_record_is_accounted_for() {
    let dir = tempdir();
    let crawl = seed_crawl();
    let warc = dir.path().join("crawl.warc.gz");
    std::fs::write(&warc, crawl.bytes(true)).unwrap();
    let stats = dir.path().join("stats.json");
    let out = run(&["--stats-json".as_ref(), stats.as_os_str(), warc.as_os_str()]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let stories = stories(&out);
    let stats = read_json(&stats);
    let shown = warc.to_str().unwrap();

    // Pages are named by their URI; the URI fetched twice by URI#record-id.
    let members = member_paths(&stories);
    let names: BTreeSet<&str> = members.iter().map(String::as_str).collect();
    assert_eq!(names.len(), members.len(), "a name printed twice");
    let first = "https://news.example/000_0856deeb6f85966c.txt";
    assert!(
        names.contains(format!("{first}#urn:uuid:p0").as_str()),
        "{names:?}"
    );
    assert!(names.contains(format!("{first}#urn:uuid:again").as_str()));
    assert!(!names.contains(first));
    // Every member's url is its URI.
    for s in &stories {
        for m in s["members"].as_array().unwrap() {
            let path = m["path"].as_str().unwrap();
            let url = m["url"].as_str().expect("url");
            assert_eq!(path.split('#').next().unwrap(), url);
        }
    }
    // The seeds cluster as their gold says: the four CNN versions together, 004 apart.
    let groups: BTreeSet<Vec<String>> = clustering(&stories)
        .into_iter()
        .map(|g| {
            let mut g: Vec<String> = g
                .iter()
                .map(|p| p.split('#').next().unwrap().to_string())
                .collect();
            g.sort();
            g.dedup();
            g
        })
        .collect();
    assert_eq!(
        groups,
        BTreeSet::from([
            vec![
                "000_0856deeb6f85966c.txt".to_string(),
                "001_c066a931abca1759.txt".into(),
                "002_a84132ea530cafa9.txt".into(),
                "003_550244ca2de203c9.txt".into(),
            ],
            vec!["004_2e2aca06f62381f0.txt".to_string()],
        ])
    );

    // The page without text and the garbage are skips named FILE#id.
    let skips = skip_lines(&out);
    assert_eq!(
        skips,
        vec![
            (
                format!("{shown}#byte {}", crawl.bytes(false).len() - 27),
                "not a WARC record (read past to the next one)".to_string()
            ),
            (
                format!("{shown}#urn:uuid:empty"),
                "no article text left after normalization".to_string()
            ),
        ]
    );
    // Every record: a member, a skip (the page without text; the garbage is not a record),
    // or counted as not a page by its kind.
    let ignored: BTreeMap<String, u64> = stats["warc_records_ignored"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| (k.clone(), v.as_u64().unwrap()))
        .collect();
    assert_eq!(
        ignored,
        BTreeMap::from([
            ("http_status_not_2xx".to_string(), 1),
            ("metadata".into(), 7),
            ("not_html_or_text".into(), 1),
            ("request".into(), 7),
            ("warcinfo".into(), 1),
        ])
    );
    let records = stats["warc_records"].as_u64().unwrap() as usize;
    assert_eq!(
        records,
        crawl.records.len() - 1 + 1,
        "the garbage counts as one item"
    );
    assert_eq!(
        members.len() + skips.len() + ignored.values().sum::<u64>() as usize,
        records
    );
    assert_eq!(members.len() + 1, crawl.pages.len());
}

#[test]
fn a_warc_reads_the_same_plain_gzipped_zstd_or_bzip2() {
    let dir = tempdir();
    let crawl = seed_crawl();
    let plain = crawl.bytes(false);
    let mut outputs = Vec::new();
    for (name, bytes) in [
        ("c.warc", plain.clone()),
        ("c.warc.gz", crawl.bytes(true)),
        ("c.warc.zst", zstd(&plain)),
        ("c.warc.bz2", bzip2(&plain)),
        // No telling name: found by its first bytes.
        ("crawl-dump", crawl.bytes(true)),
    ] {
        let sub = dir.path().join(name.replace('.', "_"));
        std::fs::create_dir(&sub).unwrap();
        std::fs::write(sub.join(name), bytes).unwrap();
        // Walked from the folder, by the default --ext: warc and compressed names are read.
        let out = run(&["-q".as_ref(), sub.as_os_str()]);
        assert_eq!(out.status.code(), Some(0), "{name}: {}", stderr(&out));
        outputs.push((name, stdout(&out)));
    }
    for (name, o) in &outputs[1..] {
        assert_eq!(o, &outputs[0].1, "{name} differs from the plain WARC");
    }
}

#[test]
fn compressed_article_files_and_jsonl_read_as_their_plain_selves() {
    let dir = tempdir();
    let seeds = fixtures().join("seeds");
    let (plain, packed) = (dir.path().join("plain"), dir.path().join("packed"));
    std::fs::create_dir_all(&plain).unwrap();
    std::fs::create_dir_all(&packed).unwrap();
    let mut names: Vec<String> = std::fs::read_dir(&seeds)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.ends_with(".txt"))
        .collect();
    names.sort();
    let mut jsonl = String::new();
    for (i, n) in names.iter().enumerate() {
        let bytes = std::fs::read(seeds.join(n)).unwrap();
        std::fs::write(plain.join(n), &bytes).unwrap();
        let (suffix, packed_bytes) = match i % 3 {
            0 => ("gz", gzip(&bytes)),
            1 => ("zst", zstd(&bytes)),
            _ => ("bz2", bzip2(&bytes)),
        };
        std::fs::write(packed.join(format!("{n}.{suffix}")), packed_bytes).unwrap();
        let record = serde_json::json!({"id": n, "text": String::from_utf8(bytes).unwrap(), "url": format!("https://x.example/{n}")});
        jsonl.push_str(&format!("{record}\n"));
    }
    let a = run(&[plain.as_os_str()]);
    let b = run(&[packed.as_os_str()]);
    assert_eq!(b.status.code(), Some(0), "{}", stderr(&b));
    assert!(stderr(&b).is_empty(), "{}", stderr(&b));
    let strip = |o: &std::process::Output| {
        stories(o)
            .iter()
            .map(|s| {
                (
                    s["story_id"].clone(),
                    s["text"].clone(),
                    s["members"].as_array().unwrap().len(),
                )
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(strip(&a), strip(&b), "same stories, same texts");

    let dump = dir.path().join("dump.jsonl.gz");
    std::fs::write(&dump, gzip(jsonl.as_bytes())).unwrap();
    let c = run(&["--input".as_ref(), "jsonl".as_ref(), dump.as_os_str()]);
    assert_eq!(c.status.code(), Some(0), "{}", stderr(&c));
    assert_eq!(strip(&a), strip(&c));
    let urls: Vec<String> = stories(&c)
        .iter()
        .flat_map(|s| s["members"].as_array().unwrap().clone())
        .map(|m| m["url"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(urls.len(), names.len());
    assert!(
        urls.iter().all(|u| u.starts_with("https://x.example/")),
        "{urls:?}"
    );
}

#[test]
fn corrupt_and_oversized_compressed_files_are_skipped_with_their_reason() {
    let dir = tempdir();
    let mut cut = gzip(
        "A story about a harbour that reopened after the storm. "
            .repeat(50)
            .as_bytes(),
    );
    cut.truncate(cut.len() / 2);
    std::fs::write(dir.path().join("cut.txt.gz"), cut).unwrap();
    // 65 MiB of one letter: a few hundred KB compressed, over the 64 MiB an article may have.
    let big = vec![b'a'; 65 << 20];
    std::fs::write(dir.path().join("bomb.txt.gz"), gzip(&big)).unwrap();
    drop(big);
    let out = run(&[dir.path()]);
    let skips = skip_lines(&out);
    let shown = |n: &str| dir.path().join(n).to_str().unwrap().to_string();
    assert_eq!(
        skips,
        vec![
            (
                shown("bomb.txt.gz"),
                "decompresses to more than 64 MiB".to_string()
            ),
            (
                shown("cut.txt.gz"),
                "cannot read: gzip member at byte 0 of the file damaged (incomplete deflate stream, near byte 51); no gzip member follows it".to_string()
            ),
        ]
    );
}

#[test]
fn duplicates_list_is_what_the_jq_recipe_gives_newline_or_nul() {
    let seeds = fixtures().join("seeds");
    let json = stories(&run(&[seeds.as_os_str()]));
    // jq -r '.[].members[]|select(.relation=="copy" or .relation=="version").path'
    let mut want = String::new();
    for s in &json {
        for m in s["members"].as_array().unwrap() {
            if m["relation"] == "copy" || m["relation"] == "version" {
                want.push_str(m["path"].as_str().unwrap());
                want.push('\n');
            }
        }
    }
    assert_eq!(want.lines().count(), 3, "the seeds hold three duplicates");
    let out = run(&[
        "--format".as_ref(),
        "duplicates".as_ref(),
        seeds.as_os_str(),
    ]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(stdout(&out), want);
    let out = run(&[
        "--format".as_ref(),
        "duplicates".as_ref(),
        "-0".as_ref(),
        seeds.as_os_str(),
    ]);
    assert_eq!(stdout(&out), want.replace('\n', "\0"));
    // -0 alone, with nothing NUL-separated, is a usage error.
    let out = run(&["-0".as_ref(), seeds.as_os_str()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("-0 applies to"), "{}", stderr(&out));
}

#[test]
fn duplicates_list_never_names_a_write_thru() {
    // The early and late versions of a wire story are one story (same_story), two texts.
    let dir = fixtures().join("stories");
    let json = stories(&run(&[dir.as_os_str()]));
    let same_story: Vec<&str> = json
        .iter()
        .flat_map(|s| s["members"].as_array().unwrap())
        .filter(|m| m["relation"] == "same_story")
        .map(|m| m["path"].as_str().unwrap())
        .collect();
    assert!(!same_story.is_empty(), "the fixture has a write-thru");
    let out = run(&["--format".as_ref(), "duplicates".as_ref(), dir.as_os_str()]);
    assert_eq!(out.status.code(), Some(0));
    for p in same_story {
        assert!(!stdout(&out).contains(p), "{p} listed for removal");
    }
}

#[test]
fn member_table_has_one_row_per_member_in_csv_and_tsv() {
    let seeds = fixtures().join("seeds");
    let json = stories(&run(&[seeds.as_os_str()]));
    for (format, delimiter) in [("csv", b','), ("tsv", b'\t')] {
        let out = run(&["--format".as_ref(), format.as_ref(), seeds.as_os_str()]);
        assert_eq!(out.status.code(), Some(0));
        let mut r = csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .from_reader(out.stdout.as_slice());
        let header: Vec<String> = r.headers().unwrap().iter().map(String::from).collect();
        assert_eq!(
            header,
            [
                "story_id",
                "path",
                "url",
                "relation",
                "similarity",
                "is_canonical",
                "title",
                "date"
            ]
        );
        let rows: Vec<Vec<String>> = r
            .records()
            .map(|row| row.unwrap().iter().map(String::from).collect())
            .collect();
        let mut want = Vec::new();
        for s in &json {
            for m in s["members"].as_array().unwrap() {
                want.push(vec![
                    s["story_id"].as_str().unwrap().to_string(),
                    m["path"].as_str().unwrap().to_string(),
                    m["url"].as_str().unwrap_or("").to_string(),
                    m["relation"].as_str().unwrap().to_string(),
                    m["similarity"].as_f64().unwrap().to_string(),
                    (m["path"] == s["canonical"]).to_string(),
                    m["title"].as_str().unwrap_or("").to_string(),
                    m["date"].as_str().unwrap_or("").to_string(),
                ]);
            }
        }
        assert_eq!(rows, want, "{format}");
    }
}

#[test]
fn no_text_leaves_the_text_out_and_nothing_else() {
    let seeds = fixtures().join("seeds");
    let with = stories(&run(&[seeds.as_os_str()]));
    let without = stories(&run(&["--no-text".as_ref(), seeds.as_os_str()]));
    assert_eq!(with.len(), without.len());
    for (mut a, b) in with.into_iter().zip(without) {
        assert!(b.get("text").is_none());
        a.as_object_mut().unwrap().remove("text");
        assert_eq!(a, b);
    }
}

#[test]
fn page_url_comes_from_og_url_or_the_canonical_link() {
    let dir = tempdir();
    let body = "<p>The harbour reopened on Monday after a week of repairs to the storm wall, officials said.</p>";
    std::fs::write(
        dir.path().join("a.html"),
        format!(r#"<html><head><meta property="og:url" content="https://a.example/harbour"><title>Harbour reopens</title></head><body>{body}</body></html>"#),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("b.html"),
        format!(r#"<html><head><link rel="canonical" href="https://b.example/harbour"><title>Harbour reopens</title></head><body>{body}</body></html>"#),
    )
    .unwrap();
    let out = run(&[dir.path()]);
    let s = stories(&out);
    let urls: Vec<&str> = s[0]["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["url"].as_str().unwrap())
        .collect();
    assert_eq!(
        urls,
        ["https://a.example/harbour", "https://b.example/harbour"]
    );
}

#[cfg(unix)]
#[test]
fn paths_that_are_not_utf8_print_apart_and_the_duplicates_list_keeps_their_bytes() {
    use std::os::unix::ffi::OsStrExt;
    let dir = tempdir();
    let text = std::fs::read(fixtures().join("seeds/003_550244ca2de203c9.txt")).unwrap();
    let names = [&b"x\xff.txt"[..], b"x\xfe.txt"];
    for n in names {
        std::fs::write(dir.path().join(std::ffi::OsStr::from_bytes(n)), &text).unwrap();
    }
    let out = run(&[dir.path()]);
    let paths = member_paths(&stories(&out));
    let d = dir.path().to_str().unwrap();
    assert_eq!(
        paths,
        [format!("{d}/x\\xFE.txt"), format!("{d}/x\\xFF.txt")]
    );
    let out = run(&[
        "--format".as_ref(),
        "duplicates".as_ref(),
        "-0".as_ref(),
        dir.path().as_os_str(),
    ]);
    let listed: Vec<&[u8]> = out
        .stdout
        .split(|&b| b == 0)
        .filter(|p| !p.is_empty())
        .collect();
    assert_eq!(listed.len(), 1);
    let file = Path::new(std::ffi::OsStr::from_bytes(listed[0]));
    assert!(file.exists(), "{file:?} is not the file's own name");
}

#[test]
fn output_into_a_missing_folder_fails_before_reading() {
    let dir = tempdir();
    std::fs::write(dir.path().join("blank.txt"), "").unwrap();
    let target = dir.path().join("no/such/folder/out.json");
    let out = run(&["-o".as_ref(), target.as_os_str(), dir.path().as_os_str()]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("does not exist"), "{err}");
    assert!(err.contains("no/such/folder"), "{err}");
    assert!(
        !err.contains("skipped"),
        "the inputs were read first: {err}"
    );
    assert!(!err.contains(".newsdedup-"), "an internal path: {err}");
}

#[test]
fn an_html_page_past_the_cap_is_cut_with_a_warning_and_strict_fails() {
    let dir = tempdir();
    let paras: String = (0..40_000)
        .map(|i| {
            format!(
                "<p>Paragraph {i} of the harbour report: repairs to the storm wall went on.</p>\n"
            )
        })
        .collect();
    let paras = &paras[..paras[..3 << 20].rfind("<p>").unwrap()];
    let page = format!("<html><head><title>Harbour</title></head><body>{paras}</body></html>");
    let file = dir.path().join("big.html");
    std::fs::write(&file, page).unwrap();
    let out = run(&["--max-html-mib".as_ref(), "1".as_ref(), file.as_os_str()]);
    assert_eq!(out.status.code(), Some(0));
    let err = stderr(&out);
    assert!(
        err.contains(&format!(
            "newsdedup: warning: {}: HTML page of 3.0 MiB cut to its first 1 MiB",
            file.display()
        )),
        "{err}"
    );
    let out = run(&[
        "--strict".as_ref(),
        "--max-html-mib".as_ref(),
        "1".as_ref(),
        file.as_os_str(),
    ]);
    assert_eq!(out.status.code(), Some(3));
    // Under the default cap (8 MiB) it is whole, and says nothing.
    let out = run(&[file.as_os_str()]);
    assert!(stderr(&out).is_empty(), "{}", stderr(&out));
    let out = run(&[
        "normalize".as_ref(),
        "--max-html-mib".as_ref(),
        "1".as_ref(),
        file.as_os_str(),
    ]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v[0]["truncated"], true);
}

#[test]
fn normalize_takes_the_main_jobs_inputs() {
    let dir = tempdir();
    let seeds = fixtures().join("seeds");
    let list = dir.path().join("list");
    std::fs::write(
        &list,
        format!("{}\n", seeds.join("004_2e2aca06f62381f0.txt").display()),
    )
    .unwrap();
    let out = run(&[
        "normalize".as_ref(),
        "--files-from".as_ref(),
        list.as_os_str(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v.as_array().unwrap().len(), 1);

    let jsonl = dir.path().join("a.jsonl");
    std::fs::write(
        &jsonl,
        "{\"id\": \"r1\", \"text\": \"One line of text.\", \"url\": \"https://r.example/1\"}\n",
    )
    .unwrap();
    let out = run(&[
        "normalize".as_ref(),
        "--input".as_ref(),
        "jsonl".as_ref(),
        jsonl.as_os_str(),
    ]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v[0]["path"], "r1");
    assert_eq!(v[0]["header"]["url"], "https://r.example/1");

    let warc = dir.path().join("c.warc.gz");
    std::fs::write(&warc, seed_crawl().bytes(true)).unwrap();
    let out = run(&["normalize".as_ref(), warc.as_os_str()]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    // Six text pages and the page without text (normalize prints it, empty).
    assert_eq!(v.as_array().unwrap().len(), 7, "{}", stderr(&out));
}

/// Words of the project's own fixtures, for generated pages.
fn fixture_words() -> Vec<String> {
    let mut words = BTreeSet::new();
    for sub in ["seeds", "stories", "patterns"] {
        for e in std::fs::read_dir(fixtures().join(sub)).unwrap() {
            let text =
                String::from_utf8_lossy(&std::fs::read(e.unwrap().path()).unwrap()).into_owned();
            for w in text.split(|c: char| !c.is_alphabetic()) {
                if w.len() > 2 && w.is_ascii() {
                    words.insert(w.to_lowercase());
                }
            }
        }
    }
    words.into_iter().collect()
}

/// A CC-NEWS-style crawl of `n` HTML pages made of the fixtures' words (every tenth one a
/// trimmed copy of the one before, so some stories have several versions).
fn generated_crawl(n: usize) -> Crawl {
    let words = fixture_words();
    let mut c = Crawl::new();
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let mut previous = String::new();
    for i in 0..n {
        let body = if i % 10 == 9 {
            previous[..previous.len() * 4 / 5].to_string()
        } else {
            let mut paras = Vec::new();
            for _ in 0..6 {
                let p: Vec<&str> = (0..40)
                    .map(|_| words[next() as usize % words.len()].as_str())
                    .collect();
                paras.push(format!("<p>{}.</p>", p.join(" ")));
            }
            paras.join("\n")
        };
        let page = format!(
            "<html><head><title>Report {i}</title></head><body><article>{body}</article></body></html>"
        );
        c.page(
            &format!("g{i}"),
            &format!("https://gen.example/{i}"),
            "text/html",
            page.as_bytes(),
        );
        previous = body;
    }
    c
}

#[test]
fn a_generated_crawl_of_ten_thousand_pages_is_wholly_accounted_for() {
    let dir = tempdir();
    let crawl = generated_crawl(10_000);
    let warc = dir.path().join("cc-news.warc.gz");
    std::fs::write(&warc, crawl.bytes(true)).unwrap();
    let stats = dir.path().join("stats.json");
    let out = run(&[
        "--no-text".as_ref(),
        "--stats-json".as_ref(),
        stats.as_os_str(),
        warc.as_os_str(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let stats = read_json(&stats);
    let members = member_paths(&stories(&out));
    let want: BTreeSet<&str> = crawl.pages.iter().map(|(_, uri)| uri.as_str()).collect();
    let got: BTreeSet<&str> = members.iter().map(String::as_str).collect();
    assert_eq!(got.len(), members.len(), "a page printed twice");
    assert_eq!(got, want, "every page is a member");
    assert_eq!(
        stats["warc_records"].as_u64().unwrap() as usize,
        crawl.records.len()
    );
    let ignored: u64 = stats["warc_records_ignored"]
        .as_object()
        .unwrap()
        .values()
        .map(|v| v.as_u64().unwrap())
        .sum();
    assert_eq!(ignored as usize, crawl.others);
    assert!(
        stats["stories_with_versions"].as_u64().unwrap() >= 900,
        "{stats}"
    );
}

#[test]
fn a_damaged_gzip_member_in_a_warc_gz_costs_that_record_not_the_rest() {
    let dir = tempdir();
    let crawl = seed_crawl();
    let members: Vec<Vec<u8>> = crawl.records.iter().map(|r| gzip(r)).collect();
    // The response of seed 001 (record 5: warcinfo, then request/response/metadata per page)
    // cut in half, and bytes that are not gzip after the response of seed 002.
    let mut bytes = Vec::new();
    for (i, m) in members.iter().enumerate() {
        if i == 5 {
            bytes.extend_from_slice(&m[..m.len() / 2]);
        } else {
            bytes.extend_from_slice(m);
        }
        if i == 8 {
            bytes.extend_from_slice(b"200 bytes of something else entirely");
        }
    }
    let warc = dir.path().join("damaged.warc.gz");
    std::fs::write(&warc, bytes).unwrap();
    let stats = dir.path().join("stats.json");
    let out = run(&["--stats-json".as_ref(), stats.as_os_str(), warc.as_os_str()]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let names: BTreeSet<String> = member_paths(&stories(&out))
        .into_iter()
        .map(|p| p.split('#').next().unwrap().to_string())
        .collect();
    // Every seed page but 001 is read, including those after the damage.
    for n in ["000", "002", "003", "004"] {
        assert!(
            names.iter().any(|p| p.contains(&format!("/{n}_"))),
            "{n} lost: {names:?}"
        );
    }
    assert!(!names.iter().any(|p| p.contains("/001_")));
    let skips = skip_lines(&out);
    let damage: Vec<&(String, String)> = skips
        .iter()
        .filter(|(_, r)| r.contains("gzip member at byte") || r.contains("not gzip data"))
        .collect();
    assert_eq!(damage.len(), 2, "{skips:?}");
}

#[test]
fn the_fetch_date_is_the_last_resort_and_never_splits_a_story() {
    let dir = tempdir();
    // The seeds fetched in 2024, seven years after they were written: seed 002 gives no date
    // of its own, and must not be taken for a 2024 article.
    let plain = seed_crawl().bytes(false);
    let late =
        String::from_utf8_lossy(&plain).replace("WARC-Date: 2017-03-05", "WARC-Date: 2024-12-01");
    let warc = dir.path().join("late.warc");
    std::fs::write(&warc, late).unwrap();
    let out = run(&[warc.as_os_str()]);
    let s = stories(&out);
    let cnn = s
        .iter()
        .find(|s| s["members"].as_array().unwrap().len() >= 4)
        .unwrap_or_else(|| panic!("the four CNN versions are apart: {}", stdout(&out)));
    assert_eq!(cnn["published"], "2017-03-02");
    let dates: BTreeMap<String, serde_json::Value> = cnn["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| (m["path"].as_str().unwrap().to_string(), m["date"].clone()))
        .collect();
    assert_eq!(
        dates["https://news.example/002_a84132ea530cafa9.txt"],
        "2024-12-01T10:00:00Z"
    );
}

#[test]
fn dns_records_are_counted_not_skipped_and_stdin_is_a_clear_usage_error() {
    let dir = tempdir();
    let mut c = Crawl::new();
    c.other(record(
        "response",
        "dns",
        "dns:news.example",
        b"20261201000000\nnews.example. 300 IN A 192.0.2.1\n",
    ));
    let body = std::fs::read(fixtures().join("seeds/004_2e2aca06f62381f0.txt")).unwrap();
    c.page("p", "https://news.example/a", "text/plain", &body);
    let warc = dir.path().join("h.warc");
    std::fs::write(&warc, c.bytes(false)).unwrap();
    let stats = dir.path().join("stats.json");
    let out = run(&[
        "--strict".as_ref(),
        "--stats-json".as_ref(),
        stats.as_os_str(),
        warc.as_os_str(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(read_json(&stats)["warc_records_ignored"]["not_http"], 1);

    let out = run_stdin(&["-"], b"some article text");
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--input jsonl"), "{}", stderr(&out));
    let out = run(&[
        "-o".as_ref(),
        dir.path().join("out/").as_os_str(),
        warc.as_os_str(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("cannot write -o"), "{}", stderr(&out));
}

#[test]
fn a_jsonl_file_read_as_an_article_gets_a_note() {
    let dir = tempdir();
    let dump = dir.path().join("dump.jsonl.gz");
    std::fs::write(
        &dump,
        gzip(b"{\"id\": 1, \"text\": \"A line of text about the harbour.\"}\n"),
    )
    .unwrap();
    let out = run(&[dump.as_os_str()]);
    assert!(
        stderr(&out)
            .contains("looks like JSON Lines: it is read as one article; give --input jsonl"),
        "{}",
        stderr(&out)
    );
    let out = run(&["--input".as_ref(), "jsonl".as_ref(), dump.as_os_str()]);
    assert!(!stderr(&out).contains("note"), "{}", stderr(&out));
}
