//! Expands the paths the user gave into a sorted list of files.
//!
//! Folders are walked recursively in sorted order; hidden entries (names starting with `.`) are
//! skipped; symlinks are followed and loops reported. Files named directly are always read,
//! whatever their extension; files found in folders are kept when their extension is accepted.

use rayon::prelude::*;
use std::path::{Path, PathBuf};

use super::{InputFile, Skip, SkipReason, io_reason};

/// Which file extensions are read when walking a folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExtFilter {
    /// Lower-case extensions without the dot. An empty string accepts files with no extension.
    pub exts: Vec<String>,
}

/// The default set: what a folder of scraped articles holds.
pub const DEFAULT_EXTS: &[&str] = &["txt", "text", "htm", "html", "xhtml", "shtml", "warc", ""];

impl Default for ExtFilter {
    fn default() -> Self {
        ExtFilter {
            exts: DEFAULT_EXTS.iter().map(|s| s.to_string()).collect(),
        }
    }
}

impl ExtFilter {
    /// Parses a comma-separated list such as `txt,html`; `*` accepts every file.
    pub fn parse(list: &str) -> ExtFilter {
        let exts = list
            .split(',')
            .map(|e| e.trim().trim_start_matches('.').to_ascii_lowercase())
            .collect();
        ExtFilter { exts }
    }

    /// Whether a file found in a folder is read. A compression suffix is looked through:
    /// `a.html.gz` is read as an `html` file (and `a.gz` as a file without extension).
    pub fn accepts(&self, path: &Path) -> bool {
        if self.exts.iter().any(|e| e == "*") {
            return true;
        }
        // Compared case-blind in place: no lower-cased copy per file.
        let ext = path.extension().map_or(&b""[..], |e| e.as_encoded_bytes());
        if super::compressed::SUFFIXES
            .iter()
            .any(|s| s.as_bytes().eq_ignore_ascii_case(ext))
        {
            let stem = Path::new(path.file_stem().unwrap_or_default());
            let inner = stem.extension().map_or(&b""[..], |e| e.as_encoded_bytes());
            if self.accepts_ext(inner) {
                return true;
            }
        }
        self.accepts_ext(ext)
    }

    fn accepts_ext(&self, ext: &[u8]) -> bool {
        self.exts
            .iter()
            .any(|e| e.as_bytes().eq_ignore_ascii_case(ext))
    }
}

/// The result of expanding the arguments.
#[derive(Debug, Default)]
pub struct Expanded {
    /// Files to read, in argument order, each folder's files in sorted order. No duplicates.
    pub files: Vec<InputFile>,
    /// Paths that could not be listed: a missing argument, an unreadable folder, a loop.
    pub skipped: Vec<Skip>,
    /// Arguments that do not exist (also listed in `skipped`): a usage error for the exit code.
    pub missing_args: usize,
    /// Files seen in folders but not read because of their extension.
    pub ignored_by_ext: usize,
}

/// Expands files and folders into the files to read.
pub fn expand(paths: &[PathBuf], filter: &ExtFilter) -> Expanded {
    let mut ex = Expander::new(filter);
    for arg in paths {
        ex.add(arg, Origin::Argument);
    }
    ex.finish()
}

/// Where a path to expand came from: an argument that does not exist is a usage error (exit
/// code 2); a path read from a list (`--files-from`) that does not exist is only a skip, since
/// files listed by another tool may vanish before they are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    Argument,
    Listed,
}

/// Expands paths one by one into one list of files without duplicates.
#[derive(Debug)]
pub struct Expander<'a> {
    filter: &'a ExtFilter,
    out: Expanded,
    /// The paths found so far, from the second path added on, each made absolute with `.`
    /// parts dropped ([`same_file_key`]): `x/a.txt`, `./x/a.txt` and `/srv/x/a.txt` are one
    /// file, read once. One walk never lists a path twice (a file reached through a symlinked
    /// folder has another path, kept as before), so a million-file folder need not be hashed
    /// (a second of listing time).
    seen: Option<std::collections::HashSet<PathBuf>>,
    /// The working folder relative paths are taken from, for [`same_file_key`].
    cwd: PathBuf,
    added: usize,
}

/// `path` made absolute against `cwd`, its `.` parts dropped, without asking the file system
/// (symlinks and `..` are kept as written): how two spellings of one path given on the command
/// line are known to be one.
fn same_file_key(cwd: &Path, path: &Path) -> PathBuf {
    let joined;
    let path = if path.is_absolute() {
        path
    } else {
        joined = cwd.join(path);
        &joined
    };
    path.components()
        .filter(|c| *c != std::path::Component::CurDir)
        .collect()
}

