//! Header fields in text: the scraper's ` date YYYY-MM-DD` line, the headline, bylines,
//! `Updated …` / `Published …` stamps, reading-time lines and datelines. Each is taken out of
//! the body and put into [`Header`].

use std::collections::HashSet;
use std::sync::LazyLock;

use regex::Regex;

use super::Header;
use super::chrome;
use super::dates::{self, Timestamp};

static DATE_PREFIX: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^date (\d{4}-\d{2}-\d{2})(?-u:\b)\s*").expect("date prefix regex")
});
static STAMP: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?i)(?:(?:story|article|page)\s+)?(updated|last updated|last modified|published|first published|posted|modified|stand|aktualisiert|veröffentlicht|publiziert|erschienen|publié|mis à jour|publicado|actualizado|pubblicato|aggiornato|publisert|oppdatert|sist oppdatert|publicerad|uppdaterad|publikacja|aktualizacja)(?:\s+(?:on|at|am|um|le|el|il|den|dnia))?(?:\s+[\w.-]+\.[a-z]{2,4}\s+on)?\s*:?\s+(.{4,80})$")
        .expect("stamp regex")
});
static READING_TIME: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^\d+\s*(?:-\s*)?min(?:ute)?s?\.?\s+read$").expect("reading time regex")
});
/// `CNN -` alone on a line.
static SOURCE_LINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^([A-Z][A-Za-z.&]{1,20}(?: [A-Z][A-Za-z.&]{1,20}){0,2})\s*-$")
        .expect("source line regex")
});
/// A wire service's advisory above a revised story: `(Updates with new quotes)`, `(Adds
/// comment from the ministry, paragraphs 5-6)`, `(Corrects spelling of name)`.
static ADVISORY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\((?i:updates|adds|recasts|rewrites|corrects|refiles|repeats|changes|fixes|inserts|removes|clarifies|writes through|releads|new lead)\b[^()]{0,200}\)$")
        .expect("advisory regex")
});
/// `(CNN)` at the start of the lede.
static PAREN_SOURCE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\(([A-Z][A-Za-z.&]{1,15})\)\s*-?\s*").expect("paren source regex")
});
/// `BEIRUT - `, `SALVADOR, Feb 26 - `, `WASHINGTON (Reuters) - `, `NEW YORK, March 3 (AP) - `.
static DATELINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^([A-Z][A-Z.'’]{2,}(?:[ -][A-Z][A-Z.'’]+){0,3})(?:,\s*[A-Z][A-Za-z.]+(?:\.?\s+\d{1,2})?)?\s*(?:\(([A-Za-z][A-Za-z .&]{1,20})\))?\s+-{1,2}\s*",
    )
    .expect("dateline regex")
});

/// Words that mark the last part of a byline as the outlet (`…, CNN`, `…, Associated Press`).
const OUTLET_WORDS: &[&str] = &[
    "news",
    "press",
    "reuters",
    "times",
    "post",
    "agency",
    "associated",
    "bloomberg",
    "herald",
    "journal",
    "tribune",
    "guardian",
    "bbc",
    "cnn",
    "network",
    "media",
    "wire",
    "daily",
    "online",
    "telegraph",
    "gazette",
    "afp",
    "ap",
    "upi",
    "dpa",
    "chronicle",
    "xinhua",
    "yonhap",
    "kyodo",
    "ansa",
    "efe",
    "tass",
    "interfax",
];
/// Words that mark a byline part as a job title, not a name (`Staff Writer`).
const ROLE_WORDS: &[&str] = &[
    "writer",
    "correspondent",
    "reporter",
    "editor",
    "staff",
    "contributor",
    "columnist",
    "bureau",
    "chief",
];

/// Lines at the top that may hold header fields before the story starts.
const HEADER_ZONE: usize = 12;
/// How many lede paragraphs may carry a dateline.
const DATELINE_ZONE: usize = 5;

/// Takes header fields out of the first lines of a text and returns the remaining body lines.
pub fn extract(mut lines: Vec<String>, header: &mut Header) -> Vec<String> {
    let mut body = Vec::with_capacity(lines.len());
    let mut in_header = true;
    let mut seen_content = 0;
    for i in 0..lines.len() {
        let line = std::mem::take(&mut lines[i]);
        if !in_header
            && i < HEADER_ZONE
            && opens_with_by(&line)
            && before_byline(&body)
            && is_byline(&line)
            && story_follows(&lines[i + 1..])
        {
            // The byline comes before the story: what the body holds so far is a kicker, a
            // deck or a notice above it (`There is a more recent version of this article.`).
            // Header lines among them (a stamp, a second byline) are recorded as they go.
            for above in body.drain(..) {
                take_header_line(&above, header, 0);
            }
            take_header_line(&line, header, 0);
            in_header = true;
            seen_content = 0;
            continue;
        }
        if !in_header || i >= HEADER_ZONE {
            in_header = false;
            // Past the header zone, a line that is only a date or a publication stamp is the
            // page's furniture (a timestamp under a photo, a teaser's date), never story text.
            if !is_stamp(&line) {
                body.push(line);
            }
            continue;
        }
        // The scraper's ` date YYYY-MM-DD` line, which may run into the next line's text.
        // (The `starts_with` only skips the regex on lines it could not match.)
        let dated = line.starts_with("date ") && header.date_line.is_none();
        let line = match dated.then(|| DATE_PREFIX.captures(&line)).flatten() {
            Some(c) => {
                header.date_line = dates::parse(&c[1]);
                line[c.get(0).map_or(0, |m| m.end())..].to_string()
            }
            _ => line,
        };
        let line = match chrome::strip_prefix(&line) {
            stripped if stripped.len() == line.len() => line,
            stripped => stripped.to_string(),
        };
        if line.is_empty()
            || take_header_line(&line, header, seen_content)
            || chrome::is_chrome(&line)
        {
            continue;
        }
        seen_content += 1;
        if header.title.is_none() && seen_content == 1 && looks_like_headline(&line) {
            // A headline is followed, past header lines and chrome, by running text.
            let next = lines[i + 1..].iter().find(|l| !is_header_or_chrome(l));
            if next.is_some_and(|n| looks_like_paragraph(n)) {
                header.title = Some(line);
                continue;
            }
        }
        in_header = false;
        body.push(line);
    }
    strip_datelines(&mut body, header);
    body.retain(|p| !p.is_empty());
    body
}

