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
    /// The home page's number: it comes first.
    pub const HOME: usize = 0;

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

/// Where the two link styles differ, and so what a page rendered for both leaves open.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Piece {
    /// Ends every href to a page: nothing, or `index.html`.
    Suffix,
    /// Starts the hrefs of the 404 page, which a server shows at any depth: the site's path
    /// below its host, or nothing, as the offline 404 page is opened from the root folder.
    Root,
    /// The home page's link to itself: `./`, or `index.html`.
    Here,
}

const PIECES: [Piece; 3] = [Piece::Suffix, Piece::Root, Piece::Here];

impl Piece {
    fn code(self) -> u8 {
        match self {
            Piece::Suffix => b's',
            Piece::Root => b'r',
            Piece::Here => b'h',
        }
    }
}

#[derive(Debug, Clone)]
enum Form {
    Style(LinkStyle),
    /// Every piece written as a marker, one per piece, that [`Links::expand`] replaces with
    /// the piece of either style. The markers hold a number drawn for this build, so no input
    /// holds them by chance, and only letters, digits and hyphens, which no escaping (HTML,
    /// URL, JSON) changes.
    Both(Box<Markers>),
}

#[derive(Debug, Clone)]
struct Markers {
    /// One per piece, in the order of `PIECES`.
    each: [String; 3],
    /// Finds the part all markers share.
    finder: memchr::memmem::Finder<'static>,
}

/// Builds hrefs between pages for one link style, or for both at once.
#[derive(Debug, Clone)]
pub struct Links {
    form: Form,
    /// Path of the site below its host, with a trailing slash: "/" or "/docs/".
    base_path: String,
    base_url: String,
}

impl Links {
    pub fn new(style: LinkStyle, base_url: &str) -> Links {
        let base_url = base_url.trim_end_matches('/').to_string();
        let after_scheme = base_url.split_once("://").map_or("", |(_, rest)| rest);
        let path = after_scheme.find('/').map_or("", |i| &after_scheme[i..]);
        Links {
            form: Form::Style(style),
            base_path: format!("{path}/"),
            base_url,
        }
    }

    /// Links whose pages come out in either style through [`Links::expand`]: a site and its
    /// offline bundle from one render of each page.
    pub fn both(base_url: &str) -> Links {
        use std::hash::BuildHasher;
        let drawn = std::hash::RandomState::new().hash_one(std::process::id());
        let prefix = format!("statusref-link-{drawn:016x}-");
        Links {
            form: Form::Both(Box::new(Markers {
                each: PIECES.map(|p| format!("{prefix}{}", p.code() as char)),
                finder: memchr::memmem::Finder::new(prefix.as_bytes()).into_owned(),
            })),
            ..Links::new(LinkStyle::Directory, base_url)
        }
    }

    fn piece(&self, piece: Piece) -> &str {
        match (&self.form, piece) {
            (Form::Both(markers), _) => &markers.each[piece as usize],
            (Form::Style(style), piece) => self.piece_in(*style, piece),
        }
    }

    fn piece_in(&self, style: LinkStyle, piece: Piece) -> &str {
        match (style, piece) {
            (LinkStyle::Directory, Piece::Suffix) => "",
            (LinkStyle::Directory, Piece::Root) => &self.base_path,
            (LinkStyle::Directory, Piece::Here) => "./",
            (LinkStyle::File, Piece::Suffix) => "index.html",
            (LinkStyle::File, Piece::Root) => "",
            (LinkStyle::File, Piece::Here) => "index.html",
        }
    }

    /// What ends every href to a page, for scripts that build such hrefs (`data-suffix`).
    pub fn suffix(&self) -> &str {
        self.piece(Piece::Suffix)
    }

    /// `html`, rendered with these links, as it reads in `style`, appended to `out`. Links of
    /// one style only expand to that style.
    pub fn expand(&self, html: &[u8], style: LinkStyle, out: &mut Vec<u8>) {
        let Form::Both(markers) = &self.form else {
            debug_assert!(matches!(self.form, Form::Style(s) if s == style));
            out.extend_from_slice(html);
            return;
        };
        let prefix = markers.finder.needle().len();
        let mut rest = html;
        while let Some(at) = markers.finder.find(rest) {
            out.extend_from_slice(&rest[..at]);
            let code = rest.get(at + prefix).copied();
            match PIECES.into_iter().find(|p| Some(p.code()) == code) {
                Some(piece) => {
                    out.extend_from_slice(self.piece_in(style, piece).as_bytes());
                    rest = &rest[at + markers.each[piece as usize].len()..];
                }
                None => {
                    out.extend_from_slice(&rest[at..at + prefix]);
                    rest = &rest[at + prefix..];
                }
            }
        }
        out.extend_from_slice(rest);
    }

    /// The href from a page in folder `from` (None: the 404 page, which a server shows at any
    /// depth) to the folder page `to`.
    pub fn href(&self, from: Option<&str>, to: &str) -> String {
        match from {
            Some(from) if to.is_empty() && !from.contains('/') => {
                self.piece(Piece::Here).to_string()
            }
            Some(from) => up_from(from, &[to, self.piece(Piece::Suffix)]),
            None => [self.piece(Piece::Root), to, self.piece(Piece::Suffix)].concat(),
        }
    }

    /// The href from a page one folder deep inside a protocol (a code or comparison page) to a
    /// sibling page `slug` of the same protocol.
    pub fn sibling(&self, slug: &str) -> String {
        ["../", slug, "/", self.piece(Piece::Suffix)].concat()
    }

    /// A file at the site root, such as the stylesheet.
    pub fn asset(&self, from: Option<&str>, file: &str) -> String {
        match from {
            Some(from) => up_from(from, &[file]),
            None => [self.piece(Piece::Root), file].concat(),
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
