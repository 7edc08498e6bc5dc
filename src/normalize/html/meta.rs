//! Header fields of an HTML page: `<meta>` tags (Open Graph, article:*, Dublin Core, parsely,
//! sailthru), JSON-LD (`NewsArticle` and friends, also inside `@graph`), `<title>`, the `<h1>`,
//! `<time datetime>` and byline elements.

use std::collections::HashMap;
use std::sync::LazyLock;

use scraper::{ElementRef, Html, Selector};
use serde_json::Value;

use crate::normalize::header::parse_byline;
use crate::normalize::{Header, dates, markup};

fn sel(s: &str) -> Selector {
    Selector::parse(s).expect("selector")
}

static LD_JSON: LazyLock<Selector> = LazyLock::new(|| sel(r#"script[type="application/ld+json"]"#));
static BYLINE: LazyLock<Selector> = LazyLock::new(|| {
    sel(
        r#"[rel="author"], [itemprop="author"] [itemprop="name"], [class*="byline"] [class*="author"], [class*="author-name"], [class*="authorName"], [class*="byline__name"], [class*="byline"]"#,
    )
});

pub(super) fn clean(s: &str) -> String {
    markup::fold_collapse(&markup::decode_entities(s))
}

/// The elements the header fields come from, gathered in one pass over the page (in document
/// order), where one `select` each would walk the whole tree five times.
#[derive(Default)]
struct Elements<'a> {
    metas: Vec<ElementRef<'a>>,
    ld_json: Vec<ElementRef<'a>>,
    times: Vec<ElementRef<'a>>,
    title: Option<ElementRef<'a>>,
    h1s: Vec<ElementRef<'a>>,
    /// `<link rel="canonical">`'s address.
    canonical: Option<&'a str>,
}

fn gather(doc: &Html) -> Elements<'_> {
    let mut e = Elements::default();
    for el in doc.tree.root().descendants().filter_map(ElementRef::wrap) {
        match el.value().name() {
            "meta" => e.metas.push(el),
            "script" if LD_JSON.matches(&el) => e.ld_json.push(el),
            "time" if el.attr("datetime").is_some() => e.times.push(el),
            "title" if e.title.is_none() => e.title = Some(el),
            "h1" => e.h1s.push(el),
            "link"
                if e.canonical.is_none()
                    && el
                        .attr("rel")
                        .is_some_and(|r| r.trim().eq_ignore_ascii_case("canonical")) =>
            {
                e.canonical = el.attr("href");
            }
            _ => {}
        }
    }
    e
}

/// What the page says about itself.
pub struct PageMeta {
    pub header: Header,
    /// The page tags no headline (no `og:title`, `twitter:title` or JSON-LD `headline`, and no
    /// `<h1>` is its title): its title may be the site's name.
    pub untagged_title: bool,
    /// JSON-LD `articleBody` (see [`article_body`]).
    pub article_body: Option<String>,
}

/// Header fields from the page's metadata, and the publisher's copy of the text.
pub fn extract(doc: &Html) -> PageMeta {
    let elements = gather(doc);
    let metas = meta_map(&elements.metas);
    let ld = json_ld(&elements.ld_json);
    let get = |keys: &[&str]| {
        keys.iter()
            .find_map(|k| metas.get(*k).filter(|v| !v.is_empty()).cloned())
    };

    let published = ld
        .iter()
        .find_map(|o| {
            o.get("datePublished")
                .and_then(Value::as_str)
                .and_then(dates::parse)
        })
        .or_else(|| {
            get(&[
                "article:published_time",
                "og:article:published_time",
                "datepublished",
                "pubdate",
                "publishdate",
                "publish-date",
                "publish_date",
                "date",
                "dc.date",
                "dc.date.issued",
                "dcterms.created",
                "dcterms.date",
                "sailthru.date",
                "parsely-pub-date",
                "article.published",
                "og:published_time",
                "originalpublicationdate",
            ])
            .and_then(|v| dates::parse(&v))
        })
        .or_else(|| {
            elements
                .times
                .iter()
                .find_map(|t| t.attr("datetime").and_then(dates::parse))
        });
    let updated = ld
        .iter()
        .find_map(|o| {
            o.get("dateModified")
                .and_then(Value::as_str)
                .and_then(dates::parse)
        })
        .or_else(|| {
            get(&[
                "article:modified_time",
                "og:updated_time",
                "datemodified",
                "dcterms.modified",
                "last-modified",
            ])
            .and_then(|v| dates::parse(&v))
        });

    let source = publisher(&metas, &ld);
    let title = title(&elements, &metas, &ld);
    let untagged_title = ["og:title", "twitter:title"]
        .iter()
        .all(|k| metas.get(*k).is_none_or(|t| t.trim().is_empty()))
        && !ld.iter().any(|o| o.get("headline").is_some())
        && !elements
            .h1s
            .iter()
            .any(|&h| title.as_deref() == Some(element_text(h).as_str()));
    let article_body = article_body(&ld, title.as_deref());
    let url = [metas.get("og:url").map(String::as_str), elements.canonical]
        .into_iter()
        .chain(ld.iter().map(|o| o.get("url").and_then(Value::as_str)))
        .flatten()
        .map(str::trim)
        .find(|u| is_absolute_url(u))
        .map(str::to_string);
    let header = Header {
        title,
        published,
        updated,
        authors: authors(doc, &metas, &ld, source.as_deref()),
        source,
        url,
        ..Header::default()
    };
    PageMeta {
        untagged_title,
        header,
        article_body,
    }
}

