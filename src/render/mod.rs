//! Render: turns catalog entries into HTML through Tera templates.
//!
//! Owns the templates (the binary's defaults, overridden file by file by a site's templates/),
//! the URL of every page, and the context each template sees. Contexts borrow from the catalog;
//! the markdown in them was rendered once, at load. Not for: composing sentences (`prose`) or
//! touching the output folder (`write`).

use std::collections::{BTreeMap, HashMap};
use std::fs;
use std::path::Path;

use serde::Serialize;
use tera::{Context, Tera};

use crate::catalog::{Catalog, CodeId, Form, Protocol};
use crate::compare::{Pair, Relevance};
use crate::dates::Date;
use crate::error::{Error, Result};
use crate::load::SiteConfig;

pub mod markdown;
use crate::prose;

/// The templates the binary ships; a site's templates/ replaces any of them by name.
pub const DEFAULT_TEMPLATES: [(&str, &str); 8] = [
    ("base.html", include_str!("../../templates/base.html")),
    ("index.html", include_str!("../../templates/index.html")),
    (
        "protocol.html",
        include_str!("../../templates/protocol.html"),
    ),
    ("code.html", include_str!("../../templates/code.html")),
    ("compare.html", include_str!("../../templates/compare.html")),
    (
        PAIR_ARTICLE,
        include_str!("../../templates/compare_code.html"),
    ),
    ("404.html", include_str!("../../templates/404.html")),
    ("picker.html", include_str!("../../templates/picker.html")),
];

/// How a code reads on the comparison pages it is on: rendered once per code.
const PAIR_ARTICLE: &str = "compare_code.html";

/// The generated search index, a classic script so that search works from file://.
pub const SEARCH_INDEX_FILE: &str = "search-index.js";

/// The offline bundle, as published next to the site.
#[derive(Debug, Clone)]
pub struct BundleLink {
    pub file: String,
    pub bytes: u64,
}

/// A page of the site, named by what it shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageRef {
    Home,
    Protocol(usize),
    Code(usize, CodeId),
    Pair(usize, Pair),
    NotFound,
}

/// Every page of a site in a fixed order, numbered without being held: the few pages that are
/// not comparisons are listed, and comparison `k` is computed when asked for. Memory does not
/// grow with the number of pairs.
pub struct PageList {
    fixed: Vec<PageRef>,
    /// Per protocol: its index, where its comparisons start in the numbering, and its code count.
    pairs: Vec<(usize, usize, usize)>,
    len: usize,
}

impl PageList {
    pub fn new(catalog: &Catalog) -> PageList {
        let mut fixed = vec![PageRef::Home, PageRef::NotFound];
        for (pi, p) in catalog.protocols.iter().enumerate() {
            fixed.push(PageRef::Protocol(pi));
            fixed.extend(p.ids().map(|id| PageRef::Code(pi, id)));
        }
        let mut len = fixed.len();
        let mut pairs = Vec::new();
        for (pi, p) in catalog.protocols.iter().enumerate() {
            pairs.push((pi, len, p.paired));
            len += p.pair_count();
        }
        PageList { fixed, pairs, len }
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Page number `i`, for `i < len()`.
    pub fn get(&self, i: usize) -> PageRef {
        if i < self.fixed.len() {
            return self.fixed[i];
        }
        let at = self.pairs.partition_point(|&(_, start, _)| start <= i) - 1;
        let (pi, start, n) = self.pairs[at];
        PageRef::Pair(pi, crate::compare::pair_at(n, i - start))
    }

    pub fn iter(&self) -> impl Iterator<Item = PageRef> + '_ {
        (0..self.len).map(|i| self.get(i))
    }
}

impl PageRef {
    /// The page written to `rel` (an output path such as "ftp/211-vs-503/index.html"), if the
    /// site has one there. Only the canonical order of a pair is a page.
    pub fn from_output_path(catalog: &Catalog, rel: &str) -> Option<PageRef> {
        match rel {
            "index.html" => return Some(PageRef::Home),
            "404.html" => return Some(PageRef::NotFound),
            _ => {}
        }
        let dir = rel.strip_suffix("index.html")?.strip_suffix('/')?;
        let (slug, rest) = dir.split_once('/').unwrap_or((dir, ""));
        let pi = catalog.protocols.iter().position(|p| p.slug == slug)?;
        let p = &catalog.protocols[pi];
        if rest.is_empty() {
            return Some(PageRef::Protocol(pi));
        }
        match rest.split_once("-vs-") {
            None => p.find(rest).map(|id| PageRef::Code(pi, id)),
            Some((a, b)) => Pair::new(p.find(a)?, p.find(b)?)
                .filter(|pair| p.code(pair.low()).slug == a && pair.high().0 < p.paired)
                .map(|pair| PageRef::Pair(pi, pair)),
        }
    }

