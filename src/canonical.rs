//! Stage 7: one record per story: the canonical version and fields merged from all members.
//!
//! The default rule picks the version that covers most of the story with the least chrome.
//! Coverage is how many of a version's shingles also occur in another member (so text unique to
//! one page, such as its chrome, does not count). Of the fullest version's near-duplicates that
//! carry the same text ([`SAME_TEXT_CONTAINMENT`]), when there are three or more, those within
//! [`COVERAGE_SLACK`] of the most story text compete, and the one with the least text of its
//! own (not the story's text, and its site template paragraphs) wins; ties broken by the story
//! text, coverage, the latest date, then by path. A story's text is what its versions share:
//! in a story of more than eight, what a quarter of its first [`STORY_TEXT_SAMPLE`] members
//! hold, so that chrome a few pages share is not. `longest`, `latest` and `earliest` are the
//! alternatives.

use std::collections::{HashMap, HashSet};

use rayon::prelude::*;
use xxhash_rust::xxh3::xxh3_64;

use crate::cluster::Group;
use crate::evidence::Evidence;
use crate::normalize::{Article, Timestamp, header};
use crate::shingle::Shingle;
use crate::verify::similarity;

/// How the canonical version of a story is chosen.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum CanonicalRule {
    /// Most shingles shared with other members; of near-duplicates with the same text within 5%
    /// of that, the least text of their own (three or more). Ties: coverage, latest date, path.
    #[default]
    Coverage,
    /// Most shingles (ties: latest date, then path).
    Longest,
    /// Latest date (ties: coverage, then path).
    Latest,
    /// Earliest date (ties: coverage, then path).
    Earliest,
}

/// A story's `published` and `updated` dates lie within this many days of its anchor date
/// (the canonical version's date when at least half of the dated members lie this near it,
/// else the members' median date).
pub const DATE_WINDOW_DAYS: i64 = 30;

/// Under the `coverage` rule, near-duplicates of the fullest version covering at least this much
/// less of the story (as a share of it) are not candidates; of the rest, the one with the least
/// text of its own wins. "Equal similarity", with room for a dropped caption or dateline.
pub const COVERAGE_SLACK: f64 = 0.05;

/// Containment in the fullest version (or of it) from which a near-duplicate carries the same
/// text, so that the text of its own can only be chrome (a caption, a dateline, a site's line
/// aside). An outlet's edit that added or dropped paragraphs shares less.
pub const SAME_TEXT_CONTAINMENT: f64 = 0.9;

/// Jaccard similarity to the canonical version from which a member is a `copy`.
pub const COPY_JACCARD: f64 = 0.9;

/// How a member relates to its story's canonical version.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Relation {
    /// The canonical version itself.
    Canonical,
    /// Near-identical text: Jaccard similarity of at least [`COPY_JACCARD`].
    Copy,
    /// A near-duplicate version, joined by text overlap (a trim, an edit, a re-scrape).
    Version,
    /// Another version of the story that shares less text (a write-thru, an outlet's rewrite),
    /// joined by story evidence.
    SameStory,
}

impl Relation {
    /// The name printed in the output.
    pub fn name(self) -> &'static str {
        match self {
            Relation::Canonical => "canonical",
            Relation::Copy => "copy",
            Relation::Version => "version",
            Relation::SameStory => "same_story",
        }
    }
}

/// One version inside a story.
#[derive(Debug, Clone, PartialEq)]
pub struct Member {
    pub doc: u32,
    /// Containment between this member and the canonical (1 for the canonical itself).
    pub similarity: f64,
    /// Jaccard similarity between this member and the canonical.
    pub jaccard: f64,
    pub relation: Relation,
    /// For a `same_story` member: how its version group joined the story (the evidence between
    /// its group's representative and the story's center group's, or for a member of the
    /// center's group, how the canonical's group joined).
    pub link: Option<crate::story::Link>,
    /// The member's title is a site or section name (carried by many otherwise unrelated
    /// documents), so it is printed as unknown.
    pub site_title: bool,
}

/// A story: its canonical member and merged fields. Plain data for the output stage.
#[derive(Debug, Clone, PartialEq)]
pub struct Story {
    pub id: String,
    pub canonical: u32,
    /// Sorted by path.
    pub members: Vec<Member>,
    pub title: Option<String>,
    pub published: Option<Timestamp>,
    pub updated: Option<Timestamp>,
    pub source: Option<String>,
    pub authors: Vec<String>,
}

impl Member {
    /// The member's own title as printed: when its page title is a site or section name, the
    /// page's headline element, if it has one.
    pub fn title<'a>(&self, article: &'a Article) -> Option<&'a str> {
        let h = &article.header;
        if self.site_title {
            h.headline.as_deref()
        } else {
            h.title.as_deref()
        }
    }
}

impl Story {
    /// The lowest similarity of any member to the canonical.
    pub fn weakest_similarity(&self) -> f64 {
        self.members
            .iter()
            .map(|m| m.similarity)
            .fold(1.0, f64::min)
    }
}

/// What this stage reads of every document, indexed by document number.
#[derive(Debug, Clone, Copy)]
pub struct Versions<'a> {
    /// Header fields and paths (bodies are not read here: they may have been dropped).
    pub articles: &'a [Article],
    /// XXH3-64 of each normalized body.
    pub body_hashes: &'a [u64],
    /// Sorted, deduplicated shingles.
    pub shingles: &'a [Vec<Shingle>],
    /// Each document's number of shingles before the templates stage took out those of its site
    /// template paragraphs: with the shared coverage, how much of its text is its own or its
    /// site's.
    pub full_sizes: &'a [u32],
    pub titles: Titles<'a>,
}

