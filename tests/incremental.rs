//! A build into a folder an earlier build made renders only the comparisons whose codes or note
//! changed, copies the rest of the bundle from the previous zip, and still leaves exactly the
//! bytes a fresh build of the same input leaves, after every kind of edit.

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use common::*;

fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    files_under(dir)
        .into_iter()
        .map(|(rel, path)| (rel, fs::read(path).unwrap()))
        .collect()
}

fn build_with_bundle(site: &Path, out: &Path) -> statusref::BuildReport {
    let mut options = options(site, out);
    options.bundle = true;
    statusref::build(&options).unwrap()
}

/// Builds `site` into `out` and into a fresh folder, and checks the two are the same bytes,
/// the bundle included.
fn same_as_fresh(site: &Path, out: &Path, what: &str) -> statusref::BuildReport {
    let report = build_with_bundle(site, out);
    let fresh = tempfile::tempdir().unwrap();
    build_with_bundle(site, fresh.path());
    let (now, expected) = (tree(out), tree(fresh.path()));
    let differ: Vec<&String> = expected
        .keys()
        .chain(now.keys())
        .filter(|k| now.get(*k) != expected.get(*k))
        .collect();
    assert!(
        differ.is_empty(),
        "after {what}, these differ from a fresh build: {differ:?}"
    );
    assert!(now.contains_key("statusref-offline.zip"));
    report
}

fn edit(path: &Path, from: &str, to: &str) {
    let text = fs::read_to_string(path).unwrap();
    assert!(text.contains(from), "{} lacks {from:?}", path.display());
    fs::write(path, text.replacen(from, to, 1)).unwrap();
}

#[test]
fn every_kind_of_edit_gives_what_a_fresh_build_gives() {
    let site = fixture_copy();
    let content = site.path().join("content/ftp");
    let out = tempfile::tempdir().unwrap();
    let first = build_with_bundle(site.path(), out.path());
    assert_eq!(first.not_rendered, 0, "{first}");
    let pairs = 7 * 6 / 2;

    // A code's text: only its page and its 6 comparisons are rendered, the other 15
    // comparisons are kept as they are.
    edit(
        &content.join("214.md"),
        "in plain words",
        "in plainer words",
    );
    let report = same_as_fresh(site.path(), out.path(), "a code's text");
    assert_eq!(report.not_rendered, pairs - 6, "{report}");

    // A pair note: only its comparison.
    let note = fs::read_dir(content.join("pairs"))
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let text = fs::read_to_string(&note).unwrap();
    fs::write(&note, format!("{text}\nOne more sentence of the note.\n")).unwrap();
    let report = same_as_fresh(site.path(), out.path(), "a pair note");
    assert_eq!(report.not_rendered, pairs - 1, "{report}");

    // A code's name shows on the pages of other codes: everything is rendered.
    edit(&content.join("214.md"), "Help Message", "Help Text");
    let report = same_as_fresh(site.path(), out.path(), "a code's name");
    assert_eq!(report.not_rendered, 0, "{report}");

    // The protocol's settings, the site's, and a template.
    edit(
        &content.join("_protocol.toml"),
        "every command",
        "each command",
    );
    same_as_fresh(site.path(), out.path(), "the protocol's settings");
    let site_toml = site.path().join("content/site.toml");
    let text = fs::read_to_string(&site_toml).unwrap();
    fs::write(&site_toml, text.replacen("title = \"", "title = \"The ", 1)).unwrap();
    same_as_fresh(site.path(), out.path(), "the site's settings");
    fs::create_dir_all(site.path().join("templates")).unwrap();
    let base = fs::read_to_string(repo_root().join("templates/base.html")).unwrap();
    fs::write(
        site.path().join("templates/base.html"),
        base.replace("Skip to content", "Skip to the content"),
    )
    .unwrap();
    same_as_fresh(site.path(), out.path(), "a template");

    // A code added, then removed.
    let added = fs::read_to_string(content.join("214.md"))
        .unwrap()
        .replace("\"214\"", "\"215\"")
        .replace("confused_with = [\"211\"]", "");
    fs::write(content.join("215.md"), added).unwrap();
    let report = same_as_fresh(site.path(), out.path(), "a code added");
    assert!(
        out.path().join("ftp/214-vs-215/index.html").is_file(),
        "{report}"
    );
    fs::remove_file(content.join("215.md")).unwrap();
    same_as_fresh(site.path(), out.path(), "a code removed");
}

#[test]
fn a_page_changed_in_the_output_is_rendered_again_whatever_changed_in_the_content() {
    let site = fixture_copy();
    let out = tempfile::tempdir().unwrap();
    build_with_bundle(site.path(), out.path());
    // A comparison that the next edit does not touch, and the bundle, changed by hand.
    fs::write(
        out.path().join("ftp/211-vs-503/index.html"),
        "edited by hand",
    )
    .unwrap();
    edit(
        &site.path().join("content/ftp/214.md"),
        "in plain words",
        "in plainer words",
    );
    let report = same_as_fresh(site.path(), out.path(), "an edit by hand in the output");
    assert_eq!(report.not_rendered, 0, "{report}");

    let zip = out.path().join("statusref-offline.zip");
    let mut bytes = fs::read(&zip).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0xff;
    fs::write(&zip, bytes).unwrap();
    edit(
        &site.path().join("content/ftp/214.md"),
        "in plainer words",
        "in the plainest words",
    );
    same_as_fresh(site.path(), out.path(), "a damaged bundle");
}