/// Lines above a byline that can only be a page's header: at most [`MAX_ABOVE_BYLINE`] lines,
/// none of them longer than [`MAX_WORDS_ABOVE_BYLINE`] words.
fn before_byline(body: &[String]) -> bool {
    !body.is_empty()
        && body.len() <= MAX_ABOVE_BYLINE
        && body
            .iter()
            .all(|l| l.split_whitespace().nth(MAX_WORDS_ABOVE_BYLINE).is_none())
}

/// How many lines of kicker, deck or notice may stand above a byline, and the most words each.
const MAX_ABOVE_BYLINE: usize = 3;
const MAX_WORDS_ABOVE_BYLINE: usize = 60;

/// Whether `line` opens with `by` in any case: every byline does ([`classify`]), and most lines
/// do not, so the tests around a byline are spared on them.
fn opens_with_by(line: &str) -> bool {
    line.as_bytes()
        .get(..2)
        .is_some_and(|b| b.eq_ignore_ascii_case(b"by"))
}

/// What follows `By ` on a byline line: `by` in any case, white space, then 2 to 151
/// characters on one line, the first not a space. (By hand, not a regex: a bounded repeat of
/// any character made each test cost some ten thousand instructions.)
fn after_by(line: &str) -> Option<&str> {
    let rest = line.get(2..).filter(|_| opens_with_by(line))?;
    let names = rest.trim_start();
    let chars = names.chars().count();
    (names.len() < rest.len() && (2..=151).contains(&chars) && !names.contains('\n'))
        .then_some(names)
}

/// A byline that opens a story, not a photographer's credit (`By John Smith, Staff
/// Photographer`).
fn is_byline(line: &str) -> bool {
    if !opens_with_by(line) {
        return false;
    }
    let Some(HeaderLine::Byline { authors, .. }) = classify(line) else {
        return false;
    };
    // `By The Numbers` is a subhead: a name does not open with an article.
    !words_lower(line).any(|w| w.starts_with("photo"))
        && authors
            .iter()
            .all(|a| !a.starts_with("The ") || is_outlet(a))
}

/// Whether the story starts after a byline: past header lines and chrome, one of the next
/// three lines reads as running text (a dateline such as `LONDON` may stand before it). A
/// byline closing a short story is followed by no such line.
fn story_follows(rest: &[String]) -> bool {
    rest.iter()
        .take(HEADER_ZONE)
        .filter(|l| !is_header_or_chrome(l))
        .take(3)
        .any(|l| looks_like_paragraph(l))
}

/// Takes the header lines that open `lines` (bylines, stamps, credit lines, wire advisories),
/// recording them as [`extract`] does. For a body whose chrome above these lines was trimmed
/// after [`extract`] ran (by the edge model): its header zone ended at that chrome.
pub fn take_leading(mut lines: Vec<String>, header: &mut Header) -> Vec<String> {
    // A kicker, deck or notice above a byline goes with it, as in [`extract`].
    if let Some(k) = (1..=MAX_ABOVE_BYLINE.min(lines.len().saturating_sub(1)))
        .find(|&k| is_byline(&lines[k]))
        .filter(|&k| before_byline(&lines[..k]) && story_follows(&lines[k + 1..]))
    {
        for above in lines.drain(..k) {
            take_header_line(&above, header, 0);
        }
    }
    let mut n = 0;
    while n < HEADER_ZONE.min(lines.len()) && take_header_line(&lines[n], header, 0) {
        n += 1;
    }
    lines.drain(..n);
    lines
}

/// A date, publication stamp or reading time alone on a line: after the stamp word, nothing
/// but the date (`Updated figures released on March 3 showed …` is story). Such lines are short
/// and hold a digit, which spares running text the regexes.
fn is_stamp(line: &str) -> bool {
    line.len() <= 120
        && line.bytes().any(|b| b.is_ascii_digit())
        && (bare_date(line).is_some()
            || is_reading_time(line)
            || stamp(line).is_some_and(|c| bare_date(c[2].trim()).is_some()))
}

/// Running text: eight words or more, or a sentence's end.
fn looks_like_paragraph(line: &str) -> bool {
    line.split_whitespace().nth(7).is_some() || line.ends_with(['.', '!', '?', '"', '\''])
}

/// A line the header zone consumes or drops, judged without recording anything.
fn is_header_or_chrome(line: &str) -> bool {
    let line = DATE_PREFIX.replace(line, "");
    let line = chrome::strip_prefix(&line);
    line.is_empty() || classify(line).is_some() || chrome::is_chrome(line)
}

/// A line of the header zone, recognized.
enum HeaderLine {
    ReadingTime,
    Stamp {
        updated: bool,
        ts: Timestamp,
    },
    Byline {
        authors: Vec<String>,
        source: Option<String>,
    },
    /// `CNN -` alone on a line.
    Source(String),
    /// A line that is only a date (`28/12/2006 - 18:32:11`): the publication date when the
    /// page gave none.
    BareDate(Timestamp),
    /// A byline's second line (`Associated Press Writer`, `AP Business Writer`, `Staff
    /// Writer`) or a wire advisory (`(Updates with new quotes)`): dropped, nothing recorded.
    Credit,
}

/// What kind of header line `line` is, if any. Pure: [`take_header_line`] records it, the
/// headline lookahead only asks.
fn classify(line: &str) -> Option<HeaderLine> {
    // Each regex below runs only on lines whose first or last byte it could match: most lines
    // are running text, and these tests are exact, not heuristics.
    if is_reading_time(line) {
        return Some(HeaderLine::ReadingTime);
    }
    if let Some(c) = stamp(line)
        && let Some(ts) = dates::parse(&c[2])
    {
        let kind = c[1].to_lowercase();
        return Some(HeaderLine::Stamp {
            updated: [
                "updated",
                "modified",
                "stand",
                "aktualis",
                "mis à jour",
                "actualizado",
                "aggiornato",
                "oppdatert",
                "uppdaterad",
                "aktualizacja",
            ]
            .iter()
            .any(|w| kind.contains(w)),
            ts,
        });
    }
    if let Some(names) = after_by(line)
        && let Some((authors, source)) = parse_byline(names)
    {
        return Some(HeaderLine::Byline { authors, source });
    }
    if let Some(ts) = bare_date(line) {
        return Some(HeaderLine::BareDate(ts));
    }
    if is_credit(line) || (line.starts_with('(') && ADVISORY.is_match(line)) {
        return Some(HeaderLine::Credit);
    }
    if !line.ends_with('-') {
        return None;
    }
    SOURCE_LINE
        .captures(line)
        .map(|c| HeaderLine::Source(c[1].to_string()))
}

