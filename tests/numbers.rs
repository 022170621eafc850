//! Number pages: a page for every number that codes of two or more protocols stand for, and
//! none for the others; each lists and links the number's codes, carries its hand-written note,
//! and is linked from the home page and from each of its codes' pages. Built from the fixture of
//! every code scheme and read as HTML.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

use common::*;

fn fixture_root() -> PathBuf {
    repo_root().join("tests/fixtures/protocols")
}

fn built() -> &'static Path {
    static OUT: std::sync::OnceLock<tempfile::TempDir> = std::sync::OnceLock::new();
    OUT.get_or_init(|| {
        let out = tempfile::tempdir().unwrap();
        build(&fixture_root(), out.path()).unwrap_or_else(|e| panic!("{e}"));
        out
    })
    .path()
}

/// Number → the code pages ("http/401") of codes that stand for it, read from the content's
/// front matter rather than from the catalog under test.
fn numbers_in_content(root: &Path) -> BTreeMap<u64, BTreeSet<String>> {
    let mut by_number: BTreeMap<u64, BTreeSet<String>> = BTreeMap::new();
    for dir in fs::read_dir(root.join("content")).unwrap() {
        let dir = dir.unwrap().path();
        if !dir.join("_protocol.toml").is_file() {
            continue;
        }
        let slug = dir.file_name().unwrap().to_string_lossy().into_owned();
        for file in fs::read_dir(&dir).unwrap() {
            let file = file.unwrap().path();
            if file.extension().is_none_or(|e| e != "md") {
                continue;
            }
            let text = fs::read_to_string(&file).unwrap();
            let front = text.split("+++").nth(1).unwrap();
            let table: toml::Table = front.parse().unwrap();
            let number = table
                .get("number")
                .and_then(|n| n.as_integer())
                .map(|n| n as u64)
                .or_else(|| table["code"].as_str().unwrap().parse().ok());
            if let Some(n) = number {
                let stem = file.file_stem().unwrap().to_string_lossy().into_owned();
                by_number
                    .entry(n)
                    .or_default()
                    .insert(format!("{slug}/{stem}"));
            }
        }
    }
    by_number.retain(|_, pages| {
        let protocols: BTreeSet<&str> =
            pages.iter().map(|p| p.split('/').next().unwrap()).collect();
        protocols.len() >= 2
    });
    by_number
}

/// The code pages a page links to, as "protocol/code".
fn linked_codes(out: &Path, rel: &str, css: &str) -> BTreeSet<String> {
    let page = out.join(rel);
    let html = parse(&page);
    select(&html, css)
        .iter()
        .filter_map(|a| resolve(out, &page, a.value().attr("href")?))
        .map(|target| {
            let rel = target.strip_prefix(out).unwrap().parent().unwrap();
            rel.to_string_lossy().replace('\\', "/")
        })
        .collect()
}

#[test]
fn every_shared_number_has_a_page_listing_and_linking_each_of_its_codes() {
    let out = built();
    let expected = numbers_in_content(&fixture_root());
    assert!(expected.len() >= 5, "the fixture shares too few numbers");
    let pages: BTreeSet<u64> = fs::read_dir(out)
        .unwrap()
        .filter_map(|e| e.unwrap().file_name().to_str()?.parse().ok())
        .collect();
    assert_eq!(pages, expected.keys().copied().collect::<BTreeSet<_>>());
    for (n, codes) in &expected {
        let rel = format!("{n}/index.html");
        let html = parse(&out.join(&rel));
        assert_eq!(
            linked_codes(out, &rel, "ul.meanings a"),
            *codes,
            "{rel} lists exactly the codes for {n}"
        );
        let title = text(&select(&html, "title")[0]);
        assert!(
            title.starts_with(&format!("{n} Error Code: What It Means in ")),
            "{title}"
        );
        let h1 = text(&select(&html, "h1")[0]);
        // Each protocol is named, and none twice.
        for slug in codes.iter().map(|c| c.split('/').next().unwrap()) {
            let name = match slug {
                "smtp" => "SMTP",
                "http" => "HTTP",
                "sip" => "SIP",
                "grpc" => "gRPC",
                "dns" => "DNS",
                other => panic!("unexpected protocol {other}"),
            };
            assert!(h1.contains(name), "{rel}: {h1} names {name}");
        }
        let crumbs: Vec<String> = select(&html, "nav.crumbs li").iter().map(text).collect();
        assert_eq!(crumbs, ["Home".to_string(), n.to_string()], "{rel}");
    }
}

