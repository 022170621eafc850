//! Output is never lost: a build killed at any moment leaves the previous site complete and
//! usable, the next build finishes the job, and builds are deterministic.

mod common;

use std::collections::{BTreeMap, HashSet, VecDeque};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use common::*;

/// Every file under `dir` with its bytes, by relative path.
fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    files_under(dir)
        .into_iter()
        .map(|(rel, path)| (rel, fs::read(path).unwrap()))
        .collect()
}

fn is_temp(rel: &str) -> bool {
    rel.rsplit('/')
        .next()
        .is_some_and(|name| name.starts_with(".statusref-tmp-"))
}

/// Changes every code's summary and adds one code, so that every page changes and some are new.
fn make_version_two(site: &Path, m: usize) {
    for entry in fs::read_dir(site.join("content/ftp")).unwrap().flatten() {
        if entry.path().extension().is_some_and(|e| e == "md") {
            let text = fs::read_to_string(entry.path()).unwrap();
            fs::write(
                entry.path(),
                text.replace("made up for this test site", "made up for version two"),
            )
            .unwrap();
        }
    }
    let extra = 100 + m;
    let text = fs::read_to_string(site.join("content/ftp/100.md"))
        .unwrap()
        .replace("\"100\"", &format!("\"{extra}\""))
        .replace("Reply 100", &format!("Reply {extra}"))
        .replace("reply 100", &format!("reply {extra}"));
    fs::write(site.join(format!("content/ftp/{extra}.md")), text).unwrap();
}

/// Pages reachable from home, with every link on them resolved: panics on a broken one.
fn reachable(out: &Path) -> HashSet<PathBuf> {
    let home = out.join("index.html");
    let mut seen = HashSet::from([home.clone()]);
    let mut queue = VecDeque::from([home]);
    while let Some(page) = queue.pop_front() {
        let text = fs::read_to_string(&page).unwrap();
        assert!(
            text.ends_with("</html>\n"),
            "{} is reachable but cut short",
            page.display()
        );
        let html = scraper::Html::parse_document(&text);
        for a in select(&html, "a[href]") {
            let Some(target) = resolve(out, &page, a.value().attr("href").unwrap()) else {
                continue;
            };
            if target.extension().is_some_and(|e| e == "zip") {
                continue;
            }
            assert!(
                target.is_file(),
                "{} links to missing {}",
                page.display(),
                target.display()
            );
            if target.extension().is_some_and(|e| e == "html") && seen.insert(target.clone()) {
                queue.push_back(target);
            }
        }
    }
    seen
}

#[test]
fn a_build_killed_midway_leaves_the_previous_site_whole() {
    const M: usize = 150;
    let site = tempfile::tempdir().unwrap();
    write_synthetic_site(site.path(), M);
    let out = tempfile::tempdir().unwrap();
    build(site.path(), out.path()).unwrap();
    let v1 = tree(out.path());
    let v2_site = tempfile::tempdir().unwrap();
    write_synthetic_site(v2_site.path(), M);
    make_version_two(v2_site.path(), M);

    let mut caught_midway = false;
    for delay in [40u64, 80, 150, 250, 400, 700, 1000] {
        // Back to the complete first version.
        build(site.path(), out.path()).unwrap();
        assert_eq!(
            tree(out.path()).keys().filter(|k| !is_temp(k)).count(),
            v1.len()
        );

        let mut child = Command::new(env!("CARGO_BIN_EXE_statusref"))
            .args(["build", "--quiet", "--no-bundle", "--root"])
            .arg(v2_site.path())
            .arg("--out")
            .arg(out.path())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(delay));
        let finished = child.try_wait().unwrap().is_some();
        child.kill().ok(); // SIGKILL
        child.wait().unwrap();

        // Every page of the previous site is whole (old or new version); a page new to the site
        // may be cut short, but only while nothing reachable links to it.
        let now = tree(out.path());
        for (rel, bytes) in &now {
            if rel.ends_with(".html") && v1.contains_key(rel) {
                assert!(
                    bytes.ends_with(b"</html>\n"),
                    "{rel} is cut short (after {delay} ms)"
                );
            }
        }
        for rel in v1.keys() {
            assert!(
                now.contains_key(rel),
                "{rel} of the previous site is gone (after {delay} ms)"
            );
        }
        reachable(out.path());
        let replaced = v1
            .iter()
            .filter(|(rel, old)| rel.ends_with(".html") && now.get(*rel) != Some(*old))
            .count();
        if !finished && replaced > 0 && replaced < v1.len() - 10 {
            caught_midway = true;
            break;
        }
    }
    assert!(
        caught_midway,
        "no kill landed in the middle of writing; the checks above ran on whole builds only"
    );

    // The next build completes the job: the same tree as a fresh build, and no temp files.
    build(v2_site.path(), out.path()).unwrap();
    let fresh = tempfile::tempdir().unwrap();
    build(v2_site.path(), fresh.path()).unwrap();
    let (after, expected) = (tree(out.path()), tree(fresh.path()));
    assert!(after.keys().all(|k| !is_temp(k)), "temp files left behind");
    assert_eq!(
        after.keys().collect::<Vec<_>>(),
        expected.keys().collect::<Vec<_>>()
    );
    assert!(
        after == expected,
        "a resumed build differs from a fresh one"
    );
}

