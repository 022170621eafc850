//! Catalog: the validated model of the site — protocols with their code scheme, vocabulary,
//! classes, groups and fact fields, and their codes.
//!
//! Everything the later stages may rely on is checked here: a code has its protocol's form and
//! its file's name, each code exists once, every cross-reference resolves, required sections are
//! present, every fact has its declared type. All problems are collected so that one run reports
//! them all. Not for: rendering or comparing; the catalog only says what exists.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt;
use std::path::{Path, PathBuf};

use crate::dates::Date;
use crate::error::Diagnostic;
pub use crate::load::Vocabulary;
use crate::load::{Located, ProtocolConfig, ProtocolSource, Section, SiteConfig, Source};

mod code;
pub mod facts;
mod fingerprint;
mod numbers;
pub mod scheme;

pub use facts::{FactField, FactKind, FactValue, ListField};
pub use fingerprint::{Fingerprint, Unchanged};
pub use numbers::Number;
pub use scheme::{Form, OrderKey, Scheme};

/// Sections every code file must have, in this order.
pub const REQUIRED_SECTIONS: [&str; 3] = ["Description", "When you see it", "How to fix"];

/// Index of a code within its protocol; codes are sorted by their order key, so a lower id is a
/// lower code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CodeId(pub usize);

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Status {
    Standard,
    Extension,
    Obsolete,
    /// Registered but not to be used, or kept for later use (HTTP 306, 402).
    Reserved,
    NonStandard,
}

impl Status {
    pub const ALL: [Status; 5] = [
        Status::Standard,
        Status::Extension,
        Status::Obsolete,
        Status::Reserved,
        Status::NonStandard,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Standard => "standard",
            Status::Extension => "extension",
            Status::Obsolete => "obsolete",
            Status::Reserved => "reserved",
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

/// Who a code comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// Sent by the protocol's sender (a server's reply, a peer's close frame).
    Peer,
    /// Reported by the receiving side about itself, never sent (a client's socket error,
    /// WebSocket's 1006).
    Local,
}

impl Origin {
    fn parse(s: &str) -> Option<Origin> {
        match s {
            "peer" => Some(Origin::Peer),
            "local" => Some(Origin::Local),
            _ => None,
        }
    }
}

/// A class of codes.
#[derive(Debug, Clone)]
pub struct Class {
    pub id: Option<String>,
    /// The first digit (or first number) of its codes, if that is how codes join it.
    pub digit: Option<String>,
    /// The numbers of its codes, if that is how codes join it.
    pub range: Option<(u64, u64)>,
    /// How many digits its codes have, where that differs from the scheme.
    pub digits: Option<usize>,
    pub origin: Origin,
    pub label: String,
    pub meaning: String,
    pub client_action: Option<String>,
}

/// A group: what the second digit or number says a code is about.
#[derive(Debug, Clone)]
pub struct Group {
    pub digit: String,
    pub label: String,
    pub meaning: String,
}

#[derive(Debug, Clone)]
pub struct Code {
    /// As written: "503", "5.7.1", "UNAVAILABLE", "3000-3999".
    pub code: String,
    /// How sentences name it: its code, or where another code of the protocol is written the
    /// same, its code with its vendor or name ("451 (IIS)").
    pub short: String,
    /// Its page's URL segment and file stem: "503", "451-iis", "unavailable".
    pub slug: String,
    pub order: OrderKey,
    /// The number a named code stands for, or a digits code's value.
    pub number: Option<u64>,
    /// May be empty for a named code, whose code is its name.
    pub name: String,
    pub vendor: Option<String>,
    pub former_names: Vec<String>,
    pub summary: String,
    pub status: Status,
    pub origin: Origin,
    /// A page for a range of codes ("3000-3999"), which is not compared pair by pair.
    pub is_range: bool,
    pub specs: Vec<String>,
    pub confused_with: Vec<CodeId>,
    pub used_by: Option<String>,
    /// What the receiver does next, where the class's advice is too general for this code.
    pub client_action: Option<String>,
    pub class: Option<usize>,
    pub group: Option<usize>,
    /// By the index of the protocol's fact fields.
    pub facts: Vec<Option<FactValue>>,
    pub sections: Vec<Section>,
    pub source: PathBuf,
    /// When the code's file last changed.
    pub modified: Date,
}

impl Code {
    /// Whether its class's advice holds for this code. A code no specification defines only
    /// borrows a class, and those who send it do not promise the class's meaning.
    pub fn follows_its_class(&self) -> bool {
        !(self.origin == Origin::Peer && self.status == Status::NonStandard)
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
    pub scheme: Scheme,
    pub vocabulary: Vocabulary,
    pub classes: Vec<Class>,
    pub groups: Vec<Group>,
    pub facts: Vec<FactField>,
    /// The `###` headings `statusref new` puts under How to fix.
    pub fix_headings: Vec<String>,
    /// Sorted by order key, codes to compare first and range pages last.
    pub codes: Vec<Code>,
    /// How many codes, from the first, are compared pair by pair: all but the ranges.
    pub paired: usize,
    /// Hand-written notes by pair, lower code first.
    pub notes: BTreeMap<(CodeId, CodeId), Note>,
    /// When the protocol's settings last changed.
    pub modified: Date,
    /// Other protocols' lists that name this protocol's codes and ask to be shown back here.
    pub named_by: Vec<NamedBy>,
    /// How a reader tells this protocol's codes from another's: complete sentences.
    pub recognized_by: Option<String>,
    by_slug: BTreeMap<String, CodeId>,
}

/// Another protocol's list of this protocol's codes, seen from here: gRPC's HTTP mapping, as
/// the HTTP pages show it.
#[derive(Debug, Clone)]
pub struct NamedBy {
    /// The row's label ("gRPC status codes that map to it").
    pub label: String,
    /// The other protocol's slug.
    pub protocol: String,
    /// By code of this protocol: the other protocol's codes whose list names it, in its order.
    pub codes: Vec<Vec<CodeId>>,
}

/// A hand-written note on one pair.
#[derive(Debug, Clone)]
pub struct Note {
    pub markdown: String,
    pub modified: Date,
}

impl Protocol {
    pub fn code(&self, id: CodeId) -> &Code {
        &self.codes[id.0]
    }

