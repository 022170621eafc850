//! One code file, checked against its protocol's settings: its form, class, group, facts and
//! sections.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use super::scheme::{Form, OrderKey, is_variant};
use super::{Class, Code, FactValue, Origin, REQUIRED_SECTIONS, Settings, Status, is_sentence};
use crate::error::Diagnostic;
use crate::load::{self, CodeSource, ProtocolSource, Section};

/// Every code of a protocol that checks out, with its source, and the slugs of the files that
/// have problems.
pub(super) fn build_codes<'p>(
    proto: &'p ProtocolSource,
    settings: &Settings,
    diagnostics: &mut Vec<Diagnostic>,
) -> (Vec<(Code, &'p CodeSource)>, HashSet<String>) {
    let mut codes = Vec::new();
    let mut seen: HashMap<String, &Path> = HashMap::new();
    let mut broken: HashSet<String> = proto.unreadable_codes.iter().cloned().collect();
    for src in &proto.codes {
        let stem = stem(&src.path);
        // The page a file would have: the same code twice is reported once, whatever else is
        // wrong with the second file.
        let mut slug = settings.scheme.url_part(&src.code.value);
        if let Some(variant) = &src.variant {
            slug = format!("{slug}-{}", variant.value);
        }
        if let Some(first) = seen.get(&slug) {
            diagnostics.push(
                Diagnostic::new(
                    &src.path,
                    format!(
                        "code {} is already defined in {}",
                        src.code.value,
                        first.display()
                    ),
                )
                .at_line(src.code.line)
                .field("code"),
            );
            broken.insert(stem);
            continue;
        }
        seen.insert(slug, &src.path);
        match build_code(src, settings, &proto.config.name, diagnostics) {
            Some(code) => codes.push((code, src)),
            None => {
                broken.insert(stem);
            }
        }
    }
    (codes, broken)
}

fn stem(path: &Path) -> String {
    path.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Reports a problem with a field on a line of one file.
struct Problems<'a> {
    path: &'a Path,
    list: &'a mut Vec<Diagnostic>,
}

impl Problems<'_> {
    fn at(&mut self, line: usize, field: &str, message: impl Into<String>) -> &mut Diagnostic {
        self.list.push(
            Diagnostic::new(self.path, message)
                .at_line(line)
                .field(field),
        );
        let last = self.list.len() - 1;
        &mut self.list[last]
    }

    fn hint(d: &mut Diagnostic, hint: impl Into<String>) {
        d.hint = Some(hint.into());
    }

    /// A problem with what to do about it.
    fn hinted(
        &mut self,
        line: usize,
        field: &str,
        message: impl Into<String>,
        hint: impl Into<String>,
    ) {
        let d = self.at(line, field, message);
        Problems::hint(d, hint);
    }
}

