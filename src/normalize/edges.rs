//! Chrome at either end of an extracted HTML body, by one small model over each edge line's
//! form rather than by its words: a closing author bio, a "more on this topic" teaser, a
//! newsletter or donation prompt, a photo caption or a section label reads differently from a
//! sentence of the article (shorter, fewer function words, no closing punctuation, more
//! capitals, separators). jusText judges blocks by their share of function words the same way.
//!
//! From each end, at most [`Model::lines`] lines are dropped while the model's probability of
//! chrome reaches the threshold; the first line it calls text stops the trim, so nothing in the
//! middle of an article is touched, and at least half of the body's characters stay.
//!
//! The weights are fitted by `cargo run --release --example fit_edges` on half A of
//! trafilatura-eval (split by site; lines holding a `without` snippet are chrome, lines holding
//! a `with` snippet are text) and judged on half B, which the fit never sees.

/// The most lines a model may look at from each end ([`Model::lines`]).
pub const EDGE_LINES: usize = 12;

/// Number of features (the first is the constant 1).
pub const FEATURES: usize = 12;

/// Names of the features, in the order of [`features`].
pub const FEATURE_NAMES: [&str; FEATURES] = [
    "bias",
    "log_chars",
    "sentence_end",
    "function_words",
    "capitalized",
    "digits",
    "separator",
    "tail",
    "edge_rank",
    "relative_length",
    "ends_colon",
    "link_like",
];

/// Short function words of the languages most news is written in (English, German, French,
/// Spanish, Italian, Portuguese, Dutch): their share tells running text from labels.
const FUNCTION_WORDS: &[&str] = &[
    "a", "al", "als", "an", "and", "are", "as", "at", "auf", "aus", "be", "but", "by", "con",
    "das", "de", "dei", "del", "della", "dem", "den", "der", "des", "det", "die", "do", "du",
    "een", "ein", "eine", "el", "en", "er", "es", "est", "et", "for", "from", "had", "has", "have",
    "he", "het", "his", "i", "il", "im", "in", "is", "ist", "it", "its", "la", "las", "le", "les",
    "lo", "los", "mit", "na", "nicht", "no", "não", "o", "of", "on", "op", "os", "per", "por",
    "que", "qui", "se", "she", "sich", "sie", "so", "su", "sur", "that", "the", "they", "this",
    "to", "um", "un", "una", "und", "une", "van", "von", "was", "we", "were", "which", "who",
    "will", "with", "zu",
];

/// An ASCII word of at most 7 bytes, lower-cased, as one integer: its bytes and its length, so
/// distinct words give distinct integers.
fn pack_lower(w: &str) -> u64 {
    let mut buf = [0u8; 8];
    buf[..w.len()].copy_from_slice(w.as_bytes());
    buf.make_ascii_lowercase();
    buf[7] = w.len() as u8;
    u64::from_le_bytes(buf)
}

/// [`FUNCTION_WORDS`] that are ASCII, packed by [`pack_lower`] and sorted.
fn packed_function_words() -> &'static [u64] {
    static PACKED: std::sync::LazyLock<Vec<u64>> = std::sync::LazyLock::new(|| {
        let mut v: Vec<u64> = FUNCTION_WORDS
            .iter()
            .filter(|w| w.is_ascii())
            .map(|w| pack_lower(w))
            .collect();
        v.sort_unstable();
        v
    });
    &PACKED
}

/// A logistic model over [`features`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Model {
    pub weights: [f64; FEATURES],
    /// A line is chrome when its probability reaches this.
    pub threshold: f64,
    /// Lines looked at from each end (at most [`EDGE_LINES`]).
    pub lines: usize,
}

