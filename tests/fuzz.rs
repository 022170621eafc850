//! Property test: no input to front matter and markdown loading, nor to the catalog built from
//! it, makes statusref panic. Runs for at least 60 seconds.

use std::path::Path;
use std::time::{Duration, Instant};

use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use statusref::LinkStyle;

/// Pieces that real files are made of, so generated inputs reach deep into the parsers rather
/// than failing on the first byte.
fn fragment() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("+++\n".to_string()),
        Just("code = \"503\"\n".to_string()),
        Just("name = \"Bad Sequence\"\n".to_string()),
        Just("summary = \"The server refused the command.\"\n".to_string()),
        Just("status = \"standard\"\n".to_string()),
        Just("status = \"non-standard\"\nused_by = \"Some servers send it.\"\n".to_string()),
        Just("class = \"socket\"\n".to_string()),
        Just("kind = \"range\"\ncode = \"500-599\"\n".to_string()),
        Just("variant = \"iis\"\n".to_string()),
        Just("number = 14\n".to_string()),
        Just("origin = \"local\"\n".to_string()),
        Just("returned_by = \"PASS\"\n".to_string()),
        Just("specs = [\"RFC 959 §4.2.1\"]\n".to_string()),
        Just("returned_by = [\"PASS\"]\n".to_string()),
        Just("confused_with = [\"530\", \"503\"]\n".to_string()),
        Just("client_action = \"Send PASS.\"\n".to_string()),
        Just("## Description\n".to_string()),
        Just("## When you see it\n".to_string()),
        Just("## How to fix\n".to_string()),
        Just("### As a client user\n".to_string()),
        Just("# Title\n".to_string()),
        Just("```\n## not a heading\n".to_string()),
        Just("[x](@503) [y](@211-vs-503) [z](@../../x) [w](/abs)\n".to_string()),
        Just("| a | b |\n|---|---|\n| 1 | 2 |\n".to_string()),
        Just("\u{feff}".to_string()),
        Just("\r\n".to_string()),
        "[ -~]{0,40}\n",
        "\\PC{0,20}",
        any::<String>(),
    ]
}

fn document() -> impl Strategy<Value = String> {
    prop::collection::vec(fragment(), 0..24).prop_map(|parts| parts.concat())
}

#[test]
fn loading_never_panics() {
    let site: statusref::load::SiteConfig = toml::from_str(
        "title = \"t\"\nbase_url = \"https://x.org\"\ndescription = \"d\"\nlanguage = \"en\"\n",
    )
    .unwrap();
    let protocol: statusref::load::ProtocolConfig = toml::from_str(
        &std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/content/ftp/_protocol.toml"
        ))
        .unwrap(),
    )
    .unwrap();
    let facts: Vec<String> = protocol.facts.iter().map(|f| f.key.clone()).collect();
    let started = Instant::now();
    let mut cases = 0u64;
    // Batches until a minute has passed: the run is long enough to matter, and bounded.
    while started.elapsed() < Duration::from_secs(60) {
        let mut runner = TestRunner::new(Config {
            cases: 2_000,
            failure_persistence: None,
            ..Config::default()
        });
        runner
            .run(&(document(), document()), |(first, second)| {
                let mut codes = Vec::new();
                for (name, text) in [("503.md", &first), ("530.md", &second)] {
                    let (code, diagnostics) =
                        statusref::load::parse_code_file(Path::new(name), text, Some(&facts));
                    for d in &diagnostics {
                        let _ = d.to_string();
                    }
                    // What render makes of the sections, in both link styles, and rendered
                    // once for both: expanded, it reads as each style rendered alone.
                    use statusref::render::{Links, markdown::to_html};
                    let base = "https://example.org/docs";
                    for section in code.iter().flat_map(|c| &c.sections) {
                        let both = Links::both(base);
                        let marked = to_html(&section.markdown, 1, &both);
                        for style in [LinkStyle::Directory, LinkStyle::File] {
                            let direct = to_html(&section.markdown, 1, &Links::new(style, base));
                            let mut expanded = Vec::new();
                            both.expand(marked.as_bytes(), style, &mut expanded);
                            prop_assert_eq!(direct.as_bytes(), &expanded[..]);
                        }
                    }
                    codes.extend(code);
                }
                let source = statusref::load::Source {
                    site_path: "site.toml".into(),
                    site: site.clone(),
                    site_modified: Default::default(),
                    protocols: vec![statusref::load::ProtocolSource {
                        dir: "ftp".into(),
                        config_path: "ftp/_protocol.toml".into(),
                        config: protocol.clone(),
                        modified: Default::default(),
                        codes,
                        unreadable_codes: Vec::new(),
                        pair_notes: Vec::new(),
                    }],
                    number_notes: Vec::new(),
                };
                let _ = statusref::catalog::build(source, Vec::new());
                Ok(())
            })
            .unwrap();
        cases += 2_000;
    }
    println!(
        "{cases} generated inputs in {:.0?} without a panic",
        started.elapsed()
    );
}