    /// The page's folder below the site root ("ftp/503/"), empty for the home page; `None` for
    /// pages that are a single file.
    pub fn dir(self, catalog: &Catalog) -> Option<String> {
        match self {
            PageRef::Home => Some(String::new()),
            PageRef::Protocol(pi) => Some(format!("{}/", catalog.protocols[pi].slug)),
            PageRef::Code(pi, id) => {
                let p = &catalog.protocols[pi];
                Some(format!("{}/{}/", p.slug, p.code(id).slug))
            }
            PageRef::Pair(pi, pair) => {
                let p = &catalog.protocols[pi];
                Some(format!("{}/{}/", p.slug, pair.slug(p)))
            }
            PageRef::NotFound => None,
        }
    }

    /// The file this page is written to, relative to the output folder.
    pub fn output_path(self, catalog: &Catalog) -> String {
        match self.dir(catalog) {
            Some(dir) => format!("{dir}index.html"),
            None => "404.html".to_string(),
        }
    }

    /// The template the page is rendered from.
    pub fn template(self) -> &'static str {
        match self {
            PageRef::Home => "index.html",
            PageRef::Protocol(_) => "protocol.html",
            PageRef::Code(..) => "code.html",
            PageRef::Pair(..) => "compare.html",
            PageRef::NotFound => "404.html",
        }
    }

    /// Whether the page belongs in the sitemap and has a canonical URL.
    pub fn is_canonical(self) -> bool {
        self != PageRef::NotFound
    }
}

/// How rendered pages link to each other.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LinkStyle {
    /// `../503/`: for a site served over HTTP.
    #[default]
    Directory,
    /// `../503/index.html`: for a site opened from disk.
    File,
}

impl LinkStyle {
    /// The href from a page one folder deep inside a protocol (a code or comparison page) to a
    /// sibling page `slug` of the same protocol.
    pub fn sibling(self, slug: &str) -> String {
        match self {
            LinkStyle::Directory => format!("../{slug}/"),
            LinkStyle::File => format!("../{slug}/index.html"),
        }
    }
}

/// Builds hrefs between pages for one link style.
#[derive(Debug, Clone)]
pub struct Links {
    style: LinkStyle,
    /// Path of the site below its host, with a trailing slash: "/" or "/docs/".
    base_path: String,
    base_url: String,
}

impl Links {
    pub fn style(&self) -> LinkStyle {
        self.style
    }

    pub fn new(style: LinkStyle, base_url: &str) -> Links {
        let base_url = base_url.trim_end_matches('/').to_string();
        let after_scheme = base_url.split_once("://").map_or("", |(_, rest)| rest);
        let path = after_scheme.find('/').map_or("", |i| &after_scheme[i..]);
        Links {
            style,
            base_path: format!("{path}/"),
            base_url,
        }
    }

    /// The href from a page in folder `from` (None: the 404 page, which a server shows at any
    /// depth) to the folder page `to`.
    pub fn href(&self, from: Option<&str>, to: &str) -> String {
        let index = match self.style {
            LinkStyle::Directory => "",
            LinkStyle::File => "index.html",
        };
        match from {
            Some(from) => {
                let target = up_from(from, &[to, index]);
                if target.is_empty() {
                    "./".to_string()
                } else {
                    target
                }
            }
            None if self.style == LinkStyle::File => [to, index].concat(),
            None => [&self.base_path, to].concat(),
        }
    }

    /// A file at the site root, such as the stylesheet.
    pub fn asset(&self, from: Option<&str>, file: &str) -> String {
        match from {
            Some(from) => up_from(from, &[file]),
            None if self.style == LinkStyle::File => file.to_string(),
            None => [&self.base_path, file].concat(),
        }
    }