/// An `http(s)://` address with a host and no white space (a page's own address; relative
/// ones are not resolved).
fn is_absolute_url(u: &str) -> bool {
    let rest = u
        .strip_prefix("https://")
        .or_else(|| u.strip_prefix("http://"));
    rest.is_some_and(|r| !r.is_empty() && !r.starts_with('/'))
        && !u.chars().any(char::is_whitespace)
}

/// JSON-LD `articleBody`: of the object whose `headline` is the page's title when several carry
/// one (a live blog or a page listing related stories describes those too), else the first.
fn article_body(ld: &[Value], title: Option<&str>) -> Option<String> {
    fn body(o: &Value) -> Option<&str> {
        o.get("articleBody").and_then(Value::as_str)
    }
    let headline = |o: &Value| o.get("headline").and_then(Value::as_str).map(clean);
    ld.iter()
        .filter(|&o| body(o).is_some())
        .find(|o| title.is_some() && headline(o).as_deref() == title)
        .or_else(|| ld.iter().find(|o| body(o).is_some()))
        .and_then(body)
        .map(String::from)
}

/// The outlet: JSON-LD `publisher`, else `og:site_name` and friends.
fn publisher(metas: &HashMap<String, String>, ld: &[Value]) -> Option<String> {
    let get = |keys: &[&str]| {
        keys.iter()
            .find_map(|k| metas.get(*k).filter(|v| !v.is_empty()).cloned())
    };
    ld.iter()
        .find_map(|o| o.get("publisher").and_then(name_of))
        .or_else(|| {
            get(&[
                "og:site_name",
                "application-name",
                "publisher",
                "dc.publisher",
            ])
        })
        .map(|s| clean(&s))
}

/// Lower-cased `name`/`property`/`itemprop` → `content`, first occurrence wins.
fn meta_map(metas: &[ElementRef]) -> HashMap<String, String> {
    let mut m = HashMap::new();
    for el in metas {
        let key = el
            .attr("property")
            .or_else(|| el.attr("name"))
            .or_else(|| el.attr("itemprop"));
        if let (Some(k), Some(v)) = (key, el.attr("content")) {
            m.entry(k.trim().to_ascii_lowercase())
                .or_insert_with(|| v.trim().to_string());
        }
    }
    m
}

