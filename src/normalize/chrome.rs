//! Site chrome inside one document: lines that are page furniture, not story.
//!
//! First the end of the story ([`cut_tail`]): a paywall line, a closing heading such as
//! "Most read" in the second half, or a rights notice with no paragraph after it ends the text.
//! Then three rules ([`remove`]): a built-in list of chrome lines (exact, case-insensitive), a
//! few patterns (`3 of 15`, `(8 Videos)`, `14 hours ago`, photo credits, share/cookie/subscribe
//! prompts), and lines repeated within the document (three or more copies: all go; two copies:
//! the second goes), except an HTML article's own subheads ([`remove_keeping`]). A data table's
//! cells reach this as one line per row. Text that recurs across many unrelated documents is
//! handled at corpus level (`template`).

use std::collections::HashMap;
use std::sync::LazyLock;

use regex::bytes::RegexSet;

/// Whole lines that are chrome, compared lower-case.
const CHROME_LINES: &[&str] = &[
    "hide caption",
    "show caption",
    "replay",
    "more videos ...",
    "more videos...",
    "more videos",
    "must watch",
    "just watched",
    "read more",
    "read more...",
    "story highlights",
    "breaking news",
    "advertisement",
    "advertisements",
    "ad",
    "sponsored",
    "sponsored content",
    "share",
    "share this",
    "share this article",
    "share this story",
    "share on facebook",
    "share on twitter",
    "tweet",
    "email",
    "print",
    "comments",
    "close",
    "skip to main content",
    "skip to content",
    "back to top",
    "enlarge this image",
    "toggle caption",
    "next",
    "previous",
    "loading...",
    "related",
    "related stories",
    "related articles",
    "related content",
    "recommended",
    "most popular",
    "trending",
    "more from",
    "top stories",
    "photos",
    "video",
    "watch",
    "facebook",
    "twitter",
    "whatsapp",
    "linkedin",
    "newsletter",
    "tags",
    "topics",
    "[pr]",
    "please wait...",
    "teilen",
    "drucken",
    "e-mail",
    "feedback",
    "fehler melden",
    "abonnieren",
    "artikel teilen",
    "diesen artikel teilen",
    "partager",
    "compartir",
    "share this article in your social network",
    "story continues below",
    "story continues below advertisement",
    "article continues below",
    "recommended videos",
    "we apologize, but this video has failed to load.",
    "try refreshing your browser, or",
    "empfohlener redaktioneller inhalt",
    "passend zum artikel",
    "audio",
    "liveblog",
];

/// Prefixes that make a whole line chrome, compared lower-case.
const CHROME_PATTERNS: &[&str] = &[
    r"^\d{1,3} of \d{1,3}$",
    r"^\(\d+ (?:videos?|photos?|images?)\)$",
    r"^ie \d+ is not supported",
    r"^chat with us in facebook messenger",
    r"^(?:related|read more|see also|more|watch|listen|also read|read also|recommended|advertisement|sponsored)\s*:",
    r"^click (?:here|through) to ",
    r"^(?:photo|image|video|file photo)s?\s*:",
    r"^(?:foto|bild|image credit|photo credit)s?\s*:.{0,80}$",
    r"^\((?:image|photo) credit: [^)]*\)$",
    r"^\d{1,2} (?:min(?:ute)?s?|mins?|h|hrs?|hours?|days?) ago$",
    r"^\d{1,3}$",
    r"^advertisement \d{1,3}$",
    r"^aktuelle zeit:\s?\d",
    r"^duration \d{1,2}:\d{2}(?::\d{2})?$",
    r"^(?:quelle|source|fuente|kilde|källa)\s*:\s*\S.{0,40}$",
    r"^legende: ",
    r"^please (?:log ?in|sign ?in|sign ?up|login or sign ?up) to comment",
    r"^(?:follow|like) us on ",
    r"^sign up (?:for|to) ",
    r"^subscribe (?:to|now|for)",
    r"^(?:we|this (?:site|website)) uses? cookies",
    r"^by (?:using|continuing to use) (?:this|our) (?:site|website)",
    r"^(?:copyright|\(c\)|©)\s*(?:\d{4}|the )",
    r"^\d+ min(?:ute)?s? read$",
    r"^(?:updated|published|posted) \d+ (?:min(?:ute)?s?|hours?|days?) ago$",
    r"^(?:share|email|print|comment)(?: (?:this|on|via) \w+)?(?: \| (?:share|email|print|comment|tweet)\w*)+$",
];