/// `5 min read`. A line opening with no digit (`\d` takes other scripts' digits too) is
/// spared the regex.
fn is_reading_time(line: &str) -> bool {
    line.as_bytes()
        .first()
        .is_some_and(|&b| b.is_ascii_digit() || !b.is_ascii())
        && READING_TIME.is_match(line)
}

/// The groups of a [`STAMP`] line. Its words open with one of the letters below, in any case
/// (a non-ASCII first byte is let through: case-blind matching takes `ſ` for `s`), and the
/// regex's plain test, which stops at the first byte that cannot match, comes before the
/// slower search for groups.
fn stamp(line: &str) -> Option<regex::Captures<'_>> {
    let first = *line.as_bytes().first()?;
    let may_open = !first.is_ascii() || b"saplumfevo".contains(&first.to_ascii_lowercase());
    (may_open && STAMP.is_match(line))
        .then(|| STAMP.captures(line))
        .flatten()
}

/// A byline's second line: two to five capitalized words, the last a job title
/// (`Writer`, `Correspondent`) and another an outlet's or a job's word (`Associated Press
/// Writer`, `AP Sports Writer`, `Staff Writer`); `The Ghost Writer` is a headline.
fn is_credit(line: &str) -> bool {
    if line.split_whitespace().nth(5).is_some() {
        return false; // more than five words: spared collecting them
    }
    let words: Vec<&str> = line
        .split_whitespace()
        .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()))
        .collect();
    let is = |list: &[&str], w: &str| {
        let w = w.to_lowercase();
        list.contains(&w.as_str()) || list.contains(&w.trim_end_matches('s'))
    };
    let Some((last, rest)) = words.split_last() else {
        return false;
    };
    (2..=5).contains(&words.len())
        && words.iter().all(|w| w.starts_with(char::is_uppercase))
        && is(ROLE_WORDS, last)
        && rest
            .iter()
            .any(|w| is(OUTLET_WORDS, w) || is(ROLE_WORDS, w))
}

/// Words a date line may hold besides numbers (compared lower-case): months, weekdays, am/pm
/// (`a.m.` too), `at`, time zones; German weekdays, months and `um … Uhr` (ASCII only: `März`
/// cannot be on a bare date line).
const DATE_WORDS: &str = "jan january feb february mar march apr april may jun june jul july \
    aug august sep sept september oct october nov november dec december mon monday tue tues \
    tuesday wed wednesday thu thur thurs thursday fri friday sat saturday sun sunday am pm a p m \
    at utc gmt est edt et cst cdt ct mst mdt mt pst pdt pt bst cet cest us eastern central \
    mountain pacific \
    montag dienstag mittwoch donnerstag freitag samstag sonntag januar februar mai juni juli \
    oktober dezember um uhr";

/// [`DATE_WORDS`], compared case-blind without a lower-cased copy.
fn is_date_word(word: &str) -> bool {
    static WORDS: LazyLock<HashSet<&'static str>> =
        LazyLock::new(|| DATE_WORDS.split_ascii_whitespace().collect());
    let mut buf = [0u8; 12];
    let Some(lower) = buf.get_mut(..word.len()) else {
        return false; // longer than any date word
    };
    lower.copy_from_slice(word.as_bytes());
    lower.make_ascii_lowercase();
    std::str::from_utf8(lower).is_ok_and(|w| WORDS.contains(w))
}

/// A short line made of nothing but a date and time: numbers and separators (`28/12/2006 -
/// 18:32:11`, `2017-03-02T22:43:00Z`), ordinals, month and weekday names, am/pm, time zones.
fn bare_date(line: &str) -> Option<Timestamp> {
    if line.len() > 60
        || !line.bytes().any(|b| b.is_ascii_digit())
        || !line
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b" ,|/.:-+()".contains(&b))
    {
        return None;
    }
    let b = line.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if !b[i].is_ascii_alphabetic() {
            i += 1;
            continue;
        }
        let start = i;
        while i < b.len() && b[i].is_ascii_alphabetic() {
            i += 1;
        }
        let word = &line[start..i];
        let after_digit = start > 0 && b[start - 1].is_ascii_digit();
        let ok = is_date_word(word)
            || (after_digit
                && ["st", "nd", "rd", "th", "t", "z"]
                    .iter()
                    .any(|s| word.eq_ignore_ascii_case(s)));
        if !ok {
            return None;
        }
    }
    dates::parse(line)
}

/// Recognizes one header line and records it; `false` leaves the line in the body. A bare
/// source line counts only before the story's second line of content.
fn take_header_line(line: &str, header: &mut Header, seen_content: usize) -> bool {
    match classify(line) {
        None => false,
        Some(HeaderLine::ReadingTime) => true,
        Some(HeaderLine::Stamp { updated: true, ts }) => {
            header.updated = max_ts(header.updated, ts);
            true
        }
        Some(HeaderLine::Stamp { updated: false, ts }) => {
            header.published = min_ts(header.published, ts);
            true
        }
        Some(HeaderLine::Byline { authors, source }) => {
            for a in authors {
                if !header.authors.contains(&a) {
                    header.authors.push(a);
                }
            }
            if header.source.is_none() {
                header.source = source;
            }
            true
        }
        Some(HeaderLine::Source(name)) if seen_content <= 1 => {
            header.source.get_or_insert(name);
            true
        }
        Some(HeaderLine::Source(_)) => false,
        Some(HeaderLine::BareDate(ts)) => {
            header.published.get_or_insert(ts);
            true
        }
        Some(HeaderLine::Credit) => true,
    }
}

fn min_ts(cur: Option<Timestamp>, new: Timestamp) -> Option<Timestamp> {
    Some(cur.map_or(new, |c| c.min(new)))
}

fn max_ts(cur: Option<Timestamp>, new: Timestamp) -> Option<Timestamp> {
    Some(cur.map_or(new, |c| c.max(new)))
}

/// A headline: a short line of a few capitalized words that does not end like a sentence.
pub fn looks_like_headline(line: &str) -> bool {
    let words = line.split_whitespace().count();
    (2..=25).contains(&words)
        && line.len() <= 250
        && !line.ends_with(['.', ',', ';', ':'])
        && line
            .chars()
            .next()
            .is_some_and(|c| c.is_uppercase() || c.is_numeric() || c == '"' || c == '\'')
}

/// Words of four letters or more, lower-cased: what a headline shares with its story's start.
fn long_words(text: &str) -> HashSet<String> {
    words_lower(text)
        .filter(|w| w.chars().count() >= 4)
        .collect()
}

/// Words of the story's start that a short title is checked against.
const LEDE_WORDS: usize = 150;

