//! `newsdedup assemble`: tasks in, results out, one JSON line each. Every task holds all it
//! needs (the engine gathered it), so a task's answer depends on its line alone: a retried or
//! repeated task gives the same bytes, and tasks can run anywhere, in any order.
//!
//! Documents are named by `id`s, numbers that follow the corpus's path order (the engine
//! numbers the articles of all shards in path order); inside a task they are numbered again
//! from 0 in the same order, so every tie the single run breaks by document number breaks the
//! same way.

use std::collections::{HashMap, HashSet};
use std::io::{BufRead, Write};

use base64::Engine as _;
use rayon::prelude::*;
use serde::Deserialize;
use serde_json::{Value, json};

use super::Params;
use crate::candidates::lsh;
use crate::canonical::{self, body_hash};
use crate::cluster::{self, Group};
use crate::config::Config;
use crate::evidence::{self, Evidence, Parts};
use crate::index::store;
use crate::normalize::Article;
use crate::shingle::{self, ParagraphKey, Shingle};
use crate::story::{self, features};
use crate::{minhash, output, pipeline, templates, verify};

/// One task. The engine writes them with Spark's `to_json`: binary columns in base64, numbers
/// as JSON numbers (document ids and keys are non-negative or the bits of a `u64`).
#[derive(Debug, Deserialize)]
#[serde(tag = "task", rename_all = "snake_case", deny_unknown_fields)]
pub enum Task {
    /// The sampled holders of frequent paragraphs: are they otherwise unrelated (the paragraphs
    /// are then template)? Answers `{"sample": …, "template": bool}`.
    TemplateSample { sample: Value, docs: Vec<SampleDoc> },
    /// An article holding template paragraphs: its shingles without them, and their band keys.
    /// Answers `{"id", "shingles", "band_keys"}`.
    Strip {
        id: i64,
        article: String,
        templates: Vec<i64>,
    },
    /// A connected component of candidate pairs: verified, then clustered into version groups.
    /// Answers `{"groups": [{"members", "coverage", "rep"}], "links": [[a, b]]}`, links being
    /// the verified pairs between two groups that make them story candidates.
    Versions {
        docs: Vec<VersionDoc>,
        pairs: Vec<[i64; 2]>,
    },
    /// A chunk of verified pairs with their counts (shared shingles, each side's) and days:
    /// which join two versions ([`cluster::joins`]) and which are story links (similarity at
    /// [`Params::story_sim_floor`] or more). Answers `{"joins": [[a, b]], "links": [[a, b]]}`.
    /// Versions are clustered within the connected components of the joins alone.
    VersionPairs { pairs: Vec<VerifiedPair> },
    /// A chunk of candidate pairs of version groups (groups named by their first member), with
    /// each group's representative and members' title keys, and the documents the evidence
    /// reads (representatives and headline holders): the pairs whose probability reaches the
    /// model's threshold ([`story::score_pair`]). Answers `{"links": [[a, b]]}`. Stories are
    /// joined within the connected components of these links alone.
    StoryLinks {
        groups: Vec<LinkGroup>,
        docs: Vec<StoryDoc>,
        pairs: Vec<[i64; 2]>,
        rarity: Vec<[i64; 2]>,
        total_groups: u64,
        site_titles: Vec<i64>,
    },
    /// The sampled holders of a title (one per version group): is it a site name? Answers
    /// `{"key", "site": bool}`.
    SiteTitle {
        key: i64,
        docs: Vec<TitleDoc>,
        rarity: Vec<[i64; 2]>,
        total_groups: u64,
    },
    /// A connected component of version groups and their candidate pairs (groups named by their
    /// first member): the stories, as records. Answers one line per story: its first member's
    /// path (a JSON string), a tab, and the story's record as `--jsonl` prints it.
    Stories {
        groups: Vec<GroupIn>,
        docs: Vec<StoryDoc>,
        pairs: Vec<[i64; 2]>,
        rarity: Vec<[i64; 2]>,
        total_groups: u64,
        site_titles: Vec<i64>,
    },
}

#[derive(Debug, Deserialize)]
pub struct SampleDoc {
    pub id: i64,
    pub para_exact: Vec<i64>,
    pub para_fuzzy: Vec<u32>,
    pub para_words: Vec<u32>,
    pub shingles: Vec<Shingle>,
    /// Its paragraphs (exact keys) found in `template_min_docs` documents or more.
    pub frequent: Vec<i64>,
}