/// JSON-LD objects that describe an article (any `@type` naming an article or a posting),
/// flattened out of arrays, `@graph`, and the `mainEntity` of a page that is not itself one
/// (`{"@type":"WebPage","mainEntity":{"@type":"NewsArticle",…}}`).
fn json_ld(scripts: &[ElementRef]) -> Vec<Value> {
    let mut out = Vec::new();
    for el in scripts {
        let text: String = el.text().collect();
        let Ok(v) = serde_json::from_str::<Value>(text.trim()) else {
            continue;
        };
        let mut stack = vec![v];
        while let Some(v) = stack.pop() {
            match v {
                Value::Array(items) => stack.extend(items.into_iter().rev()),
                Value::Object(mut o) => {
                    if let Some(g) = o.remove("@graph") {
                        stack.push(g);
                    }
                    let is_article = match o.get("@type") {
                        Some(Value::String(t)) => is_article_type(t),
                        Some(Value::Array(ts)) => {
                            ts.iter().filter_map(Value::as_str).any(is_article_type)
                        }
                        _ => false,
                    };
                    if is_article {
                        out.push(Value::Object(o));
                    } else if let Some(e) = o.remove("mainEntity") {
                        stack.push(e);
                    }
                }
                _ => {}
            }
        }
    }
    out
}

fn is_article_type(t: &str) -> bool {
    t.contains("Article") || t.contains("BlogPosting") || t == "Report" || t == "LiveBlogPosting"
}

/// A name from a JSON-LD value: a string, an object with `name` (or, for a `Person`, with
/// `givenName` and `familyName`), or the first of a list.
fn name_of(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Object(o) => o.get("name").and_then(name_of).or_else(|| {
            let part = |k: &str| o.get(k).and_then(Value::as_str).map(str::trim);
            match (part("givenName"), part("familyName")) {
                (Some(g), Some(f)) if !g.is_empty() && !f.is_empty() => Some(format!("{g} {f}")),
                _ => None,
            }
        }),
        Value::Array(a) => a.iter().find_map(name_of),
        _ => None,
    }
}

fn names_of(v: &Value) -> Vec<String> {
    match v {
        Value::Array(a) => a.iter().filter_map(name_of).collect(),
        other => name_of(other).into_iter().collect(),
    }
}

fn element_text(el: ElementRef) -> String {
    clean(&el.text().collect::<String>())
}

/// The headline: the `<h1>` when it agrees with the page's titles, else `og:title`, JSON-LD
/// `headline` or `<title>` without the site's name.
fn title(elements: &Elements, metas: &HashMap<String, String>, ld: &[Value]) -> Option<String> {
    let og = metas
        .get("og:title")
        .or_else(|| metas.get("twitter:title"))
        .map(|s| clean(s))
        .filter(|s| !s.is_empty());
    let ld_headline = ld
        .iter()
        .find_map(|o| o.get("headline").and_then(Value::as_str))
        .map(clean);
    let page_title = elements.title.map(element_text).filter(|s| !s.is_empty());
    let h1s: Vec<String> = elements
        .h1s
        .iter()
        .map(|&h| element_text(h))
        .filter(|s| !s.is_empty())
        .collect();
    let known: Vec<&String> = [&og, &ld_headline, &page_title]
        .into_iter()
        .flatten()
        .collect();
    for h1 in &h1s {
        let lower = h1.to_lowercase();
        if known.iter().any(|k| k.to_lowercase().contains(&lower)) {
            return Some(h1.clone());
        }
    }
    if let Some(t) = ld_headline.or(og) {
        return Some(strip_site_name(&t, metas.get("og:site_name")));
    }
    if h1s.len() == 1 {
        return h1s.into_iter().next();
    }
    page_title.map(|t| strip_site_name(&t, metas.get("og:site_name")))
}

/// `Headline | Site`, `Headline - Site`, `Site: Headline` → `Headline`.
fn strip_site_name(t: &str, site: Option<&String>) -> String {
    let site = site.map(|s| s.to_lowercase());
    for sep in [" | ", " - ", " :: ", " » ", " · ", " / "] {
        let parts: Vec<&str> = t.split(sep).collect();
        if parts.len() < 2 {
            continue;
        }
        if let Some(site) = &site {
            let kept: Vec<&str> = parts
                .iter()
                .copied()
                .filter(|p| p.to_lowercase() != *site)
                .collect();
            if kept.len() < parts.len() {
                return kept.join(sep);
            }
        }
        // Without a known site name, the longest part is the headline.
        if let Some(longest) = parts.iter().max_by_key(|p| p.len())
            && longest.split_whitespace().count() >= 3
        {
            return longest.to_string();
        }
    }
    t.to_string()
}

