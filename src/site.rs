//! Site: the build pipeline, top to bottom — load, catalog, render, write.
//!
//! Reads as the order things happen. Pages are rendered in parallel and each is written as soon
//! as it is rendered, so memory does not grow with the number of pairs. Nothing in the output
//! folder is touched until the content is valid and one page of every kind has rendered.

use std::collections::HashSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::catalog::{self, Catalog, Fingerprint};
use crate::error::{Diagnostic, Error, Result};
use crate::load;
use crate::render::LinkStyle;
use crate::render::{self, BundleLink, PageList, PageRef, Renderer};
use crate::write::{self, Output, record};

mod pages;

/// Static files a site gets when its static/ lacks them: the stylesheet, the icons, and the
/// image that link previews show.
const DEFAULT_STATIC: [(&str, &[u8]); 5] = [
    ("style.css", include_bytes!("../static/style.css")),
    ("favicon.svg", include_bytes!("../static/favicon.svg")),
    ("favicon.ico", include_bytes!("../static/favicon.ico")),
    ("og.png", include_bytes!("../static/og.png")),
    ("search.js", include_bytes!("../static/search.js")),
];

/// The offline bundle's file name, in the published site and by default for `statusref bundle`.
pub const BUNDLE_FILE: &str = "statusref-offline.zip";
/// The folder the bundle unpacks into, so that unzipping does not scatter files.
const BUNDLE_DIR: &str = "statusref";

#[derive(Debug, Clone)]
pub struct BuildOptions {
    /// The site folder: content/, templates/ and static/ are read from here.
    pub root: PathBuf,
    pub out: PathBuf,
    /// Replaces site.toml's base_url, e.g. for a preview deploy.
    pub base_url: Option<String>,
    pub links: LinkStyle,
    /// Also write the offline bundle into the output and link it from the home page.
    pub bundle: bool,
}

impl BuildOptions {
    pub fn new(root: &Path) -> BuildOptions {
        BuildOptions {
            root: root.to_path_buf(),
            out: root.join("public"),
            base_url: None,
            links: LinkStyle::Directory,
            bundle: false,
        }
    }
}

#[derive(Debug, Clone)]
pub struct BuildReport {
    pub pages: usize,
    pub written: usize,
    /// Files whose bytes were already there, the pages not rendered among them.
    pub unchanged: usize,
    /// Pages made only of inputs unchanged since the last build, so not rendered again.
    pub not_rendered: usize,
    pub removed: usize,
    /// Neither the inputs nor the output changed since the last build, so nothing was rendered.
    pub up_to_date: bool,
    pub elapsed: Duration,
    /// What in the content is allowed but probably a mistake.
    pub warnings: Vec<Diagnostic>,
}

impl std::fmt::Display for BuildReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.up_to_date {
            return write!(
                f,
                "{} pages: up to date, nothing changed since the last build ({:.2}s)",
                self.pages,
                self.elapsed.as_secs_f64()
            );
        }
        write!(
            f,
            "{} pages: {} files written, {} unchanged ({} pages not rendered again), {} removed in {:.2}s",
            self.pages,
            self.written,
            self.unchanged,
            self.not_rendered,
            self.removed,
            self.elapsed.as_secs_f64()
        )
    }
}

/// Loads and validates a site's content.
pub fn load_catalog(root: &Path, base_url: Option<&str>) -> Result<Catalog> {
    let loaded = load::load(&root.join("content"));
    let Some(mut source) = loaded.source else {
        return Err(Error::Content(loaded.diagnostics));
    };
    if let Some(url) = base_url {
        source.site.base_url = url.to_string();
    }
    catalog::build(source, loaded.diagnostics).map_err(Error::Content)
}

/// Told how a build advances, for a progress bar; the library draws nothing itself.
pub trait Progress: Sync {
    fn start(&self, _pages: usize) {}
    fn advance(&self) {}
    fn finish(&self) {}
}

/// Reports nothing.
pub struct Silent;

impl Progress for Silent {}

pub fn build(options: &BuildOptions) -> Result<BuildReport> {
    build_with_progress(options, &Silent)
}

