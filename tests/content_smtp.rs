//! Checks the shipped SMTP reply codes against the RFC reference tables
//! (tests/reference/smtp_reply_codes.tsv, smtp_command_replies.tsv): every code the RFCs define
//! has a page with the status its RFC gives it, and each page lists exactly the commands the
//! RFCs say return it.

mod common;

use std::collections::{BTreeSet, HashMap};
use std::fs;

use common::*;
use statusref::catalog::{Catalog, CodeId, FactValue, Protocol, Status};

/// Which commands a table row covers.
#[derive(Debug, Clone, PartialEq)]
enum Commands {
    /// One command, or "(connect)" / "(end of data)".
    One(String),
    /// RFC 5321's "(any command)": the code may answer any of them, and none is required.
    Any,
    /// "(any command except …)": the code answers every command but those.
    AllBut(BTreeSet<String>),
}

/// What the tables say of one code.
#[derive(Debug, Default)]
struct Expected {
    commands: BTreeSet<String>,
    any: bool,
    /// Commands the exclusion rules allow; the page must list each of them.
    all_but: BTreeSet<String>,
}

fn commands_of(cell: &str, role: &str) -> Vec<Commands> {
    if role.ends_with("_after_data") {
        return vec![Commands::One("(end of data)".into())];
    }
    if cell == "(any command)" {
        return vec![Commands::Any];
    }
    if let Some(rest) = cell
        .strip_prefix("(any command except ")
        .and_then(|r| r.strip_suffix(')'))
    {
        return vec![Commands::AllBut(
            rest.split_whitespace().map(String::from).collect(),
        )];
    }
    cell.split('/').map(|c| Commands::One(c.into())).collect()
}

/// Code → what the RFCs say returns it, from smtp_command_replies.tsv.
fn command_table(allowed: &[String]) -> HashMap<String, Expected> {
    let text =
        fs::read_to_string(repo_root().join("tests/reference/smtp_command_replies.tsv")).unwrap();
    let mut table: HashMap<String, Expected> = HashMap::new();
    // An exclusion rule speaks of the commands a client sends, not of the greeting or the end
    // of the data.
    let commands: Vec<&String> = allowed.iter().filter(|c| !c.starts_with('(')).collect();
    for line in text.lines().skip(1) {
        let cols: Vec<&str> = line.split('\t').collect();
        let entry = table.entry(cols[2].to_string()).or_default();
        for covered in commands_of(cols[1], cols[3]) {
            match covered {
                Commands::One(c) => {
                    entry.commands.insert(c);
                }
                Commands::Any => entry.any = true,
                Commands::AllBut(except) => entry.all_but.extend(
                    commands
                        .iter()
                        .filter(|c| !except.contains(c.as_str()))
                        .map(|c| c.to_string()),
                ),
            }
        }
    }
    table
}

/// Code → defining RFC, from smtp_reply_codes.tsv.
fn code_table() -> HashMap<String, String> {
    let text =
        fs::read_to_string(repo_root().join("tests/reference/smtp_reply_codes.tsv")).unwrap();
    text.lines()
        .skip(1)
        .map(|line| {
            let cols: Vec<&str> = line.split('\t').collect();
            (cols[1].to_string(), cols[3].to_string())
        })
        .collect()
}

fn smtp(catalog: &Catalog) -> &Protocol {
    catalog
        .protocols
        .iter()
        .find(|p| p.slug == "smtp")
        .expect("an SMTP protocol")
}

/// RFC 5321 and its predecessors define the base set; every other RFC is an extension.
fn expected_status(rfc: &str) -> Status {
    if rfc.starts_with("RFC 5321") {
        Status::Standard
    } else {
        Status::Extension
    }
}

/// Every disagreement between the SMTP pages and the reference tables.
fn reference_problems(p: &Protocol) -> Vec<String> {
    let (field, trigger) = p
        .trigger()
        .expect("SMTP declares the commands that return a reply");
    let commands = command_table(&trigger.allowed);
    let codes = code_table();
    let mut problems = Vec::new();
    for (c, rfc) in &codes {
        if p.find(c).is_none() {
            problems.push(format!("{c}: defined by {rfc} but has no page"));
        }
    }
    for (i, code) in p.codes.iter().enumerate() {
        let c = &code.code;
        let Some(rfc) = codes.get(c) else {
            problems.push(format!("{c}: not in the reference code list"));
            continue;
        };
        if code.status != expected_status(rfc) {
            problems.push(format!(
                "{c}: status {} but {rfc} makes it {}",
                code.status,
                expected_status(rfc)
            ));
        }
        let listed: BTreeSet<&String> = p.items(CodeId(i), field).iter().collect();
        let none = Expected::default();
        let expected = commands.get(c).unwrap_or(&none);
        let may = |command: &String| {
            expected.any
                || expected.commands.contains(command)
                || expected.all_but.contains(command)
        };
        for command in &listed {
            if !may(command) {
                problems.push(format!(
                    "{c}: returned_by lists {command}, which the RFC tables do not list for {c}"
                ));
            }
        }
        for command in expected.commands.iter().chain(&expected.all_but) {
            if !listed.contains(command) {
                problems.push(format!(
                    "{c}: returned_by leaves out {command}, which the RFC tables list for {c}"
                ));
            }
        }
    }
    problems.sort();
    problems.dedup();
    problems
}

#[test]
fn replies_match_the_rfc_tables() {
    let catalog = statusref::load_catalog(&repo_root(), None).unwrap();
    let problems = reference_problems(smtp(&catalog));
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_reference_check_catches_wrong_commands_and_statuses() {
    let catalog = statusref::load_catalog(&repo_root(), None).unwrap();
    let mut p = smtp(&catalog).clone();
    let (field, _) = p.trigger().unwrap();
    // 221 answers QUIT only; 354 answers DATA only.
    let id = p.find("221").unwrap();
    let mut commands = p.items(id, field).to_vec();
    commands.push("RCPT".to_string());
    p.codes[id.0].facts[field] = Some(FactValue::List(commands));
    let id = p.find("354").unwrap();
    p.codes[id.0].facts[field] = Some(FactValue::List(vec![]));
    // 530 answers every command but the few RFC 3207 and RFC 4954 both exempt.
    let id = p.find("530").unwrap();
    let fewer: Vec<String> = p
        .items(id, field)
        .iter()
        .filter(|c| *c != "VRFY")
        .cloned()
        .collect();
    p.codes[id.0].facts[field] = Some(FactValue::List(fewer));
    let id = p.find("535").unwrap();
    p.codes[id.0].status = Status::Standard;
    assert_eq!(
        reference_problems(&p),
        [
            "221: returned_by lists RCPT, which the RFC tables do not list for 221",
            "354: returned_by leaves out DATA, which the RFC tables list for 354",
            "530: returned_by leaves out VRFY, which the RFC tables list for 530",
            "535: status standard but RFC 4954 makes it extension",
        ]
    );
}

#[test]
fn codes_no_rfc_defines_are_left_out() {
    let catalog = statusref::load_catalog(&repo_root(), None).unwrap();
    let p = smtp(&catalog);
    // Widely copied lists carry these, but no RFC defines them as reply codes.
    for c in [
        "101", "111", "420", "422", "431", "441", "442", "446", "447", "449", "471", "510", "511",
        "512", "513", "523", "541", "571",
    ] {
        assert!(p.find(c).is_none(), "{c} has a page but no RFC defines it");
    }
    assert!(p.notes.len() >= 8, "only {} SMTP pair notes", p.notes.len());
}