    /// The canonical absolute URL of a folder page.
    pub fn canonical(&self, dir: &str) -> String {
        [&self.base_url, "/", dir].concat()
    }
}

/// `parts` joined, after one "../" per folder in `from`: the path from a page in `from` to the
/// site root and on. Built in one allocation, as every page makes dozens of these.
fn up_from(from: &str, parts: &[&str]) -> String {
    let depth = from.bytes().filter(|&b| b == b'/').count();
    let mut out = String::with_capacity(3 * depth + parts.iter().map(|p| p.len()).sum::<usize>());
    for _ in 0..depth {
        out.push_str("../");
    }
    for part in parts {
        out.push_str(part);
    }
    out
}

#[derive(Serialize)]
struct Crumb {
    name: String,
    href: String,
}

#[derive(Serialize)]
struct PageMeta {
    title: String,
    description: String,
    canonical: Option<String>,
    css: String,
    home: String,
    favicon_svg: String,
    favicon_ico: String,
    /// Absolute, as Open Graph requires.
    image: String,
    og_type: &'static str,
    /// What kind of page this is, for scripts: "home", "protocol", "code", "pair" or "404".
    kind: &'static str,
    /// The prefix that turns a folder path from the site root into an href from this page.
    root: String,
    /// What a folder href ends with: "" over http, "index.html" on disk.
    suffix: &'static str,
    search_js: String,
    search_index: String,
    breadcrumbs: Vec<Crumb>,
    /// Schema.org data for the page, ready to place in a script element.
    json_ld: Option<String>,
}

/// What a page says about itself in its head.
struct Head {
    title: String,
    /// The visible `<h1>`.
    headline: String,
    description: String,
    /// Breadcrumbs after Home: (name, folder).
    trail: Vec<(String, String)>,
    /// The schema.org type of the page.
    schema: &'static str,
    kind: &'static str,
    modified: Date,
}

#[derive(Serialize)]
struct CodeLink<'a> {
    code: &'a str,
    name: &'a str,
    summary: &'a str,
    href: String,
}

#[derive(Serialize)]
struct ClassView<'a> {
    label: String,
    meaning: &'a str,
    client_action: &'a str,
    codes: Vec<CodeLink<'a>>,
}

#[derive(Serialize)]
struct SectionView<'a> {
    title: &'a str,
    id: String,
    html: &'a str,
    /// One of the sections every code has, which comparison pages show.
    required: bool,
}

/// A row of a code's facts; `None` where the code has no value for it.
#[derive(Serialize, Clone)]
struct Fact {
    label: String,
    value: Option<String>,
}

#[derive(Serialize)]
struct CodeView<'a> {
    code: &'a str,
    slug: &'a str,
    name: &'a str,
    label: String,
    summary: &'a str,
    href: String,
    facts: Vec<Fact>,
    sections: Vec<SectionView<'a>>,
}

/// The compare picker: every code of a protocol, with two chosen to start with.
#[derive(Serialize)]
struct Picker<'a> {
    protocol: &'a str,
    name: &'a str,
    codes: Vec<CodeOption<'a>>,
    first: &'a str,
    second: &'a str,
}

#[derive(Serialize)]
struct CodeOption<'a> {
    slug: &'a str,
    label: String,
}

fn picker<'a>(p: &'a Protocol, first: CodeId, second: CodeId) -> Picker<'a> {
    Picker {
        protocol: &p.slug,
        name: &p.name,
        codes: p
            .paired_ids()
            .map(|id| {
                let c = p.code(id);
                CodeOption {
                    slug: &c.slug,
                    label: prose::label(c),
                }
            })
            .collect(),
        first: &p.code(first).slug,
        second: &p.code(second).slug,
    }
}

#[derive(Serialize)]
struct PairLink {
    text: String,
    href: String,
}

/// A row of the side-by-side table; a code without that fact shows a dash.
#[derive(Serialize)]
struct Row {
    label: String,
    a: String,
    b: String,
}

/// Puts two codes' facts side by side: every row either of them has. Both lists have the same
/// rows, as one protocol's facts do.
fn rows(a: &[Fact], b: &[Fact]) -> Vec<Row> {
    let dash = || "—".to_string();
    a.iter()
        .zip(b)
        .filter(|(x, y)| x.value.is_some() || y.value.is_some())
        .map(|(x, y)| Row {
            label: x.label.clone(),
            a: x.value.clone().unwrap_or_else(dash),
            b: y.value.clone().unwrap_or_else(dash),
        })
        .collect()
}

