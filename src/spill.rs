//! Article bodies that do not fit in `--text-memory`, kept on disk until the stories are
//! written: appended to one unnamed temporary file (deleted by the system when the run ends,
//! however it ends) and read back by offset. Reading a body back costs one small read; reading
//! its file again would cost a new parse (on a million pages, 20 s against about 1).
//!
//! Writing is best effort: when the temporary file cannot be created or written (no space), or
//! when it would be in memory itself (`$TMPDIR` on tmpfs, where the texts would stay in RAM
//! unseen by `--text-memory`), nothing is stored and the caller falls back to reading the files
//! again; [`Spill::finish`] says why.

use std::fs::File;
use std::io::{self, Write};
use std::sync::Mutex;

/// Where a stored body is in the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Slot {
    at: u64,
    len: usize,
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
    /// Why nothing more is stored (creating or writing the file failed, or it is in memory).
    failed: Option<String>,
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
                failed: None,
                buf: Vec::new(),
                len: 0,
            }),
        }
    }

    /// Stores a body; `None` when the temporary file cannot be created or written.
    pub fn put(&self, text: &str) -> Option<Slot> {
        let mut w = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        if w.failed.is_some() {
            return None;
        }
        if w.file.is_none() {
            let dir = std::env::temp_dir();
            match tempfile::tempfile() {
                Ok(f) if in_memory(&f) => {
                    w.failed = Some(format!("{} is in memory (tmpfs)", dir.display()));
                    return None;
                }
                Ok(f) => w.file = Some(f),
                Err(e) => {
                    w.failed = Some(format!("cannot create a file in {}: {e}", dir.display()));
                    return None;
                }
            }
            w.buf.reserve(BUFFER);
        }
        if w.buf.len() + text.len() > BUFFER && !w.flush() {
            return None;
        }
        let slot = Slot {
            at: w.len,
            len: text.len(),
        };
        w.buf.extend_from_slice(text.as_bytes());
        w.len += text.len() as u64;
        if w.buf.len() >= BUFFER && !w.flush() {
            return None;
        }
        Some(slot)
    }

    /// Writes what is buffered and opens the file for reading: `Ok(None)` when nothing was
    /// stored, and why not when a body could not be (the caller then reads the files again).
    pub fn finish(self) -> Result<Option<Stored>, String> {
        let mut w = self.inner.into_inner().unwrap_or_else(|p| p.into_inner());
        w.flush();
        match w.failed {
            Some(why) => Err(why),
            None => Ok(w.file.map(|file| Stored { file })),
        }
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
        let written = match (&self.failed, &mut self.file) {
            (Some(_), _) => return false,
            (None, Some(f)) => f.write_all(&self.buf),
            (None, None) => Ok(()),
        };
        self.buf.clear();
        // A body larger than the buffer grew it: back to its usual size.
        self.buf.shrink_to(BUFFER);
        if let Err(e) = written {
            self.file = None;
            self.failed = Some(format!("cannot write the temporary file: {e}"));
        }
        self.failed.is_none()
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
        let mut bytes = vec![0; slot.len];
        read_at(&self.file, &mut bytes, slot.at)?;
        String::from_utf8(bytes).map_err(io::Error::other)
    }
}

/// Whether `file` is on a file system held in memory (tmpfs, ramfs).
#[cfg(target_os = "linux")]
fn in_memory(file: &File) -> bool {
    const TMPFS_MAGIC: i128 = 0x0102_1994;
    const RAMFS_MAGIC: i128 = 0x8584_58f6;
    rustix::fs::fstatfs(file)
        .is_ok_and(|s| matches!(i128::from(s.f_type), TMPFS_MAGIC | RAMFS_MAGIC))
}

#[cfg(not(target_os = "linux"))]
fn in_memory(_: &File) -> bool {
    false
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
        let stored = spill.finish().unwrap().unwrap();
        for (body, slot) in bodies.iter().zip(&slots).rev() {
            assert_eq!(&stored.get(*slot).unwrap(), body);
        }
    }

    #[test]
    fn nothing_stored_is_no_file() {
        assert!(Spill::new().finish().unwrap().is_none());
    }
}