static PATTERNS: LazyLock<RegexSet> = LazyLock::new(|| {
    // Lines are lower-cased before matching; ASCII classes keep the automaton small. Every
    // pattern is anchored at the start, so a line that begins no pattern is rejected at once
    // instead of being scanned for literals (lines ending in "all rights reserved" are found by
    // `ends_with`).
    RegexSet::new(CHROME_PATTERNS.iter().map(|p| format!("(?-u){p}"))).expect("chrome patterns")
});

/// A line saying the rest of the article is for subscribers: what follows it is the paywall's
/// sales pitch and the page's lists, never story (seen on fundus: Le Monde, Rzeczpospolita,
/// Chunichi Shimbun).
static PAYWALL: LazyLock<regex::Regex> = LazyLock::new(|| {
    regex::Regex::new(
        r"(?i)^(?:il vous reste \d+(?:[.,]\d+)?\s?% de cet article à lire|pozostało jeszcze \d+\s?% artykułu|この記事は(?:有料)?会員限定(?:記事)?です|the rest of this (?:article|story) is (?:for|available to|only available to) (?:subscribers|members))",
    )
    .expect("paywall regex")
});

/// Headings that open the page's own lists after the story, compared lower-case without a
/// trailing colon. Only these: "Related", "Read more" and "Mehr zum Thema" also head boxes in
/// the middle of articles (measured on fundus: cutting at them lost more than it gained).
const END_HEADINGS: &[&str] = &[
    "most read",
    "most popular",
    "most viewed",
    "about the author",
    "about the authors",
    "you may also like",
    "you might also like",
    "recommended for you",
    "meistgelesen",
    "meistgelesene artikel",
    "das könnte sie auch interessieren",
    "das könnte dich auch interessieren",
    "les plus lus",
    "lo más leído",
    "mais lidas",
    "mest lest",
    "mest läst",
    "【関連記事】",
    "こちらもおすすめ(自動検索)",
    "この記事を書いた人",
];

fn is_end_heading(line: &str) -> bool {
    line.len() <= 60
        && END_HEADINGS.contains(
            &line
                .trim_end_matches([':', '：', ' '])
                .to_lowercase()
                .as_str(),
        )
}

/// Where the story ends: at a paywall line ([`PAYWALL`]), at one of [`END_HEADINGS`] in the
/// second half of the text, or at the last rights notice (`… All Rights Reserved.`) when what
/// follows it reads as lists ([`only_lists_after`]). The rest is dropped; the first line always
/// stays.
pub fn cut_tail(mut lines: Vec<String>) -> Vec<String> {
    let half = lines.len() / 2;
    // Never at the first line: a text that would be left empty is kept whole.
    let end = lines.iter().enumerate().skip(1).find(|(i, l)| {
        l.len() <= MAX_CHROME_LEN && PAYWALL.is_match(l) || (*i >= half && is_end_heading(l))
    });
    if let Some((i, _)) = end {
        lines.truncate(i);
    }
    // A rights notice closes the article when nothing after it reads as its text (a photo
    // credit's notice in the middle of an article is followed by paragraphs).
    if let Some(i) = lines.iter().rposition(|l| is_rights_notice(l))
        && i >= 1
        && only_lists_after(&lines[i + 1..])
    {
        lines.truncate(i);
    }
    lines
}

/// Whether lines read as a page's lists rather than paragraphs: none of more than
/// [`MAX_WORDS_AFTER_NOTICE`] words, and fewer than [`MEAN_WORDS_AFTER_NOTICE`] a line.
fn only_lists_after(lines: &[String]) -> bool {
    let mut words = 0;
    for l in lines {
        let n = l.split_whitespace().count();
        if n > MAX_WORDS_AFTER_NOTICE {
            return false;
        }
        words += n;
    }
    words < MEAN_WORDS_AFTER_NOTICE * lines.len().max(1)
}

/// The longest line, in words, that may follow a rights notice the text ends at.
const MAX_WORDS_AFTER_NOTICE: usize = 40;
/// Lines after a rights notice the text ends at hold fewer words than this on average (ads and
/// link lists run to a few words a line; an article's paragraphs to twenty and more).
const MEAN_WORDS_AFTER_NOTICE: usize = 15;

/// A publisher's rights notice (`(© MMVII, CBS Broadcasting Inc. All Rights Reserved.)`,
/// `Copyright 2007 The Associated Press. All rights reserved.`).
fn is_rights_notice(line: &str) -> bool {
    const MARK: &str = "all rights reserved";
    let line = line.trim_end_matches(|c: char| !c.is_alphanumeric());
    line.len() <= 200
        && line.len() >= MARK.len()
        && line.is_char_boundary(line.len() - MARK.len())
        && line[line.len() - MARK.len()..].eq_ignore_ascii_case(MARK)
}

