//! Runs every sentence-composing function over every pair of every protocol, for the shipped
//! content and the fixture, and reads each result as a careful reader would.

mod common;

use std::path::Path;

use common::*;
use statusref::compare::all_pairs;
use statusref::prose;

/// Problems in one generated paragraph: lint findings, or text that is not whole sentences.
fn problems_in(text: &str) -> Vec<String> {
    let mut problems = prose::lint(text, &[]);
    let starts = text
        .chars()
        .next()
        .is_some_and(|c| c.is_uppercase() || c.is_ascii_digit());
    if !starts || !text.ends_with('.') {
        problems.push("not whole sentences".to_string());
    }
    if text.contains("  ") || text.contains(" .") || text.contains(" ,") || text.contains("..") {
        problems.push("loose spacing or punctuation".to_string());
    }
    problems
}

fn check_every_pair(root: &Path) -> usize {
    let catalog = statusref::load_catalog(root, None).unwrap();
    let mut checked = 0;
    let mut problems = Vec::new();
    for p in &catalog.protocols {
        for pair in all_pairs(p.paired) {
            let (a, b) = (pair.low(), pair.high());
            let (which, rule) = prose::which(p, a, b);
            let mut texts = vec![prose::opening(p, a, b), rule];
            texts.extend(prose::differences(p, a, b));
            texts.extend(which.into_iter().map(|w| w.text));
            for text in texts {
                for problem in problems_in(&text) {
                    problems.push(format!("{}: {problem}: {text}", pair.slug(p)));
                }
            }
            checked += 1;
        }
    }
    assert!(
        problems.is_empty(),
        "{} problems:\n{}",
        problems.len(),
        problems.join("\n")
    );
    checked
}

#[test]
fn every_shipped_pair_reads_as_whole_sentences() {
    assert!(check_every_pair(&repo_root()) >= 1770);
}

#[test]
fn every_fixture_pair_reads_as_whole_sentences() {
    assert_eq!(check_every_pair(&fixture()), 21);
}

#[test]
fn every_pair_of_every_scheme_reads_as_whole_sentences() {
    let checked = check_every_pair(&repo_root().join("tests/fixtures/protocols"));
    assert!(checked >= 100, "{checked}");
}

#[test]
fn the_checks_can_fail() {
    assert!(!problems_in("You encounter 503 when when you skip a step.").is_empty());
    assert!(!problems_in("after 211, the server is done.").is_empty());
    assert!(!problems_in("211 means success").is_empty());
}
