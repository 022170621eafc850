//! Views: the context each kind of page gets — home, protocol, code, comparison, 404 — and the
//! pieces they share (code views, fact rows, the compare picker, links to pairs).

use serde::Serialize;
use tera::Context;

use super::head::{Head, Schema};
use super::{PageRef, Renderer, slugify};
use crate::catalog::{CodeId, FactField, FactValue, Form, NamedBy, Protocol};
use crate::compare::Pair;
use crate::prose;

#[derive(Serialize)]
pub(super) struct CodeLink<'a> {
    code: &'a str,
    name: &'a str,
    summary: &'a str,
    href: String,
}

#[derive(Serialize)]
pub(super) struct ClassView<'a> {
    label: String,
    meaning: &'a str,
    client_action: &'a str,
    codes: Vec<CodeLink<'a>>,
}

#[derive(Serialize)]
pub(super) struct SectionView<'a> {
    title: &'a str,
    id: String,
    html: &'a str,
    /// One of the sections every code has, which comparison pages show.
    required: bool,
}

/// A row of a code's facts; `None` where the code has no value for it.
#[derive(Serialize, Clone)]
pub(super) struct Fact {
    label: String,
    value: Option<String>,
    /// The value as items, each linked to its page, for a list of another protocol's codes.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    items: Vec<Item>,
}

/// An item of a list fact; `href` when it is a code with a page of its own.
#[derive(Serialize, Clone)]
pub(super) struct Item {
    pub(super) text: String,
    pub(super) href: Option<String>,
}

#[derive(Serialize)]
pub(super) struct CodeView<'a> {
    code: &'a str,
    slug: &'a str,
    name: &'a str,
    label: String,
    summary: &'a str,
    href: String,
    facts: Vec<Fact>,
    sections: Vec<SectionView<'a>>,
}

/// The compare picker, with two codes chosen to start with; the script lists the others from
/// the protocol's short list of codes (`codes_js`).
#[derive(Serialize)]
pub(super) struct Picker<'a> {
    protocol: &'a str,
    name: &'a str,
    codes_js: String,
    first: CodeOption<'a>,
    second: CodeOption<'a>,
}

#[derive(Serialize)]
pub(super) struct CodeOption<'a> {
    slug: &'a str,
    label: String,
}

/// How many noted comparisons the home page shows for each protocol.
const HOME_NOTED: usize = 4;

/// Comparisons a code page lists folded away under one heading.
#[derive(Serialize)]
pub(super) struct PairGroup {
    label: String,
    links: Vec<PairLink>,
}

#[derive(Serialize)]
pub(super) struct PairLink {
    text: String,
    href: String,
}

/// A row of the side-by-side table; a code without that fact shows a dash.
#[derive(Serialize)]
pub(super) struct Row {
    label: String,
    a: String,
    b: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    a_items: Vec<Item>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    b_items: Vec<Item>,
}

/// Puts two codes' facts side by side: every row either of them has. Both lists have the same
/// rows, as one protocol's facts do.
pub(super) fn rows(a: &[Fact], b: &[Fact]) -> Vec<Row> {
    let dash = || "—".to_string();
    debug_assert!(a.iter().map(|f| &f.label).eq(b.iter().map(|f| &f.label)));
    a.iter()
        .zip(b)
        .filter(|(x, y)| x.value.is_some() || y.value.is_some())
        .map(|(x, y)| Row {
            label: x.label.clone(),
            a: x.value.clone().unwrap_or_else(dash),
            b: y.value.clone().unwrap_or_else(dash),
            a_items: x.items.clone(),
            b_items: y.items.clone(),
        })
        .collect()
}

#[derive(Serialize)]
pub(super) struct WhichView {
    label: String,
    text: String,
}