#[test]
fn builds_are_deterministic() {
    let (one, two) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    for out in [&one, &two] {
        statusref::build(&statusref::BuildOptions {
            bundle: true,
            ..options(&fixture(), out.path())
        })
        .unwrap();
    }
    let (a, b) = (tree(one.path()), tree(two.path()));
    assert!(a.len() > 30);
    assert!(a == b, "two builds of the same input differ");
}

#[test]
fn a_one_file_change_rewrites_only_the_pages_that_show_it() {
    let site = fixture_copy();
    let out = tempfile::tempdir().unwrap();
    build(site.path(), out.path()).unwrap();
    let code = site.path().join("content/ftp/214.md");
    let text = fs::read_to_string(&code).unwrap();
    fs::write(
        &code,
        text.replace("Read the reply text.", "Read all of the reply text."),
    )
    .unwrap();
    let before = tree(out.path());
    let report = build(site.path(), out.path()).unwrap();
    let after = tree(out.path());
    let changed: Vec<&String> = after
        .keys()
        .filter(|k| before.get(*k) != after.get(*k))
        .collect();
    // 214's page and its 6 comparisons; nothing else (outside git, dates come from mtimes, which
    // stay on the same day here, so the sitemap does not change).
    assert_eq!(changed.len(), 7, "{changed:?}");
    assert!(changed.iter().all(|k| k.contains("214")), "{changed:?}");
    assert_eq!(report.written, 7, "{report}");
}

