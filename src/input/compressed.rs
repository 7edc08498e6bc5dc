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
        Some(Compression::Gzip) => {
            Box::new(BufReader::with_capacity(1 << 16, GzMembers::new(reader)))
        }
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

/// gzip members read one after another to the end of the input, as `MultiGzDecoder` does, but
/// a damaged member, or bytes between members that are not gzip, do not end the stream: the
/// read that meets them fails once (naming the byte of the file where the damage is and where
/// reading goes on), and the next read continues with the next member found after the damaged
/// one's header. A `.warc.gz` holds one member per record, so a damaged record costs that
/// record, not the rest of the file.
struct GzMembers<R: BufRead> {
    /// The member being read.
    member: Option<flate2::bufread::GzDecoder<Tape<R>>>,
    /// Between members (or at the end).
    raw: Option<Tape<R>>,
    /// Where the member being read starts in the file.
    member_at: u64,
}

/// The gzip header's first bytes (magic and the deflate method).
const GZIP_HEADER: [u8; 3] = [0x1f, 0x8b, 0x08];

/// A damaged member's bytes are kept up to this size, to look for the next member inside them
/// (a truncated member's decoder reads on into the next one).
const MAX_TAPE: usize = 64 << 20;

impl<R: BufRead> GzMembers<R> {
    fn new(reader: R) -> GzMembers<R> {
        GzMembers {
            member: None,
            raw: Some(Tape {
                inner: reader,
                at: 0,
                replay: Vec::new(),
                pos: 0,
                tape: None,
            }),
            member_at: 0,
        }
    }

    /// Reads past bytes up to the next gzip header; returns the offset where it is (or the end).
    fn skip_to_member(raw: &mut Tape<R>) -> io::Result<u64> {
        loop {
            let buf = raw.fill_at_least(GZIP_HEADER.len())?;
            if buf.len() < GZIP_HEADER.len() {
                let n = buf.len();
                raw.consume(n);
                return Ok(raw.at);
            }
            match memchr::memmem::find(buf, &GZIP_HEADER) {
                Some(i) => {
                    raw.consume(i);
                    return Ok(raw.at);
                }
                // The last two bytes may begin a header that the next buffer ends.
                None => {
                    let n = buf.len() - (GZIP_HEADER.len() - 1);
                    raw.consume(n);
                }
            }
        }
    }
}

impl<R: BufRead> Read for GzMembers<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        loop {
            if let Some(member) = self.member.as_mut() {
                match member.read(buf) {
                    Ok(0) if !buf.is_empty() => {
                        let mut raw = self.member.take().expect("member").into_inner();
                        raw.tape = None;
                        self.raw = Some(raw);
                    }
                    Ok(n) => return Ok(n),
                    Err(e) => {
                        let mut raw = self.member.take().expect("member").into_inner();
                        let damaged = raw.at;
                        // The next member may begin inside what the damaged one's decoder read:
                        // all of it but the first byte is read again, looking for a header.
                        if let Some(tape) = raw.tape.take().filter(|t| t.len() > 1) {
                            raw.unread(&tape[1..]);
                        }
                        let next = Self::skip_to_member(&mut raw)?;
                        // A file cut short ends inside its last member: nothing is read on.
                        let then = if raw.fill_at_least(2)?.is_empty() {
                            "no gzip member follows it".to_string()
                        } else {
                            format!("read on from byte {next}")
                        };
                        self.raw = Some(raw);
                        return Err(io::Error::new(
                            io::ErrorKind::InvalidData,
                            format!(
                                "gzip member at byte {} of the file damaged ({e}, near byte \
                                 {damaged}); {then}",
                                self.member_at
                            ),
                        ));
                    }
                }
                continue;
            }
            let Some(raw) = self.raw.as_mut() else {
                return Ok(0);
            };
            // A member's header may begin in the last bytes of the reader's buffer.
            let head = raw.fill_at_least(2)?;
            if head.is_empty() {
                return Ok(0);
            }
            if head.starts_with(&GZIP_HEADER[..2]) {
                let mut raw = self.raw.take().expect("raw");
                self.member_at = raw.at;
                raw.tape = Some(Vec::new());
                self.member = Some(flate2::bufread::GzDecoder::new(raw));
                continue;
            }
            let at = raw.at;
            let next = Self::skip_to_member(raw)?;
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                format!("bytes {at} to {next} of the file are not gzip data"),
            ));
        }
    }
}

