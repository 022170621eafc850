//! Numbers: the numbers two or more protocols use as codes (503 in FTP, HTTP, SIP and SMTP; 3 in
//! DNS and gRPC), each with a page that says what it means in each, and the hand-written notes
//! on the mix-ups between them.

use std::collections::{BTreeMap, HashSet};

use super::{CodeId, Note, Protocol};
use crate::error::Diagnostic;
use crate::load::{Located, NumberNoteSource};

/// A number that codes of two or more protocols stand for.
#[derive(Debug, Clone)]
pub struct Number {
    pub value: u64,
    /// Its page's folder below the site root: the number itself.
    pub slug: String,
    /// Its codes by protocol, in the catalog's order of protocols and each protocol's order;
    /// a protocol may have more than one (HTTP's two vendors' 420).
    pub codes: Vec<(usize, CodeId)>,
    pub note: Option<Note>,
}

impl Number {
    /// The protocols it is a code of, each once, in order.
    pub fn protocols(&self) -> Vec<usize> {
        let mut out: Vec<usize> = self.codes.iter().map(|&(pi, _)| pi).collect();
        out.dedup();
        out
    }
}

/// Every number that codes of two or more protocols stand for, in numeric order, with its note.
/// A range page stands for many numbers and a named code without a number for none, so neither
/// joins. A note on a number with no page, or one whose links do not resolve, is reported.
pub fn numbers(
    protocols: &[Protocol],
    broken: &HashSet<String>,
    notes: &[NumberNoteSource],
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<Number> {
    let mut by_value: BTreeMap<u64, Vec<(usize, CodeId)>> = BTreeMap::new();
    for (pi, p) in protocols.iter().enumerate() {
        for id in p.ids() {
            let code = p.code(id);
            if let (Some(value), false) = (code.number, code.is_range) {
                by_value.entry(value).or_default().push((pi, id));
            }
        }
    }
    let mut numbers: Vec<Number> = by_value
        .into_iter()
        .filter(|(_, codes)| codes.iter().any(|&(pi, _)| pi != codes[0].0))
        .map(|(value, codes)| Number {
            value,
            slug: value.to_string(),
            codes,
            note: None,
        })
        .collect();
    for note in notes {
        check_links(protocols, broken, note, diagnostics);
        let found = numbers.iter_mut().find(|n| n.slug == note.number);
        match found {
            Some(number) => {
                number.note = Some(Note {
                    markdown: note.markdown.clone(),
                    modified: note.modified,
                })
            }
            None => diagnostics.push(
                Diagnostic::new(
                    &note.path,
                    format!(
                        "is a note on {}, which fewer than two protocols use, so it has no page",
                        note.number
                    ),
                )
                .hint("a number page exists for each number that codes of two or more protocols stand for"),
            ),
        }
    }
    numbers
}

/// A number note's `@` links name a page of any protocol: `@http/503`, `@smtp/421-vs-450`.
/// Links into a protocol that has problems of its own (`broken`) are not reported again.
fn check_links(
    protocols: &[Protocol],
    broken: &HashSet<String>,
    note: &NumberNoteSource,
    diagnostics: &mut Vec<Diagnostic>,
) {
    for link in &note.links {
        let into_broken = link
            .value
            .split_once('/')
            .is_some_and(|(slug, _)| broken.contains(slug));
        if into_broken {
            continue;
        }
        if let Some(problem) = link_problem(protocols, link) {
            diagnostics.push(
                Diagnostic::new(&note.path, problem)
                    .at_line(link.line)
                    .field("link")
                    .hint("a note on a number links to a code as [HTTP 503](@http/503) and to a comparison as [SMTP 421 vs 450](@smtp/421-vs-450)"),
            );
        }
    }
}

fn link_problem(protocols: &[Protocol], link: &Located<String>) -> Option<String> {
    let target = &link.value;
    let Some((slug, page)) = target.split_once('/') else {
        return Some(format!("links to @{target}, which names no protocol"));
    };
    let Some(p) = protocols.iter().find(|p| p.slug == slug) else {
        return Some(format!(
            "links to @{target}, but there is no protocol `{slug}`"
        ));
    };
    let code = |s: &str| p.find(s);
    match page.split_once("-vs-") {
        None if code(page).is_some() => None,
        None => Some(format!(
            "links to @{target}, but {} has no code {page}",
            p.name
        )),
        Some((a, b)) => match (code(a), code(b)) {
            (Some(x), Some(y)) if x < y && y.0 < p.paired => None,
            (Some(x), Some(y)) if y < x => Some(format!(
                "links to @{target}, which names the higher code first; write @{slug}/{b}-vs-{a}"
            )),
            _ => Some(format!(
                "links to @{target}, which is not a comparison of {}",
                p.name
            )),
        },
    }
}
