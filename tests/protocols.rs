//! One fixture protocol for every code scheme — digits with classes (HTTP, SIP), dotted (SMTP
//! enhanced status codes), named with numbers and no classes (gRPC, DNS), four digits with range
//! classes, local codes and range pages (WebSocket) — built and read page by page: every code and
//! every pair has its page, the sentences are whole, and no page uses another protocol's words.

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use common::*;
use statusref::catalog::{Catalog, FactKind, Protocol};
use statusref::prose::lint;

fn protocols_fixture() -> PathBuf {
    repo_root().join("tests/fixtures/protocols")
}

fn catalog(root: &Path) -> Catalog {
    statusref::load_catalog(root, None).unwrap_or_else(|e| panic!("{e}"))
}

/// The words a protocol's generated sentences use for its own things: its vocabulary and what
/// its codes answer.
fn vocabulary(p: &Protocol) -> BTreeSet<String> {
    let v = &p.vocabulary;
    let mut words: BTreeSet<String> = [
        &v.reply,
        &v.replies,
        &v.sender,
        &v.receiver,
        &v.code,
        &v.codes,
    ]
    .into_iter()
    .map(|w| w.to_lowercase())
    .collect();
    if let Some((_, trigger)) = p.trigger() {
        words.insert(trigger.item.to_lowercase());
        words.insert(trigger.items.to_lowercase());
    }
    words
}

/// The parts of a page the generator writes, as opposed to the authors' sections and notes.
/// (Fact labels are the protocol's own, and so are the values in the tables.)
const GENERATED: &str = "main > h1, main > p.lede, main > section[id^=class-] > p, #key-differences li, \
    caption, #when-to-use-which p, #compare h2, #compare p, #related h2";

/// Whether `phrase` occurs in `text` as whole words.
fn has_phrase(text: &str, phrase: &str) -> bool {
    let words: Vec<String> = text
        .split(|c: char| !c.is_alphanumeric() && c != '-')
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    let wanted: Vec<&str> = phrase.split(' ').collect();
    words
        .windows(wanted.len())
        .any(|w| w.iter().zip(&wanted).all(|(a, b)| a == b))
}

/// Words the page chrome uses for every protocol alike.
const SHARED: [&str; 3] = ["status", "code", "codes"];

#[test]
fn every_scheme_builds_every_page_and_reads_as_its_own_protocol() {
    let root = protocols_fixture();
    let catalog = catalog(&root);
    let ftp = catalog_of_ftp();
    let out = tempfile::tempdir().unwrap();
    build(&root, out.path()).unwrap_or_else(|e| panic!("{e}"));
    let mut problems = Vec::new();
    let mut pages = 0;
    for p in &catalog.protocols {
        let mut own = vocabulary(p);
        // The protocol's own fact fields speak its language too ("the same method" on HTTP).
        for fact in &p.facts {
            own.insert(fact.label.to_lowercase());
            match &fact.kind {
                FactKind::List(list) => {
                    own.insert(list.item.to_lowercase());
                    own.insert(list.items.to_lowercase());
                }
                FactKind::Choice(choices) => {
                    own.extend(choices.iter().map(|c| c.says.to_lowercase()));
                }
                _ => {}
            }
        }
        let foreign: BTreeSet<String> = catalog
            .protocols
            .iter()
            .chain(&ftp.protocols)
            .filter(|q| q.slug != p.slug)
            .flat_map(vocabulary)
            .filter(|w| !SHARED.contains(&w.as_str()))
            // A word inside one of the protocol's own phrases is its own ("server" in "name server").
            .filter(|w| !own.iter().any(|o| has_phrase(o, w)))
            .collect();
        let mut expected: Vec<String> = vec![format!("{}/index.html", p.slug)];
        expected.extend(
            p.codes
                .iter()
                .map(|c| format!("{}/{}/index.html", p.slug, c.slug)),
        );
        for pair in statusref::compare::all_pairs(p.paired) {
            expected.push(format!("{}/{}/index.html", p.slug, pair.slug(p)));
        }
        assert_eq!(expected.len(), 1 + p.codes.len() + p.pair_count());
        let on_disk: BTreeSet<String> = html_files(&out.path().join(&p.slug))
            .into_iter()
            .map(|(rel, _)| format!("{}/{rel}", p.slug))
            .collect();
        assert_eq!(
            on_disk,
            expected.iter().cloned().collect(),
            "{}: pages",
            p.slug
        );
        for rel in &expected {
            let html = parse(&out.path().join(rel));
            let prose = visible_prose(&html);
            pages += 1;
            for problem in lint(&prose, &catalog.site.lower_case_names) {
                problems.push(format!("{rel}: {problem}"));
            }
            let generated: Vec<String> = select(&html, GENERATED).iter().map(text).collect();
            let generated = generated.join(" | ");
            for word in &foreign {
                if has_phrase(&generated, word) {
                    problems.push(format!(
                        "{rel}: uses another protocol's word \"{word}\": {generated}"
                    ));
                }
            }
            for el in select(
                &html,
                "main > p.lede, #key-differences li, #when-to-use-which p",
            ) {
                let t = text(&el);
                let starts = t
                    .chars()
                    .next()
                    .is_some_and(|c| c.is_uppercase() || c.is_ascii_digit());
                if !(starts && t.ends_with('.')) || t.contains("  ") || t.contains(" .") {
                    problems.push(format!("{rel}: not whole sentences: {t:?}"));
                }
            }
        }
    }
    assert!(pages > 150, "only {pages} pages");
    assert!(
        problems.is_empty(),
        "{} problems:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

fn catalog_of_ftp() -> Catalog {
    catalog(&fixture())
}

fn protocol<'c>(catalog: &'c Catalog, slug: &str) -> &'c Protocol {
    catalog.protocols.iter().find(|p| p.slug == slug).unwrap()
}

