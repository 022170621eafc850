//! Helpers shared by the integration tests: fixture copies, builds, and HTML reading.
#![allow(dead_code)]

use std::fs;
use std::path::{Path, PathBuf};

use scraper::{ElementRef, Html, Selector};
use statusref::{BuildOptions, LinkStyle};

pub fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/site")
}

pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A private copy of the fixture site that a test may change.
pub fn fixture_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    copy_dir(&fixture(), dir.path());
    dir
}

pub fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.expect("walk fixture");
        let rel = entry.path().strip_prefix(from).unwrap();
        let target = to.join(rel);
        if entry.file_type().is_dir() {
            fs::create_dir_all(&target).unwrap();
        } else {
            fs::copy(entry.path(), &target).unwrap();
        }
    }
}

pub fn options(root: &Path, out: &Path) -> BuildOptions {
    BuildOptions {
        root: root.to_path_buf(),
        out: out.to_path_buf(),
        base_url: None,
        links: LinkStyle::Directory,
        bundle: false,
    }
}

pub fn build(root: &Path, out: &Path) -> Result<statusref::BuildReport, statusref::Error> {
    statusref::build(&options(root, out))
}

pub fn parse(path: &Path) -> Html {
    let text = fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    Html::parse_document(&text)
}

pub fn select<'a>(html: &'a Html, css: &str) -> Vec<ElementRef<'a>> {
    let selector = Selector::parse(css).unwrap_or_else(|e| panic!("selector {css}: {e:?}"));
    html.select(&selector).collect()
}

/// The elements under `el` that match `css`.
pub fn select_in<'a>(el: &ElementRef<'a>, css: &str) -> Vec<ElementRef<'a>> {
    let selector = Selector::parse(css).unwrap_or_else(|e| panic!("selector {css}: {e:?}"));
    el.select(&selector).collect()
}

pub fn text(el: &ElementRef) -> String {
    el.text()
        .collect::<Vec<_>>()
        .join("")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// The words a reader sees in `<main>`, without code blocks (transcripts repeat tokens on
/// purpose); inline code stays, as it is part of its sentence.
pub fn visible_prose(html: &Html) -> String {
    fn walk(el: ElementRef, out: &mut String) {
        for child in el.children() {
            if let Some(e) = ElementRef::wrap(child) {
                let name = e.value().name();
                if matches!(name, "pre" | "script" | "style") {
                    out.push_str(" | ");
                    continue;
                }
                // A block (cell, item, paragraph) ends a run of words; inline markup does not.
                let inline = matches!(
                    name,
                    "a" | "strong" | "em" | "b" | "i" | "span" | "abbr" | "sub" | "sup"
                );
                let gap = if inline { "" } else { " | " };
                out.push_str(gap);
                walk(e, out);
                out.push_str(gap);
            } else if let Some(t) = child.value().as_text() {
                out.push_str(t);
            }
        }
    }
    let mut out = String::new();
    for main in select(html, "main") {
        walk(main, &mut out);
    }
    out
}

/// Every file under `dir` as (relative path, full path), in order.
pub fn files_under(dir: &Path) -> Vec<(String, PathBuf)> {
    let mut files: Vec<_> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            (
                e.path()
                    .strip_prefix(dir)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned(),
                e.path().to_path_buf(),
            )
        })
        .collect();
    files.sort();
    files
}

/// Every HTML file under `dir`, relative path first.
pub fn html_files(dir: &Path) -> Vec<(String, PathBuf)> {
    files_under(dir)
        .into_iter()
        .filter(|(rel, _)| rel.ends_with(".html"))
        .collect()
}

/// Resolves a relative href from the page at `page` (a file under `root`) to a file, the way a
/// browser would for a directory-style site.
pub fn resolve(root: &Path, page: &Path, href: &str) -> Option<PathBuf> {
    if href.starts_with("http://")
        || href.starts_with("https://")
        || href.starts_with('#')
        || href.starts_with("mailto:")
    {
        return None;
    }
    let href = href.split('#').next().unwrap_or("");
    let base = if href.starts_with('/') {
        root.to_path_buf()
    } else {
        page.parent().unwrap().to_path_buf()
    };
    let mut path = base;
    for part in href.trim_start_matches('/').split('/') {
        match part {
            "" | "." => {}
            ".." => {
                path.pop();
            }
            p => path.push(p),
        }
    }
    if href.ends_with('/') || href.is_empty() || path.is_dir() {
        path.push("index.html");
    }
    Some(path)
}

/// A synthetic FTP-like site of `m` codes; see `statusref::synthetic`.
pub fn write_synthetic_site(dir: &Path, m: usize) {
    statusref::synthetic::write_site(dir, m).unwrap();
}
