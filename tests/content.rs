//! Checks the shipped content against the RFC reference tables: which commands return which
//! replies, that every code page has its sections, and that every summary is one sentence.

mod common;

use std::collections::{BTreeSet, HashMap};
use std::fs;

use common::*;
use statusref::catalog::{Catalog, CodeId, FactValue, Origin, Protocol, Status};

/// Replies the tables do not list but an RFC does, with the place that says so.
const SUPPLEMENTS: &[(&str, &[&str], &str)] = &[(
    "554",
    &["RETR", "STOR", "APPE"],
    "RFC 1123 §4.1.3.4: the service command that follows REST may get 554",
)];

/// Code → commands, from ftp_command_replies.tsv.
fn command_table() -> HashMap<String, BTreeSet<String>> {
    let text =
        fs::read_to_string(repo_root().join("tests/reference/ftp_command_replies.tsv")).unwrap();
    let mut table: HashMap<String, BTreeSet<String>> = HashMap::new();
    for line in text.lines().skip(1) {
        let cols: Vec<&str> = line.split('\t').collect();
        table
            .entry(cols[3].to_string())
            .or_default()
            .insert(cols[1].to_string());
    }
    for (code, commands, _) in SUPPLEMENTS {
        table
            .entry(code.to_string())
            .or_default()
            .extend(commands.iter().map(|c| c.to_string()));
    }
    table
}

/// Code → (defining RFC, class), from ftp_reply_codes.tsv.
fn code_table() -> HashMap<String, (String, String)> {
    let text = fs::read_to_string(repo_root().join("tests/reference/ftp_reply_codes.tsv")).unwrap();
    text.lines()
        .skip(1)
        .map(|line| {
            let cols: Vec<&str> = line.split('\t').collect();
            (
                cols[1].to_string(),
                (cols[3].to_string(), cols[4].to_string()),
            )
        })
        .collect()
}

fn ftp(catalog: &Catalog) -> &Protocol {
    catalog
        .protocols
        .iter()
        .find(|p| p.slug == "ftp")
        .expect("an FTP protocol")
}

/// Every disagreement between a protocol's codes and the reference tables.
fn reference_problems(p: &Protocol) -> Vec<String> {
    let commands = command_table();
    let codes = code_table();
    let mut problems = Vec::new();
    let (field, _) = p
        .trigger()
        .expect("FTP declares the commands that return a reply");
    for (i, code) in p.codes.iter().enumerate() {
        let c = &code.code;
        let returned_by = p.items(CodeId(i), field);
        let Some((rfc, class)) = codes.get(c) else {
            problems.push(format!("{c}: not in the reference code list"));
            continue;
        };
        if code.origin == Origin::Peer && !class.starts_with(&c[..1]) {
            problems.push(format!("{c}: class {class} does not match its first digit"));
        }
        let expected_status = match rfc.as_str() {
            "RFC 959" => Some(Status::Standard),
            r if r.starts_with("RFC 1123") => Some(Status::Standard),
            "RFC 2228" | "RFC 2428" => Some(Status::Extension),
            _ => None,
        };
        if let Some(expected) = expected_status
            && code.status != expected
        {
            problems.push(format!(
                "{c}: status {} but {rfc} makes it {expected}",
                code.status
            ));
        }
        if matches!(code.status, Status::Standard | Status::Extension) {
            let listed = commands.get(c).cloned().unwrap_or_default();
            for command in returned_by {
                if !listed.contains(command) {
                    problems.push(format!(
                        "{c}: returned_by lists {command}, which the RFC tables do not list for {c}"
                    ));
                }
            }
            for command in &listed {
                if !returned_by.contains(command) {
                    problems.push(format!(
                        "{c}: returned_by leaves out {command}, which the RFC tables list for {c}"
                    ));
                }
            }
        }
    }
    problems
}

