//! Render: turns catalog entries into HTML through Tera templates.
//!
//! Owns the templates (the binary's defaults, overridden file by file by a site's templates/),
//! and the renderer, for one link style or for both at once (a page rendered for both expands
//! into either). Its parts: `urls` (the pages and the hrefs between them), `markdown` (each
//! code's sections, rendered once per renderer), `views` (the context of each kind
//! of page), `head` (titles, descriptions, canonical URLs, JSON-LD), `search` (the search index),
//! `sitemap` (sitemaps and robots.txt) and `data` (the open data: JSON, CSV and their schema).
//! Not for: composing sentences (`prose`) or touching the output folder (`write`).

use std::collections::{BTreeMap, HashMap};
use std::fs;
use std::path::Path;
use std::sync::OnceLock;

use serde::Serialize;
use tera::{Context, Tera};

use crate::catalog::{Catalog, CodeId};
use crate::compare::Relevance;
use crate::dates::Date;
use crate::error::{Error, Result};
use crate::load::SiteConfig;

mod data;
mod head;
pub mod markdown;
mod numbers;
mod search;
mod sitemap;
mod urls;
mod views;

use crate::prose;
pub use data::{DATA_DIR, data_files};
use head::PageMeta;
pub use search::{PICKER_DIR, picker_file, picker_files};
pub use urls::{LinkStyle, Links, PageList, PageRef, slugify};
use views::{CodeView, Fact};