#[derive(Serialize)]
struct WhichView {
    label: String,
    text: String,
}

pub struct Renderer<'c> {
    tera: Tera,
    catalog: &'c Catalog,
    links: Links,
    relevance: Vec<Relevance>,
    /// Per protocol, the newest date of its settings, codes and notes.
    protocol_modified: Vec<Date>,
    bundle: Option<BundleLink>,
    /// Per protocol and code, the code as a comparison page shows it, made once: every
    /// comparison page is two folders deep, so its links read the same on all of them.
    pair_views: Vec<Vec<tera::Value>>,
    /// The site's settings as every template sees them, made once.
    site_value: tera::Value,
    /// Per protocol, code and section: its HTML on the code's page and, a level lower, on
    /// comparison pages, rendered once in this renderer's link style.
    sections: Vec<Vec<Vec<[String; 2]>>>,
    /// Per protocol, the notes' HTML by pair.
    notes: Vec<HashMap<(CodeId, CodeId), String>>,
    /// Per protocol and code, the facts its side-by-side table rows are made from.
    code_facts: Vec<Vec<Vec<Fact>>>,
}

// JSON-LD, as borrowed structs that serialize straight to text: a serde_json::Value tree per
// page cost a quarter of a build's instructions.
#[derive(Serialize)]
struct Organization<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    name: &'a str,
    url: &'a str,
}
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Page<'a> {
    #[serde(rename = "@type")]
    kind: &'a str,
    #[serde(rename = "@id")]
    id: &'a str,
    url: &'a str,
    name: &'a str,
    headline: &'a str,
    description: &'a str,
    date_modified: &'a str,
    in_language: &'a str,
    image: &'a str,
    publisher: &'a Organization<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    main_entity_of_page: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    author: Option<&'a Organization<'a>>,
}
#[derive(Serialize)]
struct ListItem<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    position: usize,
    name: &'a str,
    item: String,
}
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Breadcrumbs<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    item_list_element: Vec<ListItem<'a>>,
}
#[derive(Serialize)]
#[serde(untagged)]
enum Node<'a> {
    Page(Page<'a>),
    Breadcrumbs(Breadcrumbs<'a>),
}
#[derive(Serialize)]
struct Document<'a> {
    #[serde(rename = "@context")]
    context: &'static str,
    #[serde(rename = "@graph")]
    graph: Vec<Node<'a>>,
}

/// Reads a site's templates/ over the defaults and parses them all.
pub fn load_templates(dir: &Path) -> Result<Tera> {
    let mut sources: BTreeMap<String, String> = DEFAULT_TEMPLATES
        .iter()
        .map(|(name, text)| (name.to_string(), text.to_string()))
        .collect();
    if dir.is_dir() {
        for entry in walkdir::WalkDir::new(dir)
            .follow_links(false)
            .sort_by_file_name()
        {
            let entry = entry.map_err(|e| Error::walk("cannot read template", dir, e))?;
            if !entry.file_type().is_file() {
                continue;
            }
            let rel = entry.path().strip_prefix(dir).unwrap_or(entry.path());
            let name = rel.to_string_lossy().replace('\\', "/");
            let text = fs::read_to_string(entry.path())
                .map_err(|e| Error::io("cannot read template", entry.path(), e))?;
            sources.insert(name, text);
        }
    }
    let mut tera = Tera::new();
    tera.autoescape_on(vec![".html", ".xml"]);
    tera.add_raw_templates(sources.iter().map(|(n, t)| (n.as_str(), t.as_str())))
        .map_err(|e| Error::template("the templates could not be parsed", &e))?;
    Ok(tera)
}

