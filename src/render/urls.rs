//! URLs: the pages of a site, where each is written, and the hrefs between them for either
//! link style. Not for: what a page says (see `views`).

use crate::catalog::{Catalog, CodeId};
use crate::compare::Pair;

/// A page of the site, named by what it shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageRef {
    Home,
    Protocol(usize),
    Code(usize, CodeId),
    Pair(usize, Pair),
    /// What a number several protocols use means in each, by index into the catalog's numbers.
    Number(usize),
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
        fixed.extend((0..catalog.numbers.len()).map(PageRef::Number));
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
        let Some(pi) = catalog.protocols.iter().position(|p| p.slug == slug) else {
            let ni = catalog.numbers.iter().position(|n| n.slug == slug);
            return ni.filter(|_| rest.is_empty()).map(PageRef::Number);
        };
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
            PageRef::Number(ni) => Some(format!("{}/", catalog.numbers[ni].slug)),
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
            PageRef::Number(_) => "number.html",
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

pub use crate::load::slugify;

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
}