    pub fn class_of(&self, id: CodeId) -> Option<&Class> {
        self.code(id).class.map(|c| &self.classes[c])
    }

    pub fn group_of(&self, id: CodeId) -> Option<&Group> {
        self.code(id).group.map(|g| &self.groups[g])
    }

    /// The code whose page is at `slug`.
    pub fn find(&self, slug: &str) -> Option<CodeId> {
        self.by_slug.get(slug).copied()
    }

    pub fn ids(&self) -> impl Iterator<Item = CodeId> + '_ {
        (0..self.codes.len()).map(CodeId)
    }

    /// The codes that are compared pair by pair.
    pub fn paired_ids(&self) -> impl Iterator<Item = CodeId> + '_ {
        (0..self.paired).map(CodeId)
    }

    pub fn pair_count(&self) -> usize {
        self.paired * self.paired.saturating_sub(1) / 2
    }

    /// The fact field that lists what a code answers, if the protocol has one.
    pub fn trigger(&self) -> Option<(usize, &ListField)> {
        self.facts
            .iter()
            .enumerate()
            .find_map(|(i, f)| f.list().filter(|l| l.trigger).map(|l| (i, l)))
    }

    /// A code's items of the list fact `field`; empty when it lists none.
    pub fn items(&self, id: CodeId, field: usize) -> &[String] {
        match self.code(id).facts.get(field) {
            Some(Some(FactValue::List(items))) => items,
            _ => &[],
        }
    }

    /// The items of the list fact `field` that both codes have, in `a`'s order: the commands
    /// two FTP replies share, the headers two HTTP statuses share.
    pub fn shared_items(&self, a: CodeId, b: CodeId, field: usize) -> Vec<&String> {
        let theirs = self.items(b, field);
        self.items(a, field)
            .iter()
            .filter(|item| theirs.contains(item))
            .collect()
    }

    /// Whether classes are picked by the first digit or number, so that the code itself shows
    /// its class.
    pub fn classes_by_digit(&self) -> bool {
        !self.classes.is_empty()
            && self
                .classes
                .iter()
                .all(|c| c.digit.is_some() || c.id.is_some())
            && self.classes.iter().any(|c| c.digit.is_some())
    }
}