impl<'c> Renderer<'c> {
    pub fn new(tera: Tera, catalog: &'c Catalog, style: LinkStyle) -> Result<Renderer<'c>> {
        let links = Links::new(style, &catalog.site.base_url);
        let relevance = catalog.protocols.iter().map(Relevance::new).collect();
        let protocol_modified = catalog
            .protocols
            .iter()
            .map(|p| {
                let codes = p.codes.iter().map(|c| &c.modified);
                let notes = p.notes.values().map(|n| &n.modified);
                std::iter::once(&p.modified)
                    .chain(codes)
                    .chain(notes)
                    .max()
                    .cloned()
                    .unwrap_or_default()
            })
            .collect();
        let mut renderer = Renderer {
            tera,
            catalog,
            links,
            relevance,
            protocol_modified,
            bundle: None,
            pair_views: Vec::new(),
            site_value: {
                #[derive(Serialize)]
                struct Site<'a> {
                    title: &'a str,
                    description: &'a str,
                    language: &'a str,
                    base_url: &'a str,
                    search_placeholder: String,
                }
                let site = &catalog.site;
                tera::Value::from_serializable(&Site {
                    title: &site.title,
                    description: &site.description,
                    language: &site.language,
                    base_url: &site.base_url,
                    search_placeholder: if site.search_examples.is_empty() {
                        "Search codes and comparisons".to_string()
                    } else {
                        format!("Search: {}", site.search_examples.join(", "))
                    },
                })
            },
            code_facts: Vec::new(),
            sections: catalog
                .protocols
                .iter()
                .map(|p| {
                    p.codes
                        .iter()
                        .map(|c| {
                            c.sections
                                .iter()
                                .map(|s| {
                                    [0, 1].map(|shift| markdown::to_html(&s.markdown, shift, style))
                                })
                                .collect()
                        })
                        .collect()
                })
                .collect(),
            notes: catalog
                .protocols
                .iter()
                .map(|p| {
                    p.notes
                        .iter()
                        .map(|(pair, note)| (*pair, markdown::to_html(&note.markdown, 0, style)))
                        .collect()
                })
                .collect(),
        };
        renderer.code_facts = catalog
            .protocols
            .iter()
            .map(|p| p.ids().map(|id| renderer.facts(p, id)).collect())
            .collect();
        renderer.pair_views = catalog
            .protocols
            .iter()
            .map(|p| {
                let depth_two = format!("{}/pair/", p.slug);
                p.ids()
                    .map(|id| renderer.pair_view(&depth_two, p, id))
                    .collect::<Result<_>>()
            })
            .collect::<Result<_>>()?;
        Ok(renderer)
    }

