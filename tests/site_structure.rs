//! Builds the fixture site and checks the pages it must have, by parsing their HTML.

mod common;

use std::collections::HashSet;
use std::fs;

use common::*;

const CODES: [&str; 7] = ["211", "214", "430", "503", "530", "550", "10060"];

#[test]
fn every_code_and_every_unordered_pair_has_exactly_one_page() {
    let out = tempfile::tempdir().unwrap();
    let report = build(&fixture(), out.path()).expect("fixture builds");
    let n = CODES.len();
    let ftp = out.path().join("ftp");
    let dirs: HashSet<String> = fs::read_dir(&ftp)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| ftp.join(name).join("index.html").is_file())
        .collect();
    let code_pages = dirs.iter().filter(|d| !d.contains("-vs-")).count();
    let pair_pages: Vec<&String> = dirs.iter().filter(|d| d.contains("-vs-")).collect();
    assert_eq!(code_pages, n);
    assert_eq!(pair_pages.len(), n * (n - 1) / 2);
    for pair in pair_pages {
        let (a, b) = pair.split_once("-vs-").unwrap();
        let (a, b): (u32, u32) = (a.parse().unwrap(), b.parse().unwrap());
        assert!(a < b, "{pair} is not in canonical order");
    }
    // Home, protocol, 404, codes and pairs.
    assert_eq!(report.pages, 3 + n + n * (n - 1) / 2);
    assert!(out.path().join("404.html").is_file());
    assert!(out.path().join("style.css").is_file());
}

#[test]
fn comparison_page_has_every_section() {
    let out = tempfile::tempdir().unwrap();
    build(&fixture(), out.path()).unwrap();
    let page = out.path().join("ftp/211-vs-503/index.html");
    let html = parse(&page);
    let h1 = select(&html, "h1");
    assert_eq!(h1.len(), 1);
    assert_eq!(
        text(&h1[0]),
        "FTP 211 System Status vs 503 Bad Sequence of Commands"
    );
    let lede = text(&select(&html, "main > p.lede")[0]);
    assert!(lede.contains("2yz Positive Completion"), "{lede}");
    assert!(lede.contains("5yz Permanent Negative Completion"), "{lede}");

    let articles = select(&html, "main article");
    assert_eq!(articles.len(), 2);
    for (article, code) in articles.iter().zip(["211", "503"]) {
        let inner = scraper::Html::parse_fragment(&article.html());
        let h3: Vec<String> = select(&inner, "h3").iter().map(text).collect();
        assert_eq!(
            h3,
            ["Description", "When you see it", "How to fix"],
            "sections of {code}"
        );
        assert!(text(&select(&inner, "h2")[0]).starts_with(code));
    }
    let h2: Vec<String> = select(&html, "main > section > h2")
        .iter()
        .map(text)
        .collect();
    assert_eq!(
        h2,
        [
            "In practice",
            "Key differences",
            "When to use which",
            "Related comparisons"
        ]
    );
    assert!(select(&html, "#key-differences li").len() >= 3);
    assert_eq!(select(&html, "#key-differences tbody tr").len(), 6);
    assert!(text(&select(&html, "#in-practice")[0]).contains("hand-written note"));
    let which: Vec<String> = select(&html, "#when-to-use-which p")
        .iter()
        .map(text)
        .collect();
    assert!(which[0].starts_with("211 System Status."), "{which:?}");
    assert!(
        which[1].starts_with("503 Bad Sequence of Commands."),
        "{which:?}"
    );
}

#[test]
fn related_links_resolve_and_start_with_the_closest_siblings() {
    let out = tempfile::tempdir().unwrap();
    build(&fixture(), out.path()).unwrap();
    for (rel, path) in html_files(out.path())
        .into_iter()
        .filter(|(r, _)| r.contains("-vs-"))
    {
        let html = parse(&path);
        let links: Vec<String> = select(&html, "#related a")
            .iter()
            .filter_map(|a| a.value().attr("href").map(String::from))
            .collect();
        assert!(links.len() >= 4, "{rel} has {} related links", links.len());
        let unique: HashSet<&String> = links.iter().collect();
        assert_eq!(unique.len(), links.len(), "{rel} repeats a related link");
        for href in &links {
            let target = resolve(out.path(), &path, href).unwrap();
            assert!(target.is_file(), "{rel}: {href} does not resolve");
            assert_ne!(target, path, "{rel} links to itself");
        }
    }
    let html = parse(&out.path().join("ftp/211-vs-503/index.html"));
    let first: Vec<String> = select(&html, "#related a")
        .iter()
        .map(|a| a.value().attr("href").unwrap().to_string())
        .collect();
    assert!(
        first.iter().take(2).any(|h| h.ends_with("ftp/214-vs-503/")),
        "{first:?}"
    );
}

#[test]
fn every_internal_link_on_every_page_resolves() {
    let out = tempfile::tempdir().unwrap();
    build(&fixture(), out.path()).unwrap();
    for (rel, path) in html_files(out.path()) {
        if rel == "404.html" {
            continue; // root-absolute links, checked below against the site root
        }
        let html = parse(&path);
        for a in select(&html, "a[href], link[href]") {
            let href = a.value().attr("href").unwrap();
            if let Some(target) = resolve(out.path(), &path, href) {
                assert!(
                    target.is_file(),
                    "{rel}: {href} → {} is missing",
                    target.display()
                );
            }
        }
    }
    let html = parse(&out.path().join("404.html"));
    let targets: Vec<_> = select(&html, "main a[href]")
        .iter()
        .filter_map(|a| {
            resolve(
                out.path(),
                &out.path().join("404.html"),
                a.value().attr("href").unwrap(),
            )
        })
        .collect();
    assert!(targets.len() >= 2, "the 404 page offers ways on");
    for target in targets {
        assert!(target.is_file(), "404: {}", target.display());
    }
}

