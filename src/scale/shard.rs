//! A shard's table: one Parquet file, one row per input (an article, or a skipped input), in
//! path order. Columns (Spark reads `uint32` as a long, `int64` as a long):
//!
//! | column | type | what |
//! |---|---|---|
//! | `path` | string | the input's name as printed (`members[].path`, skip reports) |
//! | `skip_kind`, `skip_reason` | string, null for an article | why the input is not an article: the `kind` of `--stats-json` and the message of the skip report |
//! | `warning` | string, null | a page cut at `--max-html-mib`, as the run warns |
//! | `bytes` | int64 | bytes of the input read |
//! | `article` | binary, null for a skip | the normalized article (header fields and body), in the story index's layout ([`crate::index::store::article_bytes`]) |
//! | `body_hash` | int64 | XXH3-64 of the body (the bits of the `u64`) |
//! | `day` | int64, null | days since 1970-01-01 of the article's own date |
//! | `shingles` | list of uint32 | the compared text's shingles, sorted, template paragraphs not yet taken out |
//! | `band_keys` | list of uint32 | MinHash LSH band keys of those shingles |
//! | `para_exact`, `para_fuzzy`, `para_words` | lists (int64, uint32, uint32) | each paragraph's keys ([`crate::shingle::ParagraphKey`]) |
//! | `title_key`, `place` | uint32, null | story evidence: headline key, dateline place |
//! | `title_words`, `lede`, `quotes`, `terms` | lists of uint32 | story evidence ([`crate::evidence::Evidence`]) |
//!
//! A shard is written to a hidden temporary file in the same folder and renamed over its name,
//! so a shard is either whole or absent, and writing a shard again replaces it (Spark and
//! other Parquet readers skip hidden files).

use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use arrow_array::builder::{
    BinaryBuilder, Int64Builder, ListBuilder, StringBuilder, UInt32Builder,
};
use arrow_array::cast::AsArray;
use arrow_array::types::{Int64Type, UInt32Type};
use arrow_array::{Array, ArrayRef, RecordBatch};
use parquet::arrow::ArrowWriter;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use parquet::basic::Compression;
use parquet::file::properties::WriterProperties;

use crate::evidence::{Evidence, Parts};
use crate::shingle::ParagraphKey;

/// One input of a shard.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Row {
    pub path: String,
    /// (kind, message) of a skipped input.
    pub skip: Option<(String, String)>,
    pub warning: Option<String>,
    pub bytes: u64,
    /// The article's bytes ([`crate::index::store::article_bytes`]); none for a skip.
    pub article: Option<Vec<u8>>,
    pub body_hash: u64,
    pub day: Option<i64>,
    pub shingles: Vec<u32>,
    pub band_keys: Vec<u32>,
    pub paragraphs: Vec<ParagraphKey>,
    pub evidence: Evidence,
}

/// Rows per record batch (row group pieces): bounds the memory of the columns being built.
const BATCH: usize = 4096;

fn u32_list(rows: &[Row], f: impl Fn(&Row) -> &[u32]) -> ArrayRef {
    let mut b = ListBuilder::new(UInt32Builder::new());
    for r in rows {
        b.values().append_slice(f(r));
        b.append(true);
    }
    Arc::new(b.finish())
}

fn batch(rows: &[Row]) -> Result<RecordBatch, arrow_schema::ArrowError> {
    let mut path = StringBuilder::new();
    let (mut kind, mut reason, mut warning) = (
        StringBuilder::new(),
        StringBuilder::new(),
        StringBuilder::new(),
    );
    let mut bytes = Int64Builder::new();
    let mut article = BinaryBuilder::new();
    let (mut body_hash, mut day) = (Int64Builder::new(), Int64Builder::new());
    let mut para_exact = ListBuilder::new(Int64Builder::new());
    let (mut title_key, mut place) = (UInt32Builder::new(), UInt32Builder::new());
    for r in rows {
        path.append_value(&r.path);
        kind.append_option(r.skip.as_ref().map(|s| &s.0));
        reason.append_option(r.skip.as_ref().map(|s| &s.1));
        warning.append_option(r.warning.as_ref());
        bytes.append_value(r.bytes as i64);
        article.append_option(r.article.as_ref());
        let is_doc = r.article.is_some();
        body_hash.append_option(is_doc.then_some(r.body_hash as i64));
        day.append_option(r.day);
        for p in &r.paragraphs {
            para_exact.values().append_value(p.exact as i64);
        }
        para_exact.append(true);
        title_key.append_option(r.evidence.title_key());
        place.append_option(r.evidence.place());
    }
    let fuzzy: Vec<Vec<u32>> = rows
        .iter()
        .map(|r| r.paragraphs.iter().map(|p| p.fuzzy).collect())
        .collect();
    let words: Vec<Vec<u32>> = rows
        .iter()
        .map(|r| r.paragraphs.iter().map(|p| p.words).collect())
        .collect();
    let list_of = |v: &[Vec<u32>]| -> ArrayRef {
        let mut b = ListBuilder::new(UInt32Builder::new());
        for x in v {
            b.values().append_slice(x);
            b.append(true);
        }
        Arc::new(b.finish())
    };
    RecordBatch::try_from_iter_with_nullable([
        ("path", Arc::new(path.finish()) as ArrayRef, false),
        ("skip_kind", Arc::new(kind.finish()), true),
        ("skip_reason", Arc::new(reason.finish()), true),
        ("warning", Arc::new(warning.finish()), true),
        ("bytes", Arc::new(bytes.finish()), false),
        ("article", Arc::new(article.finish()), true),
        ("body_hash", Arc::new(body_hash.finish()), true),
        ("day", Arc::new(day.finish()), true),
        ("shingles", u32_list(rows, |r| &r.shingles), false),
        ("band_keys", u32_list(rows, |r| &r.band_keys), false),
        ("para_exact", Arc::new(para_exact.finish()), false),
        ("para_fuzzy", list_of(&fuzzy), false),
        ("para_words", list_of(&words), false),
        ("title_key", Arc::new(title_key.finish()), true),
        (
            "title_words",
            u32_list(rows, |r| r.evidence.title_words()),
            false,
        ),
        ("lede", u32_list(rows, |r| r.evidence.lede()), false),
        ("quotes", u32_list(rows, |r| r.evidence.quotes()), false),
        ("terms", u32_list(rows, |r| r.evidence.terms()), false),
        ("place", Arc::new(place.finish()), true),
    ])
}