/// Labels that sometimes run into the first line of text (`Story highlights Control over …`).
const CHROME_PREFIXES: &[&str] = &["story highlights ", "breaking news ", "advertisement "];

/// True when the whole line is chrome by the built-in list or patterns.
pub fn is_chrome(line: &str) -> bool {
    line.len() <= MAX_CHROME_LEN && is_chrome_lower(&line.to_lowercase())
}

/// Lines longer than this (bytes) are never chrome.
const MAX_CHROME_LEN: usize = 300;

fn is_chrome_lower(lower: &str) -> bool {
    if lower.len() > MAX_CHROME_LEN {
        return false;
    }
    let lower = lower.trim_end_matches([' ', '|', '>', '\u{bb}']);
    CHROME_LINES.contains(&lower)
        || is_photo_credit(lower)
        || lower.trim_end_matches('.').ends_with("all rights reserved")
        || PATTERNS.is_match(lower.as_bytes())
}

/// Photo agencies a credit line ends with.
const PHOTO_AGENCIES: &[&str] = &[
    "ap photo",
    "afp",
    "reuters",
    "shutterstock",
    "epa",
    "tass",
    "ap",
    "dpa",
    "imago",
];

/// A short line ending in a photo agency: `… Getty Images`, `Name/AP`, `Name via Reuters`.
fn is_photo_credit(lower: &str) -> bool {
    if lower.len() > 120 || lower.contains(['!', '?']) {
        return false;
    }
    let l = lower.trim_end_matches(')');
    if l.ends_with("getty images") {
        return true;
    }
    PHOTO_AGENCIES.iter().any(|agency| {
        l.strip_suffix(agency)
            .is_some_and(|head| head.ends_with(['/', '\\']) || head.ends_with(" via "))
    })
}

/// Removes a chrome label that runs into the start of a line.
pub fn strip_prefix(line: &str) -> &str {
    for p in CHROME_PREFIXES {
        if line.len() > p.len()
            && line.is_char_boundary(p.len())
            && line[..p.len()].eq_ignore_ascii_case(p)
        {
            return line[p.len()..].trim_start();
        }
    }
    line
}

/// Drops chrome lines and repeated lines: a line seen three or more times is dropped entirely
/// (a repeated label), a line seen twice keeps its first copy (a caption printed twice).
pub fn remove(lines: Vec<String>) -> Vec<String> {
    remove_keeping(lines, &[])
}

/// [`remove`], except that every copy of a line in `subheads` (an article's own subheads,
/// recurring section by section: "What happened", "Ingredients") is kept unless it is chrome.
pub fn remove_keeping(lines: Vec<String>, subheads: &[String]) -> Vec<String> {
    // Each line is lower-cased once, into a reused buffer: hashed for the repeat counts (lines
    // are compared case-blind by that hash), and checked against the list and the patterns
    // when it is short enough to be chrome.
    let mut buf = String::new();
    let (keys, chrome): (Vec<u64>, Vec<bool>) = lines
        .iter()
        .map(|l| {
            let key = lower_hash(l, &mut buf);
            (key, l.len() <= MAX_CHROME_LEN && is_chrome_lower(&buf))
        })
        .unzip();
    let mut counts: HashMap<u64, u32> = HashMap::with_capacity(lines.len());
    for &k in &keys {
        *counts.entry(k).or_default() += 1;
    }
    let mut seen: std::collections::HashSet<u64> =
        std::collections::HashSet::with_capacity(lines.len());
    let subheads: std::collections::HashSet<u64> =
        subheads.iter().map(|l| lower_hash(l, &mut buf)).collect();
    let keep: Vec<bool> = keys
        .iter()
        .zip(chrome)
        .map(|(k, chrome)| !chrome && (subheads.contains(k) || counts[k] < 3 && seen.insert(*k)))
        .collect();
    lines
        .into_iter()
        .zip(keep)
        .filter_map(|(l, k)| k.then_some(l))
        .collect()
}

