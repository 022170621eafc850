//! Sitemaps at scale and over time: an index past 10,000 URLs, and lastmod taken from when
//! content last changed.

mod common;

use std::fs;
use std::path::Path;
use std::process::Command;

use common::*;

#[test]
fn a_site_past_ten_thousand_urls_gets_a_sitemap_index() {
    let site = tempfile::tempdir().unwrap();
    // 150 codes: 11,175 comparison pages, 150 code pages, a protocol page and home.
    write_synthetic_site(site.path(), 150);
    let out = tempfile::tempdir().unwrap();
    build(site.path(), out.path()).unwrap();
    let index = fs::read_to_string(out.path().join("sitemap.xml")).unwrap();
    let doc = roxmltree::Document::parse(&index).unwrap();
    assert_eq!(doc.root_element().tag_name().name(), "sitemapindex");
    let parts: Vec<String> = doc
        .descendants()
        .filter(|n| n.has_tag_name("loc"))
        .map(|n| n.text().unwrap().to_string())
        .collect();
    assert_eq!(
        parts,
        [
            "https://synthetic.example.org/sitemap-1.xml",
            "https://synthetic.example.org/sitemap-2.xml"
        ]
    );
    let mut total = 0;
    for part in ["sitemap-1.xml", "sitemap-2.xml"] {
        let xml = fs::read_to_string(out.path().join(part)).unwrap();
        let doc = roxmltree::Document::parse(&xml).unwrap();
        let urls = doc.descendants().filter(|n| n.has_tag_name("url")).count();
        assert!(urls <= 10_000);
        total += urls;
    }
    assert_eq!(total, 11_175 + 150 + 2);
    let robots = fs::read_to_string(out.path().join("robots.txt")).unwrap();
    assert!(robots.contains("Sitemap: https://synthetic.example.org/sitemap.xml"));
}

fn git(dir: &Path, args: &[&str]) {
    let status = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .env("GIT_AUTHOR_NAME", "t")
        .env("GIT_AUTHOR_EMAIL", "t@example.org")
        .env("GIT_COMMITTER_NAME", "t")
        .env("GIT_COMMITTER_EMAIL", "t@example.org")
        .env("GIT_AUTHOR_DATE", "2020-05-17T12:00:00Z")
        .env("GIT_COMMITTER_DATE", "2020-05-17T12:00:00Z")
        .status()
        .expect("git runs");
    assert!(status.success(), "git {args:?}");
}

fn lastmods(out: &Path) -> std::collections::HashMap<String, String> {
    let xml = fs::read_to_string(out.join("sitemap.xml")).unwrap();
    let doc = roxmltree::Document::parse(&xml).unwrap();
    doc.descendants()
        .filter(|n| n.has_tag_name("url"))
        .map(|u| {
            let get = |tag| {
                u.children()
                    .find(|n| n.has_tag_name(tag))
                    .unwrap()
                    .text()
                    .unwrap()
                    .to_string()
            };
            (
                get("loc")
                    .trim_start_matches("https://fixture.example.org/")
                    .to_string(),
                get("lastmod"),
            )
        })
        .collect()
}

#[test]
fn lastmod_is_when_the_content_last_changed() {
    let site = fixture_copy();
    git(site.path(), &["init", "-q"]);
    git(site.path(), &["add", "."]);
    git(site.path(), &["commit", "-q", "-m", "content"]);
    let out = tempfile::tempdir().unwrap();
    build(site.path(), out.path()).unwrap();
    let first = lastmods(out.path());
    assert!(first.values().all(|d| d == "2020-05-17"), "{first:?}");

    // An uncommitted edit dates the pages that show the file, and only those, by its mtime.
    let path = site.path().join("content/ftp/550.md");
    let text = fs::read_to_string(&path).unwrap();
    fs::write(
        &path,
        text.replace("Read the reply text.", "Read the whole reply text."),
    )
    .unwrap();
    build(site.path(), out.path()).unwrap();
    let second = lastmods(out.path());
    let today = statusref::dates::date_of_time(std::time::SystemTime::now()).to_string();
    for (page, date) in &second {
        let shows_550 = page.contains("550") || page == "ftp/" || page.is_empty();
        assert_eq!(
            date,
            if shows_550 { &today } else { "2020-05-17" },
            "{page}"
        );
    }
    // Rebuilding changes nothing.
    build(site.path(), out.path()).unwrap();
    assert_eq!(lastmods(out.path()), second);
}