impl<'a> Expander<'a> {
    pub fn new(filter: &'a ExtFilter) -> Expander<'a> {
        Expander {
            filter,
            out: Expanded::default(),
            seen: None,
            cwd: std::env::current_dir().unwrap_or_default(),
            added: 0,
        }
    }

    /// How many files were found so far.
    pub fn files_so_far(&self) -> usize {
        self.out.files.len()
    }

    /// The files found.
    pub fn finish(self) -> Expanded {
        self.out
    }

    /// Adds one path: a file, or a folder walked recursively.
    pub fn add(&mut self, arg: &Path, origin: Origin) {
        self.added += 1;
        let cwd = &self.cwd;
        if self.added == 2 {
            self.seen = Some(
                self.out
                    .files
                    .iter()
                    .map(|f| same_file_key(cwd, &f.path))
                    .collect(),
            );
        }
        let is_new = |seen: &mut Option<std::collections::HashSet<PathBuf>>, path: &Path| {
            seen.as_mut()
                .is_none_or(|s| s.insert(same_file_key(cwd, path)))
        };
        let out = &mut self.out;
        let shown = super::shown(arg);
        let meta = match std::fs::metadata(arg) {
            Ok(m) => m,
            Err(e) => {
                let reason = if e.kind() == std::io::ErrorKind::NotFound {
                    if origin == Origin::Argument {
                        out.missing_args += 1;
                    }
                    SkipReason::NotFound
                } else {
                    SkipReason::Unreadable(io_reason(&e))
                };
                out.skipped.push(Skip {
                    path: shown,
                    reason,
                });
                return;
            }
        };
        if !meta.is_dir() {
            if is_new(&mut self.seen, arg) {
                out.files.push(InputFile {
                    path: arg.to_path_buf(),
                    display: shown,
                });
            }
            return;
        }
        // Sorted once at the end (see `walk_order`): walkdir's `sort_by_file_name` parses each
        // entry's path from the back at every comparison (a quarter of listing time).
        let (first_file, first_skip) = (out.files.len(), out.skipped.len());
        let walker = walkdir::WalkDir::new(arg)
            .follow_links(true)
            .into_iter()
            .filter_entry(|e| e.depth() == 0 || !is_hidden(e.file_name()));
        for entry in walker {
            match entry {
                Ok(e) => {
                    if e.file_type().is_dir() {
                        continue;
                    }
                    // A named pipe, socket or device in a folder is no article, and reading a
                    // pipe would wait for a writer forever. (Named on the command line, one is
                    // read: `<(zcat a.html.gz)` is a pipe.)
                    if !e.file_type().is_file() {
                        out.skipped.push(Skip {
                            path: super::shown(e.path()),
                            reason: SkipReason::Unreadable(
                                "not a regular file (a named pipe, socket or device)".into(),
                            ),
                        });
                        continue;
                    }
                    if !self.filter.accepts(e.path()) {
                        out.ignored_by_ext += 1;
                        continue;
                    }
                    if is_new(&mut self.seen, e.path()) {
                        let path = e.path().to_path_buf();
                        let display = super::shown(&path);
                        out.files.push(InputFile { path, display });
                    }
                }
                Err(err) => {
                    let path = err
                        .path()
                        .map(super::shown)
                        .unwrap_or_else(|| shown.clone());
                    let reason = if let Some(anc) = err.loop_ancestor() {
                        format!("symlink loop back to {}", anc.display())
                    } else if let Some(ioe) = err.io_error() {
                        io_reason(ioe)
                    } else {
                        err.to_string()
                    };
                    out.skipped.push(Skip {
                        path,
                        reason: SkipReason::Walk(reason),
                    });
                }
            }
        }
        out.files[first_file..].par_sort_unstable_by(|a, b| walk_order(&a.path, &b.path));
        out.skipped[first_skip..].sort_by(|a, b| a.path.cmp(&b.path));
    }
}

/// The order of a walk that visits each folder's entries sorted by name, depth first: path
/// bytes compared with the separator ranked below every other byte (so `a/b` comes before
/// `a.txt` and `a-b`, as the folder `a` sorts before the names it starts).
fn walk_order(a: &Path, b: &Path) -> std::cmp::Ordering {
    let (a, b) = (
        a.as_os_str().as_encoded_bytes(),
        b.as_os_str().as_encoded_bytes(),
    );
    let rank = |c: u8| (!std::path::is_separator(char::from(c)), c);
    match a.iter().zip(b).position(|(x, y)| x != y) {
        Some(i) => rank(a[i]).cmp(&rank(b[i])),
        None => a.len().cmp(&b.len()),
    }
}

fn is_hidden(name: &std::ffi::OsStr) -> bool {
    name.to_string_lossy().starts_with('.')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_come_in_the_order_of_a_sorted_walk() {
        // Names that sort differently as whole paths and folder by folder: `2024/` against
        // `2024.txt`, `2024 b.txt` and `2024-old/`.
        let dir = std::env::temp_dir().join(format!("nd-walk-order-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        for f in [
            "2024/a.txt",
            "2024/z/b.txt",
            "2024.txt",
            "2024 b.txt",
            "2024-old/c.txt",
            "2024-old.txt",
            "20240.txt",
            "A.txt",
        ] {
            let path = dir.join(f);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, "x").unwrap();
        }
        let got: Vec<PathBuf> = expand(std::slice::from_ref(&dir), &ExtFilter::default())
            .files
            .into_iter()
            .map(|f| f.path)
            .collect();
        let want: Vec<PathBuf> = walkdir::WalkDir::new(&dir)
            .sort_by_file_name()
            .into_iter()
            .map(|e| e.unwrap())
            .filter(|e| e.file_type().is_file())
            .map(|e| e.into_path())
            .collect();
        assert_eq!(got.len(), 8);
        assert_eq!(got, want);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn ext_filter_table() {
        let f = ExtFilter::default();
        for (path, want) in [
            ("a/b.txt", true),
            ("a/b.HTML", true),
            ("a/b.htm", true),
            ("a/README", true),
            ("a/gold.tsv", false),
            ("a/notes.md", false),
            ("a/x.json", false),
            ("a/b.html.gz", true),
            ("a/b.TXT.ZST", true),
            ("a/crawl.warc.gz", true),
            ("a/crawl.warc", true),
            ("a/b", true),
            ("a/b.gz", true),
            ("a/data.csv.bz2", false),
        ] {
            assert_eq!(f.accepts(Path::new(path)), want, "{path}");
        }
        let only = ExtFilter::parse(".TSV, md");
        assert!(only.accepts(Path::new("x.tsv")));
        assert!(!only.accepts(Path::new("x.txt")));
        assert!(only.accepts(Path::new("x.tsv.bz2")));
        assert!(
            !only.accepts(Path::new("x.gz")),
            "no extension is not asked for"
        );
        assert!(ExtFilter::parse("*").accepts(Path::new("x.bin")));
    }

    /// The files' paths under `dir`.
    fn relative(files: &[InputFile], dir: &Path) -> Vec<String> {
        files
            .iter()
            .map(|f| {
                f.path
                    .strip_prefix(dir)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned()
            })
            .collect()
    }

    #[test]
    fn a_path_reached_twice_is_listed_once_where_first_reached() {
        let dir = std::env::temp_dir().join(format!("nd-walk-twice-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("sub")).unwrap();
        for f in ["a.txt", "sub/b.txt", "sub/c.txt"] {
            std::fs::write(dir.join(f), "x").unwrap();
        }
        let names = |args: &[PathBuf]| relative(&expand(args, &ExtFilter::default()).files, &dir);
        // A file, then its folder, then the folder's parent; and the other way round.
        let (c, sub) = (dir.join("sub/c.txt"), dir.join("sub"));
        assert_eq!(
            names(&[c.clone(), sub.clone(), dir.clone()]),
            ["sub/c.txt", "sub/b.txt", "a.txt"]
        );
        assert_eq!(
            names(&[dir.clone(), sub, c]),
            ["a.txt", "sub/b.txt", "sub/c.txt"]
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn walks_sorted_skips_hidden_and_reports_missing() {
        let dir = std::env::temp_dir().join(format!("nd-walk-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("sub")).unwrap();
        std::fs::create_dir_all(dir.join("sub-z")).unwrap();
        std::fs::create_dir_all(dir.join(".hidden")).unwrap();
        for f in [
            "b.txt",
            "a.txt",
            "sub/c.html",
            "sub-z/e.txt",
            ".dot.txt",
            ".hidden/d.txt",
            "gold.tsv",
        ] {
            std::fs::write(dir.join(f), "x").unwrap();
        }
        let missing = dir.join("nope");
        let got = expand(&[dir.clone(), missing], &ExtFilter::default());
        let names = relative(&got.files, &dir);
        // The folder's entries in name order, depth first: `sub` before `sub-z`.
        assert_eq!(names, ["a.txt", "b.txt", "sub/c.html", "sub-z/e.txt"]);
        assert_eq!(got.missing_args, 1);
        assert_eq!(got.ignored_by_ext, 1);
        assert_eq!(got.skipped.len(), 1);
        assert_eq!(got.skipped[0].reason, SkipReason::NotFound);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