#[derive(Debug, Deserialize)]
pub struct VersionDoc {
    pub id: i64,
    pub shingles: Vec<Shingle>,
    pub day: Option<i64>,
}

#[derive(Debug, Deserialize)]
pub struct VerifiedPair {
    pub a: i64,
    pub b: i64,
    /// Shingles the two share, and each one's count.
    pub i: usize,
    pub la: usize,
    pub lb: usize,
    pub da: Option<i64>,
    pub db: Option<i64>,
}

#[derive(Debug, Deserialize)]
pub struct LinkGroup {
    /// The group's first member.
    pub gid: i64,
    pub rep: i64,
    pub members: Vec<MemberTitle>,
}

#[derive(Debug, Deserialize)]
pub struct MemberTitle {
    pub id: i64,
    pub title_key: Option<i64>,
}

#[derive(Debug, Deserialize)]
pub struct TitleDoc {
    pub id: i64,
    pub terms: Vec<u32>,
    pub shingles: Vec<Shingle>,
}

#[derive(Debug, Deserialize)]
pub struct GroupIn {
    pub members: Vec<i64>,
    pub coverage: Vec<usize>,
}

#[derive(Debug, Deserialize)]
pub struct StoryDoc {
    pub id: i64,
    /// The shard's `article` column, base64.
    pub article: String,
    /// Shingles with the template paragraphs taken out.
    pub shingles: Vec<Shingle>,
}

/// Tasks answered at once (in parallel), their answers written in input order.
const BATCH: usize = 64;

/// Answers every task line of `input` on `out`. A line that is not a task is reported on
/// stderr (`<stdin>:LINE: …`) and the others are still answered; returns the number of such
/// lines.
pub fn run(
    params: &Params,
    input: &mut dyn BufRead,
    out: &mut dyn Write,
    threads: usize,
) -> anyhow::Result<usize> {
    let cfg = params.config().map_err(|e| anyhow::anyhow!(e))?;
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads.max(1))
        .build()?;
    let mut bad = 0;
    let mut lines = input.lines().enumerate();
    loop {
        let batch: Vec<(usize, String)> = lines
            .by_ref()
            .take(BATCH)
            .map(|(i, l)| l.map(|l| (i + 1, l)))
            .collect::<Result<_, _>>()?;
        if batch.is_empty() {
            return Ok(bad);
        }
        let answers: Vec<Result<Vec<String>, String>> = pool.install(|| {
            batch
                .par_iter()
                .filter(|(_, l)| !l.trim().is_empty())
                .map(|(n, line)| {
                    let task: Task = serde_json::from_str(line)
                        .map_err(|e| format!("<stdin>:{n}: not a task ({e})"))?;
                    answer(task, params, &cfg).map_err(|e| format!("<stdin>:{n}: {e}"))
                })
                .collect()
        });
        {
            for a in answers {
                match a {
                    Ok(lines) => {
                        for l in lines {
                            out.write_all(l.as_bytes())?;
                            out.write_all(b"\n")?;
                        }
                    }
                    Err(why) => {
                        eprintln!("newsdedup: error: {why}");
                        bad += 1;
                    }
                }
            }
        }
    }
}

fn decode_article(b64: &str) -> Result<Article, String> {
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(b64)
        .map_err(|e| format!("article not base64 ({e})"))?;
    store::article_from_bytes(&bytes)
        .map(|(a, _)| a)
        .map_err(|e| format!("not an article ({e})"))
}

/// Positions of `ids` (sorted) by id.
fn positions(ids: &[i64]) -> HashMap<i64, u32> {
    ids.iter()
        .enumerate()
        .map(|(i, &d)| (d, i as u32))
        .collect()
}

fn local(pos: &HashMap<i64, u32>, id: i64) -> Result<u32, String> {
    pos.get(&id)
        .copied()
        .ok_or_else(|| format!("document {id} named but not given"))
}

