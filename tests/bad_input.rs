//! Every kind of author mistake — in front matter, sections, references and templates — gets a
//! clear error naming file, line and field from both `build` and `check`, a non-zero exit, and
//! leaves the previous output exactly as it was. Corrupt and hostile files are in robustness.rs.

mod common;

use std::fs;
use std::path::Path;
use std::process::Command;

use common::*;

/// Builds the fixture, breaks it with `mutate`, builds again with the binary, and returns the
/// error text after checking the exit code and that the first output is untouched.
fn build_broken(mutate: impl FnOnce(&Path)) -> String {
    let site = fixture_copy();
    let out = tempfile::tempdir().unwrap();
    build(site.path(), out.path()).expect("the fixture builds before it is broken");
    let snapshot = snapshot(out.path());
    mutate(site.path());
    let result = Command::new(env!("CARGO_BIN_EXE_statusref"))
        .args(["build", "--root"])
        .arg(site.path())
        .arg("--out")
        .arg(out.path())
        .output()
        .expect("run statusref");
    let stderr = String::from_utf8_lossy(&result.stderr).into_owned();
    assert!(
        !result.status.success(),
        "a broken site must fail: {stderr}"
    );
    assert_eq!(
        snapshot,
        self::snapshot(out.path()),
        "the previous output was touched"
    );
    assert_eq!(
        result.status.code(),
        Some(1),
        "exits 1, not by a signal: {stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
    // `check` finds the same problems, and writes nothing either.
    let checked = Command::new(env!("CARGO_BIN_EXE_statusref"))
        .args(["check", "--root"])
        .arg(site.path())
        .output()
        .expect("run statusref check");
    let check_err = String::from_utf8_lossy(&checked.stderr).into_owned();
    assert_eq!(checked.status.code(), Some(1), "{check_err}");
    let errors = |text: &str| text.lines().filter(|l| l.starts_with("error:")).count();
    assert_eq!(
        errors(&stderr),
        errors(&check_err),
        "build and check disagree:\n{stderr}\n{check_err}"
    );
    stderr
}

/// Every file's path, bytes and mtime.
fn snapshot(dir: &Path) -> Vec<(String, Vec<u8>, std::time::SystemTime)> {
    let mut files: Vec<_> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let meta = e.metadata().unwrap();
            (
                e.path().to_string_lossy().into_owned(),
                fs::read(e.path()).unwrap(),
                meta.modified().unwrap(),
            )
        })
        .collect();
    files.sort();
    files
}

fn edit(site: &Path, file: &str, from: &str, to: &str) {
    let path = site.join("content").join(file);
    let text = fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "{file} lacks {from:?}");
    fs::write(&path, text.replacen(from, to, 1)).unwrap();
}

#[test]
fn malformed_toml() {
    let err = build_broken(|s| {
        edit(
            s,
            "ftp/503.md",
            "status = \"standard\"",
            "status = standard\"",
        )
    });
    assert!(err.contains("ftp/503.md:5:"), "{err}");
}

#[test]
fn unknown_key_suggests_the_nearest() {
    let err = build_broken(|s| edit(s, "ftp/503.md", "returned_by =", "retuned_by ="));
    assert!(err.contains("ftp/503.md:7: `retuned_by`"), "{err}");
    assert!(err.contains("did you mean `returned_by`?"), "{err}");
}

#[test]
fn missing_field() {
    let err = build_broken(|s| {
        edit(
            s,
            "ftp/214.md",
            "summary = \"The server answers a request for help.\"\n",
            "",
        )
    });
    assert!(err.contains("ftp/214.md:"), "{err}");
    assert!(err.contains("`summary`"), "{err}");
}

#[test]
fn missing_section() {
    let err = build_broken(|s| edit(s, "ftp/550.md", "## How to fix", "## How to repair"));
    assert!(err.contains("ftp/550.md:"), "{err}");
    assert!(
        err.contains("`How to fix`: has no `## How to fix` section"),
        "{err}"
    );
}