/// Authors from JSON-LD, `<meta name=author>` and friends, or byline elements. When those
/// name only the outlet itself (its `source`, or a JSON-LD `Organization`), a byline naming
/// people wins; without one the outlet stays (some sites sign as themselves).
fn authors(
    doc: &Html,
    metas: &HashMap<String, String>,
    ld: &[Value],
    source: Option<&str>,
) -> Vec<String> {
    let ld_author = ld.iter().find_map(|o| o.get("author"));
    let mut found: Vec<String> = ld_author.map(names_of).unwrap_or_default();
    let organization = ld_author.is_some_and(|a| {
        let types = |v: &Value| v.get("@type").and_then(Value::as_str) == Some("Organization");
        match a {
            Value::Array(items) => !items.is_empty() && items.iter().all(types),
            other => types(other),
        }
    });
    if found.is_empty() {
        for key in [
            "author",
            "article:author",
            "parsely-author",
            "sailthru.author",
            "dc.creator",
            "byl",
        ] {
            if let Some(v) = metas
                .get(key)
                .filter(|v| !v.is_empty() && !v.starts_with("http"))
            {
                found = match (key, inverted_name(v)) {
                    ("dc.creator", Some(name)) => vec![name],
                    _ => split_names(v),
                };
                break;
            }
        }
    }
    let outlet_only = !found.is_empty()
        && (organization
            || found
                .iter()
                .all(|a| source.is_some_and(|s| same_outlet(a, s))));
    if found.is_empty() || outlet_only {
        for el in doc.select(&BYLINE) {
            let t = element_text(el);
            if t.is_empty() || t.len() > 120 {
                continue;
            }
            let t = ["By ", "by ", "Von ", "von ", "Por ", "por ", "Par ", "par "]
                .iter()
                .find_map(|p| t.strip_prefix(p))
                .unwrap_or(&t)
                .to_string();
            // In place of the outlet, only names the byline parser recognizes as people.
            let names = if outlet_only {
                parse_byline(&clean(&t))
                    .map(|(names, _)| names)
                    .unwrap_or_default()
            } else {
                split_names(&t)
            };
            let just_outlet = names
                .iter()
                .all(|n| source.is_some_and(|s| same_outlet(n, s)));
            if !names.is_empty() && !just_outlet {
                found = names;
                break;
            }
        }
    }
    let mut out: Vec<String> = Vec::new();
    for raw in found {
        let names = if raw.contains(',')
            || raw.contains(" and ")
            || raw.contains(" und ")
            || raw.contains(" og ")
            || raw.contains(" & ")
        {
            split_names(&raw)
        } else {
            vec![clean(&raw)]
        };
        for a in names {
            let a = strip_paren_suffix(&a);
            if plausible_author(&a) && !out.iter().any(|x| x.eq_ignore_ascii_case(&a)) {
                out.push(a);
            }
        }
    }
    out
}

/// Whether an author string is the outlet's name (`STERN.de` for `Stern`, `mdr.de` for `MDR`).
fn same_outlet(author: &str, source: &str) -> bool {
    let key = |s: &str| -> String {
        let s = s.to_lowercase();
        let s = s.split(['.', ' ']).next().unwrap_or("").to_string();
        s.chars().filter(|c| c.is_alphanumeric()).collect()
    };
    let (a, s) = (key(author), key(source));
    !a.is_empty() && (a == s || author.eq_ignore_ascii_case(source))
}

/// `Brazil, Rachel` (a catalogue's "last, first", as `dc.creator` has it) → `Rachel Brazil`;
/// none unless both sides are one capitalized word.
fn inverted_name(s: &str) -> Option<String> {
    let (last, first) = s.split_once(", ")?;
    let word = |w: &str| {
        !w.is_empty()
            && !w.contains([' ', ','])
            && w.chars().next().is_some_and(char::is_uppercase)
            && w.chars()
                .all(|c| c.is_alphabetic() || c == '-' || c == '\'')
    };
    (word(last) && word(first.trim())).then(|| format!("{} {last}", first.trim()))
}

/// `Elena Oberholzer (obe)` → `Elena Oberholzer`.
fn strip_paren_suffix(s: &str) -> String {
    match s.rfind(" (") {
        Some(i) if s.ends_with(')') && i > 0 => s[..i].trim().to_string(),
        _ => s.trim().to_string(),
    }
}

