//! Checks the shipped SIP, DNS, DNS Extended Error, gRPC and WebSocket codes against copies of
//! their registries in tests/reference/: every registered code has a page with the registry's
//! name and number, every page is a registered code, and the facts a registry fixes (a gRPC
//! code's HTTP mapping, the records a DNS RCODE travels in, the WebSocket codes never sent in a
//! Close frame) agree with it.

mod common;

use std::fs;

use common::*;
use statusref::catalog::{Catalog, Origin, Protocol, Status};

/// The rows of a reference table, split into columns, header skipped.
fn rows(file: &str) -> Vec<Vec<String>> {
    let text = fs::read_to_string(repo_root().join("tests/reference").join(file)).unwrap();
    text.lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.split('\t').map(str::to_string).collect())
        .collect()
}

fn protocol<'a>(catalog: &'a Catalog, slug: &str) -> &'a Protocol {
    catalog
        .protocols
        .iter()
        .find(|p| p.slug == slug)
        .unwrap_or_else(|| panic!("a protocol {slug}"))
}

/// A registered code: the number, the name its page must carry (compared without case, and an
/// abbreviation such as "Mandatory Ext." may be written out) and the status it must have.
struct Registered {
    number: u64,
    name: String,
    status: Status,
}

fn names_agree(page: &str, registry: &str) -> bool {
    page.eq_ignore_ascii_case(registry)
        || registry.strip_suffix('.').is_some_and(|stem| {
            page.to_ascii_lowercase()
                .starts_with(&stem.to_ascii_lowercase())
        })
}

/// Every disagreement between a protocol's pages and its registry, matching pages to rows by
/// number and, for named codes, by code: each row needs a page, each page a row.
fn registry_problems(p: &Protocol, registry: &[Registered], by_code: bool) -> Vec<String> {
    let mut problems = Vec::new();
    let name_of = |c: &statusref::catalog::Code| {
        if by_code {
            c.code.clone()
        } else {
            c.name.clone()
        }
    };
    for row in registry {
        let pages: Vec<_> = p
            .codes
            .iter()
            .filter(|c| !c.is_range && c.number == Some(row.number))
            .collect();
        let Some(page) = pages.iter().find(|c| names_agree(&name_of(c), &row.name)) else {
            problems.push(format!(
                "{} {}: registered, but no page has that number and name (pages: {:?})",
                row.number,
                row.name,
                pages.iter().map(|c| name_of(c)).collect::<Vec<_>>()
            ));
            continue;
        };
        if page.status != row.status {
            problems.push(format!(
                "{}: status {}, but the registry makes it {}",
                page.code, page.status, row.status
            ));
        }
    }
    for c in p.codes.iter().filter(|c| !c.is_range) {
        let registered = registry
            .iter()
            .any(|r| c.number == Some(r.number) && names_agree(&name_of(c), &r.name));
        if !registered {
            problems.push(format!(
                "{} {}: a page for no registered code",
                c.code, c.name
            ));
        }
    }
    problems.sort();
    problems
}

fn fact_index(p: &Protocol, key: &str) -> usize {
    p.facts
        .iter()
        .position(|f| f.key == key)
        .unwrap_or_else(|| panic!("{}: a fact {key}", p.slug))
}

/// RFC 3261 defines the base set (402 only reserved); every later RFC's code is an extension.
fn sip_registry() -> Vec<Registered> {
    rows("sip_response_codes.tsv")
        .into_iter()
        .map(|r| Registered {
            number: r[0].parse().unwrap(),
            name: r[1].clone(),
            status: match (r[0].as_str(), r[2].starts_with("RFC 3261 ")) {
                ("402", _) => Status::Reserved,
                (_, true) => Status::Standard,
                (_, false) => Status::Extension,
            },
        })
        .collect()
}