fn build_code(
    src: &CodeSource,
    settings: &Settings,
    protocol: &str,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<Code> {
    let before = diagnostics.len();
    let mut p = Problems {
        path: &src.path,
        list: diagnostics,
    };
    let is_range = is_range(src, &mut p);
    let class = explicit_class(src, settings, &mut p);
    let (numbers, number) = identity(src, settings, class, is_range, protocol, &mut p);
    let class = class.or_else(|| {
        numbers
            .as_ref()
            .and_then(|_| implied_class(src, settings, number, is_range, protocol, &mut p))
    });
    let (slug, variant) = slug(src, settings, numbers.is_some(), &mut p);
    // Groups read the scheme's own form: not a range, nor a class's codes of another length.
    let other_form = class.is_some_and(|c| settings.classes[c].digits.is_some());
    let group = if is_range || other_form {
        None
    } else {
        settings
            .scheme
            .group_part(&src.code.value)
            .and_then(|d| settings.groups.iter().position(|g| g.digit == d))
    };
    let name = name(src, settings, &mut p);
    let status = status(src, &mut p);
    let origin = origin(src, class.map(|c| &settings.classes[c]), settings, &mut p);
    check_sentences(src, settings, class, &mut p);
    let facts = facts(src, settings, &mut p);
    check_standing(src, status, origin, &mut p);
    check_sections(src, p.list);

    (diagnostics.len() == before).then(|| Code {
        code: src.code.value.clone(),
        short: src.code.value.clone(),
        slug,
        order: OrderKey {
            numbers: numbers.unwrap_or_default(),
            variant: variant.unwrap_or_default(),
        },
        number,
        name,
        vendor: src.vendor.as_ref().map(|v| v.value.trim().to_string()),
        former_names: src
            .former_names
            .iter()
            .map(|n| n.value.trim().to_string())
            .collect(),
        summary: src.summary.value.trim().to_string(),
        status,
        origin,
        is_range,
        specs: src.specs.value.clone(),
        confused_with: Vec::new(),
        used_by: src.used_by.as_ref().map(|u| u.value.trim().to_string()),
        client_action: src
            .client_action
            .as_ref()
            .map(|a| a.value.trim().to_string()),
        class,
        group,
        facts,
        sections: src.sections.clone(),
        source: src.path.clone(),
        modified: src.modified,
    })
}

fn is_range(src: &CodeSource, p: &mut Problems) -> bool {
    match src.kind.as_ref() {
        None => false,
        Some(k) if k.value == "range" => true,
        Some(k) => {
            p.hinted(k.line, "kind", format!("unknown kind \"{}\"", k.value), "leave `kind` out for a code, or write kind = \"range\" for a page on a range of codes");
            false
        }
    }
}

/// The page's URL segment, which the file must be named by, and the code's variant.
fn slug(
    src: &CodeSource,
    settings: &Settings,
    well_formed: bool,
    p: &mut Problems,
) -> (String, Option<String>) {
    let variant = src.variant.as_ref().map(|v| {
        if !is_variant(&v.value) {
            p.hinted(
                v.line,
                "variant",
                format!("\"{}\" cannot be part of a URL", v.value),
                "use lower-case letters, digits and hyphens, e.g. \"iis\"",
            );
        }
        v.value.clone()
    });
    let mut slug = settings.scheme.url_part(&src.code.value);
    if let Some(variant) = &variant {
        slug = format!("{slug}-{variant}");
    }
    if stem(&src.path) != slug {
        let d = p.at(
            src.code.line,
            "code",
            format!(
                "the file is named {}.md but its code is \"{}\"",
                stem(&src.path),
                src.code.value
            ),
        );
        // Only a code of the protocol's form names a file worth renaming to.
        if well_formed {
            Problems::hint(
                d,
                format!("rename the file to {slug}.md or correct the code"),
            );
        }
    }
    (slug, variant)
}

/// Who uses a code no specification defines, and where a defined one is defined.
fn check_standing(src: &CodeSource, status: Status, origin: Origin, p: &mut Problems) {
    if status == Status::NonStandard && src.used_by.is_none() {
        p.hinted(
            src.status.line,
            "used_by",
            "a non-standard code must say who uses it",
            "add used_by = \"…\", one sentence naming the servers or clients that use it",
        );
    }
    if origin == Origin::Peer && status != Status::NonStandard && src.specs.value.is_empty() {
        p.hinted(
            src.specs.line,
            "specs",
            format!("a {status} code needs at least one spec reference"),
            "name the specification and section, e.g. \"RFC 959 §4.2.1\"",
        );
    }
}

/// The class a code names with `class = "id"`.
fn explicit_class(src: &CodeSource, settings: &Settings, p: &mut Problems) -> Option<usize> {
    let wanted = src.class.as_ref()?;
    let found = settings
        .classes
        .iter()
        .position(|c| c.id.as_deref() == Some(wanted.value.as_str()));
    if found.is_none() {
        let ids: Vec<&str> = settings
            .classes
            .iter()
            .filter_map(|c| c.id.as_deref())
            .collect();
        let d = p.at(
            wanted.line,
            "class",
            format!("no class has the id \"{}\"", wanted.value),
        );
        match load::nearest(&wanted.value, &ids) {
            Some(near) => Problems::hint(d, format!("did you mean \"{near}\"?")),
            None if ids.is_empty() => {
                Problems::hint(d, "this protocol's classes have no ids; leave `class` out")
            }
            None => Problems::hint(d, format!("the ids are {}", ids.join(", "))),
        }
    }
    found
}

/// The code's numbers (its order) and its number, checked against the scheme.
fn identity(
    src: &CodeSource,
    settings: &Settings,
    class: Option<usize>,
    is_range: bool,
    protocol: &str,
    p: &mut Problems,
) -> (Option<Vec<u64>>, Option<u64>) {
    let scheme = &settings.scheme;
    let code = &src.code.value;
    let digits = class.and_then(|c| settings.classes[c].digits);
    let checked = |text: &str| scheme.numbers(text, digits);
    let numbers = if is_range {
        match scheme.range(code) {
            Some((low, high)) => match (checked(low), checked(high)) {
                (Ok(l), Ok(h)) if l < h => Ok(l),
                (Ok(_), Ok(_)) => Err(format!("the range \"{code}\" does not go from low to high")),
                (Err(e), _) | (_, Err(e)) => Err(e),
            },
            None => Err(format!("\"{code}\" is not a range written LOW-HIGH")),
        }
    } else {
        checked(code)
    };
    let numbers = match numbers {
        Ok(n) => Some(n),
        Err(why) => {
            p.hinted(
                src.code.line,
                "code",
                format!("{why}, so it does not have {protocol}'s form"),
                format!("{protocol} codes are written like {}", scheme.example()),
            );
            None
        }
    };
    let named = scheme.form == Form::Named;
    let number = match (&src.number, named) {
        (Some(n), true) if n.value >= 0 => Some(n.value as u64),
        (Some(n), true) => {
            p.at(n.line, "number", "must not be negative");
            None
        }
        (None, true) => {
            p.hinted(
                src.code.line,
                "number",
                "a named code needs its number",
                "add number = …, the value that goes on the wire",
            );
            None
        }
        (Some(n), false) => {
            p.hinted(
                n.line,
                "number",
                "only named codes have a separate number",
                "leave `number` out: the code is its number",
            );
            None
        }
        (None, false) => numbers.as_ref().and_then(|n| (n.len() == 1).then(|| n[0])),
    };
    let numbers = if named {
        number.map(|n| vec![n])
    } else {
        numbers
    };
    (numbers, number)
}

/// The class a code joins by its first digit or number, or by its number's range.
fn implied_class(
    src: &CodeSource,
    settings: &Settings,
    number: Option<u64>,
    is_range: bool,
    protocol: &str,
    p: &mut Problems,
) -> Option<usize> {
    let classes = &settings.classes;
    if classes.is_empty() {
        return None;
    }
    let first = settings.scheme.class_part(&src.code.value);
    let by_digit = |c: &Class| c.digit.is_some() && c.digit == first && c.digits.is_none();
    let by_range =
        |c: &Class| matches!((c.range, number), (Some((lo, hi)), Some(n)) if lo <= n && n <= hi);
    let found = classes
        .iter()
        .position(|c| by_digit(c) && !is_range)
        .or_else(|| classes.iter().position(by_range));
    if found.is_none() {
        let labels: Vec<&str> = classes.iter().map(|c| c.label.as_str()).collect();
        p.hinted(
            src.code.line,
            "code",
            format!("\"{}\" is in none of {protocol}'s classes", src.code.value),
            format!("the classes are {}", labels.join("; ")),
        );
    }
    found
}

fn name(src: &CodeSource, settings: &Settings, p: &mut Problems) -> String {
    let named = settings.scheme.form == Form::Named;
    match &src.name {
        Some(name) if name.value.trim().is_empty() || name.value.ends_with('.') => {
            p.at(
                name.line,
                "name",
                "must be a short title with no final period",
            );
            String::new()
        }
        Some(name) => name.value.trim().to_string(),
        None if named => String::new(),
        None => {
            p.at(src.code.line, "name", "missing field `name`");
            String::new()
        }
    }
}

fn status(src: &CodeSource, p: &mut Problems) -> Status {
    Status::parse(&src.status.value).unwrap_or_else(|| {
        let names: Vec<&str> = Status::ALL.iter().map(|s| s.as_str()).collect();
        let d = p.at(
            src.status.line,
            "status",
            format!(
                "unknown status \"{}\"; expected one of {}",
                src.status.value,
                names.join(", ")
            ),
        );
        if let Some(near) = load::nearest(&src.status.value, &names) {
            Problems::hint(d, format!("did you mean \"{near}\"?"));
        }
        Status::Standard
    })
}

fn origin(
    src: &CodeSource,
    class: Option<&Class>,
    settings: &Settings,
    p: &mut Problems,
) -> Origin {
    let default = class.map_or(Origin::Peer, |c| c.origin);
    let Some(origin) = &src.origin else {
        return default;
    };
    match Origin::parse(&origin.value) {
        Some(Origin::Local) if settings.vocabulary.local.is_none() => {
            p.hinted(
                origin.line,
                "origin",
                "this protocol's vocabulary has no `local`",
                "add local = \"…\" to [vocabulary] in _protocol.toml, a noun phrase for such codes",
            );
            default
        }
        Some(o) => o,
        None => {
            p.hinted(origin.line,
                "origin",
                format!("unknown origin \"{}\"", origin.value), "use \"peer\" (sent by the other side, the default) or \"local\" (reported by the receiving side itself)");
            default
        }
    }
}

/// Summary, advice and who-uses-it are sentences placed whole; a code needs a next step, its
/// own or its class's.
fn check_sentences(src: &CodeSource, settings: &Settings, class: Option<usize>, p: &mut Problems) {
    if !is_sentence(&src.summary.value) {
        p.hinted(
            src.summary.line,
            "summary",
            "must be one complete sentence",
            "start with a capital letter and end with a period, so that it reads on its own",
        );
    }
    for (field, value) in [
        ("client_action", &src.client_action),
        ("used_by", &src.used_by),
    ] {
        if let Some(v) = value
            && !is_sentence(&v.value)
        {
            let d = p.at(v.line, field, "must be one complete sentence");
            if field == "client_action" {
                Problems::hint(
                    d,
                    "write it in the imperative, e.g. \"Send PASS with the password.\"",
                );
            }
        }
    }
    let class_action = class.and_then(|c| settings.classes[c].client_action.as_ref());
    // A code in no class of a protocol that has classes is reported already.
    let classless = class.is_none() && !settings.classes.is_empty();
    if src.client_action.is_none() && class_action.is_none() && !classless {
        p.hinted(
            src.code.line,
            "client_action",
            "says nothing about what to do next, and neither does its class",
            format!(
                "add client_action = \"…\", one sentence in the imperative for the {}",
                settings.vocabulary.receiver
            ),
        );
    }
}

fn facts(src: &CodeSource, settings: &Settings, p: &mut Problems) -> Vec<Option<FactValue>> {
    settings
        .facts
        .iter()
        .map(|field| {
            let raw = src
                .facts
                .iter()
                .find(|(key, _)| key == &field.key)
                .map(|(_, v)| v);
            match raw {
                Some(raw) => field.value(raw, p.path, p.list),
                None => {
                    if field.required {
                        let line = src.front_matter_line;
                        p.hinted(
                            line,
                            &field.key,
                            format!("missing field `{}`", field.key),
                            format!(
                                "{}: every {} code has it",
                                field.label, settings.vocabulary.code
                            ),
                        );
                    }
                    None
                }
            }
        })
        .collect()
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
