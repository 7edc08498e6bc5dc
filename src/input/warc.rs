//! WARC files (ISO 28500; what Common Crawl's CC-NEWS, news-please, wget and heritrix write),
//! plain or compressed: each `response` record holding an HTML or text page (and each
//! `resource` record of that kind) is one article, named by its `WARC-Target-URI`.
//!
//! The file is streamed record by record: memory is bounded by one record, never the file.
//! Every record ends up in exactly one of three places: an article, a skip (a record that
//! should have been an article and could not be: `FILE#record-id: reason`), or the count of
//! records that are not articles by their kind (requests, metadata, redirects, images), which
//! `--stats` shows.

use std::io::{self, BufRead, Read};

use super::compressed;
use crate::normalize::{Timestamp, dates};

/// A record's content block may be this large; a bigger one is a skip (it is read past, not
/// held in memory).
pub const MAX_RECORD_BYTES: u64 = 64 << 20;

/// A header line (WARC or HTTP) may be this long.
const MAX_LINE: usize = 64 << 10;

/// A record's WARC header may be this long.
const MAX_HEADER: u64 = 256 << 10;

/// The first bytes of a WARC file (after decompression).
pub fn looks_like_warc(head: &[u8]) -> bool {
    head.starts_with(b"WARC/")
}

/// A page found in a WARC record.
#[derive(Debug)]
pub struct Page {
    /// `WARC-Record-ID` without its angle brackets, or `record-N` (the N-th record, from 1)
    /// when the record has none.
    pub id: String,
    /// `WARC-Target-URI`.
    pub uri: Option<String>,
    /// `WARC-Date`: when the page was fetched (a date of last resort for the article).
    pub date: Option<Timestamp>,
    /// The HTTP payload, de-chunked and decoded of its content encoding.
    pub payload: Vec<u8>,
}

/// What one record was.
#[derive(Debug)]
pub enum Item {
    Page(Page),
    /// Not an article by its kind; the key counts it in the statistics.
    Ignored(&'static str),
    /// A record (or stretch of the file) that should have been an article and cannot be read:
    /// its id (or `byte N` when it has none) and the reason.
    Bad {
        id: String,
        reason: String,
    },
}

/// Reads the records of a WARC stream one by one.
pub struct Records<R: BufRead> {
    reader: R,
    /// Records seen so far (numbering those without an id).
    count: u64,
    /// Bytes consumed so far (naming garbage by its offset).
    offset: u64,
    /// The version line of the next record was already read (after garbage).
    at_version: bool,
    /// The next garbage is read past without a report (after a record whose length was
    /// unknown, itself reported).
    quiet: bool,
    /// Where the last read error happened, and how many in a row happened there.
    last_error_at: Option<u64>,
    errors_here: u32,
    done: bool,
}

impl<R: BufRead> Iterator for Records<R> {
    type Item = Item;

    fn next(&mut self) -> Option<Item> {
        if self.done {
            return None;
        }
        self.next_item()
    }
}

impl<R: BufRead> Records<R> {
    pub fn new(reader: R) -> Records<R> {
        Records {
            reader,
            count: 0,
            offset: 0,
            at_version: false,
            quiet: false,
            last_error_at: None,
            errors_here: 0,
            done: false,
        }
    }

    /// Reads one line (to `\n`, included) into `line`, at most `MAX_LINE` bytes of it (the rest
    /// is read past). Returns the bytes consumed; 0 at the end.
    fn line(&mut self, line: &mut Vec<u8>) -> io::Result<usize> {
        line.clear();
        let mut consumed = 0;
        loop {
            let buf = self.reader.fill_buf()?;
            if buf.is_empty() {
                break;
            }
            let (take, end) = match memchr::memchr(b'\n', buf) {
                Some(i) => (i + 1, true),
                None => (buf.len(), false),
            };
            let room = MAX_LINE.saturating_sub(line.len());
            line.extend_from_slice(&buf[..take.min(room)]);
            self.reader.consume(take);
            consumed += take;
            if end {
                break;
            }
        }
        self.offset += consumed as u64;
        Ok(consumed)
    }

    /// After a read error: reading goes on at the next record (a compressed stream resumes
    /// after a damaged part), unless the errors do not move on (a thousand in a row at one
    /// place: a device that fails).
    fn read_failed(&mut self) {
        if self.last_error_at == Some(self.offset) {
            self.errors_here += 1;
        } else {
            self.last_error_at = Some(self.offset);
            self.errors_here = 1;
        }
        if self.errors_here >= 1000 {
            self.done = true;
        }
    }