/// One complete sentence: capital first, one terminal period, no markup, no second sentence.
fn summary_problem(summary: &str) -> Option<String> {
    let words: Vec<&str> = summary.split_whitespace().collect();
    if words.len() < 5 {
        return Some("too short to be a sentence".into());
    }
    if !summary.chars().next().is_some_and(char::is_uppercase) {
        return Some("does not start with a capital letter".into());
    }
    if !summary.ends_with('.') {
        return Some("does not end with a period".into());
    }
    if summary.contains(['*', '`', '[', ']', '_', '#']) {
        return Some("contains markdown".into());
    }
    let inner = &words[..words.len() - 1];
    if let Some(w) = inner
        .iter()
        .find(|w| w.ends_with(['.', '!', '?']) && !["e.g.", "i.e.", "etc."].contains(w))
    {
        return Some(format!("has more than one sentence (after {w:?})"));
    }
    if words[0] == "It" || words[0].chars().all(|c| c.is_ascii_digit()) {
        return Some("does not stand on its own (starts with a pronoun or the code)".into());
    }
    None
}

#[test]
fn replies_match_the_rfc_tables() {
    let catalog = statusref::load_catalog(&repo_root(), None).unwrap();
    let problems = reference_problems(ftp(&catalog));
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_reference_check_catches_a_wrong_command() {
    let catalog = statusref::load_catalog(&repo_root(), None).unwrap();
    let mut p = ftp(&catalog).clone();
    let id = p.find("503").unwrap();
    // The seed pages' slip: 503 does not answer RETR.
    let (field, _) = p.trigger().unwrap();
    let mut commands = p.items(id, field).to_vec();
    commands.push("RETR".to_string());
    p.codes[id.0].facts[field] = Some(FactValue::List(commands));
    let problems = reference_problems(&p);
    assert_eq!(
        problems,
        ["503: returned_by lists RETR, which the RFC tables do not list for 503"]
    );
}

#[test]
fn every_summary_is_one_complete_sentence() {
    let catalog = statusref::load_catalog(&repo_root(), None).unwrap();
    let problems: Vec<String> = catalog
        .protocols
        .iter()
        .flat_map(|p| p.codes.iter().map(move |c| (p, c)))
        .filter_map(|(p, c)| {
            summary_problem(&c.summary).map(|e| format!("{} {}: summary {e}", p.name, c.slug))
        })
        .collect();
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    assert!(summary_problem("Bad sequence of commands").is_some());
    assert!(summary_problem("The server refused it. Try again later.").is_some());
    assert!(summary_problem("It means the server refused the command.").is_some());
}

#[test]
fn the_site_has_the_full_ftp_set() {
    let catalog = statusref::load_catalog(&repo_root(), None).unwrap();
    let p = ftp(&catalog);
    assert!(p.codes.len() >= 60, "only {} FTP codes", p.codes.len());
    assert!(p.notes.len() >= 15, "only {} pair notes", p.notes.len());
    let client_errors: Vec<&str> = p
        .codes
        .iter()
        .filter(|c| c.origin == Origin::Local)
        .map(|c| c.code.as_str())
        .collect();
    // Winsock errors: 10xxx for sockets, 11xxx for name lookups.
    assert!(
        client_errors
            .iter()
            .all(|c| c.len() == 5 && (c.starts_with("100") || c.starts_with("110"))),
        "{client_errors:?}"
    );
}

#[test]
fn every_code_page_has_its_sections() {
    let catalog = statusref::load_catalog(&repo_root(), None).unwrap();
    let out = tempfile::tempdir().unwrap();
    build(&repo_root(), out.path()).unwrap();
    for p in &catalog.protocols {
        for code in &p.codes {
            let page = out
                .path()
                .join(format!("{}/{}/index.html", p.slug, code.slug));
            let html = parse(&page);
            let h2: Vec<String> = select(&html, "main h2").iter().map(text).collect();
            for section in ["Description", "When you see it", "How to fix"] {
                assert!(
                    h2.iter().any(|h| h == section),
                    "{} {}: no {section} in {h2:?}",
                    p.name,
                    code.slug
                );
            }
            let how = select(&html, "main section[id$='-how-to-fix']");
            assert_eq!(how.len(), 1, "{} {}", p.name, code.slug);
            // Problems get advice for both sides; informational codes say what to do instead.
            let sub: Vec<String> = how[0]
                .select(&scraper::Selector::parse("h3").unwrap())
                .map(|h| text(&h))
                .collect();
            let is_problem = code.origin == Origin::Peer
                && p.classes_by_digit()
                && matches!(code.code.chars().next(), Some('4' | '5'));
            if is_problem {
                assert_eq!(sub, p.fix_headings, "{} {}", p.name, code.slug);
            }
        }
    }
}
