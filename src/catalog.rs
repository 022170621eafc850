//! Catalog: the validated model of the site — protocols, their classes and groups, and codes.
//!
//! Everything the later stages may rely on is checked here: a code has its protocol's form and
//! its file's name, each code exists once, every cross-reference resolves, required sections are
//! present. All problems are collected so that one run reports them all. Not for: rendering or
//! comparing; the catalog only says what exists.

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::path::{Path, PathBuf};

use crate::dates::Date;
use crate::error::Diagnostic;
use crate::load::{
    self, CodeSource, DigitMeaning, Located, ProtocolSource, Section, SiteConfig, Source,
};

/// Sections every code file must have, in this order.
pub const REQUIRED_SECTIONS: [&str; 3] = ["Description", "When you see it", "How to fix"];

/// Index of a code within its protocol; codes are sorted by number, so a lower id is a lower code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CodeId(pub usize);

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Status {
    Standard,
    Extension,
    Obsolete,
    NonStandard,
}

impl Status {
    pub const ALL: [Status; 4] = [
        Status::Standard,
        Status::Extension,
        Status::Obsolete,
        Status::NonStandard,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Standard => "standard",
            Status::Extension => "extension",
            Status::Obsolete => "obsolete",
            Status::NonStandard => "non-standard",
        }
    }

    fn parse(s: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|st| st.as_str() == s)
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Whether a number is a reply a server sends, or an error a client reports about itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Reply,
    ClientError,
}

impl Kind {
    fn parse(s: &str) -> Option<Kind> {
        match s {
            "reply" => Some(Kind::Reply),
            "client-error" => Some(Kind::ClientError),
            _ => None,
        }
    }
}

/// A class of codes: a first digit, or the protocol's client-side errors.
#[derive(Debug, Clone)]
pub struct Class {
    /// The first digit, or `None` for client-side errors.
    pub digit: Option<char>,
    pub label: String,
    pub meaning: String,
    pub client_action: String,
}

/// A function group: what the second digit says a reply is about.
#[derive(Debug, Clone)]
pub struct Group {
    pub digit: char,
    pub label: String,
    pub meaning: String,
}

#[derive(Debug, Clone)]
pub struct Code {
    pub number: u32,
    /// As written: "503".
    pub code: String,
    pub name: String,
    pub summary: String,
    pub status: Status,
    pub kind: Kind,
    pub specs: Vec<String>,
    pub returned_by: Vec<String>,
    pub confused_with: Vec<CodeId>,
    pub used_by: Option<String>,
    /// What the client does next, where the class's advice is too general for this code.
    pub client_action: Option<String>,
    pub class: usize,
    pub group: Option<usize>,
    pub sections: Vec<Section>,
    pub source: PathBuf,
    /// When the code's file last changed.
    pub modified: Date,
}

impl Code {
    /// Whether the protocol's per-class advice holds for this code. A code no RFC defines only
    /// borrows a first digit, and servers that send it do not promise the class's meaning.
    pub fn follows_its_class(&self) -> bool {
        !(self.kind == Kind::Reply && self.status == Status::NonStandard)
    }

    pub fn section(&self, title: &str) -> Option<&Section> {
        self.sections.iter().find(|s| s.title == title)
    }
}

#[derive(Debug, Clone)]
pub struct Protocol {
    pub slug: String,
    pub name: String,
    pub full_name: String,
    pub specs: Vec<String>,
    pub summary: String,
    /// Reply classes in digit order, then client-side errors if the protocol has them.
    pub classes: Vec<Class>,
    pub groups: Vec<Group>,
    pub codes: Vec<Code>,
    /// Hand-written notes by pair, lower code first.
    pub notes: HashMap<(CodeId, CodeId), Note>,
    /// When the protocol's settings last changed.
    pub modified: Date,
}

/// A hand-written note on one pair.
#[derive(Debug, Clone)]
pub struct Note {
    pub html: String,
    pub modified: Date,
}

impl Protocol {
    pub fn code(&self, id: CodeId) -> &Code {
        &self.codes[id.0]
    }

    pub fn class_of(&self, id: CodeId) -> &Class {
        &self.classes[self.code(id).class]
    }

    pub fn group_of(&self, id: CodeId) -> Option<&Group> {
        self.code(id).group.map(|g| &self.groups[g])
    }

    pub fn find(&self, code: &str) -> Option<CodeId> {
        self.codes
            .binary_search_by(|c| c.number.cmp(&code.parse().unwrap_or(u32::MAX)))
            .ok()
            .filter(|&i| self.codes[i].code == code)
            .map(CodeId)
    }