#[test]
fn every_sip_response_code_has_its_page() {
    let catalog = statusref::load_catalog(&repo_root(), None).unwrap();
    let p = protocol(&catalog, "sip");
    let problems = registry_problems(p, &sip_registry(), false);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    for (a, b) in [
        ("480", "486"),
        ("486", "600"),
        ("408", "480"),
        ("401", "403"),
        ("403", "407"),
        ("401", "407"),
        ("404", "604"),
        ("480", "487"),
        ("500", "503"),
        ("486", "603"),
    ] {
        let pair = (p.find(a).unwrap(), p.find(b).unwrap());
        assert!(p.notes.contains_key(&pair), "SIP: no note on {a} vs {b}");
    }
}

#[test]
fn the_registry_check_catches_a_wrong_name_a_wrong_status_and_a_gap() {
    let catalog = statusref::load_catalog(&repo_root(), None).unwrap();
    let mut p = protocol(&catalog, "sip").clone();
    let id = p.find("486").unwrap();
    p.codes[id.0].name = "Busy".to_string();
    let id = p.find("607").unwrap();
    p.codes[id.0].status = Status::Standard;
    p.codes.retain(|c| c.code != "430");
    let problems = registry_problems(&p, &sip_registry(), false);
    assert_eq!(problems.len(), 4, "{problems:#?}");
    assert!(problems[0].starts_with("430 Flow Failed: registered, but no page"));
    assert!(problems[1].starts_with("486 Busy Here: registered, but no page"));
    assert_eq!(problems[2], "486 Busy: a page for no registered code");
    assert_eq!(
        problems[3],
        "607: status standard, but the registry makes it extension"
    );
}

