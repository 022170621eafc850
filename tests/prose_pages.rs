//! Builds a site and reads the visible text of every page as a careful reader would: no doubled
//! words, no sentence that starts in lower case, no splice like "when when". Runs over the
//! fixture and over the shipped content, so every pair of real codes is read.

mod common;

use std::path::Path;

use common::*;
use statusref::prose::lint;

fn lint_site(root: &Path) -> (usize, Vec<String>) {
    let out = tempfile::tempdir().unwrap();
    build(root, out.path()).unwrap_or_else(|e| panic!("{e}"));
    let names = statusref::load_catalog(root, None)
        .unwrap()
        .site
        .lower_case_names;
    let mut problems = Vec::new();
    let files = html_files(out.path());
    for (rel, path) in &files {
        let html = parse(path);
        for problem in lint(&visible_prose(&html), &names) {
            problems.push(format!("{rel}: {problem}"));
        }
        // Every generated paragraph and list item is whole sentences.
        for el in select(
            &html,
            "main > p.lede, #key-differences li, #when-to-use-which p",
        ) {
            let t = text(&el);
            if !(t.ends_with('.')
                && t.chars()
                    .next()
                    .is_some_and(|c| c.is_uppercase() || c.is_ascii_digit()))
            {
                problems.push(format!("{rel}: not whole sentences: {t:?}"));
            }
        }
    }
    (files.len(), problems)
}

#[test]
fn fixture_pages_read_cleanly() {
    let (pages, problems) = lint_site(&fixture());
    assert!(pages > 20);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn shipped_pages_read_cleanly() {
    let (pages, problems) = lint_site(&repo_root());
    assert!(pages > 200, "only {pages} pages");
    assert!(
        problems.is_empty(),
        "{} problems:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

#[test]
fn the_checker_catches_what_the_seed_pages_got_wrong() {
    let page = scraper::Html::parse_document(
        "<main><p>You encounter 503 when when you skip a required step.</p><p>211 indicates that. system status reply.</p><pre>S: 211 211</pre></main>",
    );
    assert_eq!(lint(&visible_prose(&page), &[]).len(), 2);
}