impl Renderer<'_> {
    pub(super) fn code_link<'a>(&self, from: &str, p: &'a Protocol, id: CodeId) -> CodeLink<'a> {
        let code = p.code(id);
        CodeLink {
            code: &code.code,
            name: &code.name,
            summary: &code.summary,
            href: self.code_href(from, p, id),
        }
    }

    /// The codes of another protocol whose list names code `id` (gRPC codes mapped to an HTTP
    /// status), each linked to its page.
    fn named_by_items(&self, p: &Protocol, id: CodeId, named: &NamedBy) -> Vec<Item> {
        let from = format!("{}/{}/", p.slug, p.code(id).slug);
        let Some(q) = self
            .catalog
            .protocols
            .iter()
            .find(|q| q.slug == named.protocol)
        else {
            return Vec::new();
        };
        named.codes[id.0]
            .iter()
            .map(|&other| Item {
                text: q.code(other).code.clone(),
                href: Some(self.code_href(&from, q, other)),
            })
            .collect()
    }

    /// A list of another protocol's codes, each linked to its page where it has one.
    fn linked_items(
        &self,
        p: &Protocol,
        id: CodeId,
        declared: &FactField,
        value: Option<&FactValue>,
    ) -> Vec<Item> {
        let (Some(other), Some(FactValue::List(items))) =
            (declared.list().and_then(|l| l.codes_of.as_ref()), value)
        else {
            return Vec::new();
        };
        let from = format!("{}/{}/", p.slug, p.code(id).slug);
        let target = self
            .catalog
            .protocols
            .iter()
            .find(|t| t.slug == other.protocol);
        items
            .iter()
            .map(|item| Item {
                text: item.clone(),
                href: target.and_then(|t| {
                    let found = t.find(&t.scheme.url_part(item))?;
                    Some(self.code_href(&from, t, found))
                }),
            })
            .collect()
    }

    fn pair_href(&self, from: &str, p: &Protocol, pair: Pair) -> String {
        self.links
            .href(Some(from), &[&p.slug, "/", &pair.slug(p), "/"].concat())
    }

    pub(super) fn code_href(&self, from: &str, p: &Protocol, id: CodeId) -> String {
        self.links
            .href(Some(from), &[&p.slug, "/", &p.code(id).slug, "/"].concat())
    }

    /// Up to `n` of the protocol's comparisons with a hand-written note, the closest pairs first:
    /// the comparisons readers most need.
    fn noted_pairs(&self, pi: usize, n: usize) -> Vec<PairLink> {
        let p = &self.catalog.protocols[pi];
        let mut pairs: Vec<Pair> = p
            .notes
            .keys()
            .filter_map(|&(a, b)| Pair::new(a, b))
            .collect();
        pairs.sort_by_key(|pair| {
            let score = self.relevance[pi].score(pair.low(), pair.high());
            (std::cmp::Reverse(score), *pair)
        });
        pairs
            .into_iter()
            .take(n)
            .map(|pair| PairLink {
                text: [
                    home_name(p, pair.low()),
                    " vs ".to_string(),
                    home_name(p, pair.high()),
                ]
                .concat(),
                href: self.pair_href("", p, pair),
            })
            .collect()
    }

    pub(super) fn home(&self) -> tera::TeraResult<Context> {
        #[derive(Serialize)]
        struct ProtocolLink<'a> {
            name: String,
            full_name: &'a str,
            summary: &'a str,
            codes: usize,
            codes_word: &'a str,
            pairs: usize,
            href: String,
            noted: Vec<PairLink>,
        }
        let all = &self.catalog.protocols;
        let protocols: Vec<ProtocolLink> = all
            .iter()
            .enumerate()
            .map(|(pi, p)| ProtocolLink {
                name: set_name(
                    p,
                    all.iter().filter(|q| q.name == p.name).count() > 1,
                    &p.vocabulary.codes,
                ),
                full_name: &p.full_name,
                summary: &p.summary,
                codes: p.codes.len(),
                codes_word: &p.vocabulary.codes,
                pairs: p.pair_count(),
                href: self.links.href(Some(""), &format!("{}/", p.slug)),
                noted: self.noted_pairs(pi, HOME_NOTED),
            })
            .collect();
        let site = self.site();
        let meta = self.meta(
            Some(""),
            Head {
                title: format!(
                    "{}: protocol status and reply codes explained and compared",
                    site.title
                ),
                headline: site.title.clone(),
                description: site.description.clone(),
                trail: vec![],
                schema: Schema::WebSite,
                kind: "home",
                protocol: None,
                modified: self.modified(PageRef::Home),
            },
        );
        #[derive(Serialize)]
        struct Home<'a> {
            protocols: Vec<ProtocolLink<'a>>,
            numbers: Vec<PairLink>,
            bundle: Option<BundleView>,
        }
        #[derive(Serialize)]
        struct BundleView {
            href: String,
            size: String,
        }
        let bundle = self.bundle.get().map(|b| BundleView {
            href: self.links.asset(Some(""), &b.file),
            size: format!("{:.1} MB", b.bytes as f64 / 1_000_000.0),
        });
        let numbers = self
            .catalog
            .numbers
            .iter()
            .map(|n| PairLink {
                text: n.slug.clone(),
                href: self.links.href(Some(""), &format!("{}/", n.slug)),
            })
            .collect();
        self.context(
            meta,
            Home {
                protocols,
                numbers,
                bundle,
            },
        )
    }

    /// The protocol's codes by class; a protocol without classes has one list of them all.
    pub(super) fn class_views<'a>(&self, dir: &str, p: &'a Protocol) -> Vec<ClassView<'a>> {
        if p.classes.is_empty() {
            return vec![ClassView {
                label: capitalized(&p.vocabulary.codes),
                meaning: "",
                client_action: "",
                codes: p.ids().map(|id| self.code_link(dir, p, id)).collect(),
            }];
        }
        p.classes
            .iter()
            .enumerate()
            .map(|(ci, class)| ClassView {
                label: class.label.clone(),
                meaning: &class.meaning,
                client_action: class.client_action.as_deref().unwrap_or(""),
                codes: p
                    .ids()
                    .filter(|&id| p.code(id).class == Some(ci))
                    .map(|id| self.code_link(dir, p, id))
                    .collect(),
            })
            .filter(|c| !c.codes.is_empty())
            .collect()
    }

    pub(super) fn protocol(&self, pi: usize) -> tera::TeraResult<Context> {
        let p = &self.catalog.protocols[pi];
        let dir = format!("{}/", p.slug);
        let classes = self.class_views(&dir, p);
        let codes_title = title_case(&p.vocabulary.codes);
        let title = format!(
            "{} {codes_title}: All {} Explained and Compared",
            p.name,
            p.codes.len()
        );
        let by_class = if p.classes.is_empty() {
            ""
        } else {
            " by class"
        };
        let description = format!(
            "All {} {} {} explained{by_class}, with what each means, when you see it and how to fix it, and {} side-by-side comparisons.",
            p.codes.len(),
            p.name,
            p.vocabulary.codes,
            p.pair_count()
        );
        let meta = self.meta(
            Some(&dir),
            Head {
                title,
                headline: format!("{} {}", p.name, p.vocabulary.codes),
                description,
                trail: vec![(p.name.clone(), dir.clone())],
                schema: Schema::CollectionPage,
                kind: "protocol",
                protocol: Some(p.slug.clone()),
                modified: self.modified(PageRef::Protocol(pi)),
            },
        );
        #[derive(Serialize)]
        struct ProtocolPage<'a> {
            name: &'a str,
            full_name: &'a str,
            summary: &'a str,
            specs: &'a [String],
            codes: usize,
            codes_word: &'a str,
            pairs: usize,
            classes: Vec<ClassView<'a>>,
            picker: Option<Picker<'a>>,
        }
        self.context(
            meta,
            ProtocolPage {
                name: &p.name,
                full_name: &p.full_name,
                summary: &p.summary,
                specs: &p.specs,
                codes: p.codes.len(),
                codes_word: &p.vocabulary.codes,
                pairs: p.pair_count(),
                classes,
                picker: (p.paired >= 2).then(|| self.picker(&dir, p, CodeId(0), CodeId(1))),
            },
        )
    }

    /// The rows of a code's facts, the same rows for every code of the protocol: the built-in
    /// ones, then the protocol's fact fields, then where the code is defined.
    pub(super) fn facts(&self, p: &Protocol, id: CodeId) -> Vec<Fact> {
        let code = p.code(id);
        let v = &p.vocabulary;
        let fact = |label: String, value: Option<String>| Fact {
            label,
            value,
            items: Vec::new(),
        };
        let mut facts = Vec::new();
        if p.scheme.form == Form::Named {
            facts.push(fact(
                "Number".to_string(),
                code.number.map(|n| n.to_string()),
            ));
        }
        if !p.classes.is_empty() {
            facts.push(fact(
                "Class".to_string(),
                p.class_of(id).map(|c| c.label.clone()),
            ));
        }
        facts.push(fact(
            format!("What the {} does", v.receiver),
            Some(prose::client_action(p, id)),
        ));
        if !p.groups.is_empty() {
            facts.push(fact(
                capitalized(&v.group),
                p.group_of(id).map(|g| g.label.clone()),
            ));
        }
        facts.push(fact(
            "Status".to_string(),
            Some(code.status.as_str().to_string()),
        ));
        // Every code has every row, or the side-by-side table would pair one code's row with
        // another's; a row with no value is not shown.
        facts.push(fact(
            "Former names".to_string(),
            (!code.former_names.is_empty()).then(|| code.former_names.join("; ")),
        ));
        facts.push(fact("Who uses it".to_string(), code.used_by.clone()));
        for (field, declared) in p.facts.iter().enumerate() {
            // A list says what a code without items means ("No command"); another kind of fact
            // a code leaves out is not shown for it.
            let value = code.facts[field].as_ref();
            let shown = value.is_some() || declared.list().is_some();
            facts.push(Fact {
                items: self.linked_items(p, id, declared, value),
                ..fact(declared.label.clone(), shown.then(|| declared.cell(value)))
            });
        }
        for named in &p.named_by {
            let items = self.named_by_items(p, id, named);
            let text: Vec<&str> = items.iter().map(|i| i.text.as_str()).collect();
            let value = (!text.is_empty()).then(|| text.join(", "));
            facts.push(Fact {
                items,
                ..fact(named.label.clone(), value)
            });
        }
        facts.push(fact(
            "Defined in".to_string(),
            Some(if code.specs.is_empty() {
                "No specification".to_string()
            } else {
                code.specs.join("; ")
            }),
        ));
        facts
    }

    pub(super) fn code_view(
        &self,
        from: &str,
        pi: usize,
        id: CodeId,
        nested: bool,
    ) -> CodeView<'_> {
        let p = &self.catalog.protocols[pi];
        let code = p.code(id);
        CodeView {
            code: &code.code,
            slug: &code.slug,
            name: &code.name,
            label: prose::label(code),
            summary: &code.summary,
            href: self.code_href(from, p, id),
            facts: self.code_facts[pi][id.0]
                .iter()
                .filter(|f| f.value.is_some())
                .cloned()
                .collect(),
            sections: code
                .sections
                .iter()
                .zip(&self.sections[pi][id.0])
                .map(|(s, [page, lower])| SectionView {
                    title: &s.title,
                    id: format!("{}-{}", code.slug, slugify(&s.title)),
                    html: if nested { lower } else { page },
                    required: crate::catalog::REQUIRED_SECTIONS.contains(&s.title.as_str()),
                })
                .collect(),
        }
    }

    pub(super) fn pair_link(&self, from: &str, p: &Protocol, pair: Pair) -> PairLink {
        let (low, high) = (p.code(pair.low()), p.code(pair.high()));
        PairLink {
            text: [prose::label(low), " vs ".to_string(), prose::label(high)].concat(),
            href: self.pair_href(from, p, pair),
        }
    }

    /// The comparisons a code page folds away, by the class of the other code in the protocol's
    /// order of classes, most relevant first within each; one group where codes have no class.
    fn comparison_groups(
        &self,
        from: &str,
        p: &Protocol,
        id: CodeId,
        rest: Vec<Pair>,
    ) -> Vec<PairGroup> {
        let mut by_class: Vec<(Option<usize>, Vec<PairLink>)> = Vec::new();
        for pair in rest {
            let other = if pair.low() == id {
                pair.high()
            } else {
                pair.low()
            };
            let class = p.code(other).class;
            let link = self.vs_link(from, p, id, pair);
            match by_class.iter_mut().find(|(c, _)| *c == class) {
                Some((_, links)) => links.push(link),
                None => by_class.push((class, vec![link])),
            }
        }
        by_class.sort_by_key(|(c, _)| c.map_or(usize::MAX, |c| c));
        by_class
            .into_iter()
            .map(|(class, links)| PairGroup {
                label: class.map_or_else(
                    || format!("Other {}", p.vocabulary.codes),
                    |c| p.classes[c].label.clone(),
                ),
                links,
            })
            .collect()
    }

    fn picker<'a>(&self, from: &str, p: &'a Protocol, first: CodeId, second: CodeId) -> Picker<'a> {
        let option = |id| {
            let c = p.code(id);
            CodeOption {
                slug: &c.slug,
                label: prose::label(c),
            }
        };
        Picker {
            protocol: &p.slug,
            name: &p.name,
            codes_js: self.links.asset(Some(from), &super::picker_file(&p.slug)),
            first: option(first),
            second: option(second),
        }
    }

    /// A link from code `id`'s page to one of its comparisons, named from where the reader
    /// stands: "5.7.1 vs 5.7.26 Multiple authentication checks failed".
    fn vs_link(&self, from: &str, p: &Protocol, id: CodeId, pair: Pair) -> PairLink {
        let other = if pair.low() == id {
            pair.high()
        } else {
            pair.low()
        };
        PairLink {
            text: [&p.code(id).code, " vs ", &prose::label(p.code(other))].concat(),
            href: self.pair_href(from, p, pair),
        }
    }

    pub(super) fn code(&self, pi: usize, id: CodeId) -> tera::TeraResult<Context> {
        let p = &self.catalog.protocols[pi];
        let code = p.code(id);
        let dir = format!("{}/{}/", p.slug, code.slug);
        let (first, rest) = self.relevance[pi].shown_first(p, id);
        let comparisons: Vec<PairLink> = first
            .into_iter()
            .map(|pair| self.vs_link(&dir, p, id, pair))
            .collect();
        let more = self.comparison_groups(&dir, p, id, rest);
        let heading = format!("{} {}", p.name, prose::label(code));
        let meta = self.meta(
            Some(&dir),
            Head {
                title: format!("{heading}: Meaning, Causes and Fixes"),
                headline: heading.clone(),
                description: prose::code_description(p, id),
                trail: vec![
                    (p.name.clone(), format!("{}/", p.slug)),
                    (code.code.clone(), dir.clone()),
                ],
                schema: Schema::TechArticle,
                kind: "code",
                protocol: Some(p.slug.clone()),
                modified: self.modified(PageRef::Code(pi, id)),
            },
        );
        #[derive(Serialize)]
        struct CodePage<'a> {
            heading: String,
            code: CodeView<'a>,
            comparisons: Vec<PairLink>,
            more: Vec<PairGroup>,
            protocol: &'a str,
            codes_word: &'a str,
            picker: Option<Picker<'a>>,
            elsewhere: Option<super::numbers::Elsewhere>,
            more_count: usize,
        }
        self.context(
            meta,
            CodePage {
                elsewhere: self.elsewhere(pi, id),
                more_count: more.iter().map(|g| g.links.len()).sum(),
                heading,
                code: self.code_view(&dir, pi, id, false),
                comparisons,
                more,
                protocol: &p.name,
                codes_word: &p.vocabulary.codes,
                picker: self.relevance[pi].comparisons_of(id).next().map(|closest| {
                    let other = if closest.low() == id {
                        closest.high()
                    } else {
                        closest.low()
                    };
                    self.picker(&dir, p, id, other)
                }),
            },
        )
    }

    pub(super) fn pair(&self, pi: usize, pair: Pair) -> tera::TeraResult<Context> {
        let p = &self.catalog.protocols[pi];
        let (a, b) = (pair.low(), pair.high());
        let dir = format!("{}/{}/", p.slug, pair.slug(p));
        let heading = prose::pair_heading(p, a, b);
        let (which, rule) = prose::which(p, a, b);
        let related: Vec<PairLink> = self.relevance[pi]
            .related(pair)
            .into_iter()
            .map(|r| self.pair_link(&dir, p, r))
            .collect();
        let crumb = format!("{} vs {}", p.code(a).code, p.code(b).code);
        let meta = self.meta(
            Some(&dir),
            Head {
                title: prose::pair_title(p, a, b),
                headline: heading.clone(),
                description: prose::pair_description(p, a, b),
                trail: vec![
                    (p.name.clone(), format!("{}/", p.slug)),
                    (crumb, dir.clone()),
                ],
                schema: Schema::TechArticle,
                kind: "pair",
                protocol: Some(p.slug.clone()),
                modified: self.modified(PageRef::Pair(pi, pair)),
            },
        );
        #[derive(Serialize)]
        struct PairPage<'a> {
            heading: String,
            opening: String,
            note: Option<&'a str>,
            differences: Vec<String>,
            table: Vec<Row>,
            which: Vec<WhichView>,
            rule: String,
            related: Vec<PairLink>,
        }
        self.context(
            meta,
            PairPage {
                heading,
                opening: prose::opening(p, a, b),
                table: rows(&self.code_facts[pi][a.0], &self.code_facts[pi][b.0]),
                note: self.notes[pi].get(&(a, b)).map(String::as_str),
                differences: prose::differences(p, a, b),
                which: which
                    .into_iter()
                    .map(|w| WhichView {
                        label: w.label,
                        text: w.text,
                    })
                    .collect(),
                rule,
                related,
            },
        )
        .map(|mut context| {
            let views = &self.pair_views[pi];
            context.insert_value(
                "codes",
                tera::Value::from(&[views[a.0].clone(), views[b.0].clone()][..]),
            );
            context
        })
    }

    pub(super) fn not_found(&self) -> tera::TeraResult<Context> {
        #[derive(Serialize)]
        struct ProtocolLink<'a> {
            name: &'a str,
            codes_word: &'a str,
            href: String,
        }
        /// A comparison page's address, to show how they are written.
        #[derive(Serialize)]
        struct Example {
            path: String,
            low: String,
            high: String,
        }
        #[derive(Serialize)]
        struct NotFound<'a> {
            protocols: Vec<ProtocolLink<'a>>,
            example: Option<Example>,
        }
        let protocols = self
            .catalog
            .protocols
            .iter()
            .map(|p| ProtocolLink {
                name: &p.name,
                codes_word: &p.vocabulary.codes,
                href: self.links.href(None, &format!("{}/", p.slug)),
            })
            .collect();
        let example = self
            .catalog
            .protocols
            .iter()
            .enumerate()
            .find(|(_, p)| p.paired >= 2)
            .map(|(pi, p)| {
                let pair = self.relevance[pi]
                    .comparisons_of(CodeId(0))
                    .next()
                    .unwrap_or_else(|| crate::compare::pair_at(p.paired, 0));
                Example {
                    path: format!("/{}/{}/", p.slug, pair.slug(p)),
                    low: p.code(pair.low()).code.clone(),
                    high: p.code(pair.high()).code.clone(),
                }
            });
        let meta = self.meta(
            None,
            Head {
                title: "Page Not Found".to_string(),
                headline: "Page not found".to_string(),
                description: "There is no page at this address. Find the code you need through the list of protocols on this page.".to_string(),
                trail: vec![],
                schema: Schema::WebPage,
                kind: "404",
                protocol: None,
                modified: self.modified(PageRef::NotFound),
            },
        );
        self.context(meta, NotFound { protocols, example })
    }
}

/// A code as the home page's short lists name it: by its code where that says enough (a name,
/// or a number whose first digit gives its class), and with its name where the number alone
/// says nothing to a newcomer (Extended DNS Error 15, WebSocket 1006).
fn home_name(p: &Protocol, id: CodeId) -> String {
    let code = p.code(id);
    if code.code.parse::<u64>().is_err() || p.classes_by_digit() {
        code.code.clone()
    } else {
        prose::label(code)
    }
}

/// A protocol as a page that spans protocols names it: by name, or where another protocol on the
/// page shares that name (DNS's RCODEs and Extended DNS Errors), by what its codes are called
/// (`word`, singular or plural), with the name unless that already holds it.
pub(super) fn set_name(p: &Protocol, shared: bool, word: &str) -> String {
    if !shared {
        p.name.clone()
    } else if word.to_lowercase().contains(&p.name.to_lowercase()) {
        capitalized(word)
    } else {
        format!("{} {word}", p.name)
    }
}

pub(super) use prose::capitalized;

/// "reply codes" → "Reply Codes", for titles; words already in capitals stay as they are.
pub(super) fn title_case(text: &str) -> String {
    text.split(' ')
        .map(capitalized)
        .collect::<Vec<_>>()
        .join(" ")
}