/// The templates the binary ships; a site's templates/ replaces any of them by name.
pub const DEFAULT_TEMPLATES: [(&str, &str); 13] = [
    ("base.html", include_str!("../../templates/base.html")),
    ("index.html", include_str!("../../templates/index.html")),
    (
        "protocol.html",
        include_str!("../../templates/protocol.html"),
    ),
    ("code.html", include_str!("../../templates/code.html")),
    ("compare.html", include_str!("../../templates/compare.html")),
    ("number.html", include_str!("../../templates/number.html")),
    (
        PAIR_ARTICLE,
        include_str!("../../templates/compare_code.html"),
    ),
    ("404.html", include_str!("../../templates/404.html")),
    ("picker.html", include_str!("../../templates/picker.html")),
    ("items.html", include_str!("../../templates/items.html")),
    ("sitemap.xml", include_str!("../../templates/sitemap.xml")),
    (
        "sitemap-index.xml",
        include_str!("../../templates/sitemap-index.xml"),
    ),
    ("robots.txt", include_str!("../../templates/robots.txt")),
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

pub struct Renderer<'c> {
    tera: Tera,
    catalog: &'c Catalog,
    links: Links,
    relevance: Vec<Relevance>,
    /// Per protocol, the newest date of its settings, codes and notes.
    protocol_modified: Vec<Date>,
    /// Set once, after the other pages: the home page gives the bundle's size.
    bundle: OnceLock<BundleLink>,
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
    /// Per protocol, its `recognized_by` as HTML.
    recognized: Vec<Option<String>>,
    /// Per number page, its note's HTML.
    number_notes: Vec<Option<String>>,
    /// The number page of each code whose number other protocols use too.
    number_of: HashMap<(usize, CodeId), usize>,
    /// Per protocol and code, the facts its side-by-side table rows are made from.
    code_facts: Vec<Vec<Vec<Fact>>>,
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
        Renderer::with_links(tera, catalog, Links::new(style, &catalog.site.base_url))
    }

    /// A renderer whose pages come out in either link style through [`Renderer::expand`], so
    /// that a site and its offline bundle render each page once.
    pub fn for_both_styles(tera: Tera, catalog: &'c Catalog) -> Result<Renderer<'c>> {
        Renderer::with_links(tera, catalog, Links::both(&catalog.site.base_url))
    }

    /// A page this renderer rendered, as it reads in `style`, appended to `out`.
    pub fn expand(&self, html: &[u8], style: LinkStyle, out: &mut Vec<u8>) {
        self.links.expand(html, style, out);
    }

    fn with_links(tera: Tera, catalog: &'c Catalog, links: Links) -> Result<Renderer<'c>> {
        let relevance = catalog.protocols.iter().map(Relevance::new).collect();
        let mut renderer = Renderer {
            tera,
            catalog,
            relevance,
            protocol_modified: catalog.protocols.iter().map(protocol_modified).collect(),
            bundle: OnceLock::new(),
            pair_views: Vec::new(),
            site_value: site_value(&catalog.site),
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
                                    [0, 1]
                                        .map(|shift| markdown::to_html(&s.markdown, shift, &links))
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
                        .map(|(pair, note)| (*pair, markdown::to_html(&note.markdown, 0, &links)))
                        .collect()
                })
                .collect(),
            number_of: catalog
                .numbers
                .iter()
                .enumerate()
                .flat_map(|(ni, n)| n.codes.iter().map(move |&code| (code, ni)))
                .collect(),
            recognized: catalog
                .protocols
                .iter()
                .map(|p| p.recognized_by.as_deref().map(markdown::inline_html))
                .collect(),
            // A number page is one folder deep, so its notes' `@http/503` links go up one.
            number_notes: catalog
                .numbers
                .iter()
                .map(|n| {
                    n.note
                        .as_ref()
                        .map(|note| markdown::to_html(&note.markdown, 0, &links))
                })
                .collect(),
            // Last, as the fields before it render with it.
            links,
        };
        renderer.code_facts = catalog
            .protocols
            .iter()
            .map(|p| p.ids().map(|id| renderer.facts(p, id)).collect())
            .collect();
        renderer.pair_views = catalog
            .protocols
            .iter()
            .enumerate()
            .map(|(pi, p)| {
                let depth_two = format!("{}/pair/", p.slug);
                p.ids()
                    .map(|id| renderer.pair_view(&depth_two, pi, id))
                    .collect::<Result<_>>()
            })
            .collect::<Result<_>>()?;
        Ok(renderer)
    }

    /// A code as comparison pages show it, with its article rendered once through
    /// `compare_code.html` rather than on each of its N−1 comparisons.
    fn pair_view(&self, from: &str, pi: usize, id: CodeId) -> Result<tera::Value> {
        let p = &self.catalog.protocols[pi];
        #[derive(Serialize)]
        struct PairView<'a> {
            #[serde(flatten)]
            code: CodeView<'a>,
            article: String,
        }
        let code = self.code_view(from, pi, id, true);
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

    /// Links the home page to the offline bundle published beside the site. The first link
    /// stays: a renderer renders one build.
    pub fn link_bundle(&self, bundle: BundleLink) {
        let _ = self.bundle.set(bundle);
    }

    /// Renders one page into `out`.
    pub fn render(&self, page: PageRef, out: &mut Vec<u8>) -> Result<()> {
        let template = page.template();
        let context = match page {
            PageRef::Home => self.home(),
            PageRef::Protocol(pi) => self.protocol(pi),
            PageRef::Code(pi, id) => self.code(pi, id),
            PageRef::Pair(pi, pair) => self.pair(pi, pair),
            PageRef::Number(ni) => self.number(ni),
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
            PageRef::Number(ni) => {
                let number = &self.catalog.numbers[ni];
                let protocols = &self.catalog.protocols;
                let codes = number.codes.iter().flat_map(|&(pi, id)| {
                    [&protocols[pi].code(id).modified, &protocols[pi].modified]
                });
                newest(&mut codes.chain(number.note.as_ref().map(|n| &n.modified)))
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
}

/// The newest date of a protocol's settings, codes and notes.
fn protocol_modified(p: &crate::catalog::Protocol) -> Date {
    let codes = p.codes.iter().map(|c| &c.modified);
    let notes = p.notes.values().map(|n| &n.modified);
    std::iter::once(&p.modified)
        .chain(codes)
        .chain(notes)
        .max()
        .cloned()
        .unwrap_or_default()
}

/// The site's settings as every template sees them.
fn site_value(site: &SiteConfig) -> tera::Value {
    #[derive(Serialize)]
    struct Site<'a> {
        title: &'a str,
        description: &'a str,
        language: &'a str,
        base_url: &'a str,
        search_placeholder: String,
    }
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
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every page of `site` rendered once for both styles reads, expanded, exactly as the page
    /// rendered for each style alone, under a base URL with a path so that the 404 page's
    /// links differ too. Returns how many pages were compared.
    fn both_styles_expand_to_each(site: &Path, every_nth_pair: usize) -> usize {
        let catalog = crate::site::load_catalog(site, Some("https://example.org/docs"))
            .unwrap_or_else(|e| panic!("{}: {e}", site.display()));
        let tera = load_templates(&site.join("templates")).expect("templates");
        let link = || BundleLink {
            file: "bundle.zip".to_string(),
            bytes: 12_345,
        };
        let both = Renderer::for_both_styles(tera.clone(), &catalog).expect("renderer");
        both.link_bundle(link());
        let mut compared = 0;
        for style in [LinkStyle::Directory, LinkStyle::File] {
            let one = Renderer::new(tera.clone(), &catalog, style).expect("renderer");
            one.link_bundle(link());
            let pages = PageList::new(&catalog);
            assert_eq!(pages.get(PageList::HOME), PageRef::Home);
            let (mut direct, mut marked, mut expanded) = (Vec::new(), Vec::new(), Vec::new());
            let mut pairs = 0;
            for page in pages.iter() {
                if matches!(page, PageRef::Pair(..)) {
                    pairs += 1;
                    if pairs % every_nth_pair != 0 {
                        continue;
                    }
                }
                direct.clear();
                marked.clear();
                expanded.clear();
                one.render(page, &mut direct).expect("direct render");
                both.render(page, &mut marked).expect("render for both");
                both.expand(&marked, style, &mut expanded);
                let path = page.output_path(&catalog);
                assert!(
                    direct == expanded,
                    "{path} in {style:?} style differs:\n{}\n---\n{}",
                    String::from_utf8_lossy(&direct),
                    String::from_utf8_lossy(&expanded)
                );
                compared += 1;
            }
        }
        compared
    }

    #[test]
    fn one_render_expands_to_either_style_on_every_fixture_page() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        for fixture in ["tests/fixtures/site", "tests/fixtures/protocols"] {
            assert!(both_styles_expand_to_each(&root.join(fixture), 1) > 10);
        }
    }

    #[test]
    fn one_render_expands_to_either_style_on_the_shipped_site() {
        // Every page but the comparisons, and one comparison in seven of each protocol.
        let compared = both_styles_expand_to_each(Path::new(env!("CARGO_MANIFEST_DIR")), 7);
        assert!(compared > 2 * 3_000, "{compared}");
    }
}
