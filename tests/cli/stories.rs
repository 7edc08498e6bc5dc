//! Story grouping (fixtures/stories, hand-written): a wire story and its write-thru (the lede,
//! one quote and the headline kept, new paragraphs) join as one story by story evidence; two
//! earthquakes of the same kind under near headlines, weeks and a country apart, stay apart.

use crate::util::*;

fn run_stories(extra: &[&str]) -> Vec<serde_json::Value> {
    let mut args = vec!["fixtures/stories"];
    args.extend_from_slice(extra);
    let out = run(&args);
    assert!(out.status.success(), "{}", stderr(&out));
    stories(&out)
}

fn member<'a>(stories: &'a [serde_json::Value], name: &str) -> &'a serde_json::Value {
    stories
        .iter()
        .flat_map(|s| s["members"].as_array().unwrap())
        .find(|m| m["path"].as_str().unwrap().ends_with(name))
        .unwrap_or_else(|| panic!("no member {name}"))
}

#[test]
fn a_write_thru_joins_its_story_and_siblings_stay_apart() {
    let got = run_stories(&[]);
    assert_eq!(clustering(&got), gold(&fixtures().join("stories/gold.tsv")));
    let late = member(&got, "writethru-late.txt");
    let early = member(&got, "writethru-early.txt");
    let relations = [early["relation"].as_str(), late["relation"].as_str()];
    assert!(
        relations.contains(&Some("canonical")) && relations.contains(&Some("same_story")),
        "{relations:?}"
    );
    let joined = if late["relation"] == "same_story" {
        late
    } else {
        early
    };
    let evidence = &joined["evidence"];
    assert_eq!(evidence["headline"], 1.0, "{evidence}");
    assert_eq!(evidence["lede"], 1.0, "{evidence}");
    assert!(evidence["quotes"].as_u64().unwrap() >= 4, "{evidence}");
    assert!(evidence["score"].as_f64().unwrap() >= 0.7, "{evidence}");
    assert_eq!(evidence["days_apart"], 0);
    assert_eq!(evidence["same_place"], true);
    // Text overlap alone does not join them: that is what --group versions keeps.
    assert!(evidence["jaccard"].as_f64().unwrap() < 0.5, "{evidence}");
    // The siblings are single-version stories, canonical each.
    for name in ["sibling-quake-north.txt", "sibling-quake-south.txt"] {
        let m = member(&got, name);
        assert_eq!(m["relation"], "canonical");
        assert!(m.get("evidence").is_none());
    }
}

#[test]
fn group_versions_keeps_near_duplicates_only() {
    let got = run_stories(&["--group", "versions"]);
    assert_eq!(got.len(), 4, "{:?}", clustering(&got));
    assert!(
        got.iter()
            .all(|s| s["members"][0]["relation"] == "canonical")
    );
}

#[test]
fn copies_and_versions_are_told_apart() {
    // The seeds: 000 to 003 are versions of one CNN story.
    let out = run(&["fixtures/seeds"]);
    let got = stories(&out);
    let cnn = got
        .iter()
        .find(|s| s["members"].as_array().unwrap().len() == 4);
    let cnn = cnn.expect("the CNN story");
    for m in cnn["members"].as_array().unwrap() {
        let want = if m["path"] == cnn["canonical"] {
            "canonical"
        } else if m["jaccard"].as_f64().unwrap() >= 0.9 {
            "copy"
        } else {
            "version"
        };
        assert_eq!(m["relation"], want, "{m}");
    }
    // An exact copy of a file is a `copy`.
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(fixtures().join("stories/writethru-late.txt")).unwrap();
    std::fs::write(dir.path().join("a.txt"), &text).unwrap();
    std::fs::write(dir.path().join("b.txt"), &text).unwrap();
    let got = stories(&run(&[dir.path()]));
    assert_eq!(got.len(), 1);
    let relations: Vec<&str> = got[0]["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["relation"].as_str().unwrap())
        .collect();
    assert_eq!(relations, ["canonical", "copy"]);
}

#[test]
fn a_site_name_title_is_no_headline_evidence() {
    // Four unrelated one-paragraph articles under one site name, and two of them in a second
    // version each: the shared title must not join different stories.
    let dir = tempfile::tempdir().unwrap();
    let bodies = [
        "The Orvell library will open on Sundays from April, the council said on Tuesday after a vote of the library board.",
        "Police in Kessling closed Marrow Street for six hours on Tuesday after a gas main burst near the Hadley bakery.",
        "The Drennan football club named Petra Salo as its new coach, the first woman to lead the team in 90 years.",
        "A fire at the Aldous paper mill in Brackwater was put out by Tuesday noon; nobody was hurt, the fire service said.",
    ];
    for (i, body) in bodies.iter().enumerate() {
        std::fs::write(
            dir.path().join(format!("{i}.txt")),
            format!("Valley Courier Online News Today\n\n{body}\n"),
        )
        .unwrap();
    }
    let got = stories(&run(&[dir.path()]));
    assert_eq!(got.len(), 4, "{:?}", clustering(&got));
}