/// Which page titles are site or section names, not headlines.
#[derive(Debug, Clone, Copy)]
pub struct Titles<'a> {
    /// Each document's evidence, for its headline key.
    pub keys: &'a [Evidence],
    /// Headline keys carried by many unrelated documents ([`crate::story::Merged`]).
    pub site_names: &'a HashSet<u32>,
}

impl Titles<'_> {
    /// What document `d`'s title is: `None` for a site or section name, else whether it is a
    /// headline (long enough to have a headline key) or a shorter title.
    fn headline(&self, d: u32) -> Option<bool> {
        match self.key(d) {
            Some(k) if self.site_names.contains(&k) => None,
            key => Some(key.is_some()),
        }
    }

    /// Document `d`'s headline key (its normalized headline), if it has a headline.
    fn key(&self, d: u32) -> Option<u32> {
        self.keys.get(d as usize).and_then(Evidence::title_key)
    }
}

/// Builds the story records, ordered by their first member's path.
pub fn build(groups: &[Group], versions: Versions<'_>, rule: CanonicalRule) -> Vec<Story> {
    let articles = versions.articles;
    let mut stories: Vec<Story> = groups
        .par_iter()
        .map(|g| build_one(g, versions, rule))
        .collect();
    stories.sort_by(|a, b| {
        let pa = &articles[a.members[0].doc as usize].path;
        let pb = &articles[b.members[0].doc as usize].path;
        pa.cmp(pb).then_with(|| a.id.cmp(&b.id))
    });
    stories
}

