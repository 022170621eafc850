//! Bad inputs from tests/bad_inputs/, and two made here (a 50 MB file, a symlink loop): each gets
//! a clear error naming its file, a non-zero exit, no panic, and `check` agrees with `build`.

mod common;

use std::fs;
use std::path::Path;
use std::process::Command;

use common::*;

fn corpus(name: &str) -> std::path::PathBuf {
    repo_root().join("tests/bad_inputs").join(name)
}

/// Runs `statusref <command>` on a broken copy of the fixture and returns its stderr, after
/// checking that it failed without a panic.
fn fails(command: &str, mutate: impl FnOnce(&Path)) -> String {
    let site = fixture_copy();
    mutate(site.path());
    let out = tempfile::tempdir().unwrap();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_statusref"));
    cmd.arg(command).arg("--root").arg(site.path());
    if command == "build" {
        cmd.arg("--out").arg(out.path());
    }
    let result = cmd.output().unwrap();
    let stderr = String::from_utf8_lossy(&result.stderr).into_owned();
    assert!(!result.status.success(), "{command} must fail: {stderr}");
    assert_eq!(
        result.status.code(),
        Some(1),
        "{command} exits 1, not by a signal or panic: {stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(stderr.starts_with("error:"), "{stderr}");
    stderr
}

fn both(mutate: impl Fn(&Path)) -> String {
    let built = fails("build", &mutate);
    let checked = fails("check", &mutate);
    let strip = |s: &str| {
        s.lines()
            .filter(|l| l.starts_with("error:"))
            .map(|l| l.split_once(": ").map_or("", |x| x.1).to_string())
            .collect::<Vec<_>>()
    };
    assert_eq!(
        strip(&built).len(),
        strip(&checked).len(),
        "build and check disagree:\n{built}\n{checked}"
    );
    built
}

fn drop_in(site: &Path, from: &str, to: &str) {
    fs::copy(corpus(from), site.join(to)).unwrap();
}

#[test]
fn invalid_utf8() {
    let err = both(|s| drop_in(s, "invalid-utf8.md", "content/ftp/550.md"));
    assert!(err.contains("550.md:3: is not valid UTF-8"), "{err}");
}

#[test]
fn empty_file() {
    let err = both(|s| drop_in(s, "empty.md", "content/ftp/550.md"));
    assert!(err.contains("550.md:1: is empty"), "{err}");
}

#[test]
fn a_file_of_fifty_megabytes() {
    let err = both(|s| {
        let big = "x".repeat(1 << 20);
        let mut text = String::from("+++\ncode = \"550\"\n+++\n");
        for _ in 0..50 {
            text.push_str(&big);
        }
        fs::write(s.join("content/ftp/550.md"), text).unwrap();
    });
    assert!(
        err.contains("550.md: is 52428821 bytes; content files may be at most 1048576 bytes"),
        "{err}"
    );
}

#[test]
fn a_code_written_as_a_path() {
    let err = both(|s| drop_in(s, "dotdot-code.md", "content/ftp/550.md"));
    assert!(
        err.contains("550.md:2: `code`: \"../../x\" is not a code of 3 digits"),
        "{err}"
    );
    assert!(
        err.contains("the file is named 550.md but its code is \"../../x\""),
        "{err}"
    );
}

#[cfg(unix)]
#[test]
fn a_symlink_loop_in_content() {
    let err = both(|s| {
        std::os::unix::fs::symlink("../ftp", s.join("content/ftp/loop")).unwrap();
        std::os::unix::fs::symlink("loop-b.md", s.join("content/ftp/loop-a.md")).unwrap();
        std::os::unix::fs::symlink("loop-a.md", s.join("content/ftp/loop-b.md")).unwrap();
    });
    assert!(err.contains("loop-a.md: cannot be read"), "{err}");
}

#[test]
fn new_writes_a_skeleton_and_refuses_to_overwrite() {
    let site = fixture_copy();
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_statusref"))
            .args(args)
            .arg("--root")
            .arg(site.path())
            .output()
            .unwrap()
    };
    let made = run(&["new", "ftp", "552"]);
    assert!(
        made.status.success(),
        "{}",
        String::from_utf8_lossy(&made.stderr)
    );
    let text = fs::read_to_string(site.path().join("content/ftp/552.md")).unwrap();
    for section in ["## Description", "## When you see it", "## How to fix"] {
        assert!(text.contains(section));
    }
    // Until it is filled in, the build names the lines to write.
    let err = fails("build", |s| {
        fs::copy(
            site.path().join("content/ftp/552.md"),
            s.join("content/ftp/552.md"),
        )
        .unwrap();
    });
    assert!(
        err.contains("552.md:3: `name`") && err.contains("552.md:4: `summary`"),
        "{err}"
    );

    fs::write(site.path().join("content/ftp/552.md"), "mine").unwrap();
    let again = run(&["new", "ftp", "552"]);
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("already exists"));
    assert_eq!(
        fs::read_to_string(site.path().join("content/ftp/552.md")).unwrap(),
        "mine"
    );

    let unknown = run(&["new", "smtpx", "250"]);
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("known protocols: ftp"));
    let bad = run(&["new", "ftp", "99"]);
    assert!(String::from_utf8_lossy(&bad.stderr).contains("\"99\" is not an FTP code"));
    // Neither the protocol nor the code can lead out of content/.
    for args in [
        ["new", "../ftp", "504"],
        ["new", "ftp/..", "504"],
        ["new", "ftp", "../../504"],
    ] {
        let out = run(&args);
        assert!(!out.status.success(), "{args:?}");
    }
    let written: Vec<_> = files_under(site.path())
        .into_iter()
        .filter(|(rel, _)| rel.ends_with("504.md"))
        .collect();
    assert!(written.is_empty(), "{written:?}");
}

