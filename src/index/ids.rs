//! Stable story ids across index runs.
//!
//! The rule: each story of this run looks at the ids its members had after the last run
//! (a changed file counts with its old version's id). The (story, old id) pairs are taken by
//! the number of members they share, most first (then by old id, then by story order), and a
//! story takes an old id when neither it nor the id is taken yet. So a story that gains, loses
//! or changes versions keeps its id; when stories merge, the merged story keeps the id of the
//! one that brought most members; when a story splits, the part with most of its members keeps
//! its id. A story left without an old id gets the id a plain run gives it (from its members'
//! texts), with `-2`, `-3`… appended should that id be taken. Every id a story's members had
//! other than its own is listed in its history (`old_ids`).

use std::collections::{BTreeMap, HashSet};

use crate::canonical::Story;

/// What changed for one story in an index run.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct History {
    /// Members (document numbers) new or changed in this run, in member order.
    pub added: Vec<u32>,
    /// The ids its members had before, other than its own: stories merged into it, or the
    /// story it split from. Sorted.
    pub old_ids: Vec<String>,
}

/// Gives each story its id by the rule above. `old[d]` is document `d`'s story id after the
/// last run (none for a new file), `added[d]` whether it is new or changed, `known` every id
/// of the last run. Returns each story's history, in story order.
pub fn assign(
    stories: &mut [Story],
    old: &[Option<&str>],
    added: &[bool],
    known: &HashSet<&str>,
) -> Vec<History> {
    let mut pairs: Vec<(usize, &str, usize)> = Vec::new();
    let mut before: Vec<Vec<&str>> = Vec::with_capacity(stories.len());
    for (s, story) in stories.iter().enumerate() {
        let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
        for m in &story.members {
            if let Some(id) = old[m.doc as usize] {
                *counts.entry(id).or_insert(0) += 1;
            }
        }
        before.push(counts.keys().copied().collect());
        pairs.extend(counts.into_iter().map(|(id, n)| (n, id, s)));
    }
    pairs.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(b.1)).then(a.2.cmp(&b.2)));
    let mut taken: HashSet<&str> = HashSet::new();
    let mut id_of: Vec<Option<&str>> = vec![None; stories.len()];
    for (_, id, s) in pairs {
        if id_of[s].is_none() && !taken.contains(id) {
            id_of[s] = Some(id);
            taken.insert(id);
        }
    }
    let new_ids: Vec<Option<String>> = id_of.iter().map(|id| id.map(str::to_string)).collect();
    let mut used: HashSet<String> = known.iter().map(|s| s.to_string()).collect();
    let mut history = Vec::with_capacity(stories.len());
    for ((story, id), before) in stories.iter_mut().zip(new_ids).zip(before) {
        match id {
            Some(id) => story.id = id,
            None => {
                let base = story.id.clone();
                let mut n = 1;
                while used.contains(&story.id) {
                    n += 1;
                    story.id = format!("{base}-{n}");
                }
            }
        }
        used.insert(story.id.clone());
        history.push(History {
            added: story
                .members
                .iter()
                .filter(|m| added[m.doc as usize])
                .map(|m| m.doc)
                .collect(),
            old_ids: before
                .into_iter()
                .filter(|id| *id != story.id)
                .map(str::to_string)
                .collect(),
        });
    }
    history
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::canonical::{Member, Relation};

    fn story(id: &str, docs: &[u32]) -> Story {
        Story {
            id: id.into(),
            canonical: docs[0],
            members: docs
                .iter()
                .map(|&doc| Member {
                    doc,
                    similarity: 1.0,
                    jaccard: 1.0,
                    relation: Relation::Copy,
                    link: None,
                    site_title: false,
                })
                .collect(),
            title: None,
            published: None,
            updated: None,
            source: None,
            authors: Vec::new(),
        }
    }

    #[test]
    fn kept_merged_split_and_new() {
        // Docs 0-2 were story X, 3-4 story Y, 5-7 story Z; 8 and 9 are new.
        let old = [
            Some("X"),
            Some("X"),
            Some("X"),
            Some("Y"),
            Some("Y"),
            Some("Z"),
            Some("Z"),
            Some("Z"),
            None,
            None,
        ];
        let added = [
            false, false, false, false, false, false, false, false, true, true,
        ];
        let known: HashSet<&str> = ["X", "Y", "Z"].into();
        // X gains 8; Y merges into a story with most of X? No: Y and Z merge (Z brings more);
        // Z's doc 7 splits off with the new doc 9.
        let mut stories = vec![
            story("fresh1", &[0, 1, 2, 8]),
            story("fresh2", &[3, 4, 5, 6]),
            story("fresh3", &[7, 9]),
        ];
        let h = assign(&mut stories, &old, &added, &known);
        assert_eq!(stories[0].id, "X");
        assert_eq!(h[0].added, vec![8]);
        assert!(h[0].old_ids.is_empty());
        // Y and Z bring 2 members each: the tie goes to the smaller id.
        assert_eq!(stories[1].id, "Y");
        assert_eq!(h[1].old_ids, vec!["Z"]);
        assert_eq!(stories[2].id, "Z", "Z is free: the split part keeps it");
        assert!(h[2].old_ids.is_empty());

        // A fresh id never takes an id of the last run.
        let mut stories = vec![story("X", &[8]), story("Y", &[0, 1, 2, 3, 4, 5, 6, 7])];
        let h = assign(&mut stories, &old, &added, &known);
        assert_eq!(stories[1].id, "X");
        assert_eq!(h[1].old_ids, vec!["Y", "Z"]);
        assert_eq!(stories[0].id, "X-2");
    }
}