/// Writes `rows` as the shard `path`, atomically: a hidden temporary file beside it, renamed
/// over it once complete. The bytes depend only on the rows.
pub fn write(path: &Path, rows: &[Row]) -> anyhow::Result<()> {
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty());
    let dir = dir.unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = tempfile::Builder::new()
        .prefix(&format!(".{name}."))
        .suffix(".tmp")
        .tempfile_in(dir)?;
    let props = WriterProperties::builder()
        .set_compression(Compression::SNAPPY)
        // "NAME version V": the form parquet-mr (Spark's reader) parses without a warning.
        .set_created_by(format!("newsdedup version {}", env!("CARGO_PKG_VERSION")))
        .build();
    let first = batch(&rows[..rows.len().min(BATCH)])?;
    let mut writer = ArrowWriter::try_new(tmp.as_file().try_clone()?, first.schema(), Some(props))?;
    writer.write(&first)?;
    for chunk in rows.chunks(BATCH).skip(1) {
        writer.write(&batch(chunk)?)?;
    }
    writer.close()?;
    // A shard is data for others to read, not a secret: the permissions of a new file.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        tmp.as_file()
            .set_permissions(std::fs::Permissions::from_mode(0o644))?;
    }
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

/// The shard files of a fingerprint folder's `shards/`, sorted (hidden files left out).
pub fn list(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.extension().is_some_and(|x| x == "parquet")
                && !p
                    .file_name()
                    .is_some_and(|n| n.to_string_lossy().starts_with('.'))
        })
        .collect();
    out.sort();
    Ok(out)
}

fn u32s(a: &dyn Array) -> Vec<u32> {
    a.as_primitive::<UInt32Type>().values().to_vec()
}