/// Not an e-mail address, a URL or a bare number. (The outlet's own name is kept: sites that
/// sign with it, such as `ORF.at`, mean it as the author.)
fn plausible_author(a: &str) -> bool {
    !a.is_empty()
        && a.chars().any(char::is_alphabetic)
        && !a.contains('@')
        && !a.to_lowercase().starts_with("http")
}

/// `A, B and C` → [A, B, C], using the byline parser (which also drops an outlet suffix).
fn split_names(s: &str) -> Vec<String> {
    let s = clean(s);
    match parse_byline(&s) {
        Some((names, _)) if !names.is_empty() => names,
        _ if s.split_whitespace().count() <= 4 && !s.is_empty() => vec![s],
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header_of(doc: &Html) -> Header {
        extract(doc).header
    }

    #[test]
    fn url_from_og_url_else_canonical_link_else_json_ld() {
        let page = |head: &str| {
            header_of(&Html::parse_document(&format!(
                "<html><head>{head}</head><body><p>x</p></body></html>"
            )))
            .url
        };
        assert_eq!(
            page(r#"<link rel="canonical" href="https://b.example/a"><meta property="og:url" content="https://a.example/a">"#).as_deref(),
            Some("https://a.example/a")
        );
        assert_eq!(
            page(r#"<meta property="og:url" content="/relative"><link rel="Canonical" href=" https://b.example/a ">"#).as_deref(),
            Some("https://b.example/a")
        );
        assert_eq!(
            page(r#"<script type="application/ld+json">{"@type":"NewsArticle","url":"http://c.example/x"}</script>"#).as_deref(),
            Some("http://c.example/x")
        );
        assert_eq!(page(r#"<link rel="canonical" href="/x">"#), None);
    }

    #[test]
    fn article_body_of_the_object_whose_headline_is_the_title() {
        let html = r#"<html><head><title>Harbour reopens</title><script type="application/ld+json">[
            {"@type":"NewsArticle","headline":"Another story","articleBody":"A related story's text, longer than the page's own."},
            {"@type":"ReportageNewsArticle","headline":"Harbour reopens","articleBody":"The page's story."}]</script>
            </head><body><h1>Harbour reopens</h1><p>x</p></body></html>"#;
        let m = extract(&Html::parse_document(html));
        assert_eq!(m.header.title.as_deref(), Some("Harbour reopens"));
        assert_eq!(m.article_body.as_deref(), Some("The page's story."));
        let untitled = html
            .replace("<title>Harbour reopens</title>", "")
            .replace("<h1>Harbour reopens</h1>", "");
        let m = extract(&Html::parse_document(&untitled));
        assert_eq!(
            m.article_body.as_deref(),
            Some("A related story's text, longer than the page's own."),
            "without a matching headline, the first"
        );
        let none = extract(&Html::parse_document("<p>no metadata</p>"));
        assert_eq!(none.article_body, None);
    }

    #[test]
    fn meta_and_json_ld() {
        let html = r#"<html><head><title>Harbour reopens | Example News</title>
            <meta property="og:site_name" content="Example News">
            <meta property="og:title" content="Harbour reopens after storm">
            <meta property="article:published_time" content="2024-05-03T15:47:42+02:00">
            <script type="application/ld+json">{"@context":"https://schema.org","@graph":[{"@type":"WebSite","name":"x"},
              {"@type":"NewsArticle","headline":"Harbour reopens after storm","dateModified":"2024-05-04T08:00:00Z",
               "author":[{"@type":"Person","name":"Ana Li"},{"@type":"Person","name":"Bo Chen"}],
               "publisher":{"@type":"Organization","name":"Example News"}}]}</script>
            </head><body><h1>Harbour reopens after storm</h1></body></html>"#;
        let h = header_of(&Html::parse_document(html));
        assert_eq!(h.title.as_deref(), Some("Harbour reopens after storm"));
        assert_eq!(
            h.published.map(|t| t.to_string()).as_deref(),
            Some("2024-05-03T15:47:42+02:00")
        );
        assert_eq!(
            h.updated.map(|t| t.to_string()).as_deref(),
            Some("2024-05-04T08:00:00Z")
        );
        assert_eq!(h.authors, ["Ana Li", "Bo Chen"]);
        assert_eq!(h.source.as_deref(), Some("Example News"));
    }

    #[test]
    fn title_fallbacks_and_byline_elements() {
        let html = r#"<html><head><title>World | Example News | Talks collapse in Geneva overnight</title></head>
            <body><span class="byline">By Jane Doe and John Roe, Reuters</span><p>x</p></body></html>"#;
        let h = header_of(&Html::parse_document(html));
        assert_eq!(
            h.title.as_deref(),
            Some("Talks collapse in Geneva overnight")
        );
        assert_eq!(h.authors, ["Jane Doe", "John Roe"]);
    }

    #[test]
    fn an_article_inside_a_pages_main_entity_and_a_person_by_given_and_family_name() {
        let page = |ld: &str| {
            header_of(&Html::parse_document(&format!(
                r#"<html><head><script type="application/ld+json">{ld}</script></head>
                <body><p>x</p></body></html>"#
            )))
        };
        // A page whose main entity is the article: its fields are the article's.
        let h = page(
            r#"{"@type":"WebPage","name":"Site","mainEntity":{"@type":"NewsArticle",
               "headline":"Harbour reopens","datePublished":"2024-05-03T18:16:04+02:00",
               "author":{"@type":"Person","name":"Ana Li"}}}"#,
        );
        assert_eq!(h.authors, ["Ana Li"]);
        assert_eq!(
            h.published.map(|t| t.to_string()).as_deref(),
            Some("2024-05-03T18:16:04+02:00")
        );
        // A page that is no article and names none keeps nothing from its own fields.
        let h = page(r#"{"@type":"WebPage","author":{"@type":"Person","name":"Ana Li"}}"#);
        assert!(h.authors.is_empty());
        // A Person named by its parts; a part missing gives no name.
        let h = page(
            r#"{"@type":"NewsArticle","author":[
               {"@type":"Person","givenName":"Birgit","familyName":"Baumann"},
               {"@type":"Person","givenName":"Jan","familyName":" "},
               {"@type":"Person","givenName":"Anna Giulia","familyName":"Fink"}]}"#,
        );
        assert_eq!(h.authors, ["Birgit Baumann", "Anna Giulia Fink"]);
    }

    #[test]
    fn an_outlet_as_author_gives_way_to_a_byline_naming_people() {
        let page = |byline: &str| {
            format!(
                r#"<html><head><meta property="og:site_name" content="Stern">
                <script type="application/ld+json">{{"@type":"NewsArticle",
                  "author":{{"@type":"Organization","name":"STERN.de"}}}}</script></head>
                <body><div class="byline">{byline}</div><p>x</p></body></html>"#
            )
        };
        let h = header_of(&Html::parse_document(&page("Von Jemima Kelly")));
        assert_eq!(h.authors, ["Jemima Kelly"]);
        // A byline that names no one the parser recognizes keeps the outlet.
        let h = header_of(&Html::parse_document(&page("red, STERN.de/Agenturen")));
        assert_eq!(h.authors, ["STERN.de"]);
        // "Last, First" in dc.creator; Nordic "og" between two names.
        let h = header_of(&Html::parse_document(
            r#"<html><head><meta name="dc.creator" content="Brazil, Rachel"></head><body><p>x</p></body></html>"#,
        ));
        assert_eq!(h.authors, ["Rachel Brazil"]);
        let h = header_of(&Html::parse_document(
            r#"<html><head><meta name="author" content="Trine Juncher og Tora Reimer"></head><body><p>x</p></body></html>"#,
        ));
        assert_eq!(h.authors, ["Trine Juncher", "Tora Reimer"]);
        assert!(same_outlet("mdr.de", "MDR") && !same_outlet("Mary Dore", "MDR"));
        assert_eq!(inverted_name("Anna Li, Bo Chen"), None);
    }

    #[test]
    fn site_name_table() {
        let site = "Example News".to_string();
        assert_eq!(
            strip_site_name("Talks fail - Example News", Some(&site)),
            "Talks fail"
        );
        assert_eq!(
            strip_site_name("Example News | Talks fail", Some(&site)),
            "Talks fail"
        );
        assert_eq!(
            strip_site_name("Talks fail in Geneva", None),
            "Talks fail in Geneva"
        );
    }
}