#[test]
fn check_finds_a_broken_link_made_by_a_template() {
    let err = fails("check", |s| {
        fs::create_dir_all(s.join("templates")).unwrap();
        fs::write(
            s.join("templates/404.html"),
            "{% extends \"base.html\" %}\n{% block content %}\n<h1>Lost</h1>\n<a href=\"/ftp/599/\">599</a> <a href=\"/ftp/#nowhere\">x</a>\n{% endblock content %}",
        )
        .unwrap();
    });
    assert!(err.contains("404.html:"), "{err}");
    assert!(
        err.contains("links to `/ftp/599/`, but the site has no ftp/599/index.html"),
        "{err}"
    );
    assert!(err.contains("has no element with id \"nowhere\""), "{err}");
    assert!(err.contains("templates/404.html"), "{err}");
}

#[test]
fn check_passes_and_writes_nothing() {
    let site = fixture_copy();
    let before: Vec<_> = walkdir::WalkDir::new(site.path())
        .into_iter()
        .filter_map(Result::ok)
        .map(|e| e.path().to_path_buf())
        .collect();
    let report = statusref::check::check(site.path()).unwrap();
    assert_eq!(report.pages, 31);
    assert!(report.links > 500);
    let after: Vec<_> = walkdir::WalkDir::new(site.path())
        .into_iter()
        .filter_map(Result::ok)
        .map(|e| e.path().to_path_buf())
        .collect();
    assert_eq!(before, after);
}

#[test]
fn script_in_markdown_is_warned_about_but_builds() {
    let site = fixture_copy();
    let path = site.path().join("content/ftp/550.md");
    let text = fs::read_to_string(&path).unwrap();
    fs::write(
        &path,
        format!("{text}\n[run](javascript:alert(1)) <b onmouseover=\"x()\">b</b>\n"),
    )
    .unwrap();
    for command in ["check", "build"] {
        let out = tempfile::tempdir().unwrap();
        let result = std::process::Command::new(env!("CARGO_BIN_EXE_statusref"))
            .args([command, "--root"])
            .arg(site.path())
            .args(if command == "build" {
                vec!["--out".into(), out.path().join("o")]
            } else {
                vec![]
            })
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&result.stderr);
        assert!(result.status.success(), "{command}: {stderr}");
        let warnings: Vec<&str> = stderr
            .lines()
            .filter(|l| l.starts_with("warning: "))
            .collect();
        assert_eq!(warnings.len(), 2, "{command}: {stderr}");
        assert!(
            warnings.iter().all(|w| w.contains("ftp/550.md:")),
            "{stderr}"
        );
        assert!(
            stderr.contains("runs script") && stderr.contains("`onmouseover=`"),
            "{stderr}"
        );
    }
}