/// Whether a text's letters are all Latin (below U+0250): its words are found by spaces, as the
/// site-name tests on titles compare them.
pub fn is_latin(text: &str) -> bool {
    text.chars()
        .all(|c| !c.is_alphabetic() || (c as u32) < 0x250)
}

/// A page title of one or two words that shares no word with the start of the story is a
/// site's or section's name (`Ottawa Recorder`, `Advertiser links`, `Entertainment`), not a
/// headline: it is dropped. (Longer titles are judged corpus-wide, by how many unrelated
/// documents carry them.) Latin-script titles only, whose words are found by spaces.
pub fn drop_short_site_title(lines: &[String], header: &mut Header) {
    let Some(title) = header.title.as_deref() else {
        return;
    };
    if !is_latin(title) || title.split_whitespace().nth(2).is_some() {
        return;
    }
    let mut lede = String::new();
    let mut n = 0;
    for line in lines {
        if n >= LEDE_WORDS {
            break;
        }
        lede.push_str(line);
        lede.push(' ');
        n += line.split_whitespace().count();
    }
    // A word is found when a word of the lede holds it, or it holds one of five letters or more
    // (compounds: `Batteriespeicher` and `Speicher`).
    let lede_words = long_words(&lede);
    let found = |w: &String| {
        lede_words
            .iter()
            .any(|l| l.contains(w.as_str()) || (l.chars().count() >= 5 && w.contains(l.as_str())))
    };
    let title_words = long_words(title);
    if n > 0 && !title_words.is_empty() && !title_words.iter().any(found) {
        header.title = None;
    }
}

/// A date glued to or written after a name (`Associated PressDecember 29, 2006`,
/// `Wednesday, January 17, 2007`): everything from it on is cut.
static AUTHOR_DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)(?:(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday),?\s+(?:\d|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s*\d{1,2}\b|\d{1,2}\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\b|\d{4}-\d{2}-\d{2}|\d{1,2}:\d{2}).*$",
    )
    .expect("author date regex")
});
/// An agency, and a role, after a name, glued or not (`SARA KUGLERASSOCIATED PRESS WRITER`,
/// `LISA LEFF The Associated Press`, `Jane Doe, Staff Writer`): cut when a name precedes it.
static AUTHOR_ROLE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)(?:[\s,;|-]*(?:the\s*)?(?:associated\s+press|reuters|afp|ap|dpa|upi)(?:\s*(?:staff\s+|[a-z]+\s+)?(?:writer|correspondent|reporter)s?)?|\s*[,;|-]\s*(?:staff\s+|senior\s+|special\s+)?(?:writer|correspondent|reporter|editor|contributor)s?)\s*$",
    )
    .expect("author role regex")
});
/// A credit before the name (`Edited by Matt Schifrin`, `Sr. Designer: Seth Van Booven`).
static AUTHOR_CREDIT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)^(?:(?:edited|written|reported|compiled|photos?|text)\s+by:?\s+|[^:]{1,30}:\s+)",
    )
    .expect("author credit regex")
});
/// Page controls that land in byline slots; never a person.
const NOT_AUTHORS: &[&str] = &[
    "donate",
    "subscribe",
    "share",
    "menu",
    "home",
    "login",
    "log in",
    "sign in",
    "search",
    "advertisement",
    "comments",
    "print",
    "email",
    "more",
    "close",
    "follow",
    "staff",
    // A byline's word with no name after it.
    "by",
    "von",
    "por",
    "par",
    // Content systems' default accounts.
    "administrator",
    "admin",
    "webmaster",
    "anonymous",
];

/// Last words of a company's name (`Bsoft Nepal Pvt. Ltd`, `Internet Broadcasting Systems,
/// Inc.`): a site's vendor or owner, never an article's author.
const COMPANY_SUFFIXES: &[&str] = &["ltd", "inc", "llc", "plc", "gmbh", "pvt", "corp"];

/// Whether `s` names a company by its legal form.
fn is_company(s: &str) -> bool {
    words_lower(s)
        .last()
        .is_some_and(|w| COMPANY_SUFFIXES.contains(&w.as_str()))
}

/// Cleans the authors a page gave: a leading "By" and bullet, a date and an agency role glued
/// on are cut; all-capital names are title-cased (`NICOLE URBANOWICZ` → `Nicole Urbanowicz`,
/// `JEFFREY McMURRAY` → `Jeffrey McMurray`); what is then not a name (a page control, a heading
/// ending in `:`, a bare number, a photo credit, a company and the one-word parts of its address
/// after it, a capitalized single word after a name that is no outlet: `Tacoma`) is dropped;
/// duplicates (ignoring case) are dropped.
pub fn tidy_authors(authors: &mut Vec<String>) {
    let mut out: Vec<String> = Vec::new();
    let mut after_company = false;
    for a in authors.drain(..) {
        if after_company && a.split_whitespace().nth(1).is_none() {
            continue; // `Süddeutsche.de GmbH, Munich, Germany`
        }
        if is_company(&a) {
            after_company = true;
            continue;
        }
        let t = a.trim_start_matches(|c: char| !c.is_alphanumeric());
        let t = ["by ", "by: ", "von ", "por ", "par "]
            .iter()
            .find_map(|p| {
                t.get(..p.len())
                    .filter(|h| h.eq_ignore_ascii_case(p))
                    .map(|_| &t[p.len()..])
            })
            .unwrap_or(t);
        let t = AUTHOR_CREDIT.replace(t, "");
        let t = AUTHOR_DATE.replace(&t, "");
        // An agency or role alone stays (it is what the page says); after a name it goes.
        // An agency after a space alone may be part of the name (`Le Figaro et AFP`): it goes
        // when glued on, after a separator or "The", or with a role.
        let cut = AUTHOR_ROLE.find(&t).filter(|m| {
            let tail = t[m.start()..].trim_start().to_lowercase();
            m.start() > 0
                && (t[m.start()..].starts_with(char::is_alphabetic)
                    || tail.starts_with([',', ';', '|', '-'])
                    || tail.starts_with("the")
                    || is_role(&tail))
        });
        let t = match cut {
            Some(m) => t[..m.start()].to_string(),
            None => t.to_string(),
        };
        let t = t.trim().trim_end_matches([',', ';', '|', '-', '/']).trim();
        let words = t.split_whitespace().count();
        if t.is_empty()
            || t.ends_with(':')
            || t.split_whitespace().any(|w| {
                w.chars().any(|c| c.is_ascii_digit()) && !w.chars().any(char::is_alphabetic)
            })
            || !t.chars().any(char::is_alphabetic)
            || words > 6
            || NOT_AUTHORS.iter().any(|n| t.eq_ignore_ascii_case(n))
        {
            continue;
        }
        // A place or an affiliation after a name (`By Gene Johnson, Tacoma, Washington`): one
        // capitalized word that is no acronym, no address and no outlet's name.
        if words == 1
            && out
                .last()
                .is_some_and(|p| p.split_whitespace().nth(1).is_some())
            && t.starts_with(char::is_uppercase)
            && t.chars().skip(1).all(char::is_lowercase)
            && !is_outlet(t)
        {
            continue;
        }
        // A photo credit is no byline (`AP Photo/Sang Tan`); `Text and photos by …` is.
        if words_lower(t).any(|w| w == "photo" || w == "photos")
            && !words_lower(t).any(|w| w == "by")
        {
            continue;
        }
        // Shouted names, not acronyms (`LBCI`): more than one word, mostly capitals.
        let t = if words > 1 && shouted(t) {
            title_case(t)
        } else {
            t.to_string()
        };
        if !out.iter().any(|x| x.eq_ignore_ascii_case(&t)) {
            out.push(t);
        }
    }
    *authors = out;
}

