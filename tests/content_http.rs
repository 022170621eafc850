//! Checks the shipped HTTP content against the IANA registry and the per-code facts table
//! (tests/reference/http_status_codes_iana.tsv, http_code_facts.tsv): every registered code has a
//! page with its registered name, its status and defining document, the header fields its RFC
//! requires, its caching and redirect rules, its former names and its constants in five
//! libraries.

mod common;

use std::collections::HashMap;
use std::fs;

use common::*;
use statusref::catalog::{Catalog, Code, FactKind, FactValue, Protocol, Status};

/// Registered codes the site leaves out, and why.
const LEFT_OUT: &[(&str, &str)] = &[];

/// One row of a tab-separated table, by column name.
type Row = HashMap<String, String>;

fn table(name: &str) -> HashMap<String, Row> {
    let text = fs::read_to_string(repo_root().join("tests/reference").join(name)).unwrap();
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split('\t').collect();
    lines
        .map(|line| {
            let row: Row = header
                .iter()
                .zip(line.split('\t'))
                .map(|(k, v)| (k.to_string(), v.trim().to_string()))
                .collect();
            (row["code"].clone(), row)
        })
        .collect()
}

fn http(catalog: &Catalog) -> &Protocol {
    catalog
        .protocols
        .iter()
        .find(|p| p.slug == "http")
        .expect("an HTTP protocol")
}

/// Text with every parenthesised part removed, nesting included.
fn without_parentheses(text: &str) -> String {
    let mut depth = 0usize;
    let mut out = String::new();
    for c in text.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

/// The status a page must have, from the registry's defining document and status.
fn expected_status(code: &str, rfc: &str, registry_status: &str) -> Status {
    match code {
        // RFC 9110 §15.5.3: "reserved for future use".
        "402" => Status::Reserved,
        _ if registry_status.starts_with("reserved") => Status::Reserved,
        // 305 is deprecated (RFC 9110 §15.4.6); 102 was removed by RFC 4918 (Appendix F.3).
        "305" | "102" => Status::Obsolete,
        _ if registry_status == "obsoleted" => Status::Obsolete,
        _ if rfc.starts_with("RFC 9110") => Status::Standard,
        _ => Status::Extension,
    }
}

/// The defining document as a spec reference names it: "RFC 9110", "RFC 2774",
/// "draft-ietf-httpbis-resumable-upload".
fn defining_document(rfc: &str) -> String {
    let words: Vec<&str> = rfc.split_whitespace().collect();
    match words.as_slice() {
        ["RFC", number, ..] => format!("RFC {number}"),
        [draft, ..] => draft.to_string(),
        [] => String::new(),
    }
}

/// The header fields a clause of the facts table says MUST or SHOULD come with the response,
/// unconditionally: "WWW-Authenticate MUST", "single part: Content-Range MUST".
fn required_headers(column: &str, known: &[String]) -> Vec<String> {
    column
        .split(';')
        .map(without_parentheses)
        .filter(|clause| !clause.contains(" if "))
        .filter_map(|clause| {
            let clause = clause.rsplit(": ").next().unwrap_or(&clause);
            let mut words = clause.split_whitespace();
            let name = words.next()?;
            let rest: Vec<&str> = words.collect();
            let binding = rest
                .windows(2)
                .any(|w| matches!(w[0], "MUST" | "SHOULD") && w[1] != "NOT")
                || matches!(rest.last(), Some(&"MUST" | &"SHOULD"));
            (binding && known.iter().any(|k| k == name)).then(|| name.to_string())
        })
        .collect()
}

fn expected_cacheable(column: &str) -> &'static str {
    if column.starts_with("yes") {
        "yes"
    } else if column.contains("interim") {
        "interim"
    } else if column.contains("MUST NOT be stored") {
        "never"
    } else {
        "no"
    }
}

fn expected_redirect(column: &str) -> Option<&'static str> {
    if column.starts_with("yes") {
        Some("may-change")
    } else if column.starts_with("no:") {
        Some("kept")
    } else if column.starts_with("follow-up is a retrieval") {
        Some("to-get")
    } else {
        None
    }
}

/// A library's name for a code as the page writes it, from the table's cell.
fn expected_constant(prefix: &str, cell: &str) -> Option<String> {
    let first = cell.split_whitespace().next()?;
    (!first.starts_with('(')).then(|| format!("{prefix}{first}"))
}