#[test]
fn a_number_page_carries_its_note_with_links_into_every_protocol() {
    let out = built();
    let rel = "401/index.html";
    let html = parse(&out.join(rel));
    let note = select(&html, "#mix-ups");
    assert_eq!(note.len(), 1, "the note is on the page");
    assert!(text(&note[0]).contains("both ask for credentials"));
    let linked = linked_codes(out, rel, "#mix-ups a");
    let want: BTreeSet<String> = ["http/401", "sip/401", "sip/407", "sip/401-vs-407"]
        .map(String::from)
        .into();
    assert_eq!(linked, want);
    // A number without a note has no such section.
    assert!(select(&parse(&out.join("200/index.html")), "#mix-ups").is_empty());
}

#[test]
fn home_and_code_pages_lead_to_the_number_pages() {
    let out = built();
    let expected = numbers_in_content(&fixture_root());
    let home = out.join("index.html");
    let html = parse(&home);
    let listed: BTreeSet<PathBuf> = select(&html, "ul.numbers a")
        .iter()
        .filter_map(|a| resolve(out, &home, a.value().attr("href")?))
        .collect();
    let want: BTreeSet<PathBuf> = expected
        .keys()
        .map(|n| out.join(format!("{n}/index.html")))
        .collect();
    assert_eq!(listed, want);
    for (n, codes) in &expected {
        for code in codes {
            let rel = format!("{code}/index.html");
            let page = out.join(&rel);
            let html = parse(&page);
            let line = select(&html, "p.elsewhere");
            assert_eq!(line.len(), 1, "{rel} leads to the other {n}s");
            let first = select_in(&line[0], "a")[0].value().attr("href").unwrap();
            assert_eq!(
                resolve(out, &page, first),
                Some(out.join(format!("{n}/index.html")))
            );
            let others: BTreeSet<String> = codes.iter().filter(|c| *c != code).cloned().collect();
            let linked: BTreeSet<String> = linked_codes(out, &rel, "p.elsewhere a")
                .into_iter()
                .filter(|c| c.contains('/'))
                .collect();
            assert_eq!(linked, others, "{rel}");
        }
    }
    // A code whose number no other protocol uses has no such line.
    assert!(select(&parse(&out.join("http/308/index.html")), "p.elsewhere").is_empty());
}

#[test]
fn search_offers_the_number_page_for_a_bare_shared_number() {
    let out = built();
    let js = fs::read_to_string(out.join("search-index.js")).unwrap();
    let json = js
        .trim()
        .strip_prefix("window.statusrefIndex = ")
        .and_then(|j| j.strip_suffix(';'))
        .unwrap();
    let index: serde_json::Value = serde_json::from_str(json).unwrap();
    let numbers: BTreeSet<String> = index["numbers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["n"].as_str().unwrap().to_string())
        .collect();
    let expected: BTreeSet<String> = numbers_in_content(&fixture_root())
        .keys()
        .map(u64::to_string)
        .collect();
    assert_eq!(numbers, expected);
}

/// Loads a copy of the fixture after `mutate`, and returns the problems it reports.
fn problems_after(mutate: impl FnOnce(&Path)) -> String {
    let site = tempfile::tempdir().unwrap();
    copy_dir(&fixture_root(), site.path());
    mutate(site.path());
    match statusref::load_catalog(site.path(), None) {
        Ok(_) => panic!("the broken fixture loaded"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn broken_number_notes_are_reported_with_file_line_and_field() {
    let wrong_link = problems_after(|root| {
        fs::write(
            root.join("content/numbers/401.md"),
            "First line.\n\nSee [SIP 499](@sip/499) and [HTTP](@http).\n",
        )
        .unwrap();
    });
    assert!(wrong_link.contains("numbers/401.md"), "{wrong_link}");
    assert!(wrong_link.contains("SIP has no code 499"), "{wrong_link}");
    assert!(wrong_link.contains("names no protocol"), "{wrong_link}");
    assert!(wrong_link.contains(":3"), "names the line: {wrong_link}");
    assert!(wrong_link.contains("link"), "names the field: {wrong_link}");

    let no_page = problems_after(|root| {
        fs::write(root.join("content/numbers/308.md"), "Text.\n").unwrap();
    });
    assert!(
        no_page.contains("308.md") && no_page.contains("fewer than two protocols use"),
        "{no_page}"
    );

    let bad_name = problems_after(|root| {
        fs::write(root.join("content/numbers/about.md"), "Text.\n").unwrap();
    });
    assert!(
        bad_name.contains("is not named like a number"),
        "{bad_name}"
    );

    let heading = problems_after(|root| {
        fs::write(root.join("content/numbers/401.md"), "## Mix-ups\n\nText.\n").unwrap();
    });
    assert!(heading.contains("level-2 heading"), "{heading}");

    let digits_slug = problems_after(|root| {
        let path = root.join("content/http/_protocol.toml");
        let text = fs::read_to_string(&path).unwrap();
        fs::write(&path, text.replace("slug = \"http\"", "slug = \"404\"")).unwrap();
    });
    assert!(digits_slug.contains("has no letter"), "{digits_slug}");
}
