//! Open data: the catalog as JSON and CSV under a versioned path, for tools rather than readers.
//!
//! `api/v1/index.json` lists the protocols; `api/v1/all.json` holds everything; each protocol has
//! `api/v1/<protocol>.json` and `.csv`, and each code `api/v1/<protocol>/<code>.json`. Every
//! record says where its page and its other files are, so a tool can start from the index and
//! follow URLs. `api/v1/schema.json` describes them all. The files come from the same catalog as
//! the pages, and hold nothing that changes between builds of the same content.

use serde_json::{Map, Value, json};

use crate::catalog::{Catalog, CodeId, FactKind, FactValue, Origin, Protocol};
use crate::prose;

/// The folder every data file lives in; the version changes only when a field changes meaning
/// or goes away.
pub const DATA_DIR: &str = "api/v1";

const SCHEMA: &str = include_str!("schema.json");

/// Every data file, as (path in the output, bytes), in a fixed order.
pub fn data_files(catalog: &Catalog) -> Vec<(String, Vec<u8>)> {
    let urls = DataUrls::new(&catalog.site.base_url);
    let mut files = Vec::new();
    let mut protocols = Vec::new();
    for p in &catalog.protocols {
        let codes: Vec<Value> = p
            .ids()
            .map(|id| code_record(&urls, catalog, p, id))
            .collect();
        for (id, record) in p.ids().zip(&codes) {
            files.push((urls.code_file(p, id), pretty(record)));
        }
        let record = protocol_record(&urls, p, codes);
        files.push((urls.protocol_file(&p.slug, "json"), pretty(&record)));
        files.push((urls.protocol_file(&p.slug, "csv"), csv(&urls, p)));
        protocols.push(record);
    }
    let index = json!({
        "version": 1,
        "site": { "title": catalog.site.title, "url": urls.page(""), "description": catalog.site.description },
        "schema": urls.data("schema.json"),
        "all": urls.data("all.json"),
        "protocols": catalog.protocols.iter().map(|p| json!({
            "slug": p.slug,
            "name": p.name,
            "full_name": p.full_name,
            "codes": p.codes.len(),
            "comparisons": p.pair_count(),
            "url": urls.page(&format!("{}/", p.slug)),
            "json": urls.data(&format!("{}.json", p.slug)),
            "csv": urls.data(&format!("{}.csv", p.slug)),
        })).collect::<Vec<_>>(),
    });
    files.push((format!("{DATA_DIR}/index.json"), pretty(&index)));
    let all = json!({ "version": 1, "protocols": protocols });
    files.push((format!("{DATA_DIR}/all.json"), pretty(&all)));
    files.push((
        format!("{DATA_DIR}/schema.json"),
        SCHEMA.as_bytes().to_vec(),
    ));
    files.sort_by(|a, b| a.0.cmp(&b.0));
    files
}

/// Where pages and data files are published, as absolute URLs.
struct DataUrls {
    base: String,
}

impl DataUrls {
    fn new(base_url: &str) -> DataUrls {
        DataUrls {
            base: base_url.trim_end_matches('/').to_string(),
        }
    }

    fn page(&self, dir: &str) -> String {
        [&self.base, "/", dir].concat()
    }

    fn data(&self, file: &str) -> String {
        [&self.base, "/", DATA_DIR, "/", file].concat()
    }

    fn protocol_file(&self, slug: &str, ext: &str) -> String {
        format!("{DATA_DIR}/{slug}.{ext}")
    }

    fn code_file(&self, p: &Protocol, id: CodeId) -> String {
        format!("{DATA_DIR}/{}/{}.json", p.slug, p.code(id).slug)
    }

    fn code_page(&self, protocol: &str, slug: &str) -> String {
        self.page(&format!("{protocol}/{slug}/"))
    }
}

fn pretty(value: &Value) -> Vec<u8> {
    let mut bytes = serde_json::to_vec_pretty(value).unwrap_or_default();
    bytes.push(b'\n');
    bytes
}

/// One code, as its JSON file and the protocol files hold it.
fn code_record(urls: &DataUrls, catalog: &Catalog, p: &Protocol, id: CodeId) -> Value {
    let c = p.code(id);
    let link = |protocol: &str, slug: &str, code: &str| json!({ "protocol": protocol, "code": code, "url": urls.code_page(protocol, slug) });
    json!({
        "protocol": p.slug,
        "code": c.code,
        "number": c.number,
        "name": (!c.name.is_empty()).then_some(&c.name),
        "former_names": c.former_names,
        "vendor": c.vendor,
        "class": p.class_of(id).map(|k| &k.label),
        "group": p.group_of(id).map(|g| &g.label),
        "status": c.status.as_str(),
        "sent": c.origin == Origin::Peer,
        "range": c.is_range,
        "summary": c.summary,
        "next_step": Some(prose::client_action(p, id)).filter(|s| !s.is_empty()),
        "used_by": c.used_by,
        "facts": facts(p, id),
        "specs": c.specs,
        "url": urls.code_page(&p.slug, &c.slug),
        "json": urls.data(&format!("{}/{}.json", p.slug, c.slug)),
        "confused_with": c.confused_with.iter()
            .map(|&o| link(&p.slug, &p.code(o).slug, &p.code(o).code))
            .collect::<Vec<_>>(),
        "equivalents": equivalents(catalog, p, id, &link),
    })
}