/// The answer lines to one task.
pub fn answer(task: Task, params: &Params, cfg: &Config) -> Result<Vec<String>, String> {
    Ok(match task {
        Task::TemplateSample { sample, mut docs } => {
            docs.sort_by_key(|d| d.id);
            let keys: Vec<Vec<ParagraphKey>> = docs
                .iter()
                .map(|d| {
                    d.para_exact
                        .iter()
                        .zip(d.para_fuzzy.iter().zip(&d.para_words))
                        .map(|(&e, (&fuzzy, &words))| ParagraphKey {
                            exact: e as u64,
                            fuzzy,
                            words,
                        })
                        .collect()
                })
                .collect();
            let frequent: HashSet<u64> = docs
                .iter()
                .flat_map(|d| d.frequent.iter().map(|&e| e as u64))
                .collect();
            let shingles: Vec<Vec<Shingle>> = docs
                .iter_mut()
                .map(|d| std::mem::take(&mut d.shingles))
                .collect();
            let sampled: Vec<u32> = (0..docs.len() as u32).collect();
            let template = docs.len() >= 2
                && templates::unrelated(
                    &sampled,
                    &keys,
                    &shingles,
                    &frequent,
                    cfg.templates.min_docs,
                );
            vec![json!({"sample": sample, "template": template}).to_string()]
        }
        Task::Strip {
            id,
            article,
            templates,
        } => {
            let article = decode_article(&article)?;
            let (mut shingles, _) =
                shingle::shingles_and_paragraphs(&pipeline::compared_text(&article), cfg.shingle_k);
            let found: HashSet<u64> = templates.iter().map(|&e| e as u64).collect();
            pipeline::strip_own_templates(&article, &mut shingles, &found, cfg.shingle_k);
            let signature = minhash::one_permutation(&shingles, params.bins);
            let band_keys: Vec<u32> =
                lsh::band_keys(&signature, params.bands, params.rows).collect();
            vec![json!({"id": id, "shingles": shingles, "band_keys": band_keys}).to_string()]
        }
        Task::Versions { mut docs, pairs } => {
            docs.sort_by_key(|d| d.id);
            let ids: Vec<i64> = docs.iter().map(|d| d.id).collect();
            let pos = positions(&ids);
            let days: Vec<Option<i64>> = docs.iter().map(|d| d.day).collect();
            let shingles: Vec<Vec<Shingle>> = docs.into_iter().map(|d| d.shingles).collect();
            let mut local_pairs = pairs
                .iter()
                .map(|&[a, b]| {
                    let (a, b) = (local(&pos, a)?, local(&pos, b)?);
                    Ok((a.min(b), a.max(b)))
                })
                .collect::<Result<Vec<_>, String>>()?;
            local_pairs.sort_unstable();
            local_pairs.dedup();
            let sims = verify::verify(&local_pairs, &shingles, params.verify_floor);
            let docs = cluster::Docs {
                shingles: &shingles,
                days: &days,
            };
            let groups = cluster::cluster(&sims, &docs, &cfg.cluster);
            let reps = story::representatives(&groups, &days);
            let mut group_of = vec![0usize; ids.len()];
            for (g, group) in groups.iter().enumerate() {
                for &d in &group.members {
                    group_of[d as usize] = g;
                }
            }
            let links: Vec<[i64; 2]> = sims
                .iter()
                .filter(|s| s.jaccard.max(s.containment) >= params.story_sim_floor)
                .filter(|s| group_of[s.a as usize] != group_of[s.b as usize])
                .map(|s| [ids[s.a as usize], ids[s.b as usize]])
                .collect();
            let groups: Vec<Value> = groups
                .iter()
                .zip(&reps)
                .map(|(g, &rep)| {
                    let members: Vec<i64> = g.members.iter().map(|&d| ids[d as usize]).collect();
                    json!({"members": members, "coverage": g.coverage, "rep": ids[rep as usize]})
                })
                .collect();
            vec![json!({"groups": groups, "links": links}).to_string()]
        }
        Task::VersionPairs { pairs } => {
            let mut joins = Vec::new();
            let mut links = Vec::new();
            for p in &pairs {
                let (jaccard, containment) = verify::similarity_of_counts(p.i, p.la, p.lb);
                let days = (p.da, p.db);
                if cluster::joins_by(jaccard, containment, p.la.min(p.lb), days, &cfg.cluster) {
                    joins.push([p.a, p.b]);
                }
                if jaccard.max(containment) >= params.story_sim_floor {
                    links.push([p.a, p.b]);
                }
            }
            vec![json!({"joins": joins, "links": links}).to_string()]
        }
        Task::StoryLinks {
            groups,
            mut docs,
            pairs,
            rarity,
            total_groups,
            site_titles,
        } => story_links(
            groups,
            &mut docs,
            &pairs,
            rarity_of(&rarity, total_groups),
            site_titles.iter().map(|&k| k as u32).collect(),
            cfg,
        )?,
        Task::SiteTitle {
            key,
            mut docs,
            rarity,
            total_groups,
        } => {
            docs.sort_by_key(|d| d.id);
            let evidence: Vec<Evidence> = docs
                .iter()
                .map(|d| {
                    Evidence::from(Parts {
                        terms: d.terms.clone(),
                        ..Parts::default()
                    })
                })
                .collect();
            let shingles: Vec<Vec<Shingle>> = docs.into_iter().map(|d| d.shingles).collect();
            let rarity = rarity_of(&rarity, total_groups);
            let weights = features::term_weights(&evidence, &rarity);
            let sample: Vec<u32> = (0..evidence.len() as u32).collect();
            let site = features::is_site_title(&sample, &evidence, &shingles, &rarity, &weights);
            vec![json!({"key": key, "site": site}).to_string()]
        }
        Task::Stories {
            groups,
            mut docs,
            pairs,
            rarity,
            total_groups,
            site_titles,
        } => stories(
            groups,
            &mut docs,
            &pairs,
            rarity_of(&rarity, total_groups),
            site_titles.iter().map(|&k| k as u32).collect(),
            cfg,
        )?,
    })
}