#[test]
fn code_page_lists_all_its_comparisons_most_relevant_first() {
    let out = tempfile::tempdir().unwrap();
    build(&fixture(), out.path()).unwrap();
    let html = parse(&out.path().join("ftp/211/index.html"));
    let links: Vec<String> = select(&html, "#compare a")
        .iter()
        .map(|a| a.value().attr("href").unwrap().to_string())
        .collect();
    assert_eq!(links.len(), CODES.len() - 1);
    assert!(links[0].ends_with("211-vs-214/"), "{links:?}");
    let h2: Vec<String> = select(&html, "main h2").iter().map(text).collect();
    for section in ["Description", "When you see it", "How to fix"] {
        assert!(h2.iter().any(|h| h == section), "{h2:?}");
    }
    let facts: Vec<String> = select(&html, "dl.facts dt").iter().map(text).collect();
    assert!(facts.contains(&"Returned by".to_string()));
    assert!(facts.contains(&"Defined in".to_string()));
}

#[test]
fn a_code_page_shows_the_closest_comparisons_and_folds_the_rest_by_class() {
    let site = tempfile::tempdir().unwrap();
    // Codes 100 to 219: two classes, 119 comparisons per code page.
    write_synthetic_site(site.path(), 120);
    let out = tempfile::tempdir().unwrap();
    build(site.path(), out.path()).unwrap();
    let html = parse(&out.path().join("ftp/150/index.html"));
    let shown: Vec<String> = select(&html, "#compare > ul.pairs a")
        .iter()
        .map(|a| a.value().attr("href").unwrap().to_string())
        .collect();
    assert_eq!(
        shown.len(),
        statusref::compare::SHOWN_COMPARISONS,
        "{shown:?}"
    );
    // 150 names 151 as confused with it, and 149 names 150: both come first.
    for pair in ["149-vs-150/", "150-vs-151/"] {
        assert!(shown.iter().any(|h| h.ends_with(pair)), "{pair}: {shown:?}");
    }
    for a in select(&html, "#compare > ul.pairs a") {
        assert!(text(&a).starts_with("150 vs "), "{}", text(&a));
    }
    // The rest sit behind one click, under a heading per class of the other code, with counts.
    let groups = select(&html, "#compare > details");
    assert_eq!(groups.len(), 1, "one fold");
    assert_eq!(
        text(&select_in(&groups[0], "summary")[0]),
        "111 more comparisons, by class"
    );
    let classes: Vec<(String, usize)> = select_in(&groups[0], "h3")
        .iter()
        .zip(select_in(&groups[0], "ul.pairs"))
        .map(|(h, list)| (text(h), select_in(&list, "a").len()))
        .collect();
    assert_eq!(
        classes,
        [
            ("1yz Positive Preliminary".to_string(), 91),
            ("2yz Positive Completion".to_string(), 20)
        ],
        "folded by the other code's class"
    );
    let mut all: Vec<String> = select(&html, "#compare a")
        .iter()
        .map(|a| a.value().attr("href").unwrap().to_string())
        .collect();
    assert_eq!(all.len(), 119);
    all.sort();
    all.dedup();
    assert_eq!(all.len(), 119, "each comparison is listed once");
    assert!(
        groups[0].value().attr("open").is_none(),
        "the fold starts closed"
    );
}

#[test]
fn site_templates_override_the_defaults_file_by_file() {
    let site = fixture_copy();
    fs::create_dir_all(site.path().join("templates")).unwrap();
    fs::write(
        site.path().join("templates/404.html"),
        "{% extends \"base.html\" %}{% block content %}<h1>Custom missing page</h1>{% endblock content %}",
    )
    .unwrap();
    let out = tempfile::tempdir().unwrap();
    build(site.path(), out.path()).unwrap();
    let html = parse(&out.path().join("404.html"));
    assert_eq!(text(&select(&html, "h1")[0]), "Custom missing page");
    // The others still come from the defaults.
    let html = parse(&out.path().join("ftp/211-vs-503/index.html"));
    assert_eq!(select(&html, "main article").len(), 2);
}

#[test]
fn rebuilding_is_byte_identical_and_rewrites_nothing() {
    let out = tempfile::tempdir().unwrap();
    let first = build(&fixture(), out.path()).unwrap();
    let before: Vec<(String, Vec<u8>)> = html_files(out.path())
        .into_iter()
        .map(|(r, p)| (r, fs::read(p).unwrap()))
        .collect();
    let second = build(&fixture(), out.path()).unwrap();
    assert_eq!(second.written, 0, "{second}");
    assert_eq!(second.unchanged, first.written);
    let after: Vec<(String, Vec<u8>)> = html_files(out.path())
        .into_iter()
        .map(|(r, p)| (r, fs::read(p).unwrap()))
        .collect();
    assert_eq!(before, after);
}
