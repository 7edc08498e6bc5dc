//! One hand-written fixture per normalization pattern (fixtures/patterns/): each goes through
//! the library's decode and normalize, as the pipeline does, and the test checks the header
//! fields it must yield and that the body is free of markup, entities and chrome and keeps the
//! story's sentences.

use newsdedup::input::{self, Decoded};
use newsdedup::normalize::{self, Article, Format, chrome};

use crate::util::fixtures;

/// Decodes and normalizes `fixtures/patterns/NAME`.
fn load(name: &str) -> (Decoded, Article) {
    let path = fixtures().join("patterns").join(name);
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let decoded = input::decode(&bytes).unwrap_or_else(|e| panic!("{name}: {e:?}"));
    let article = normalize::normalize(name, &decoded.text);
    (decoded, article)
}

fn ts(t: Option<normalize::Timestamp>) -> Option<String> {
    t.map(|t| t.to_string())
}

/// The body has no tags, no entities, no mojibake, no chrome line, and holds each of `keeps`.
fn assert_clean(a: &Article, keeps: &[&str]) {
    let body = &a.body;
    for bad in [
        "<",
        ">",
        "&amp",
        "&lt",
        "&gt",
        "&#",
        "&nbsp",
        "&quot",
        "\u{FFFD}",
        "\u{FEFF}",
        "\u{e2}\u{20ac}",
        "\u{c3}",
    ] {
        assert!(!body.contains(bad), "{}: body has {bad:?}:\n{body}", a.path);
    }
    for p in a.paragraphs() {
        assert!(!chrome::is_chrome(p), "{}: chrome line {p:?}", a.path);
    }
    for k in keeps {
        assert!(body.contains(k), "{}: body lacks {k:?}:\n{body}", a.path);
    }
}

#[test]
fn charset_declared_by_meta_charset() {
    let (d, a) = load("charset-meta.html");
    assert_eq!(d.encoding, "windows-1252");
    assert_eq!(a.format, Format::Html);
    assert_eq!(
        a.header.title.as_deref(),
        Some("Harbour café reopens after the storm")
    );
    assert_eq!(a.header.authors, ["Marie Dubois"]);
    assert_eq!(a.header.source.as_deref(), Some("Example Gazette"));
    assert_clean(
        &a,
        &[
            "The small café on the harbour front reopened on Monday",
            // Curly quotes and the dash decoded right, then folded to plain ones.
            "“We didn’t think we’d be back before summer,” said the owner, Hélène Marchand, who has run the café since 1998 — and whose crème brûlée",
            "a bakery lent the café its ovens",
        ],
    );
    assert!(!a.body.contains("Marie Dubois"), "{}", a.body);
}

#[test]
fn charset_declared_by_http_equiv() {
    let (d, a) = load("charset-http-equiv.html");
    assert_eq!(
        d.encoding, "windows-1252",
        "iso-8859-1 is read as windows-1252"
    );
    assert_eq!(
        a.header.title.as_deref(),
        Some("Zürich council approves new tram line")
    );
    assert_clean(
        &a,
        &[
            "The city council of Zürich approved a new tram line",
            "«Es ist ein großer Tag für die Stadt», said councillor Jürg Müller",
        ],
    );
}

#[test]
fn charset_undeclared_is_detected() {
    let (d, a) = load("charset-undeclared.txt");
    assert_eq!(d.encoding, "windows-1252");
    assert_eq!(a.format, Format::Text);
    assert_eq!(
        a.header.title.as_deref(),
        Some("Pétanque club wins regional final")
    );
    assert_clean(
        &a,
        &[
            "The pétanque club of Saint-Rémy won the regional final",
            "“Nous avons joué comme une équipe,” said the club’s captain, André Lefèvre",
        ],
    );
}

#[test]
fn utf8_bom() {
    let (d, a) = load("utf8-bom.txt");
    assert_eq!(d.encoding, "UTF-8");
    assert!(!d.text.starts_with('\u{FEFF}'));
    assert_eq!(
        a.header.title.as_deref(),
        Some("Library extends opening hours for exam season")
    );
    assert_clean(
        &a,
        &[
            "The city library will stay open until midnight",
            "signed by more than 2,000 people",
        ],
    );
}

#[test]
fn mojibake_is_repaired() {
    let (d, a) = load("mojibake.txt");
    assert_eq!(d.encoding, "UTF-8");
    assert!(
        d.text.starts_with("Bakery\u{2019}s crème brûlée"),
        "{}",
        d.text
    );
    assert!(d.text.contains("\u{201C}a small miracle\u{201D}"));
    assert_eq!(
        a.header.title.as_deref(),
        Some("Bakery’s crème brûlée wins national prize")
    );
    assert_clean(
        &a,
        &[
            "“a small miracle” and praised its caramel, which the baker, José Martínez, burns by hand.",
            "in 2009 — after twelve years as a pastry chef in Zürich – and still",
            "comes with €5,000",
        ],
    );
}

