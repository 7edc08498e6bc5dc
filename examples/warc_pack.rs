//! Packs a folder of article files into one CC-NEWS-style WARC.gz: per file a request, a
//! response (HTTP 200, the file as its body) and a metadata record, each its own gzip member,
//! after one warcinfo record. URIs are `https://warc.example/<path below the folder>`. For
//! measuring the WARC path on generated corpora (see the README, "WARC input"):
//!
//! cargo run --release --example warc_pack -- bench/out/gen20k-seed3 bench/out/gen20k.warc.gz

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Context;

fn record(
    out: &mut impl Write,
    kind: &str,
    id: usize,
    uri: &str,
    block: &[u8],
) -> anyhow::Result<()> {
    let mut r = format!(
        "WARC/1.0\r\nWARC-Type: {kind}\r\nWARC-Record-ID: <urn:uuid:00000000-0000-0000-0000-{id:012}>\r\n\
         WARC-Target-URI: {uri}\r\nWARC-Date: 2026-12-01T00:00:00Z\r\nContent-Length: {}\r\n\r\n",
        block.len()
    )
    .into_bytes();
    r.extend_from_slice(block);
    r.extend_from_slice(b"\r\n\r\n");
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(&r)?;
    out.write_all(&gz.finish()?)?;
    Ok(())
}

fn files(dir: &Path, out: &mut Vec<PathBuf>) -> anyhow::Result<()> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .with_context(|| format!("reading {}", dir.display()))?
        .map(|e| e.map(|e| e.path()))
        .collect::<Result<_, _>>()?;
    entries.sort();
    for p in entries {
        if p.is_dir() {
            files(&p, out)?;
        } else if p.extension().is_some_and(|e| e == "txt" || e == "html") {
            out.push(p);
        }
    }
    Ok(())
}

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [dir, target] = args.as_slice() else {
        anyhow::bail!("usage: warc_pack FOLDER OUT.warc.gz");
    };
    let dir = Path::new(dir);
    let mut list = Vec::new();
    files(dir, &mut list)?;
    let mut out = std::io::BufWriter::new(std::fs::File::create(target)?);
    record(
        &mut out,
        "warcinfo",
        0,
        "",
        b"software: newsdedup warc_pack\r\n",
    )?;
    for (i, p) in list.iter().enumerate() {
        let rel = p.strip_prefix(dir)?.to_string_lossy().replace('\\', "/");
        let uri = format!("https://warc.example/{rel}");
        let body = std::fs::read(p)?;
        let kind = if rel.ends_with(".html") {
            "text/html"
        } else {
            "text/plain"
        };
        let mut response =
            format!("HTTP/1.1 200 OK\r\nContent-Type: {kind}; charset=utf-8\r\n\r\n").into_bytes();
        response.extend_from_slice(&body);
        record(
            &mut out,
            "request",
            3 * i + 1,
            &uri,
            format!("GET /{rel} HTTP/1.1\r\n\r\n").as_bytes(),
        )?;
        record(&mut out, "response", 3 * i + 2, &uri, &response)?;
        record(
            &mut out,
            "metadata",
            3 * i + 3,
            &uri,
            b"fetchTimeMs: 10\r\n",
        )?;
    }
    out.flush()?;
    eprintln!("{} pages from {} into {target}", list.len(), dir.display());
    Ok(())
}
