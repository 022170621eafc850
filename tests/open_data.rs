//! The open data under api/v1/: built from the catalog the pages come from, valid against the
//! schema it ships with, pointing at pages that exist, and in the offline bundle.

mod common;

use std::collections::HashSet;
use std::fs;
use std::path::Path;

use common::*;
use serde_json::Value;

fn fixture_root() -> std::path::PathBuf {
    repo_root().join("tests/fixtures/protocols")
}

fn read_json(path: &Path) -> Value {
    let text = fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// A validator for one definition of the shipped schema.
fn validator(schema: &Value, def: &str) -> jsonschema::Validator {
    let mut root = schema.clone();
    root["$ref"] = Value::String(format!("#/$defs/{def}"));
    jsonschema::validator_for(&root).unwrap_or_else(|e| panic!("schema for {def}: {e}"))
}

fn problems_of(v: &jsonschema::Validator, value: &Value, what: &str) -> Vec<String> {
    v.iter_errors(value)
        .map(|e| format!("{what}: {} at {}", e, e.instance_path()))
        .collect()
}

/// The page a data file's absolute URL names, inside the output folder.
fn page_of(out: &Path, base: &str, url: &str) -> std::path::PathBuf {
    let rel = url
        .strip_prefix(base)
        .unwrap_or_else(|| panic!("{url} is not under {base}"));
    out.join(rel.trim_start_matches('/')).join("index.html")
}

#[test]
fn every_file_is_valid_and_every_code_is_there() {
    let out = tempfile::tempdir().unwrap();
    build(&fixture_root(), out.path()).unwrap();
    let catalog = statusref::load_catalog(&fixture_root(), None).unwrap();
    let base = catalog.site.base_url.trim_end_matches('/').to_string();
    let data = out.path().join("api/v1");
    let schema = read_json(&data.join("schema.json"));
    let mut problems = Vec::new();

    let index = read_json(&data.join("index.json"));
    problems.extend(problems_of(
        &validator(&schema, "index"),
        &index,
        "index.json",
    ));
    let all = read_json(&data.join("all.json"));
    problems.extend(problems_of(&validator(&schema, "all"), &all, "all.json"));
    let code_schema = validator(&schema, "code");
    let protocol_schema = validator(&schema, "protocol");
    assert_eq!(
        index["protocols"].as_array().unwrap().len(),
        catalog.protocols.len()
    );
    for p in &catalog.protocols {
        let file = data.join(format!("{}.json", p.slug));
        let record = read_json(&file);
        problems.extend(problems_of(&protocol_schema, &record, &p.slug));
        assert_eq!(
            record,
            all["protocols"][catalog
                .protocols
                .iter()
                .position(|q| q.slug == p.slug)
                .unwrap()]
        );
        let codes = record["codes"].as_array().unwrap();
        assert_eq!(codes.len(), p.codes.len(), "{}", p.slug);
        for (c, json) in p.codes.iter().zip(codes) {
            let what = format!("{}/{}", p.slug, c.slug);
            let own = read_json(&data.join(&p.slug).join(format!("{}.json", c.slug)));
            assert_eq!(&own, json, "{what}: its own file and the protocol's agree");
            problems.extend(problems_of(&code_schema, json, &what));
            assert_eq!(json["code"], c.code.as_str());
            assert_eq!(json["summary"], c.summary.as_str());
            assert_eq!(json["status"], c.status.as_str());
            let links = json["confused_with"].as_array().unwrap().iter();
            for url in std::iter::once(&json["url"]).chain(links.map(|l| &l["url"])) {
                let page = page_of(out.path(), &base, url.as_str().unwrap());
                if !page.is_file() {
                    problems.push(format!("{what}: {url} is no page"));
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    // The schema does reject what it should.
    let mut wrong = read_json(&data.join("grpc/unavailable.json"));
    wrong["status"] = Value::String("official".into());
    wrong["colour"] = Value::String("red".into());
    assert_eq!(problems_of(&code_schema, &wrong, "wrong").len(), 2);
}

#[test]
fn codes_of_another_protocol_are_its_equivalents_and_facts_keep_their_kind() {
    let out = tempfile::tempdir().unwrap();
    build(&fixture_root(), out.path()).unwrap();
    let data = out.path().join("api/v1");
    let code = read_json(&data.join("smtp-enhanced/5.7.1.json"));
    let equivalents: Vec<(&str, &str)> = code["equivalents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["protocol"].as_str().unwrap(), e["code"].as_str().unwrap()))
        .collect();
    assert!(equivalents.contains(&("smtp", "550")), "{equivalents:?}");
    let grpc = read_json(&data.join("grpc/unavailable.json"));
    assert_eq!(grpc["number"], 14);
    assert!(
        grpc["facts"]["retry"]["value"].is_string(),
        "a choice keeps its value"
    );
    let ws = read_json(&data.join("websocket/1006.json"));
    assert_eq!(ws["sent"], false, "1006 is never sent in a Close frame");
}

#[test]
fn each_protocol_has_a_csv_with_a_row_per_code() {
    let out = tempfile::tempdir().unwrap();
    build(&fixture_root(), out.path()).unwrap();
    let catalog = statusref::load_catalog(&fixture_root(), None).unwrap();
    for p in &catalog.protocols {
        let path = out.path().join(format!("api/v1/{}.csv", p.slug));
        let mut reader = csv::Reader::from_path(&path).unwrap();
        let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
        assert_eq!(&header[..3], ["code", "number", "name"]);
        for f in &p.facts {
            assert!(header.contains(&f.key), "{}: no column {}", p.slug, f.key);
        }
        let codes: Vec<String> = reader
            .records()
            .map(|r| r.unwrap().get(0).unwrap().to_string())
            .collect();
        let expected: Vec<String> = p.codes.iter().map(|c| c.code.clone()).collect();
        assert_eq!(codes, expected, "{}", p.slug);
    }
}

#[test]
fn the_data_is_in_the_offline_bundle_and_no_static_file_can_take_its_place() {
    let out = tempfile::tempdir().unwrap();
    statusref::build(&statusref::BuildOptions {
        bundle: true,
        ..options(&fixture_root(), out.path())
    })
    .unwrap();
    let zip = fs::File::open(out.path().join("statusref-offline.zip")).unwrap();
    let archive = zip::ZipArchive::new(zip).unwrap();
    let names: HashSet<&str> = archive.file_names().collect();
    for name in [
        "statusref/api/v1/index.json",
        "statusref/api/v1/schema.json",
        "statusref/api/v1/grpc.csv",
    ] {
        assert!(names.contains(name), "{name} missing from the bundle");
    }
    let site = tempfile::tempdir().unwrap();
    copy_dir(&fixture_root(), site.path());
    fs::create_dir_all(site.path().join("static/api/v1")).unwrap();
    fs::write(site.path().join("static/api/v1/index.json"), "{}").unwrap();
    let err = build(site.path(), out.path()).unwrap_err().to_string();
    assert!(
        err.contains("api/v1/index.json` is a file the build writes itself"),
        "{err}"
    );
}