    pub fn ids(&self) -> impl Iterator<Item = CodeId> + '_ {
        (0..self.codes.len()).map(CodeId)
    }

    pub fn pair_count(&self) -> usize {
        let n = self.codes.len();
        n * n.saturating_sub(1) / 2
    }
}

#[derive(Debug, Clone)]
pub struct Catalog {
    pub site: SiteConfig,
    /// When site.toml last changed.
    pub site_modified: Date,
    pub protocols: Vec<Protocol>,
}

/// Validates loaded sources into a catalog, or returns every problem found.
pub fn build(source: Source, mut diagnostics: Vec<Diagnostic>) -> Result<Catalog, Vec<Diagnostic>> {
    check_site(&source.site, &source.site_path, &mut diagnostics);
    let mut protocols = Vec::new();
    let mut slugs: HashMap<String, PathBuf> = HashMap::new();
    for proto in source.protocols {
        if let Some(first) = slugs.get(&proto.config.slug) {
            diagnostics.push(
                Diagnostic::new(
                    &proto.config_path,
                    format!(
                        "uses slug `{}` already used by {}",
                        proto.config.slug,
                        first.display()
                    ),
                )
                .field("slug"),
            );
            continue;
        }
        slugs.insert(proto.config.slug.clone(), proto.config_path.clone());
        if let Some(protocol) = build_protocol(proto, &mut diagnostics) {
            protocols.push(protocol);
        }
    }
    protocols.sort_by(|a, b| a.name.cmp(&b.name));
    if diagnostics.is_empty() {
        Ok(Catalog {
            site: source.site,
            site_modified: source.site_modified,
            protocols,
        })
    } else {
        Err(diagnostics)
    }
}

fn check_site(site: &SiteConfig, path: &Path, diagnostics: &mut Vec<Diagnostic>) {
    let url = &site.base_url;
    if !(url.starts_with("https://") || url.starts_with("http://"))
        || url.contains(char::is_whitespace)
    {
        diagnostics.push(
            Diagnostic::new(
                path,
                format!("base_url `{url}` is not an absolute http(s) URL"),
            )
            .field("base_url")
            .hint("write it like https://statusref.example.org"),
        );
    }
    if site.language.trim().is_empty() {
        diagnostics.push(
            Diagnostic::new(path, "language is empty")
                .field("language")
                .hint("use a language tag such as `en`"),
        );
    }
}

