//! Site: the build pipeline, top to bottom — load, catalog, render, write.
//!
//! Reads as the order things happen. Pages are rendered in parallel and each is written as soon
//! as it is rendered, so memory does not grow with the number of pairs. Nothing in the output
//! folder is touched until the content is valid and one page of every kind has rendered.

use std::collections::HashSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use rayon::prelude::*;

use crate::catalog::{self, Catalog};
use crate::error::{Error, Result};
use crate::load::{self, LinkStyle};
use crate::render::{self, PageRef, Renderer};
use crate::write::{self, Output};

/// Static files a site gets when its static/ lacks them: the stylesheet, the icons, and the
/// image that link previews show.
const DEFAULT_STATIC: [(&str, &[u8]); 4] = [
    ("style.css", include_bytes!("../static/style.css")),
    ("favicon.svg", include_bytes!("../static/favicon.svg")),
    ("favicon.ico", include_bytes!("../static/favicon.ico")),
    ("og.png", include_bytes!("../static/og.png")),
];

#[derive(Debug, Clone)]
pub struct BuildOptions {
    /// The site folder: content/, templates/ and static/ are read from here.
    pub root: PathBuf,
    pub out: PathBuf,
    /// Replaces site.toml's base_url, e.g. for a preview deploy.
    pub base_url: Option<String>,
    pub links: LinkStyle,
}

impl BuildOptions {
    pub fn new(root: &Path) -> BuildOptions {
        BuildOptions {
            root: root.to_path_buf(),
            out: root.join("public"),
            base_url: None,
            links: LinkStyle::Directory,
        }
    }
}

#[derive(Debug, Clone)]
pub struct BuildReport {
    pub pages: usize,
    pub written: usize,
    pub unchanged: usize,
    pub removed: usize,
    pub elapsed: Duration,
}

impl std::fmt::Display for BuildReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} pages: {} files written, {} unchanged, {} removed in {:.2}s",
            self.pages,
            self.written,
            self.unchanged,
            self.removed,
            self.elapsed.as_secs_f64()
        )
    }
}

/// Loads and validates a site's content.
pub fn load_catalog(root: &Path, links: LinkStyle, base_url: Option<&str>) -> Result<Catalog> {
    let loaded = load::load(&root.join("content"), links);
    let Some(mut source) = loaded.source else {
        return Err(Error::Content(loaded.diagnostics));
    };
    if let Some(url) = base_url {
        source.site.base_url = url.to_string();
    }
    catalog::build(source, loaded.diagnostics).map_err(Error::Content)
}

pub fn build(options: &BuildOptions) -> Result<BuildReport> {
    let started = Instant::now();
    let catalog = load_catalog(&options.root, options.links, options.base_url.as_deref())?;
    let tera = render::load_templates(&options.root.join("templates"))?;
    let renderer = Renderer::new(tera, &catalog, options.links);
    let pages = PageRef::all(&catalog);
    render_one_of_each_kind(&renderer, &pages)?;

    let output = Output::open(&options.out)?;
    pages.par_iter().try_for_each_init(
        || Vec::with_capacity(64 * 1024),
        |buf, &page| {
            buf.clear();
            renderer.render(page, buf)?;
            output.put(&page.output_path(&catalog), buf).map(|_| ())
        },
    )?;

    let mut keep: HashSet<String> = pages.iter().map(|p| p.output_path(&catalog)).collect();
    for (name, bytes) in static_files(&options.root)? {
        output.put(&name, &bytes)?;
        keep.insert(name);
    }
    let entries: Vec<(String, String)> = pages
        .iter()
        .filter_map(|&page| {
            page.dir(&catalog)
                .map(|dir| (renderer.links().canonical(&dir), renderer.modified(page)))
        })
        .collect();
    for (name, xml) in write::sitemaps(&catalog.site.base_url, &entries, write::SITEMAP_LIMIT) {
        output.put(&name, xml.as_bytes())?;
        keep.insert(name);
    }
    output.put("robots.txt", robots(&catalog).as_bytes())?;
    keep.insert("robots.txt".to_string());
    let removed = output.remove_stale(&keep)?;

    Ok(BuildReport {
        pages: pages.len(),
        written: output.written(),
        unchanged: output.unchanged(),
        removed,
        elapsed: started.elapsed(),
    })
}

/// Template errors usually fail every page of a kind; finding them before the first write keeps
/// the old site whole.
fn render_one_of_each_kind(renderer: &Renderer, pages: &[PageRef]) -> Result<()> {
    let mut seen = HashSet::new();
    let mut buf = Vec::new();
    for &page in pages {
        if seen.insert(std::mem::discriminant(&page)) {
            buf.clear();
            renderer.render(page, &mut buf)?;
        }
    }
    Ok(())
}

/// The site's static/ files, with the defaults for any it does not ship.
fn static_files(root: &Path) -> Result<Vec<(String, Vec<u8>)>> {
    let dir = root.join("static");
    let mut files = Vec::new();
    if dir.is_dir() {
        for entry in walkdir::WalkDir::new(&dir)
            .follow_links(false)
            .sort_by_file_name()
        {
            let entry = entry.map_err(|e| {
                let path = e.path().unwrap_or(&dir).to_path_buf();
                Error::io(
                    "cannot read static file",
                    &path,
                    e.into_io_error()
                        .unwrap_or_else(|| std::io::Error::other("loop")),
                )
            })?;
            if entry.file_type().is_file() {
                let rel = entry.path().strip_prefix(&dir).unwrap_or(entry.path());
                let bytes = fs::read(entry.path())
                    .map_err(|e| Error::io("cannot read static file", entry.path(), e))?;
                files.push((rel.to_string_lossy().replace('\\', "/"), bytes));
            }
        }
    }
    for (name, bytes) in DEFAULT_STATIC {
        if !files.iter().any(|(have, _)| have == name) {
            files.push((name.to_string(), bytes.to_vec()));
        }
    }
    Ok(files)
}

fn robots(catalog: &Catalog) -> String {
    format!(
        "User-agent: *\nAllow: /\n\nSitemap: {}/sitemap.xml\n",
        catalog.site.base_url.trim_end_matches('/')
    )
}