    /// Reads `len` bytes into a vector, or past them when `keep` is false. Errors on a
    /// truncated record, with the number of bytes found (the end of the stream: no record
    /// follows), and on a read error (after which reading goes on).
    fn block(&mut self, len: u64, keep: bool) -> Result<Vec<u8>, String> {
        let mut out = Vec::new();
        let read = if keep {
            out.reserve(len.min(MAX_RECORD_BYTES) as usize);
            (&mut self.reader)
                .take(len)
                .read_to_end(&mut out)
                .map(|n| n as u64)
        } else {
            io::copy(&mut (&mut self.reader).take(len), &mut io::sink())
        };
        let got = match read {
            Ok(got) => got,
            Err(e) => {
                self.read_failed();
                return Err(format!("cannot read: {}", super::io_reason(&e)));
            }
        };
        self.offset += got;
        if got < len {
            self.done = true;
            return Err(format!("truncated record ({got} of {len} bytes)"));
        }
        Ok(out)
    }

    fn next_item(&mut self) -> Option<Item> {
        let mut line = Vec::new();
        if !self.at_version {
            // Blank lines end a record; anything else before a version line is garbage, read
            // past to the next record and reported once.
            let mut garbage: Option<u64> = None;
            loop {
                let at = self.offset;
                match self.line(&mut line) {
                    Ok(0) => {
                        self.done = true;
                        return garbage.filter(|_| !self.quiet).map(garbage_item);
                    }
                    Ok(_) => {}
                    Err(e) => {
                        self.read_failed();
                        return Some(Item::Bad {
                            id: format!("byte {}", self.offset),
                            reason: format!("cannot read: {}", super::io_reason(&e)),
                        });
                    }
                }
                if looks_like_warc(&line) {
                    break;
                }
                if garbage.is_none() && !line.iter().all(u8::is_ascii_whitespace) {
                    garbage = Some(at);
                }
            }
            if let Some(at) = garbage
                && !std::mem::take(&mut self.quiet)
            {
                self.at_version = true;
                return Some(garbage_item(at));
            }
        }
        self.at_version = false;
        self.quiet = false;
        Some(self.record())
    }

    /// Reads one record, its version line already read.
    fn record(&mut self) -> Item {
        self.count += 1;
        let mut headers: Vec<(String, String)> = Vec::new();
        let mut line = Vec::new();
        let start = self.offset;
        // Some(true): the header ended; Some(false): the file ended first; None: too long.
        let ended = loop {
            match self.line(&mut line) {
                Ok(0) => break Some(false),
                Ok(_) => {}
                Err(e) => {
                    self.read_failed();
                    return Item::Bad {
                        id: format!("record-{}", self.count),
                        reason: format!("cannot read: {}", super::io_reason(&e)),
                    };
                }
            }
            let text = String::from_utf8_lossy(&line);
            let text = text.trim_end_matches(['\r', '\n']);
            if text.is_empty() {
                break Some(true);
            }
            if let Some((name, value)) = text.split_once(':') {
                headers.push((name.trim().to_ascii_lowercase(), value.trim().to_string()));
            }
            if self.offset - start > MAX_HEADER {
                break None;
            }
        };
        let get = |name: &str| {
            headers
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, v)| v.as_str())
        };
        let id = match get("warc-record-id").map(|v| v.trim_matches(['<', '>']).trim()) {
            Some(v) if !v.is_empty() => v.to_string(),
            _ => format!("record-{}", self.count),
        };
        match ended {
            Some(true) => {}
            Some(false) => {
                self.done = true;
                return Item::Bad {
                    id,
                    reason: "truncated record (its header does not end)".into(),
                };
            }
            None => {
                // Read past to the next version line.
                self.quiet = true;
                return Item::Bad {
                    id,
                    reason: format!("record header longer than {} KiB", MAX_HEADER >> 10),
                };
            }
        }
        let Some(len) = get("content-length").and_then(|v| v.parse::<u64>().ok()) else {
            // Where the record ends is unknown: read past to the next version line.
            self.quiet = true;
            return Item::Bad {
                id,
                reason: "no valid Content-Length".into(),
            };
        };
        let kind = get("warc-type").unwrap_or("").to_ascii_lowercase();
        let wanted = kind == "response" || kind == "resource";
        if !wanted || len > MAX_RECORD_BYTES {
            if let Err(reason) = self.block(len, false) {
                return Item::Bad { id, reason };
            }
            if !wanted {
                return Item::Ignored(ignored_kind(&kind));
            }
            return Item::Bad {
                id,
                reason: format!(
                    "record of {} MiB, over the {} MiB limit",
                    len >> 20,
                    MAX_RECORD_BYTES >> 20
                ),
            };
        }
        let block = match self.block(len, true) {
            Ok(b) => b,
            Err(reason) => return Item::Bad { id, reason },
        };
        let uri = get("warc-target-uri")
            .map(|u| u.trim_matches(['<', '>']).to_string())
            .filter(|u| !u.is_empty());
        let web = |u: &str| {
            let scheme = u.split(':').next().unwrap_or("").to_ascii_lowercase();
            scheme == "http" || scheme == "https"
        };
        // heritrix's `dns:` lookups, `whois:` and `ftp:` responses are no web pages.
        if kind == "response" && uri.as_deref().is_some_and(|u| !web(u)) {
            return Item::Ignored("not_http");
        }
        let payload = if kind == "response" {
            http_payload(block)
        } else {
            media_type_wanted(get("content-type")).map(|()| block)
        };
        match payload {
            Ok(payload) => Item::Page(Page {
                id,
                uri,
                date: get("warc-date").and_then(dates::parse),
                payload,
            }),
            Err(Refusal::Ignored(key)) => Item::Ignored(key),
            Err(Refusal::Bad(reason)) => Item::Bad { id, reason },
        }
    }
}

