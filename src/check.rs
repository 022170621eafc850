//! Check: everything a build verifies, then every internal link and fragment of every rendered
//! page, without writing a file.
//!
//! Links written in markdown are already checked by the catalog against the codes; this finds
//! the rest — links that templates make — by rendering each page in memory and resolving each
//! `href` and `src` the way a browser would. Not for: external links, which need a network.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use rayon::prelude::*;

use crate::error::{Diagnostic, Error, Result};
use crate::render::LinkStyle;
use crate::render::{self, BundleLink, PageList, PageRef, Renderer};
use crate::site;

#[derive(Debug, Clone)]
pub struct CheckReport {
    pub pages: usize,
    pub links: usize,
    /// What in the content is allowed but probably a mistake.
    pub warnings: Vec<crate::error::Diagnostic>,
}

/// A link found in a rendered page.
struct Link {
    page: String,
    /// The template the page is rendered from, for the hint.
    template: &'static str,
    line: usize,
    href: String,
}

/// What the rendered site has to link to: its files and every page's ids.
struct Targets<'c> {
    catalog: &'c crate::catalog::Catalog,
    files: HashSet<String>,
    ids: HashMap<String, HashSet<String>>,
    base_path: String,
}

pub fn check(root: &Path) -> Result<CheckReport> {
    let catalog = site::load_catalog(root, None)?;
    let tera = render::load_templates(&root.join("templates"))?;
    let renderer = Renderer::new(tera, &catalog, LinkStyle::Directory)?;
    // The published home page links the bundle that `build` writes beside it.
    renderer.link_bundle(BundleLink {
        file: site::BUNDLE_FILE.to_string(),
        bytes: 0,
    });
    let pages = PageList::new(&catalog);

    let statics = site::site_files(root, &catalog)?;
    let files: HashSet<String> = site::other_files(&statics, pages.len(), true)
        .into_iter()
        .collect();

    let links = Mutex::new(Vec::new());
    let ids = Mutex::new(HashMap::new());
    let render_errors = Mutex::new(Vec::new());
    (0..pages.len())
        .into_par_iter()
        .for_each_init(Vec::new, |buf, i| {
            let page = pages.get(i);
            buf.clear();
            let path = page.output_path(&catalog);
            if let Err(err) = renderer.render(page, buf) {
                if let Ok(mut errors) = render_errors.lock() {
                    errors.push(err);
                }
                return;
            }
            let html = String::from_utf8_lossy(buf);
            let found: Vec<Link> = attribute_values(&html, "href")
                .chain(attribute_values(&html, "src"))
                .map(|(line, href)| Link {
                    page: path.clone(),
                    template: page.template(),
                    line,
                    href: href.to_string(),
                })
                .collect();
            let page_ids: HashSet<String> = attribute_values(&html, "id")
                .map(|(_, id)| id.to_string())
                .collect();
            if let Ok(mut all) = links.lock() {
                all.extend(found);
            }
            if let Ok(mut all) = ids.lock() {
                all.insert(path, page_ids);
            }
        });
    if let Some(err) = render_errors
        .into_inner()
        .unwrap_or_default()
        .into_iter()
        .next()
    {
        return Err(err);
    }

    let links = links.into_inner().unwrap_or_default();
    let targets = Targets {
        catalog: &catalog,
        files,
        ids: ids.into_inner().unwrap_or_default(),
        base_path: render::Links::new(LinkStyle::Directory, &catalog.site.base_url).asset(None, ""),
    };
    let mut problems: Vec<Diagnostic> = links
        .iter()
        .filter_map(|link| {
            let problem = targets.problem(link)?;
            Some(
                Diagnostic::new(&PathBuf::from(&link.page), problem)
                    .at_line(link.line)
                    .field("link")
                    .hint(format!(
                        "the page is rendered from templates/{}",
                        link.template
                    )),
            )
        })
        .collect();
    if problems.is_empty() {
        Ok(CheckReport {
            pages: pages.len(),
            links: links.len(),
            warnings: catalog.warnings.clone(),
        })
    } else {
        problems.sort_by(|a, b| (&a.file, a.line).cmp(&(&b.file, b.line)));
        Err(Error::Content(problems))
    }
}

impl Targets<'_> {
    /// What is wrong with a link, if anything: a missing page or file, or a missing id.
    fn problem(&self, link: &Link) -> Option<String> {
        let (target, fragment) = resolve(&link.page, &link.href, &self.base_path)?;
        let exists = self.files.contains(&target)
            || PageRef::from_output_path(self.catalog, &target).is_some();
        if !exists {
            return Some(format!(
                "links to `{}`, but the site has no {target}",
                link.href
            ));
        }
        let fragment = fragment.filter(|f| !f.is_empty())?;
        let known = self
            .ids
            .get(&target)
            .is_some_and(|page_ids| page_ids.contains(fragment));
        (target.ends_with(".html") && !known).then(|| {
            format!(
                "links to `{}`, but {target} has no element with id \"{fragment}\"",
                link.href
            )
        })
    }
}