#[test]
fn double_escaped_entities() {
    let (_, a) = load("double-escaped-entities.txt");
    assert_eq!(
        a.header.title.as_deref(),
        Some("Council approves budget for parks & playgrounds")
    );
    assert_clean(
        &a,
        &[
            "the budget for parks & playgrounds on Wednesday",
            "“It’s a fair compromise,” said the mayor, Anna Lindqvist",
            "sets aside €2 million for repairs — most of it",
            "The final vote was 31 to 12.",
        ],
    );
}

#[test]
fn byline_with_two_authors() {
    let (_, a) = load("byline.txt");
    assert_eq!(
        a.header.title.as_deref(),
        Some("Storm closes mountain pass for second day")
    );
    assert_eq!(a.header.authors, ["Jane Doe", "John Roe"]);
    assert_clean(
        &a,
        &[
            "Snow and high winds kept the mountain pass closed",
            "Road crews hope to reopen one lane",
        ],
    );
    assert!(!a.body.contains("Jane Doe"), "{}", a.body);
}

/// A dateline pattern: the dateline recorded, the lede without it.
fn dateline(name: &str, want: &str, source: Option<&str>, lede: &str) {
    let (_, a) = load(name);
    assert_eq!(a.header.dateline.as_deref(), Some(want), "{name}");
    assert_eq!(a.header.source.as_deref(), source, "{name}");
    assert!(
        a.body.starts_with(lede),
        "{name}: body does not start with {lede:?}:\n{}",
        a.body
    );
    assert_clean(&a, &[lede]);
}

#[test]
fn dateline_place_with_dash() {
    dateline(
        "dateline-beirut.txt",
        "BEIRUT",
        None,
        "Power cuts spread across the Lebanese capital on Sunday",
    );
}

#[test]
fn dateline_place_and_date() {
    dateline(
        "dateline-salvador.txt",
        "SALVADOR",
        None,
        "Heavy rain in the Brazilian state of Bahia",
    );
}

#[test]
fn dateline_cnn() {
    dateline(
        "dateline-cnn.txt",
        "(CNN)",
        Some("CNN"),
        "A museum in northern Italy has returned a painting",
    );
}

#[test]
fn dateline_ap() {
    dateline(
        "dateline-ap.txt",
        "(AP)",
        Some("AP"),
        "Firefighters battled a wildfire",
    );
}

#[test]
fn date_scraper_line() {
    let (_, a) = load("date-scraper-line.txt");
    assert_eq!(ts(a.header.date_line).as_deref(), Some("2021-11-05"));
    assert_eq!(
        a.header.title.as_deref(),
        Some("Ferry timetable changes from Monday")
    );
    assert_clean(&a, &["The island ferry will run every forty minutes"]);
    assert!(!a.body.contains("2021"), "{}", a.body);
}

#[test]
fn date_article_published_time() {
    let (_, a) = load("date-published-time.html");
    assert_eq!(
        ts(a.header.published).as_deref(),
        Some("2017-03-02T22:43:00-05:00")
    );
    assert_eq!(
        a.header.title.as_deref(),
        Some("Rail strike called off after late-night talks")
    );
    assert_eq!(a.header.authors, ["Sam Rivera"]);
    assert_eq!(a.header.source.as_deref(), Some("Example Times"));
    assert_clean(
        &a,
        &[
            "A rail strike planned for Friday was called off",
            "members would vote on the offer next week.",
        ],
    );
}

#[test]
fn date_json_ld() {
    let (_, a) = load("date-json-ld.html");
    assert_eq!(
        ts(a.header.published).as_deref(),
        Some("2020-09-15T08:30:00+02:00")
    );
    assert_eq!(
        ts(a.header.updated).as_deref(),
        Some("2020-09-16T10:00:00+02:00")
    );
    assert_eq!(
        a.header.title.as_deref(),
        Some("New lighthouse keeper arrives on the island")
    );
    assert_eq!(a.header.authors, ["Ingrid Berg", "Tomas Lind"]);
    assert_eq!(a.header.source.as_deref(), Some("Example Coast News"));
    assert_clean(
        &a,
        &[
            "The island's new lighthouse keeper arrived on the morning boat",
            "run a small museum in the old engine house.",
        ],
    );
    assert!(!a.body.contains("datePublished"), "{}", a.body);
}

#[test]
fn date_updated_stamp() {
    let (_, a) = load("date-updated.txt");
    assert_eq!(
        ts(a.header.updated).as_deref(),
        Some("2017-03-02T22:43:00-05:00")
    );
    assert_eq!(
        a.header.title.as_deref(),
        Some("City hall evacuated after gas leak")
    );
    assert_clean(
        &a,
        &[
            "City hall was evacuated on Thursday afternoon",
            "once engineers had sealed a cracked pipe.",
        ],
    );
    assert!(!a.body.contains("Updated"), "{}", a.body);
}

