//! `--files-from`: the paths to read, listed in a file or on stdin, one a line or NUL-separated
//! (`-0`, as `find -print0` writes them).

use std::io::Read;
use std::path::{Path, PathBuf};

/// A list of paths to read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileList {
    /// The list's file; `-` is stdin.
    pub path: PathBuf,
    /// Entries end with NUL instead of a newline.
    pub nul: bool,
}

impl FileList {
    /// Whether the list is read from stdin.
    pub fn is_stdin(&self) -> bool {
        is_stdin(&self.path)
    }

    /// The list's name in messages.
    pub fn name(&self) -> String {
        if self.is_stdin() {
            "<stdin>".into()
        } else {
            self.path.to_string_lossy().into_owned()
        }
    }

    /// Reads the list. An error is a short reason, without the list's name: the list cannot be
    /// read, or it is a newline list holding NUL bytes (see [`check`]).
    pub fn read(&self) -> Result<Vec<PathBuf>, String> {
        let mut bytes = Vec::new();
        let result = if self.is_stdin() {
            std::io::stdin().lock().read_to_end(&mut bytes)
        } else {
            std::fs::File::open(&self.path).and_then(|mut f| f.read_to_end(&mut bytes))
        };
        result.map_err(|e| super::io_reason(&e))?;
        check(&bytes, self.nul)?;
        Ok(parse(&bytes, self.nul))
    }
}

/// A list read one path a line must hold no NUL byte: no path can contain one, so a NUL means
/// the list is NUL-separated (`find -print0`) and `-0` was forgotten. Read as lines, it would be
/// one long path that does not exist, a skip, and an empty output with status 0.
pub fn check(bytes: &[u8], nul: bool) -> Result<(), String> {
    if !nul && memchr::memchr(0, bytes).is_some() {
        let why = "it holds NUL bytes, so it is NUL-separated (as `find -print0` writes it): \
                   give -0 (--null) to read it";
        return Err(why.into());
    }
    Ok(())
}

/// Whether a path argument means stdin.
pub fn is_stdin(path: &Path) -> bool {
    path.as_os_str() == "-"
}

/// Splits a list into paths: on NUL with `nul`, else on newlines (a trailing `\r` is dropped, so
/// lists written on Windows work). Empty entries are ignored.
pub fn parse(bytes: &[u8], nul: bool) -> Vec<PathBuf> {
    let sep = if nul { b'\0' } else { b'\n' };
    bytes
        .split(|&b| b == sep)
        .map(|e| {
            if nul {
                e
            } else {
                e.strip_suffix(b"\r").unwrap_or(e)
            }
        })
        .filter(|e| !e.is_empty())
        .map(path_from_bytes)
        .collect()
}

/// A path from its bytes (on Unix, as they are; elsewhere, as UTF-8 with bad bytes replaced).
#[cfg(unix)]
pub(crate) fn path_from_bytes(b: &[u8]) -> PathBuf {
    use std::os::unix::ffi::OsStrExt;
    PathBuf::from(std::ffi::OsStr::from_bytes(b))
}

#[cfg(not(unix))]
pub(crate) fn path_from_bytes(b: &[u8]) -> PathBuf {
    PathBuf::from(String::from_utf8_lossy(b).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_table() {
        let p = |v: &[&str]| v.iter().map(PathBuf::from).collect::<Vec<_>>();
        assert_eq!(
            parse(b"a.txt\nb c.txt\r\n\n", false),
            p(&["a.txt", "b c.txt"])
        );
        assert_eq!(parse(b"a\nb\0c\0\0", true), p(&["a\nb", "c"]));
        assert_eq!(parse(b"", false), p(&[]));
        assert_eq!(parse(b"\n\n", false), p(&[]));
    }

    #[test]
    fn a_newline_list_with_nul_bytes_asks_for_dash_0() {
        let err = check(b"a.txt\0b.txt\0", false).unwrap_err();
        assert!(err.contains("give -0"), "{err}");
        assert_eq!(check(b"a.txt\0b.txt\0", true), Ok(()));
        assert_eq!(check(b"a.txt\nb.txt\n", false), Ok(()));
        assert_eq!(check(b"", false), Ok(()));
    }
}