fn build_one(group: &Group, versions: Versions<'_>, rule: CanonicalRule) -> Story {
    let Versions {
        articles,
        body_hashes,
        shingles,
        full_sizes,
        titles,
    } = versions;
    let Group {
        members: group,
        coverage,
        version,
        links,
    } = group;
    let score = |i: usize| {
        let d = group[i] as usize;
        let date = articles[d].header.all_dates().max();
        (coverage[i], shingles[d].len(), date)
    };
    let by_path = |x: usize, y: usize| {
        // Ties go to the smaller path (max_by keeps the last maximum, so reverse).
        articles[group[y] as usize]
            .path
            .cmp(&articles[group[x] as usize].path)
    };
    let fullest = (0..group.len())
        .max_by(|&x, &y| {
            let (cx, lx, dx) = score(x);
            let (cy, ly, dy) = score(y);
            let primary = match rule {
                CanonicalRule::Coverage => cx.cmp(&cy).then(dx.cmp(&dy)),
                CanonicalRule::Longest => lx.cmp(&ly).then(dx.cmp(&dy)),
                CanonicalRule::Latest => dx.cmp(&dy).then(cx.cmp(&cy)),
                CanonicalRule::Earliest => dy.cmp(&dx).then(cx.cmp(&cy)),
            };
            primary.then_with(|| by_path(x, y))
        })
        .unwrap_or(0);
    // Coverage: of the near-duplicates of the fullest version (its version group) that carry
    // the same text (`SAME_TEXT_CONTAINMENT`) and hold within `COVERAGE_SLACK` as much of the
    // story's text (`StoryText`), the one with the least text of its own or its site's
    // (shingles that are not the story's text, and those of its site template paragraphs: a
    // repost's ads, a site's teasers and notices). Only among three or more: of two
    // near-duplicates, one's own text is as likely the story the other was trimmed of as its
    // chrome. An outlet's edit (paragraphs added or dropped) and a version joined by story
    // evidence are no candidates: their own text is mostly story.
    let near: Vec<usize> = match rule {
        CanonicalRule::Coverage => (0..group.len())
            .filter(|&i| version[i] == version[fullest])
            .collect(),
        _ => Vec::new(),
    };
    let canonical_pos = if near.len() >= 3 {
        // Up to eight members, the story's text is what two members hold: the coverage.
        let story_text = (group.len() > STORY_TEXT_ABOVE).then(|| StoryText::of(group, shingles));
        let held: Vec<(usize, usize)> = near
            .into_iter()
            .map(|i| {
                let held = story_text
                    .as_ref()
                    .map_or(coverage[i], |t| t.held(&shingles[group[i] as usize]));
                (i, held)
            })
            .collect();
        let most = held.iter().map(|&(_, h)| h).max().unwrap_or(0);
        let floor = most as f64 * (1.0 - COVERAGE_SLACK);
        let fullest_set = &shingles[group[fullest] as usize];
        let same_text = |i: usize| {
            let (_, containment) = similarity(&shingles[group[i] as usize], fullest_set);
            containment >= SAME_TEXT_CONTAINMENT
        };
        let own = |i: usize, held: usize| {
            let d = group[i] as usize;
            let full = full_sizes.get(d).map_or(shingles[d].len(), |&n| n as usize);
            full.saturating_sub(held)
        };
        held.into_iter()
            .filter(|&(i, h)| h as f64 >= floor && (i == fullest || same_text(i)))
            .map(|(i, h)| (i, h, own(i, h)))
            .max_by(|&(x, hx, ox), &(y, hy, oy)| {
                let ((cx, _, dx), (cy, _, dy)) = (score(x), score(y));
                oy.cmp(&ox)
                    .then(hx.cmp(&hy))
                    .then(cx.cmp(&cy))
                    .then(dx.cmp(&dy))
                    .then_with(|| by_path(x, y))
            })
            .map_or(fullest, |(i, ..)| i)
    } else {
        fullest
    };
    let canonical = group[canonical_pos];
    let canon_set = &shingles[canonical as usize];

    let canon_version = version[canonical_pos];
    let link_of = |v: u32| links.get((v as usize).wrapping_sub(1)).copied();
    let mut members: Vec<Member> = group
        .iter()
        .zip(version)
        .map(|(&d, &v)| {
            if d == canonical {
                return Member {
                    doc: d,
                    similarity: 1.0,
                    jaccard: 1.0,
                    relation: Relation::Canonical,
                    link: None,
                    site_title: titles.headline(d).is_none(),
                };
            }
            let (jaccard, containment) = similarity(&shingles[d as usize], canon_set);
            let (relation, link) = if jaccard >= COPY_JACCARD {
                (Relation::Copy, None)
            } else if v == canon_version {
                (Relation::Version, None)
            } else if v == 0 {
                (Relation::SameStory, link_of(canon_version))
            } else {
                (Relation::SameStory, link_of(v))
            };
            Member {
                doc: d,
                similarity: containment,
                jaccard,
                relation,
                link,
                site_title: titles.headline(d).is_none(),
            }
        })
        .collect();
    members.sort_by(|a, b| {
        articles[a.doc as usize]
            .path
            .cmp(&articles[b.doc as usize].path)
    });

    let headers = || members.iter().map(|m| &articles[m.doc as usize].header);
    let canon_header = &articles[canonical as usize].header;
    // The headline most members carry when two or more carry it and the canonical's is
    // carried by fewer (one page's title can be its site's name, too rare in the corpus to be
    // known as one: "Times-News: Magicvalley.com, Twin Falls, ID"); else the canonical's
    // headline, else the headline most members carry. A site or section name ("Brandon Sun
    // Online") is never a story's title, and a title too short to be a headline ("Metro
    // Bulletin") is taken only when no member has a headline.
    let title_of = |d: u32, headline: bool| {
        (titles.headline(d) == Some(headline))
            .then(|| articles[d as usize].header.title.clone())
            .flatten()
    };
    let headline_keys = tally(
        members
            .iter()
            .filter(|m| titles.headline(m.doc) == Some(true))
            .filter_map(|m| titles.key(m.doc).map(|k| (k, ()))),
    );
    let title = outvoting(&headline_keys, titles.key(canonical).as_ref())
        .and_then(|&(key, ..)| {
            let holders = members.iter().filter(|m| titles.key(m.doc) == Some(key));
            most_common(holders.filter_map(|m| title_of(m.doc, true)))
        })
        .or_else(|| {
            [true, false].into_iter().find_map(|headline| {
                title_of(canonical, headline).or_else(|| {
                    most_common(members.iter().filter_map(|m| title_of(m.doc, headline)))
                })
            })
        })
        // No member has a title but site names: the headline element of the canonical's page
        // if it prints one, else the one most members print.
        .or_else(|| {
            let headline = |m: &Member| {
                m.site_title
                    .then(|| articles[m.doc as usize].header.headline.clone())
                    .flatten()
            };
            let canon = members.iter().find(|m| m.doc == canonical);
            canon
                .and_then(headline)
                .or_else(|| most_common(members.iter().filter_map(headline)))
        });
    // A member's title that shares no word with the story's headline is its site's name,
    // carried by too few documents to be known as one ("News From The Associated Press" over
    // "Surgery on girl raises ethical questions"), when its page's own headline element shares
    // one ("Surgery on Girl Raises Ethical Questions"), or, on a page with no such element,
    // when it shares none with the start of its own text nor with its names and numbers. A
    // story of one page keeps its title; so does a title in a script without spaces between
    // words, unless its page's headline element speaks against it.
    let story_words = title
        .as_deref()
        .and_then(|t| {
            members.iter().find(|m| {
                !m.site_title && articles[m.doc as usize].header.title.as_deref() == Some(t)
            })
        })
        .and_then(|m| titles.keys.get(m.doc as usize))
        .map_or(&[][..], Evidence::title_words);
    let site_named: Vec<bool> = members
        .iter()
        .map(|m| {
            let Some(e) = titles.keys.get(m.doc as usize) else {
                return false;
            };
            let header = &articles[m.doc as usize].header;
            let in_story =
                |words: Vec<u32>| words.iter().any(|w| story_words.binary_search(w).is_ok());
            if let (Some(title), Some(headline)) = (&header.title, &header.headline) {
                return !story_words.is_empty()
                    && !in_story(crate::evidence::headline_words(title))
                    && in_story(crate::evidence::headline_words(headline));
            }
            let shares = |set: &[u32]| e.title_words().iter().any(|w| set.binary_search(w).is_ok());
            if story_words.is_empty() || e.title_words().is_empty() || shares(story_words) {
                return false;
            }
            // Latin-script titles only, as for short site titles.
            let latin = header
                .title
                .as_deref()
                .is_some_and(crate::normalize::header::is_latin);
            latin && !e.title_in_text() && !shares(e.terms())
        })
        .collect();
    // Dates near the story's own: the canonical's date when at least half of the dated
    // members are near it, else the members' median date. One member with a wrong date (a
    // copyright year, an archive stamp), the canonical among them, cannot move the story's.
    let mut own: Vec<Timestamp> = headers().filter_map(|h| h.date()).collect();
    own.sort_by_key(Timestamp::sort_key);
    let within = |a: &Timestamp, t: &Timestamp| (t.days() - a.days()).abs() <= DATE_WINDOW_DAYS;
    let anchor = canon_header
        .date()
        .filter(|c| 2 * own.iter().filter(|t| within(c, t)).count() >= own.len())
        .or_else(|| own.get(own.len() / 2).copied());
    let near = |t: &Timestamp| anchor.is_some_and(|a| within(&a, t));
    let published = headers().flat_map(|h| h.all_dates()).filter(near).min();
    let updated = headers().flat_map(|h| h.all_dates()).filter(near).max();
    // As the title: the source most members name, when two or more name it and fewer name the
    // canonical's; else the canonical's, else the most named.
    let lower = |h: &crate::normalize::Header| h.source.as_ref().map(|s| s.to_lowercase());
    let sources = tally(headers().filter_map(|h| lower(h).map(|k| (k, ()))));
    let source = outvoting(&sources, lower(canon_header).as_ref())
        .and_then(|(key, ..)| {
            most_common(
                headers()
                    .filter(|h| lower(h).as_ref() == Some(key))
                    .filter_map(|h| h.source.clone()),
            )
        })
        .or_else(|| canon_header.source.clone())
        .or_else(|| most_common(headers().filter_map(|h| h.source.clone())));
    // One byline, never a union (on a story of a hundred pages, a union gathers every site's
    // template names): as for the title, the byline most members carry when two or more carry
    // it and fewer carry the canonical's, else the canonical's, else the most carried.
    let authors = byline(&canon_header.authors, headers().map(|h| &h.authors));
    for (m, site) in members.iter_mut().zip(site_named) {
        m.site_title |= site;
    }
    Story {
        id: story_id(group, body_hashes),
        canonical,
        members,
        title,
        published,
        updated,
        source,
        authors,
    }
}