pub fn build_with_progress(options: &BuildOptions, progress: &dyn Progress) -> Result<BuildReport> {
    let started = Instant::now();
    // Before anything is read: a destination that could hold what the build did not write, or
    // its own inputs, is refused.
    let claim = write::claim_output(&options.out, &options.root)?;
    let catalog = load_catalog(&options.root, options.base_url.as_deref())?;
    let pages = PageList::new(&catalog);
    let page_path = |i: usize| pages.get(i).output_path(&catalog);
    // Nothing to do when the inputs and the output folder are exactly as the last build left
    // them: one `stat` per file and folder instead of rendering every page.
    let fingerprint = Fingerprint::of(&catalog);
    let (inputs, shared) = inputs_fingerprint(options, &catalog, &fingerprint)?;
    let previous = claim.previous.as_ref();
    if let Some(files) = record::up_to_date(&claim.root, previous, inputs, pages.len(), page_path) {
        return Ok(BuildReport {
            pages: pages.len(),
            written: 0,
            unchanged: files,
            not_rendered: pages.len(),
            removed: 0,
            up_to_date: true,
            elapsed: started.elapsed(),
            warnings: catalog.warnings,
        });
    }
    let tera = render::load_templates(&options.root.join("templates"))?;
    let renderer = Renderer::for_both_styles(tera, &catalog)?;
    render_one_of_each_kind(&renderer, &pages)?;
    let statics = site_files(&options.root, &catalog)?;
    let with_bundle = options.bundle && options.links == LinkStyle::Directory;
    let others = other_files(&statics, pages.len(), with_bundle);
    let belongs = |rel: &str| {
        others.binary_search_by(|o| o.as_str().cmp(rel)).is_ok()
            || PageRef::from_output_path(&catalog, rel).is_some()
    };
    // With everything but some codes' text as the last build had it, in a folder as it left
    // it, a comparison of two unchanged codes would come out as the file that is there.
    let unchanged = record::reusable_parts(&claim.root, previous, shared, pages.len(), page_path)
        .map(|parts| fingerprint.unchanged(&catalog, parts));
    let kept = |i: usize| match (&unchanged, pages.get(i)) {
        (Some(unchanged), PageRef::Pair(pi, pair)) => unchanged.pair(pi, pair.low(), pair.high()),
        _ => false,
    };
    let previous_bundle = claim.root.join(BUNDLE_FILE);
    let output = Output::open(claim, &others, (0..pages.len()).map(page_path), belongs)?;

    let temp = with_bundle.then(|| output.temp_file()).transpose()?;
    let mut bundle = match &temp {
        Some(temp) => {
            let previous = unchanged
                .as_ref()
                .map(|_| (previous_bundle.as_path(), &kept as _));
            Some(pages::Bundle::new(temp, previous)?)
        }
        None => None,
    };
    let pass = pages::Pages {
        renderer: &renderer,
        catalog: &catalog,
        list: &pages,
        output: Some((&output, options.links)),
        kept: &kept,
        progress,
    };
    let not_rendered = pass.write(bundle.is_none(), bundle.as_mut())?;
    write_other_files(&output, &renderer, &statics, &pages, &catalog)?;
    if let (Some(bundle), Some(temp)) = (bundle, temp) {
        let bytes = bundle.finish(bundle_extras(&statics, &renderer.search_index()))?;
        output.adopt(temp, BUNDLE_FILE)?;
        renderer.link_bundle(BundleLink {
            file: BUNDLE_FILE.to_string(),
            bytes,
        });
        pass.write_home()?;
    }
    let removed = output.remove_stale()?;
    let parts = fingerprint.parts(&catalog);
    output.finish((inputs, shared, &parts), &others, pages.len(), page_path)?;
    Ok(BuildReport {
        pages: pages.len(),
        written: output.written(),
        unchanged: output.unchanged() + not_rendered,
        not_rendered,
        removed,
        up_to_date: false,
        elapsed: started.elapsed(),
        warnings: catalog.warnings.clone(),
    })
}

/// Writes the files besides the pages and the bundle: the static files, the search index, the
/// sitemaps and robots.txt.
fn write_other_files(
    output: &Output,
    renderer: &Renderer,
    statics: &[(String, Vec<u8>)],
    pages: &PageList,
    catalog: &Catalog,
) -> Result<()> {
    for (name, bytes) in statics {
        output.put(name, bytes)?;
    }
    output.put(
        render::SEARCH_INDEX_FILE,
        renderer.search_index().as_bytes(),
    )?;
    let canonical = pages.iter().filter_map(|page| {
        page.dir(catalog)
            .map(|dir| (renderer.links().canonical(&dir), renderer.modified(page)))
    });
    output.write_sitemaps(
        &catalog.site.base_url,
        pages.len() - 1,
        canonical,
        |urls| renderer.sitemap(urls),
        |parts| renderer.sitemap_index(parts),
    )?;
    output.put("robots.txt", &renderer.robots()?)?;
    Ok(())
}