/// Wire-service flags that stand where an outlet's name would (`CORRECTION - …`).
const WIRE_FLAGS: &[&str] = &[
    "correction",
    "corrected",
    "revised",
    "update",
    "updated",
    "refile",
    "urgent",
    "advisory",
    "flash",
    "bulletin",
    "continued",
    "unch",
    "repeat",
    "adds",
];
/// A clock time (`10:47 PM ET`).
static CLOCK: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\b\d{1,2}:\d{2}\b").expect("clock regex"));

/// Country codes that stand in a dateline's parentheses where an agency's name would
/// (`LONDON (UK) -`).
const COUNTRY_CODES: &[&str] = &["uk", "u.k.", "us", "u.s.", "usa", "eu", "uae"];

/// Drops a source that cannot be an outlet or agency: a clock time, a wire flag, a country
/// code, an address (an `@`, more than six words); cuts a company's legal form (`Ltd.`,
/// `Inc.`). Digits alone are fine (`BR24`, `20 Minuten`, `9News`).
pub fn tidy_source(source: &mut Option<String>) {
    let bad = source.as_deref().is_some_and(|s| {
        CLOCK.is_match(s)
            || s.contains('@')
            || s.split_whitespace().count() > 6
            || WIRE_FLAGS.iter().any(|f| s.eq_ignore_ascii_case(f))
            || COUNTRY_CODES.iter().any(|c| s.eq_ignore_ascii_case(c))
    });
    if bad {
        *source = None;
    }
    // A company's legal form is no part of the outlet's name (`Contactmusic.com Ltd.`).
    if let Some(s) = source.as_mut()
        && is_company(s)
    {
        let name = s
            .trim_end_matches(|c: char| !c.is_alphanumeric())
            .trim_end_matches(char::is_alphanumeric)
            .trim_end_matches([' ', ',', '.']);
        *s = name.to_string();
        if s.is_empty() {
            *source = None;
        }
    }
}

/// Whether a name is written in capitals: every word in capitals, but for a `Mc`/`Mac` prefix
/// (`JEFFREY McMURRAY`, `JO McKAY`).
fn shouted(s: &str) -> bool {
    let mut any = false;
    for w in s.split_whitespace() {
        let letters = w.trim_matches(|c: char| !c.is_alphabetic());
        if letters.is_empty() {
            continue;
        }
        any = true;
        let rest = ["Mac", "Mc"]
            .iter()
            .find_map(|p| {
                letters
                    .strip_prefix(p)
                    .filter(|r| r.starts_with(char::is_uppercase))
            })
            .unwrap_or(letters);
        if rest.chars().any(char::is_lowercase) {
            return false;
        }
    }
    any
}

/// `NICOLE O'BRIEN-SMITH` → `Nicole O'Brien-Smith`; a word's own lower-case letters stay, and
/// the capital right after one (`McMURRAY` → `McMurray`, `MacARTHUR` → `MacArthur`).
fn title_case(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut start = true;
    let mut after_lower = false;
    for c in s.chars() {
        if start {
            out.extend(c.to_uppercase());
        } else if c.is_lowercase() || (after_lower && c.is_uppercase()) {
            out.push(c);
        } else {
            out.extend(c.to_lowercase());
        }
        after_lower = c.is_lowercase();
        start = !c.is_alphabetic();
    }
    out
}

/// Splits a byline (`Lonzo Cook and Hamdi Alkhshali, CNN`) into authors and an outlet.
/// Returns `None` when it does not look like a byline (`By the end of the year, …`).
pub fn parse_byline(s: &str) -> Option<(Vec<String>, Option<String>)> {
    let s = s.trim().trim_end_matches(['.', ',']);
    if s.split_whitespace().count() > 16 || s.ends_with(['!', '?']) {
        return None;
    }
    let mut parts: Vec<&str> = s
        .split([',', '|', ';'])
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect();
    let mut source = None;
    if parts.len() > 1 {
        let last = parts[parts.len() - 1];
        if is_outlet(last) {
            source = outlet_of(last);
            parts.pop();
        }
    }
    let mut authors = Vec::new();
    for part in parts {
        if is_role(part) {
            continue;
        }
        for name in part
            .split(" and ")
            .flat_map(|p| p.split(" & "))
            .flat_map(|p| p.split(" und "))
            .flat_map(|p| p.split(" og "))
        {
            let name = name.trim();
            if name.is_empty() {
                continue;
            }
            if !looks_like_name(name) {
                return None;
            }
            authors.push(name.to_string());
        }
    }
    if authors.is_empty() && source.is_none() {
        return None;
    }
    Some((authors, source))
}

fn words_lower(s: &str) -> impl Iterator<Item = String> + '_ {
    s.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
}

/// Whether a byline part names an outlet (`CBS`, `ABC News`, `The Associated Press`), not a
/// person: all capitals, or a word such as news, press, times, of five words at most.
pub fn is_outlet(s: &str) -> bool {
    let all_caps = s.chars().any(char::is_alphabetic) && !s.chars().any(char::is_lowercase);
    s.split_whitespace().count() <= 5
        && (all_caps
            || words_lower(s).any(|w| OUTLET_WORDS.contains(&w.as_str()))
            || s.split_whitespace().any(is_domain))
}

/// A web address's host without a scheme: `Phys.org`, `Salon.com` (a name's `Jr.` is not).
fn is_domain(word: &str) -> bool {
    word.rsplit_once('.').is_some_and(|(name, tld)| {
        name.chars().next_back().is_some_and(char::is_alphanumeric)
            && (2..=4).contains(&tld.len())
            && tld.bytes().all(|b| b.is_ascii_lowercase())
    })
}

