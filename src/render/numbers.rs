//! Number pages: what a number several protocols use means in each (/503/), and the line on a
//! code's page that leads to the same number in the other protocols.

use serde::Serialize;
use tera::Context;

use super::head::{Head, Schema};
use super::views::{Item, set_name};
use super::{PageRef, Renderer};
use crate::catalog::{Code, CodeId, Number};
use crate::prose;

/// A code of the number, as its page lists it.
#[derive(Serialize)]
struct Meaning<'a> {
    /// The protocol, as this page names it: "HTTP", "DNS RCODE".
    kind: String,
    label: String,
    summary: &'a str,
    href: String,
}

/// How a reader tells which protocol a bare number came from.
#[derive(Serialize)]
struct Recognize<'a> {
    kind: String,
    html: &'a str,
}

/// The line on a code page that lists the same number in other protocols.
#[derive(Serialize)]
pub(super) struct Elsewhere {
    text: String,
    href: String,
    items: Vec<Item>,
}

/// What a code is called in a sentence about its number: a numbered code's name ("Service
/// Unavailable"), a named code's name ("NXDOMAIN").
fn meaning_of(code: &Code) -> &str {
    if code.code.parse::<u64>().is_ok() && !code.name.is_empty() {
        &code.name
    } else {
        &code.code
    }
}

impl Renderer<'_> {
    /// Each protocol of the number as its page names it, singular and plural.
    fn kinds(&self, number: &Number) -> Vec<(usize, String, String)> {
        let all = &self.catalog.protocols;
        let protocols = number.protocols();
        protocols
            .iter()
            .map(|&pi| {
                let p = &all[pi];
                let shared = protocols
                    .iter()
                    .any(|&qi| qi != pi && all[qi].name == p.name);
                let v = &p.vocabulary;
                (
                    pi,
                    set_name(p, shared, &v.code),
                    set_name(p, shared, &v.codes),
                )
            })
            .collect()
    }

    /// What the number is called in each protocol, grouped by name in the order first met, each
    /// with the protocols (as `kinds` names them, plural) that call it so.
    fn meanings(
        &self,
        number: &Number,
        kinds: &[(usize, String, String)],
    ) -> Vec<(String, Vec<String>)> {
        let mut out: Vec<(String, Vec<String>)> = Vec::new();
        for &(pi, id) in &number.codes {
            let name = meaning_of(self.catalog.protocols[pi].code(id));
            let kind = kinds
                .iter()
                .find(|k| k.0 == pi)
                .map(|k| k.2.clone())
                .unwrap_or_default();
            match out.iter_mut().find(|(n, _)| n.eq_ignore_ascii_case(name)) {
                Some((_, ks)) if !ks.contains(&kind) => ks.push(kind),
                Some(_) => {}
                None => out.push((name.to_string(), vec![kind])),
            }
        }
        out
    }

    /// "What 503 means in FTP, HTTP, SIP and SMTP".
    pub(super) fn number_heading(&self, number: &Number) -> String {
        let plural: Vec<String> = self.kinds(number).into_iter().map(|k| k.2).collect();
        prose::number_heading(number.value, &plural)
    }

    pub(super) fn number(&self, ni: usize) -> tera::TeraResult<Context> {
        let number = &self.catalog.numbers[ni];
        let all = &self.catalog.protocols;
        let dir = format!("{}/", number.slug);
        let kinds = self.kinds(number);
        let plural: Vec<String> = kinds.iter().map(|k| k.2.clone()).collect();
        let meanings = self.meanings(number, &kinds);
        let kind_of = |pi: usize| {
            kinds
                .iter()
                .find(|k| k.0 == pi)
                .map(|k| k.1.clone())
                .unwrap_or_default()
        };
        let listed: Vec<Meaning> = number
            .codes
            .iter()
            .map(|&(pi, id)| {
                let p = &all[pi];
                Meaning {
                    kind: kind_of(pi),
                    label: prose::label(p.code(id)),
                    summary: &p.code(id).summary,
                    href: self.code_href(&dir, p, id),
                }
            })
            .collect();
        let recognize: Vec<Recognize> = kinds
            .iter()
            .filter_map(|(pi, kind, _)| {
                Some(Recognize {
                    kind: kind.clone(),
                    html: self.recognized[*pi].as_deref()?,
                })
            })
            .collect();
        let heading = self.number_heading(number);
        let meta = self.meta(
            Some(&dir),
            Head {
                title: prose::number_title(number.value, &plural),
                headline: heading.clone(),
                description: prose::number_description(number.value, &meanings),
                trail: vec![(number.slug.clone(), dir.clone())],
                schema: Schema::CollectionPage,
                kind: "number",
                protocol: None,
                modified: self.modified(PageRef::Number(ni)),
            },
        );
        #[derive(Serialize)]
        struct NumberPage<'a> {
            heading: String,
            lede: String,
            number: &'a str,
            meanings: Vec<Meaning<'a>>,
            recognize: Vec<Recognize<'a>>,
            note: Option<&'a str>,
        }
        self.context(
            meta,
            NumberPage {
                heading,
                lede: prose::number_lede(number.value, &plural, &meanings),
                number: &number.slug,
                meanings: listed,
                recognize,
                note: self.number_notes[ni].as_deref(),
            },
        )
    }

    /// The same number's codes in the other protocols, from code `id`'s page, with a link to the
    /// number's page; `None` when no other protocol uses its number.
    pub(super) fn elsewhere(&self, pi: usize, id: CodeId) -> Option<Elsewhere> {
        let ni = *self.number_of.get(&(pi, id))?;
        let number = &self.catalog.numbers[ni];
        let all = &self.catalog.protocols;
        let p = &all[pi];
        let from = format!("{}/{}/", p.slug, p.code(id).slug);
        let kinds = self.kinds(number);
        let items = number
            .codes
            .iter()
            .filter(|&&(qi, _)| qi != pi)
            .map(|&(qi, other)| {
                let kind = kinds
                    .iter()
                    .find(|k| k.0 == qi)
                    .map_or("", |k| k.1.as_str());
                Item {
                    text: format!("{kind} {}", prose::label(all[qi].code(other))),
                    href: Some(self.code_href(&from, &all[qi], other)),
                }
            })
            .collect();
        Some(Elsewhere {
            text: format!("{} in other protocols", number.slug),
            href: self.links.href(Some(&from), &format!("{}/", number.slug)),
            items,
        })
    }
}