#[derive(Debug, Clone)]
pub struct Catalog {
    pub site: SiteConfig,
    /// When site.toml last changed.
    pub site_modified: Date,
    pub protocols: Vec<Protocol>,
    /// The numbers two or more protocols use, each with a page of its own.
    pub numbers: Vec<Number>,
    /// What is allowed but probably a mistake; shown, but no reason to fail.
    pub warnings: Vec<Diagnostic>,
}

/// Validates loaded sources into a catalog, or returns every problem found.
pub fn build(source: Source, mut diagnostics: Vec<Diagnostic>) -> Result<Catalog, Vec<Diagnostic>> {
    check_site(&source.site, &source.site_path, &mut diagnostics);
    let warnings = source
        .protocols
        .iter()
        .flat_map(|p| {
            let codes = p.codes.iter().flat_map(|c| &c.warnings);
            codes.chain(p.pair_notes.iter().flat_map(|n| &n.warnings))
        })
        .chain(source.number_notes.iter().flat_map(|n| &n.warnings))
        .cloned()
        .collect();
    // A list fact may hold codes of another protocol, so every scheme is known before any code.
    let schemes: BTreeMap<String, Scheme> = source
        .protocols
        .iter()
        .filter_map(|p| {
            Some((
                p.config.slug.clone(),
                Scheme::from_config(&p.config.scheme).ok()?,
            ))
        })
        .collect();
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
        if let Some(protocol) = build_protocol(proto, &schemes, &mut diagnostics) {
            protocols.push(protocol);
        }
    }
    protocols.sort_by(|a, b| (&a.name, &a.slug).cmp(&(&b.name, &b.slug)));
    link_back(&mut protocols);
    let broken: HashSet<String> = slugs
        .into_keys()
        .filter(|slug| protocols.iter().all(|p| &p.slug != slug))
        .collect();
    let numbers = numbers::numbers(&protocols, &broken, &source.number_notes, &mut diagnostics);
    if diagnostics.is_empty() {
        Ok(Catalog {
            site: source.site,
            site_modified: source.site_modified,
            protocols,
            numbers,
            warnings,
        })
    } else {
        Err(diagnostics)
    }
}

/// Fills each protocol's `named_by` from the other protocols' `codes_of` lists with a
/// `reverse` label.
fn link_back(protocols: &mut [Protocol]) {
    let mut found: Vec<(usize, NamedBy)> = Vec::new();
    for q in protocols.iter() {
        for (field, fact) in q.facts.iter().enumerate() {
            let Some(other) = fact.list().and_then(|l| l.codes_of.as_ref()) else {
                continue;
            };
            let (Some(label), Some(t)) = (
                &other.reverse,
                protocols.iter().position(|p| p.slug == other.protocol),
            ) else {
                continue;
            };
            let target = &protocols[t];
            let mut codes = vec![Vec::new(); target.codes.len()];
            for id in q.ids() {
                for item in q.items(id, field) {
                    if let Some(named) = target.find(&other.scheme.url_part(item)) {
                        codes[named.0].push(id);
                    }
                }
            }
            let named_by = NamedBy {
                label: label.clone(),
                protocol: q.slug.clone(),
                codes,
            };
            found.push((t, named_by));
        }
    }
    for (t, named_by) in found {
        protocols[t].named_by.push(named_by);
    }
}

