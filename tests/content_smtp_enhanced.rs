//! Checks the shipped SMTP enhanced status codes against the IANA registry
//! (tests/reference/smtp_enhanced_status_codes.tsv): every enumerated code has a page in at least
//! one class, with the registry's name and the status its defining document gives it; codes the
//! registry lacks are labelled as a provider's own; and the reply codes each one travels with
//! agree with it in class, as RFC 2034 §4 requires.

mod common;

use std::collections::HashMap;
use std::fs;

use common::*;
use statusref::catalog::{Catalog, CodeId, Protocol, Status};

/// Registry entry ("X.1.1") → (name, defining document).
fn registry() -> HashMap<String, (String, String)> {
    let text =
        fs::read_to_string(repo_root().join("tests/reference/smtp_enhanced_status_codes.tsv"))
            .unwrap();
    text.lines()
        .skip(1)
        .map(|line| {
            let cols: Vec<&str> = line.split('\t').collect();
            (
                cols[0].to_string(),
                (cols[1].to_string(), cols[4].to_string()),
            )
        })
        .collect()
}

fn enhanced(catalog: &Catalog) -> &Protocol {
    catalog
        .protocols
        .iter()
        .find(|p| p.slug == "smtp-enhanced")
        .expect("an SMTP enhanced status code protocol")
}

/// "5.1.1" → "X.1.1".
fn entry_of(code: &str) -> String {
    match code.split_once('.') {
        Some((_, rest)) => format!("X.{rest}"),
        None => code.to_string(),
    }
}

/// RFC 3463 defines the first set; every code a later document added is an extension; the one
/// the registry deprecates is obsolete.
fn expected_status(entry: &str, defined_by: &str) -> Status {
    if entry == "X.6.10" {
        Status::Obsolete
    } else if defined_by.starts_with("RFC 3463") {
        Status::Standard
    } else {
        Status::Extension
    }
}

/// Every disagreement between the pages and the registry.
fn registry_problems(p: &Protocol) -> Vec<String> {
    let registry = registry();
    let mut problems = Vec::new();
    for entry in registry.keys() {
        if !p.codes.iter().any(|c| &entry_of(&c.code) == entry) {
            problems.push(format!(
                "{entry}: in the registry but no class of it has a page"
            ));
        }
    }
    let replies = p
        .facts
        .iter()
        .position(|f| f.key == "replies")
        .expect("a replies fact");
    for (i, code) in p.codes.iter().enumerate() {
        let c = &code.code;
        match registry.get(&entry_of(c)) {
            None if code.status != Status::NonStandard => problems.push(format!(
                "{c}: not in the registry, so it must be non-standard, not {}",
                code.status
            )),
            None if code.vendor.is_none() || code.used_by.is_none() => {
                problems.push(format!("{c}: a provider's code needs vendor and used_by"))
            }
            None => {}
            Some((name, defined_by)) => {
                let expected = expected_status(&entry_of(c), defined_by);
                if code.status != expected {
                    problems.push(format!(
                        "{c}: status {} but {defined_by} makes it {expected}",
                        code.status
                    ));
                }
                // X.6.10 has no name in the registry.
                if !name.starts_with('(') && !code.name.eq_ignore_ascii_case(name) {
                    problems.push(format!(
                        "{c}: named {:?}, but the registry calls it {name:?}",
                        code.name
                    ));
                }
            }
        }
        let class = &c[..1];
        for reply in p.items(CodeId(i), replies) {
            if !reply.starts_with(class) {
                problems.push(format!(
                    "{c}: travels with reply {reply}, of another class (RFC 2034 §4)"
                ));
            }
        }
    }
    problems.sort();
    problems
}

#[test]
fn every_registry_code_has_its_page_name_and_status() {
    let catalog = statusref::load_catalog(&repo_root(), None).unwrap();
    let problems = registry_problems(enhanced(&catalog));
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_registry_check_catches_a_wrong_name_status_class_and_gap() {
    let catalog = statusref::load_catalog(&repo_root(), None).unwrap();
    let mut p = enhanced(&catalog).clone();
    let id = p.find("5.1.1").unwrap();
    p.codes[id.0].name = "User unknown".to_string();
    let id = p.find("5.7.26").unwrap();
    p.codes[id.0].status = Status::Standard;
    let replies = p.facts.iter().position(|f| f.key == "replies").unwrap();
    let id = p.find("4.2.2").unwrap();
    p.codes[id.0].facts[replies] = Some(statusref::catalog::FactValue::List(vec!["552".into()]));
    p.codes.retain(|c| entry_of(&c.code) != "X.1.6");
    assert_eq!(
        registry_problems(&p),
        [
            "4.2.2: travels with reply 552, of another class (RFC 2034 §4)",
            "5.1.1: named \"User unknown\", but the registry calls it \"Bad destination mailbox address\"",
            "5.7.26: status standard but RFC 7372 §3.4 makes it extension",
            "X.1.6: in the registry but no class of it has a page",
        ]
    );
}

#[test]
fn the_set_has_its_notes() {
    let catalog = statusref::load_catalog(&repo_root(), None).unwrap();
    let p = enhanced(&catalog);
    assert!(p.codes.len() >= 100, "only {} codes", p.codes.len());
    for (a, b) in [
        ("5.1.1", "5.7.1"),
        ("5.7.1", "5.7.26"),
        ("4.7.0", "5.7.0"),
        ("5.2.2", "5.2.3"),
    ] {
        let (a, b) = (p.find(a).unwrap(), p.find(b).unwrap());
        assert!(p.notes.contains_key(&(a, b)), "no note for {a:?} vs {b:?}");
    }
    let smtp = catalog.protocols.iter().find(|q| q.slug == "smtp").unwrap();
    assert!(p.notes.len() + smtp.notes.len() >= 20);
}