fn rarity_of(counts: &[[i64; 2]], total_groups: u64) -> features::Rarity {
    features::Rarity::from_counts(
        counts.iter().map(|&[t, n]| (t as u32, n as u32)).collect(),
        total_groups as usize,
    )
}

/// The stories of a component of version groups, as output lines.
fn stories(
    groups: Vec<GroupIn>,
    docs: &mut [StoryDoc],
    pairs: &[[i64; 2]],
    rarity: features::Rarity,
    site_titles: HashSet<u32>,
    cfg: &Config,
) -> Result<Vec<String>, String> {
    docs.sort_by_key(|d| d.id);
    let ids: Vec<i64> = docs.iter().map(|d| d.id).collect();
    let pos = positions(&ids);
    let articles: Vec<Article> = docs
        .iter()
        .map(|d| decode_article(&d.article))
        .collect::<Result<_, _>>()?;
    let shingles: Vec<Vec<Shingle>> = docs
        .iter_mut()
        .map(|d| std::mem::take(&mut d.shingles))
        .collect();
    let evidence: Vec<Evidence> = articles.par_iter().map(evidence::of).collect();
    let body_hashes: Vec<u64> = articles.iter().map(|a| body_hash(&a.body)).collect();
    let days: Vec<Option<i64>> = articles
        .iter()
        .map(|a| a.header.date().map(|d| d.days()))
        .collect();
    let mut local_groups = groups
        .into_iter()
        .map(|g| {
            let members = g
                .members
                .iter()
                .map(|&d| local(&pos, d))
                .collect::<Result<Vec<u32>, String>>()?;
            if members.len() != g.coverage.len() || !members.is_sorted() || members.is_empty() {
                return Err("a group's members and coverage do not match".to_string());
            }
            Ok(Group::with_coverage(members, g.coverage))
        })
        .collect::<Result<Vec<Group>, String>>()?;
    local_groups.sort_by_key(|g| g.members[0]);
    let group_at: HashMap<i64, u32> = local_groups
        .iter()
        .enumerate()
        .map(|(g, group)| (ids[group.members[0] as usize], g as u32))
        .collect();
    let mut local_pairs = pairs
        .iter()
        .map(|&[a, b]| {
            let find = |x: i64| {
                group_at
                    .get(&x)
                    .copied()
                    .ok_or_else(|| format!("group {x} named but not given"))
            };
            let (a, b) = (find(a)?, find(b)?);
            Ok((a.min(b), a.max(b)))
        })
        .collect::<Result<Vec<_>, String>>()?;
    local_pairs.sort_unstable();
    local_pairs.dedup();
    let params = &cfg.cluster;
    let input = story::Input {
        evidence: &evidence,
        shingles: &shingles,
        days: &days,
        similarities: &[],
        window_days: params
            .max_days
            .map_or(story::WINDOW_DAYS, |d| i64::from(d).min(story::WINDOW_DAYS)),
    };
    let merged = story::merge_part(
        local_groups,
        &input,
        &params.stories,
        rarity,
        site_titles,
        local_pairs,
    );
    // Template paragraphs included, as the read stage counts them before the templates stage.
    // Only the canonical choice among three versions or more reads them: the others keep their
    // stripped count, and their texts are not shingled again.
    let mut in_large_story = vec![false; articles.len()];
    for g in merged.groups.iter().filter(|g| g.members.len() >= 3) {
        for &d in &g.members {
            in_large_story[d as usize] = true;
        }
    }
    let full_sizes: Vec<u32> = articles
        .par_iter()
        .zip(&shingles)
        .zip(&in_large_story)
        .map(|((a, stripped), &large)| {
            if !large {
                return stripped.len() as u32;
            }
            let text = pipeline::compared_text(a);
            shingle::shingles_and_paragraphs(&text, cfg.shingle_k)
                .0
                .len() as u32
        })
        .collect();
    let versions = canonical::Versions {
        articles: &articles,
        body_hashes: &body_hashes,
        shingles: &shingles,
        full_sizes: &full_sizes,
        titles: canonical::Titles {
            keys: &evidence,
            site_names: &merged.site_titles,
        },
    };
    let stories = canonical::build(&merged.groups, versions, cfg.canonical);
    stories
        .iter()
        .map(|s| {
            let first = &articles[s.members[0].doc as usize].path;
            let record = serde_json::to_string(&output::record(s, &articles, false))
                .map_err(|e| e.to_string())?;
            let key = serde_json::to_string(first).map_err(|e| e.to_string())?;
            Ok(format!("{key}\t{record}"))
        })
        .collect()
}

