//! Load: reads `content/` into typed sources, one per file, and renders their markdown once.
//!
//! This stage knows file formats (TOML settings, `+++` front matter, markdown sections) and
//! reports syntax problems with file and line. It does not know what the values mean: whether a
//! code exists, or a status is allowed, is the catalog's business. A file that fails here is left
//! out and its problems reported, so one run lists the problems of every file.

use std::collections::{BTreeMap, HashMap};
use std::fs;
use std::ops::Range;
use std::path::{Path, PathBuf};

use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use walkdir::WalkDir;

use crate::dates::{Date, History};
use crate::error::Diagnostic;

mod front;
mod scan;
use front::Front;
pub use front::Raw;
use scan::Scan;
pub use scan::slugify;

/// A value together with the line it was written on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Located<T> {
    pub value: T,
    pub line: usize,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SiteConfig {
    pub title: String,
    pub base_url: String,
    pub description: String,
    pub language: String,
    /// What the search box suggests typing, e.g. "503" and "211 vs 503".
    #[serde(default)]
    pub search_examples: Vec<String>,
    /// Names written in lower case even at the start of a sentence ("nginx", "curl"), which the
    /// prose checks accept there.
    #[serde(default)]
    pub lower_case_names: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProtocolConfig {
    pub slug: String,
    pub name: String,
    pub full_name: String,
    pub specs: Vec<String>,
    pub summary: String,
    pub scheme: SchemeConfig,
    pub vocabulary: Vocabulary,
    #[serde(default)]
    pub classes: Vec<ClassConfig>,
    #[serde(default)]
    pub groups: Vec<GroupConfig>,
    #[serde(default)]
    pub facts: Vec<FactConfig>,
    #[serde(default)]
    pub authoring: AuthoringConfig,
    /// Complete sentences telling a reader who has a bare number how to see that it came from
    /// this protocol: where its codes appear and what they look like. Number pages show it.
    #[serde(default)]
    pub recognized_by: Option<String>,
}

/// How the protocol writes its codes.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SchemeConfig {
    /// "digits" (503), "dotted" (5.7.1) or "named" (UNAVAILABLE, with a `number`).
    pub form: String,
    /// digits: how many digits a code has, or at most has when `min_digits` is set.
    #[serde(default)]
    pub digits: Option<usize>,
    #[serde(default)]
    pub min_digits: Option<usize>,
    /// dotted: how many numbers a code has.
    #[serde(default)]
    pub parts: Option<usize>,
}

/// The words generated sentences use for a protocol: "reply" or "response", "server" or
/// "either endpoint".
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Vocabulary {
    /// What the protocol's numbers are called: "reply code", "close code".
    pub code: String,
    pub codes: String,
    /// One of them as the receiver gets it: "reply", "response".
    pub reply: String,
    pub replies: String,
    /// Who sends them: "server", "either endpoint".
    pub sender: String,
    /// Who acts on them: "client", "other endpoint".
    pub receiver: String,
    /// What defines them: "RFC".
    pub spec: String,
    /// A noun phrase for a code the receiver reports itself, if the protocol has such codes.
    #[serde(default)]
    pub local: Option<String>,
    /// What a group is called: "function group", "subject".
    #[serde(default = "default_group")]
    pub group: String,
}

fn default_group() -> String {
    "group".to_string()
}

/// A class of codes and how a code is put in it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClassConfig {
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    pub digit: Option<String>,
    #[serde(default)]
    pub range: Option<[u64; 2]>,
    #[serde(default)]
    pub digits: Option<usize>,
    #[serde(default)]
    pub origin: Option<String>,
    pub label: String,
    /// A complete sentence.
    pub meaning: String,
    /// A complete sentence in the imperative.
    #[serde(default)]
    pub client_action: Option<String>,
}

/// What a second digit (or second number) says a code is about.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GroupConfig {
    pub digit: String,
    pub label: String,
    /// A complete sentence.
    pub meaning: String,
}