/// Every file a build writes besides the pages, sorted: the static files, the search index,
/// the sitemaps for `pages` pages, robots.txt and, `with_bundle`, the bundle.
pub fn other_files(statics: &[(String, Vec<u8>)], pages: usize, with_bundle: bool) -> Vec<String> {
    let mut names: Vec<String> = statics.iter().map(|(name, _)| name.clone()).collect();
    names.push(render::SEARCH_INDEX_FILE.to_string());
    // The 404 page is not in the sitemap.
    names.extend(write::sitemap_names(pages.saturating_sub(1)));
    names.push("robots.txt".to_string());
    if with_bundle {
        names.push(BUNDLE_FILE.to_string());
    }
    names.sort();
    names.dedup();
    names
}

/// Writes the offline site of `root` as one zip file at `dest`, replacing it atomically; `dest`
/// must not be among the site's inputs, and may replace only an earlier bundle. Returns the
/// zip's size in bytes.
pub fn bundle(root: &Path, base_url: Option<&str>, dest: &Path) -> Result<u64> {
    write::claim_bundle(dest, root, BUNDLE_DIR)?;
    let dir = dest
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    fs::create_dir_all(dir).map_err(|e| Error::io("cannot create folder", dir, e))?;
    let catalog = load_catalog(root, base_url)?;
    let tera = render::load_templates(&root.join("templates"))?;
    let renderer = Renderer::for_both_styles(tera, &catalog)?;
    let pages = PageList::new(&catalog);
    render_one_of_each_kind(&renderer, &pages)?;
    let statics = site_files(root, &catalog)?;
    let temp = write::temp_file_in(dir)?;
    let mut bundle = pages::Bundle::new(&temp, None)?;
    pages::Pages {
        renderer: &renderer,
        catalog: &catalog,
        list: &pages,
        output: None,
        kept: &|_| false,
        progress: &Silent,
    }
    .write(false, Some(&mut bundle))?;
    let bytes = bundle.finish(bundle_extras(&statics, &renderer.search_index()))?;
    temp.persist(dest)
        .map_err(|e| Error::io("cannot write", dest, e.error))?;
    Ok(bytes)
}

/// What the bundle holds besides its pages: the static files and the search index.
fn bundle_extras<'a>(
    statics: &'a [(String, Vec<u8>)],
    search_index: &'a str,
) -> impl Iterator<Item = (&'a str, &'a [u8])> {
    statics
        .iter()
        .map(|(name, bytes)| (name.as_str(), bytes.as_slice()))
        .chain([(render::SEARCH_INDEX_FILE, search_index.as_bytes())])
}

/// Hashes of everything a build's output depends on: the statusref binary itself (a new
/// version may render the same input differently), the options, every file under templates/
/// and static/, and the catalog, which is all a build takes from content/. Returns the hash of
/// all of it and the hash of all but the parts of the catalog that only some pages show.
fn inputs_fingerprint(
    options: &BuildOptions,
    catalog: &Catalog,
    fingerprint: &Fingerprint,
) -> Result<(u64, u64)> {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::hash::DefaultHasher::new();
    if let Ok(exe) = std::env::current_exe().and_then(fs::metadata) {
        exe.len().hash(&mut hasher);
        exe.modified().ok().hash(&mut hasher);
    }
    env!("CARGO_PKG_VERSION").hash(&mut hasher);
    (
        options.links == LinkStyle::File,
        options.bundle,
        &catalog.site.base_url,
    )
        .hash(&mut hasher);
    for dir in write::INPUT_FOLDERS.iter().filter(|&&d| d != "content") {
        let dir = options.root.join(dir);
        for entry in walkdir::WalkDir::new(&dir)
            .sort_by_file_name()
            .into_iter()
            .filter_map(|e| e.ok())
        {
            if entry.file_type().is_file() {
                entry
                    .path()
                    .strip_prefix(&options.root)
                    .unwrap_or(entry.path())
                    .hash(&mut hasher);
                fs::read(entry.path())
                    .map_err(|e| Error::io("cannot read", entry.path(), e))?
                    .hash(&mut hasher);
            }
        }
    }
    fingerprint.shared.hash(&mut hasher);
    let shared = hasher.finish();
    fingerprint.codes.hash(&mut hasher);
    fingerprint.notes.hash(&mut hasher);
    Ok((hasher.finish(), shared))
}

