//! Micro-benchmarks of each pipeline stage on fixed input (issue #5).
//!
//! ```sh
//! cargo bench --bench stages              # time every stage
//! cargo bench --bench stages -- minhash   # only benchmarks whose name contains `minhash`
//! cargo bench --bench stages -- --test    # run each benchmark once: the asserts only
//! ```
//!
//! All input is generated here, deterministically (a fixed-seed SplitMix64), so every run
//! times the same work: single pages for decode and normalize, and a corpus of about 2,000
//! text articles (400 stories, most in several edited versions) for the corpus-wide stages.
//! Every benchmark checks its result once before timing, so a stage that gets faster by
//! getting wrong fails here. There is no timing assertion. Rayon runs on one thread, so the
//! figures are per core.

use std::collections::{BTreeSet, HashMap};
use std::fmt::Write as _;
use std::sync::LazyLock;

use divan::counter::{BytesCount, ItemsCount};
use divan::{Bencher, black_box};
use newsdedup::candidates::{self, CandidateParams, Pair};
use newsdedup::canonical::{self, CanonicalRule, Story};
use newsdedup::cluster::{self, ClusterParams, Group};
use newsdedup::input;
use newsdedup::minhash::{self, Signature, mix64};
use newsdedup::normalize::{self, Article, Format};
use newsdedup::output;
use newsdedup::pipeline::compared_text;
use newsdedup::shingle::{self, Shingle};
use newsdedup::verify::{self, Similarity};

fn main() {
    // Per-core figures: the stages that use rayon (candidates, verify) run on one worker, the
    // same on a loaded 2-core machine as on an idle one.
    rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build_global()
        .expect("rayon pool");
    divan::main();
}

// ---------------------------------------------------------------------------------------------
// Fixed input

/// Words per shingle and signature length: the pipeline's defaults.
const K: usize = 5;
const BINS: usize = 128;
/// Stories in the corpus; each has 1–9 versions.
const STORIES: usize = 400;
/// Size the single-page inputs grow to.
const PAGE_BYTES: usize = 50_000;
const TITLE: &str = "Harbour Reopens After Week-Long Storm Closure";

/// SplitMix64: the same sequence on every machine.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        Rng(seed)
    }
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        mix64(self.0)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

const SYLLABLES: &[&str] = &[
    "ba", "ker", "lo", "mi", "tan", "dor", "ves", "qui", "ran", "sel", "po", "nit", "ar", "gu",
    "hem", "fla", "to", "wen", "cal", "dri", "mo", "sten", "pa", "lis",
];
const FUNCTION_WORDS: &[&str] = &[
    "the", "of", "and", "to", "in", "said", "on", "for", "with", "was", "by", "at", "from",
];

/// A word: a common function word, or a pseudo-word.
fn word(rng: &mut Rng) -> String {
    if rng.chance(25) {
        return FUNCTION_WORDS[rng.below(FUNCTION_WORDS.len())].to_string();
    }
    pseudo_word(rng)
}

fn pseudo_word(rng: &mut Rng) -> String {
    let n = 2 + rng.below(2);
    // 2–3 syllables: about 14,000 words, so distinct stories share practically no shingle.
    (0..n)
        .map(|_| SYLLABLES[rng.below(SYLLABLES.len())])
        .collect()
}