/// A hash of the lower-cased line; the lower-cased line is left in `buf`.
fn lower_hash(line: &str, buf: &mut String) -> u64 {
    buf.clear();
    if line.is_ascii() {
        buf.push_str(line);
        buf.make_ascii_lowercase();
    } else {
        buf.extend(line.chars().flat_map(char::to_lowercase));
    }
    xxhash_rust::xxh3::xxh3_64(buf.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chrome_table() {
        for (line, want) in [
            ("Hide Caption", true),
            ("1 of 15", true),
            ("15 of 15", true),
            ("(8 Videos)", true),
            ("MUST WATCH", true),
            ("More Videos ...", true),
            ("Read More", true),
            (
                "IE 11 is not supported. For an optimal experience visit our site on another browser.",
                true,
            ),
            (
                "Chat with us in Facebook Messenger. Find out what's happening in the world as it unfolds.",
                true,
            ),
            (
                "RELATED: ISIS beheads archaeology 'pioneer' in Palmyra",
                true,
            ),
            ("DEA/G.DAGLI ORTI/De Agostini/Getty Images", true),
            ("Valery Sharifulin\\TASS via Getty Images", true),
            (
                "Copyright 2007 The Associated Press. All rights reserved.",
                true,
            ),
            ("1 minute read", true),
            ("23 hrs ago", true),
            ("Advertisement", true),
            ("Click here to subscribe", true),
            ("One of the 15 victims was a child.", false),
            (
                "Palmyra is seen as strategically important to both sides.",
                false,
            ),
            (
                "Reuters reported that the talks failed, citing officials in Geneva.",
                false,
            ),
            ("The figures were confirmed by Reuters", false),
            ("John Smith/AP", true),
            ("Foto: Graeme Sloan (Getty)", true),
            ("(Image credit: Google)", true),
            ("Image credit: TechRadar (Image credit: Google)", true),
            ("Fotografen waren am Montag vor Ort.", false),
            ("14 hours ago", true),
            ("Duration 12:38", true),
            ("Story continues below", true),
            ("3", true),
            ("2024", false),
            (
                "BILD: Herr Minister, wann haben Sie von den Plänen erfahren, und warum haben Sie damals geschwiegen, als der Bericht erschien?",
                false,
            ),
            ("Advertisement 2", true),
            ("Quelle: AFP", true),
            (
                "Source: a senior official in the ministry who asked not to be named",
                false,
            ),
            ("1,250", false),
        ] {
            assert_eq!(is_chrome(line), want, "{line}");
        }
    }

    #[test]
    fn a_rights_notice_followed_by_no_paragraph_ends_the_text() {
        let lines = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let story = "The harbour reopened on Tuesday after the storm had closed it for a week.";
        let ads = lines(&[
            story,
            "(© MMVII, Example Broadcasting Inc. All Rights Reserved.)",
            "SPONSORED LINKS",
            "Low Refinance Rates in Springfield",
            "www.example-rates.com",
        ]);
        assert_eq!(cut_tail(ads), [story]);
        // A photo credit's notice between paragraphs is not the end.
        let long = "The ferries left within the hour, carrying the passengers who had waited in \
                    the town's hotels since the weekend for the crossing to the island, where \
                    the council had set up shelters in the school, the church hall and the old \
                    cinema for the families whose houses by the water were flooded.";
        let credit = lines(&[
            story,
            "Copyright 2026 The Associated Press. All rights reserved",
            long,
        ]);
        assert_eq!(cut_tail(credit.clone()), credit);
        // Nor when the paragraphs after it are short ones.
        let short = "The ferries left within the hour, carrying the passengers who had waited \
                     in the town's hotels since the weekend for the crossing.";
        let wire = lines(&[
            story,
            "Photo: Copyright 2007 The Associated Press. All rights reserved.",
            short,
            short,
            short,
        ]);
        assert_eq!(cut_tail(wire.clone()), wire);
    }

    #[test]
    fn paywall_line_or_end_heading_ends_the_text() {
        let lines = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let page = lines(&[
            "Le gouvernement a présenté son budget mardi.",
            "Il vous reste 57.09% de cet article à lire. La suite est réservée aux abonnés.",
            "Vous possédez déjà un compte ?",
        ]);
        assert_eq!(cut_tail(page.clone()), page[..1]);
        let japanese = lines(&[
            "気象庁は会見を開いた。",
            "この記事は会員限定です。",
            "中日プラスに登録すると",
        ]);
        assert_eq!(cut_tail(japanese.clone()), japanese[..1]);
        let free = lines(&[
            "A story that mentions paywalls and subscribers.",
            "More of it.",
        ]);
        assert_eq!(cut_tail(free.clone()), free);
    }

    #[test]
    fn prefix_table() {
        assert_eq!(
            strip_prefix("Story highlights Control over the city"),
            "Control over the city"
        );
        assert_eq!(strip_prefix("Breaking News"), "Breaking News");
        assert_eq!(strip_prefix("Storytelling matters"), "Storytelling matters");
    }

    #[test]
    fn repeated_lines() {
        let lines: Vec<String> = [
            "a caption",
            "x",
            "Photos: gallery",
            "a caption",
            "Photos: gallery",
            "y",
            "photos: gallery",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        assert_eq!(remove(lines), ["a caption", "x", "y"]);
    }
}