/// Fitted by `cargo run --release --example fit_edges` (see the module's documentation): L2
/// penalty 1 and threshold 0.5, chosen by 5-fold cross-validation over half A's sites (snippet
/// F1 0.899 untrimmed, 0.906 trimmed); on the held-out half B, 0.886 → 0.893. In the order of
/// [`FEATURE_NAMES`]. Refitted on today's extraction (2026-12-07) the same command picks the same
/// setting with weights within 0.2 of these and the same scores at three decimals (half A
/// 0.907, half B 0.895, fundus body 0.9452), so these stay; looking deeper than 4 lines
/// cross-validates the same within 0.001 and is not taken (docs/extractors.md).
pub const SHIPPED: Model = Model {
    weights: [
        -0.0611, -0.4228, -1.1274, 0.0527, 0.8338, -0.0277, 0.5556, 1.0574, 1.4119, -1.8479,
        -0.2214, 2.1528,
    ],
    threshold: 0.5,
    lines: 4,
};

impl Default for Model {
    fn default() -> Self {
        SHIPPED
    }
}

impl Model {
    /// The probability that a line with these features is chrome.
    pub fn probability(&self, x: &[f64; FEATURES]) -> f64 {
        crate::logistic::probability(&self.weights, x)
    }
}

/// The length in bytes of the longest of `lines` (at least 1), as [`features`] takes it.
pub fn longest(lines: &[String]) -> usize {
    lines.iter().map(String::len).max().unwrap_or(1).max(1)
}

/// The features of one line of a body whose longest line is `longest` bytes, seen from the
/// head (`tail` false) or the tail, where it is the `rank`th line from that end (0: the
/// outermost).
pub fn features(line: &str, longest: usize, tail: bool, rank: usize) -> [f64; FEATURES] {
    let line = line.trim();
    let mut words = 0usize;
    let (mut function, mut capitalized) = (0usize, 0usize);
    let mut lower = String::new();
    for w in line.split_whitespace() {
        let w = w.trim_matches(|c: char| !c.is_alphanumeric());
        if w.is_empty() {
            continue;
        }
        words += 1;
        if w.chars().next().is_some_and(char::is_uppercase) {
            capitalized += 1;
        }
        // Function words are short: longer words need no lower-casing. An ASCII word is
        // lower-cased into one integer and looked up among the function words packed alike.
        if w.is_ascii() {
            if w.len() <= 7
                && packed_function_words()
                    .binary_search(&pack_lower(w))
                    .is_ok()
            {
                function += 1;
            }
        } else if w.len() <= 8 {
            lower.clear();
            lower.extend(w.chars().flat_map(char::to_lowercase));
            if FUNCTION_WORDS.binary_search(&lower.as_str()).is_ok() {
                function += 1;
            }
        }
    }
    let share = |n: usize| n as f64 / words.max(1) as f64;
    let chars = line.chars().count();
    let digits = line.chars().filter(char::is_ascii_digit).count();
    let last = line.trim_end_matches(['"', '\'', ')', ']']).chars().last();
    let separator = line.contains(['|', '•', '·', '»', '›', '©', '►', '→']);
    let link_like = line.contains("http") || line.contains("www.") || line.contains('@');
    [
        1.0,
        (1.0 + chars as f64).ln(),
        f64::from(u8::from(matches!(last, Some('.' | '!' | '?' | '…')))),
        share(function),
        share(capitalized),
        digits as f64 / chars.max(1) as f64,
        f64::from(u8::from(separator)),
        f64::from(u8::from(tail)),
        1.0 / (1.0 + rank as f64),
        line.len() as f64 / longest as f64,
        f64::from(u8::from(last == Some(':'))),
        f64::from(u8::from(link_like)),
    ]
}

