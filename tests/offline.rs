//! The offline site and bundle: every link relative and naming its file, nothing fetched, and a
//! zip that is the same bytes for the same input.

mod common;

use std::collections::BTreeSet;
use std::fs;
use std::io::Read as _;

use common::*;
use statusref::{BuildOptions, LinkStyle};

fn offline(root: &std::path::Path, out: &std::path::Path) {
    statusref::build(&BuildOptions {
        links: LinkStyle::File,
        ..options(root, out)
    })
    .unwrap();
}

#[test]
fn every_link_is_relative_and_names_its_file() {
    let out = tempfile::tempdir().unwrap();
    offline(&fixture(), out.path());
    let mut checked = 0;
    for (rel, path) in html_files(out.path()) {
        let html = parse(&path);
        for el in select(&html, "[href], [src]") {
            let url = el.value().attr("href").or(el.value().attr("src")).unwrap();
            if el.value().attr("rel") == Some("canonical") {
                assert!(
                    url.starts_with("https://"),
                    "{rel}: canonical {url} must stay absolute"
                );
                continue;
            }
            assert!(!url.starts_with('/'), "{rel}: root-relative {url}");
            assert!(!url.contains("://"), "{rel}: external {url}");
            if url.starts_with('#') {
                continue;
            }
            let file = url.split('#').next().unwrap();
            assert!(
                !file.ends_with('/') && !file.is_empty(),
                "{rel}: {url} does not name a file"
            );
            let target = path.parent().unwrap().join(file);
            assert!(target.is_file(), "{rel}: {url} is missing");
            checked += 1;
        }
        for script in select(&html, "script[src]") {
            assert_ne!(
                script.value().attr("type"),
                Some("module"),
                "{rel}: module scripts do not run from file://"
            );
        }
    }
    assert!(checked > 500);
    let js = fs::read_to_string(out.path().join("search.js")).unwrap();
    for banned in [
        "fetch(",
        "XMLHttpRequest",
        "Worker(",
        "import(",
        "importScripts",
    ] {
        assert!(!js.contains(banned), "search.js uses {banned}");
    }
    // Canonical URLs and the sitemap still name the published site.
    let sitemap = fs::read_to_string(out.path().join("sitemap.xml")).unwrap();
    assert!(sitemap.contains("<loc>https://fixture.example.org/ftp/211-vs-503/</loc>"));
}

fn zip_names(path: &std::path::Path) -> BTreeSet<String> {
    let mut zip = zip::ZipArchive::new(fs::File::open(path).unwrap()).unwrap();
    (0..zip.len())
        .map(|i| zip.by_index(i).unwrap().name().to_string())
        .collect()
}

#[test]
fn the_bundle_is_deterministic_and_holds_the_offline_site() {
    let dir = tempfile::tempdir().unwrap();
    let (one, two) = (dir.path().join("one.zip"), dir.path().join("two.zip"));
    statusref::site::bundle(&fixture(), None, &one).unwrap();
    statusref::site::bundle(&fixture(), None, &two).unwrap();
    assert_eq!(
        fs::read(&one).unwrap(),
        fs::read(&two).unwrap(),
        "same input, same bytes"
    );

    let out = tempfile::tempdir().unwrap();
    offline(&fixture(), out.path());
    let mut zip = zip::ZipArchive::new(fs::File::open(&one).unwrap()).unwrap();
    for (rel, path) in html_files(out.path()) {
        let mut entry = zip
            .by_name(&format!("statusref/{rel}"))
            .unwrap_or_else(|_| panic!("{rel} is not in the bundle"));
        let mut bytes = Vec::new();
        entry.read_to_end(&mut bytes).unwrap();
        assert_eq!(
            bytes,
            fs::read(path).unwrap(),
            "{rel} differs from the offline build"
        );
    }
    let names = zip_names(&one);
    for file in [
        "statusref/index.html",
        "statusref/search.js",
        "statusref/search-index.js",
        "statusref/style.css",
    ] {
        assert!(names.contains(file), "{file}");
    }
}

#[test]
fn the_published_site_links_its_bundle_from_the_home_page() {
    let out = tempfile::tempdir().unwrap();
    statusref::build(&BuildOptions {
        bundle: true,
        ..options(&fixture(), out.path())
    })
    .unwrap();
    let html = parse(&out.path().join("index.html"));
    let link = select(&html, "main a[download]");
    assert_eq!(link[0].value().attr("href"), Some("statusref-offline.zip"));
    assert!(!zip_names(&out.path().join("statusref-offline.zip")).is_empty());
    // A rebuild leaves the unchanged bundle alone.
    let mtime = fs::metadata(out.path().join("statusref-offline.zip"))
        .unwrap()
        .modified()
        .unwrap();
    let report = statusref::build(&BuildOptions {
        bundle: true,
        ..options(&fixture(), out.path())
    })
    .unwrap();
    assert_eq!(report.written, 0, "{report}");
    assert_eq!(
        fs::metadata(out.path().join("statusref-offline.zip"))
            .unwrap()
            .modified()
            .unwrap(),
        mtime
    );
}