#[test]
fn each_scheme_orders_names_and_classes_its_codes() {
    let catalog = catalog(&protocols_fixture());
    let slugs = |p: &Protocol| p.codes.iter().map(|c| c.slug.clone()).collect::<Vec<_>>();

    // Dotted codes sort number by number: 5.7.9 before 5.7.26.
    let esc = protocol(&catalog, "smtp-enhanced");
    assert_eq!(
        slugs(esc),
        [
            "2.0.0", "4.7.0", "5.1.1", "5.2.2", "5.7.1", "5.7.9", "5.7.26"
        ]
    );
    assert_eq!(
        esc.group_of(esc.find("5.7.26").unwrap()).unwrap().digit,
        "7"
    );

    // Named codes: URLs a reader would guess, ordered by their numbers.
    let grpc = protocol(&catalog, "grpc");
    assert_eq!(
        slugs(grpc),
        [
            "ok",
            "cancelled",
            "unknown",
            "deadline-exceeded",
            "not-found",
            "unavailable"
        ]
    );
    assert!(grpc.classes.is_empty() && grpc.codes.iter().all(|c| c.class.is_none()));

    // One number, two meanings: two pages, each named apart in sentences.
    let http = protocol(&catalog, "http");
    let (official, iis) = (http.find("451").unwrap(), http.find("451-iis").unwrap());
    assert!(official < iis);
    assert_eq!(
        http.code(official).short,
        "451 (Unavailable For Legal Reasons)"
    );
    assert_eq!(http.code(iis).short, "451 (IIS)");
    let dns = protocol(&catalog, "dns");
    assert_eq!(dns.code(dns.find("badvers").unwrap()).number, Some(16));
    assert_eq!(dns.code(dns.find("badsig").unwrap()).number, Some(16));
    assert!(dns.find("notauth").is_some() && dns.find("notauth-tsig").is_some());

    // Ranges are pages in their class but are not compared pair by pair.
    let ws = protocol(&catalog, "websocket");
    assert_eq!(ws.paired, 4);
    assert_eq!(ws.pair_count(), 6);
    let range = ws.code(ws.find("3000-3999").unwrap());
    assert!(range.is_range);
    assert_eq!(
        ws.classes[range.class.unwrap()].label,
        "3000-3999 Registered"
    );
    assert_eq!(
        ws.code(ws.find("1006").unwrap()).origin,
        statusref::catalog::Origin::Local
    );
}