#[test]
fn the_no_op_shortcut_never_hides_a_change() {
    let site = fixture_copy();
    let out = tempfile::tempdir().unwrap();
    assert!(!build(site.path(), out.path()).unwrap().up_to_date);
    // The signature a fresh build records is the one a walk over its output finds.
    let again = build(site.path(), out.path()).unwrap();
    assert!(again.up_to_date && again.written == 0, "{again}");

    // A template change reaches every page that uses it.
    fs::create_dir_all(site.path().join("templates")).unwrap();
    let base = fs::read_to_string(repo_root().join("templates/base.html")).unwrap();
    fs::write(
        site.path().join("templates/base.html"),
        base.replace("Skip to content", "Skip to the content"),
    )
    .unwrap();
    let report = build(site.path(), out.path()).unwrap();
    assert_eq!(report.written, 31, "{report}");
    assert!(build(site.path(), out.path()).unwrap().up_to_date);

    // A static file change, and a page edited or deleted by hand in the output, are repaired.
    fs::create_dir_all(site.path().join("static")).unwrap();
    fs::write(site.path().join("static/extra.txt"), "new").unwrap();
    fs::write(out.path().join("ftp/503/index.html"), "edited by hand").unwrap();
    fs::remove_file(out.path().join("ftp/211/index.html")).unwrap();
    fs::write(out.path().join("ftp/stray.html"), "not the site's").unwrap();
    let report = build(site.path(), out.path()).unwrap();
    assert_eq!((report.written, report.removed), (3, 0), "{report}");
    assert!(!report.up_to_date);
    // So is the one a rebuild records after replacing files.
    assert!(build(site.path(), out.path()).unwrap().up_to_date);
    let fresh = tempfile::tempdir().unwrap();
    build(site.path(), fresh.path()).unwrap();
    let mut repaired = tree(out.path());
    assert_eq!(
        repaired.remove("ftp/stray.html").as_deref(),
        Some(&b"not the site's"[..]),
        "a file the build did not write stays"
    );
    assert!(
        repaired == tree(fresh.path()),
        "the repaired output differs from a fresh build"
    );

    // A static file removed from the site is removed from the output, being the build's own.
    fs::remove_file(site.path().join("static/extra.txt")).unwrap();
    let report = build(site.path(), out.path()).unwrap();
    assert_eq!(report.removed, 1, "{report}");
    assert!(!out.path().join("extra.txt").exists());
}

/// Runs the binary with `args` on a copy of the fixture site; returns (exit code, stderr).
fn run(site: &Path, args: &[&str]) -> (Option<i32>, String) {
    let result = Command::new(env!("CARGO_BIN_EXE_statusref"))
        .args(args)
        .arg("--root")
        .arg(site)
        .current_dir(site)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&result.stderr).into_owned();
    assert!(!stderr.contains("panicked"), "{stderr}");
    (result.status.code(), stderr)
}

#[test]
fn a_build_never_empties_a_folder_it_did_not_make() {
    let site = fixture_copy();
    let root = site.path();
    let before = tree(root);
    // A folder of someone's own files, such as a git repository or a home folder.
    let theirs = tempfile::tempdir().unwrap();
    fs::create_dir_all(theirs.path().join(".git")).unwrap();
    fs::write(theirs.path().join(".git/HEAD"), "ref: refs/heads/main\n").unwrap();
    fs::write(theirs.path().join("notes.txt"), "mine").unwrap();
    let theirs_before = tree(theirs.path());
    let theirs_path = theirs.path().to_str().unwrap();
    for out in [
        "content",
        "content/ftp",
        ".",
        "./public/../content",
        "static",
        "templates/x",
        "..",
        theirs_path,
    ] {
        let (code, stderr) = run(root, &["build", "--out", out]);
        assert_eq!(code, Some(1), "--out {out} must be refused: {stderr}");
        assert!(
            stderr.starts_with("error: will not write to") && stderr.contains("hint:"),
            "--out {out}: {stderr}"
        );
        assert!(tree(root) == before, "--out {out} changed the site");
        assert!(
            tree(theirs.path()) == theirs_before,
            "--out {out} changed a folder"
        );
    }
    // The same for the bundle: not into the inputs, not over a folder or a file of theirs.
    let notes = theirs.path().join("notes.txt");
    for out in [
        "content/x.zip",
        "static/site.zip",
        theirs_path,
        notes.to_str().unwrap(),
    ] {
        let (code, stderr) = run(root, &["bundle", "--out", out]);
        assert_eq!(
            code,
            Some(1),
            "bundle --out {out} must be refused: {stderr}"
        );
        assert!(stderr.contains("hint:"), "{stderr}");
    }
    assert!(tree(root) == before && tree(theirs.path()) == theirs_before);
    let leftovers: Vec<_> = files_under(theirs.path())
        .into_iter()
        .filter(|(rel, _)| is_temp(rel))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");

    // Its own folder it builds, rebuilds and replaces its own bundle.
    assert_eq!(run(root, &["build", "--quiet"]).0, Some(0));
    assert_eq!(run(root, &["build", "--quiet"]).0, Some(0));
    assert_eq!(run(root, &["bundle", "--quiet"]).0, Some(0));
    assert_eq!(run(root, &["bundle", "--quiet"]).0, Some(0));
}

