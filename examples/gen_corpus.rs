//! Builds a synthetic but realistic corpus of scraped news for benchmarking newsdedup.
//!
//! ```sh
//! cargo run --release --example gen_corpus -- --articles 100000 --out bench/out/gen100k
//! ```
//!
//! Stories are made of real sentences when the Reuters-21578 articles are at hand (the
//! `--source` folder, by default `../shared/corpora/reuters21578/articles`): every `<BODY>` is
//! split into sentences and each story recombines short runs of sentences sampled from that
//! pool, so stories are distinct but read like news. Without the corpus a built-in generator
//! writes the sentences from its own word lists. Nothing from the corpus is stored here.
//!
//! Each story gets one or more versions (skewed: most stories have one, some 2-10, a few
//! 20-50; about three files per story on average). A version is the story after a random mix
//! of edits (word substitutions and deletions, inserted and deleted sentences, a truncated
//! brief, reordered paragraphs), or a write-thru (12% of later versions: the lede kept, 40%
//! of the paragraphs kept and reworded, new paragraphs, often the same headline). 8% of the
//! stories are siblings of the story before them: the same or a near headline over other
//! text, in another city, days later (a different story, labeled apart). Versions are
//! wrapped in one of twenty synthetic sites' templates (header, share and advertisement
//! lines, related stories, copyright footer), either as a full HTML
//! page or as a text dump with leftover tags, with entities (sometimes double-escaped), a
//! scraper's ` date YYYY-MM-DD` line or a byline, and written as UTF-8 or windows-1252.
//!
//! Output: `DIR/<site>/<id>.html|.txt` and `DIR/gold.tsv` (`file<TAB>story`, paths relative
//! to DIR), written last, so its presence means the corpus is complete. The same `--seed`
//! gives the same corpus, whatever the thread count.

use std::collections::HashSet;
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::Instant;

use anyhow::{Context, bail};
use clap::Parser;
use rayon::prelude::*;

/// Generate a synthetic news corpus with gold story labels.
#[derive(Debug, Parser)]
struct Args {
    /// Number of article files to write.
    #[arg(long, value_name = "N")]
    articles: usize,
    /// Output folder (created; must be empty or absent).
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// Seed of the pseudo-random generator: the same seed gives the same corpus.
    #[arg(long, value_name = "S", default_value_t = 1)]
    seed: u64,
    /// Folder of Reuters-21578 records (`<NEWID>.txt`) to take sentences from.
    /// Default: ../shared/corpora/reuters21578/articles when it exists, else built-in text.
    #[arg(long, value_name = "DIR")]
    source: Option<PathBuf>,
    /// Use the built-in sentence generator even when the Reuters corpus is present.
    #[arg(long, conflicts_with = "source")]
    builtin: bool,
}

const DEFAULT_SOURCE: &str = "../shared/corpora/reuters21578/articles";

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let start = Instant::now();
    if args.articles == 0 {
        bail!("--articles must be at least 1");
    }
    if args.out.exists()
        && fs::read_dir(&args.out)
            .with_context(|| format!("reading {}", args.out.display()))?
            .next()
            .is_some()
    {
        bail!(
            "{} exists and is not empty; remove it or choose another folder",
            args.out.display()
        );
    }

    let source = match (&args.source, args.builtin) {
        (Some(dir), _) => Some(dir.clone()),
        (None, false) if Path::new(DEFAULT_SOURCE).is_dir() => Some(PathBuf::from(DEFAULT_SOURCE)),
        _ => None,
    };
    let pool = match &source {
        Some(dir) => {
            let pool = Pool::from_reuters(dir)?;
            eprintln!(
                "gen_corpus: {} sentences and {} titles from {}",
                pool.sentences.len(),
                pool.titles.len(),
                dir.display()
            );
            pool
        }
        None => {
            let pool = Pool::builtin(args.seed);
            eprintln!(
                "gen_corpus: built-in text ({} sentences, {} titles)",
                pool.sentences.len(),
                pool.titles.len()
            );
            pool
        }
    };

    let plan = plan_versions(args.seed, args.articles);
    let sites = sites();
    for s in &sites {
        fs::create_dir_all(args.out.join(s.slug))
            .with_context(|| format!("creating {}", args.out.join(s.slug).display()))?;
    }
    // First file index of every story.
    let mut first = Vec::with_capacity(plan.len());
    let mut total = 0usize;
    for &n in &plan {
        first.push(total);
        total += n;
    }

    let progress = Progress::new(total, start);
    let generator = Generator {
        seed: args.seed,
        pool: &pool,
        sites: &sites,
        out: &args.out,
        progress: &progress,
    };
    let gold: Vec<anyhow::Result<String>> = (0..plan.len())
        .into_par_iter()
        .map(|i| generator.story(i, first[i], plan[i]))
        .collect();
    let mut tsv = String::with_capacity(total * 40 + 16);
    tsv.push_str("file\tstory\n");
    for g in gold {
        tsv.push_str(&g?);
    }
    let tmp = args.out.join("gold.tsv.tmp");
    fs::write(&tmp, tsv).with_context(|| format!("writing {}", tmp.display()))?;
    fs::rename(&tmp, args.out.join("gold.tsv"))?;

    let mut hist = [0usize; 4];
    for &n in &plan {
        hist[match n {
            1 => 0,
            2..=10 => 1,
            11..=19 => 2,
            _ => 3,
        }] += 1;
    }
    eprintln!(
        "gen_corpus: {} files, {} stories ({:.2} files/story; stories with 1: {}, 2-10: {}, 11-19: {}, 20+: {}), {:.1} MB in {:.1}s -> {}",
        total,
        plan.len(),
        total as f64 / plan.len() as f64,
        hist[0],
        hist[1],
        hist[2],
        hist[3],
        progress.bytes.load(Ordering::Relaxed) as f64 / 1e6,
        start.elapsed().as_secs_f64(),
        args.out.display()
    );
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Pseudo-random numbers: SplitMix64, with independent streams derived from (seed, stream, index).

fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

#[derive(Clone)]
struct Rng(u64);

impl Rng {
    /// The `index`-th generator of `stream` for `seed`.
    fn derive(seed: u64, stream: u64, index: u64) -> Self {
        Rng(mix(mix(seed ^ 0x6E65_7773_6465_6475)
            ^ mix(stream.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ index)))
    }

    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        mix(self.0)
    }

    /// Uniform in `0..n` (`n` > 0).
    fn below(&mut self, n: usize) -> usize {
        ((u128::from(self.next_u64()) * n as u128) >> 64) as usize
    }

    /// Uniform in `lo..=hi`.
    fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi - lo + 1)
    }

    /// Uniform in `[0, 1)`.
    fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    fn uniform(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.unit()
    }

    fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len())]
    }
}

const STREAM_PLAN: u64 = 1;
const STREAM_STORY: u64 = 2;
const STREAM_VERSION: u64 = 3;
const STREAM_BUILTIN: u64 = 4;
const STREAM_FILE_ID: u64 = 5;
const STREAM_SIBLING: u64 = 6;

/// Share of stories that are a sibling of the story before them: the same kind of event
/// (the same or a near headline) with other text, names, numbers, place and date. A hard
/// negative: a different story.
const SIBLING_RATE: f64 = 0.08;
/// Share of later versions that are a write-thru: the lede kept, part of the paragraphs kept
/// and reworded, new paragraphs added, often under the same headline. The same story.
const WRITE_THRU_RATE: f64 = 0.12;

