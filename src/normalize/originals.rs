//! The article's own characters, kept for output while every rule compares folded text.
//!
//! Folding ([`super::markup::fold_char`]) turns curly quotes into straight ones, dashes into `-`
//! and `…` into `...`, so that the header, chrome and dateline rules match one spelling. The
//! record a user reads should keep the article's own characters, though. While an article is
//! normalized ([`collect`]), every folded line or field that had such a character replaced is
//! recorded with what it replaced ([`record`]); at the end the body lines and header fields are
//! given their characters back ([`Table::restore`]): a text recorded whole, or the start or
//! the end of one (a line a dateline or a tail was cut from). Shingles split words at both
//! spellings alike and story evidence folds before it scans, so comparison is unchanged.
//!
//! The table lives in a thread-local slot for the length of one `normalize` call: the folding
//! functions are called from many places in the extractors, and a parameter threaded through
//! all of them would be noise for a side record. Calls nest (the previous table is put back),
//! so a worker thread that runs another article inside one is still correct.

use std::cell::RefCell;
use std::collections::HashMap;

use xxhash_rust::xxh3::xxh3_64;

/// One replaced character: at byte `at` of the folded text, `len` bytes stand for `original`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sub {
    pub at: u32,
    pub len: u8,
    pub original: char,
}

/// Folded texts of one article with the characters folding replaced in them.
#[derive(Debug, Default)]
pub struct Table {
    /// Each recorded folded text with its replacements, in the order recorded.
    entries: Vec<(Box<str>, Vec<Sub>)>,
    /// XXH3 of a folded text → its entry (the first recorded wins).
    index: HashMap<u64, usize>,
}

thread_local! {
    static TABLE: RefCell<Option<Table>> = const { RefCell::new(None) };
}

/// Whether a character folded into `folded` is typographic (a quote or a dash), the kind the
/// record restores (an ellipsis, folded to `...`, is too); whitespace and invisible characters
/// stay folded.
pub fn restorable(folded: char) -> bool {
    matches!(folded, '\'' | '"' | '-')
}

/// Records a folded text and its replacements, when an article is being collected.
pub fn record(folded: &str, subs: Vec<Sub>) {
    if subs.is_empty() {
        return;
    }
    TABLE.with(|t| {
        if let Some(table) = t.borrow_mut().as_mut() {
            table.insert(folded, subs);
        }
    });
}

/// Records `joined`, which is `parts` joined by `sep` (a table row made one line of its
/// cells), with the replacements recorded for each part, so it gets its characters back too.
pub fn record_joined(joined: &str, parts: &[&str], sep: &str) {
    TABLE.with(|t| {
        let mut t = t.borrow_mut();
        let Some(table) = t.as_mut() else {
            return;
        };
        let mut subs = Vec::new();
        let mut at = 0usize;
        for (i, part) in parts.iter().enumerate() {
            if i > 0 {
                at += sep.len();
            }
            if let Some(own) = table.get(part) {
                subs.extend(own.iter().map(|s| Sub {
                    at: s.at + at as u32,
                    ..*s
                }));
            }
            at += part.len();
        }
        if !subs.is_empty() {
            table.insert(joined, subs);
        }
    });
}

/// Runs `f` with a fresh table and returns its result with the table filled during it.
pub fn collect<T>(f: impl FnOnce() -> T) -> (T, Table) {
    let previous = TABLE.with(|t| t.replace(Some(Table::default())));
    let out = f();
    let table = TABLE.with(|t| t.replace(previous)).unwrap_or_default();
    (out, table)
}

/// Bytes one article may compare, per byte of its body, looking for lines that are not
/// recorded whole (a line the dateline was cut from): a bound on the work, whatever the input.
const SEARCH_BUDGET_PER_BYTE: usize = 4;

impl Table {
    fn insert(&mut self, folded: &str, subs: Vec<Sub>) {
        let next = self.entries.len();
        let at = *self.index.entry(xxh3_64(folded.as_bytes())).or_insert(next);
        if at == next {
            self.entries.push((folded.into(), subs));
        }
    }

    fn get(&self, text: &str) -> Option<&[Sub]> {
        self.index
            .get(&xxh3_64(text.as_bytes()))
            .map(|&i| &self.entries[i])
            .filter(|(whole, _)| &**whole == text)
            .map(|(_, subs)| subs.as_slice())
    }

