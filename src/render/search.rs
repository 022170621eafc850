//! What search.js reads: the search index (every code of every protocol, with its rank in the
//! protocol's order, from which the script composes pairs) and each compare picker's short list.

use serde::Serialize;

use super::{Renderer, prose};
use std::collections::BTreeMap;

use crate::catalog::{Catalog, CodeId, Form};

/// The search index's parts, in short field names to keep the file small.
#[derive(Serialize)]
struct ProtocolEntry<'a> {
    slug: &'a str,
    name: &'a str,
    /// Class labels by digit, for telling a reader that two codes disagree in class.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    k: BTreeMap<&'a str, &'a str>,
    /// The protocol whose codes this one's codes travel with, and what to say when the
    /// two typed together disagree in class.
    #[serde(skip_serializing_if = "Option::is_none")]
    w: Option<With<'a>>,
}
#[derive(Serialize)]
struct With<'a> {
    p: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    d: Option<&'a str>,
}
#[derive(Serialize)]
struct CodeEntry<'a> {
    /// Protocol slug, code as written, URL segment, rank, label, summary.
    p: &'a str,
    c: &'a str,
    u: &'a str,
    r: usize,
    n: String,
    s: &'a str,
    /// Other words that find it: former names, a named code's number.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    a: Vec<String>,
    /// Set for a range page, which has no comparisons.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    x: bool,
    /// The digit of its class, where its protocol's classes go by digit.
    #[serde(skip_serializing_if = "Option::is_none")]
    k: Option<&'a str>,
}
/// A number several protocols use, with the protocols its page names in its heading.
#[derive(Serialize)]
struct NumberEntry<'a> {
    n: &'a str,
    t: String,
}
#[derive(Serialize)]
struct Index<'a> {
    protocols: Vec<ProtocolEntry<'a>>,
    codes: Vec<CodeEntry<'a>>,
    numbers: Vec<NumberEntry<'a>>,
}

impl Renderer<'_> {
    /// The search index: every code of every protocol, as a classic script that sets
    /// `window.statusrefIndex`. Pairs need no entries: the script composes them from two codes,
    /// in the order of each code's rank, which is its place in the protocol's order.
    pub fn search_index(&self) -> String {
        let protocols = &self.catalog.protocols;
        let index = Index {
            protocols: protocols
                .iter()
                .map(|p| ProtocolEntry {
                    slug: &p.slug,
                    name: &p.name,
                    k: p.classes
                        .iter()
                        .filter_map(|c| Some((c.digit.as_deref()?, c.label.as_str())))
                        .collect(),
                    w: p.facts
                        .iter()
                        .find_map(|f| f.list()?.codes_of.as_ref())
                        .map(|o| With {
                            p: &o.protocol,
                            d: o.disagree.as_deref(),
                        }),
                })
                .collect(),
            codes: protocols
                .iter()
                .flat_map(|p| {
                    p.codes.iter().enumerate().map(move |(rank, c)| {
                        let mut also = c.former_names.clone();
                        if p.scheme.form == Form::Named {
                            also.extend(c.number.map(|n| n.to_string()));
                        }
                        CodeEntry {
                            p: &p.slug,
                            c: &c.code,
                            u: &c.slug,
                            r: rank,
                            n: prose::label(c),
                            s: &c.summary,
                            a: also,
                            x: c.is_range,
                            k: p.class_of(CodeId(rank))
                                .and_then(|class| class.digit.as_deref()),
                        }
                    })
                })
                .collect(),
            numbers: self
                .catalog
                .numbers
                .iter()
                .map(|n| NumberEntry {
                    n: &n.slug,
                    t: self.number_heading(n),
                })
                .collect(),
        };
        let json = serde_json::to_string(&index).unwrap_or_else(|_| "{}".to_string());
        format!("window.statusrefIndex = {json};\n")
    }
}

/// The file of a protocol's short list of codes, for its compare picker.
pub fn picker_file(slug: &str) -> String {
    format!("{PICKER_DIR}/{slug}.js")
}

/// The folder of the pickers' lists.
pub const PICKER_DIR: &str = "picker";

/// Each protocol's codes that have comparisons, in its order, with what the compare picker
/// shows and needs to name a pair: far smaller than the search index, so a page with a picker
/// need not load that.
pub fn picker_files(catalog: &Catalog) -> Vec<(String, Vec<u8>)> {
    #[derive(Serialize)]
    struct Entry<'a> {
        c: &'a str,
        u: &'a str,
        r: usize,
        n: String,
    }
    catalog
        .protocols
        .iter()
        .filter(|p| p.paired >= 2)
        .map(|p| {
            let entries: Vec<Entry> = p
                .paired_ids()
                .map(|id| {
                    let c = p.code(id);
                    Entry {
                        c: &c.code,
                        u: &c.slug,
                        r: id.0,
                        n: prose::label(c),
                    }
                })
                .collect();
            let json = serde_json::to_string(&entries).unwrap_or_else(|_| "[]".to_string());
            let slug = serde_json::to_string(&p.slug).unwrap_or_default();
            let js = format!(
                "(window.statusrefCodes = window.statusrefCodes || {{}})[{slug}] = {json};\n"
            );
            (picker_file(&p.slug), js.into_bytes())
        })
        .collect()
}