/// Template errors usually fail every page of a kind; finding them before the first write keeps
/// the old site whole.
fn render_one_of_each_kind(renderer: &Renderer, pages: &PageList) -> Result<()> {
    let mut seen = HashSet::new();
    let mut buf = Vec::new();
    // One of each kind: the fixed pages come first, then the first comparison.
    let first_pair = pages.iter().position(|p| matches!(p, PageRef::Pair(..)));
    let candidates = pages.iter().take(first_pair.map_or(pages.len(), |i| i + 1));
    for page in candidates {
        if seen.insert(std::mem::discriminant(&page)) {
            buf.clear();
            renderer.render(page, &mut buf)?;
        }
    }
    Ok(())
}

/// The site's static/ files, with the defaults for any it does not ship. Every name is checked
/// first: it must stay inside the output folder however a system reads it, and must not take
/// the place of a file the build makes.
/// Every file of the output besides its pages, sitemaps, search index and bundle: static/'s
/// files (or the defaults), the compare pickers' lists and the open data, by output name.
pub fn site_files(root: &Path, catalog: &Catalog) -> Result<Vec<(String, Vec<u8>)>> {
    let mut files = static_files(root, catalog)?;
    files.extend(render::picker_files(catalog));
    files.extend(render::data_files(catalog));
    Ok(files)
}

fn static_files(root: &Path, catalog: &Catalog) -> Result<Vec<(String, Vec<u8>)>> {
    let dir = root.join("static");
    let mut files = Vec::new();
    let mut problems = Vec::new();
    if dir.is_dir() {
        for entry in walkdir::WalkDir::new(&dir)
            .follow_links(false)
            .sort_by_file_name()
        {
            let entry = entry.map_err(|e| Error::walk("cannot read static file", &dir, e))?;
            if !entry.file_type().is_file() {
                continue;
            }
            let rel = entry.path().strip_prefix(&dir).unwrap_or(entry.path());
            match static_name(rel, catalog) {
                Ok(name) => {
                    let bytes = fs::read(entry.path())
                        .map_err(|e| Error::io("cannot read static file", entry.path(), e))?;
                    files.push((name, bytes));
                }
                Err((message, hint)) => {
                    problems.push(Diagnostic::new(entry.path(), message).hint(hint));
                }
            }
        }
    }
    if !problems.is_empty() {
        return Err(Error::Content(problems));
    }
    for (name, bytes) in DEFAULT_STATIC {
        if !files.iter().any(|(have, _)| have == name) {
            files.push((name.to_string(), bytes.to_vec()));
        }
    }
    Ok(files)
}

/// The name under which the static file at `rel` (below static/) is published, or what is
/// wrong with it and what to do.
fn static_name(rel: &Path, catalog: &Catalog) -> std::result::Result<String, (String, String)> {
    let rename = "rename the file".to_string();
    let Some(name) = rel.to_str() else {
        return Err(("the file name is not valid UTF-8".to_string(), rename));
    };
    if !record::is_safe_relative(name) {
        return Err((
            "the file name holds a backslash or a control character; a server or unzip tool \
             that reads `\\` as a folder separator would put it outside the site"
                .to_string(),
            rename,
        ));
    }
    let file = name.rsplit('/').next().unwrap_or(name);
    let generated = [render::SEARCH_INDEX_FILE, "robots.txt", BUNDLE_FILE];
    if write::is_temporary(file)
        || generated.contains(&name)
        || name.starts_with(&format!("{}/", render::DATA_DIR))
        || name.starts_with(&format!("{}/", render::PICKER_DIR))
        || (file.starts_with("sitemap") && file.ends_with(".xml") && !name.contains('/'))
    {
        return Err((
            format!("`{name}` is a file the build writes itself"),
            rename,
        ));
    }
    if let Some(page) = PageRef::from_output_path(catalog, name) {
        return Err((
            format!(
                "`{name}` would take the place of the page {}",
                page.output_path(catalog)
            ),
            "rename the file, or change the page through templates/".to_string(),
        ));
    }
    Ok(name.to_string())
}