fn capitalize(w: &str) -> String {
    let mut c = w.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

/// A sentence of 8–19 words, capitalized, with a comma now and then, ending in a period. It
/// starts with a pseudo-word, so no sentence reads as a byline (`By …`).
fn sentence(rng: &mut Rng) -> String {
    let n = 8 + rng.below(12);
    let mut s = capitalize(&pseudo_word(rng));
    for i in 1..n {
        if i > 3 && rng.chance(8) {
            s.push(',');
        }
        s.push(' ');
        s.push_str(&word(rng));
    }
    s.push('.');
    s
}

fn paragraph(rng: &mut Rng) -> String {
    let n = 2 + rng.below(3);
    (0..n).map(|_| sentence(rng)).collect::<Vec<_>>().join(" ")
}

/// Paragraphs of plain generated text, at least `bytes` in all.
fn paragraphs(rng: &mut Rng, bytes: usize) -> Vec<String> {
    let mut out = Vec::new();
    let mut len = 0;
    while len < bytes {
        let p = paragraph(rng);
        len += p.len();
        out.push(p);
    }
    out
}

/// Inline markup and entities sprinkled over plain text (what a text dump of a page keeps):
/// tags, links, typographic characters as entities, a double-escaped tag now and then.
fn with_markup(rng: &mut Rng, plain: &str) -> String {
    let mut out = String::with_capacity(plain.len() * 5 / 4);
    for (i, w) in plain.split(' ').enumerate() {
        if i > 0 {
            out.push(' ');
        }
        match rng.below(40) {
            0 => write!(out, "<strong>{w}</strong>"),
            1 => write!(out, "<em>{w}</em>"),
            2 => write!(
                out,
                "<a href=\"https://example.com/n/{}\">{w}</a>",
                rng.next() % 1000
            ),
            3 => write!(out, "&#8220;{w}&#8221;"),
            4 => write!(out, "{w} &amp;"),
            5 => write!(out, "&amp;lt;b&amp;gt;{w}&amp;lt;/b&amp;gt;"),
            6 => write!(out, "{w}&nbsp;&mdash;"),
            _ => write!(out, "{w}"),
        }
        .expect("write to String");
    }
    out
}

/// A ~50 KB text dump with leftover markup: a date line, the headline, a byline, chrome, then
/// paragraphs in `<p>` tags with inline markup. Returns the text, its paragraph count and its
/// first paragraph as plain text.
fn text_article() -> (String, usize, String) {
    let mut rng = Rng::new(1);
    let paras = paragraphs(&mut rng, PAGE_BYTES * 4 / 5);
    let mut s = String::from(" date 2026-11-20\n\n");
    writeln!(
        s,
        "{TITLE}\n\nBy Jane Doe, Example News\n\nShare this article\n"
    )
    .expect("write");
    for (i, p) in paras.iter().enumerate() {
        let p = with_markup(&mut rng, p);
        if i == 0 {
            writeln!(s, "<p>PORTSMOUTH - {p}</p>").expect("write");
        } else {
            writeln!(s, "<p>{p}</p>").expect("write");
        }
        if i % 10 == 5 {
            s.push_str("Advertisement\n");
        }
    }
    s.push_str("<p>Copyright 2026 Example News. All rights reserved.</p>\n");
    let first = paras[0].clone();
    (s, paras.len(), first)
}

/// A ~50 KB HTML page: metadata and JSON-LD, navigation, a related-links sidebar, the article
/// (headline, byline, paragraphs with inline markup and typographic characters), a footer.
/// `charset` goes into `<meta charset>` when given. Returns the page, its paragraph count and
/// the article's first paragraph.
fn html_page(charset: Option<&str>) -> (String, usize, String) {
    let mut rng = Rng::new(2);
    let paras = paragraphs(&mut rng, PAGE_BYTES * 3 / 5);
    let mut s = String::from("<!DOCTYPE html>\n<html lang=\"en\"><head>\n");
    if let Some(cs) = charset {
        writeln!(s, "<meta charset=\"{cs}\">").expect("write");
    }
    write!(
        s,
        "<title>{TITLE} | Example News</title>\n\
         <meta property=\"og:site_name\" content=\"Example News\">\n\
         <meta property=\"og:title\" content=\"{TITLE}\">\n\
         <meta property=\"article:published_time\" content=\"2026-11-20T15:47:42Z\">\n\
         <script type=\"application/ld+json\">{{\"@context\":\"https://schema.org\",\"@type\":\"NewsArticle\",\
         \"headline\":\"{TITLE}\",\"author\":[{{\"@type\":\"Person\",\"name\":\"Jane Doe\"}}],\
         \"publisher\":{{\"@type\":\"Organization\",\"name\":\"Example News\"}}}}</script>\n\
         <style>body {{ font-family: sans-serif; }} .ad {{ display: none; }}</style>\n\
         <script>window.dataLayer = window.dataLayer || []; dataLayer.push({{\"page\": \"article\"}});</script>\n\
         </head><body>\n<header><nav><ul>"
    )
    .expect("write");
    for section in [
        "Home", "World", "Business", "Markets", "Politics", "Tech", "Science", "Sport", "Culture",
    ] {
        write!(s, "<li><a href=\"/{section}\">{section}</a></li>").expect("write");
    }
    s.push_str(
        "</ul></nav></header>\n<div class=\"sidebar\"><h3>Most read</h3><ul class=\"related\">\n",
    );
    for i in 0..15 {
        let title = sentence(&mut rng);
        writeln!(s, "<li><a href=\"/story/{i}\">{title}</a></li>").expect("write");
    }
    write!(
        s,
        "</ul></div>\n<main><article class=\"story-body\">\n<h1>{TITLE}</h1>\n\
         <p class=\"byline\">By Jane Doe</p>\n"
    )
    .expect("write");
    for (i, p) in paras.iter().enumerate() {
        // Typographic characters, so a legacy charset has bytes above 0x7F to decode.
        let p = match i % 3 {
            0 => format!("\u{201C}{p}\u{201D}"),
            1 => p.replacen(' ', " caf\u{E9} \u{2014} ", 1),
            _ => p.replacen(' ', "\u{2019}s ", 1),
        };
        writeln!(s, "<p>{}</p>", with_markup(&mut rng, &p)).expect("write");
        if i % 8 == 4 {
            s.push_str("<div class=\"ad\"><p>Advertisement</p></div>\n");
        }
    }
    s.push_str("</article></main>\n<aside class=\"related\"><h3>Related stories</h3><ul>\n");
    for i in 0..10 {
        let title = sentence(&mut rng);
        writeln!(s, "<li><a href=\"/related/{i}\">{title}</a></li>").expect("write");
    }
    s.push_str(
        "</ul></aside>\n<footer><p>Copyright 2026 Example News. All rights reserved.</p></footer>\n</body></html>\n",
    );
    let first = paras[0].clone();
    (s, paras.len(), first)
}

/// Newswire records in the Reuters-21578 layout: (record, title, paragraph count).
fn newswire_records(n: usize) -> Vec<(String, String, usize)> {
    let mut rng = Rng::new(3);
    (0..n)
        .map(|i| {
            let title = format!("ACME {} SEES NET UP {i}", word(&mut rng).to_uppercase());
            let paras = 2 + rng.below(5);
            let mut body = String::new();
            for p in 0..paras {
                let text = paragraph(&mut rng);
                // Wrapped at ~70 columns; a paragraph starts with an indented line.
                let mut col = 0;
                if p > 0 {
                    body.push_str("    ");
                }
                for w in text.split(' ') {
                    if col > 64 {
                        body.push('\n');
                        col = 0;
                    } else if col > 0 {
                        body.push(' ');
                    }
                    body.push_str(w);
                    col += w.len() + 1;
                }
                body.push('\n');
            }
            let rec = format!(
                "<REUTERS TOPICS=\"YES\" LEWISSPLIT=\"TRAIN\" NEWID=\"{i}\">\n\
                 <DATE>26-FEB-1987 15:01:01.79</DATE>\n<TOPICS><D>cocoa</D></TOPICS>\n<TEXT>&#2;\n\
                 <TITLE>{title}</TITLE>\n<DATELINE>    SALVADOR, Feb 26 - </DATELINE><BODY>{body} Reuter\n&#3;</BODY></TEXT>\n</REUTERS>\n"
            );
            (rec, title, paras)
        })
        .collect()
}

/// One generated story: its headline, paragraphs and day of publication.
struct StoryText {
    title: String,
    paragraphs: Vec<String>,
    day: u32,
}

/// A version of a story: a word substituted here and there (about 1 in 60), and depending on
/// the version a paragraph dropped, a paragraph added, a later date.
fn version_text(story: &StoryText, s: usize, v: usize) -> String {
    let mut rng = Rng::new(((s as u64) << 8) | v as u64);
    let mut paras = story.paragraphs.clone();
    if v > 0 {
        for p in &mut paras {
            *p = p
                .split(' ')
                .map(|w| {
                    if rng.below(60) == 0 {
                        word(&mut rng)
                    } else {
                        w.to_string()
                    }
                })
                .collect::<Vec<_>>()
                .join(" ");
        }
        if v.is_multiple_of(2) {
            paras.remove(rng.below(paras.len()));
        }
        if v.is_multiple_of(3) {
            paras.push(paragraph(&mut rng));
        }
    }
    let day = story.day + v as u32;
    let mut t = format!(
        " date 2026-{:02}-{:02}\n\n{}\n\n",
        1 + day / 28,
        1 + day % 28,
        story.title
    );
    for p in &paras {
        t.push_str(p);
        t.push_str("\n\n");
    }
    t
}

/// The corpus and every stage's output on it, computed once.
struct Corpus {
    /// Generated text of each document, in document order (sorted by path, as the pipeline
    /// numbers them).
    texts: Vec<String>,
    /// Story of each document.
    story_of: Vec<u32>,
    titles: Vec<String>,
    articles: Vec<Article>,
    shingles: Vec<Vec<Shingle>>,
    band_keys: candidates::lsh::BandKeys,
    body_hashes: Vec<u64>,
    /// Every pair of versions of the same story.
    true_pairs: BTreeSet<Pair>,
    pairs: Vec<Pair>,
    similarities: Vec<Similarity>,
    /// The gold partition: each story's documents, sorted, stories ordered by first document.
    gold: Vec<Vec<u32>>,
    groups: Vec<Group>,
    stories: Vec<Story>,
}

static CORPUS: LazyLock<Corpus> = LazyLock::new(build_corpus);

fn build_corpus() -> Corpus {
    let mut rng = Rng::new(4);
    let mut docs: Vec<(String, u32, String)> = Vec::new();
    let mut titles = Vec::with_capacity(STORIES);
    for s in 0..STORIES {
        let n_words = 4 + rng.below(4);
        let title = (0..n_words)
            .map(|_| capitalize(&pseudo_word(&mut rng)))
            .collect::<Vec<_>>()
            .join(" ");
        let n_paras = 5 + rng.below(6);
        let story = StoryText {
            title: title.clone(),
            paragraphs: (0..n_paras).map(|_| paragraph(&mut rng)).collect(),
            day: rng.below(300) as u32,
        };
        let versions = 1 + rng.below(9);
        for v in 0..versions {
            // Paths spread the versions over sites, as a crawl does.
            let path = format!("site{:02}/{:016x}.txt", rng.below(20), rng.next());
            docs.push((path, s as u32, version_text(&story, s, v)));
        }
        titles.push(title);
    }
    docs.sort_by(|a, b| a.0.cmp(&b.0));

    let articles: Vec<Article> = docs
        .iter()
        .map(|(path, _, text)| normalize::normalize(path, text))
        .collect();
    let story_of: Vec<u32> = docs.iter().map(|d| d.1).collect();
    for (a, &s) in articles.iter().zip(&story_of) {
        assert_eq!(a.header.title.as_deref(), Some(titles[s as usize].as_str()));
    }
    let shingles: Vec<Vec<Shingle>> = articles
        .iter()
        .map(|a| shingle::shingles(&compared_text(a), K))
        .collect();
    let params = CandidateParams::default();
    let (bands, rows) = candidates::lsh::params(params.lsh_threshold, BINS);
    let band_keys = candidates::lsh::band_keys_of(&shingles, BINS, bands, rows);
    let body_hashes: Vec<u64> = articles
        .iter()
        .map(|a| canonical::body_hash(&a.body))
        .collect();

    let mut members: HashMap<u32, Vec<u32>> = HashMap::new();
    for (d, &s) in story_of.iter().enumerate() {
        members.entry(s).or_default().push(d as u32);
    }
    let mut gold: Vec<Vec<u32>> = members.into_values().collect();
    gold.sort_by_key(|g| g[0]);
    let mut true_pairs = BTreeSet::new();
    for g in &gold {
        for (i, &a) in g.iter().enumerate() {
            for &b in &g[i + 1..] {
                true_pairs.insert((a, b));
            }
        }
    }

    let pairs = candidates::generate(band_keys.clone(), &shingles, &params);
    let params = ClusterParams::default();
    let similarities = verify::verify(&pairs, &shingles, floor(&params));
    let groups = cluster_docs(&similarities, &articles, &shingles, &params);
    let none = std::collections::HashSet::new();
    let versions = canonical::Versions {
        articles: &articles,
        body_hashes: &body_hashes,
        shingles: &shingles,
        full_sizes: &[],
        titles: canonical::Titles {
            keys: &[],
            site_names: &none,
        },
    };
    let stories = canonical::build(&groups, versions, CanonicalRule::default());
    Corpus {
        texts: docs.into_iter().map(|d| d.2).collect(),
        story_of,
        titles,
        articles,
        shingles,
        band_keys,
        body_hashes,
        true_pairs,
        pairs,
        similarities,
        gold,
        groups,
        stories,
    }
}

fn floor(p: &ClusterParams) -> f64 {
    p.jaccard.min(p.containment)
}

fn days(articles: &[Article]) -> Vec<Option<i64>> {
    articles
        .iter()
        .map(|a| a.header.date().map(|d| d.days()))
        .collect()
}

fn cluster_docs(
    sims: &[Similarity],
    articles: &[Article],
    shingles: &[Vec<Shingle>],
    params: &ClusterParams,
) -> Vec<Group> {
    let days = days(articles);
    let docs = cluster::Docs {
        shingles,
        days: &days,
    };
    cluster::cluster(sims, &docs, params)
}

fn corpus_bytes(c: &Corpus) -> usize {
    c.texts.iter().map(String::len).sum()
}

/// Lower-cased runs of letters and digits: what survives markup, entities and folding.
fn tokens(s: &str) -> Vec<String> {
    s.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Stage 1: decode

fn assert_roundtrip(bytes: &[u8], text: &str) {
    let d = input::decode(bytes).expect("decodes");
    assert_eq!(d.encoding, "windows-1252");
    assert!(d.text == text, "decoded text differs from the original");
}

/// A page that declares `<meta charset="windows-1252">`.
#[divan::bench]
fn decode_windows1252_declared(bencher: Bencher) {
    let (page, _, _) = html_page(Some("windows-1252"));
    let (bytes, _, unmappable) = encoding_rs::WINDOWS_1252.encode(&page);
    assert!(!unmappable && std::str::from_utf8(&bytes).is_err());
    assert_roundtrip(&bytes, &page);
    bencher
        .counter(BytesCount::new(bytes.len()))
        .bench(|| input::decode(black_box(&bytes)));
}

/// The same page without a declaration: chardetng guesses the charset.
#[divan::bench]
fn decode_windows1252_guessed(bencher: Bencher) {
    let (page, _, _) = html_page(None);
    let (bytes, _, _) = encoding_rs::WINDOWS_1252.encode(&page);
    assert!(input::decode::declared_charset(&bytes).is_none());
    assert_roundtrip(&bytes, &page);
    bencher
        .counter(BytesCount::new(bytes.len()))
        .bench(|| input::decode(black_box(&bytes)));
}

// ---------------------------------------------------------------------------------------------
// Stage 2: normalize

/// A ~50 KB text dump with leftover tags and entities (the text path).
#[divan::bench]
fn normalize_text(bencher: Bencher) {
    let (text, n_paras, first) = text_article();
    let a = normalize::normalize("a.txt", &text);
    assert_eq!(a.format, Format::Text);
    assert_eq!(a.header.title.as_deref(), Some(TITLE));
    assert_eq!(a.header.authors, ["Jane Doe"]);
    assert_eq!(a.header.dateline.as_deref(), Some("PORTSMOUTH"));
    assert!(a.header.date_line.is_some());
    assert!(!a.body.contains(['<', '>']), "tags left in the body");
    assert!(!a.body.contains("&amp;") && !a.body.contains("&lt;") && !a.body.contains("&#"));
    assert!(!a.body.contains("Advertisement") && !a.body.contains("Copyright"));
    assert_eq!(a.paragraphs().count(), n_paras);
    let lede = a.paragraphs().next().expect("a paragraph");
    assert_eq!(tokens(lede), tokens(&first), "first paragraph altered");
    bencher
        .counter(BytesCount::of_str(&text))
        .bench(|| normalize::normalize("a.txt", black_box(&text)));
}

/// The story evidence of the ~50 KB text article (headline, lede, quotations, terms, place),
/// taken for every article while it is read.
#[divan::bench]
fn story_evidence(bencher: Bencher) {
    let (text, _, _) = text_article();
    let a = normalize::normalize("a.txt", &text);
    let e = newsdedup::evidence::of(&a);
    assert!(e.title_key().is_some());
    assert!(!e.lede().is_empty());
    assert!(!e.terms().is_empty());
    assert!(e.place().is_some());
    bencher
        .counter(BytesCount::of_str(&a.body))
        .bench(|| newsdedup::evidence::of(black_box(&a)));
}

/// A ~50 KB HTML page (the HTML path: html5ever parse, metadata, main-text extraction).
#[divan::bench]
fn normalize_html(bencher: Bencher) {
    let (page, n_paras, first) = html_page(Some("utf-8"));
    let a = normalize::normalize("a.html", &page);
    assert_eq!(a.format, Format::Html);
    assert_eq!(a.header.title.as_deref(), Some(TITLE));
    assert_eq!(
        a.header.published.map(|t| t.to_string()).as_deref(),
        Some("2026-11-20T15:47:42Z")
    );
    assert_eq!(a.header.authors, ["Jane Doe"]);
    assert!(!a.body.contains(['<', '>']), "tags left in the body");
    let lede = a.paragraphs().next().expect("a paragraph");
    assert_eq!(tokens(lede), tokens(&first), "first paragraph altered");
    for chrome in [
        "Most read",
        "Related stories",
        "Copyright",
        "Advertisement",
        "Politics",
    ] {
        assert!(!a.body.contains(chrome), "{chrome:?} left in the body");
    }
    assert_eq!(a.paragraphs().count(), n_paras);
    bencher
        .counter(BytesCount::of_str(&page))
        .bench(|| normalize::normalize("a.html", black_box(&page)));
}

/// 200 newswire records in the Reuters-21578 layout (the newswire path).
#[divan::bench]
fn normalize_newswire(bencher: Bencher) {
    let records = newswire_records(200);
    for (rec, title, n_paras) in &records {
        let a = normalize::normalize("r.sgm", rec);
        assert_eq!(a.format, Format::Newswire);
        assert_eq!(a.header.title.as_deref(), Some(title.as_str()));
        assert_eq!(a.header.dateline.as_deref(), Some("SALVADOR"));
        let feb26 = normalize::Timestamp::date(1987, 2, 26).map(|t| t.days());
        assert_eq!(a.header.published.map(|t| t.days()), feb26);
        assert!(!a.body.ends_with("Reuter") && !a.body.contains('<'));
        assert_eq!(a.paragraphs().count(), *n_paras);
    }
    let bytes: usize = records.iter().map(|r| r.0.len()).sum();
    bencher
        .counter(BytesCount::new(bytes))
        .counter(ItemsCount::new(records.len()))
        .bench(|| {
            for (rec, _, _) in &records {
                black_box(normalize::normalize("r.sgm", black_box(rec)));
            }
        });
}

// ---------------------------------------------------------------------------------------------
// Stage 3: shingles and MinHash signatures

/// The normalized body of the text article (~40 KB, ~6,000 words).
static BODY: LazyLock<String> =
    LazyLock::new(|| normalize::normalize("a.txt", &text_article().0).body);

#[divan::bench]
fn shingle_body(bencher: Bencher) {
    let body = &*BODY;
    let words = body.split_whitespace().count();
    let s = shingle::shingles(body, K);
    assert!(s.windows(2).all(|w| w[0] < w[1]), "not sorted and unique");
    // Generated text barely repeats a 5-word window: nearly one shingle per word.
    assert!(
        s.len() > words * 95 / 100 && s.len() <= words,
        "{} shingles from {words} words",
        s.len()
    );
    bencher
        .counter(BytesCount::of_str(body))
        .bench(|| shingle::shingles(black_box(body), K));
}

/// Shingles of the body and of an edited copy (about 1 word in 30 replaced).
static SHINGLE_SETS: LazyLock<(Vec<Shingle>, Vec<Shingle>)> = LazyLock::new(|| {
    let mut rng = Rng::new(5);
    let edited: Vec<String> = BODY
        .split(' ')
        .map(|w| {
            if rng.below(30) == 0 {
                word(&mut rng)
            } else {
                w.to_string()
            }
        })
        .collect();
    (
        shingle::shingles(&BODY, K),
        shingle::shingles(&edited.join(" "), K),
    )
});

/// Checks a signature scheme: the right length, and an estimate of the Jaccard similarity of
/// the body and its edited copy within 0.1 of the exact value.
fn assert_signature(f: fn(&[Shingle], usize) -> Signature) {
    let (a, b) = &*SHINGLE_SETS;
    let (sa, sb) = (f(a, BINS), f(b, BINS));
    assert_eq!((sa.len(), sb.len()), (BINS, BINS));
    let (exact, _) = verify::similarity(a, b);
    let est = minhash::estimate(&sa, &sb);
    assert!(
        (0.5..0.95).contains(&exact) && (est - exact).abs() < 0.1,
        "estimate {est} vs exact {exact}"
    );
}

/// One-permutation hashing (the pipeline's default), 128 bins, over ~6,000 shingles.
#[divan::bench]
fn minhash_one_permutation(bencher: Bencher) {
    assert_signature(minhash::one_permutation);
    let (a, _) = &*SHINGLE_SETS;
    bencher
        .counter(ItemsCount::new(a.len()))
        .bench(|| minhash::one_permutation(black_box(a), BINS));
}

/// Classic MinHash, 128 hash functions, over the same shingles (for comparison).
#[divan::bench]
fn minhash_classic(bencher: Bencher) {
    assert_signature(minhash::classic);
    let (a, _) = &*SHINGLE_SETS;
    bencher
        .counter(ItemsCount::new(a.len()))
        .bench(|| minhash::classic(black_box(a), BINS));
}

// ---------------------------------------------------------------------------------------------
// Stages 4–8 on the corpus: ~2,000 documents, 400 stories

/// LSH banding plus the overlap index over the corpus's band keys and shingles.
#[divan::bench]
fn candidates_corpus(bencher: Bencher) {
    let c = &*CORPUS;
    assert!(c.articles.len() > 1_500 && c.articles.len() < 2_500);
    assert!(
        c.true_pairs.len() > c.articles.len(),
        "too few edited versions"
    );
    let found: BTreeSet<Pair> = c.pairs.iter().copied().collect();
    let missed = c.true_pairs.difference(&found).count();
    assert_eq!(missed, 0, "true pairs missing from the candidates");
    // Unrelated stories share nothing: few candidates beyond the true pairs.
    assert!(
        c.pairs.len() < c.true_pairs.len() * 11 / 10,
        "{} candidates",
        c.pairs.len()
    );
    let p = CandidateParams::default();
    bencher
        .counter(ItemsCount::new(c.articles.len()))
        .with_inputs(|| c.band_keys.clone())
        .bench_values(|keys| candidates::generate(keys, black_box(&c.shingles), &p));
}

/// Exact Jaccard and containment of every candidate pair.
#[divan::bench]
fn verify_candidates(bencher: Bencher) {
    let c = &*CORPUS;
    let verified: BTreeSet<Pair> = c.similarities.iter().map(|s| (s.a, s.b)).collect();
    let missed: Vec<_> = c.true_pairs.difference(&verified).collect();
    let extra: Vec<_> = verified.difference(&c.true_pairs).collect();
    let sim =
        |&&(a, b): &&Pair| verify::similarity(&c.shingles[a as usize], &c.shingles[b as usize]);
    // No pair of different stories passes; of the true pairs only a few of the most edited
    // (both versions dropped and added a paragraph) fall below the floor: 2 of 5,022 here.
    // Clustering still joins them through the story's other versions.
    assert!(
        extra.is_empty(),
        "pairs of different stories: {:?}",
        extra.iter().map(sim).collect::<Vec<_>>()
    );
    assert!(
        missed.len() * 200 <= c.true_pairs.len(),
        "{} true pairs below the floor: {:?}",
        missed.len(),
        missed.iter().map(sim).collect::<Vec<_>>()
    );
    let f = floor(&ClusterParams::default());
    bencher
        .counter(ItemsCount::new(c.pairs.len()))
        .bench(|| verify::verify(black_box(&c.pairs), &c.shingles, f));
}

/// Stories from the verified pairs (dates as evidence, center refinement).
#[divan::bench]
fn cluster_corpus(bencher: Bencher) {
    let c = &*CORPUS;
    assert_eq!(c.groups.len(), STORIES);
    assert!(
        c.groups.iter().map(|g| &g.members).eq(c.gold.iter()),
        "stories differ from the generated ones"
    );
    let params = ClusterParams::default();
    bencher
        .counter(ItemsCount::new(c.articles.len()))
        .bench(|| {
            cluster_docs(
                black_box(&c.similarities),
                &c.articles,
                &c.shingles,
                &params,
            )
        });
}

/// Story records: canonical version by coverage, merged fields.
#[divan::bench]
fn canonical_corpus(bencher: Bencher) {
    let c = &*CORPUS;
    assert_eq!(c.stories.len(), STORIES);
    let mut seen = vec![false; c.articles.len()];
    for s in &c.stories {
        let story = c.story_of[s.canonical as usize];
        assert_eq!(s.title.as_deref(), Some(c.titles[story as usize].as_str()));
        // The canonical covers most of the story's shared text; dates span the members'.
        let docs: Vec<u32> = s.members.iter().map(|m| m.doc).collect();
        let coverage = verify::shared_coverage(&docs, &c.shingles);
        let canon = docs
            .iter()
            .position(|&d| d == s.canonical)
            .expect("canonical is a member");
        assert_eq!(coverage[canon], *coverage.iter().max().expect("members"));
        let dates = || {
            docs.iter()
                .flat_map(|&d| c.articles[d as usize].header.all_dates())
        };
        assert_eq!((s.published, s.updated), (dates().min(), dates().max()));
        for m in &s.members {
            assert_eq!(c.story_of[m.doc as usize], story, "member of another story");
            assert!(!std::mem::replace(&mut seen[m.doc as usize], true));
        }
    }
    assert!(seen.iter().all(|&s| s), "a document in no story");
    bencher.counter(ItemsCount::new(c.groups.len())).bench(|| {
        let none = std::collections::HashSet::new();
        let versions = canonical::Versions {
            articles: &c.articles,
            body_hashes: &c.body_hashes,
            shingles: &c.shingles,
            full_sizes: &[],
            titles: canonical::Titles {
                keys: &[],
                site_names: &none,
            },
        };
        canonical::build(black_box(&c.groups), versions, CanonicalRule::default())
    });
}

/// The JSON output of all stories, written to a `Vec<u8>`.
#[divan::bench]
fn output_json(bencher: Bencher) {
    let c = &*CORPUS;
    let write = || {
        let mut out = Vec::with_capacity(1 << 20);
        output::write_stories(
            &mut out,
            &c.stories,
            &c.articles,
            output::Format::Json,
            output::StoryOptions::default(),
        )
        .expect("write to Vec");
        out
    };
    let out = write();
    let v: serde_json::Value = serde_json::from_slice(&out).expect("valid JSON");
    let records = v.as_array().expect("a JSON array");
    assert_eq!(records.len(), STORIES);
    let members: usize = records
        .iter()
        .map(|r| r["members"].as_array().map_or(0, Vec::len))
        .sum();
    assert_eq!(members, c.articles.len());
    assert!(
        records
            .iter()
            .all(|r| r["text"].as_str().is_some_and(|t| !t.is_empty()))
    );
    bencher
        .counter(BytesCount::new(out.len()))
        .counter(ItemsCount::new(STORIES))
        .bench(write);
}

/// For reference: the whole corpus's text through normalize and shingles, as the pipeline's
/// read stage does (decode aside), so the per-document stages can be set against the rest.
#[divan::bench(sample_count = 20)]
fn normalize_and_shingle_corpus(bencher: Bencher) {
    let c = &*CORPUS;
    let again: Vec<Vec<Shingle>> = c
        .texts
        .iter()
        .map(|t| shingle::shingles(&compared_text(&normalize::normalize("x.txt", t)), K))
        .collect();
    assert!(
        again == c.shingles,
        "normalize + shingle is not deterministic"
    );
    let bytes = corpus_bytes(c);
    bencher
        .counter(BytesCount::new(bytes))
        .counter(ItemsCount::new(c.texts.len()))
        .bench(|| {
            for t in &c.texts {
                let a = normalize::normalize("x.txt", black_box(t));
                black_box(shingle::shingles(&compared_text(&a), K));
            }
        });
}