/// The outlet in a byline's outlet part, without the job that follows it (`AP Medical Writer`
/// → `AP`, `Associated Press Writer` → `Associated Press`): its words up to the first that is
/// neither an outlet's word nor in capitals. `None` when that leaves nothing.
fn outlet_of(part: &str) -> Option<String> {
    if !is_role(part) {
        return Some(part.to_string());
    }
    let outlet: Vec<&str> = part
        .split_whitespace()
        .take_while(|w| {
            let bare = w.trim_matches(|c: char| !c.is_alphanumeric());
            let lower = bare.to_lowercase();
            !ROLE_WORDS.contains(&lower.as_str())
                && (OUTLET_WORDS.contains(&lower.as_str())
                    || (bare.chars().any(char::is_alphabetic)
                        && !bare.chars().any(char::is_lowercase)))
        })
        .collect();
    (!outlet.is_empty()).then(|| outlet.join(" "))
}

fn is_role(s: &str) -> bool {
    words_lower(s).any(|w| ROLE_WORDS.contains(&w.as_str()))
}

/// One to five words, each capitalized or a name particle.
fn looks_like_name(s: &str) -> bool {
    const PARTICLES: &[&str] = &[
        "de", "da", "del", "der", "van", "von", "al", "bin", "la", "le", "di", "du", "el",
    ];
    let words: Vec<&str> = s.split_whitespace().collect();
    (1..=5).contains(&words.len())
        && words.iter().all(|w| {
            w.chars().next().is_some_and(char::is_uppercase)
                || PARTICLES.contains(&w.to_lowercase().trim_end_matches(['-', '\'']))
                || w.starts_with("al-")
        })
}

