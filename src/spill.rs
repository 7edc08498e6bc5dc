//! Article bodies that do not fit in `--text-memory`, kept on disk until the stories are
//! written: appended to one unnamed temporary file (deleted by the system when the run ends,
//! however it ends) and read back by offset. Reading a body back costs one small read; reading
//! its file again would cost a new parse (on a million pages, 20 s against about 1).
//!
//! Writing is best effort: when the temporary file cannot be created or written (no space), the
//! body is not stored and the caller falls back to reading its file again.

use std::fs::File;
use std::io::{self, Write};
use std::sync::Mutex;

/// Where a stored body is in the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Slot {
    at: u64,
    len: u64,
}

/// Bytes gathered before one write to the file.
const BUFFER: usize = 1 << 20;

/// The writing side, shared by the reading threads.
#[derive(Debug)]
pub struct Spill {
    inner: Mutex<Writer>,
}

#[derive(Debug)]
struct Writer {
    /// Created on the first body stored.
    file: Option<File>,
    /// Creating or writing the file failed: nothing more is stored.
    failed: bool,
    buf: Vec<u8>,
    /// Bytes written to the file or waiting in `buf`.
    len: u64,
}

impl Spill {
    /// A spill whose file is created on the first body stored.
    pub fn new() -> Spill {
        Spill {
            inner: Mutex::new(Writer {
                file: None,
                failed: false,
                buf: Vec::new(),
                len: 0,
            }),
        }
    }

    /// Stores a body; `None` when the temporary file cannot be created or written.
    pub fn put(&self, text: &str) -> Option<Slot> {
        let mut w = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        if w.failed {
            return None;
        }
        if w.file.is_none() {
            w.file = tempfile::tempfile().ok();
            w.failed = w.file.is_none();
            w.file.as_ref()?;
            w.buf.reserve(BUFFER);
        }
        if w.buf.len() + text.len() > BUFFER && !w.flush() {
            return None;
        }
        let slot = Slot {
            at: w.len,
            len: text.len() as u64,
        };
        w.buf.extend_from_slice(text.as_bytes());
        w.len += slot.len;
        if w.buf.len() >= BUFFER && !w.flush() {
            return None;
        }
        Some(slot)
    }

    /// Writes what is buffered and opens the file for reading. `None` when nothing was stored
    /// or the last write failed (the caller then reads the files again).
    pub fn finish(self) -> Option<Stored> {
        let mut w = self.inner.into_inner().unwrap_or_else(|p| p.into_inner());
        if !w.flush() {
            return None;
        }
        Some(Stored { file: w.file? })
    }
}

impl Default for Spill {
    fn default() -> Self {
        Spill::new()
    }
}

impl Writer {
    /// Writes the buffer out; on failure the file is given up and `false` returned.
    fn flush(&mut self) -> bool {
        let ok = !self.failed
            && match &mut self.file {
                Some(f) => f.write_all(&self.buf).is_ok(),
                None => self.buf.is_empty(),
            };
        self.buf.clear();
        if !ok {
            self.file = None;
            self.failed = true;
        }
        ok
    }
}

/// The file of stored bodies, read back by slot (from several threads at once).
#[derive(Debug)]
pub struct Stored {
    file: File,
}

impl Stored {
    /// The body stored at `slot`.
    pub fn get(&self, slot: Slot) -> io::Result<String> {
        let len = usize::try_from(slot.len).map_err(io::Error::other)?;
        let mut bytes = vec![0; len];
        read_at(&self.file, &mut bytes, slot.at)?;
        String::from_utf8(bytes).map_err(io::Error::other)
    }
}

#[cfg(unix)]
fn read_at(file: &File, buf: &mut [u8], at: u64) -> io::Result<()> {
    std::os::unix::fs::FileExt::read_exact_at(file, buf, at)
}

#[cfg(windows)]
fn read_at(file: &File, mut buf: &mut [u8], mut at: u64) -> io::Result<()> {
    use std::os::windows::fs::FileExt;
    while !buf.is_empty() {
        match file.seek_read(buf, at)? {
            0 => return Err(io::ErrorKind::UnexpectedEof.into()),
            n => {
                buf = &mut buf[n..];
                at += n as u64;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_come_back_as_stored() {
        let spill = Spill::new();
        // Enough text to fill the buffer several times, with bodies across its edges.
        let bodies: Vec<String> = (0..3000)
            .map(|i| format!("Body {i} é ").repeat(i % 200 + 1))
            .collect();
        let slots: Vec<Slot> = bodies.iter().map(|b| spill.put(b).unwrap()).collect();
        let stored = spill.finish().unwrap();
        for (body, slot) in bodies.iter().zip(&slots).rev() {
            assert_eq!(&stored.get(*slot).unwrap(), body);
        }
    }

    #[test]
    fn nothing_stored_is_no_file() {
        assert!(Spill::new().finish().is_none());
    }
}