/// The code's fact fields by key: a list as its items, a choice as its value and label, a value
/// or a text as it is. Fields the code leaves out are absent.
fn facts(p: &Protocol, id: CodeId) -> Map<String, Value> {
    let mut out = Map::new();
    for (field, value) in p.facts.iter().zip(&p.code(id).facts) {
        let Some(value) = value else { continue };
        let v = match (value, &field.kind) {
            (FactValue::List(items), _) => json!(items),
            (FactValue::Choice(i), FactKind::Choice(choices)) => {
                json!({ "value": choices[*i].value, "label": choices[*i].label })
            }
            (FactValue::Choice(i), _) => json!(i),
            (FactValue::Value(s) | FactValue::Text(s), _) => json!(s),
        };
        out.insert(field.key.clone(), v);
    }
    out
}

/// Codes of other protocols the code's facts name (the reply codes an SMTP enhanced status code
/// travels with, the HTTP status a gRPC code maps to), and those whose facts name it (the gRPC
/// codes mapped to an HTTP status), each with the fact that says so.
fn equivalents(
    catalog: &Catalog,
    p: &Protocol,
    id: CodeId,
    link: &dyn Fn(&str, &str, &str) -> Value,
) -> Vec<Value> {
    let mut out = Vec::new();
    for (field, fact) in p.facts.iter().enumerate() {
        let Some(other) = fact.list().and_then(|l| l.codes_of.as_ref()) else {
            continue;
        };
        let Some(q) = catalog.protocols.iter().find(|q| q.slug == other.protocol) else {
            continue;
        };
        for item in p.items(id, field) {
            if let Some(target) = q.find(item) {
                let mut entry = link(&q.slug, &q.code(target).slug, &q.code(target).code);
                entry["relation"] = json!(fact.label);
                out.push(entry);
            }
        }
    }
    for named in &p.named_by {
        let Some(q) = catalog.protocols.iter().find(|q| q.slug == named.protocol) else {
            continue;
        };
        for &other in &named.codes[id.0] {
            let mut entry = link(&q.slug, &q.code(other).slug, &q.code(other).code);
            entry["relation"] = json!(named.label);
            out.push(entry);
        }
    }
    out
}

/// A protocol with its codes: what a tool needs to read the codes' fields.
fn protocol_record(urls: &DataUrls, p: &Protocol, codes: Vec<Value>) -> Value {
    json!({
        "slug": p.slug,
        "name": p.name,
        "full_name": p.full_name,
        "summary": p.summary,
        "specs": p.specs,
        "code_word": p.vocabulary.code,
        "url": urls.page(&format!("{}/", p.slug)),
        "csv": urls.data(&format!("{}.csv", p.slug)),
        "classes": p.classes.iter().map(|k| json!({
            "label": k.label, "meaning": k.meaning, "next_step": k.client_action,
        })).collect::<Vec<_>>(),
        "facts": p.facts.iter().map(|f| json!({
            "key": f.key,
            "label": f.label,
            "type": match f.kind {
                FactKind::List(_) => "list",
                FactKind::Choice(_) => "choice",
                FactKind::Value { .. } => "value",
                FactKind::Text => "text",
            },
        })).collect::<Vec<_>>(),
        "codes": codes,
    })
}

/// One row per code: the fields every protocol has, then one column per fact field (a list's
/// items joined by "; ", a choice by its value).
fn csv(urls: &DataUrls, p: &Protocol) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut header: Vec<&str> = vec![
        "code",
        "number",
        "name",
        "class",
        "status",
        "summary",
        "specs",
        "url",
        "confused_with",
    ];
    header.extend(p.facts.iter().map(|f| f.key.as_str()));
    // Writing to memory cannot fail; a record of the header's length is always accepted.
    let _ = w.write_record(&header);
    for id in p.ids() {
        let c = p.code(id);
        let mut row = vec![
            c.code.clone(),
            c.number.map(|n| n.to_string()).unwrap_or_default(),
            c.name.clone(),
            p.class_of(id).map(|k| k.label.clone()).unwrap_or_default(),
            c.status.as_str().to_string(),
            c.summary.clone(),
            c.specs.join("; "),
            urls.code_page(&p.slug, &c.slug),
            c.confused_with
                .iter()
                .map(|&o| p.code(o).code.as_str())
                .collect::<Vec<_>>()
                .join(" "),
        ];
        for (field, value) in p.facts.iter().zip(&c.facts) {
            row.push(match (value, &field.kind) {
                (Some(FactValue::List(items)), _) => items.join("; "),
                (Some(FactValue::Choice(i)), FactKind::Choice(ch)) => ch[*i].value.clone(),
                (Some(FactValue::Value(s) | FactValue::Text(s)), _) => s.clone(),
                _ => String::new(),
            });
        }
        let _ = w.write_record(&row);
    }
    w.into_inner().unwrap_or_default()
}