const LIBRARIES: [(&str, &str, &str); 5] = [
    ("python", "python_HTTPStatus", "HTTPStatus."),
    ("go", "go_net_http", "http."),
    ("rust", "rust_http_StatusCode", "StatusCode::"),
    ("dotnet", "dotnet_HttpStatusCode", "HttpStatusCode."),
    ("java", "java_HttpURLConnection", "HttpURLConnection."),
];

/// A code's value of the fact field `key`, as text.
fn fact(p: &Protocol, code: &Code, key: &str) -> Option<String> {
    let field = p.facts.iter().position(|f| f.key == key)?;
    match (&p.facts[field].kind, code.facts[field].as_ref()?) {
        (FactKind::Choice(choices), FactValue::Choice(i)) => Some(choices[*i].value.clone()),
        (_, FactValue::Value(v) | FactValue::Text(v)) => Some(v.clone()),
        (_, FactValue::List(items)) => Some(items.join(", ")),
        _ => None,
    }
}

fn list_fact(p: &Protocol, code: &Code, key: &str) -> Vec<String> {
    let field = p.facts.iter().position(|f| f.key == key).unwrap();
    match &code.facts[field] {
        Some(FactValue::List(items)) => items.clone(),
        _ => Vec::new(),
    }
}

/// Every disagreement between one registered code's page and the two tables.
fn code_problems(p: &Protocol, code: &Code, registry: &Row, facts: &Row) -> Vec<String> {
    let c = &code.code;
    let mut problems = Vec::new();
    // The registry's "(Unused)" names a code "Unused"; its remarks ("Not Extended (OBSOLETED)",
    // "- widely known as …") are not part of the name.
    let base = registry["name"].split(" - ").next().unwrap_or_default();
    let registered = match base.strip_prefix('(') {
        Some(inner) => inner.trim_end_matches(')').to_string(),
        None => without_parentheses(base).trim().to_string(),
    };
    if code.name != registered {
        problems.push(format!(
            "{c}: named \"{}\", registered as \"{registered}\"",
            code.name
        ));
    }
    let rfc = &registry["defining_rfc"];
    let status = expected_status(c, rfc, &registry["status"]);
    if code.status != status {
        problems.push(format!(
            "{c}: status {} but {rfc} makes it {status}",
            code.status
        ));
    }
    let document = defining_document(rfc);
    if !code.specs.first().is_some_and(|s| s.starts_with(&document)) {
        problems.push(format!(
            "{c}: the first spec should be {document}, not {:?}",
            code.specs.first()
        ));
    }

    let headers = list_fact(p, code, "headers");
    let known = p
        .facts
        .iter()
        .find_map(|f| f.list().filter(|_| f.key == "headers"))
        .unwrap();
    let column = &facts["headers_required_or_recommended"];
    for header in required_headers(column, &known.allowed) {
        if !headers.contains(&header) {
            problems.push(format!("{c}: headers leave out {header} ({column})"));
        }
    }
    for header in &headers {
        if !column.contains(header.as_str()) {
            problems.push(format!(
                "{c}: headers list {header}, which the table does not name ({column})"
            ));
        }
    }

    let cacheable = fact(p, code, "cacheable");
    let want = expected_cacheable(&facts["heuristically_cacheable"]);
    if cacheable.as_deref() != Some(want) {
        problems.push(format!(
            "{c}: cacheable {cacheable:?}, the table says {want}"
        ));
    }
    let redirect = fact(p, code, "redirect_method");
    let want = expected_redirect(&facts["method_change_on_redirect"]);
    if redirect.as_deref() != want {
        problems.push(format!(
            "{c}: redirect_method {redirect:?}, the table says {want:?}"
        ));
    }

    let former = without_parentheses(&facts["former_names"]);
    for old in former.split(';').map(str::trim).filter(|s| !s.is_empty()) {
        if !code.former_names.iter().any(|n| n == old) {
            problems.push(format!("{c}: former_names leave out \"{old}\""));
        }
    }
    for (key, column, prefix) in LIBRARIES {
        let want = expected_constant(prefix, &facts[column]);
        let have = fact(p, code, key);
        if have != want {
            problems.push(format!(
                "{c}: {key} is {have:?}, the library's source says {want:?}"
            ));
        }
    }
    problems
}