#[test]
fn reversed_and_range_pairs_have_no_page() {
    let out = tempfile::tempdir().unwrap();
    build(&protocols_fixture(), out.path()).unwrap();
    for missing in [
        "smtp-enhanced/5.7.26-vs-5.7.9",
        "grpc/unavailable-vs-deadline-exceeded",
        "websocket/1000-vs-3000-3999",
        "websocket/3000-3999-vs-4000-4999",
        "http/451-iis-vs-451",
    ] {
        assert!(!out.path().join(missing).exists(), "{missing}");
    }
    for present in [
        "smtp-enhanced/5.7.9-vs-5.7.26",
        "grpc/deadline-exceeded-vs-unavailable",
        "http/451-vs-451-iis",
        "websocket/3000-3999",
    ] {
        assert!(
            out.path().join(present).join("index.html").is_file(),
            "{present}"
        );
    }
    // The search index ranks codes in the protocol's order, which search.js pairs them by.
    let index = std::fs::read_to_string(out.path().join("search-index.js")).unwrap();
    assert!(
        index.contains(r#""p":"smtp-enhanced","c":"5.7.26","u":"5.7.26","r":6"#),
        "{index}"
    );
}

#[test]
fn a_table_only_fact_is_in_the_table_and_not_in_the_sentences() {
    let out = tempfile::tempdir().unwrap();
    build(&protocols_fixture(), out.path()).unwrap();
    let html = parse(&out.path().join("http/401-vs-404/index.html"));
    let rows: Vec<String> = select(&html, "#side-by-side tr, main table tr")
        .iter()
        .map(text)
        .collect();
    assert!(
        rows.iter().any(|r| r.contains("Python http.HTTPStatus")
            && r.contains("HTTPStatus.UNAUTHORIZED")
            && r.contains("HTTPStatus.NOT_FOUND")),
        "{rows:?}"
    );
    let differences: Vec<String> = select(&html, "#key-differences li")
        .iter()
        .map(text)
        .collect();
    assert!(!differences.is_empty());
    assert!(
        differences.iter().all(|d| !d.contains("HTTPStatus")),
        "{differences:?}"
    );
}

#[test]
fn codes_of_another_protocol_link_to_their_pages() {
    let out = tempfile::tempdir().unwrap();
    build(&protocols_fixture(), out.path()).unwrap();
    // 5.7.1 travels with 550, which the fixture's SMTP has, and 554, which it has not.
    let html = parse(&out.path().join("smtp-enhanced/5.7.1/index.html"));
    let row = select(&html, "dl.facts dd")
        .into_iter()
        .find(|dd| text(dd).contains("550"))
        .expect("a row with the reply codes");
    let links: Vec<(String, String)> = row
        .select(&scraper::Selector::parse("a").unwrap())
        .map(|a| (text(&a), a.value().attr("href").unwrap_or("").to_string()))
        .collect();
    assert_eq!(links, [("550".to_string(), "../../smtp/550/".to_string())]);
    assert_eq!(text(&row), "550, 554");
    let pair = parse(&out.path().join("smtp-enhanced/5.1.1-vs-5.7.1/index.html"));
    let cells: Vec<String> = select(&pair, "main table td a")
        .iter()
        .map(|a| a.value().attr("href").unwrap_or("").to_string())
        .collect();
    assert!(cells.contains(&"../../smtp/550/".to_string()), "{cells:?}");
    // Search learns which protocol's codes travel together, their classes, and what to say
    // when the two disagree.
    let index = std::fs::read_to_string(out.path().join("search-index.js")).unwrap();
    assert!(
        index.contains(r#""w":{"p":"smtp","d":"{item} is a"#),
        "{index}"
    );
    assert!(
        index.contains(r#""p":"smtp","c":"550","u":"550","r":2"#),
        "{index}"
    );
    assert!(index.contains(r#""k":"5""#), "{index}");
}

#[test]
fn a_list_of_another_protocols_codes_can_be_shown_back_on_their_pages() {
    let site = tempfile::tempdir().unwrap();
    copy_dir(&protocols_fixture(), site.path());
    let grpc = site.path().join("content/grpc");
    let toml = std::fs::read_to_string(grpc.join("_protocol.toml")).unwrap();
    let list = "type = \"list\"\nitem = \"HTTP status\"\nitems = \"HTTP statuses\"\nverb = \"maps to HTTP\"\nverb_plural = \"map to HTTP\"\nnone = \"None\"\ncodes_of = \"http\"\nreverse = \"gRPC codes mapped to it\"\n";
    let toml = toml.replacen(
        "type = \"value\"\nsays = \"maps to HTTP {value}\"\n",
        list,
        1,
    );
    std::fs::write(grpc.join("_protocol.toml"), toml).unwrap();
    for entry in std::fs::read_dir(&grpc).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "md") {
            let text = std::fs::read_to_string(&path).unwrap();
            let fixed: String = text
                .lines()
                .map(|l| match l.strip_prefix("http_status = ") {
                    Some(v) => format!("http_status = [{v}]\n"),
                    None => format!("{l}\n"),
                })
                .collect();
            std::fs::write(&path, fixed).unwrap();
        }
    }
    let out = tempfile::tempdir().unwrap();
    build(site.path(), out.path()).unwrap();
    let html = parse(&out.path().join("http/404/index.html"));
    let labels: Vec<String> = select(&html, "dl.facts dt").iter().map(text).collect();
    let at = labels
        .iter()
        .position(|l| l == "gRPC codes mapped to it")
        .unwrap_or_else(|| panic!("no row shown back: {labels:?}"));
    let row = select(&html, "dl.facts dd")[at];
    let links: Vec<(String, String)> = row
        .select(&scraper::Selector::parse("a").unwrap())
        .map(|a| (text(&a), a.value().attr("href").unwrap_or("").to_string()))
        .collect();
    assert_eq!(
        links,
        [("NOT_FOUND".to_string(), "../../grpc/not-found/".to_string())]
    );
    // A code no list names has no such row.
    let html = parse(&out.path().join("http/301/index.html"));
    let labels: Vec<String> = select(&html, "dl.facts dt").iter().map(text).collect();
    assert!(
        !labels.iter().any(|l| l == "gRPC codes mapped to it"),
        "{labels:?}"
    );
    let data = std::fs::read_to_string(out.path().join("api/v1/http/404.json")).unwrap();
    let data: serde_json::Value = serde_json::from_str(&data).unwrap();
    assert_eq!(data["equivalents"][0]["code"], "NOT_FOUND");
    assert_eq!(
        data["equivalents"][0]["relation"],
        "gRPC codes mapped to it"
    );
}