/// A reader that counts the bytes consumed from it, can record them (`tape`) and can be given
/// bytes back to read again (`unread`).
struct Tape<R> {
    inner: R,
    /// Bytes of the file consumed so far (less those given back).
    at: u64,
    /// Bytes given back, read before `inner`'s.
    replay: Vec<u8>,
    pos: usize,
    /// The bytes consumed while recording (up to `MAX_TAPE`; `None` when not recording or
    /// past it).
    tape: Option<Vec<u8>>,
}

impl<R: BufRead> Tape<R> {
    /// The buffered bytes, at least `n` of them unless the input ends first.
    fn fill_at_least(&mut self, n: usize) -> io::Result<&[u8]> {
        loop {
            let have = self.fill_buf()?.len();
            if have >= n || have == 0 {
                break;
            }
            // Taken out and given back: `unread` joins them to the next buffer of `inner`.
            let held = self.fill_buf()?.to_vec();
            self.consume(held.len());
            self.unread(&held);
            if self.fill_buf()?.len() == have {
                break;
            }
        }
        self.fill_buf()
    }

    /// Gives `bytes` back: they are read again, before the rest.
    fn unread(&mut self, bytes: &[u8]) {
        let mut replay = bytes.to_vec();
        replay.extend_from_slice(&self.replay[self.pos..]);
        // What `inner` holds in its buffer joins them, so that a header across the two is seen.
        if let Ok(buf) = self.inner.fill_buf() {
            let n = buf.len();
            replay.extend_from_slice(buf);
            self.inner.consume(n);
        }
        self.replay = replay;
        self.pos = 0;
        self.at -= bytes.len() as u64;
    }
}

impl<R: BufRead> Read for Tape<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let avail = self.fill_buf()?;
        let n = avail.len().min(buf.len());
        buf[..n].copy_from_slice(&avail[..n]);
        self.consume(n);
        Ok(n)
    }
}

impl<R: BufRead> BufRead for Tape<R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        if self.pos < self.replay.len() {
            return Ok(&self.replay[self.pos..]);
        }
        self.inner.fill_buf()
    }

    fn consume(&mut self, n: usize) {
        self.at += n as u64;
        let replaying = self.pos < self.replay.len();
        if let Some(tape) = self.tape.as_mut() {
            if tape.len() + n > MAX_TAPE {
                self.tape = None;
            } else if replaying {
                tape.extend_from_slice(&self.replay[self.pos..self.pos + n]);
            } else if let Ok(buf) = self.inner.fill_buf() {
                // Already filled: no I/O, the bytes about to be consumed.
                tape.extend_from_slice(&buf[..n.min(buf.len())]);
            }
        }
        if replaying {
            self.pos += n;
            if self.pos == self.replay.len() {
                self.replay.clear();
                self.pos = 0;
            }
        } else {
            self.inner.consume(n);
        }
    }
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
    fn a_damaged_gzip_member_fails_one_read_and_the_next_members_follow() {
        let (a, b, c) = (gzip(b"first\n"), gzip(b"second\n"), gzip(b"third\n"));
        let mut broken = b.clone();
        broken.truncate(b.len() / 2);
        let bytes = [a.clone(), b"junk between".to_vec(), broken, c.clone()].concat();
        let (mut s, _) = open(io::Cursor::new(bytes)).unwrap();
        let mut got = Vec::new();
        let mut errors = Vec::new();
        for _ in 0..10 {
            let mut buf = [0u8; 64];
            match s.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => got.extend_from_slice(&buf[..n]),
                Err(e) => errors.push(e.to_string()),
            }
        }
        assert_eq!(got, b"first\nthird\n", "{errors:?}");
        assert_eq!(errors.len(), 2, "{errors:?}");
        let junk_at = a.len();
        assert_eq!(
            errors[0],
            format!(
                "bytes {junk_at} to {} of the file are not gzip data",
                junk_at + 12
            )
        );
        assert!(errors[1].starts_with("gzip member at byte"), "{errors:?}");
        // A member follows the damaged one: the message says where reading goes on.
        let third_at = a.len() + 12 + b.len() / 2;
        assert!(
            errors[1].ends_with(&format!("; read on from byte {third_at}")),
            "{errors:?}"
        );
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