/// A fact field that code files of this protocol fill in and comparisons compose from.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FactConfig {
    pub key: String,
    pub label: String,
    /// "list", "choice", "value" or "text".
    #[serde(rename = "type")]
    pub kind: String,
    /// "trigger": the items are what a code answers (commands, request methods).
    #[serde(default)]
    pub role: Option<String>,
    #[serde(default)]
    pub required: bool,
    #[serde(default)]
    pub item: Option<String>,
    #[serde(default)]
    pub items: Option<String>,
    #[serde(default)]
    pub verb: Option<String>,
    #[serde(default)]
    pub verb_plural: Option<String>,
    #[serde(default)]
    pub none: Option<String>,
    #[serde(default)]
    pub allowed: Vec<String>,
    #[serde(default)]
    pub names: BTreeMap<String, String>,
    #[serde(default)]
    pub choices: Vec<ChoiceConfig>,
    #[serde(default)]
    pub says: Option<String>,
    /// false: shown in tables only, since every pair differs in it (a library's constant name).
    #[serde(default = "yes")]
    pub sentences: bool,
    /// A list whose items are codes of another protocol (an enhanced status code's reply
    /// codes): its slug. The items link to their pages, and search takes the two together.
    #[serde(default)]
    pub codes_of: Option<String>,
    /// For `codes_of`: the sentence search shows when a code and an item typed together are in
    /// classes of different digits, with {code}, {code_class}, {item} and {item_class}.
    #[serde(default)]
    pub disagree: Option<String>,
    /// For `codes_of`: the label of a row on the other protocol's code pages that lists this
    /// protocol's codes naming that code ("gRPC status codes that map to it").
    #[serde(default)]
    pub reverse: Option<String>,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChoiceConfig {
    pub value: String,
    pub label: String,
    pub says: String,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuthoringConfig {
    /// The `###` headings `statusref new` puts under How to fix.
    #[serde(default)]
    pub fix_headings: Vec<String>,
}

/// The built-in keys of a code file's front matter; a protocol's fact fields come on top.
pub const FRONT_MATTER_KEYS: &[&str] = &[
    "code",
    "name",
    "summary",
    "status",
    "specs",
    "confused_with",
    "class",
    "variant",
    "number",
    "origin",
    "kind",
    "vendor",
    "former_names",
    "used_by",
    "client_action",
];

/// One `## ` section of a code file, as markdown; render makes its HTML.
#[derive(Debug, Clone)]
pub struct Section {
    pub title: String,
    pub line: usize,
    pub markdown: String,
}

#[derive(Debug, Clone)]
pub struct CodeSource {
    pub path: PathBuf,
    pub code: Located<String>,
    pub name: Option<Located<String>>,
    pub summary: Located<String>,
    pub status: Located<String>,
    pub specs: Located<Vec<String>>,
    pub confused_with: Vec<Located<String>>,
    pub confused_with_line: usize,
    pub class: Option<Located<String>>,
    pub variant: Option<Located<String>>,
    pub number: Option<Located<i64>>,
    pub origin: Option<Located<String>>,
    pub kind: Option<Located<String>>,
    pub vendor: Option<Located<String>>,
    pub former_names: Vec<Located<String>>,
    pub used_by: Option<Located<String>>,
    /// The next step after this code, where it is more specific than its class's.
    pub client_action: Option<Located<String>>,
    /// The protocol's fact fields, as written, by key.
    pub facts: Vec<(String, Located<Raw>)>,
    pub sections: Vec<Section>,
    /// Targets of `@` links in the body, for the catalog to check.
    pub links: Vec<Located<String>>,
    /// What is allowed but probably a mistake, such as a `javascript:` link.
    pub warnings: Vec<Diagnostic>,
    /// The line of the opening `+++`, for problems with the front matter as a whole.
    pub front_matter_line: usize,
    pub modified: Date,
}

/// A hand-written note on one pair, shown on that comparison page.
#[derive(Debug, Clone)]
pub struct PairNoteSource {
    pub path: PathBuf,
    /// The two codes as the file name spells them.
    pub first: String,
    pub second: String,
    pub markdown: String,
    pub links: Vec<Located<String>>,
    pub warnings: Vec<Diagnostic>,
    pub modified: Date,
}

/// A hand-written note on a number several protocols use, shown on that number's page; its
/// links name pages of any protocol (`@http/503`).
#[derive(Debug, Clone)]
pub struct NumberNoteSource {
    pub path: PathBuf,
    /// The number as the file name spells it.
    pub number: String,
    pub markdown: String,
    pub links: Vec<Located<String>>,
    pub warnings: Vec<Diagnostic>,
    pub modified: Date,
}

#[derive(Debug, Clone)]
pub struct ProtocolSource {
    pub dir: PathBuf,
    pub config_path: PathBuf,
    pub config: ProtocolConfig,
    /// When the protocol's settings last changed.
    pub modified: Date,
    pub codes: Vec<CodeSource>,
    /// File stems of code files that could not be loaded; their problems are already reported.
    pub unreadable_codes: Vec<String>,
    pub pair_notes: Vec<PairNoteSource>,
}

#[derive(Debug, Clone)]
pub struct Source {
    pub site_path: PathBuf,
    pub site: SiteConfig,
    pub site_modified: Date,
    pub protocols: Vec<ProtocolSource>,
    pub number_notes: Vec<NumberNoteSource>,
}

/// What loading found: the sources that parsed, and the problems of those that did not.
pub struct Loaded {
    pub source: Option<Source>,
    pub diagnostics: Vec<Diagnostic>,
}

pub const PROTOCOL_FILE: &str = "_protocol.toml";
pub const SITE_FILE: &str = "site.toml";
pub const PAIRS_DIR: &str = "pairs";
/// The folder of notes on numbers several protocols use: content/numbers/<number>.md.
pub const NUMBERS_DIR: &str = "numbers";
/// Files over this size are refused rather than read: no page needs one, and a stray dump in
/// content/ should not stall a build.
const MAX_FILE_BYTES: u64 = 1 << 20;

/// Reads every file under `content_dir`.
pub fn load(content_dir: &Path) -> Loaded {
    let mut diagnostics = Vec::new();
    let site_path = content_dir.join(SITE_FILE);
    let site = read_text(&site_path, &mut diagnostics)
        .and_then(|text| parse_toml::<SiteConfig>(&text, &site_path, 0, &mut diagnostics));

    // Group files by protocol folder first, so a folder's _protocol.toml is read before its codes
    // whatever order the file system lists them in.
    let mut folders: BTreeMap<PathBuf, Vec<PathBuf>> = BTreeMap::new();
    let mut number_files = Vec::new();
    let walker = WalkDir::new(content_dir)
        .min_depth(1)
        .follow_links(false)
        .sort_by_file_name();
    for entry in walker {
        let entry = match entry {
            Ok(entry) => entry,
            Err(err) => {
                let path = err.path().unwrap_or(content_dir).to_path_buf();
                diagnostics.push(Diagnostic::new(&path, format!("cannot be read: {err}")));
                continue;
            }
        };
        let path = entry.path();
        let name = entry.file_name().to_string_lossy();
        if name.starts_with('.') || entry.file_type().is_dir() {
            continue;
        }
        let rel = path.strip_prefix(content_dir).unwrap_or(path);
        let depth = rel.components().count();
        let in_numbers = rel
            .components()
            .next()
            .is_some_and(|c| c.as_os_str() == NUMBERS_DIR);
        match depth {
            1 if name == SITE_FILE => {}
            2 if in_numbers => number_files.push(path.to_path_buf()),
            2 => folders
                .entry(path.parent().unwrap_or(content_dir).to_path_buf())
                .or_default()
                .push(path.to_path_buf()),
            3 if !in_numbers && rel.components().nth(1).is_some_and(|c| c.as_os_str() == PAIRS_DIR) => {
                let proto = path
                    .parent()
                    .and_then(Path::parent)
                    .unwrap_or(content_dir)
                    .to_path_buf();
                folders.entry(proto).or_default().push(path.to_path_buf());
            }
            _ if is_content_file(&name) => diagnostics.push(
                Diagnostic::new(path, "is not where content belongs").hint(
                    "put settings in content/site.toml, a protocol in content/<protocol>/_protocol.toml, \
                     codes in content/<protocol>/<code>.md, pair notes in content/<protocol>/pairs/<a>-vs-<b>.md \
                     and notes on a number several protocols use in content/numbers/<number>.md",
                ),
            ),
            _ => {}
        }
    }

    let history = History::read(content_dir);
    let mut protocols = Vec::new();
    for (dir, files) in folders {
        if let Some(protocol) = load_protocol(&dir, &files, &history, &mut diagnostics) {
            protocols.push(protocol);
        }
    }

    let number_notes = number_files
        .iter()
        .filter_map(|file| load_number_note(file, &history, &mut diagnostics))
        .collect();
    Loaded {
        source: site.map(|site| Source {
            site_modified: history.date_of(&site_path),
            site_path,
            site,
            protocols,
            number_notes,
        }),
        diagnostics,
    }
}

fn is_content_file(name: &str) -> bool {
    name.ends_with(".md") || name.ends_with(".toml")
}

fn load_protocol(
    dir: &Path,
    files: &[PathBuf],
    history: &History,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<ProtocolSource> {
    let config_path = dir.join(PROTOCOL_FILE);
    if !files.contains(&config_path) {
        let contents: Vec<_> = files.iter().filter(|f| has_extension(f, "md")).collect();
        if !contents.is_empty() {
            diagnostics.push(
                Diagnostic::new(&config_path, "is missing, so the codes in this folder have no protocol")
                    .hint("create it with slug, name, full_name, specs, summary, [scheme] and [vocabulary]; the README's section on _protocol.toml shows how"),
            );
        }
        return None;
    }
    let config = read_text(&config_path, diagnostics)
        .and_then(|text| parse_toml::<ProtocolConfig>(&text, &config_path, 0, diagnostics));
    let fact_keys: Option<Vec<String>> = config
        .as_ref()
        .map(|c| c.facts.iter().map(|f| f.key.clone()).collect());

    let mut codes = Vec::new();
    let mut unreadable_codes = Vec::new();
    let mut pair_notes = Vec::new();
    for file in files {
        if file == &config_path {
            continue;
        }
        let in_pairs = file
            .parent()
            .and_then(Path::file_name)
            .is_some_and(|n| n == PAIRS_DIR);
        if !has_extension(file, "md") {
            if has_extension(file, "toml") {
                diagnostics.push(
                    Diagnostic::new(file, "is not a file statusref reads")
                        .hint(format!("protocol settings belong in {PROTOCOL_FILE}")),
                );
            }
            continue;
        }
        let text = read_text(file, diagnostics);
        if in_pairs {
            if let Some(note) = text.and_then(|text| load_pair_note(file, &text, diagnostics)) {
                pair_notes.push(PairNoteSource {
                    modified: history.date_of(file),
                    ..note
                });
            }
        } else {
            let facts = fact_keys.as_deref();
            match text.and_then(|text| load_code(file, &text, facts, diagnostics)) {
                Some(code) => codes.push(CodeSource {
                    modified: history.date_of(file),
                    ..code
                }),
                None => unreadable_codes.push(
                    file.file_stem()
                        .map(|s| s.to_string_lossy().into_owned())
                        .unwrap_or_default(),
                ),
            }
        }
    }
    config.map(|config| ProtocolSource {
        modified: history.date_of(&config_path),
        dir: dir.to_path_buf(),
        config_path,
        config,
        codes,
        unreadable_codes,
        pair_notes,
    })
}

fn has_extension(path: &Path, ext: &str) -> bool {
    path.extension().is_some_and(|e| e == ext)
}

fn read_text(path: &Path, diagnostics: &mut Vec<Diagnostic>) -> Option<String> {
    let size = match fs::metadata(path) {
        Ok(meta) => meta.len(),
        Err(err) => {
            diagnostics.push(Diagnostic::new(path, format!("cannot be read: {err}")));
            return None;
        }
    };
    if size > MAX_FILE_BYTES {
        diagnostics.push(
            Diagnostic::new(
                path,
                format!("is {size} bytes; content files may be at most {MAX_FILE_BYTES} bytes"),
            )
            .hint("a code page needs a few kilobytes; check that this is the file you meant"),
        );
        return None;
    }
    let bytes = match fs::read(path) {
        Ok(bytes) => bytes,
        Err(err) => {
            diagnostics.push(Diagnostic::new(path, format!("cannot be read: {err}")));
            return None;
        }
    };
    match String::from_utf8(bytes) {
        Ok(text) => Some(text),
        Err(err) => {
            let valid = err.utf8_error().valid_up_to();
            let line = 1 + err.as_bytes()[..valid]
                .iter()
                .filter(|&&b| b == b'\n')
                .count();
            diagnostics.push(
                Diagnostic::new(path, format!("is not valid UTF-8 (at byte {valid})"))
                    .at_line(line)
                    .hint("save the file as UTF-8"),
            );
            None
        }
    }
}

/// Parses TOML that starts at line `first_line + 1` of `path`, turning any error into a
/// diagnostic with the right line, the field it concerns and, for a misspelt key, the nearest
/// known one.
fn parse_toml<T: DeserializeOwned>(
    text: &str,
    path: &Path,
    first_line: usize,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<T> {
    match toml::from_str::<T>(text) {
        Ok(value) => Some(value),
        Err(err) => {
            diagnostics.push(toml_diagnostic(&err, text, path, first_line));
            None
        }
    }
}

fn toml_diagnostic(
    err: &toml::de::Error,
    text: &str,
    path: &Path,
    first_line: usize,
) -> Diagnostic {
    let message = err.message().trim().to_string();
    let line = first_line + err.span().map_or(1, |span| line_of(text, span.start));
    let mut diagnostic = Diagnostic::new(path, message.clone()).at_line(line);
    if let Some(field) = backticked(&message) {
        diagnostic = diagnostic.field(field);
        if message.starts_with("unknown field") {
            let expected: Vec<&str> = message
                .split("expected")
                .nth(1)
                .map(|rest| rest.split('`').skip(1).step_by(2).collect())
                .unwrap_or_default();
            if let Some(nearest) = nearest(field, &expected) {
                diagnostic = diagnostic.hint(format!("did you mean `{nearest}`?"));
            }
        }
    }
    diagnostic
}

/// The first `word` in backticks in a serde message: the field it is about.
fn backticked(message: &str) -> Option<&str> {
    let start = message.find('`')? + 1;
    let len = message[start..].find('`')?;
    Some(&message[start..start + len])
}

/// The known name closest to a misspelt one, if any is close enough to be a likely typo.
pub fn nearest<'a>(wrong: &str, known: &[&'a str]) -> Option<&'a str> {
    known
        .iter()
        .map(|k| (strsim::damerau_levenshtein(wrong, k), *k))
        .filter(|(distance, k)| *distance <= 2.max(k.len() / 3))
        .min()
        .map(|(_, k)| k)
}

