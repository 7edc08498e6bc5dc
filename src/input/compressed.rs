//! Transparent decompression: a file whose first bytes are a gzip, zstd or bzip2 header is
//! read through the matching decoder, whatever its name. Every input kind goes through here
//! (article files, JSONL files, WARC files), so `page.html.gz`, `dump.jsonl.zst` and
//! `crawl.warc.gz` read as their uncompressed selves.
//!
//! Concatenated members are read to the end: a `.warc.gz` is one gzip member per record, and
//! `pigz`/`pzstd` write several members too.

use std::io::{self, BufRead, BufReader, Read};
use std::path::Path;

/// The compressions recognized by their magic bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compression {
    Gzip,
    Zstd,
    Bzip2,
}

impl Compression {
    /// The compression whose magic bytes `head` starts with.
    pub fn sniff(head: &[u8]) -> Option<Compression> {
        if head.starts_with(&[0x1f, 0x8b]) {
            Some(Compression::Gzip)
        } else if head.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]) {
            Some(Compression::Zstd)
        } else if head.len() >= 4 && head.starts_with(b"BZh") && (b'1'..=b'9').contains(&head[3]) {
            Some(Compression::Bzip2)
        } else {
            None
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Compression::Gzip => "gzip",
            Compression::Zstd => "zstd",
            Compression::Bzip2 => "bzip2",
        }
    }
}

/// The file name suffixes of compressed files. A folder walk looks through them at the
/// extension below (`a.html.gz` is an `html` file).
pub const SUFFIXES: &[&str] = &["gz", "zst", "bz2"];

/// A reader of decompressed bytes.
pub type Stream = Box<dyn BufRead + Send>;

/// Wraps `reader` in the decoder its first bytes call for. Returns the compression found, if
/// any. Errors are those of reading the first bytes (or of a zstd frame header).
pub fn open<R: BufRead + Send + 'static>(
    mut reader: R,
) -> io::Result<(Stream, Option<Compression>)> {
    let head = reader.fill_buf()?;
    let found = Compression::sniff(head);
    let stream: Stream = match found {
        None => Box::new(reader),
        Some(Compression::Gzip) => Box::new(BufReader::with_capacity(
            1 << 16,
            flate2::bufread::MultiGzDecoder::new(reader),
        )),
        Some(Compression::Bzip2) => Box::new(BufReader::with_capacity(
            1 << 16,
            bzip2::bufread::MultiBzDecoder::new(reader),
        )),
        Some(Compression::Zstd) => {
            Box::new(BufReader::with_capacity(1 << 16, MultiZstd::new(reader)?))
        }
    };
    Ok((stream, found))
}

/// Opens a file, decompressing it when it is compressed.
pub fn open_file(path: &Path) -> io::Result<(Stream, Option<Compression>)> {
    // `take` hides the file's own `read_to_end`, which asks for the file's size first: one
    // system call in five when reading a small file whole.
    let file = std::fs::File::open(path)?.take(u64::MAX);
    open(BufReader::with_capacity(1 << 16, file))
}

/// Reads all of `stream` when it holds at most `limit` bytes; `Ok(None)` when it holds more.
pub fn read_capped(stream: &mut dyn Read, limit: u64) -> io::Result<Option<Vec<u8>>> {
    let mut bytes = Vec::with_capacity(64 << 10);
    stream
        .take(limit.saturating_add(1))
        .read_to_end(&mut bytes)?;
    Ok((bytes.len() as u64 <= limit).then_some(bytes))
}

/// zstd frames read one after another to the end of the input (ruzstd's decoder reads one).
struct MultiZstd<R: BufRead> {
    frame: Option<ruzstd::decoding::StreamingDecoder<R, ruzstd::decoding::FrameDecoder>>,
}

impl<R: BufRead> MultiZstd<R> {
    fn new(reader: R) -> io::Result<MultiZstd<R>> {
        let frame = ruzstd::decoding::StreamingDecoder::new(reader).map_err(io::Error::other)?;
        Ok(MultiZstd { frame: Some(frame) })
    }
}

impl<R: BufRead> Read for MultiZstd<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        loop {
            let Some(frame) = self.frame.as_mut() else {
                return Ok(0);
            };
            let n = frame.read(buf)?;
            if n > 0 || buf.is_empty() {
                return Ok(n);
            }
            // This frame is done: another one may follow.
            let mut reader = self.frame.take().expect("frame").into_inner();
            if reader.fill_buf()?.is_empty() {
                return Ok(0);
            }
            self.frame =
                Some(ruzstd::decoding::StreamingDecoder::new(reader).map_err(io::Error::other)?);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn gzip(data: &[u8]) -> Vec<u8> {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        e.write_all(data).unwrap();
        e.finish().unwrap()
    }

    fn bzip2(data: &[u8]) -> Vec<u8> {
        let mut e = bzip2::write::BzEncoder::new(Vec::new(), bzip2::Compression::fast());
        e.write_all(data).unwrap();
        e.finish().unwrap()
    }

    fn zstd(data: &[u8]) -> Vec<u8> {
        ruzstd::encoding::compress_to_vec(data, ruzstd::encoding::CompressionLevel::Fastest)
    }

    fn read_all(bytes: Vec<u8>) -> (Vec<u8>, Option<Compression>) {
        let (mut s, c) = open(io::Cursor::new(bytes)).unwrap();
        let mut out = Vec::new();
        s.read_to_end(&mut out).unwrap();
        (out, c)
    }

    #[test]
    fn every_compression_reads_back_with_all_its_members() {
        let (a, b) = (b"first member\n".as_slice(), b"second member\n".as_slice());
        let whole = [a, b].concat();
        for (bytes, kind) in [
            ([gzip(a), gzip(b)].concat(), Compression::Gzip),
            ([zstd(a), zstd(b)].concat(), Compression::Zstd),
            ([bzip2(a), bzip2(b)].concat(), Compression::Bzip2),
        ] {
            assert_eq!(read_all(bytes), (whole.clone(), Some(kind)));
        }
        assert_eq!(read_all(whole.clone()), (whole, None), "plain stays plain");
    }

    #[test]
    fn corrupt_data_is_an_error_not_a_panic() {
        let mut bad = gzip(b"some text that compresses into a gzip member");
        let n = bad.len();
        bad[n / 2] ^= 0xff;
        bad.truncate(n - 3);
        let (mut s, _) = open(io::Cursor::new(bad)).unwrap();
        assert!(s.read_to_end(&mut Vec::new()).is_err());
    }

    #[test]
    fn reading_stops_past_the_limit() {
        let big = vec![b'a'; 10_000];
        let (mut s, _) = open(io::Cursor::new(gzip(&big))).unwrap();
        assert_eq!(read_capped(&mut s, 9_999).unwrap(), None);
        let (mut s, _) = open(io::Cursor::new(gzip(&big))).unwrap();
        assert_eq!(read_capped(&mut s, 10_000).unwrap(), Some(big));
    }
}