    /// A code as comparison pages show it, with its article rendered once through
    /// `compare_code.html` rather than on each of its N−1 comparisons.
    fn pair_view(&self, from: &str, p: &Protocol, id: CodeId) -> Result<tera::Value> {
        #[derive(Serialize)]
        struct PairView<'a> {
            #[serde(flatten)]
            code: CodeView<'a>,
            article: String,
        }
        let code = self.code_view(from, p, id, true);
        let mut context = Context::new();
        context.insert("c", &code);
        let article = self.tera.render(PAIR_ARTICLE, &context).map_err(|e| {
            let code = &p.code(id).code;
            Error::template(format!("cannot render {code} with {PAIR_ARTICLE}"), &e)
        })?;
        Ok(tera::Value::from_serializable(&PairView { code, article }))
    }

    pub fn links(&self) -> &Links {
        &self.links
    }

    /// Links the home page to the offline bundle published beside the site.
    pub fn link_bundle(&mut self, bundle: BundleLink) {
        self.bundle = Some(bundle);
    }

    /// The search index: every code of every protocol, as a classic script that sets
    /// `window.statusrefIndex`. Pairs need no entries: the script composes them from two codes,
    /// in the order of each code's rank, which is its place in the protocol's order.
    pub fn search_index(&self) -> String {
        #[derive(Serialize)]
        struct ProtocolEntry<'a> {
            slug: &'a str,
            name: &'a str,
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
        }
        #[derive(Serialize)]
        struct Index<'a> {
            protocols: Vec<ProtocolEntry<'a>>,
            codes: Vec<CodeEntry<'a>>,
        }
        let protocols = &self.catalog.protocols;
        let index = Index {
            protocols: protocols
                .iter()
                .map(|p| ProtocolEntry {
                    slug: &p.slug,
                    name: &p.name,
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
                        }
                    })
                })
                .collect(),
        };
        let json = serde_json::to_string(&index).unwrap_or_else(|_| "{}".to_string());
        format!("window.statusrefIndex = {json};\n")
    }

    /// Renders one page into `out`.
    pub fn render(&self, page: PageRef, out: &mut Vec<u8>) -> Result<()> {
        let template = page.template();
        let context = match page {
            PageRef::Home => self.home(),
            PageRef::Protocol(pi) => self.protocol(pi),
            PageRef::Code(pi, id) => self.code(pi, id),
            PageRef::Pair(pi, pair) => self.pair(pi, pair),
            PageRef::NotFound => self.not_found(),
        };
        let context = context.map_err(|e| {
            Error::template(
                format!(
                    "cannot build the context for {}",
                    page.output_path(self.catalog)
                ),
                &e,
            )
        })?;
        self.tera.render_to(template, &context, out).map_err(|e| {
            Error::template(
                format!(
                    "cannot render {} with {template}",
                    page.output_path(self.catalog)
                ),
                &e,
            )
        })
    }

    fn site(&self) -> &SiteConfig {
        &self.catalog.site
    }

    fn context(&self, meta: PageMeta, extra: impl Serialize) -> tera::TeraResult<Context> {
        let mut context = Context::from_serialize(&extra)?;
        context.insert_value("site", self.site_value.clone());
        context.insert("page", &meta);
        Ok(context)
    }

    fn meta(&self, from: Option<&str>, head: Head) -> PageMeta {
        let mut breadcrumbs = vec![Crumb {
            name: "Home".to_string(),
            href: self.links.href(from, ""),
        }];
        breadcrumbs.extend(head.trail.iter().map(|(name, to)| Crumb {
            href: self.links.href(from, to),
            name: name.clone(),
        }));
        let image = format!("{}/og.png", self.links.canonical("").trim_end_matches('/'));
        let json_ld = from.map(|dir| self.json_ld(dir, &head, &image));
        PageMeta {
            canonical: from.map(|dir| self.links.canonical(dir)),
            css: self.links.asset(from, "style.css"),
            favicon_svg: self.links.asset(from, "favicon.svg"),
            favicon_ico: self.links.asset(from, "favicon.ico"),
            home: self.links.href(from, ""),
            og_type: if head.schema == "TechArticle" {
                "article"
            } else {
                "website"
            },
            kind: head.kind,
            root: self.links.asset(from, ""),
            suffix: match self.links.style() {
                LinkStyle::Directory => "",
                LinkStyle::File => "index.html",
            },
            search_js: self.links.asset(from, "search.js"),
            search_index: self.links.asset(from, SEARCH_INDEX_FILE),
            image,
            breadcrumbs,
            json_ld,
            title: head.title,
            description: head.description,
        }
    }

    /// The page as schema.org sees it, plus the breadcrumb trail shown on the page.
    fn json_ld(&self, dir: &str, head: &Head, image: &str) -> String {
        let site = self.site();
        let url = self.links.canonical(dir);
        let home = self.links.canonical("");
        let publisher = Organization {
            kind: "Organization",
            name: &site.title,
            url: &home,
        };
        let article = head.schema == "TechArticle";
        let modified = head.modified.to_string();
        let mut graph = vec![Node::Page(Page {
            kind: head.schema,
            id: &url,
            url: &url,
            name: &head.title,
            headline: &head.headline,
            description: &head.description,
            date_modified: &modified,
            in_language: &site.language,
            image,
            publisher: &publisher,
            main_entity_of_page: article.then_some(url.as_str()),
            author: article.then_some(&publisher),
        })];
        if !head.trail.is_empty() {
            let items = std::iter::once(("Home", ""))
                .chain(
                    head.trail
                        .iter()
                        .map(|(name, to)| (name.as_str(), to.as_str())),
                )
                .enumerate()
                .map(|(i, (name, to))| ListItem {
                    kind: "ListItem",
                    position: i + 1,
                    name,
                    item: self.links.canonical(to),
                })
                .collect();
            graph.push(Node::Breadcrumbs(Breadcrumbs {
                kind: "BreadcrumbList",
                item_list_element: items,
            }));
        }
        let document = Document {
            context: "https://schema.org",
            graph,
        };
        script_safe(serde_json::to_string(&document).unwrap_or_default())
    }

    /// When what a page shows last changed: the newest of the files it is made from.
    pub fn modified(&self, page: PageRef) -> Date {
        let newest =
            |dates: &mut dyn Iterator<Item = &Date>| dates.max().cloned().unwrap_or_default();
        match page {
            PageRef::Home | PageRef::NotFound => {
                let protocols = self.protocol_modified.iter();
                newest(&mut std::iter::once(&self.catalog.site_modified).chain(protocols))
            }
            PageRef::Protocol(pi) => self.protocol_modified[pi],
            PageRef::Code(pi, id) => {
                let p = &self.catalog.protocols[pi];
                newest(&mut [&p.code(id).modified, &p.modified].into_iter())
            }
            PageRef::Pair(pi, pair) => {
                let p = &self.catalog.protocols[pi];
                let note = p.notes.get(&(pair.low(), pair.high())).map(|n| &n.modified);
                newest(
                    &mut [
                        &p.code(pair.low()).modified,
                        &p.code(pair.high()).modified,
                        &p.modified,
                    ]
                    .into_iter()
                    .chain(note),
                )
            }
        }
    }

    fn code_link<'a>(&self, from: &str, p: &'a Protocol, id: CodeId) -> CodeLink<'a> {
        let code = p.code(id);
        CodeLink {
            code: &code.code,
            name: &code.name,
            summary: &code.summary,
            href: self.code_href(from, p, id),
        }
    }

    fn code_href(&self, from: &str, p: &Protocol, id: CodeId) -> String {
        self.links
            .href(Some(from), &[&p.slug, "/", &p.code(id).slug, "/"].concat())
    }

    fn home(&self) -> tera::TeraResult<Context> {
        #[derive(Serialize)]
        struct ProtocolLink<'a> {
            name: &'a str,
            full_name: &'a str,
            summary: &'a str,
            codes: usize,
            codes_word: &'a str,
            pairs: usize,
            href: String,
        }
        let protocols: Vec<ProtocolLink> = self
            .catalog
            .protocols
            .iter()
            .map(|p| ProtocolLink {
                name: &p.name,
                full_name: &p.full_name,
                summary: &p.summary,
                codes: p.codes.len(),
                codes_word: &p.vocabulary.codes,
                pairs: p.pair_count(),
                href: self.links.href(Some(""), &format!("{}/", p.slug)),
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
                schema: "WebSite",
                kind: "home",
                modified: self.modified(PageRef::Home),
            },
        );
        #[derive(Serialize)]
        struct Home<'a> {
            protocols: Vec<ProtocolLink<'a>>,
            bundle: Option<BundleView>,
        }
        #[derive(Serialize)]
        struct BundleView {
            href: String,
            size: String,
        }
        let bundle = self.bundle.as_ref().map(|b| BundleView {
            href: self.links.asset(Some(""), &b.file),
            size: format!("{:.1} MB", b.bytes as f64 / 1_000_000.0),
        });
        self.context(meta, Home { protocols, bundle })
    }

    /// The protocol's codes by class; a protocol without classes has one list of them all.
    fn class_views<'a>(&self, dir: &str, p: &'a Protocol) -> Vec<ClassView<'a>> {
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

    fn protocol(&self, pi: usize) -> tera::TeraResult<Context> {
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
                schema: "CollectionPage",
                kind: "protocol",
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
                picker: (p.paired >= 2).then(|| picker(p, CodeId(0), CodeId(1))),
            },
        )
    }

    /// The rows of a code's facts, the same rows for every code of the protocol: the built-in
    /// ones, then the protocol's fact fields, then where the code is defined.
    fn facts(&self, p: &Protocol, id: CodeId) -> Vec<Fact> {
        let code = p.code(id);
        let v = &p.vocabulary;
        let fact = |label: String, value: Option<String>| Fact { label, value };
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
        if !code.former_names.is_empty() {
            facts.push(fact(
                "Former names".to_string(),
                Some(code.former_names.join("; ")),
            ));
        }
        facts.push(fact("Who uses it".to_string(), code.used_by.clone()));
        for (field, declared) in p.facts.iter().enumerate() {
            // A list says what a code without items means ("No command"); another kind of fact
            // a code leaves out is not shown for it.
            let value = code.facts[field].as_ref();
            let shown = value.is_some() || declared.list().is_some();
            facts.push(fact(
                declared.label.clone(),
                shown.then(|| declared.cell(value)),
            ));
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

    fn code_view<'a>(
        &'a self,
        from: &str,
        p: &'a Protocol,
        id: CodeId,
        nested: bool,
    ) -> CodeView<'a> {
        let pi = self.protocol_index(p);
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

    fn protocol_index(&self, p: &Protocol) -> usize {
        self.catalog
            .protocols
            .iter()
            .position(|q| std::ptr::eq(q, p))
            .unwrap_or_default()
    }

    fn pair_link(&self, from: &str, p: &Protocol, pair: Pair) -> PairLink {
        let (low, high) = (p.code(pair.low()), p.code(pair.high()));
        PairLink {
            text: [prose::label(low), " vs ".to_string(), prose::label(high)].concat(),
            href: self
                .links
                .href(Some(from), &[&p.slug, "/", &pair.slug(p), "/"].concat()),
        }
    }

    fn code(&self, pi: usize, id: CodeId) -> tera::TeraResult<Context> {
        let p = &self.catalog.protocols[pi];
        let code = p.code(id);
        let dir = format!("{}/{}/", p.slug, code.slug);
        let comparisons: Vec<PairLink> = self.relevance[pi]
            .comparisons_of(id)
            .map(|pair| self.pair_link(&dir, p, pair))
            .collect();
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
                schema: "TechArticle",
                kind: "code",
                modified: self.modified(PageRef::Code(pi, id)),
            },
        );
        #[derive(Serialize)]
        struct CodePage<'a> {
            heading: String,
            code: CodeView<'a>,
            comparisons: Vec<PairLink>,
            protocol: &'a str,
            codes_word: &'a str,
            picker: Option<Picker<'a>>,
        }
        self.context(
            meta,
            CodePage {
                heading,
                code: self.code_view(&dir, p, id, false),
                comparisons,
                protocol: &p.name,
                codes_word: &p.vocabulary.codes,
                picker: self.relevance[pi].comparisons_of(id).next().map(|closest| {
                    let other = if closest.low() == id {
                        closest.high()
                    } else {
                        closest.low()
                    };
                    picker(p, id, other)
                }),
            },
        )
    }

    fn pair(&self, pi: usize, pair: Pair) -> tera::TeraResult<Context> {
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
                schema: "TechArticle",
                kind: "pair",
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

    fn not_found(&self) -> tera::TeraResult<Context> {
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
            .find(|p| p.paired >= 2)
            .map(|p| {
                let pair = self.relevance[self.protocol_index(p)]
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
                schema: "WebPage",
                kind: "404",
                modified: self.modified(PageRef::NotFound),
            },
        );
        self.context(meta, NotFound { protocols, example })
    }
}