/// 1-based line of byte `offset` in `text`.
pub fn line_of(text: &str, offset: usize) -> usize {
    1 + text.as_bytes()[..offset.min(text.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
}

/// Splits `+++`-fenced front matter from the body. Returns the front matter, the body, and the
/// 0-based line index at which each starts.
fn split_front_matter(text: &str) -> Result<(&str, usize, &str, usize), &'static str> {
    let text_no_bom = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut lines = text_no_bom.split_inclusive('\n');
    let first = lines
        .next()
        .ok_or("is empty; a code file starts with `+++` front matter")?;
    if first.trim_end() != "+++" {
        return Err("does not start with a `+++` line; a code file starts with `+++` front matter");
    }
    let front_start = first.len();
    let mut offset = front_start;
    // `line` counts the lines before `l`: the closing fence's 0-based index.
    for (line, l) in (1..).zip(lines) {
        if l.trim_end() == "+++" {
            let front = &text_no_bom[front_start..offset];
            let body = &text_no_bom[offset + l.len()..];
            return Ok((front, 1, body, line + 1));
        }
        offset += l.len();
    }
    Err("has no closing `+++` line after its front matter")
}

/// Parses the text of one code file as `load` does, with the problems it finds; `facts` are the
/// fact keys the protocol declares (None: the protocol is unknown, so no key is reported).
pub fn parse_code_file(
    path: &Path,
    text: &str,
    facts: Option<&[String]>,
) -> (Option<CodeSource>, Vec<Diagnostic>) {
    let mut diagnostics = Vec::new();
    let code = load_code(path, text, facts, &mut diagnostics);
    (code, diagnostics)
}

fn load_code(
    path: &Path,
    text: &str,
    facts: Option<&[String]>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<CodeSource> {
    let (front, front_line, body, body_line) = match split_front_matter(text) {
        Ok(parts) => parts,
        Err(message) => {
            diagnostics.push(Diagnostic::new(path, message).at_line(1));
            return None;
        }
    };
    let before = diagnostics.len();
    let mut fm = Front::parse(front, path, front_line, diagnostics)?;
    let d = &mut *diagnostics;
    let code = fm.required_string("code", d);
    let name = fm.string("name", d);
    let summary = fm.required_string("summary", d);
    let status = fm.required_string("status", d);
    let specs = fm.strings("specs", true, d);
    let confused_with = fm.strings("confused_with", false, d);
    let class = fm.string("class", d);
    let variant = fm.string("variant", d);
    let number = fm.integer("number", d);
    let origin = fm.string("origin", d);
    let kind = fm.string("kind", d);
    let vendor = fm.string("vendor", d);
    let former_names = fm.strings("former_names", false, d);
    let used_by = fm.string("used_by", d);
    let client_action = fm.string("client_action", d);
    let mut values = Vec::new();
    for key in facts.unwrap_or_default() {
        if let Some(value) = fm.raw(key, d) {
            values.push((key.clone(), value));
        }
    }
    if let Some(facts) = facts {
        let known: Vec<&str> = FRONT_MATTER_KEYS
            .iter()
            .copied()
            .chain(facts.iter().map(String::as_str))
            .collect();
        fm.finish(&known, d);
    }
    let sections = split_sections(path, body, body_line, diagnostics);
    if diagnostics.len() > before {
        return None;
    }
    let (sections, found_links, warnings) = sections?;
    let (specs, specs_line) = specs?;
    let (confused_with, confused_with_line) = confused_with?;
    Some(CodeSource {
        path: path.to_path_buf(),
        code: code?,
        name,
        summary: summary?,
        status: status?,
        specs: Located {
            value: specs.into_iter().map(|s| s.value).collect(),
            line: specs_line,
        },
        confused_with,
        confused_with_line,
        class,
        variant,
        number,
        origin,
        kind,
        vendor,
        former_names: former_names.map(|(names, _)| names).unwrap_or_default(),
        used_by,
        client_action,
        facts: values,
        sections,
        links: found_links,
        warnings,
        front_matter_line: 1,
        modified: Date::default(),
    })
}

/// A code body's sections, the targets of its `@` links, and its warnings.
type SplitBody = (Vec<Section>, Vec<Located<String>>, Vec<Diagnostic>);

/// Splits a code body into its `## ` sections, and finds their links. Headings inside fenced code are
/// not sections, which is why this walks markdown events rather than lines.
fn split_sections(
    path: &Path,
    body: &str,
    body_line: usize,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<SplitBody> {
    let mut starts: Vec<(Range<usize>, String)> = Vec::new();
    let mut in_h2: Option<(Range<usize>, String)> = None;
    let mut ok = true;
    for (event, range) in Parser::new_ext(body, markdown_options()).into_offset_iter() {
        match event {
            Event::Start(Tag::Heading { level, .. }) => {
                let line = body_line + line_of(body, range.start);
                match level {
                    HeadingLevel::H1 => {
                        diagnostics.push(
                            Diagnostic::new(
                                path,
                                "has a `# ` heading; the page title comes from `code` and `name`",
                            )
                            .at_line(line)
                            .hint("use `## ` for sections and `### ` inside them"),
                        );
                        ok = false;
                    }
                    HeadingLevel::H2 => in_h2 = Some((range, String::new())),
                    _ => {}
                }
            }
            Event::Text(t) | Event::Code(t) if in_h2.is_some() => {
                if let Some((_, title)) = in_h2.as_mut() {
                    title.push_str(&t);
                }
            }
            Event::End(TagEnd::Heading(HeadingLevel::H2)) => {
                if let Some((range, title)) = in_h2.take() {
                    starts.push((range, title.trim().to_string()));
                }
            }
            _ => {}
        }
    }
    let preamble_end = starts.first().map_or(body.len(), |(r, _)| r.start);
    if !body[..preamble_end].trim().is_empty() {
        let first = body[..preamble_end]
            .find(|c: char| !c.is_whitespace())
            .unwrap_or(0);
        diagnostics.push(
            Diagnostic::new(path, "has text before its first `## ` section")
                .at_line(body_line + line_of(body, first))
                .hint("start the body with `## Description`"),
        );
        ok = false;
    }
    let mut sections = Vec::new();
    let mut found_links = Vec::new();
    let mut warnings = Vec::new();
    let mut ids: HashMap<String, usize> = HashMap::new();
    for (i, (range, title)) in starts.iter().enumerate() {
        let end = starts.get(i + 1).map_or(body.len(), |(r, _)| r.start);
        let text = &body[range.end..end];
        let line = body_line + line_of(body, range.start);
        let text_line = body_line + line_of(body, range.end) - 1;
        let id = slugify(title);
        if id.is_empty() {
            diagnostics.push(
                Diagnostic::new(path, format!("the heading `## {title}` has no letters or digits, so its section gets no id"))
                    .at_line(line)
                    .hint("give the section a title in words, such as `## Example`"),
            );
            ok = false;
        } else if let Some(first) = ids.insert(id, line) {
            diagnostics.push(
                Diagnostic::new(
                    path,
                    format!(
                        "a second `## {title}` section: its id would repeat the one at line {first}"
                    ),
                )
                .at_line(line)
                .hint("merge the two sections, or give one of them another title"),
            );
            ok = false;
        }
        let mut scan = Scan {
            path,
            first_line: text_line,
            links: &mut found_links,
            warnings: &mut warnings,
            errors: diagnostics,
        };
        ok &= scan.markdown(text);
        sections.push(Section {
            title: title.clone(),
            line,
            markdown: text.to_string(),
        });
    }
    ok.then_some((sections, found_links, warnings))
}

fn load_pair_note(
    path: &Path,
    text: &str,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<PairNoteSource> {
    let stem = path.file_stem()?.to_string_lossy();
    let Some((first, second)) = stem.split_once("-vs-") else {
        diagnostics.push(
            Diagnostic::new(path, "is not named like a pair").hint(
                "name pair notes <a>-vs-<b>.md with the lower code first, e.g. 530-vs-550.md",
            ),
        );
        return None;
    };
    let (links, warnings) = read_note(path, text, diagnostics)?;
    Some(PairNoteSource {
        path: path.to_path_buf(),
        first: first.to_string(),
        second: second.to_string(),
        markdown: text.to_string(),
        links,
        warnings,
        modified: Date::default(),
    })
}

fn load_number_note(
    path: &Path,
    history: &History,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<NumberNoteSource> {
    if !has_extension(path, "md") {
        if has_extension(path, "toml") {
            diagnostics.push(
                Diagnostic::new(path, "is not a file statusref reads")
                    .hint("content/numbers/ holds only notes, one <number>.md per number"),
            );
        }
        return None;
    }
    let text = read_text(path, diagnostics)?;
    let number = path.file_stem()?.to_string_lossy().into_owned();
    if number.is_empty() || !number.bytes().all(|b| b.is_ascii_digit()) {
        diagnostics.push(
            Diagnostic::new(path, "is not named like a number")
                .hint("name a note on a number several protocols use by the number, e.g. 503.md"),
        );
        return None;
    }
    let (links, warnings) = read_note(path, &text, diagnostics)?;
    Some(NumberNoteSource {
        path: path.to_path_buf(),
        number,
        markdown: text,
        links,
        warnings,
        modified: history.date_of(path),
    })
}

/// A note's `@` links and warnings, or `None` when it has problems of its own (reported): a note
/// is placed under a heading of the page's, so it may not have headings of the first two levels.
fn read_note(
    path: &Path,
    text: &str,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<(Vec<Located<String>>, Vec<Diagnostic>)> {
    let mut ok = true;
    for (event, range) in Parser::new_ext(text, markdown_options()).into_offset_iter() {
        if let Event::Start(Tag::Heading {
            level: level @ (HeadingLevel::H1 | HeadingLevel::H2),
            ..
        }) = event
        {
            diagnostics.push(
                Diagnostic::new(path, format!("has a level-{} heading", level as usize))
                    .at_line(line_of(text, range.start))
                    .hint("the page gives the note its heading; use `### ` inside a note"),
            );
            ok = false;
        }
    }
    let mut found_links = Vec::new();
    let mut warnings = Vec::new();
    let mut scan = Scan {
        path,
        first_line: 0,
        links: &mut found_links,
        warnings: &mut warnings,
        errors: diagnostics,
    };
    ok &= scan.markdown(text);
    ok.then_some((found_links, warnings))
}

/// The markdown features content may use, the same for reading and for rendering.
pub fn markdown_options() -> Options {
    Options::ENABLE_TABLES | Options::ENABLE_SMART_PUNCTUATION | Options::ENABLE_STRIKETHROUGH
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Loads a code file of a protocol whose one fact field is `returned_by`.
    fn load_code(path: &Path, text: &str, d: &mut Vec<Diagnostic>) -> Option<CodeSource> {
        super::load_code(path, text, Some(&["returned_by".to_string()]), d)
    }

    fn code_text(front: &str, body: &str) -> String {
        format!("+++\n{front}+++\n{body}")
    }

    const FRONT: &str = "code = \"503\"\nname = \"Bad Sequence\"\nsummary = \"The server refused it.\"\nstatus = \"standard\"\nspecs = [\"RFC 959 §4.2.1\"]\nreturned_by = [\"PASS\"]\nconfused_with = [\"530\"]\n";
    const BODY: &str = "\n## Description\n\nText [530](@530).\n\n## When you see it\n\n```\n## not a heading\n```\n\n## How to fix\n\n### As a client user\n\nDo it.\n";

    #[test]
    fn loads_sections_and_links() {
        let mut d = Vec::new();
        let code = load_code(Path::new("503.md"), &code_text(FRONT, BODY), &mut d).expect("loads");
        assert!(d.is_empty(), "{d:?}");
        let titles: Vec<_> = code.sections.iter().map(|s| s.title.as_str()).collect();
        assert_eq!(titles, ["Description", "When you see it", "How to fix"]);
        assert!(code.sections[0].markdown.contains("[530](@530)"));
        assert_eq!(code.links[0].value, "530");
        assert_eq!(code.links[0].line, 13);
        assert!(code.sections[2].markdown.contains("### As a client user"));
        assert_eq!(code.status.line, 5);
        assert_eq!(code.confused_with[0].line, 8);
    }

    /// Loads `body` as a code file's body; the problems and the warnings.
    fn body_findings(body: &str) -> (Vec<Diagnostic>, Vec<Diagnostic>) {
        let mut d = Vec::new();
        let warnings = load_code(Path::new("503.md"), &code_text(FRONT, body), &mut d)
            .map(|c| c.warnings)
            .unwrap_or_default();
        (d, warnings)
    }

    #[test]
    fn an_unclosed_comment_is_an_error_at_its_line() {
        let body = BODY.replace("Do it.", "Do it.\n\n<!-- a note to self\n\nMore text.");
        let (d, _) = body_findings(&body);
        assert_eq!(d.len(), 1, "{d:?}");
        assert!(d[0].message.contains("never closed"), "{d:?}");
        assert_eq!(d[0].line, Some(27), "{d:?}");
        // Closed, or inside code, it is harmless.
        let closed = BODY.replace("Do it.", "Do it.\n\n<!-- a note -->\n");
        assert!(body_findings(&closed).0.is_empty());
        let code = BODY.replace("Do it.", "Do it. `<!--` and\n\n```\n<!--\n```\n");
        assert!(body_findings(&code).0.is_empty());
    }

    #[test]
    fn sections_need_distinct_ids() {
        let twice = format!("{BODY}\n## How to fix\n\nAgain.\n");
        let (d, _) = body_findings(&twice);
        assert_eq!(d.len(), 1, "{d:?}");
        assert!(d[0].message.contains("repeat the one at line 21"), "{d:?}");
        let empty = format!("{BODY}\n## ***\n\nText.\n");
        let (d, _) = body_findings(&empty);
        assert!(
            d.iter().any(|d| d.message.contains("no letters or digits")),
            "{d:?}"
        );
        let blank = format!("{BODY}\n## !!\n\nText.\n");
        assert_eq!(body_findings(&blank).0.len(), 1);
    }

    #[test]
    fn script_in_markdown_is_warned_about() {
        for (snippet, expected) in [
            ("[x](javascript:alert(1))", "runs script"),
            ("[x]( JavaScript:void(0))", "runs script"),
            ("<span onclick=\"go()\">x</span>", "`onclick=`"),
            ("<div>\n<img src=x onerror = 'a()'>\n</div>", "`onerror=`"),
            ("<a href=\"javascript:x()\">x</a>", "`javascript:` URL"),
        ] {
            let (d, w) = body_findings(&BODY.replace("Do it.", &format!("Do it.\n\n{snippet}\n")));
            assert!(d.is_empty(), "{snippet}: {d:?}");
            assert_eq!(w.len(), 1, "{snippet}: {w:?}");
            assert!(w[0].message.contains(expected), "{snippet}: {w:?}");
        }
        for harmless in [
            "<span class=\"online\">x</span>",
            "[x](https://example.org/on=1)",
            "Turn it on = yes.",
        ] {
            let (d, w) = body_findings(&BODY.replace("Do it.", &format!("Do it.\n\n{harmless}\n")));
            assert!(d.is_empty() && w.is_empty(), "{harmless}: {d:?} {w:?}");
        }
    }

    #[test]
    fn slugs() {
        assert_eq!(slugify("When you see it"), "when-you-see-it");
        assert_eq!(slugify("How to fix"), "how-to-fix");
        assert_eq!(slugify("!!"), "");
    }

    #[test]
    fn unknown_key_names_line_field_and_nearest_key() {
        let mut d = Vec::new();
        let front = FRONT.replace("status =", "statsu =");
        assert!(load_code(Path::new("x.md"), &code_text(&front, BODY), &mut d).is_none());
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].line, Some(5));
        assert_eq!(d[0].field.as_deref(), Some("statsu"));
        assert_eq!(d[0].hint.as_deref(), Some("did you mean `status`?"));
    }

    #[test]
    fn missing_field_is_named() {
        let mut d = Vec::new();
        let front = FRONT.replace("summary = \"The server refused it.\"\n", "");
        assert!(load_code(Path::new("x.md"), &code_text(&front, BODY), &mut d).is_none());
        assert_eq!(d[0].field.as_deref(), Some("summary"), "{d:?}");
    }

    #[test]
    fn malformed_toml_names_its_line() {
        let mut d = Vec::new();
        let front = FRONT.replace("status = \"standard\"", "status = standard\"");
        assert!(load_code(Path::new("x.md"), &code_text(&front, BODY), &mut d).is_none());
        assert_eq!(d[0].line, Some(5), "{d:?}");
    }

    #[test]
    fn front_matter_must_open_and_close() {
        for text in ["", "code = 1\n", "+++\ncode = \"1\"\n"] {
            let mut d = Vec::new();
            assert!(load_code(Path::new("x.md"), text, &mut d).is_none());
            assert_eq!(d.len(), 1, "{text:?}");
        }
    }

    #[test]
    fn text_before_first_section_and_h1_are_errors() {
        let mut d = Vec::new();
        let body = "Stray text.\n\n# Title\n\n## Description\n";
        assert!(load_code(Path::new("x.md"), &code_text(FRONT, body), &mut d).is_none());
        assert_eq!(d.len(), 2, "{d:?}");
    }

    #[test]
    fn nearest_only_suggests_close_names() {
        assert_eq!(
            nearest("retuned_by", &["returned_by", "status"]),
            Some("returned_by")
        );
        assert_eq!(nearest("colour", FRONT_MATTER_KEYS), None);
    }
}