/// Each `name="value"` attribute in HTML as written by the templates and the markdown renderer
/// (always double-quoted), with its 1-based line. Text that only looks like an attribute, such as
/// an example inside a code block (whose quotes the renderer leaves as they are), is skipped: it
/// lies outside any tag, since every `<` of text is escaped.
fn attribute_values<'a>(html: &'a str, name: &str) -> impl Iterator<Item = (usize, &'a str)> + 'a {
    let needle = format!(" {name}=\"");
    let mut from = 0;
    let mut line = 1;
    let mut counted = 0;
    // Whether `from` lies inside a tag.
    let mut in_tag = false;
    std::iter::from_fn(move || {
        loop {
            let at = html[from..].find(&needle)? + from;
            let between = &html[from..at];
            in_tag = match (between.rfind('<'), between.rfind('>')) {
                (Some(open), Some(close)) => open > close,
                (Some(_), None) => true,
                (None, Some(_)) => false,
                (None, None) => in_tag,
            };
            let start = at + needle.len();
            let len = html[start..].find('"')?;
            from = start + len;
            if !in_tag {
                continue;
            }
            line += html.as_bytes()[counted..at]
                .iter()
                .filter(|&&b| b == b'\n')
                .count();
            counted = at;
            return Some((line, &html[start..start + len]));
        }
    })
}

/// Whether a link names a scheme ("https:", "mailto:", "javascript:"), and so leaves the site.
fn has_scheme(href: &str) -> bool {
    let Some((scheme, _)) = href.split_once(':') else {
        return false;
    };
    scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
}

/// The output file a link from `page` leads to, and its fragment; `None` for links that leave
/// the site.
fn resolve<'a>(page: &str, href: &'a str, base_path: &str) -> Option<(String, Option<&'a str>)> {
    if has_scheme(href) || href.starts_with("//") {
        return None;
    }
    let (path, fragment) = match href.split_once('#') {
        Some((path, fragment)) => (path, Some(fragment)),
        None => (href, None),
    };
    if path.is_empty() {
        return Some((page.to_string(), fragment));
    }
    let parts: Vec<&str> = match path.strip_prefix(base_path) {
        Some(absolute) => absolute.split('/').collect(),
        None => {
            let mut dir: Vec<&str> = page.split('/').collect();
            dir.pop();
            dir.extend(path.split('/'));
            dir
        }
    };
    let mut resolved: Vec<&str> = Vec::new();
    let folder = path.ends_with('/') || path.ends_with("/.") || path == ".";
    for part in parts {
        match part {
            "" | "." => {}
            ".." => {
                resolved.pop();
            }
            other => resolved.push(other),
        }
    }
    let mut target = resolved.join("/");
    if folder || target.is_empty() {
        if !target.is_empty() {
            target.push('/');
        }
        target.push_str("index.html");
    }
    Some((target, fragment))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_resolve_as_a_browser_would() {
        assert_eq!(
            resolve("ftp/503/index.html", "../211-vs-503/", "/"),
            Some(("ftp/211-vs-503/index.html".into(), None))
        );
        assert_eq!(
            resolve("ftp/503/index.html", "../../", "/"),
            Some(("index.html".into(), None))
        );
        assert_eq!(
            resolve("index.html", "./", "/"),
            Some(("index.html".into(), None))
        );
        assert_eq!(
            resolve("ftp/index.html", "#class-1", "/"),
            Some(("ftp/index.html".into(), Some("class-1")))
        );
        assert_eq!(
            resolve("404.html", "/ftp/", "/"),
            Some(("ftp/index.html".into(), None))
        );
        assert_eq!(
            resolve("ftp/503/index.html", "../../style.css", "/"),
            Some(("style.css".into(), None))
        );
        assert_eq!(resolve("index.html", "https://example.org/", "/"), None);
        assert_eq!(resolve("index.html", "javascript:alert(1)", "/"), None);
        assert_eq!(resolve("index.html", "//example.org/x", "/"), None);
        assert_eq!(
            resolve("index.html", "a:b/c", "/"),
            None,
            "a scheme, as a browser reads it"
        );
    }

    #[test]
    fn attributes_with_lines() {
        let html = "<a href=\"x\">\n<p id=\"y\"><a href=\"z#y\">";
        let hrefs: Vec<_> = attribute_values(html, "href").collect();
        assert_eq!(hrefs, [(1, "x"), (2, "z#y")]);
        // An example in a code block is text, not a link.
        let code =
            "<pre><code>&lt;a href=\"/offers\"&gt;\n</code></pre>\n<a class=\"c\" href=\"w\">";
        let hrefs: Vec<_> = attribute_values(code, "href").collect();
        assert_eq!(hrefs, [(3, "w")]);
        assert_eq!(attribute_values(html, "id").collect::<Vec<_>>(), [(2, "y")]);
    }
}