/// Reads a shard back, or says why it is not one (a file that is not Parquet, a column
/// missing or of another type).
pub fn read(path: &Path) -> anyhow::Result<Vec<Row>> {
    let bad = |why: String| anyhow::anyhow!("{}: not a newsdedup shard ({why})", path.display());
    let file = File::open(path).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
    let reader = ParquetRecordBatchReaderBuilder::try_new(file)
        .map_err(|e| bad(e.to_string()))?
        .build()
        .map_err(|e| bad(e.to_string()))?;
    let mut out = Vec::new();
    for b in reader {
        let b = b.map_err(|e| bad(e.to_string()))?;
        let col = |name: &str| {
            b.column_by_name(name)
                .cloned()
                .ok_or_else(|| bad(format!("no column {name}")))
        };
        let (path_c, kind, reason, warning) = (
            col("path")?,
            col("skip_kind")?,
            col("skip_reason")?,
            col("warning")?,
        );
        let (bytes, article, body_hash, day) = (
            col("bytes")?,
            col("article")?,
            col("body_hash")?,
            col("day")?,
        );
        let lists: Vec<ArrayRef> = [
            "shingles",
            "band_keys",
            "para_exact",
            "para_fuzzy",
            "para_words",
            "title_words",
            "lede",
            "quotes",
            "terms",
        ]
        .iter()
        .map(|n| col(n))
        .collect::<anyhow::Result<_>>()?;
        let (title_key, place) = (col("title_key")?, col("place")?);
        let typed = || -> Option<Vec<Row>> {
            let path_c = path_c.as_string_opt::<i32>()?;
            let (kind, reason, warning) = (
                kind.as_string_opt::<i32>()?,
                reason.as_string_opt::<i32>()?,
                warning.as_string_opt::<i32>()?,
            );
            let bytes = bytes.as_primitive_opt::<Int64Type>()?;
            let article = article.as_binary_opt::<i32>()?;
            let body_hash = body_hash.as_primitive_opt::<Int64Type>()?;
            let day = day.as_primitive_opt::<Int64Type>()?;
            let title_key = title_key.as_primitive_opt::<UInt32Type>()?;
            let place = place.as_primitive_opt::<UInt32Type>()?;
            let lists: Vec<_> = lists
                .iter()
                .map(|l| l.as_list_opt::<i32>())
                .collect::<Option<_>>()?;
            let opt_str = |a: &arrow_array::StringArray, i: usize| {
                (!a.is_null(i)).then(|| a.value(i).to_string())
            };
            let mut rows = Vec::with_capacity(b.num_rows());
            for i in 0..b.num_rows() {
                let list = |l: usize| lists[l].value(i);
                let exact = list(2);
                let exact = exact.as_primitive_opt::<Int64Type>()?.values();
                let (fuzzy, words) = (u32s(&list(3)), u32s(&list(4)));
                let paragraphs = exact
                    .iter()
                    .zip(fuzzy.iter().zip(&words))
                    .map(|(&e, (&fuzzy, &words))| ParagraphKey {
                        exact: e as u64,
                        fuzzy,
                        words,
                    })
                    .collect();
                rows.push(Row {
                    path: path_c.value(i).to_string(),
                    skip: opt_str(kind, i).zip(opt_str(reason, i)),
                    warning: opt_str(warning, i),
                    bytes: bytes.value(i) as u64,
                    article: (!article.is_null(i)).then(|| article.value(i).to_vec()),
                    body_hash: if body_hash.is_null(i) {
                        0
                    } else {
                        body_hash.value(i) as u64
                    },
                    day: (!day.is_null(i)).then(|| day.value(i)),
                    shingles: u32s(&list(0)),
                    band_keys: u32s(&list(1)),
                    paragraphs,
                    evidence: Evidence::from(Parts {
                        title_key: (!title_key.is_null(i)).then(|| title_key.value(i)),
                        title_words: u32s(&list(5)),
                        lede: u32s(&list(6)),
                        quotes: u32s(&list(7)),
                        terms: u32s(&list(8)),
                        place: (!place.is_null(i)).then(|| place.value(i)),
                        // Not carried: only the canonical stage reads it, from the articles.
                        title_in_text: false,
                    }),
                });
            }
            Some(rows)
        };
        out.extend(typed().ok_or_else(|| bad("a column of another type".into()))?);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_round_trip_through_parquet() {
        let article = crate::normalize::Article {
            path: "site/a.html".into(),
            format: crate::normalize::Format::Html,
            header: crate::normalize::Header {
                title: Some("Quake «north»".into()),
                authors: vec!["A. Writer".into()],
                ..Default::default()
            },
            body: "First paragraph.\n\nSecond — with a dash.".into(),
            truncated: false,
        };
        let rows: Vec<Row> = (0..BATCH as u64 + 3)
            .map(|i| Row {
                path: format!("p{i:05}"),
                skip: (i % 7 == 3).then(|| ("empty".into(), "empty file".into())),
                warning: (i == 5).then(|| "cut".into()),
                bytes: i * 10,
                article: (i % 7 != 3).then(|| crate::index::store::article_bytes(&article, None)),
                body_hash: u64::MAX - i,
                day: (i % 2 == 0).then_some(17_000 + i as i64),
                shingles: (0..(i % 5) as u32).map(|s| u32::MAX - s).collect(),
                band_keys: vec![i as u32; 3],
                paragraphs: vec![ParagraphKey {
                    exact: u64::MAX - 2 * i,
                    fuzzy: i as u32,
                    words: 7,
                }],
                evidence: Evidence::from(Parts {
                    title_key: (i % 3 == 0).then_some(u32::MAX),
                    title_words: vec![1, 2],
                    lede: vec![3],
                    quotes: Vec::new(),
                    terms: vec![4, 5, u32::MAX],
                    place: Some(9),
                    title_in_text: false,
                }),
            })
            .map(|mut r| {
                if r.skip.is_some() {
                    r = Row {
                        path: r.path,
                        skip: r.skip,
                        bytes: r.bytes,
                        ..Row::default()
                    };
                }
                r
            })
            .collect();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.parquet");
        write(&path, &rows).unwrap();
        assert_eq!(read(&path).unwrap(), rows);
        let (back, raw) =
            crate::index::store::article_from_bytes(rows[0].article.as_ref().unwrap()).unwrap();
        assert_eq!((back, raw), (article, None));
        // Not a shard: named, no panic.
        std::fs::write(&path, b"PAR1 not really").unwrap();
        let err = read(&path).unwrap_err().to_string();
        assert!(err.contains("s.parquet: not a newsdedup shard"), "{err}");
    }
}