#[test]
fn code_without_the_protocols_form() {
    let err = build_broken(|s| {
        fs::rename(s.join("content/ftp/550.md"), s.join("content/ftp/750.md")).unwrap();
        edit(s, "ftp/750.md", "code = \"550\"", "code = \"750\"");
    });
    assert!(
        err.contains("ftp/750.md:2: `code`: \"750\" is in none of FTP's classes"),
        "{err}"
    );
}

#[test]
fn file_name_that_disagrees_with_its_code() {
    let err = build_broken(|s| edit(s, "ftp/550.md", "code = \"550\"", "code = \"551\""));
    assert!(
        err.contains("ftp/550.md:2: `code`: the file is named 550.md but its code is \"551\""),
        "{err}"
    );
}

#[test]
fn duplicate_code() {
    let err = build_broken(|s| {
        let text = fs::read_to_string(s.join("content/ftp/550.md")).unwrap();
        fs::write(s.join("content/ftp/550-copy.md"), text).unwrap();
    });
    assert!(err.contains("code 550 is already defined in"), "{err}");
    assert!(err.contains("550-copy.md:2: `code`"), "{err}");
}

#[test]
fn confused_with_a_code_that_does_not_exist() {
    let err = build_broken(|s| {
        edit(
            s,
            "ftp/214.md",
            "confused_with = [\"211\"]",
            "confused_with = [\"211\", \"299\"]",
        )
    });
    assert!(
        err.contains("ftp/214.md:8: `confused_with`: code 299 does not exist in FTP"),
        "{err}"
    );
}

#[test]
fn every_problem_is_reported_in_one_run() {
    let err = build_broken(|s| {
        edit(
            s,
            "ftp/214.md",
            "confused_with = [\"211\"]",
            "confused_with = [\"299\"]",
        );
        edit(s, "ftp/503.md", "returned_by =", "retuned_by =");
        edit(s, "ftp/550.md", "## How to fix", "## How to repair");
        edit(
            s,
            "ftp/530.md",
            "status = \"standard\"",
            "status = \"standrd\"",
        );
    });
    for expected in ["214.md:8", "503.md:7", "550.md:", "530.md:5: `status`"] {
        assert!(err.contains(expected), "missing {expected}: {err}");
    }
    assert!(err.contains("did you mean \"standard\"?"), "{err}");
    assert!(err.contains("4 problems in the content"), "{err}");
}

#[test]
fn broken_internal_link() {
    let err = build_broken(|s| edit(s, "ftp/211.md", "[503](@503)", "[503](@599)"));
    assert!(
        err.contains("ftp/211.md:14: `link`: links to code 599, which does not exist"),
        "{err}"
    );
}

#[test]
fn template_error_names_the_template_and_line() {
    let err = build_broken(|s| {
        fs::create_dir_all(s.join("templates")).unwrap();
        fs::write(s.join("templates/code.html"), "{% extends \"base.html\" %}\n{% block content %}\n{{ code.name \n{% endblock content %}").unwrap();
    });
    assert!(err.contains("code.html"), "{err}");
    assert!(err.contains("code.html:4:"), "{err}");
}

#[test]
fn template_runtime_error_leaves_the_old_site() {
    let err = build_broken(|s| {
        fs::create_dir_all(s.join("templates")).unwrap();
        fs::write(s.join("templates/compare.html"), "{% extends \"base.html\" %}\n{% block content %}\n{{ no_such_value.field }}\n{% endblock content %}").unwrap();
    });
    assert!(err.contains("compare.html"), "{err}");
}

#[test]
fn base_url_that_is_not_a_url() {
    for (bad, why) in [
        (
            "https://statusref.example.org\u{7}",
            "holds the character '\\u{7}'",
        ),
        ("http://", "is not a URL: empty host"),
        (
            "https://statusref.example.org:99999",
            "is not a URL: invalid port number",
        ),
        ("ftp://statusref.example.org", "has the scheme `ftp`"),
    ] {
        let err = build_broken(|s| {
            let path = s.join("content/site.toml");
            let text = fs::read_to_string(&path).unwrap();
            let line = text.lines().find(|l| l.starts_with("base_url")).unwrap();
            let toml_string = toml_escape(bad);
            fs::write(
                &path,
                text.replace(line, &format!("base_url = \"{toml_string}\"")),
            )
            .unwrap();
        });
        assert!(err.contains("site.toml"), "{err}");
        assert!(err.contains("`base_url`"), "{err}");
        assert!(err.contains(why), "{bad:?}: {err}");
    }
}