/// Every disagreement between the HTTP content and the reference tables.
fn reference_problems(p: &Protocol) -> Vec<String> {
    let registry = table("http_status_codes_iana.tsv");
    let facts = table("http_code_facts.tsv");
    let mut problems = Vec::new();
    let mut codes: Vec<&String> = registry.keys().collect();
    codes.sort();
    for c in codes {
        if LEFT_OUT.iter().any(|(left, _)| left == c) {
            continue;
        }
        let Some(id) = p.find(c) else {
            problems.push(format!("{c}: registered, but the site has no page for it"));
            continue;
        };
        problems.extend(code_problems(p, p.code(id), &registry[c], &facts[c]));
    }
    for code in &p.codes {
        let registered = registry.contains_key(&code.code) && code.vendor.is_none();
        if !registered && code.status != Status::NonStandard {
            problems.push(format!(
                "{}: not in the IANA registry, so its status must be non-standard",
                code.slug
            ));
        }
        if !registered && code.vendor.is_none() {
            problems.push(format!(
                "{}: unregistered, so it must name its vendor",
                code.slug
            ));
        }
    }
    problems
}

#[test]
fn http_codes_match_the_registry_and_the_facts_table() {
    let catalog = statusref::load_catalog(&repo_root(), None).unwrap();
    let problems = reference_problems(http(&catalog));
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_http_check_catches_wrong_facts() {
    let catalog = statusref::load_catalog(&repo_root(), None).unwrap();
    let mut p = http(&catalog).clone();
    let field = |key: &str| p.facts.iter().position(|f| f.key == key).unwrap();
    let (headers, cacheable, python) = (field("headers"), field("cacheable"), field("python"));
    let id = p.find("401").unwrap();
    // 401 without its challenge, said to be cacheable, under another library name.
    p.codes[id.0].facts[headers] = Some(FactValue::List(Vec::new()));
    p.codes[id.0].facts[cacheable] = Some(FactValue::Choice(0));
    p.codes[id.0].facts[python] = Some(FactValue::Value("HTTPStatus.FORBIDDEN".into()));
    let problems: Vec<String> = reference_problems(&p)
        .into_iter()
        .filter(|p| p.starts_with("401:"))
        .collect();
    assert_eq!(problems.len(), 3, "{problems:#?}");
    assert!(
        problems[0].contains("leave out WWW-Authenticate"),
        "{problems:#?}"
    );
}

#[test]
fn required_headers_are_read_from_the_table() {
    let known: Vec<String> = ["Location", "Retry-After", "Content-Range", "ETag", "Allow"]
        .map(String::from)
        .to_vec();
    assert_eq!(
        required_headers("Location SHOULD; Retry-After MAY", &known),
        ["Location"]
    );
    assert_eq!(
        required_headers("single part: Content-Range MUST; multipart: x", &known),
        ["Content-Range"]
    );
    assert_eq!(
        required_headers("Retry-After SHOULD if the condition is temporary", &known),
        Vec::<String>::new()
    );
    assert_eq!(
        required_headers("Allow MUST (origin server)", &known),
        ["Allow"]
    );
    assert_eq!(
        required_headers(
            "GET/HEAD: validator fields (ETag, Last-Modified) SHOULD",
            &known
        ),
        Vec::<String>::new()
    );
}

#[test]
fn the_site_has_every_verified_http_code_and_thirty_notes() {
    let catalog = statusref::load_catalog(&repo_root(), None).unwrap();
    let p = http(&catalog);
    assert!(
        p.notes.len() >= 30,
        "only {} HTTP pair notes",
        p.notes.len()
    );
    let vendors = p.codes.iter().filter(|c| c.vendor.is_some()).count();
    assert!(vendors >= 20, "only {vendors} vendor codes");
}

#[test]
fn side_by_side_rows_pair_the_same_fact_of_both_codes() {
    let out = tempfile::tempdir().unwrap();
    build(&repo_root(), out.path()).unwrap();
    // 504 has a former name and 502 none: the row must still say whose is whose.
    let html = parse(&out.path().join("http/502-vs-504/index.html"));
    let rows: Vec<Vec<String>> = select(&html, "main table tr")
        .iter()
        .map(|tr| {
            tr.select(&scraper::Selector::parse("th, td").unwrap())
                .map(|c| text(&c))
                .collect()
        })
        .collect();
    let row = |label: &str| {
        rows.iter()
            .find(|r| r[0] == label)
            .unwrap_or_else(|| panic!("no {label} row in {rows:?}"))
            .clone()
    };
    assert_eq!(
        row("Former names"),
        ["Former names", "—", "Gateway Time-out"]
    );
    assert_eq!(
        row("Python http.HTTPStatus"),
        [
            "Python http.HTTPStatus",
            "HTTPStatus.BAD_GATEWAY",
            "HTTPStatus.GATEWAY_TIMEOUT"
        ]
    );
    assert!(rows.iter().all(|r| r[0] != "Who uses it"), "{rows:?}");
}