/// "reply codes" → "Reply codes", for a label that starts a line.
fn capitalized(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// "reply codes" → "Reply Codes", for titles; words already in capitals stay as they are.
fn title_case(text: &str) -> String {
    text.split(' ')
        .map(capitalized)
        .collect::<Vec<_>>()
        .join(" ")
}

/// JSON made safe to place inside a script element: `<`, `>` and `&` written as JSON escapes,
/// so that no text from content can end the element (`</script>`) or open a comment (`<!--`)
/// that swallows the rest of the page.
fn script_safe(json: String) -> String {
    if !json.contains(['<', '>', '&']) {
        return json;
    }
    json.replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

/// An HTML id from a section title: "When you see it" → "when-you-see-it".
pub fn slugify(title: &str) -> String {
    let mut out = String::with_capacity(title.len());
    for c in title.chars() {
        if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hrefs_by_style_and_depth() {
        let dir = Links::new(LinkStyle::Directory, "https://example.org/");
        assert_eq!(
            dir.href(Some("ftp/503/"), "ftp/211-vs-503/"),
            "../../ftp/211-vs-503/"
        );
        assert_eq!(dir.href(Some(""), ""), "./");
        assert_eq!(dir.href(None, "ftp/"), "/ftp/");
        assert_eq!(dir.canonical("ftp/503/"), "https://example.org/ftp/503/");
        let file = Links::new(LinkStyle::File, "https://example.org/docs");
        assert_eq!(file.href(Some("ftp/"), ""), "../index.html");
        assert_eq!(file.href(Some(""), "ftp/"), "ftp/index.html");
        assert_eq!(
            Links::new(LinkStyle::Directory, "https://example.org/docs").href(None, "ftp/"),
            "/docs/ftp/"
        );
    }

    #[test]
    fn slugs() {
        assert_eq!(slugify("When you see it"), "when-you-see-it");
        assert_eq!(slugify("How to fix"), "how-to-fix");
    }
}