fn garbage_item(at: u64) -> Item {
    Item::Bad {
        id: format!("byte {at}"),
        reason: "not a WARC record (read past to the next one)".into(),
    }
}

/// The statistics key of a record that is not an article by its WARC type.
fn ignored_kind(kind: &str) -> &'static str {
    match kind {
        "warcinfo" => "warcinfo",
        "request" => "request",
        "metadata" => "metadata",
        "revisit" => "revisit",
        "conversion" => "conversion",
        "continuation" => "continuation",
        _ => "other_type",
    }
}

/// Why a record's payload is not an article.
#[derive(Debug, PartialEq, Eq)]
enum Refusal {
    /// Not an article by its kind (a redirect, an image).
    Ignored(&'static str),
    /// Should be an article and cannot be read.
    Bad(String),
}

/// Whether a media type is a page: HTML, XHTML or text (or none said).
fn media_type_wanted(content_type: Option<&str>) -> Result<(), Refusal> {
    let Some(ct) = content_type else {
        return Ok(());
    };
    let media = ct
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    if media.is_empty()
        || media.starts_with("text/")
        || media == "application/xhtml+xml"
        || media == "application/xml"
    {
        Ok(())
    } else {
        Err(Refusal::Ignored("not_html_or_text"))
    }
}

/// The page an HTTP response carries: its status must be 2xx and its type HTML or text; the
/// body is de-chunked and decoded of gzip or deflate.
fn http_payload(block: Vec<u8>) -> Result<Vec<u8>, Refusal> {
    let mut headers = [httparse::EMPTY_HEADER; 128];
    let mut response = httparse::Response::new(&mut headers);
    let body_at = match response.parse(&block) {
        Ok(httparse::Status::Complete(n)) => n,
        Ok(httparse::Status::Partial) => {
            return Err(Refusal::Bad("HTTP response header cut short".into()));
        }
        Err(e) => return Err(Refusal::Bad(format!("bad HTTP response header: {e}"))),
    };
    let code = response.code.unwrap_or(0);
    if !(200..300).contains(&code) {
        return Err(Refusal::Ignored("http_status_not_2xx"));
    }
    let header = |name: &str| {
        response
            .headers
            .iter()
            .find(|h| h.name.eq_ignore_ascii_case(name))
            .map(|h| String::from_utf8_lossy(h.value).trim().to_ascii_lowercase())
    };
    media_type_wanted(header("content-type").as_deref())?;
    let chunked = header("transfer-encoding").is_some_and(|t| t.contains("chunked"));
    let encoding = header("content-encoding");
    let mut body = block;
    body.drain(..body_at);
    if chunked {
        // Crawlers often store the body de-chunked but keep the header: only a body that
        // parses as chunks is de-chunked.
        if let Some(joined) = dechunk(&body) {
            body = joined;
        }
    }
    let (name, stream) = match encoding.as_deref() {
        None | Some("" | "identity" | "none") => return Ok(body),
        Some("deflate") if body.starts_with(&[0x78]) => {
            let zlib = flate2::read::ZlibDecoder::new(io::Cursor::new(body));
            let stream: compressed::Stream = Box::new(io::BufReader::new(zlib));
            ("deflate", Ok(stream))
        }
        // Recognized by its first bytes: a body the crawler already decoded (header kept)
        // passes as it is.
        Some(name @ ("gzip" | "x-gzip" | "deflate" | "zstd" | "bzip2")) => (
            name,
            compressed::open(io::Cursor::new(body)).map(|(s, _)| s),
        ),
        Some(other) => {
            return Err(Refusal::Bad(format!(
                "HTTP content encoding {other:?} is not supported"
            )));
        }
    };
    match stream.and_then(|mut s| compressed::read_capped(&mut s, MAX_RECORD_BYTES)) {
        Ok(Some(out)) => Ok(out),
        Ok(None) => Err(Refusal::Bad(format!(
            "{name} body decodes to more than {} MiB",
            MAX_RECORD_BYTES >> 20
        ))),
        Err(e) => Err(Refusal::Bad(format!(
            "{name} body cannot be decoded: {}",
            super::io_reason(&e)
        ))),
    }
}

/// Joins the chunks of a chunked HTTP body; `None` when it is not one.
fn dechunk(body: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(body.len());
    let mut rest = body;
    loop {
        let eol = memchr::memchr(b'\n', rest)?;
        let size_line = std::str::from_utf8(&rest[..eol]).ok()?;
        let size_hex = size_line.split(';').next()?.trim();
        let size = usize::from_str_radix(size_hex, 16).ok()?;
        rest = &rest[eol + 1..];
        if size == 0 {
            return Some(out);
        }
        if rest.len() < size {
            return None;
        }
        out.extend_from_slice(&rest[..size]);
        rest = &rest[size..];
        rest = rest
            .strip_prefix(b"\r\n")
            .or_else(|| rest.strip_prefix(b"\n"))?;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(kind: &str, id: &str, uri: &str, block: &[u8]) -> Vec<u8> {
        let mut r = format!(
            "WARC/1.0\r\nWARC-Type: {kind}\r\nWARC-Record-ID: <urn:uuid:{id}>\r\n\
             WARC-Target-URI: {uri}\r\nWARC-Date: 2017-03-02T10:00:00Z\r\n\
             Content-Length: {}\r\n\r\n",
            block.len()
        )
        .into_bytes();
        r.extend_from_slice(block);
        r.extend_from_slice(b"\r\n\r\n");
        r
    }

    fn http(status: &str, headers: &str, body: &[u8]) -> Vec<u8> {
        let mut r = format!("HTTP/1.1 {status}\r\n{headers}\r\n").into_bytes();
        r.extend_from_slice(body);
        r
    }

    fn items(bytes: &[u8]) -> Vec<Item> {
        Records::new(bytes).collect()
    }

    /// One line per item: `page ID`, `ignored KIND` or `bad ID: REASON`.
    fn summary(bytes: &[u8]) -> Vec<String> {
        items(bytes)
            .iter()
            .map(|i| match i {
                Item::Page(p) => format!("page {}", p.id),
                Item::Ignored(k) => format!("ignored {k}"),
                Item::Bad { id, reason } => format!("bad {id}: {reason}"),
            })
            .collect()
    }

    #[test]
    fn responses_with_pages_are_pages_and_the_rest_is_counted() {
        let page = b"<html><body><p>Hello</p></body></html>";
        let bytes = [
            record("warcinfo", "0", "", b"software: test\r\n"),
            record("request", "1", "http://a/x", b"GET /x HTTP/1.1\r\n\r\n"),
            record(
                "response",
                "2",
                "http://a/x",
                &http("200 OK", "Content-Type: text/html; charset=utf-8\r\n", page),
            ),
            record("metadata", "3", "http://a/x", b"fetchTimeMs: 5\r\n"),
            record(
                "response",
                "4",
                "http://a/logo",
                &http("200 OK", "Content-Type: image/png\r\n", b"\x89PNG"),
            ),
            record(
                "response",
                "5",
                "http://a/old",
                &http("301 Moved", "Location: /x\r\n", b""),
            ),
        ]
        .concat();
        let got = items(&bytes);
        assert_eq!(got.len(), 6, "{got:?}");
        let Item::Page(p) = &got[2] else {
            panic!("{:?}", got[2])
        };
        assert_eq!(p.payload, page);
        assert_eq!(p.id, "urn:uuid:2");
        assert_eq!(p.uri.as_deref(), Some("http://a/x"));
        assert_eq!(
            p.date.map(|d| d.to_string()).as_deref(),
            Some("2017-03-02T10:00:00Z")
        );
        let ignored: Vec<_> = got
            .iter()
            .filter_map(|i| match i {
                Item::Ignored(k) => Some(*k),
                _ => None,
            })
            .collect();
        assert_eq!(
            ignored,
            [
                "warcinfo",
                "request",
                "metadata",
                "not_html_or_text",
                "http_status_not_2xx"
            ]
        );
    }

    #[test]
    fn chunked_and_gzipped_bodies_are_decoded() {
        use std::io::Write;
        let page = b"<p>Chunks and gzip</p>";
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(page).unwrap();
        let gz = gz.finish().unwrap();
        let mut chunked = format!("{:x}\r\n", 5).into_bytes();
        chunked.extend_from_slice(&gz[..5]);
        chunked.extend_from_slice(format!("\r\n{:x}\r\n", gz.len() - 5).as_bytes());
        chunked.extend_from_slice(&gz[5..]);
        chunked.extend_from_slice(b"\r\n0\r\n\r\n");
        let block = http(
            "200 OK",
            "Content-Type: text/html\r\nTransfer-Encoding: chunked\r\nContent-Encoding: gzip\r\n",
            &chunked,
        );
        let got = items(&record("response", "1", "http://a/", &block));
        let [Item::Page(p)] = got.as_slice() else {
            panic!("{got:?}")
        };
        assert_eq!(p.payload, page);
        // A body the crawler already decoded, headers kept: taken as it is.
        let block = http(
            "200 OK",
            "Transfer-Encoding: chunked\r\nContent-Encoding: gzip\r\n",
            page,
        );
        let got = items(&record("response", "1", "http://a/", &block));
        let [Item::Page(p)] = got.as_slice() else {
            panic!("{got:?}")
        };
        assert_eq!(p.payload, page);
    }

    #[test]
    fn garbage_and_truncation_are_reported_and_reading_goes_on() {
        let ok = record(
            "response",
            "9",
            "http://a/y",
            &http("200 OK", "", b"<p>y</p>"),
        );
        let mut bytes = b"junk line\r\nmore junk\r\n".to_vec();
        bytes.extend_from_slice(&ok);
        bytes.extend_from_slice(b"WARC/1.0\r\nWARC-Type: response\r\nWARC-Record-ID: <x>\r\n\r\n");
        bytes.extend_from_slice(&ok);
        let mut cut = ok.clone();
        cut.truncate(ok.len() - 10);
        bytes.extend_from_slice(&cut);
        assert_eq!(
            summary(&bytes),
            [
                "bad byte 0: not a WARC record (read past to the next one)",
                "page urn:uuid:9",
                "bad x: no valid Content-Length",
                "page urn:uuid:9",
                "bad urn:uuid:9: truncated record (21 of 27 bytes)",
            ]
        );
    }

    #[test]
    fn a_header_that_does_not_end_is_read_past() {
        let ok = record(
            "response",
            "9",
            "http://a/y",
            &http("200 OK", "", b"<p>y</p>"),
        );
        let mut bytes = b"WARC/1.0\r\nWARC-Record-ID: <long>\r\n".to_vec();
        for i in 0..20_000 {
            bytes.extend_from_slice(format!("X-Filler-{i}: some value\r\n").as_bytes());
        }
        bytes.extend_from_slice(b"\r\nbody of the long one\r\n\r\n");
        bytes.extend_from_slice(&ok);
        assert_eq!(
            summary(&bytes),
            [
                "bad long: record header longer than 256 KiB",
                "page urn:uuid:9"
            ]
        );
    }

    #[test]
    fn dechunk_refuses_what_is_not_chunked() {
        assert_eq!(
            dechunk(b"3\r\nabc\r\n0\r\n\r\n").as_deref(),
            Some(&b"abc"[..])
        );
        assert_eq!(dechunk(b"<html>"), None);
        assert_eq!(dechunk(b"ff\r\nabc"), None);
    }
}