/// Versions per story until `articles` files: most stories have one version, some 2-10,
/// a few 20-50; about three per story on average.
fn plan_versions(seed: u64, articles: usize) -> Vec<usize> {
    let mut rng = Rng::derive(seed, STREAM_PLAN, 0);
    let mut plan = Vec::with_capacity(articles / 3 + 1);
    let mut left = articles;
    while left > 0 {
        let u = rng.unit();
        let n = if u < 0.6 {
            1
        } else if u < 0.98 {
            // 2..=10, the small counts more likely.
            let v = rng.unit();
            2 + (9.0 * v * v) as usize
        } else {
            rng.range(20, 50)
        };
        let n = n.min(left);
        plan.push(n);
        left -= n;
    }
    plan
}

/// An opaque, unique file name for the file with this global index.
fn file_id(seed: u64, index: usize) -> String {
    // `mix` is a bijection, so distinct indices give distinct ids.
    format!(
        "{:016x}",
        mix(index as u64 ^ Rng::derive(seed, STREAM_FILE_ID, 0).0)
    )
}

struct Progress {
    total: usize,
    done: AtomicUsize,
    bytes: AtomicU64,
    start: Instant,
}

impl Progress {
    fn new(total: usize, start: Instant) -> Self {
        Progress {
            total,
            done: AtomicUsize::new(0),
            bytes: AtomicU64::new(0),
            start,
        }
    }

    fn wrote(&self, bytes: usize) {
        self.bytes.fetch_add(bytes as u64, Ordering::Relaxed);
        let d = self.done.fetch_add(1, Ordering::Relaxed) + 1;
        if d * 10 / self.total > (d - 1) * 10 / self.total {
            eprintln!(
                "gen_corpus: {:3}% ({d}/{} files, {:.1}s)",
                d * 100 / self.total,
                self.total,
                self.start.elapsed().as_secs_f64()
            );
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The sentence pool.

struct Pool {
    /// Sentences in source order, so a run of neighbours reads as one passage.
    sentences: Vec<String>,
    titles: Vec<String>,
}

impl Pool {
    fn from_reuters(dir: &Path) -> anyhow::Result<Pool> {
        let mut files: Vec<PathBuf> = fs::read_dir(dir)
            .with_context(|| format!("reading {}", dir.display()))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.is_file())
            .collect();
        files.sort();
        let parts: Vec<(Vec<String>, Option<String>)> = files
            .par_iter()
            .map(|p| {
                let raw = fs::read(p).unwrap_or_default();
                reuters_record(&String::from_utf8_lossy(&raw))
            })
            .collect();
        let mut seen = HashSet::new();
        let mut seen_titles = HashSet::new();
        let mut pool = Pool {
            sentences: Vec::new(),
            titles: Vec::new(),
        };
        for (sentences, title) in parts {
            for s in sentences {
                if seen.insert(s.clone()) {
                    pool.sentences.push(s);
                }
            }
            if let Some(t) = title
                && seen_titles.insert(t.clone())
            {
                pool.titles.push(t);
            }
        }
        if pool.sentences.len() < 1000 || pool.titles.len() < 100 {
            bail!(
                "{}: only {} usable sentences and {} titles; is this the Reuters articles folder?",
                dir.display(),
                pool.sentences.len(),
                pool.titles.len()
            );
        }
        Ok(pool)
    }

    fn builtin(seed: u64) -> Pool {
        let mut rng = Rng::derive(seed, STREAM_BUILTIN, 0);
        let mut seen = HashSet::new();
        let mut sentences = Vec::new();
        while sentences.len() < 60_000 {
            let s = builtin::sentence(&mut rng);
            if seen.insert(s.clone()) {
                sentences.push(s);
            }
        }
        let mut titles = Vec::new();
        seen.clear();
        while titles.len() < 5_000 {
            let t = builtin::title(&mut rng);
            if seen.insert(t.clone()) {
                titles.push(t);
            }
        }
        Pool { sentences, titles }
    }
}

fn between<'a>(s: &'a str, open: &str, close: &str) -> Option<&'a str> {
    let a = s.find(open)? + open.len();
    let b = s[a..].find(close)? + a;
    Some(&s[a..b])
}

/// The usable sentences and the title of one Reuters record.
fn reuters_record(rec: &str) -> (Vec<String>, Option<String>) {
    let title = between(rec, "<TITLE>", "</TITLE>").and_then(|t| {
        let t = collapse(&decode_entities(t));
        let words: Vec<&str> = t.split(' ').collect();
        let alpha = words
            .iter()
            .filter(|w| w.chars().all(|c| c.is_ascii_alphabetic()))
            .count();
        ((4..=12).contains(&words.len()) && alpha * 10 >= words.len() * 8 && !t.contains('<'))
            .then(|| title_case(&t))
    });
    let Some(body) = between(rec, "<BODY>", "</BODY>") else {
        return (Vec::new(), title);
    };
    let body = decode_entities(body);
    let body = body.trim_end();
    let body = body
        .strip_suffix("Reuter")
        .or_else(|| body.strip_suffix("REUTER"))
        .unwrap_or(body);
    // A paragraph starts on an indented line.
    let mut paragraphs: Vec<String> = Vec::new();
    for line in body.lines() {
        if line.starts_with(char::is_whitespace) || paragraphs.is_empty() {
            paragraphs.push(String::new());
        }
        let p = paragraphs.last_mut().expect("a paragraph");
        p.push(' ');
        p.push_str(line);
    }
    let mut out = Vec::new();
    for p in paragraphs {
        let p = collapse(&p);
        for s in split_sentences(&p) {
            if usable_sentence(s) {
                out.push(s.to_string());
            }
        }
    }
    (out, title)
}

fn decode_entities(s: &str) -> String {
    let d = html_escape::decode_html_entities(s);
    d.chars()
        .map(|c| if c.is_control() && c != '\n' { ' ' } else { c })
        .collect()
}

fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn title_case(s: &str) -> String {
    const SMALL: &[&str] = &[
        "a", "an", "and", "as", "at", "by", "for", "from", "in", "of", "on", "or", "the", "to",
        "with",
    ];
    // Two-letter words that are words, not acronyms.
    const COMMON2: &[&str] = &[
        "AM", "AN", "AS", "AT", "BE", "BY", "DO", "GO", "IF", "IN", "IS", "IT", "ME", "MY", "NO",
        "OF", "ON", "OR", "SO", "TO", "UP", "WE",
    ];
    s.split(' ')
        .enumerate()
        .map(|(i, w)| {
            let lower = w.to_lowercase();
            if i > 0 && SMALL.contains(&lower.as_str()) {
                lower
            } else if i > 0 && (w.contains('.') || (w.len() == 2 && !COMMON2.contains(&w))) {
                // Acronyms (U.S., EC, GM) stay upper-case.
                w.to_string()
            } else {
                let mut c = lower.chars();
                match c.next() {
                    Some(f) => f.to_uppercase().chain(c).collect(),
                    None => String::new(),
                }
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Splits a paragraph after `.`, `!` or `?` (and a closing quote) followed by a capitalised
/// word, unless the word before the stop is an abbreviation.
fn split_sentences(p: &str) -> Vec<&str> {
    const ABBREV: &[&str] = &[
        "Mr", "Mrs", "Ms", "Dr", "St", "Co", "Inc", "Corp", "Ltd", "Bhd", "Jan", "Feb", "Mar",
        "Apr", "Jun", "Jul", "Aug", "Sep", "Sept", "Oct", "Nov", "Dec", "Gen", "Gov", "Sen", "Rep",
        "Lt", "Col", "Capt", "No", "vs", "Jr", "Sr",
    ];
    let b = p.as_bytes();
    let mut out = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i < b.len() {
        if matches!(b[i], b'.' | b'!' | b'?') {
            let mut end = i + 1;
            if end < b.len() && b[end] == b'"' {
                end += 1;
            }
            let next_upper = end + 1 < b.len()
                && b[end] == b' '
                && (b[end + 1].is_ascii_uppercase() || b[end + 1] == b'"');
            if next_upper {
                let word_start = p[..i].rfind(' ').map_or(0, |k| k + 1);
                let word = &p[word_start..i];
                let abbrev = ABBREV.contains(&word) || word.contains('.') || word.len() == 1;
                if !abbrev {
                    out.push(p[start..end].trim());
                    start = end + 1;
                }
            }
            i = end;
        } else {
            i += 1;
        }
    }
    if start < p.len() {
        out.push(p[start..].trim());
    }
    out
}

fn usable_sentence(s: &str) -> bool {
    let words: Vec<&str> = s.split(' ').collect();
    if !(6..=50).contains(&words.len()) {
        return false;
    }
    let first = s.as_bytes()[0];
    if !(first.is_ascii_uppercase() || first == b'"') || !(s.ends_with('.') || s.ends_with(".\"")) {
        return false;
    }
    if s.contains(['<', '>', '|']) || s.contains("...") || s.contains("Reuter") {
        return false;
    }
    let lower = words
        .iter()
        .filter(|w| w.chars().next().is_some_and(|c| c.is_ascii_lowercase()))
        .count();
    let digits = words
        .iter()
        .filter(|w| w.chars().any(|c| c.is_ascii_digit()))
        .count();
    lower * 2 >= words.len() && digits * 10 <= words.len() * 3
}

// ---------------------------------------------------------------------------------------------
// Sites: twenty synthetic outlets, each with its own template and habits.

struct Site {
    name: &'static str,
    slug: &'static str,
    tagline: &'static str,
    nav: Vec<&'static str>,
    /// Share of this site's versions that are full HTML pages (the rest are text dumps).
    html: f64,
    /// Writes windows-1252 (else UTF-8).
    cp1252: bool,
    /// Its CMS escapes text twice (`&amp;quot;`).
    double_escape: bool,
    /// Prints typographic quotes and dashes.
    curly: bool,
    /// HTML on one line.
    minified: bool,
    /// 0: `CITY (Site) - `, 1: `CITY — `, 2: `CITY, Mon D - `, 3: none.
    dateline: usize,
    /// Its scraper writes the ` date YYYY-MM-DD` line.
    date_line: f64,
    /// Text dumps keep `<strong>`/`<em>` tags.
    leftover_tags: f64,
    related: usize,
    related_label: &'static str,
    /// Footer links: (label, href) pairs.
    footer: &'static [(&'static str, &'static str)],
}

const RELATED_LABELS: &[&str] = &[
    "Related stories",
    "More from this section",
    "You may also like",
    "Read next",
    "Most read",
    "Related coverage",
];

const FOOTERS: &[&[(&str, &str)]] = &[
    &[
        ("Privacy Policy", "/privacy"),
        ("Terms of Use", "/terms"),
        ("Contact", "/contact"),
    ],
    &[
        ("About us", "/about"),
        ("Careers", "/jobs"),
        ("Advertise", "/ads"),
        ("Privacy", "/privacy"),
    ],
    &[
        ("Terms & Conditions", "/terms"),
        ("Cookie Settings", "/cookies"),
        ("Accessibility", "/a11y"),
    ],
    &[
        ("Contact the newsroom", "/newsroom"),
        ("Corrections", "/corrections"),
        ("Subscribe", "/subscribe"),
    ],
    &[
        ("Site map", "/sitemap"),
        ("Privacy notice", "/privacy"),
        ("Help", "/help"),
    ],
];

const SITE_NAMES: [(&str, &str, &str); 20] = [
    (
        "The Morning Ledger",
        "morning-ledger",
        "News you can plan your day around",
    ),
    (
        "Harborview Post",
        "harborview-post",
        "Independent journalism since 1921",
    ),
    (
        "Granite Courier",
        "granite-courier",
        "The region's paper of record",
    ),
    (
        "Daily Meridian",
        "daily-meridian",
        "All the news, every day",
    ),
    (
        "Northwind Times",
        "northwind-times",
        "Reporting from the north",
    ),
    (
        "Capital Dispatch",
        "capital-dispatch",
        "Politics, policy and power",
    ),
    (
        "The Evening Sentinel",
        "evening-sentinel",
        "Your evening briefing",
    ),
    (
        "Riverbend Herald",
        "riverbend-herald",
        "Local news that matters",
    ),
    (
        "Pacific Wire Review",
        "pacific-wire-review",
        "Markets and the world",
    ),
    (
        "The Civic Observer",
        "civic-observer",
        "Holding power to account",
    ),
    (
        "Lakeshore Gazette",
        "lakeshore-gazette",
        "Serving the lakeshore communities",
    ),
    (
        "Metro Bulletin",
        "metro-bulletin",
        "The city, as it happens",
    ),
    ("The Summit Record", "summit-record", "Above the noise"),
    ("Prairie Journal", "prairie-journal", "Rooted in the plains"),
    (
        "Coastline News Network",
        "coastline-news",
        "Coast to coast coverage",
    ),
    (
        "The Global Chronicle",
        "global-chronicle",
        "The world in context",
    ),
    ("Valley Tribune", "valley-tribune", "Voice of the valley"),
    (
        "Open Markets Daily",
        "open-markets-daily",
        "Business news without the jargon",
    ),
    ("The Weekly Compass", "weekly-compass", "Finding the story"),
    (
        "Frontier Report",
        "frontier-report",
        "Dispatches from the edges",
    ),
];

const NAV: &[&str] = &[
    "Home", "World", "Business", "Markets", "Politics", "Tech", "Science", "Health", "Sports",
    "Opinion", "Culture", "Travel", "Weather", "Video", "Podcasts",
];

fn sites() -> Vec<Site> {
    SITE_NAMES
        .iter()
        .enumerate()
        .map(|(i, &(name, slug, tagline))| {
            // Site habits are fixed (not seeded): the same twenty templates in every corpus.
            let mut r = Rng::derive(0, 100, i as u64);
            let mut nav = vec!["Home"];
            for &n in &NAV[1..] {
                if r.chance(0.5) {
                    nav.push(n);
                }
            }
            Site {
                name,
                slug,
                tagline,
                nav,
                html: r.uniform(0.1, 0.95),
                cp1252: i % 4 == 1,
                double_escape: i % 7 == 3,
                curly: r.chance(0.5),
                minified: r.chance(0.3),
                dateline: r.below(4),
                date_line: if r.chance(0.6) {
                    r.uniform(0.5, 1.0)
                } else {
                    0.0
                },
                leftover_tags: r.uniform(0.2, 0.9),
                related: r.range(3, 6),
                related_label: RELATED_LABELS[i % RELATED_LABELS.len()],
                footer: FOOTERS[i % FOOTERS.len()],
            }
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Stories and versions.

struct Generator<'a> {
    seed: u64,
    pool: &'a Pool,
    sites: &'a [Site],
    out: &'a Path,
    progress: &'a Progress,
}

#[derive(Clone, Copy)]
struct Date {
    y: u32,
    m: u32,
    d: u32,
}

impl Date {
    fn plus_days(self, days: u32) -> Date {
        let len = match self.m {
            2 if self.y.is_multiple_of(4) => 29,
            2 => 28,
            4 | 6 | 9 | 11 => 30,
            _ => 31,
        };
        let d = self.d + days;
        if d <= len {
            Date { d, ..self }
        } else if self.m == 12 {
            Date {
                y: self.y + 1,
                m: 1,
                d: d - len,
            }
        } else {
            Date {
                m: self.m + 1,
                d: d - len,
                ..self
            }
        }
    }

    fn iso(self) -> String {
        format!("{:04}-{:02}-{:02}", self.y, self.m, self.d)
    }

    fn long(self) -> String {
        format!("{} {}, {}", MONTHS[self.m as usize - 1], self.d, self.y)
    }

    fn short(self) -> String {
        format!("{} {}", &MONTHS[self.m as usize - 1][..3], self.d)
    }
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

struct Story {
    title: String,
    paragraphs: Vec<Vec<String>>,
    authors: Vec<String>,
    date: Date,
    city: &'static str,
}

/// One version's text before rendering.
struct Version {
    title: String,
    paragraphs: Vec<Vec<String>>,
    date: Date,
    updated: Option<(Date, u32, u32)>,
}

impl Generator<'_> {
    /// Writes all versions of story `index` and returns their gold lines.
    fn story(&self, index: usize, first_file: usize, versions: usize) -> anyhow::Result<String> {
        let mut rng = Rng::derive(self.seed, STREAM_STORY, index as u64);
        let mut story = self.make_story(&mut rng);
        if index > 0 && Rng::derive(self.seed, STREAM_SIBLING, index as u64).chance(SIBLING_RATE) {
            let base = self.make_story(&mut Rng::derive(self.seed, STREAM_STORY, index as u64 - 1));
            story = sibling(&base, story, &mut rng);
        }
        let label = format!("s{index:07}");
        let mut gold = String::new();
        for v in 0..versions {
            let file = first_file + v;
            let mut rng = Rng::derive(self.seed, STREAM_VERSION, file as u64);
            let site = &self.sites[rng.below(self.sites.len())];
            let version = self.make_version(&story, v, &mut rng);
            let (bytes, html) = render(&story, &version, site, self.pool, &mut rng);
            let rel = format!(
                "{}/{}.{}",
                site.slug,
                file_id(self.seed, file),
                if html { "html" } else { "txt" }
            );
            let path = self.out.join(&rel);
            fs::write(&path, &bytes).with_context(|| format!("writing {}", path.display()))?;
            self.progress.wrote(bytes.len());
            let _ = writeln!(gold, "{rel}\t{label}");
        }
        Ok(gold)
    }

    fn make_story(&self, rng: &mut Rng) -> Story {
        // 150-900 words, shorter stories more common.
        let u = rng.unit();
        let target = 150 + (750.0 * u.powf(1.6)) as usize;
        let pool = &self.pool.sentences;
        let mut paragraphs: Vec<Vec<String>> = Vec::new();
        let mut words = 0;
        while words < target {
            // A run of neighbouring sentences (one passage of a source article), each spliced
            // with another sentence so that stories do not share whole sentences.
            let run = rng.range(1, 3);
            let start = rng.below(pool.len());
            let mut para = Vec::new();
            for s in pool.iter().skip(start).take(run) {
                let s = splice(pool, s, rng);
                words += s.split(' ').count();
                para.push(s);
                // Paragraphs of one to three sentences.
                if para.len() >= rng.range(1, 3) {
                    paragraphs.push(std::mem::take(&mut para));
                }
                if words >= target {
                    break;
                }
            }
            if !para.is_empty() {
                paragraphs.push(para);
            }
        }
        let authors = (0..rng.range(1, 2))
            .map(|_| format!("{} {}", rng.pick(FIRST_NAMES), rng.pick(LAST_NAMES)))
            .collect();
        Story {
            title: rng.pick(&self.pool.titles).clone(),
            paragraphs,
            authors,
            date: Date {
                y: rng.range(2012, 2024) as u32,
                m: rng.range(1, 12) as u32,
                d: rng.range(1, 28) as u32,
            },
            city: rng.pick::<&str>(CITIES),
        }
    }

    fn make_version(&self, story: &Story, v: usize, rng: &mut Rng) -> Version {
        let mut paragraphs = story.paragraphs.clone();
        let mut title = story.title.clone();
        let date = story
            .date
            .plus_days(if v == 0 { 0 } else { rng.range(0, 3) as u32 });
        let updated = rng.chance(0.3).then(|| {
            (
                date.plus_days(rng.range(0, 2) as u32),
                rng.range(0, 23) as u32,
                rng.range(0, 59) as u32,
            )
        });
        // The first version is the original; the others are edited copies, or write-thrus.
        if v > 0 && rng.chance(WRITE_THRU_RATE) {
            self.write_thru(&mut paragraphs, &mut title, rng);
        } else if v > 0 {
            if rng.chance(0.35) {
                delete_sentences(&mut paragraphs, rng.uniform(0.05, 0.25), rng);
            }
            if rng.chance(0.35) {
                for _ in 0..rng.range(1, 3) {
                    let s = rng.pick(&self.pool.sentences);
                    let s = splice(&self.pool.sentences, s, rng);
                    if rng.chance(0.4) || paragraphs.is_empty() {
                        let at = rng.below(paragraphs.len() + 1);
                        paragraphs.insert(at, vec![s]);
                    } else {
                        let p = rng.below(paragraphs.len());
                        let at = rng.below(paragraphs[p].len() + 1);
                        paragraphs[p].insert(at, s);
                    }
                }
            }
            if rng.chance(0.15) && paragraphs.len() > 2 {
                for _ in 0..rng.range(1, 3) {
                    let from = rng.below(paragraphs.len());
                    let p = paragraphs.remove(from);
                    let to = rng.below(paragraphs.len() + 1);
                    paragraphs.insert(to, p);
                }
            }
            if rng.chance(0.5) {
                edit_words(&mut paragraphs, rng.uniform(0.005, 0.04), rng);
            }
            if rng.chance(0.12) {
                truncate(&mut paragraphs, rng.uniform(0.3, 0.6));
            }
            if rng.chance(0.25) {
                title = edit_title(&title, rng);
            }
        }
        Version {
            title,
            paragraphs,
            date,
            updated,
        }
    }
}

impl Generator<'_> {
    /// A write-thru of the story: the lede sentence kept, each later paragraph kept with
    /// probability 0.4 and reworded, two to five new paragraphs added; the headline kept
    /// (60%) or edited.
    fn write_thru(&self, paragraphs: &mut Vec<Vec<String>>, title: &mut String, rng: &mut Rng) {
        let Some(lede) = paragraphs.first().and_then(|p| p.first()).cloned() else {
            return;
        };
        let mut kept: Vec<Vec<String>> = paragraphs
            .iter()
            .skip(1)
            .filter(|_| rng.chance(0.4))
            .cloned()
            .collect();
        edit_words(&mut kept, rng.uniform(0.04, 0.1), rng);
        let pool = &self.pool.sentences;
        for _ in 0..rng.range(2, 5) {
            let para: Vec<String> = (0..rng.range(1, 2))
                .map(|_| {
                    let s = rng.pick(pool);
                    splice(pool, s, rng)
                })
                .collect();
            let at = rng.below(kept.len() + 1);
            kept.insert(at, para);
        }
        kept.insert(0, vec![lede]);
        *paragraphs = kept;
        if rng.chance(0.4) {
            *title = edit_title(title, rng);
        }
    }
}

/// A sibling of `base`: the `fresh` story's text under `base`'s headline (kept or edited),
/// sometimes with `base`'s background paragraph (numbers changed), in another city, 3 to 40
/// days later.
fn sibling(base: &Story, fresh: Story, rng: &mut Rng) -> Story {
    let mut paragraphs = fresh.paragraphs;
    if rng.chance(0.5)
        && let Some(last) = base.paragraphs.last()
    {
        let background = last
            .iter()
            .map(|s| {
                s.split(' ')
                    .map(|w| change_number(w, rng))
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect();
        paragraphs.push(background);
    }
    let mut city = fresh.city;
    while city == base.city {
        city = rng.pick::<&str>(CITIES);
    }
    Story {
        title: if rng.chance(0.5) {
            base.title.clone()
        } else {
            edit_title(&base.title, rng)
        },
        paragraphs,
        authors: fresh.authors,
        date: base.date.plus_days(rng.range(3, 27) as u32),
        city,
    }
}

/// Words at which two sentences are joined.
const PIVOTS: &[&str] = &[
    "the", "said", "and", "of", "to", "in", "that", "for", "would", "will", "was", "is", "on",
    "at", "with", "from", "by", "a", "its", "it",
];

/// Recombines two real sentences: `a` up to one of its pivot words, then a random sentence
/// from that same word on ("The bank said the rate ... | the talks would resume next week.").
/// Falls back to `a` when no pair fits.
fn splice(pool: &[String], a: &str, rng: &mut Rng) -> String {
    let aw: Vec<&str> = a.split(' ').collect();
    let pivots: Vec<usize> = (2..aw.len().saturating_sub(2))
        .filter(|&i| PIVOTS.contains(&aw[i]))
        .collect();
    if pivots.is_empty() {
        return a.to_string();
    }
    for _ in 0..8 {
        let i = *rng.pick(&pivots);
        let bw: Vec<&str> = rng.pick(pool).split(' ').collect();
        let js: Vec<usize> = (1..bw.len().saturating_sub(3))
            .filter(|&j| bw[j] == aw[i])
            .collect();
        if js.is_empty() {
            continue;
        }
        let j = *rng.pick(&js);
        let len = i + bw.len() - j;
        let quotes = aw[..i]
            .iter()
            .chain(&bw[j..])
            .map(|w| w.matches('"').count())
            .sum::<usize>();
        if (8..=50).contains(&len) && quotes % 2 == 0 {
            return format!("{} {}", aw[..i].join(" "), bw[j..].join(" "));
        }
    }
    a.to_string()
}

fn delete_sentences(paragraphs: &mut Vec<Vec<String>>, rate: f64, rng: &mut Rng) {
    let total: usize = paragraphs.iter().map(Vec::len).sum();
    let mut left = total;
    for p in paragraphs.iter_mut() {
        p.retain(|_| {
            if left > 1 && rng.chance(rate) {
                left -= 1;
                false
            } else {
                true
            }
        });
    }
    paragraphs.retain(|p| !p.is_empty());
}

/// Word-level edits: substitutions (a synonym, a changed number, a typo) and deletions.
fn edit_words(paragraphs: &mut [Vec<String>], rate: f64, rng: &mut Rng) {
    for s in paragraphs.iter_mut().flatten() {
        let words: Vec<&str> = s.split(' ').collect();
        let mut out: Vec<String> = Vec::with_capacity(words.len());
        for (i, w) in words.iter().enumerate() {
            if i == 0 || !rng.chance(rate) {
                out.push((*w).to_string());
                continue;
            }
            let (core, tail) = split_punct(w);
            match rng.below(10) {
                0..=3 => {} // deleted
                4..=5 if core.chars().any(|c| c.is_ascii_digit()) => {
                    out.push(format!("{}{tail}", change_number(core, rng)));
                }
                4..=6 => {
                    let lower = core.to_lowercase();
                    let sub = SYNONYMS
                        .iter()
                        .find(|(a, _)| *a == lower)
                        .map(|(_, b)| *b)
                        .unwrap_or_else(|| *rng.pick(FILLERS));
                    out.push(format!("{sub}{tail}"));
                }
                _ if core.len() > 3 && core.is_ascii() => {
                    // A typo: two neighbouring letters swapped.
                    let mut b = core.as_bytes().to_vec();
                    let k = rng.range(1, b.len() - 2);
                    b.swap(k, k + 1);
                    out.push(format!("{}{tail}", String::from_utf8(b).expect("ascii")));
                }
                _ => out.push(format!("{}{tail}", rng.pick(FILLERS))),
            }
        }
        *s = out.join(" ");
    }
}

fn split_punct(w: &str) -> (&str, &str) {
    let core = w.trim_end_matches(|c: char| c.is_ascii_punctuation());
    (core, &w[core.len()..])
}

fn change_number(w: &str, rng: &mut Rng) -> String {
    w.chars()
        .map(|c| {
            if c.is_ascii_digit() && rng.chance(0.5) {
                char::from(b'0' + rng.below(10) as u8)
            } else {
                c
            }
        })
        .collect()
}

/// A brief: the first `keep` share of the words, cut at a sentence end.
fn truncate(paragraphs: &mut Vec<Vec<String>>, keep: f64) {
    let total: usize = paragraphs
        .iter()
        .flatten()
        .map(|s| s.split(' ').count())
        .sum();
    let limit = (total as f64 * keep) as usize;
    let mut words = 0;
    let mut out = Vec::new();
    'outer: for p in paragraphs.drain(..) {
        let mut kept = Vec::new();
        for s in p {
            if words >= limit && !(out.is_empty() && kept.is_empty()) {
                if !kept.is_empty() {
                    out.push(kept);
                }
                break 'outer;
            }
            words += s.split(' ').count();
            kept.push(s);
        }
        out.push(kept);
    }
    *paragraphs = out;
}

fn edit_title(title: &str, rng: &mut Rng) -> String {
    match rng.below(4) {
        0 => format!("UPDATE {}-{title}", rng.range(1, 4)),
        1 => format!("{title}: {}", rng.pick(TITLE_TAILS)),
        2 => {
            let words: Vec<&str> = title.split(' ').collect();
            if words.len() > 4 {
                words[..words.len() - 1].join(" ")
            } else {
                title.to_string()
            }
        }
        _ => title.to_uppercase(),
    }
}

// ---------------------------------------------------------------------------------------------
// Rendering.

#[derive(Clone, Copy, PartialEq)]
enum Escape {
    None,
    Once,
    Twice,
}

/// Typographic quotes and dashes, as some CMSs print them.
fn curly(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    let mut open = true;
    let mut prev = ' ';
    for c in s.chars() {
        match c {
            '"' => {
                out.push(if open { '\u{201C}' } else { '\u{201D}' });
                open = !open;
            }
            '\'' if prev.is_alphanumeric() => out.push('\u{2019}'),
            '\'' => out.push('\u{2018}'),
            _ => out.push(c),
        }
        prev = c;
    }
    out.replace(" - ", " \u{2014} ")
}

fn escape(s: &str, mode: Escape, html: bool) -> String {
    if mode == Escape::None {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' if html => out.push_str("&lt;"),
            '>' if html => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\u{201C}' => out.push_str("&ldquo;"),
            '\u{201D}' => out.push_str("&rdquo;"),
            '\u{2019}' => out.push_str("&rsquo;"),
            '\u{2014}' => out.push_str("&mdash;"),
            _ => out.push(c),
        }
    }
    if mode == Escape::Twice {
        out.replace('&', "&amp;")
    } else {
        out
    }
}

/// Renders a version in a site's template; returns the file's bytes and whether it is HTML.
fn render(story: &Story, v: &Version, site: &Site, pool: &Pool, rng: &mut Rng) -> (Vec<u8>, bool) {
    let html = rng.chance(site.html);
    let typo = site.curly && rng.chance(0.9);
    let fix = |s: &str| if typo { curly(s) } else { s.to_string() };
    let mode = if html {
        if site.double_escape && rng.chance(0.8) {
            Escape::Twice
        } else {
            Escape::Once
        }
    } else {
        match rng.below(10) {
            0..=5 => Escape::None,
            6..=8 => Escape::Once,
            _ => Escape::Twice,
        }
    };
    let esc = |s: &str| escape(&fix(s), mode, html);

    let author_line = format!("By {}, {}", story.authors.join(" and "), site.name);
    let dateline = match site.dateline {
        0 => format!("{} ({}) - ", story.city, site.name),
        1 => format!("{} \u{2014} ", story.city),
        2 => format!("{}, {} - ", story.city, v.date.short()),
        _ => String::new(),
    };
    let updated = v.updated.map(|(d, h, m)| match rng.below(3) {
        0 => format!(
            "Updated {}:{m:02} {} ET, {}",
            (h + 11) % 12 + 1,
            if h < 12 { "AM" } else { "PM" },
            d.long()
        ),
        1 => format!("Published {} {h:02}:{m:02}", d.iso()),
        _ => format!("Last updated: {}", d.long()),
    });
    let related: Vec<&String> = (0..site.related).map(|_| rng.pick(&pool.titles)).collect();
    let year = v.date.y;
    let show_byline = rng.chance(0.8);

    let mut text = String::with_capacity(8192);
    if html {
        let nl = if site.minified { "" } else { "\n" };
        let charset = if site.cp1252 {
            if rng.chance(0.5) {
                "<meta charset=\"windows-1252\">".to_string()
            } else {
                "<meta http-equiv=\"Content-Type\" content=\"text/html; charset=windows-1252\">"
                    .to_string()
            }
        } else if rng.chance(0.85) {
            "<meta charset=\"utf-8\">".to_string()
        } else {
            String::new()
        };
        let first_sentence = v
            .paragraphs
            .first()
            .and_then(|p| p.first())
            .map_or(String::new(), |s| esc(s));
        let _ = write!(
            text,
            "<!DOCTYPE html>{nl}<html lang=\"en\">{nl}<head>{nl}{charset}{nl}<title>{} | {}</title>{nl}\
             <meta name=\"description\" content=\"{first_sentence}\">{nl}\
             <link rel=\"stylesheet\" href=\"/static/{}/main.css\">{nl}\
             <script>window.dataLayer=window.dataLayer||[];function gtag(){{dataLayer.push(arguments);}}gtag('js',new Date());gtag('config','{}');</script>{nl}\
             </head>{nl}<body class=\"article-page\">{nl}\
             <header class=\"masthead\"><a class=\"logo\" href=\"/\">{}</a> <span class=\"tagline\">{}</span></header>{nl}<nav><ul>",
            esc(&v.title),
            site.name,
            site.slug,
            site.slug,
            site.name,
            site.tagline
        );
        for n in &site.nav {
            let _ = write!(text, "<li><a href=\"/{}\">{n}</a></li>", n.to_lowercase());
        }
        let _ = write!(
            text,
            "</ul></nav>{nl}<div class=\"ad ad-top\">Advertisement</div>{nl}<main>{nl}<article>{nl}<h1>{}</h1>{nl}",
            esc(&v.title)
        );
        if show_byline {
            let _ = write!(text, "<p class=\"byline\">{}</p>{nl}", esc(&author_line));
        }
        let _ = write!(
            text,
            "<time datetime=\"{}\">{}</time>{nl}",
            v.date.iso(),
            v.date.long()
        );
        if let Some(u) = &updated {
            let _ = write!(text, "<p class=\"updated\">{u}</p>{nl}");
        }
        let _ = write!(
            text,
            "<div class=\"share\"><a href=\"#\">Share this article</a></div>{nl}"
        );
        let ad_at = v.paragraphs.len() / 2;
        for (i, p) in v.paragraphs.iter().enumerate() {
            if i == ad_at && i > 0 {
                let _ = write!(text, "<div class=\"ad ad-inline\">Advertisement</div>{nl}");
            }
            let mut body = esc(&p.join(" "));
            if i == 0 && !dateline.is_empty() {
                body = format!("<strong>{}</strong>{body}", esc(&dateline));
            }
            let _ = write!(text, "<p>{body}</p>{nl}");
        }
        let _ = write!(
            text,
            "</article>{nl}<aside class=\"related\"><h2>{}</h2><ul>",
            site.related_label
        );
        for t in &related {
            let _ = write!(
                text,
                "<li><a href=\"/news/{:x}\">{}</a></li>",
                rng.next_u64() >> 24,
                esc(t)
            );
        }
        let links: Vec<String> = site
            .footer
            .iter()
            .map(|(label, href)| {
                format!(
                    "<a href=\"{href}\">{}</a>",
                    escape(label, Escape::Once, true)
                )
            })
            .collect();
        let _ = write!(
            text,
            "</ul></aside>{nl}</main>{nl}<footer>{nl}<p>{} {year} {}. All rights reserved.</p>{nl}\
             <p>{}</p>{nl}\
             </footer>{nl}<script src=\"/static/{}/app.js\" async></script>{nl}\
             <script>(function(){{var s=document.createElement('script');s.src='https://cdn.example.net/ads.js?site={}';document.body.appendChild(s);if(window.innerWidth<600){{document.body.className+=' narrow';}}}})();</script>{nl}\
             </body>{nl}</html>{nl}",
            if site.cp1252 || rng.chance(0.5) {
                "\u{a9}"
            } else {
                "&copy;"
            },
            site.name,
            links.join(" | "),
            site.slug,
            site.slug
        );
    } else {
        let tags = rng.chance(site.leftover_tags);
        let strong = |s: String| {
            if tags {
                format!("<strong>{s}</strong>")
            } else {
                s
            }
        };
        if rng.chance(site.date_line) {
            // The scraper's date line, alone or running into the first line.
            let _ = write!(text, " date {}", v.date.iso());
            text.push(if rng.chance(0.5) { ' ' } else { '\n' });
        }
        if rng.chance(0.6) {
            let _ = writeln!(text, "{}", site.name);
        }
        if rng.chance(0.5) {
            let _ = writeln!(text, "{}", site.nav.join(" | "));
        }
        let _ = writeln!(text, "{}\n", strong(esc(&v.title)));
        if show_byline {
            let _ = writeln!(text, "{}", esc(&author_line));
        }
        if let Some(u) = &updated {
            let _ = writeln!(text, "{u}");
        }
        if rng.chance(0.5) {
            let _ = writeln!(text, "Share this article");
        }
        text.push('\n');
        let sep = if rng.chance(0.7) { "\n\n" } else { "\n" };
        let ad_at = v.paragraphs.len() / 2;
        for (i, p) in v.paragraphs.iter().enumerate() {
            if i == ad_at && i > 0 && rng.chance(0.5) {
                let _ = write!(text, "Advertisement{sep}");
            }
            let mut body = esc(&p.join(" "));
            if tags && rng.chance(0.15) {
                // A leftover emphasis around the paragraph's first words.
                let cut = body.match_indices(' ').nth(3).map_or(0, |(k, _)| k);
                if cut > 0 {
                    body = format!("<em>{}</em>{}", &body[..cut], &body[cut..]);
                }
            }
            if i == 0 && !dateline.is_empty() {
                body = format!("{}{body}", strong(esc(&dateline)));
            }
            let _ = write!(text, "{body}{sep}");
        }
        if rng.chance(0.7) {
            let _ = writeln!(text, "{}", site.related_label);
            for t in &related {
                let _ = writeln!(text, "- {}", esc(t));
            }
            text.push('\n');
        }
        let links: Vec<&str> = site.footer.iter().map(|(label, _)| *label).collect();
        let _ = writeln!(
            text,
            "\u{a9} {year} {}. All rights reserved.\n{}",
            site.name,
            links.join(" | ")
        );
    }

    let bytes = if site.cp1252 && rng.chance(0.85) {
        encoding_rs::WINDOWS_1252.encode(&text).0.into_owned()
    } else if rng.chance(0.02) {
        // Mojibake: UTF-8 that was once read as windows-1252, written back as UTF-8.
        encoding_rs::WINDOWS_1252
            .decode_without_bom_handling(text.as_bytes())
            .0
            .into_owned()
            .into_bytes()
    } else {
        text.into_bytes()
    };
    (bytes, html)
}

// ---------------------------------------------------------------------------------------------
// Word lists (written for this generator).

const FIRST_NAMES: &[&str] = &[
    "Anna",
    "James",
    "Maria",
    "David",
    "Sofia",
    "Daniel",
    "Laura",
    "Michael",
    "Elena",
    "Thomas",
    "Sarah",
    "Peter",
    "Hannah",
    "Robert",
    "Julia",
    "Ahmed",
    "Priya",
    "Kenji",
    "Fatima",
    "Lucas",
    "Chloe",
    "Mateo",
    "Grace",
    "Omar",
    "Ingrid",
    "Samuel",
    "Nadia",
    "Victor",
    "Leila",
    "Oliver",
    "José",
    "Zoë",
    "Søren",
    "François",
    "Renée",
    "Ana",
    "Ben",
    "Carla",
    "Dmitri",
    "Eva",
];

const LAST_NAMES: &[&str] = &[
    "Miller",
    "Garcia",
    "Kowalski",
    "Nguyen",
    "Okafor",
    "Schmidt",
    "Rossi",
    "Tanaka",
    "Hughes",
    "Silva",
    "Novak",
    "Haddad",
    "Larsen",
    "Moreau",
    "Patel",
    "Brennan",
    "Costa",
    "Fischer",
    "Ivanova",
    "Jensen",
    "Kim",
    "Lindqvist",
    "Mensah",
    "Ortega",
    "Park",
    "Quinn",
    "Reyes",
    "Sato",
    "Turner",
    "Walsh",
    "Müller",
    "Núñez",
    "Øberg",
    "Dubois",
    "Åkesson",
    "Ward",
];

const CITIES: &[&str] = &[
    "LONDON",
    "NEW YORK",
    "TOKYO",
    "FRANKFURT",
    "WASHINGTON",
    "SINGAPORE",
    "PARIS",
    "BRUSSELS",
    "SÃO PAULO",
    "ZÜRICH",
    "MEXICO CITY",
    "NAIROBI",
    "SYDNEY",
    "TORONTO",
    "MUMBAI",
    "SEOUL",
    "GENEVA",
    "MADRID",
    "JOHANNESBURG",
    "DUBAI",
    "CHICAGO",
    "HONG KONG",
    "MONTRÉAL",
    "OSLO",
];

const TITLE_TAILS: &[&str] = &[
    "what we know",
    "live updates",
    "officials say",
    "report",
    "analysis",
    "sources",
];

const SYNONYMS: &[(&str, &str)] = &[
    ("said", "says"),
    ("says", "said"),
    ("told", "informed"),
    ("would", "will"),
    ("will", "would"),
    ("company", "firm"),
    ("firm", "company"),
    ("expected", "forecast"),
    ("rose", "climbed"),
    ("fell", "dropped"),
    ("increase", "rise"),
    ("about", "around"),
    ("around", "about"),
    ("also", "additionally"),
    ("government", "administration"),
    ("officials", "authorities"),
    ("big", "large"),
    ("large", "major"),
    ("shares", "stock"),
    ("mln", "million"),
    ("dlrs", "dollars"),
    ("pct", "percent"),
    ("the", "a"),
    ("a", "the"),
];

const FILLERS: &[&str] = &[
    "reportedly",
    "already",
    "still",
    "now",
    "recently",
    "officially",
    "publicly",
    "later",
    "again",
    "further",
];

/// The built-in sentence generator, used when the Reuters corpus is absent.
mod builtin {
    use super::{CITIES, FIRST_NAMES, LAST_NAMES, MONTHS, Rng};

    const ORG_HEADS: &[&str] = &[
        "Northgate",
        "Bluewater",
        "Alder",
        "Crestline",
        "Ironbridge",
        "Silverpine",
        "Redfield",
        "Highmoor",
        "Eastbrook",
        "Stonehaven",
        "Westmark",
        "Brightwell",
        "Oakridge",
        "Kestrel",
        "Marlow",
        "Fairhaven",
        "Copperleaf",
        "Larchmont",
        "Tidewater",
        "Ashgrove",
    ];
    const ORG_TAILS: &[&str] = &[
        "Holdings",
        "Energy",
        "Foods",
        "Logistics",
        "Bank",
        "Motors",
        "Pharmaceuticals",
        "Airlines",
        "Mining",
        "Telecom",
        "Insurance",
        "Steel",
        "Software",
        "Retail Group",
        "Shipping",
    ];
    const BODIES: &[&str] = &[
        "the central bank",
        "the finance ministry",
        "the city council",
        "the port authority",
        "the regional utility",
        "the national rail operator",
        "the health agency",
        "the teachers' union",
        "the competition regulator",
        "the state prosecutor",
        "the weather service",
        "the chamber of commerce",
        "the transport ministry",
        "the energy regulator",
        "the statistics office",
        "the water board",
        "parliament's budget committee",
        "the farmers' association",
    ];
    const ROLES: &[&str] = &[
        "chief executive",
        "spokeswoman",
        "spokesman",
        "finance director",
        "chief economist",
        "deputy mayor",
        "head of research",
        "board chairman",
        "senior analyst",
        "union leader",
    ];
    const VERBS: &[&str] = &[
        "raised",
        "cut",
        "approved",
        "rejected",
        "delayed",
        "announced",
        "expanded",
        "suspended",
        "reviewed",
        "defended",
        "scrapped",
        "proposed",
        "postponed",
        "confirmed",
        "revised",
        "froze",
    ];
    const VERBS_BASE: &[&str] = &[
        "raise",
        "cut",
        "approve",
        "reject",
        "delay",
        "expand",
        "suspend",
        "review",
        "defend",
        "scrap",
        "propose",
        "postpone",
        "revise",
        "freeze",
        "finance",
        "reconsider",
    ];
    const OBJECTS: &[&str] = &[
        "interest rates",
        "the annual budget",
        "ticket prices",
        "the proposed merger",
        "production targets",
        "the construction plan",
        "export quotas",
        "the pension reform",
        "emergency funding",
        "a hiring freeze",
        "the dividend",
        "fuel subsidies",
        "the new terminal",
        "its wage offer",
        "the bond sale",
        "the rescue package",
        "plans for a second plant",
        "the tax credit",
        "water tariffs",
        "the research grant",
        "its sales forecast",
        "the housing programme",
        "the price cap",
        "the trade agreement",
    ];
    const TIMES: &[&str] = &[
        "on Monday",
        "on Tuesday",
        "on Wednesday",
        "on Thursday",
        "on Friday",
        "over the weekend",
        "last week",
        "earlier this month",
        "late on Sunday",
        "this year",
        "in a surprise move",
        "after a long meeting",
    ];
    const CLAUSES: &[&str] = &[
        "citing weaker demand",
        "after months of negotiations",
        "despite objections from opposition lawmakers",
        "as costs continued to climb",
        "in response to the latest figures",
        "following a review of its finances",
        "amid growing pressure from investors",
        "to the surprise of many analysts",
        "after a sharp fall in orders",
        "as part of a wider restructuring",
        "under pressure from local residents",
        "ahead of next month's election",
    ];
    const METRICS: &[&str] = &[
        "Consumer prices",
        "Industrial output",
        "Retail sales",
        "Exports",
        "Passenger numbers",
        "Home sales",
        "Factory orders",
        "Unemployment claims",
        "Tourist arrivals",
        "Electricity demand",
        "Crop yields",
        "Business confidence",
    ];
    const MOVES: &[&str] = &[
        "rose", "fell", "climbed", "dropped", "edged up", "slipped", "jumped", "declined",
    ];
    const REASONS: &[&str] = &[
        "the numbers simply do not add up",
        "our customers expect better",
        "we have to act before winter",
        "nobody wants another year like the last one",
        "the market has changed faster than anyone predicted",
        "we owe it to the people who live here",
        "this was never a sustainable arrangement",
        "the evidence is now overwhelming",
    ];
    const GROUPS: &[&str] = &[
        "households",
        "workers",
        "students",
        "small businesses",
        "commuters",
        "patients",
        "farmers",
        "pensioners",
    ];
    const ADJ: &[&str] = &[
        "modest",
        "sharp",
        "steady",
        "surprising",
        "gradual",
        "significant",
        "small",
        "record",
    ];

    fn person(r: &mut Rng) -> String {
        format!("{} {}", r.pick(FIRST_NAMES), r.pick(LAST_NAMES))
    }

    fn org(r: &mut Rng) -> String {
        if r.chance(0.5) {
            format!("{} {}", r.pick(ORG_HEADS), r.pick(ORG_TAILS))
        } else {
            r.pick(BODIES).to_string()
        }
    }

    fn city(r: &mut Rng) -> String {
        let c = r.pick(CITIES);
        let mut out = String::new();
        for (i, w) in c.split(' ').enumerate() {
            if i > 0 {
                out.push(' ');
            }
            let mut cs = w.chars();
            if let Some(f) = cs.next() {
                out.push(f);
                out.extend(cs.flat_map(char::to_lowercase));
            }
        }
        out
    }

    fn pct(r: &mut Rng) -> String {
        format!("{}.{} percent", r.range(0, 12), r.range(0, 9))
    }

    fn money(r: &mut Rng) -> String {
        let unit = ["million", "billion"][r.below(2)];
        let cur = ["dollars", "euros", "pounds", "yen"][r.below(4)];
        format!("{} {unit} {cur}", r.range(2, 950))
    }

    /// One sentence from a random template.
    pub fn sentence(r: &mut Rng) -> String {
        let s = match r.below(14) {
            0 => format!(
                "{} {} {} {}, {}.",
                org(r),
                r.pick(VERBS),
                r.pick(OBJECTS),
                r.pick(TIMES),
                r.pick(CLAUSES)
            ),
            1 => format!(
                "{}, {} of {}, said {} would {} {} within {} months.",
                person(r),
                r.pick(ROLES),
                org(r),
                org(r),
                r.pick(VERBS_BASE),
                r.pick(OBJECTS),
                r.range(2, 18)
            ),
            2 => format!(
                "The decision affects about {} {} in {} and the surrounding region.",
                r.range(2, 900) * 100,
                r.pick(GROUPS),
                city(r)
            ),
            3 => format!(
                "\"We {} {} because {},\" {} told reporters {}.",
                r.pick(VERBS),
                r.pick(OBJECTS),
                r.pick(REASONS),
                person(r),
                r.pick(TIMES)
            ),
            4 => format!(
                "{} {} {} in {} from a year earlier, {} said.",
                r.pick(METRICS),
                r.pick(MOVES),
                pct(r),
                r.pick(&MONTHS),
                org(r)
            ),
            5 => format!(
                "Analysts had expected a {} change of about {}, according to a poll of {} economists.",
                r.pick(ADJ),
                pct(r),
                r.range(8, 60)
            ),
            6 => format!(
                "{} did not immediately respond to a request for comment {}.",
                org(r),
                r.pick(TIMES)
            ),
            7 => format!(
                "The plan would cost {} over {} years and is expected to be {} by {}.",
                money(r),
                r.range(2, 15),
                r.pick(VERBS),
                org(r)
            ),
            8 => format!(
                "In {}, {} said the {} {} in {} was the {} since records began.",
                city(r),
                org(r),
                r.pick(ADJ),
                r.pick(&["rise", "fall", "shift", "gain", "loss"]),
                r.pick(METRICS).to_lowercase(),
                r.pick(&["largest", "smallest", "fastest", "slowest", "first"])
            ),
            9 => format!(
                "{} {} shares {} {} in early trading after {} {} {}.",
                r.pick(ORG_HEADS),
                r.pick(ORG_TAILS),
                r.pick(MOVES),
                pct(r),
                org(r),
                r.pick(VERBS),
                r.pick(OBJECTS)
            ),
            10 => format!(
                "Critics, including {} of {}, argued that {} would hurt {} {}.",
                person(r),
                org(r),
                r.pick(OBJECTS),
                r.pick(GROUPS),
                r.pick(&[
                    "the most",
                    "first",
                    "for years",
                    "unevenly",
                    "in rural areas"
                ])
            ),
            11 => format!(
                "{} first {} {} in {}, but the idea stalled {}.",
                org(r),
                r.pick(VERBS),
                r.pick(OBJECTS),
                r.range(1995, 2011),
                r.pick(CLAUSES)
            ),
            12 => format!(
                "A further {} is due {}, {} said in a statement.",
                r.pick(&["vote", "hearing", "update", "review", "meeting", "report"]),
                r.pick(&[
                    "next week",
                    "in the spring",
                    "before the end of the year",
                    "on Thursday",
                    "within days"
                ]),
                org(r)
            ),
            _ => format!(
                "{} {} {} to {} {}, {}.",
                r.pick(METRICS),
                r.pick(MOVES),
                pct(r),
                money(r),
                r.pick(TIMES),
                r.pick(CLAUSES)
            ),
        };
        let mut cs = s.chars();
        match cs.next() {
            Some('"') => s,
            Some(f) => f.to_uppercase().chain(cs).collect(),
            None => s,
        }
    }

    pub fn title(r: &mut Rng) -> String {
        match r.below(4) {
            0 => format!("{} {} {}", org(r), r.pick(VERBS), r.pick(OBJECTS)),
            1 => format!(
                "{} {} {} in {}",
                r.pick(METRICS),
                r.pick(MOVES),
                pct(r),
                r.pick(&MONTHS)
            ),
            2 => format!(
                "{} moves to {} {}",
                org(r),
                r.pick(VERBS_BASE),
                r.pick(OBJECTS)
            ),
            _ => format!(
                "{} {} face {} {}",
                city(r),
                r.pick(GROUPS),
                r.pick(ADJ),
                r.pick(&["changes", "costs", "delays", "cuts", "uncertainty"])
            ),
        }
        .split(' ')
        .enumerate()
        .map(|(i, w)| {
            if i == 0 {
                let mut cs = w.chars();
                cs.next()
                    .map(|f| f.to_uppercase().chain(cs).collect())
                    .unwrap_or_default()
            } else {
                w.to_string()
            }
        })
        .collect::<Vec<String>>()
        .join(" ")
    }
}