#[test]
fn static_names_that_could_leave_the_output_are_refused() {
    let site = fixture_copy();
    let root = site.path();
    fs::create_dir_all(root.join("static/sub")).unwrap();
    for (name, why) in [
        ("..\\..\\escaped.txt", "backslash"),
        ("sub\\..\\..\\x.txt", "backslash"),
        ("a\u{1}b.txt", "control character"),
        ("robots.txt", "the build writes itself"),
        ("sitemap-2.xml", "the build writes itself"),
        ("404.html", "take the place of the page"),
    ] {
        fs::write(root.join("static").join(name), "x").unwrap();
        for command in ["build", "bundle", "check"] {
            let (code, stderr) = run(root, &[command]);
            assert_eq!(code, Some(1), "{command} with static/{name:?}: {stderr}");
            assert!(
                stderr.contains(why),
                "{command} with static/{name:?}: {stderr}"
            );
        }
        fs::remove_file(root.join("static").join(name)).unwrap();
    }
    let outside: Vec<_> = files_under(root.parent().unwrap())
        .into_iter()
        // By whole file name: other programs' files in the same temp folder may end alike.
        .filter(|(rel, _)| {
            let name = rel.rsplit(['/', '\\']).next().unwrap_or(rel);
            name == "escaped.txt" || name == "x.txt"
        })
        .filter(|(rel, _)| !rel.starts_with(root.file_name().unwrap().to_str().unwrap()))
        .collect();
    assert!(outside.is_empty(), "{outside:?}");
    assert!(
        !root.join("public").exists(),
        "a refused build writes nothing"
    );
    assert!(!root.join("statusref-offline.zip").exists());
}

#[test]
fn a_failed_build_leaves_no_temporary_files() {
    let site = fixture_copy();
    let root = site.path();
    let out = tempfile::tempdir().unwrap();
    let out_arg = out.path().to_str().unwrap();
    // A template that fails only on a comparison page whose pair has a note: after the bundle
    // was written and the first pages were rendered.
    let compare = fs::read_to_string(repo_root().join("templates/compare.html")).unwrap();
    let broken = compare.replacen(
        "{% block content %}",
        "{% block content %}{% if note %}{{ no_such_value.field }}{% endif %}",
        1,
    );
    fs::create_dir_all(root.join("templates")).unwrap();
    // With the bundle it fails while writing the bundle; without, while writing the pages.
    for args in [&["build"][..], &["build", "--no-bundle"]] {
        let args = [args, &["--quiet", "--out", out_arg]].concat();
        fs::write(root.join("templates/compare.html"), &compare).unwrap();
        assert_eq!(run(root, &args).0, Some(0));
        let good = tree(out.path());
        fs::write(root.join("templates/compare.html"), &broken).unwrap();
        let (code, stderr) = run(root, &args);
        assert_eq!(code, Some(1), "{stderr}");
        assert!(stderr.contains("no_such_value"), "{stderr}");
        let now = tree(out.path());
        let temps: Vec<&String> = now.keys().filter(|rel| is_temp(rel)).collect();
        assert!(temps.is_empty(), "{args:?} left temporary files: {temps:?}");
        let changed: Vec<&String> = good
            .keys()
            .filter(|rel| now.get(*rel) != good.get(*rel))
            .collect();
        assert!(changed.is_empty(), "{args:?} changed {changed:?}");
    }
    let dest = root.join("offline.zip");
    let (code, stderr) = run(root, &["bundle", "--out", dest.to_str().unwrap()]);
    assert_eq!(code, Some(1), "{stderr}");
    let beside: Vec<_> = files_under(root)
        .into_iter()
        .filter(|(rel, _)| is_temp(rel) || rel.ends_with(".zip"))
        .collect();
    assert!(beside.is_empty(), "{beside:?}");
}