#[test]
fn date_published_stamp() {
    let (_, a) = load("date-published.txt");
    assert_eq!(
        ts(a.header.published).as_deref(),
        Some("2017-03-03T08:15:00Z")
    );
    assert_clean(
        &a,
        &[
            "Orchard growers in the valley expect a record apple crop",
            "the growers' association warned.",
        ],
    );
    assert!(!a.body.contains("Published"), "{}", a.body);
}

#[test]
fn date_numeric_day_first() {
    let (_, a) = load("date-numeric.html");
    assert_eq!(
        ts(a.header.published).as_deref(),
        Some("2006-12-28T18:32:11")
    );
    assert_eq!(
        a.header.title.as_deref(),
        Some("Fishing fleet stays in port as gales continue")
    );
    assert_clean(
        &a,
        &[
            "The fishing fleet stayed in port for a fifth day",
            "allowing the boats to sail before the new year.",
        ],
    );
    assert!(!a.body.contains("28/12/2006"), "{}", a.body);
}

#[test]
fn date_reuters_newswire() {
    let (_, a) = load("date-reuters.sgm");
    assert_eq!(a.format, Format::Newswire);
    assert_eq!(
        ts(a.header.published).as_deref(),
        Some("1987-02-26T15:01:01")
    );
    assert_eq!(
        a.header.title.as_deref(),
        Some("HARBOUR BOARD RAISES DOCK FEES")
    );
    assert_eq!(a.header.dateline.as_deref(), Some("ROTTERDAM"));
    assert_clean(
        &a,
        &[
            "The harbour board said it would raise dock fees by four pct from April 1, citing higher dredging costs.",
            "the first in three years.",
        ],
    );
    assert!(!a.body.contains("Reuter"), "{}", a.body);
}

#[test]
fn chrome_lines_are_dropped() {
    let (_, a) = load("chrome-lines.txt");
    assert_eq!(
        a.header.title.as_deref(),
        Some("Town votes to keep its last cinema")
    );
    assert_eq!(
        a.paragraphs().collect::<Vec<_>>(),
        [
            "The town council voted on Tuesday to buy the last cinema in the high street, saving it from being turned into flats.",
            "The cinema, which opened in 1936, will be run by a volunteer trust from next year.",
        ]
    );
}

#[test]
fn html_template_around_an_article() {
    let (_, a) = load("html-template.html");
    assert_eq!(a.format, Format::Html);
    assert_eq!(
        a.header.title.as_deref(),
        Some("Bridge repairs finish a month early")
    );
    assert_eq!(a.header.source.as_deref(), Some("Example Herald"));
    assert_eq!(
        a.paragraphs().collect::<Vec<_>>(),
        [
            "Repairs to the old stone bridge over the river finished a month ahead of schedule, the county engineer said on Wednesday.",
            "The bridge, built in 1821, was closed in May after divers found cracks in two of its piers, forcing drivers on a twenty-minute detour.",
            "Traffic will return to both lanes on Saturday morning, and the weight limit will be lifted at the end of the month.",
        ]
    );
    assert_clean(&a, &[]);
}

#[test]
fn html_article_body_guides_the_extraction() {
    // The JSON-LD articleBody marks which lines are story: the embedded post, the author box
    // and the reader comments inside the story's container all go.
    let (_, a) = load("html-article-body-guide.html");
    assert_eq!(
        a.header.title.as_deref(),
        Some("Ferry service resumes after strike")
    );
    assert_eq!(a.header.authors, ["Nora Lind"]);
    let paragraphs: Vec<&str> = a.paragraphs().collect();
    assert_eq!(paragraphs.len(), 5, "{paragraphs:#?}");
    assert!(paragraphs[0].starts_with("Ferries between the island"));
    assert!(paragraphs[4].starts_with("The harbour master said"));
    for gone in [
        "@islandtraveller",
        "covers transport",
        "Harbour fan",
        "crews deserve",
    ] {
        assert!(!a.body.contains(gone), "{gone:?} left in:\n{}", a.body);
    }
    assert_clean(&a, &["pay offer of four per cent"]);
}

#[test]
fn html_paywall_line_ends_the_text() {
    let (_, a) = load("html-paywall.html");
    assert_eq!(
        a.paragraphs().collect::<Vec<_>>(),
        [
            "Le conseil municipal a adopté mardi soir le budget de l'année prochaine, après quatre heures de débat et deux suspensions de séance.",
            "La majorité a fait valoir que les impôts locaux n'augmenteraient pas, malgré la hausse des dépenses d'énergie des écoles et des piscines.",
        ]
    );
    assert_clean(&a, &[]);
}