fn check_site(site: &SiteConfig, path: &Path, diagnostics: &mut Vec<Diagnostic>) {
    if let Err(why) = base_url_problem(&site.base_url) {
        diagnostics.push(
            Diagnostic::new(
                path,
                format!("base_url `{}` {why}", site.base_url.escape_debug()),
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

/// Why a base URL cannot prefix every page's address, if it cannot.
fn base_url_problem(raw: &str) -> std::result::Result<(), String> {
    // The url crate drops tabs and newlines silently, so they are looked for first.
    if let Some(c) = raw.chars().find(|c| c.is_control() || c.is_whitespace()) {
        return Err(format!("holds the character {c:?}"));
    }
    let url = url::Url::parse(raw).map_err(|e| format!("is not a URL: {e}"))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(format!(
            "has the scheme `{}`, not http or https",
            url.scheme()
        ));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err("names no host".to_string());
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err("carries a user name or password".to_string());
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err("has a query or a fragment, which page addresses cannot follow".to_string());
    }
    Ok(())
}

/// The protocol's settings, checked: everything but its codes.
struct Settings {
    scheme: Scheme,
    vocabulary: Vocabulary,
    classes: Vec<Class>,
    groups: Vec<Group>,
    facts: Vec<FactField>,
}

fn build_protocol(
    proto: ProtocolSource,
    schemes: &BTreeMap<String, Scheme>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<Protocol> {
    let before = diagnostics.len();
    let cfg = &proto.config;
    let path = &proto.config_path;
    let settings = settings(cfg, path, schemes, diagnostics)?;
    let (mut codes, broken) = code::build_codes(&proto, &settings, diagnostics);
    // Codes to compare first, ranges last, each in order.
    codes.sort_by(|(a, _), (b, _)| (a.is_range, &a.order).cmp(&(b.is_range, &b.order)));
    let mut written: HashMap<String, usize> = HashMap::new();
    for (c, _) in &codes {
        *written.entry(c.code.clone()).or_default() += 1;
    }
    for (c, _) in codes.iter_mut() {
        if written[&c.code] > 1 {
            let by = c.vendor.clone().unwrap_or_else(|| c.name.clone());
            c.short = format!("{} ({by})", c.code);
        }
    }
    let index: BTreeMap<String, CodeId> = codes
        .iter()
        .enumerate()
        .map(|(i, (c, _))| (c.slug.clone(), CodeId(i)))
        .collect();
    let paired = codes.iter().filter(|(c, _)| !c.is_range).count();
    let refs = References {
        scheme: &settings.scheme,
        index: &index,
        broken: &broken,
        protocol: &cfg.name,
        slug: &cfg.slug,
        paired,
    };
    for (id, (code, src)) in codes.iter_mut().enumerate() {
        code.confused_with =
            refs.confused_with(CodeId(id), &src.confused_with, &src.path, diagnostics);
        refs.check_links(&src.path, &src.links, diagnostics);
    }
    let notes = refs.notes(&proto, diagnostics);
    (diagnostics.len() == before).then(|| Protocol {
        slug: cfg.slug.clone(),
        name: cfg.name.clone(),
        full_name: cfg.full_name.clone(),
        specs: cfg.specs.clone(),
        summary: cfg.summary.clone(),
        scheme: settings.scheme,
        vocabulary: settings.vocabulary,
        classes: settings.classes,
        groups: settings.groups,
        facts: settings.facts,
        fix_headings: cfg.authoring.fix_headings.clone(),
        codes: codes.into_iter().map(|(c, _)| c).collect(),
        paired,
        notes,
        modified: proto.modified,
        named_by: Vec::new(),
        recognized_by: cfg.recognized_by.clone(),
        by_slug: index,
    })
}

/// Checks everything in `_protocol.toml` but the codes.
fn settings(
    cfg: &ProtocolConfig,
    path: &Path,
    schemes: &BTreeMap<String, Scheme>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<Settings> {
    let before = diagnostics.len();
    let slug_ok = !cfg.slug.is_empty()
        && cfg
            .slug
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if !slug_ok {
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
    } else if !cfg.slug.chars().any(|c| c.is_ascii_lowercase()) {
        diagnostics.push(
            Diagnostic::new(
                path,
                format!(
                    "slug `{}` has no letter, so its pages would take the place of the page of number {0}",
                    cfg.slug
                ),
            )
            .field("slug")
            .hint("name the protocol, e.g. slug = \"ftp\""),
        );
    }
    let scheme = Scheme::from_config(&cfg.scheme)
        .map_err(|message| diagnostics.push(Diagnostic::new(path, message).field("scheme")))
        .ok();
    let vocabulary = cfg.vocabulary.clone();
    let classes = classes(cfg, path, diagnostics);
    let mut groups: Vec<Group> = cfg
        .groups
        .iter()
        .map(|g| Group {
            digit: g.digit.clone(),
            label: g.label.clone(),
            meaning: g.meaning.clone(),
        })
        .collect();
    groups.sort_by(|a, b| a.digit.cmp(&b.digit));
    let facts: Vec<FactField> = cfg
        .facts
        .iter()
        .filter_map(|f| FactField::from_config(f, path, schemes, diagnostics))
        .collect();
    if cfg
        .facts
        .iter()
        .filter(|f| f.role.as_deref() == Some("trigger"))
        .count()
        > 1
    {
        diagnostics.push(
            Diagnostic::new(path, "more than one fact field has role = \"trigger\"").field("facts"),
        );
    }
    let sentences = classes
        .iter()
        .flat_map(|c| [Some(&c.meaning), c.client_action.as_ref()])
        .flatten()
        .map(|t| ("classes", t))
        .chain(groups.iter().map(|g| ("groups", &g.meaning)))
        .chain(cfg.recognized_by.iter().map(|t| ("recognized_by", t)));
    for (field, text) in sentences {
        if !is_sentence(text) {
            diagnostics.push(
                Diagnostic::new(path, format!("\"{text}\" is not a complete sentence"))
                    .field(field)
                    .hint("start with a capital letter and end with a period; the generator places it whole"),
            );
        }
    }
    if classes.iter().any(|c| c.origin == Origin::Local) && vocabulary.local.is_none() {
        diagnostics.push(
            Diagnostic::new(path, "a class has origin = \"local\" but the vocabulary has no `local`")
                .field("vocabulary.local")
                .hint("say what such a code is, e.g. local = \"an error the client reports about its own connection\""),
        );
    }
    (diagnostics.len() == before).then_some(Settings {
        scheme: scheme?,
        vocabulary,
        classes,
        groups,
        facts,
    })
}

fn classes(cfg: &ProtocolConfig, path: &Path, diagnostics: &mut Vec<Diagnostic>) -> Vec<Class> {
    let mut classes: Vec<Class> = Vec::new();
    for class in &cfg.classes {
        let name = class
            .id
            .as_deref()
            .or(class.digit.as_deref())
            .unwrap_or(&class.label);
        let mut problem = |message: String| {
            diagnostics.push(Diagnostic::new(path, message).field("classes"));
        };
        if class.digit.is_none() && class.range.is_none() && class.id.is_none() {
            problem(format!(
                "class \"{}\" has none of `digit`, `range` or `id`, so no code can join it",
                class.label
            ));
        }
        if let Some([low, high]) = class.range
            && low > high
        {
            problem(format!(
                "class {name} has a range that ends before it starts"
            ));
        }
        let origin = match class.origin.as_deref() {
            None => Origin::Peer,
            Some(o) => Origin::parse(o).unwrap_or_else(|| {
                problem(format!(
                    "class {name}: unknown origin \"{o}\"; use \"peer\" or \"local\""
                ));
                Origin::Peer
            }),
        };
        let twice = classes.iter().any(|c| {
            (c.id.is_some() && c.id == class.id) || (c.digit.is_some() && c.digit == class.digit)
        });
        if twice {
            problem(format!("class {name} is defined twice"));
        }
        classes.push(Class {
            id: class.id.clone(),
            digit: class.digit.clone(),
            range: class.range.map(|[low, high]| (low, high)),
            digits: class.digits,
            origin,
            label: class.label.clone(),
            meaning: class.meaning.clone(),
            client_action: class.client_action.clone(),
        });
    }
    classes
}

/// What a protocol's codes are called by, for resolving references between them.
struct References<'a> {
    scheme: &'a Scheme,
    index: &'a BTreeMap<String, CodeId>,
    /// Codes whose files have problems of their own: references to them are not reported again.
    broken: &'a HashSet<String>,
    protocol: &'a str,
    slug: &'a str,
    paired: usize,
}

impl References<'_> {
    fn confused_with(
        &self,
        id: CodeId,
        list: &[Located<String>],
        path: &Path,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> Vec<CodeId> {
        let mut ids = Vec::new();
        for other in list {
            // A code as written ("NXDOMAIN") or as its page's URL segment ("nxdomain", "451-iis").
            let found = self
                .index
                .get(&other.value)
                .or_else(|| self.index.get(&self.scheme.url_part(&other.value)));
            match found {
                Some(&o) if o != id => ids.push(o),
                Some(_) => diagnostics.push(
                    Diagnostic::new(path, "lists its own code")
                        .at_line(other.line)
                        .field("confused_with"),
                ),
                None if self.broken.contains(&other.value) => {}
                None => diagnostics.push(
                    Diagnostic::new(
                        path,
                        format!("code {} does not exist in {}", other.value, self.protocol),
                    )
                    .at_line(other.line)
                    .field("confused_with")
                    .hint(format!(
                        "add {}/{}.md or remove it from the list",
                        self.slug,
                        self.scheme.url_part(&other.value)
                    )),
                ),
            }
        }
        ids
    }

    /// A pair as two slugs names it: the pair, or what is wrong with it.
    fn pair(&self, first: &str, second: &str) -> Result<(CodeId, CodeId), String> {
        match (self.index.get(first), self.index.get(second)) {
            (Some(a), Some(b)) if a == b => Err(format!(
                "names {first} twice; a comparison is between two different codes"
            )),
            (Some(a), Some(b)) if a.0 >= self.paired || b.0 >= self.paired => Err(
                "names a range of codes; ranges have a page of their own but no comparisons"
                    .to_string(),
            ),
            (Some(a), Some(b)) if a < b => Ok((*a, *b)),
            (Some(_), Some(_)) => Err(format!(
                "names the higher code first; comparisons are written {second}-vs-{first}"
            )),
            _ => {
                let missing: Vec<&str> = [first, second]
                    .into_iter()
                    .filter(|c| !self.index.contains_key(*c))
                    .collect();
                Err(format!(
                    "names code {} that does not exist in {}",
                    missing.join(" and "),
                    self.protocol
                ))
            }
        }
    }

    fn is_broken(&self, slugs: &[&str]) -> bool {
        slugs.iter().any(|s| self.broken.contains(*s))
    }

    /// `@` links must name a code of the protocol or a comparison written lower code first.
    fn check_links(
        &self,
        path: &Path,
        links: &[Located<String>],
        diagnostics: &mut Vec<Diagnostic>,
    ) {
        for link in links {
            let target = &link.value;
            let problem = match target.split_once("-vs-") {
                _ if self.is_broken(&target.split("-vs-").collect::<Vec<_>>()) => None,
                None if self.index.contains_key(target) => None,
                None if self.index.contains_key(&self.scheme.url_part(target)) => Some(format!(
                    "links to @{target}; links name a code's page as its URL does: @{}",
                    self.scheme.url_part(target)
                )),
                None => Some(format!("links to code {target}, which does not exist")),
                Some((a, b)) => self
                    .pair(a, b)
                    .err()
                    .map(|why| format!("links to comparison @{target}, which {why}")),
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

    fn notes(
        &self,
        proto: &ProtocolSource,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> BTreeMap<(CodeId, CodeId), Note> {
        let mut notes = BTreeMap::new();
        for note in &proto.pair_notes {
            self.check_links(&note.path, &note.links, diagnostics);
            if self.is_broken(&[&note.first, &note.second]) {
                continue;
            }
            match self.pair(&note.first, &note.second) {
                Ok(pair) => {
                    notes.insert(
                        pair,
                        Note {
                            markdown: note.markdown.clone(),
                            modified: note.modified,
                        },
                    );
                }
                Err(why) => {
                    let mut d =
                        Diagnostic::new(&note.path, format!("is a note on a pair that {why}"));
                    if let (Some(a), Some(b)) =
                        (self.index.get(&note.first), self.index.get(&note.second))
                        && a > b
                    {
                        d = d.hint(format!("rename it to {}-vs-{}.md", note.second, note.first));
                    }
                    diagnostics.push(d);
                }
            }
        }
        notes
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

    #[test]
    fn base_urls() {
        for good in [
            "https://statusref.example.org",
            "http://127.0.0.1:8000",
            "https://example.org/docs",
        ] {
            assert_eq!(base_url_problem(good), Ok(()), "{good}");
        }
        for bad in [
            "https://exa\tmple.org",
            "https://example.org\n",
            "https://exa mple.org",
            "http://",
            "https://example.org:99999",
            "ftp://example.org",
            "example.org",
            "https://user:pw@example.org",
            "https://example.org/?x=1",
            "https://example.org/#top",
        ] {
            assert!(base_url_problem(bad).is_err(), "{bad}");
        }
    }
}