/// A string as a TOML basic string's inside.
fn toml_escape(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '"' => "\\\"".to_string(),
            '\\' => "\\\\".to_string(),
            c if c.is_control() => format!("\\u{:04X}", c as u32),
            c => c.to_string(),
        })
        .collect()
}

#[test]
fn unclosed_comment_and_repeated_section() {
    let err = build_broken(|s| {
        edit(
            s,
            "ftp/550.md",
            "## How to fix",
            "<!-- draft\n\n## How to fix",
        );
        let note = fs::read_dir(s.join("content/ftp/pairs"))
            .unwrap()
            .next()
            .unwrap()
            .unwrap()
            .path();
        let text = fs::read_to_string(&note).unwrap();
        fs::write(&note, format!("{text}\n<!-- unfinished\n")).unwrap();
        let path = s.join("content/ftp/214.md");
        let text = fs::read_to_string(&path).unwrap();
        fs::write(&path, format!("{text}\n## Description\n\nAgain.\n")).unwrap();
    });
    assert!(
        err.contains("ftp/550.md:20: an HTML comment `<!--` is never closed"),
        "{err}"
    );
    assert!(err.contains("-vs-"), "{err}");
    assert!(err.contains("ftp/214.md:"), "{err}");
    assert!(err.contains("a second `## Description` section"), "{err}");
    assert!(err.contains("3 problems in the content"), "{err}");
}

#[test]
fn a_placeholder_in_angle_brackets_would_vanish_so_it_is_refused() {
    let err = build_broken(|s| {
        edit(
            s,
            "ftp/550.md",
            "in plain words.",
            "in plain words, as in \"550 <path>: not found\".",
        );
    });
    assert!(
        err.contains("ftp/550.md:14: `<path>` in running text is not an HTML element"),
        "{err}"
    );
    assert!(
        err.contains("\\<path\\>"),
        "the hint shows how to keep the brackets: {err}"
    );
    // Elements that may stand in a paragraph are the author's to use.
    let site = fixture_copy();
    edit(
        site.path(),
        "ftp/550.md",
        "in plain words.",
        "in <em>plain</em> words, shown as <code>550</code> and \\<path\\>.",
    );
    let out = tempfile::tempdir().unwrap();
    build(site.path(), out.path()).expect("phrasing elements and escaped brackets are fine");
    let html = parse(&out.path().join("ftp/550/index.html"));
    assert!(visible_prose(&html).contains("and <path>."));
}

#[test]
fn codes_of_a_protocol_the_site_lacks_or_an_item_that_is_no_code() {
    let fact = |codes_of: &str| {
        format!(
            "\n[[facts]]\nkey = \"also\"\nlabel = \"Also\"\ntype = \"list\"\nitem = \"code\"\nitems = \"codes\"\nverb = \"goes with\"\nverb_plural = \"go with\"\nnone = \"None\"\ncodes_of = \"{codes_of}\"\n"
        )
    };
    let err = build_broken(|s| {
        let path = s.join("content/ftp/_protocol.toml");
        let text = fs::read_to_string(&path).unwrap();
        fs::write(&path, text + &fact("smtp")).unwrap();
    });
    assert!(
        err.contains("_protocol.toml: `facts.also`: `codes_of` names protocol `smtp`, which the site does not have"),
        "{err}"
    );
    let err = build_broken(|s| {
        let path = s.join("content/ftp/_protocol.toml");
        let text = fs::read_to_string(&path).unwrap();
        fs::write(&path, text + &fact("ftp")).unwrap();
        edit(
            s,
            "ftp/503.md",
            "confused_with = [\"530\"]\n",
            "confused_with = [\"530\"]\nalso = [\"5.7.1\"]\n",
        );
    });
    assert!(
        err.contains("ftp/503.md:9: `also`: \"5.7.1\" is not a code of protocol `ftp`"),
        "{err}"
    );
}