/// Removes datelines at the start of the first paragraphs (`BEIRUT - `, `(CNN)`); the first one
/// found is recorded. All of them go, so normalizing the result again finds none.
fn strip_datelines(body: &mut [String], header: &mut Header) {
    for par in body.iter_mut().take(DATELINE_ZONE) {
        if let Some(c) = PAREN_SOURCE.captures(par) {
            let end = c.get(0).map_or(0, |m| m.end());
            header.source.get_or_insert_with(|| c[1].to_string());
            header
                .dateline
                .get_or_insert_with(|| format!("({})", &c[1]));
            *par = par[end..].to_string();
            continue;
        }
        if let Some(c) = DATELINE.captures(par) {
            let end = c.get(0).map_or(0, |m| m.end());
            if end < par.len() {
                header.dateline.get_or_insert_with(|| c[1].to_string());
                if let Some(src) = c.get(2) {
                    header
                        .source
                        .get_or_insert_with(|| src.as_str().to_string());
                }
                *par = par[end..].to_string();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_source_is_an_outlet_not_a_time_or_a_flag() {
        for (given, want) in [
            ("10:47 PM ET", None),
            ("CORRECTION", None),
            ("Continued", None),
            (
                "Age Concern England, Astral House, 1268 London Road, London SW16 4ER",
                None,
            ),
            ("press@example.org", None),
            ("UK", None),
            ("U.S.", None),
            ("UKTV", Some("UKTV")),
            ("Contactmusic.com Ltd.", Some("Contactmusic.com")),
            (
                "Example Broadcasting Systems, Inc.",
                Some("Example Broadcasting Systems"),
            ),
            ("Inc.", None),
            ("BR24", Some("BR24")),
            ("20 Minuten", Some("20 Minuten")),
            ("Reuters", Some("Reuters")),
        ] {
            let mut s = Some(given.to_string());
            tidy_source(&mut s);
            assert_eq!(s.as_deref(), want, "{given}");
        }
    }

    #[test]
    fn author_strings_are_cleaned_or_dropped() {
        let mut authors: Vec<String> = [
            "•Donate",
            "Wednesday, January 17, 2007",
            "More headlines:",
            "SARA KUGLERASSOCIATED PRESS WRITER",
            "By NICOLE URBANOWICZ",
            "Associated PressDecember 29, 2006",
            "Jane Doe, Staff Writer",
            "10:47 PM ET",
            "Sunday Oliseh",
            "LBCI",
            "Guardian staff reporter",
            "BR24 Redaktion",
            "nicole urbanowicz",
            "MARILYNN MARCHIONEAP Medical Writer",
            "LISA LEFF The Associated Press",
            "Edited by Matt Schifrin",
            "Sr. Designer: Seth Van Booven",
            "The Associated Press",
            "Le Figaro et AFP",
            "By",
            "Administrator",
            "Gene Johnson",
            "Tacoma",
            "Reuters",
            "AP Photo/SANG TAN",
            "JEFFREY McMURRAY",
            "GENERAL DOUGLAS MacARTHUR",
            "Bsoft Nepal Pvt. Ltd",
            "Example Media, Inc.",
            "Munich",
            "Ann Lee",
        ]
        .map(String::from)
        .to_vec();
        tidy_authors(&mut authors);
        assert_eq!(
            authors,
            [
                "Sara Kugler",
                "Nicole Urbanowicz",
                "Associated Press",
                "Jane Doe",
                "Sunday Oliseh",
                "LBCI",
                "Guardian staff reporter",
                "BR24 Redaktion",
                "Marilynn Marchione",
                "Lisa Leff",
                "Matt Schifrin",
                "Seth Van Booven",
                "The Associated Press",
                "Le Figaro et AFP",
                "Gene Johnson",
                "Reuters",
                "Jeffrey McMurray",
                "General Douglas MacArthur",
                "Ann Lee",
            ]
        );
    }

    #[test]
    fn byline_table() {
        let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        for (input, want) in [
            (
                "Lonzo Cook and Hamdi Alkhshali, CNN",
                Some((s(&["Lonzo Cook", "Hamdi Alkhshali"]), Some("CNN"))),
            ),
            (
                "Hamdi Alkhshali, CNN",
                Some((s(&["Hamdi Alkhshali"]), Some("CNN"))),
            ),
            (
                "Jane Doe, Associated Press Writer",
                Some((s(&["Jane Doe"]), Some("Associated Press"))),
            ),
            (
                "JANE DOE, AP Medical Writer",
                Some((s(&["JANE DOE"]), Some("AP"))),
            ),
            ("Bo Li , Phys.org", Some((s(&["Bo Li"]), Some("Phys.org")))),
            ("Jane Doe, Staff Writer", Some((s(&["Jane Doe"]), None))),
            (
                "Ana de la Cruz & Bo Li",
                Some((s(&["Ana de la Cruz", "Bo Li"]), None)),
            ),
            ("the end of the year, prices had doubled", None),
        ] {
            let got = parse_byline(input);
            let want = want.map(|(a, src)| (a, src.map(str::to_string)));
            assert_eq!(got, want, "{input}");
        }
        for (word, domain) in [
            ("Phys.org", true),
            ("Salon.com", true),
            ("Jr.", false),
            ("U.S", false),
        ] {
            assert_eq!(is_domain(word), domain, "{word}");
        }
    }

    #[test]
    fn header_lines_from_seed_patterns() {
        let lines: Vec<String> = [
            "date 2017-03-03 Russia: 1,000 ISIS casualties as Syrian troops retake Palmyra",
            "By Hamdi Alkhshali, CNN",
            "1 minute read",
            "Published 10:43 PM EST, Fri March 3, 2017",
            "CNN -",
            "At least 1,000 ISIS militants were killed, officials said Friday.",
            "By the end of the week, more had died.",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let mut h = Header::default();
        let body = extract(lines, &mut h);
        assert_eq!(
            h.title.as_deref(),
            Some("Russia: 1,000 ISIS casualties as Syrian troops retake Palmyra")
        );
        assert_eq!(h.authors, ["Hamdi Alkhshali"]);
        assert_eq!(h.source.as_deref(), Some("CNN"));
        assert_eq!(
            h.date_line.map(|t| t.to_string()).as_deref(),
            Some("2017-03-03")
        );
        assert_eq!(
            h.published.map(|t| t.to_string()).as_deref(),
            Some("2017-03-03T22:43:00-05:00")
        );
        assert_eq!(
            body,
            [
                "At least 1,000 ISIS militants were killed, officials said Friday.",
                "By the end of the week, more had died."
            ]
        );
    }

    #[test]
    fn lines_above_a_byline_are_the_pages_header() {
        let text = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        // Lines `extract` must leave as they are; the header it found.
        let kept = |lines: Vec<String>| {
            let mut h = Header::default();
            assert_eq!(extract(lines.clone(), &mut h), lines);
            h
        };
        // A notice and a photo caption above the byline go; the stamp under it is taken.
        let mut h = Header::default();
        let body = extract(
            text(&[
                "There is a more recent version of this article. View article history.",
                "Harbour workers clear debris on the quay in Portsmouth, Monday, Jan. 8, 2007.",
                "By JANE DOE, The Associated Press",
                "Jan 25, 2007",
                "The harbour reopened on Tuesday after the storm had closed it for a week.",
            ]),
            &mut h,
        );
        assert_eq!(h.authors, ["JANE DOE"]);
        assert_eq!(h.source.as_deref(), Some("The Associated Press"));
        assert!(h.published.is_some());
        assert_eq!(
            body,
            ["The harbour reopened on Tuesday after the storm had closed it for a week."]
        );
        // A paragraph of the story above a "By …" line is story: both stay.
        let story = text(&[
            "The harbour reopened on Tuesday after the storm had closed it for a week, and \
             the first ferries left within the hour, carrying the passengers who had waited \
             in the town's hotels since the weekend for the crossing to the island, where \
             the council had set up shelters in the school, the church hall and the old \
             cinema, and where volunteers had handed out food and blankets to the families \
             whose houses by the water were flooded.",
            "By John Smith",
            "More ferries are due on Wednesday.",
        ]);
        assert!(kept(story).authors.is_empty());
        // A byline closing a short story leaves it whole; so does a subhead read as a byline.
        let short = text(&[
            "The harbour reopened on Tuesday after the storm.",
            "The ferries left within the hour.",
            "By Jane Doe",
        ]);
        kept(short);
        let subhead = text(&[
            "The harbour reopened on Tuesday after the storm.",
            "By The Numbers",
            "Forty ferries left within the hour, carrying two thousand passengers.",
        ]);
        kept(subhead);
        // A stamp above the byline is recorded, after the edge trim too.
        let mut h = Header::default();
        let rest = take_leading(
            text(&[
                "Updated Jan 3, 2007",
                "Harbour reopens",
                "By Jane Doe",
                "The harbour reopened on Tuesday after the storm had closed it for a week.",
            ]),
            &mut h,
        );
        assert_eq!(rest.len(), 1, "{rest:?}");
        assert_eq!(h.authors, ["Jane Doe"]);
        assert!(h.updated.is_some());
        // Four lines above it are more than a header holds, though the story goes on after it.
        let four = text(&[
            "The harbour reopened on Tuesday.",
            "The ferries left within the hour.",
            "The town was relieved.",
            "The mayor thanked the crews.",
            "By John Smith",
            "More ferries are due on Wednesday, the harbour master said.",
        ]);
        assert!(kept(four).authors.is_empty());
    }

    #[test]
    fn a_story_stamp_may_name_the_site() {
        let mut h = Header::default();
        let body = extract(
            [
                "Story published at example.com on Wednesday, January 17, 2007",
                "Story last updated at 8:32 p.m. on Wednesday, January 17, 2007",
                "The harbour reopened on Tuesday after the storm had closed it for a week.",
            ]
            .map(String::from)
            .to_vec(),
            &mut h,
        );
        assert_eq!(
            h.published.map(|t| t.to_string()).as_deref(),
            Some("2007-01-17")
        );
        assert_eq!(
            h.updated.map(|t| t.to_string()).as_deref(),
            Some("2007-01-17T20:32:00")
        );
        assert_eq!(body.len(), 1, "{body:?}");
    }

    #[test]
    fn stamps_in_other_languages_and_past_the_header_zone() {
        let mut lines: Vec<String> = vec!["Stand: 22.04.2024, 06:00 Uhr".into()];
        lines.extend(
            (0..14).map(|i| format!("Paragraph {i} of the story, long enough to be text.")),
        );
        lines.insert(9, "Publikacja: 02.02.2025 21:52".into());
        lines.insert(12, "Freitag, 28.04.2023, 19:25".into());
        let story = "Updated figures released on March 3, 2024 showed unemployment rose.";
        lines.push(story.into());
        let mut h = Header::default();
        let body = extract(lines, &mut h);
        assert_eq!(
            h.updated.map(|t| t.to_string()).as_deref(),
            Some("2024-04-22T06:00:00")
        );
        assert_eq!(body.len(), 15, "{body:?}");
        assert_eq!(body.last().map(String::as_str), Some(story));
        assert!(body[..14].iter().all(|l| l.starts_with("Paragraph")));
    }

    #[test]
    fn a_short_title_sharing_no_word_with_the_lede_is_a_site_name() {
        let lede = [
            "The harbour reopened on Tuesday after the storm had closed it for a week.",
            "Battery storage kept the harbour lights on, the harbour master said.",
        ]
        .map(String::from);
        for (title, kept) in [
            ("Ottawa Recorder", false),
            ("Advertiser links", false),
            ("Harbour reopens", true),
            ("Storage", true),
            ("Harbourmaster", true),
            ("Ottawa Recorder Online", true),
            ("港湾", true),
        ] {
            let mut h = Header {
                title: Some(title.into()),
                ..Header::default()
            };
            drop_short_site_title(&lede, &mut h);
            assert_eq!(h.title.is_some(), kept, "{title}");
        }
        let mut h = Header {
            title: Some("Ottawa Recorder".into()),
            ..Header::default()
        };
        drop_short_site_title(&[], &mut h);
        assert!(h.title.is_some(), "no text to judge by");
    }

    #[test]
    fn credit_lines_and_wire_advisories_leave_the_header_zone() {
        let story = "The harbour reopened on Tuesday after the storm had closed it for a week.";
        let lines = [
            "(Updates with comment from the harbour master, paragraphs 4-5)",
            "By ANN LEE",
            "Associated Press Writer",
            story,
        ];
        let mut h = Header::default();
        let body = extract(lines.iter().map(|l| l.to_string()).collect(), &mut h);
        assert_eq!(body, [story]);
        assert_eq!(h.authors, ["ANN LEE"]);
        assert!(matches!(
            classify("Last modified on Wednesday, January 17, 2007 6:39 PM MST"),
            Some(HeaderLine::Stamp { updated: true, .. })
        ));
        for (line, credit) in [
            ("AP Sports Writer", true),
            ("Staff Writer", true),
            ("Reuters Correspondents", true),
            ("(Corrects spelling of name in paragraph 3)", true),
            ("The Ghost Writer", false),
            ("Associated Press", false),
            ("staff writer", false),
            ("(Updated figures follow in a table)", false),
            ("(Adds (nested) detail)", false),
        ] {
            assert_eq!(
                matches!(classify(line), Some(HeaderLine::Credit)),
                credit,
                "{line}"
            );
        }
    }

    #[test]
    fn bare_date_table() {
        for (line, want) in [
            ("28/12/2006 - 18:32:11", Some("2006-12-28T18:32:11")),
            ("Thu March 2, 2017", Some("2017-03-02")),
            (
                "March 2nd, 2017 | 10:43 PM ET",
                Some("2017-03-02T22:43:00-05:00"),
            ),
            ("26-FEB-1987 15:01:01.79", Some("1987-02-26T15:01:01")),
            ("2017-03-02T22:43:00Z", Some("2017-03-02T22:43:00Z")),
            ("2017", None),
            ("Talks resume on March 2, 2017", None),
            ("Mayday March 2, 2017", None),
            ("Freitag, 28.04.2023, 19:25", Some("2023-04-28T19:25:00")),
            ("28.04.2023 um 19:25 Uhr", Some("2023-04-28T19:25:00")),
            (
                "Jan 10, 2007 7:00 am US/Eastern",
                Some("2007-01-10T07:00:00"),
            ),
            ("Pacific Heights 2007", None),
        ] {
            assert_eq!(
                bare_date(line).map(|t| t.to_string()).as_deref(),
                want,
                "{line}"
            );
        }
    }

    #[test]
    fn dateline_table() {
        for (par, want_dateline, want_source, want_rest) in [
            (
                "BEIRUT - Syrian government forces recaptured Palmyra.",
                Some("BEIRUT"),
                None,
                "Syrian government forces recaptured Palmyra.",
            ),
            (
                "SALVADOR, Feb 26 - Showers continued throughout the week.",
                Some("SALVADOR"),
                None,
                "Showers continued throughout the week.",
            ),
            (
                "WASHINGTON (Reuters) - The talks failed.",
                Some("WASHINGTON"),
                Some("Reuters"),
                "The talks failed.",
            ),
            (
                "(CNN)Syrian government forces have recaptured the city.",
                Some("(CNN)"),
                Some("CNN"),
                "Syrian government forces have recaptured the city.",
            ),
            (
                "The US - China talks failed.",
                None,
                None,
                "The US - China talks failed.",
            ),
        ] {
            let mut h = Header::default();
            let mut body = vec![par.to_string()];
            strip_datelines(&mut body, &mut h);
            assert_eq!(h.dateline.as_deref(), want_dateline, "{par}");
            assert_eq!(h.source.as_deref(), want_source, "{par}");
            assert_eq!(body[0], want_rest, "{par}");
        }
    }

    /// The lines the guards in [`classify`] are judged on: header-like openings with arbitrary
    /// text after them, including other scripts' digits and spaces, `ſ` and line breaks.
    fn header_like_line() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::prelude::*;
        let head = prop::sample::select(vec![
            "",
            "by",
            "By ",
            "BY\t",
            "by\n",
            "bY ",
            "Updated ",
            "ſtory updated ",
            "posted on ",
            "5 min read",
            "٣ min read",
            "12 minutes read",
            "Veröffentlicht am ",
            "CNN -",
            "x",
        ]);
        let tail = "[a-zA-Z0-9 \u{a0}\u{2003}\n:,.\\-ſé٣]{0,170}";
        (head, tail).prop_map(|(h, t)| format!("{h}{t}"))
    }

    #[test]
    fn after_by_takes_two_to_151_characters_as_the_regex_did() {
        for n in [0, 1, 2, 150, 151, 152] {
            let names = "é".repeat(n);
            let want = (2..=151).contains(&n).then_some(names.as_str());
            assert_eq!(after_by(&format!("By  {names}")), want, "{n} characters");
        }
        assert_eq!(after_by("Byline of the day"), None);
        assert_eq!(after_by("by\u{a0}Jane Doe"), Some("Jane Doe"));
    }

    proptest::proptest! {
        #[test]
        fn hand_written_tests_agree_with_the_regexes_they_spare(line in header_like_line()) {
            // The regex `after_by` replaced.
            let byline = Regex::new(r"^(?i:by)\s+(\S.{1,150})$").unwrap();
            let want = byline.captures(&line).map(|c| c.get(1).unwrap().as_str());
            proptest::prop_assert_eq!(after_by(&line), want);
            // Each guard lets through every line its regex matches.
            if READING_TIME.is_match(&line) {
                proptest::prop_assert!(is_reading_time(&line));
            }
            proptest::prop_assert_eq!(stamp(&line).is_some(), STAMP.is_match(&line));
            if SOURCE_LINE.is_match(&line) {
                proptest::prop_assert!(classify(&line).is_some());
            }
        }
    }
}