/// The candidate pairs of groups whose link reaches the model's threshold.
fn story_links(
    groups: Vec<LinkGroup>,
    docs: &mut [StoryDoc],
    pairs: &[[i64; 2]],
    rarity: features::Rarity,
    site_titles: HashSet<u32>,
    cfg: &Config,
) -> Result<Vec<String>, String> {
    docs.sort_by_key(|d| d.id);
    let ids: Vec<i64> = docs.iter().map(|d| d.id).collect();
    let pos = positions(&ids);
    let articles: Vec<Article> = docs
        .iter()
        .map(|d| decode_article(&d.article))
        .collect::<Result<_, _>>()?;
    let shingles: Vec<Vec<Shingle>> = docs
        .iter_mut()
        .map(|d| std::mem::take(&mut d.shingles))
        .collect();
    let evidence: Vec<Evidence> = articles.iter().map(evidence::of).collect();
    let days: Vec<Option<i64>> = articles
        .iter()
        .map(|a| a.header.date().map(|d| d.days()))
        .collect();
    let term_weights = features::term_weights(&evidence, &rarity);
    let corpus = features::Corpus {
        evidence: &evidence,
        shingles: &shingles,
        days: &days,
        rarity,
        site_titles,
        term_weights,
    };
    let mut reps = Vec::with_capacity(groups.len());
    let mut titles = Vec::with_capacity(groups.len());
    let mut group_at: HashMap<i64, u32> = HashMap::with_capacity(groups.len());
    for mut g in groups {
        g.members.sort_by_key(|m| m.id);
        let title_of: HashMap<i64, Option<i64>> =
            g.members.iter().map(|m| (m.id, m.title_key)).collect();
        let members: Vec<i64> = g.members.iter().map(|m| m.id).collect();
        let holder = story::headline_holder(g.rep, &members, |d| {
            title_of
                .get(&d)
                .copied()
                .flatten()
                .is_some_and(|k| !corpus.site_titles.contains(&(k as u32)))
        });
        reps.push(local(&pos, g.rep)?);
        titles.push(holder.map(|h| local(&pos, h)).transpose()?);
        group_at.insert(g.gid, group_at.len() as u32);
    }
    let find = |x: i64| {
        group_at
            .get(&x)
            .copied()
            .ok_or_else(|| format!("group {x} named but not given"))
    };
    let model = &cfg.cluster.stories.model;
    let mut links = Vec::new();
    for &[a, b] in pairs {
        let link = story::score_pair(&corpus, &reps, &titles, find(a)?, find(b)?, model);
        if link.probability >= model.threshold {
            links.push([a.min(b), a.max(b)]);
        }
    }
    Ok(vec![json!({"links": links}).to_string()])
}