#[test]
fn html_results_table_keeps_repeated_cells() {
    // Issue #15, "text cut short": each row of a results table is one line, so a cell that
    // recurs down a column ("Home", "Away") is not taken for a repeated label and dropped.
    let (_, a) = load("html-results-table.html");
    let paragraphs: Vec<&str> = a.paragraphs().collect();
    for row in [
        "Date Opponent Venue Result",
        "8 March Mill Town Home Won 2-0",
        "15 March Eastfield Away Drew 1-1",
        "22 March Bridge United Home Won 3-1",
        "29 March Northgate Away Lost 0-2",
        "5 April Saltmarsh Home Drew 0-0",
        "12 April Kingsford Away Lost 1-3",
    ] {
        assert!(
            paragraphs.contains(&row),
            "{row:?} not a line of:\n{}",
            a.body
        );
    }
    assert!(paragraphs[0].starts_with("Harbour Rovers finished"));
    assert!(
        paragraphs
            .last()
            .unwrap()
            .starts_with("Rovers play their first")
    );
    assert_clean(&a, &[]);
}

#[test]
fn html_bare_url_line_is_kept() {
    // Issue #15, "text cut short": a paragraph that is only a link whose text is its address
    // is a reference the story gives, not navigation.
    let (_, a) = load("html-bare-url-line.html");
    let paragraphs: Vec<&str> = a.paragraphs().collect();
    assert_eq!(paragraphs.len(), 5, "{paragraphs:#?}");
    assert_eq!(paragraphs[3], "https://maps.example.org/archive");
    assert!(!a.body.contains("parking charges"), "{}", a.body);
}

#[test]
fn html_body_full_of_link_popups_beats_the_byline() {
    // Issue #15, "wrong block chosen": every paragraph carries glossary links with their pop-up
    // cards, so by link density none of them is a paragraph and the byline line used to win.
    let (_, a) = load("html-link-popups.html");
    let paragraphs: Vec<&str> = a.paragraphs().collect();
    assert_eq!(paragraphs.len(), 4, "{paragraphs:#?}");
    assert!(paragraphs[0].starts_with("The tidal barrage"), "{}", a.body);
    assert!(paragraphs[3].contains("count birds on the estuary"));
    assert!(!a.body.contains("Tomas Reed, science"), "{}", a.body);
}

#[test]
fn html_footer_address_is_not_the_story() {
    // Issue #15, "wrong block chosen": a short article against a footer address whose many
    // commas score like prose.
    let (_, a) = load("html-footer-address.html");
    assert_eq!(
        a.paragraphs().collect::<Vec<_>>(),
        [
            "The first ferry to the island will leave half an hour later from Monday, when the summer timetable ends.",
            "The last sailing back will still leave the island at ten in the evening, the operator said.",
        ]
    );
}

#[test]
fn html_repeated_subheads_are_kept() {
    // Issue #15, "text cut short": a subhead that recurs section by section ("What happened",
    // three times) heads the article's own text and is kept every time; a box heading that
    // recurs as often ("More on this story", followed by links) still goes.
    let (_, a) = load("html-repeated-subheads.html");
    let paragraphs: Vec<&str> = a.paragraphs().collect();
    assert_eq!(
        paragraphs.iter().filter(|p| **p == "What happened").count(),
        3,
        "{paragraphs:#?}"
    );
    assert_eq!(
        paragraphs
            .iter()
            .filter(|p| **p == "What comes next")
            .count(),
        3,
        "{paragraphs:#?}"
    );
    for town in ["Millbrook", "Elford", "Stanton Ford"] {
        assert!(paragraphs.contains(&town), "{town}: {paragraphs:#?}");
    }
    assert!(!a.body.contains("More on this story"), "{}", a.body);
    assert_eq!(paragraphs.len(), 16, "{paragraphs:#?}");
}

#[test]
fn html_script_rendered_page_gives_its_scripts_copy() {
    // Issue #15, "empty text": an app-shell page whose HTML holds only navigation and a
    // loading note; the story is in its script's state as an escaped HTML string. The body is
    // that copy, with the article's own quotes; the header still comes from the page's meta.
    let (_, a) = load("html-script-rendered.html");
    assert_eq!(
        a.header.title.as_deref(),
        Some("Water board raises rates to replace old mains")
    );
    assert_eq!(a.header.source.as_deref(), Some("Valley Courier"));
    assert_clean(
        &a,
        &[
            "The county water board voted on Thursday to raise rates",
            "\u{201c}We have been patching the same pipes since I was a child,\u{201d} Marsh said.",
            "by the end of January.",
        ],
    );
    for chrome in [
        "Loading",
        "Sports",
        "Storm closes coastal road",
        "Rates rise for",
    ] {
        assert!(!a.body.contains(chrome), "{chrome:?} in:\n{}", a.body);
    }
}