/// Each meaning of an RCODE is a page of its own (9 and 16 have two), named as the registry
/// writes it; BADVERS and BADCOOKIE travel in OPT, TSIG's errors in TSIG, TKEY's in TKEY.
/// RFC 1035's codes are standard, those later RFCs added extensions.
#[test]
fn every_dns_rcode_has_its_page_and_records() {
    let catalog = statusref::load_catalog(&repo_root(), None).unwrap();
    let p = protocol(&catalog, "dns");
    let registry: Vec<Registered> = rows("dns_rcodes.tsv")
        .into_iter()
        // 65535 is a number too, but reserved: no page.
        .filter(|r| r[0].parse::<u64>().is_ok_and(|n| n <= 23))
        .map(|r| Registered {
            number: r[0].parse().unwrap(),
            name: r[2].to_uppercase(),
            // RFC 1035's six are the base set; UPDATE, DSO, EDNS, TSIG and TKEY added the rest.
            status: if r[4] == "RFC 1035" {
                Status::Standard
            } else {
                Status::Extension
            },
        })
        .collect();
    assert_eq!(
        registry.len(),
        22,
        "0-11 and 16-23, with two meanings of 9 and of 16"
    );
    let mut problems = registry_problems(p, &registry, true);
    let tsig_rows: Vec<Vec<String>> = rows("dns_rcodes.tsv");
    let carried = fact_index(p, "carried_in");
    for id in p.ids() {
        let c = p.code(id);
        let where_ = tsig_rows
            .iter()
            .filter(|r| r[0] == c.number.map(|n| n.to_string()).unwrap_or_default())
            .find(|r| r[2].eq_ignore_ascii_case(&c.code))
            .map(|r| r[5].clone())
            .unwrap_or_default();
        // The record whose field holds the code, where it is not the header's four bits.
        let record = ["OPT", "TSIG", "TKEY"]
            .into_iter()
            .find(|r| where_.starts_with(r));
        if let Some(record) = record
            && !p.items(id, carried).iter().any(|i| i == record)
        {
            problems.push(format!("{}: carried in {record} ({where_})", c.short));
        }
        if record.is_none() && p.items(id, carried).iter().any(|i| i != "header with TSIG") {
            problems.push(format!("{}: in the header only ({where_})", c.short));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    for (a, b) in [
        ("nxdomain", "servfail"),
        ("servfail", "refused"),
        ("noerror", "nxdomain"),
        ("formerr", "notimp"),
    ] {
        let (a, b) = (p.find(a).unwrap(), p.find(b).unwrap());
        let pair = (a.min(b), a.max(b));
        assert!(
            p.notes.contains_key(&pair),
            "DNS: no note on {a:?} vs {b:?}"
        );
    }
}

/// RFC 8914's codes are standard; those registered since, by later RFCs or by expert review,
/// are extensions.
#[test]
fn every_extended_dns_error_has_its_page() {
    let catalog = statusref::load_catalog(&repo_root(), None).unwrap();
    let p = protocol(&catalog, "dns-ede");
    let registry: Vec<Registered> = rows("dns_extended_errors.tsv")
        .into_iter()
        .filter(|r| r[0].parse::<u64>().is_ok())
        .map(|r| Registered {
            number: r[0].parse().unwrap(),
            name: r[1].clone(),
            status: if r[3].starts_with("RFC 8914") {
                Status::Standard
            } else {
                Status::Extension
            },
        })
        .collect();
    assert_eq!(registry.len(), 35);
    let problems = registry_problems(p, &registry, false);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    assert!(p.notes.len() >= 4, "only {} notes", p.notes.len());
    let dns = protocol(&catalog, "dns");
    assert!(p.notes.len() + dns.notes.len() >= 8);
}

/// The 17 codes by name and number, each mapped to the HTTP status google/rpc/code.proto gives.
#[test]
fn every_grpc_code_has_its_page_number_and_http_mapping() {
    let catalog = statusref::load_catalog(&repo_root(), None).unwrap();
    let p = protocol(&catalog, "grpc");
    let rows = rows("grpc_status_codes.tsv");
    let registry: Vec<Registered> = rows
        .iter()
        .map(|r| Registered {
            number: r[0].parse().unwrap(),
            name: r[1].clone(),
            status: Status::Standard,
        })
        .collect();
    assert_eq!(registry.len(), 17);
    let mut problems = registry_problems(p, &registry, true);
    for r in &rows {
        let Some(id) = p.find(&r[1].to_lowercase().replace('_', "-")) else {
            problems.push(format!("{}: no page at the URL readers guess", r[1]));
            continue;
        };
        let mapped = p.items(id, fact_index(p, "http_status"));
        if mapped.len() != 1 || !r[3].starts_with(&format!("{} ", mapped[0])) {
            problems.push(format!(
                "{}: maps to {mapped:?}, code.proto says {}",
                r[1], r[3]
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    assert!(p.notes.len() >= 8, "only {} notes", p.notes.len());
}

/// 1000-1015 and the two ranges; the codes RFC 6455 §7.4.1 says are never sent in a Close frame
/// are the endpoint's own, and 1004 is reserved.
#[test]
fn every_websocket_close_code_has_its_page() {
    let catalog = statusref::load_catalog(&repo_root(), None).unwrap();
    let p = protocol(&catalog, "websocket");
    let rows: Vec<Vec<String>> = rows("websocket_close_codes.tsv")
        .into_iter()
        .filter(|r| {
            r[0].parse::<u64>()
                .is_ok_and(|n| (1000..=1015).contains(&n))
        })
        .collect();
    let registry: Vec<Registered> = rows
        .iter()
        .map(|r| Registered {
            number: r[0].parse().unwrap(),
            name: r[1].clone(),
            status: match r[0].as_str() {
                "1004" => Status::Reserved,
                _ if r[4].starts_with("IANA") => Status::Extension,
                _ => Status::Standard,
            },
        })
        .collect();
    assert_eq!(registry.len(), 16);
    let mut problems = registry_problems(p, &registry, false);
    for r in &rows {
        let id = p.find(&r[0]).unwrap();
        let never_sent = r[3] == "no";
        if never_sent != (p.code(id).origin == Origin::Local) {
            problems.push(format!("{}: never sent is {never_sent}", r[0]));
        }
    }
    for range in ["3000-3999", "4000-4999"] {
        match p.find(range) {
            Some(id) if p.code(id).is_range => {}
            _ => problems.push(format!("{range}: no range page")),
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    assert!(p.notes.len() >= 6, "only {} notes", p.notes.len());
}