/// The story's byline from the canonical's and the members' (see `build_one`). A byline naming
/// a person (two words or more, not an outlet's name) comes before one naming only outlets or
/// single words (`CBS`, `CBSNews`, `Administrator`), whatever their counts; but a byline only
/// one member carries does not replace the canonical's own. Bylines are
/// compared ignoring case; ties go to the first met.
fn byline<'a>(
    canonical: &'a [String],
    lists: impl Iterator<Item = &'a Vec<String>> + Clone,
) -> Vec<String> {
    let person = |l: &[String]| {
        l.iter()
            .any(|a| a.split_whitespace().nth(1).is_some() && !header::is_outlet(a))
    };
    let any_person = person(canonical) || lists.clone().any(|l| person(l));
    let allowed = |l: &[String]| !l.is_empty() && (!any_person || person(l));
    let key = |l: &[String]| -> Vec<String> { l.iter().map(|a| a.to_lowercase()).collect() };
    let counts = tally(lists.filter(|l| allowed(l)).map(|l| (key(l), l)));
    let own = allowed(canonical).then(|| key(canonical));
    if let Some(winner) = outvoting(&counts, own.as_ref()) {
        return winner.1.clone();
    }
    if !canonical.is_empty() {
        // The canonical's own byline, preferred when it names a person; one member's byline
        // alone does not outweigh it, even an outlet's.
        return canonical.to_vec();
    }
    most_carried(counts.iter())
        .map(|c| c.1.clone())
        .unwrap_or_default()
}

/// Counts keys, each with the first value met under it and its order of first meeting.
fn tally<K: std::hash::Hash + Eq + Clone, V>(
    items: impl Iterator<Item = (K, V)>,
) -> Vec<(K, V, usize, usize)> {
    let mut at: HashMap<K, usize> = HashMap::new();
    let mut counts: Vec<(K, V, usize, usize)> = Vec::new();
    for (k, v) in items {
        match at.get(&k) {
            Some(&i) => counts[i].2 += 1,
            None => {
                at.insert(k.clone(), counts.len());
                counts.push((k, v, 1, counts.len()));
            }
        }
    }
    counts
}

/// Of a [`tally`], the entry that two or more items carry, more of them than carry `own` (the
/// canonical's), the most carried first (ties: the first met). One member with another value
/// never outvotes the canonical; this is how a story's title, source and byline resist one
/// bad page.
fn outvoting<'c, K: Eq, V>(
    counts: &'c [(K, V, usize, usize)],
    own: Option<&K>,
) -> Option<&'c (K, V, usize, usize)> {
    let own = own
        .and_then(|o| counts.iter().find(|c| &c.0 == o))
        .map_or(0, |c| c.2);
    most_carried(counts.iter().filter(|c| c.2 >= 2 && c.2 > own))
}

/// Of [`tally`] entries, the most carried (ties: the first met).
fn most_carried<'c, K, V>(
    entries: impl Iterator<Item = &'c (K, V, usize, usize)>,
) -> Option<&'c (K, V, usize, usize)>
where
    K: 'c,
    V: 'c,
{
    entries.max_by(|a, b| a.2.cmp(&b.2).then(b.3.cmp(&a.3)))
}

fn most_common(items: impl Iterator<Item = String>) -> Option<String> {
    let mut counts: HashMap<String, usize> = HashMap::new();
    for s in items {
        *counts.entry(s).or_default() += 1;
    }
    counts
        .into_iter()
        .max_by(|a, b| a.1.cmp(&b.1).then_with(|| b.0.cmp(&a.0)))
        .map(|(s, _)| s)
}

/// The hash a story id is made of: XXH3-64 of a normalized body.
pub fn body_hash(body: &str) -> u64 {
    xxh3_64(body.as_bytes())
}

/// Members of a story sampled to tell its text from the chrome some of its pages share.
pub const STORY_TEXT_SAMPLE: usize = 32;

/// Stories of more members than this take their text from [`StoryText`]; smaller ones from the
/// coverage (what two members hold).
pub const STORY_TEXT_ABOVE: usize = 8;

/// The text a story's versions carry in common: the shingles held by at least a quarter (and
/// two) of its first [`STORY_TEXT_SAMPLE`] members. Chrome that a few pages share (one ad
/// network's blurbs, one content system's comment rules) is not, though another member holds it.
struct StoryText {
    /// Sorted shingles of the story's text.
    held: Vec<Shingle>,
}

impl StoryText {
    fn of(group: &[u32], shingles: &[Vec<Shingle>]) -> StoryText {
        let sample = &group[..group.len().min(STORY_TEXT_SAMPLE)];
        let needed = sample.len().div_ceil(4).max(2);
        StoryText {
            held: crate::verify::held_by(sample, shingles, needed),
        }
    }

    /// How many of `set` (sorted) are the story's text.
    fn held(&self, set: &[Shingle]) -> usize {
        crate::shingle::intersection_size(set, &self.held)
    }
}