/// How many lines to drop from the head and from the tail of `lines` (see the module's
/// documentation).
pub fn cut(lines: &[String], model: &Model) -> (usize, usize) {
    if lines.len() < 2 || model.threshold > 1.0 {
        return (0, 0);
    }
    let total: usize = lines.iter().map(String::len).sum();
    let mut budget = total / 2;
    let longest = longest(lines);
    let chrome = |i: usize, tail: bool, rank: usize| {
        model.probability(&features(&lines[i], longest, tail, rank)) >= model.threshold
    };
    let mut tail = 0;
    let most = model.lines.min(EDGE_LINES);
    while tail < most && lines.len() - tail > 1 {
        let i = lines.len() - 1 - tail;
        if lines[i].len() > budget || !chrome(i, true, tail) {
            break;
        }
        budget -= lines[i].len();
        tail += 1;
    }
    let mut head = 0;
    while head < most && lines.len() - tail - head > 1 {
        if lines[head].len() > budget || !chrome(head, false, head) {
            break;
        }
        budget -= lines[head].len();
        head += 1;
    }
    (head, tail)
}

/// The body's lines without the chrome the model finds at either end.
pub fn trim(mut lines: Vec<String>, model: &Model) -> Vec<String> {
    let (head, tail) = cut(&lines, model);
    lines.truncate(lines.len() - tail);
    lines.drain(..head);
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn function_words_are_sorted_for_the_binary_search() {
        assert!(FUNCTION_WORDS.windows(2).all(|w| w[0] < w[1]));
        // The ASCII ones fit the packed lookup.
        assert!(FUNCTION_WORDS.iter().all(|w| !w.is_ascii() || w.len() <= 7));
    }

    #[test]
    fn function_words_count_in_any_case_ascii_or_not() {
        // The, AND, der, Não: function words; Bridge and überall: not.
        let x = features("The AND der Não Bridge überall", 30, false, 0);
        assert_eq!(x[3], 4.0 / 6.0);
    }

    fn lines(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn a_sentence_and_a_label_differ_in_form() {
        let body = lines(&[
            "The council voted on Tuesday to close the bridge for repairs, which will take a year.",
            "Share this | Subscribe | Follow us",
        ]);
        let text = features(&body[0], longest(&body), false, 0);
        let label = features(&body[1], longest(&body), true, 0);
        assert_eq!(text[2], 1.0);
        assert_eq!(label[2], 0.0);
        assert!(text[3] > label[3]);
        assert_eq!(label[6], 1.0);
        assert_eq!(label[7], 1.0);
    }

    fn article() -> Vec<String> {
        lines(&[
            "Share this story | Email | Print",
            "The city council voted 7-2 on Tuesday to close the Elm Street bridge for a year of repairs, after engineers found cracks in two of its supports.",
            "Residents who cross it daily said the detour would add twenty minutes to their commute, and several asked the council to run extra buses.",
            "\"We cannot wait for it to fall down,\" said the mayor, who added that the work would start in March and that the state would pay most of the cost.",
            "The bridge, built in 1958, carries about 12,000 cars a day.",
            "More from Local News",
            "Follow us on Twitter: @citydesk http://example.com/follow",
        ])
    }

    #[test]
    fn the_shipped_model_trims_prompts_and_labels_at_the_ends_only() {
        let kept = trim(article(), &SHIPPED);
        let body = article();
        assert_eq!(kept, body[1..5].to_vec(), "{kept:#?}");
    }

    #[test]
    fn a_short_label_in_the_middle_is_never_touched() {
        let mut body = article();
        body.insert(2, "Related: Sign up for alerts".into());
        let kept = trim(body.clone(), &SHIPPED);
        assert!(kept.contains(&body[2]));
    }

    #[test]
    fn at_least_half_the_text_stays_and_one_line_always() {
        let always = Model {
            weights: [10.0; FEATURES],
            threshold: 0.5,
            lines: 4,
        };
        let body = article();
        let kept = trim(body.clone(), &always);
        let chars = |v: &[String]| v.iter().map(String::len).sum::<usize>();
        assert!(!kept.is_empty());
        assert!(chars(&kept) * 2 >= chars(&body), "{kept:#?}");
        assert_eq!(trim(lines(&["Only line"]), &always), lines(&["Only line"]));
        let never = Model {
            threshold: 1.5,
            ..SHIPPED
        };
        assert_eq!(trim(body.clone(), &never), body);
    }
}