    /// `text` with its original characters, if it is a recorded text, or the start or the end
    /// of one (a line a dateline or a tail was cut from). `budget` bounds the bytes compared
    /// for a start or an end; a text not found stays folded.
    fn restore_one(&self, text: &str, budget: &mut usize) -> Option<String> {
        if let Some(subs) = self.get(text) {
            return Some(apply(text, 0, subs));
        }
        // Only a text holding a folded character's spelling can need restoring.
        if text.len() < 8 || !(text.contains(['\'', '"', '-']) || text.contains("...")) {
            return None;
        }
        for (whole, subs) in &self.entries {
            if whole.len() < text.len() {
                continue;
            }
            if *budget < 2 * text.len() {
                return None;
            }
            *budget -= 2 * text.len();
            if whole.starts_with(text) {
                return Some(apply(text, 0, subs));
            }
            if whole.ends_with(text) {
                return Some(apply(text, whole.len() - text.len(), subs));
            }
        }
        None
    }

    /// Gives body lines and header strings their original characters back.
    pub fn restore(&self, lines: &mut [String], fields: &mut [&mut String]) {
        if self.entries.is_empty() {
            return;
        }
        let total: usize = lines.iter().map(String::len).sum();
        let mut budget = (total + 4096) * SEARCH_BUDGET_PER_BYTE;
        for s in lines.iter_mut().chain(fields.iter_mut().map(|s| &mut **s)) {
            if let Some(r) = self.restore_one(s, &mut budget) {
                *s = r;
            }
        }
    }
}

/// `text`, found at byte `offset` of a recorded text with replacements `subs`, with the
/// replacements inside it undone.
fn apply(text: &str, offset: usize, subs: &[Sub]) -> String {
    let end = offset + text.len();
    let mut out = String::with_capacity(text.len() + 8);
    let mut pos = offset;
    for s in subs {
        let (at, len) = (s.at as usize, usize::from(s.len));
        if at < pos || at + len > end {
            continue;
        }
        out.push_str(&text[pos - offset..at - offset]);
        out.push(s.original);
        pos = at + len;
    }
    out.push_str(&text[pos - offset..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(folded: &str, subs: Vec<Sub>) -> Table {
        let mut t = Table::default();
        t.insert(folded, subs);
        t
    }

    #[test]
    fn a_whole_line_and_a_part_of_one_get_their_characters_back() {
        // “It’s done” – he said…  folded: "It's done" - he said...
        let folded = "\"It's done\" - he said...";
        let subs = vec![
            Sub {
                at: 0,
                len: 1,
                original: '“',
            },
            Sub {
                at: 3,
                len: 1,
                original: '’',
            },
            Sub {
                at: 10,
                len: 1,
                original: '”',
            },
            Sub {
                at: 12,
                len: 1,
                original: '–',
            },
            Sub {
                at: 21,
                len: 3,
                original: '…',
            },
        ];
        let t = table(folded, subs);
        let mut lines = vec![
            folded.to_string(),
            "done\" - he said...".to_string(),
            "plain line".to_string(),
        ];
        t.restore(&mut lines, &mut []);
        assert_eq!(lines[0], "“It’s done” – he said…");
        assert_eq!(lines[1], "done” – he said…");
        assert_eq!(lines[2], "plain line");
    }

    #[test]
    fn collect_gathers_records_and_nests() {
        let ((), outer) = collect(|| {
            record(
                "a - b",
                vec![Sub {
                    at: 2,
                    len: 1,
                    original: '—',
                }],
            );
            let ((), inner) = collect(|| {
                record(
                    "c - d",
                    vec![Sub {
                        at: 2,
                        len: 1,
                        original: '–',
                    }],
                )
            });
            assert_eq!(inner.entries.len(), 1);
        });
        assert_eq!(outer.entries.len(), 1);
        assert!(outer.get("a - b").is_some());
        // Outside any collection nothing is kept.
        record(
            "e - f",
            vec![Sub {
                at: 2,
                len: 1,
                original: '–',
            }],
        );
        assert!(TABLE.with(|t| t.borrow().is_none()));
    }
}