/// A stable story id: XXH3-64 of the sorted XXH3-64 hashes of the members' normalized bodies,
/// as 16 hex digits. It does not depend on paths, argument order or thread count.
pub fn story_id(group: &[u32], body_hashes: &[u64]) -> String {
    let mut hashes: Vec<u64> = group.iter().map(|&d| body_hashes[d as usize]).collect();
    hashes.sort_unstable();
    let bytes: Vec<u8> = hashes.iter().flat_map(|h| h.to_le_bytes()).collect();
    format!("{:016x}", xxh3_64(&bytes))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::{Format, Header, dates};

    fn article(path: &str, body: &str, date: &str, authors: &[&str]) -> Article {
        let header = Header {
            published: dates::parse(date),
            authors: authors.iter().map(|s| s.to_string()).collect(),
            ..Header::default()
        };
        Article {
            path: path.into(),
            format: Format::Text,
            header,
            body: body.into(),
            truncated: false,
        }
    }

    /// The stage's input without site-name titles.
    fn untitled<'a>(
        articles: &'a [Article],
        body_hashes: &'a [u64],
        shingles: &'a [Vec<Shingle>],
        none: &'a HashSet<u32>,
    ) -> Versions<'a> {
        Versions {
            articles,
            body_hashes,
            shingles,
            full_sizes: &[],
            titles: Titles {
                keys: &[],
                site_names: none,
            },
        }
    }

    #[test]
    fn coverage_picks_the_fullest_version_and_merges_fields() {
        let articles = vec![
            article("b.txt", "x", "2017-03-03", &["Ann Lee"]),
            article("a.txt", "y", "2017-03-02", &["Bo Li", "Ann Lee"]),
            article("c.txt", "z", "2017-03-04", &[]),
        ];
        // a holds everything b and c share; c has a long tail of its own (chrome).
        let shingles = vec![
            vec![1, 2, 3],
            vec![1, 2, 3, 4, 5],
            vec![4, 5, 100, 101, 102, 103, 104],
        ];
        let hashes: Vec<u64> = articles.iter().map(|a| body_hash(&a.body)).collect();
        let none = HashSet::new();
        let versions = untitled(&articles, &hashes, &shingles, &none);
        let group = [Group::new(vec![0, 1, 2], &shingles)];
        let stories = build(&group, versions, CanonicalRule::Coverage);
        let s = &stories[0];
        assert_eq!(s.canonical, 1);
        assert_eq!(
            s.members.iter().map(|m| m.doc).collect::<Vec<_>>(),
            [1, 0, 2],
            "sorted by path"
        );
        assert_eq!(s.authors, ["Bo Li", "Ann Lee"]);
        assert_eq!(s.published.unwrap().to_string(), "2017-03-02");
        assert_eq!(s.updated.unwrap().to_string(), "2017-03-04");
        assert!((s.weakest_similarity() - 2.0 / 5.0).abs() < 1e-9);
        let longest = build(&group, versions, CanonicalRule::Longest);
        assert_eq!(longest[0].canonical, 2);
        let latest = build(&group, versions, CanonicalRule::Latest);
        assert_eq!(latest[0].canonical, 2);
        let earliest = build(&group, versions, CanonicalRule::Earliest);
        assert_eq!(earliest[0].canonical, 1);
    }

    /// The canonical document of one story of `shingles` (paths a.txt, b.txt, …, one date),
    /// with `full_sizes` as the templates stage leaves them (empty: no template text).
    fn canonical_of(shingles: &[Vec<Shingle>], full_sizes: &[u32]) -> u32 {
        canonical_of_groups(shingles, full_sizes, &vec![0; shingles.len()])
    }

    /// As `canonical_of`, with each document's version group in the story.
    fn canonical_of_groups(shingles: &[Vec<Shingle>], full_sizes: &[u32], version: &[u32]) -> u32 {
        let articles: Vec<Article> = (0..shingles.len())
            .map(|i| {
                article(
                    &format!("{}.txt", char::from(b'a' + i as u8)),
                    "x",
                    "2017-03-03",
                    &[],
                )
            })
            .collect();
        let hashes: Vec<u64> = articles.iter().map(|a| body_hash(&a.body)).collect();
        let none = HashSet::new();
        let versions = Versions {
            full_sizes,
            ..untitled(&articles, &hashes, shingles, &none)
        };
        let members = (0..shingles.len() as u32).collect();
        let group = Group {
            version: version.to_vec(),
            ..Group::new(members, shingles)
        };
        build(&[group], versions, CanonicalRule::Coverage)[0].canonical
    }

    fn run(from: u32, to: u32) -> Vec<Shingle> {
        (from..to).collect()
    }

    #[test]
    fn of_versions_covering_as_much_the_one_with_least_text_of_its_own_wins() {
        let story = run(1, 41);
        // a: the story and a repost's ads; b: the story and a caption; c: a trim.
        let a = [story.clone(), run(100, 120)].concat();
        let b = [story.clone(), run(200, 202)].concat();
        let c = run(1, 31);
        assert_eq!(canonical_of(&[a.clone(), b.clone(), c.clone()], &[]), 1);
        // b's site template (20 shingles the templates stage took out) counts as its own too.
        let sizes = [a.len() as u32, b.len() as u32 + 20, c.len() as u32];
        assert_eq!(canonical_of(&[a.clone(), b.clone(), c.clone()], &sizes), 0);
        // Nor is an edit that added a paragraph of its own (under 90% of it in the fullest).
        let edit = [story.clone(), run(500, 506)].concat();
        assert_eq!(canonical_of(&[a.clone(), edit, c.clone()], &[]), 0);
        // A version covering a tenth less of the story is no candidate, however clean.
        let short = run(1, 37);
        let d = [story.clone(), run(300, 320)].concat();
        assert_eq!(canonical_of(&[a.clone(), d, short], &[]), 0);
        // Of two versions, each covers exactly what they share: the extra text of one may be
        // the story the other was trimmed of, so it does not count against it.
        assert_eq!(canonical_of(&[a.clone(), story.clone()], &[]), 0);
        // A version joined by story evidence (another version group) is no candidate: the text
        // of a rewrite that is its own is mostly its own story, not chrome.
        let e = [story.clone(), run(400, 420)].concat();
        let docs = [a, e, c, story];
        assert_eq!(canonical_of_groups(&docs, &[], &[0, 0, 0, 1]), 0);
        assert_eq!(canonical_of_groups(&docs, &[], &[0, 0, 0, 0]), 3);
    }

    #[test]
    fn chrome_that_a_few_pages_share_is_not_the_storys_text() {
        let story = run(1, 41);
        // a and b: the story under one ad network's blurbs, which both carry (so each covers
        // more than the others); c to l: the story with a caption of their own.
        let ads = [story.clone(), run(100, 120)].concat();
        let mut docs = vec![ads.clone(), ads];
        docs.extend((0..10).map(|i| [story.clone(), vec![200 + i]].concat()));
        assert_eq!(canonical_of(&docs, &[]), 2);
        // Of eight versions or fewer, text two of them share is the story's.
        assert_eq!(canonical_of(&docs[..8], &[]), 0);
    }

    fn titled(path: &str, title: &str) -> Article {
        Article {
            header: Header {
                title: Some(title.into()),
                ..Header::default()
            },
            ..article(path, "x", "2017-03-03", &[])
        }
    }

    /// The stories of titled articles in the given version groups; the titles of the articles
    /// in `site_names` are site names.
    fn titled_stories(
        titles: &[(&str, &str)],
        shingles: &[Vec<Shingle>],
        groups: &[&[u32]],
        site_names: &[usize],
        headlines: &[(usize, &str)],
    ) -> Vec<Story> {
        let mut articles: Vec<Article> = titles.iter().map(|(p, t)| titled(p, t)).collect();
        for &(d, h) in headlines {
            articles[d].header.headline = Some(h.into());
        }
        let evidence: Vec<Evidence> = articles.iter().map(crate::evidence::of).collect();
        let site_names: HashSet<u32> = site_names
            .iter()
            .filter_map(|&d| evidence[d].title_key())
            .collect();
        let hashes: Vec<u64> = articles.iter().map(|a| body_hash(&a.body)).collect();
        let sizes: Vec<u32> = shingles.iter().map(|s| s.len() as u32).collect();
        let versions = Versions {
            articles: &articles,
            body_hashes: &hashes,
            shingles,
            full_sizes: &sizes,
            titles: Titles {
                keys: &evidence,
                site_names: &site_names,
            },
        };
        let groups: Vec<Group> = groups
            .iter()
            .map(|g| Group::new(g.to_vec(), shingles))
            .collect();
        build(&groups, versions, CanonicalRule::Coverage)
    }

    #[test]
    fn a_site_name_is_never_the_story_title() {
        let titles = [
            ("a.txt", "Brandon Sun Online"),
            ("b.txt", "Harbour reopens after the storm"),
            ("c.txt", "Harbour reopens after the storm"),
            ("d.txt", "Brandon Sun Online"),
            ("e.txt", "Metro Bulletin"),
            ("f.txt", "Harbour reopens after the storm"),
        ];
        // a holds the most text, so it is the canonical version; e too, in its story.
        let shingles = vec![
            vec![1, 2, 3, 4],
            vec![1, 2],
            vec![1, 3],
            vec![7],
            vec![8, 9, 10],
            vec![8, 9],
        ];
        let stories = titled_stories(&titles, &shingles, &[&[0, 1, 2], &[3], &[4, 5]], &[0], &[]);
        assert_eq!(stories[0].canonical, 0);
        assert_eq!(
            stories[0].title.as_deref(),
            Some("Harbour reopens after the storm")
        );
        assert_eq!(stories[1].title, None, "only a site name: no title");
        // A member's own title is printed as unknown when it is a site name.
        let flags = |s: &Story| s.members.iter().map(|m| m.site_title).collect::<Vec<_>>();
        assert_eq!(flags(&stories[0]), [true, false, false]);
        assert_eq!(flags(&stories[1]), [true]);
        assert_eq!(flags(&stories[2]), [false, false]);
        assert_eq!(stories[2].canonical, 4);
        assert_eq!(
            stories[2].title.as_deref(),
            Some("Harbour reopens after the storm"),
            "a headline before a two-word title"
        );
    }

    #[test]
    fn a_site_named_page_prints_its_headline_element() {
        let titles = [
            ("a.txt", "Brandon Sun Online"),
            ("b.txt", "Harbour reopens after the storm"),
            ("d.txt", "Brandon Sun Online"),
        ];
        let shingles = vec![vec![1, 2, 3, 4], vec![1, 2], vec![7]];
        let headlines = [(0, "Harbour reopens"), (2, "Council approves the budget")];
        let stories = titled_stories(&titles, &shingles, &[&[0, 1], &[2]], &[0], &headlines);
        let articles: Vec<Article> = titles.iter().map(|(p, t)| titled(p, t)).collect();
        let mut a = articles[0].clone();
        a.header.headline = Some("Harbour reopens".into());
        // The member titled with its site's name prints its page's headline; the story keeps
        // the headline its members carry.
        assert_eq!(stories[0].members[0].title(&a), Some("Harbour reopens"));
        assert_eq!(
            stories[0].members[1].title(&articles[1]),
            Some("Harbour reopens after the storm")
        );
        assert_eq!(
            stories[0].title.as_deref(),
            Some("Harbour reopens after the storm")
        );
        // A story whose only title is a site's name takes its page's headline element.
        assert_eq!(
            stories[1].title.as_deref(),
            Some("Council approves the budget")
        );
        // Without one, no title (as `a_site_name_is_never_the_story_title` has it).
        let bare = titled_stories(&titles, &shingles, &[&[0, 1], &[2]], &[0], &[]);
        assert_eq!(bare[1].title, None);
    }

    #[test]
    fn a_rare_site_name_sharing_no_word_with_story_or_text_is_not_printed() {
        let text = "The harbour reopened on Monday after the storm, and ships returned to port.";
        let pages = [
            ("a.txt", "Harbour reopens after the storm", text),
            ("b.txt", "Coastal Daily Online", text),
            ("c.txt", "Ships return to the port", text),
            (
                "d.txt",
                "Quiet waters welcome fleet",
                "Boats came back to the harbour.",
            ),
        ];
        let mut articles: Vec<Article> = pages
            .iter()
            .map(|(p, t, body)| Article {
                body: body.to_string(),
                ..titled(p, t)
            })
            .collect();
        let evidence: Vec<Evidence> = articles.iter().map(crate::evidence::of).collect();
        let hashes: Vec<u64> = articles.iter().map(|a| body_hash(&a.body)).collect();
        // c holds the story's text and nothing of its own: the canonical version.
        let shingles = vec![vec![1, 2, 3, 4], vec![1], vec![1, 2, 3], vec![2, 3]];
        let sizes: Vec<u32> = shingles.iter().map(|s| s.len() as u32).collect();
        let none = HashSet::new();
        let build_with = |articles: &[Article], groups: &[&[u32]]| {
            let versions = Versions {
                articles,
                body_hashes: &hashes,
                shingles: &shingles,
                full_sizes: &sizes,
                titles: Titles {
                    keys: &evidence,
                    site_names: &none,
                },
            };
            let groups: Vec<Group> = groups
                .iter()
                .map(|g| Group::new(g.to_vec(), &shingles))
                .collect();
            build(&groups, versions, CanonicalRule::Coverage)
        };
        let stories = build_with(&articles, &[&[0, 1, 2, 3]]);
        let printed: Vec<Option<&str>> = stories[0]
            .members
            .iter()
            .map(|m| m.title(&articles[m.doc as usize]))
            .collect();
        // The story's headline is c's. b's title shares no word with it, with b's text or with
        // b's names: a site's name. a's shares words with its text. d's shares none with
        // anything: it goes too (a real headline rarely shares no word with its text's first
        // 150: 9 of 255 fundus titles, 46 of 862 of trafilatura-eval's).
        assert_eq!(
            printed,
            [
                Some("Harbour reopens after the storm"),
                None,
                Some("Ships return to the port"),
                None
            ]
        );
        // Alone in its story, a page keeps its title whatever it shares.
        let alone = build_with(&articles, &[&[0, 2, 3], &[1]]);
        let b = &alone[1].members[0];
        assert_eq!(b.title(&articles[1]), Some("Coastal Daily Online"));
        // A title in another script is left to the corpus test, though its words share none
        // with the story's or its text's.
        articles[1].header.title = Some("Прибрежная ежедневная газета".into());
        let mut evidence = evidence.clone();
        evidence[1] = crate::evidence::of(&articles[1]);
        assert!(!evidence[1].title_words().is_empty() && !evidence[1].title_in_text());
        let versions = Versions {
            articles: &articles,
            body_hashes: &hashes,
            shingles: &shingles,
            full_sizes: &sizes,
            titles: Titles {
                keys: &evidence,
                site_names: &none,
            },
        };
        let group = [Group::new(vec![0, 1, 2, 3], &shingles)];
        let stories = build(&group, versions, CanonicalRule::Coverage);
        assert!(!stories[0].members[1].site_title);
    }

    #[test]
    fn a_title_the_story_disowns_and_the_pages_headline_owns_is_a_site_name() {
        let titles = [
            ("a.txt", "Harbour reopens after the storm"),
            ("b.txt", "Harbour reopens after the storm"),
            // Two words, no headline key: only the page's headline element can speak for it.
            ("c.txt", "Coastal Daily"),
            ("d.txt", "Ships come back to port"),
            ("e.txt", "Coastal Daily"),
        ];
        let shingles = vec![
            vec![1, 2, 3, 4],
            vec![1, 2],
            vec![1, 3],
            vec![2, 3],
            vec![3],
        ];
        let headlines = [
            (2, "Storm over, harbour reopens"),
            // The page's headline element shares nothing with the story either: no evidence
            // against the title, which stays.
            (3, "Fleet returns"),
            (4, "Council approves the budget"),
        ];
        let stories = titled_stories(&titles, &shingles, &[&[0, 1, 2, 3, 4]], &[], &headlines);
        let flags: Vec<bool> = stories[0].members.iter().map(|m| m.site_title).collect();
        assert_eq!(flags, [false, false, true, false, false]);
        let mut c = titled("c.txt", "Coastal Daily");
        c.header.headline = Some("Storm over, harbour reopens".into());
        assert_eq!(
            stories[0].members[2].title(&c),
            Some("Storm over, harbour reopens")
        );
    }

    #[test]
    fn a_headline_most_members_carry_beats_the_canonicals_lone_title() {
        let titles = [
            // The canonical (most text) carries its site's name, known nowhere else.
            ("a.txt", "Times-News: Twin Falls, Idaho"),
            ("b.txt", "Pilots in Ky. crash violated rules"),
            ("c.txt", "PILOTS IN KY. CRASH VIOLATED RULES"),
            ("d.txt", "Pilots in Ky. crash violated rules"),
            // A story of two: the canonical's own headline stays.
            ("e.txt", "Harbour reopens after the storm"),
            ("f.txt", "Storm damage closes the harbour"),
        ];
        let shingles = vec![
            vec![1, 2, 3, 4],
            vec![1, 2],
            vec![1, 3],
            vec![2, 3],
            vec![8, 9, 10],
            vec![8, 9],
        ];
        let stories = titled_stories(&titles, &shingles, &[&[0, 1, 2, 3], &[4, 5]], &[], &[]);
        assert_eq!(stories[0].canonical, 0);
        assert_eq!(
            stories[0].title.as_deref(),
            Some("Pilots in Ky. crash violated rules")
        );
        assert_eq!(stories[1].canonical, 4);
        assert_eq!(
            stories[1].title.as_deref(),
            Some("Harbour reopens after the storm")
        );
    }

    /// The story of `members` among articles `a.txt`, `b.txt`, … dated `dates` ("" for none).
    fn dated_story(
        dates: &[&str],
        shingles: &[Vec<Shingle>],
        members: Vec<u32>,
        rule: CanonicalRule,
    ) -> Story {
        let articles: Vec<Article> = dates
            .iter()
            .zip(["a.txt", "b.txt", "c.txt", "d.txt"])
            .map(|(d, path)| article(path, "x", d, &[]))
            .collect();
        let hashes: Vec<u64> = articles.iter().map(|a| body_hash(&a.body)).collect();
        let none = HashSet::new();
        let versions = untitled(&articles, &hashes, shingles, &none);
        build(&[Group::new(members, shingles)], versions, rule).remove(0)
    }

    #[test]
    fn one_member_with_a_wrong_date_does_not_move_the_story_dates() {
        let dates = ["2007-01-10", "2007-01-09", "2004-07-28", ""];
        let shingles = vec![vec![1, 2, 3], vec![1, 2], vec![1, 3], vec![1, 2, 3]];
        let s = dated_story(&dates, &shingles, vec![0, 1, 2], CanonicalRule::Coverage);
        assert_eq!(s.canonical, 0);
        assert_eq!(s.published.unwrap().to_string(), "2007-01-09");
        assert_eq!(s.updated.unwrap().to_string(), "2007-01-10");
        // Without a dated canonical, the members' median date is the anchor.
        let s = dated_story(&dates, &shingles, vec![3, 1, 2], CanonicalRule::Coverage);
        assert_eq!(s.canonical, 3);
        assert_eq!(s.published.unwrap().to_string(), "2007-01-09");
    }

    #[test]
    fn a_canonical_with_a_wrong_date_does_not_decide_the_story_dates() {
        // The canonical (most text) carries a stamp months off; three members agree.
        let dates = ["2006-08-03", "2007-01-20", "2007-01-21", "2007-01-22"];
        let shingles = vec![vec![1, 2, 3, 4], vec![1, 2], vec![1, 3], vec![2, 3]];
        let s = dated_story(&dates, &shingles, vec![0, 1, 2, 3], CanonicalRule::Coverage);
        assert_eq!(s.canonical, 0);
        assert_eq!(s.published.unwrap().to_string(), "2007-01-20");
        assert_eq!(s.updated.unwrap().to_string(), "2007-01-22");
        // Of two, the canonical's date stands: no majority is against it (and the other's,
        // months away, is not near it).
        for rule in [CanonicalRule::Earliest, CanonicalRule::Latest] {
            let s = dated_story(&dates, &shingles, vec![0, 1], rule);
            let own = dates[s.canonical as usize];
            assert_eq!(s.published.unwrap().to_string(), own);
            assert_eq!(s.updated.unwrap().to_string(), own);
        }
    }

    #[test]
    fn story_id_ignores_order() {
        let hashes = [body_hash("one"), body_hash("two")];
        assert_eq!(story_id(&[0, 1], &hashes), story_id(&[1, 0], &hashes));
        assert_ne!(story_id(&[0], &hashes), story_id(&[1], &hashes));
    }

    #[test]
    fn the_byline_is_one_list_and_one_members_template_name_does_not_win() {
        let v = |names: &[&str]| -> Vec<String> { names.iter().map(|s| s.to_string()).collect() };
        let lawless = v(&["Jill Lawless"]);
        let template = v(&["Andrew Bunker", "Stephan Bergen"]);
        let members = [
            lawless.clone(),
            v(&["JILL LAWLESS"]),
            lawless.clone(),
            template,
        ];
        // Carried by three members, a person: beats the canonical's outlet.
        assert_eq!(byline(&v(&["CBS"]), members.iter()), lawless);
        // One member's name does not replace the canonical's own byline, even an outlet's.
        let one = [v(&["Maureen Farrell"])];
        assert_eq!(byline(&v(&["ABC News"]), one.iter()), v(&["ABC News"]));
        assert_eq!(byline(&v(&["Lisa Leff"]), one.iter()), v(&["Lisa Leff"]));
        // Without a byline of its own, the canonical takes the members'.
        assert_eq!(byline(&[], one.iter()), v(&["Maureen Farrell"]));
        assert_eq!(byline(&[], [].iter()), Vec::<String>::new());
    }

    #[test]
    fn two_members_outvote_the_canonical_one_never_does() {
        let counts = tally(["ap", "ibs", "ap", "reuters"].into_iter().map(|k| (k, ())));
        assert_eq!(outvoting(&counts, Some(&"ibs")).map(|c| c.0), Some("ap"));
        assert_eq!(
            outvoting(&counts, Some(&"ap")).map(|c| c.0),
            None,
            "the canonical's holds"
        );
        let one = tally(["ibs", "reuters"].into_iter().map(|k| (k, ())));
        assert_eq!(outvoting(&one, Some(&"ibs")).map(|c| c.0), None);
        assert_eq!(
            outvoting(&one, None).map(|c| c.0),
            None,
            "one member is no majority"
        );
        // Ties go to the first met.
        let tie = tally(["b", "a", "a", "b"].into_iter().map(|k| (k, ())));
        assert_eq!(outvoting(&tie, None).map(|c| c.0), Some("b"));
    }
}