fn digit_of(
    meaning: &DigitMeaning,
    field: &str,
    path: &Path,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<char> {
    let mut chars = meaning.digit.chars();
    match (chars.next(), chars.next()) {
        (Some(d), None) if d.is_ascii_digit() => Some(d),
        _ => {
            diagnostics.push(
                Diagnostic::new(
                    path,
                    format!("digit `{}` is not a single digit", meaning.digit),
                )
                .field(field),
            );
            None
        }
    }
}

fn build_protocol(proto: ProtocolSource, diagnostics: &mut Vec<Diagnostic>) -> Option<Protocol> {
    let before = diagnostics.len();
    let cfg = &proto.config;
    let path = &proto.config_path;
    if cfg.slug.is_empty()
        || !cfg
            .slug
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    {
        diagnostics.push(
            Diagnostic::new(
                path,
                format!(
                    "slug `{}` must be lower-case letters, digits and hyphens",
                    cfg.slug
                ),
            )
            .field("slug"),
        );
    }
    if !(1..=6).contains(&cfg.code_digits) {
        diagnostics.push(
            Diagnostic::new(path, "code_digits must be between 1 and 6").field("code_digits"),
        );
    }
    let mut classes = Vec::new();
    for class in &cfg.classes {
        let Some(digit) = digit_of(class, "classes", path, diagnostics) else {
            continue;
        };
        let Some(action) = &class.client_action else {
            diagnostics.push(
                Diagnostic::new(path, format!("class {digit} has no client_action"))
                    .field("classes.client_action"),
            );
            continue;
        };
        if classes.iter().any(|c: &Class| c.digit == Some(digit)) {
            diagnostics.push(
                Diagnostic::new(path, format!("class {digit} is defined twice")).field("classes"),
            );
        }
        classes.push(Class {
            digit: Some(digit),
            label: class.label.clone(),
            meaning: class.meaning.clone(),
            client_action: action.clone(),
        });
    }
    classes.sort_by_key(|c| c.digit);
    let client_class = cfg.client_errors.as_ref().map(|ce| {
        classes.push(Class {
            digit: None,
            label: ce.label.clone(),
            meaning: ce.meaning.clone(),
            client_action: ce.client_action.clone(),
        });
        (classes.len() - 1, ce.code_digits)
    });
    let mut groups = Vec::new();
    for group in &cfg.groups {
        if let Some(digit) = digit_of(group, "groups", path, diagnostics) {
            groups.push(Group {
                digit,
                label: group.label.clone(),
                meaning: group.meaning.clone(),
            });
        }
    }
    groups.sort_by_key(|g| g.digit);
    for text in cfg
        .classes
        .iter()
        .flat_map(|c| [Some(&c.meaning), c.client_action.as_ref()])
        .flatten()
    {
        if !is_sentence(text) {
            diagnostics.push(
                Diagnostic::new(path, format!("\"{text}\" is not a complete sentence"))
                    .field("classes")
                    .hint("start with a capital letter and end with a period; the generator places it whole"),
            );
        }
    }

    // Codes: parse each, then check what needs all of them (duplicates, references).
    let mut codes: Vec<(Code, &CodeSource)> = Vec::new();
    let mut seen: HashMap<&str, &Path> = HashMap::new();
    // Codes whose files have problems of their own: references to them are not reported again.
    let mut broken: HashSet<String> = proto.unreadable_codes.iter().cloned().collect();
    for src in &proto.codes {
        let code = src.code.value.as_str();
        if let Some(first) = seen.get(code) {
            diagnostics.push(
                Diagnostic::new(
                    &src.path,
                    format!("code {code} is already defined in {}", first.display()),
                )
                .at_line(src.code.line)
                .field("code"),
            );
            broken.insert(code.to_string());
            continue;
        }
        seen.insert(code, &src.path);
        match build_code(
            src,
            cfg.code_digits,
            &classes,
            client_class,
            &groups,
            diagnostics,
        ) {
            Some(built) => codes.push((built, src)),
            None => {
                broken.insert(code.to_string());
            }
        }
    }
    codes.sort_by_key(|(c, _)| c.number);
    let index: HashMap<String, CodeId> = codes
        .iter()
        .enumerate()
        .map(|(i, (c, _))| (c.code.clone(), CodeId(i)))
        .collect();

    for (id, (code, src)) in codes.iter_mut().enumerate() {
        for other in &src.confused_with {
            match index.get(&other.value) {
                Some(&o) if o.0 != id => code.confused_with.push(o),
                Some(_) => diagnostics.push(
                    Diagnostic::new(&src.path, "lists its own code")
                        .at_line(other.line)
                        .field("confused_with"),
                ),
                None if broken.contains(&other.value) => {}
                None => diagnostics.push(
                    Diagnostic::new(
                        &src.path,
                        format!("code {} does not exist in {}", other.value, cfg.name),
                    )
                    .at_line(other.line)
                    .field("confused_with")
                    .hint(format!(
                        "add {}/{}.md or remove it from the list",
                        cfg.slug, other.value
                    )),
                ),
            }
        }
        check_links(&src.path, &src.links, &index, &broken, diagnostics);
    }

    let mut notes = HashMap::new();
    for note in &proto.pair_notes {
        check_links(&note.path, &note.links, &index, &broken, diagnostics);
        match (index.get(&note.first), index.get(&note.second)) {
            (Some(&a), Some(&b)) if a < b => {
                notes.insert(
                    (a, b),
                    Note {
                        html: note.html.clone(),
                        modified: note.modified.clone(),
                    },
                );
            }
            (Some(_), Some(_)) => diagnostics.push(
                Diagnostic::new(&note.path, "names the higher code first")
                    .hint(format!("rename it to {}-vs-{}.md", note.second, note.first)),
            ),
            (a, b)
                if [(a, &note.first), (b, &note.second)]
                    .iter()
                    .any(|(id, c)| id.is_none() && broken.contains(*c)) => {}
            (a, b) => {
                let missing: Vec<&str> = [(a, &note.first), (b, &note.second)]
                    .into_iter()
                    .filter(|(id, _)| id.is_none())
                    .map(|(_, c)| c.as_str())
                    .collect();
                diagnostics.push(Diagnostic::new(
                    &note.path,
                    format!(
                        "is a note on code {} that does not exist in {}",
                        missing.join(" and "),
                        cfg.name
                    ),
                ));
            }
        }
    }

    (diagnostics.len() == before).then(|| Protocol {
        slug: cfg.slug.clone(),
        name: cfg.name.clone(),
        full_name: cfg.full_name.clone(),
        specs: cfg.specs.clone(),
        summary: cfg.summary.clone(),
        classes,
        groups,
        codes: codes.into_iter().map(|(c, _)| c).collect(),
        notes,
        modified: proto.modified.clone(),
    })
}

/// `@` links must name a code of the protocol or a comparison written lower code first.
fn check_links(
    path: &Path,
    links: &[Located<String>],
    index: &HashMap<String, CodeId>,
    broken: &HashSet<String>,
    diagnostics: &mut Vec<Diagnostic>,
) {
    for link in links {
        let target = &link.value;
        if target.split("-vs-").any(|code| broken.contains(code)) {
            continue;
        }
        let problem = match target.split_once("-vs-") {
            None if index.contains_key(target) => None,
            None => Some(format!("links to code {target}, which does not exist")),
            Some((a, b)) => match (index.get(a), index.get(b)) {
                (Some(x), Some(y)) if x < y => None,
                (Some(x), Some(y)) if x > y => Some(format!(
                    "links to @{target}; comparisons are written lower code first (@{b}-vs-{a})"
                )),
                _ => Some(format!(
                    "links to comparison {target}, but a code in it does not exist"
                )),
            },
        };
        if let Some(problem) = problem {
            diagnostics.push(
                Diagnostic::new(path, problem)
                    .at_line(link.line)
                    .field("link"),
            );
        }
    }
}

/// A sentence the generator can place whole: a capital letter or digit first, terminal
/// punctuation last.
pub fn is_sentence(text: &str) -> bool {
    let text = text.trim();
    let starts_well = text
        .chars()
        .next()
        .is_some_and(|c| c.is_uppercase() || c.is_ascii_digit());
    starts_well && text.ends_with(['.', '!', '?']) && text.split_whitespace().count() >= 3
}

fn build_code(
    src: &CodeSource,
    code_digits: usize,
    classes: &[Class],
    client_class: Option<(usize, usize)>,
    groups: &[Group],
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<Code> {
    let before = diagnostics.len();
    let path = &src.path;
    let err = |loc_line: usize, field: &str, message: String| {
        Diagnostic::new(path, message)
            .at_line(loc_line)
            .field(field)
    };

    let kind = match &src.kind {
        None => Kind::Reply,
        Some(k) => Kind::parse(&k.value).unwrap_or_else(|| {
            diagnostics.push(
                err(k.line, "kind", format!("unknown kind \"{}\"", k.value))
                    .hint("use \"reply\" (the default) or \"client-error\""),
            );
            Kind::Reply
        }),
    };
    let code = &src.code.value;
    let number: Option<u32> = code
        .chars()
        .all(|c| c.is_ascii_digit())
        .then(|| code.parse().ok())
        .flatten();
    let class = match (kind, number) {
        (_, None) => {
            diagnostics.push(err(
                src.code.line,
                "code",
                format!("\"{code}\" is not a number"),
            ));
            None
        }
        (Kind::Reply, Some(_)) => {
            let first = code.chars().next();
            let class = classes
                .iter()
                .position(|c| c.digit.is_some() && c.digit == first);
            if code.len() != code_digits || class.is_none() {
                let firsts: String = classes.iter().filter_map(|c| c.digit).collect();
                diagnostics.push(err(
                    src.code.line,
                    "code",
                    format!("\"{code}\" does not have this protocol's form: {code_digits} digits, the first one of {firsts}"),
                ));
            }
            class
        }
        (Kind::ClientError, Some(_)) => match client_class {
            Some((class, digits)) if code.len() == digits => Some(class),
            Some((_, digits)) => {
                diagnostics.push(err(
                    src.code.line,
                    "code",
                    format!("client-side error numbers in this protocol have {digits} digits"),
                ));
                None
            }
            None => {
                diagnostics.push(
                    err(
                        src.kind.as_ref().map_or(src.code.line, |k| k.line),
                        "kind",
                        "this protocol has no client-side errors".into(),
                    )
                    .hint("add a [client_errors] table to the protocol's _protocol.toml"),
                );
                None
            }
        },
    };
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    if stem != *code {
        diagnostics.push(
            err(
                src.code.line,
                "code",
                format!("the file is named {stem}.md but its code is \"{code}\""),
            )
            .hint(format!("rename the file to {code}.md or correct the code")),
        );
    }
    let group = match kind {
        Kind::Reply => code
            .chars()
            .nth(1)
            .and_then(|d| groups.iter().position(|g| g.digit == d)),
        Kind::ClientError => None,
    };
    if src.name.value.trim().is_empty() || src.name.value.ends_with('.') {
        diagnostics.push(err(
            src.name.line,
            "name",
            "must be a short title with no final period".into(),
        ));
    }
    if !is_sentence(&src.summary.value) {
        diagnostics.push(
            err(
                src.summary.line,
                "summary",
                "must be one complete sentence".into(),
            )
            .hint("start with a capital letter and end with a period, so that it reads on its own"),
        );
    }
    let status = Status::parse(&src.status.value).unwrap_or_else(|| {
        let names: Vec<&str> = Status::ALL.iter().map(|s| s.as_str()).collect();
        let mut d = err(
            src.status.line,
            "status",
            format!(
                "unknown status \"{}\"; expected one of {}",
                src.status.value,
                names.join(", ")
            ),
        );
        if let Some(near) = load::nearest(&src.status.value, &names) {
            d = d.hint(format!("did you mean \"{near}\"?"));
        }
        diagnostics.push(d);
        Status::Standard
    });
    if status == Status::NonStandard && src.used_by.is_none() {
        diagnostics.push(
            err(
                src.status.line,
                "used_by",
                "a non-standard code must say who uses it".into(),
            )
            .hint("add used_by = \"…\", one sentence naming the servers or clients that use it"),
        );
    }
    if let Some(action) = &src.client_action
        && !is_sentence(&action.value)
    {
        diagnostics.push(
            err(
                action.line,
                "client_action",
                "must be one complete sentence".into(),
            )
            .hint("write it in the imperative, e.g. \"Send PASS with the password.\""),
        );
    }
    if let Some(used_by) = &src.used_by
        && !is_sentence(&used_by.value)
    {
        diagnostics.push(err(
            used_by.line,
            "used_by",
            "must be one complete sentence".into(),
        ));
    }
    if kind == Kind::Reply && status != Status::NonStandard && src.specs.value.is_empty() {
        diagnostics.push(
            err(
                src.specs.line,
                "specs",
                format!("a {status} reply needs at least one spec reference"),
            )
            .hint("name the RFC and section, e.g. \"RFC 959 §4.2.1\""),
        );
    }
    for command in &src.returned_by.value {
        let ok = command == "(connect)"
            || (!command.is_empty() && command.chars().all(|c| c.is_ascii_uppercase()));
        if !ok {
            diagnostics.push(
                err(
                    src.returned_by.line,
                    "returned_by",
                    format!("\"{command}\" is not a command name"),
                )
                .hint(
                    "write commands in capitals, e.g. \"RETR\", or \"(connect)\" for the greeting",
                ),
            );
        }
    }
    check_sections(src, diagnostics);

    (diagnostics.len() == before).then(|| Code {
        number: number.unwrap_or_default(),
        code: code.clone(),
        name: src.name.value.trim().to_string(),
        summary: src.summary.value.trim().to_string(),
        status,
        kind,
        specs: src.specs.value.clone(),
        returned_by: src.returned_by.value.clone(),
        confused_with: Vec::new(),
        used_by: src.used_by.as_ref().map(|u| u.value.trim().to_string()),
        client_action: src
            .client_action
            .as_ref()
            .map(|a| a.value.trim().to_string()),
        class: class.unwrap_or_default(),
        group,
        sections: src.sections.clone(),
        source: path.clone(),
        modified: src.modified.clone(),
    })
}

fn check_sections(src: &CodeSource, diagnostics: &mut Vec<Diagnostic>) {
    let end_line = src
        .sections
        .last()
        .map_or(src.front_matter_line, |s| s.line);
    for required in REQUIRED_SECTIONS {
        let found: Vec<&Section> = src
            .sections
            .iter()
            .filter(|s| s.title == required)
            .collect();
        match found.len() {
            1 => {}
            0 => {
                let near = src
                    .sections
                    .iter()
                    .find(|s| s.title.eq_ignore_ascii_case(required));
                let mut d = Diagnostic::new(&src.path, format!("has no `## {required}` section"))
                    .field(required);
                d = match near {
                    Some(s) => d
                        .at_line(s.line)
                        .hint(format!("write the heading exactly as `## {required}`")),
                    None => d
                        .at_line(end_line)
                        .hint(format!("add a `## {required}` section")),
                };
                diagnostics.push(d);
            }
            _ => diagnostics.push(
                Diagnostic::new(&src.path, format!("has `## {required}` more than once"))
                    .at_line(found[1].line)
                    .field(required),
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sentences() {
        assert!(is_sentence("The server refused the command."));
        assert!(is_sentence("503 means the order was wrong."));
        assert!(!is_sentence("the server refused the command."));
        assert!(!is_sentence("Bad sequence of commands"));
        assert!(!is_sentence("Refused."));
    }

    #[test]
    fn status_round_trips() {
        for s in Status::ALL {
            assert_eq!(Status::parse(s.as_str()), Some(s));
        }
        assert_eq!(Status::parse("Standard"), None);
    }
}
