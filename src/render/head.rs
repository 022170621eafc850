//! Head: what a page says about itself to browsers, search engines and link previews — title,
//! description, canonical URL, breadcrumbs and schema.org JSON-LD.

use serde::Serialize;

use super::{Renderer, SEARCH_INDEX_FILE};
use crate::dates::Date;

#[derive(Serialize)]
pub(super) struct Crumb {
    name: String,
    href: String,
}

#[derive(Serialize)]
pub(super) struct PageMeta {
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
    /// The slug of the page's protocol, if it has one.
    protocol: Option<String>,
    /// The prefix that turns a folder path from the site root into an href from this page.
    root: String,
    /// What a folder href ends with: "" over http, "index.html" on disk.
    suffix: String,
    search_js: String,
    search_index: String,
    breadcrumbs: Vec<Crumb>,
    /// Schema.org data for the page, ready to place in a script element.
    json_ld: Option<String>,
}

/// The schema.org types the site's pages are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Schema {
    WebSite,
    CollectionPage,
    TechArticle,
    WebPage,
}

impl Schema {
    fn as_str(self) -> &'static str {
        match self {
            Schema::WebSite => "WebSite",
            Schema::CollectionPage => "CollectionPage",
            Schema::TechArticle => "TechArticle",
            Schema::WebPage => "WebPage",
        }
    }
}

/// What a page says about itself in its head.
pub(super) struct Head {
    pub(super) title: String,
    /// The visible `<h1>`.
    pub(super) headline: String,
    pub(super) description: String,
    /// Breadcrumbs after Home: (name, folder).
    pub(super) trail: Vec<(String, String)>,
    /// The schema.org type of the page.
    pub(super) schema: Schema,
    pub(super) kind: &'static str,
    /// The protocol the page belongs to, whose results search puts first.
    pub(super) protocol: Option<String>,
    pub(super) modified: Date,
}

// JSON-LD, as borrowed structs that serialize straight to text: a serde_json::Value tree per
// page cost a quarter of a build's instructions.
#[derive(Serialize)]
pub(super) struct Organization<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    name: &'a str,
    url: &'a str,
}
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct Page<'a> {
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
pub(super) struct ListItem<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    position: usize,
    name: &'a str,
    item: String,
}
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct Breadcrumbs<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    item_list_element: Vec<ListItem<'a>>,
}
#[derive(Serialize)]
#[serde(untagged)]
pub(super) enum Node<'a> {
    Page(Page<'a>),
    Breadcrumbs(Breadcrumbs<'a>),
}
#[derive(Serialize)]
pub(super) struct Document<'a> {
    #[serde(rename = "@context")]
    context: &'static str,
    #[serde(rename = "@graph")]
    graph: Vec<Node<'a>>,
}

impl Renderer<'_> {
    pub(super) fn meta(&self, from: Option<&str>, head: Head) -> PageMeta {
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
            og_type: if head.schema == Schema::TechArticle {
                "article"
            } else {
                "website"
            },
            kind: head.kind,
            protocol: head.protocol,
            root: self.links.asset(from, ""),
            suffix: self.links.suffix().to_string(),
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
    pub(super) fn json_ld(&self, dir: &str, head: &Head, image: &str) -> String {
        let site = self.site();
        let url = self.links.canonical(dir);
        let home = self.links.canonical("");
        let publisher = Organization {
            kind: "Organization",
            name: &site.title,
            url: &home,
        };
        let article = head.schema == Schema::TechArticle;
        let modified = head.modified.to_string();
        let mut graph = vec![Node::Page(Page {
            kind: head.schema.as_str(),
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
}

/// JSON made safe to place inside a script element: `<`, `>` and `&` written as JSON escapes,
/// so that no text from content can end the element (`</script>`) or open a comment (`<!--`)
/// that swallows the rest of the page.
pub(super) fn script_safe(json: String) -> String {
    if !json.contains(['<', '>', '&']) {
        return json;
    }
    json.replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}
