//! Write: puts files into the output folder without ever leaving it broken.
//!
//! A file that replaces an old version is written beside its target and renamed over it; one whose
//! bytes are unchanged is not touched at all, so its mtime stays and a deploy by rsync copies
//! nothing. A file new to the folder is written straight to its place: nothing old is at risk,
//! and the build links to it only once it is whole (see `site`). Files that no longer belong to the
//! site are removed only after every page was written. Not for: deciding what the pages are
//! (`render`).

use std::collections::HashSet;
use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::error::{Error, Result};

/// Temporary files carry this prefix, so a build killed midway leaves only names the next build
/// recognises as not belonging to the site and removes.
const TEMP_PREFIX: &str = ".statusref-tmp-";

pub struct Output {
    root: PathBuf,
    /// The folder held nothing when the build began: every file is new, nothing can be stale,
    /// and no page's folder exists yet, so the build skips the checks that would find that out
    /// file by file.
    was_empty: bool,
    written: AtomicUsize,
    unchanged: AtomicUsize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Written,
    Unchanged,
}

impl Output {
    pub fn open(root: &Path) -> Result<Output> {
        fs::create_dir_all(root)
            .map_err(|e| Error::io("cannot create the output folder", root, e))?;
        let was_empty = fs::read_dir(root)
            .map_err(|e| Error::io("cannot list the output folder", root, e))?
            .next()
            .is_none();
        Ok(Output {
            root: root.to_path_buf(),
            was_empty,
            written: AtomicUsize::new(0),
            unchanged: AtomicUsize::new(0),
        })
    }

    /// Whether the folder held nothing when the build began.
    pub fn was_empty(&self) -> bool {
        self.was_empty
    }

    fn count(&self, outcome: Outcome) -> Outcome {
        let counter = match outcome {
            Outcome::Written => &self.written,
            Outcome::Unchanged => &self.unchanged,
        };
        counter.fetch_add(1, Ordering::Relaxed);
        outcome
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    pub fn written(&self) -> usize {
        self.written.load(Ordering::Relaxed)
    }

    pub fn unchanged(&self) -> usize {
        self.unchanged.load(Ordering::Relaxed)
    }

    /// Makes `rel` hold exactly `bytes`.
    pub fn put(&self, rel: &str, bytes: &[u8]) -> Result<Outcome> {
        let path = self.root.join(rel);
        if same_content(&path, bytes) {
            return Ok(self.count(Outcome::Unchanged));
        }
        let dir = path.parent().unwrap_or(&self.root);
        fs::create_dir_all(dir).map_err(|e| Error::io("cannot create folder", dir, e))?;
        let temp = temp_beside(&path);
        let write = || -> std::io::Result<()> {
            let mut file = fs::File::create(&temp)?;
            file.write_all(bytes)?;
            fs::rename(&temp, &path)
        };
        write().map_err(|e| {
            let _ = fs::remove_file(&temp);
            Error::io("cannot write", &path, e)
        })?;
        Ok(self.count(Outcome::Written))
    }

    /// Writes a file that the output does not have yet, straight to its place: with no old
    /// version there is nothing to protect, so it needs no temporary file and no rename. No other
    /// page links to it until the pages that replace old ones are written, after it is whole.
    pub fn put_new(&self, rel: &str, bytes: &[u8]) -> Result<Outcome> {
        let path = self.root.join(rel);
        let dir = path.parent().unwrap_or(&self.root);
        let write = || -> std::io::Result<()> {
            let mut file = match fs::File::create_new(&path) {
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                    fs::create_dir_all(dir)?;
                    fs::File::create_new(&path)?
                }
                other => other?,
            };
            file.write_all(bytes)
        };
        match write() {
            Ok(()) => Ok(self.count(Outcome::Written)),
            // It appeared since the caller looked: replace it the careful way.
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => self.put(rel, bytes),
            Err(e) => Err(Error::io("cannot write", &path, e)),
        }
    }

    /// Makes the folder of the file `rel(i)` names for each `i` of `files`, in order, until
    /// `stop` is set; skips the first `taken` of them, which the writers reached first (they make
    /// a missing folder themselves). Meant to run on its own thread ahead of the writers, so that
    /// they do not take turns at the lock of the folder that holds all the pages' folders.
    pub fn make_folders_ahead(
        &self,
        files: impl Iterator<Item = usize>,
        rel: impl Fn(usize) -> String,
        taken: &AtomicUsize,
        stop: &std::sync::atomic::AtomicBool,
    ) {
        for (k, i) in files.enumerate() {
            if stop.load(Ordering::Relaxed) {
                break;
            }
            if k < taken.load(Ordering::Relaxed) {
                continue;
            }
            let path = self.root.join(rel(i));
            if let Some(dir) = path.parent().filter(|d| *d != self.root) {
                // Errors are the writers' to report, when they open the file.
                if let Err(e) = fs::create_dir(dir)
                    && e.kind() == std::io::ErrorKind::NotFound
                {
                    let _ = fs::create_dir_all(dir);
                }
            }
        }
    }

    /// A path in the output folder for a file that will be moved into place with [`adopt`];
    /// the next build removes it if this one never does.
    ///
    /// [`adopt`]: Output::adopt
    pub fn temp_path(&self, name: &str) -> PathBuf {
        temp_beside(&self.root.join(name))
    }

    /// Moves a finished file from `temp` to `rel`, or drops it if `rel` already has the same
    /// bytes, so that an unchanged file keeps its mtime.
    pub fn adopt(&self, temp: &Path, rel: &str) -> Result<Outcome> {
        let path = self.root.join(rel);
        if files_equal(temp, &path) {
            let _ = fs::remove_file(temp);
            return Ok(self.count(Outcome::Unchanged));
        }
        fs::rename(temp, &path).map_err(|e| Error::io("cannot write", &path, e))?;
        Ok(self.count(Outcome::Written))
    }

    /// Removes every file under the output folder for which `belongs` is false, and folders
    /// left empty. Returns how many files were removed. Walks contents before their folder and
    /// holds no list, so it costs no memory per page.
    pub fn remove_stale(&self, belongs: impl Fn(&str) -> bool) -> Result<usize> {
        if self.was_empty {
            return Ok(0); // everything in it was put by this build
        }
        let mut removed = 0;
        // Folders known to keep something. Contents come before their folder, so this holds
        // only folders whose walk is under way: the chain above the current entry.
        let mut kept: HashSet<PathBuf> = HashSet::new();
        for entry in walkdir::WalkDir::new(&self.root)
            .min_depth(1)
            .follow_links(false)
            .contents_first(true)
        {
            let entry =
                entry.map_err(|e| Error::walk("cannot list the output folder", &self.root, e))?;
            let parent = || entry.path().parent().map(Path::to_path_buf);
            if entry.file_type().is_dir() {
                // An empty folder, such as one a killed build made for a page it never wrote,
                // goes too; remove_dir refuses, as it should, one that holds anything.
                if kept.remove(entry.path()) || fs::remove_dir(entry.path()).is_err() {
                    kept.extend(parent());
                }
                continue;
            }
            let rel = entry
                .path()
                .strip_prefix(&self.root)
                .unwrap_or(entry.path());
            if belongs(&rel.to_string_lossy().replace('\\', "/")) {
                kept.extend(parent());
            } else {
                fs::remove_file(entry.path())
                    .map_err(|e| Error::io("cannot remove stale file", entry.path(), e))?;
                removed += 1;
            }
        }
        Ok(removed)
    }

    /// Writes the sitemap for `count` pages given as (absolute URL, lastmod): one `sitemap.xml`,
    /// or past `limit` URLs an index of `sitemap-1.xml`, `sitemap-2.xml`, …. Streams to disk and
    /// replaces each file only if it changed. Returns the names of the files.
    pub fn write_sitemaps(
        &self,
        base_url: &str,
        count: usize,
        entries: impl Iterator<Item = (String, String)>,
        limit: usize,
    ) -> Result<Vec<String>> {
        use std::io::BufWriter;
        const HEAD: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
        const NS: &str = "xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\"";
        let single = count <= limit;
        let mut names = Vec::new();
        let mut index = format!("{HEAD}<sitemapindex {NS}>\n");
        let mut entries = entries.peekable();
        let mut part = 0;
        while part == 0 || entries.peek().is_some() {
            part += 1;
            let name = if single {
                "sitemap.xml".to_string()
            } else {
                format!("sitemap-{part}.xml")
            };
            let temp = self.temp_path(&name);
            let io = |e| Error::io("cannot write", &temp, e);
            let mut out = BufWriter::new(fs::File::create(&temp).map_err(io)?);
            writeln!(out, "{HEAD}<urlset {NS}>").map_err(io)?;
            let mut newest = String::new();
            for (url, lastmod) in entries.by_ref().take(limit) {
                writeln!(
                    out,
                    "<url><loc>{}</loc><lastmod>{lastmod}</lastmod></url>",
                    xml_escape(&url)
                )
                .map_err(io)?;
                if lastmod > newest {
                    newest = lastmod;
                }
            }
            out.write_all(b"</urlset>\n").map_err(io)?;
            out.into_inner().map_err(|e| io(e.into_error()))?;
            self.adopt(&temp, &name)?;
            index.push_str(&format!(
                "<sitemap><loc>{}/{name}</loc><lastmod>{newest}</lastmod></sitemap>\n",
                xml_escape(base_url.trim_end_matches('/'))
            ));
            names.push(name);
        }
        if !single {
            index.push_str("</sitemapindex>\n");
            self.put("sitemap.xml", index.as_bytes())?;
            names.push("sitemap.xml".to_string());
        }
        Ok(names)
    }
}

/// Where a build records what it was made from and what it left, so that the next build can
/// tell cheaply that there is nothing to do: beside the output folder, not in it, so the output
/// stays byte-identical for the same input and deploys without it.
fn stamp_path(root: &Path) -> PathBuf {
    let name = root
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "out".to_string());
    root.with_file_name(format!(".{name}.statusref-build"))
}

/// How many files the output folder `root` holds if it is exactly as the last complete build
/// left it and that build was made from `inputs`, with pages `page(0..count)`; None otherwise.
/// Reads only: a folder that is not there is simply not up to date.
pub fn up_to_date(
    root: &Path,
    inputs: u64,
    count: usize,
    page: impl Fn(usize) -> String + Sync,
) -> Option<usize> {
    let last = read_stamp(root)?;
    (last.inputs == inputs && tree_signature(root, count, page, &last.others) == Some(last.tree))
        .then(|| count + last.others.len())
}

/// A hash over what a build leaves: the pages `page(0..count)` and the `others` files, each
/// with its path, size and modification time, and the folders holding them with theirs. A
/// page's folder counts; every folder above one of the `others` counts. Adding or removing
/// anything in one of these folders changes the folder's modification time, and so the
/// signature; it is read with one `stat` per file and folder, with no listing of folders.
/// None when one of them is missing.
pub fn tree_signature(
    root: &Path,
    count: usize,
    page: impl Fn(usize) -> String + Sync,
    others: &[String],
) -> Option<u64> {
    use rayon::prelude::*;
    let share = |rel: &str, every_folder: bool| -> Option<u64> {
        let path = root.join(rel);
        let mut sum = entry_signature(Path::new(rel), &fs::metadata(&path).ok()?);
        let mut folder = path.parent();
        while let Some(dir) = folder {
            let rel = dir.strip_prefix(root).ok()?;
            sum = sum.wrapping_add(entry_signature(rel, &fs::metadata(dir).ok()?));
            if !every_folder || dir == root {
                break;
            }
            folder = dir.parent();
        }
        Some(sum)
    };
    let add = |a: u64, b: u64| Some(a.wrapping_add(b));
    let pages = (0..count)
        .into_par_iter()
        .map(|i| share(&page(i), false))
        .try_reduce(|| 0, add)?;
    let others = others
        .par_iter()
        .map(|rel| share(rel, true))
        .try_reduce(|| 0, add)?;
    add(pages, others)
}

/// What the last complete build left, if any.
fn read_stamp(root: &Path) -> Option<Stamp> {
    let text = fs::read_to_string(stamp_path(root)).ok()?;
    let mut lines = text.lines();
    let (inputs, tree) = lines.next()?.split_once(' ')?;
    Some(Stamp {
        inputs: u64::from_str_radix(inputs, 16).ok()?,
        tree: u64::from_str_radix(tree, 16).ok()?,
        others: lines.map(str::to_string).collect(),
    })
}

/// What a complete build left: a fingerprint of its inputs, the [`tree_signature`] of
/// its output, and the files it wrote besides pages, which the signature covers too.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stamp {
    pub inputs: u64,
    pub tree: u64,
    pub others: Vec<String>,
}

impl Output {
    /// Forgets the last build, before this one starts changing the folder.
    pub fn clear_stamp(&self) {
        let _ = fs::remove_file(stamp_path(&self.root));
    }

    /// Records a complete build. Written last, so a build that stops early leaves no stamp that
    /// matches, and the next build does the work.
    pub fn write_stamp(&self, stamp: &Stamp) -> Result<()> {
        let path = stamp_path(&self.root);
        let mut text = format!("{:016x} {:016x}\n", stamp.inputs, stamp.tree);
        for name in &stamp.others {
            text.push_str(name);
            text.push('\n');
        }
        fs::write(&path, text).map_err(|e| Error::io("cannot write", &path, e))
    }
}

/// Where a file bound for `path` is written before it is renamed over it: beside it, under a name
/// that the next build, should this one be killed first, recognises as not the site's.
pub fn temp_beside(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    path.with_file_name(format!("{TEMP_PREFIX}{}-{name}", std::process::id()))
}

/// The most URLs one sitemap file may list (sitemaps.org).
pub const SITEMAP_LIMIT: usize = 50_000;

fn xml_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// Whether two files hold the same bytes, read a block at a time.
fn files_equal(a: &Path, b: &Path) -> bool {
    use std::io::Read as _;
    let (Ok(ma), Ok(mb)) = (fs::metadata(a), fs::metadata(b)) else {
        return false;
    };
    if ma.len() != mb.len() {
        return false;
    }
    let (Ok(mut fa), Ok(mut fb)) = (fs::File::open(a), fs::File::open(b)) else {
        return false;
    };
    let (mut ba, mut bb) = (vec![0u8; 1 << 16], vec![0u8; 1 << 16]);
    loop {
        let Ok(n) = fa.read(&mut ba) else {
            return false;
        };
        if n == 0 {
            return true;
        }
        if fb.read_exact(&mut bb[..n]).is_err() || ba[..n] != bb[..n] {
            return false;
        }
    }
}

fn same_content(path: &Path, bytes: &[u8]) -> bool {
    match fs::metadata(path) {
        Ok(meta) if meta.is_file() && meta.len() == bytes.len() as u64 => {
            fs::read(path).is_ok_and(|old| old == bytes)
        }
        _ => false,
    }
}

/// One file's or folder's share of a tree signature. Shares are summed, so they can be taken in
/// any order, on any number of threads.
fn entry_signature(rel: &Path, meta: &fs::Metadata) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::hash::DefaultHasher::new();
    rel.hash(&mut hasher);
    meta.len().hash(&mut hasher);
    meta.modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map(|d| d.as_nanos())
        .hash(&mut hasher);
    hasher.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sitemaps_split_into_an_index_past_the_limit() {
        let entries =
            || (0..5).map(|i| (format!("https://x.org/{i}/"), format!("2026-01-0{}", i + 1)));
        let dir = tempfile::tempdir().unwrap();
        let out = Output::open(dir.path()).unwrap();
        assert_eq!(
            out.write_sitemaps("https://x.org", 5, entries(), 5)
                .unwrap(),
            ["sitemap.xml"]
        );
        let one = fs::read_to_string(dir.path().join("sitemap.xml")).unwrap();
        assert_eq!(one.matches("<url>").count(), 5);
        let names = out
            .write_sitemaps("https://x.org/", 5, entries(), 2)
            .unwrap();
        assert_eq!(
            names,
            [
                "sitemap-1.xml",
                "sitemap-2.xml",
                "sitemap-3.xml",
                "sitemap.xml"
            ]
        );
        let index = fs::read_to_string(dir.path().join("sitemap.xml")).unwrap();
        assert!(index.contains(
            "<sitemap><loc>https://x.org/sitemap-3.xml</loc><lastmod>2026-01-05</lastmod></sitemap>"
        ));
        let last = fs::read_to_string(dir.path().join("sitemap-3.xml")).unwrap();
        assert_eq!(last.matches("<url>").count(), 1);
    }

    #[test]
    fn unchanged_files_keep_their_mtime_and_stale_ones_go() {
        let dir = tempfile::tempdir().unwrap();
        let out = Output::open(dir.path()).unwrap();
        assert_eq!(out.put("a/index.html", b"one").unwrap(), Outcome::Written);
        assert_eq!(out.put("b/index.html", b"two").unwrap(), Outcome::Written);
        let mtime = fs::metadata(dir.path().join("a/index.html"))
            .unwrap()
            .modified()
            .unwrap();
        assert_eq!(out.put("a/index.html", b"one").unwrap(), Outcome::Unchanged);
        assert_eq!(
            fs::metadata(dir.path().join("a/index.html"))
                .unwrap()
                .modified()
                .unwrap(),
            mtime
        );
        assert_eq!(out.put("a/index.html", b"ONE").unwrap(), Outcome::Written);
        assert_eq!(fs::read(dir.path().join("a/index.html")).unwrap(), b"ONE");
        // Into a folder that was empty, every file is this build's own.
        assert_eq!(out.remove_stale(|rel| rel == "a/index.html").unwrap(), 0);

        out.put("c/d/e/index.html", b"deep").unwrap();
        out.put("c/keep.html", b"kept").unwrap();
        fs::create_dir_all(dir.path().join("f/g")).unwrap();
        let next = Output::open(dir.path()).unwrap();
        assert!(!next.was_empty());
        next.put("a/index.html", b"ONE").unwrap();
        next.put("c/keep.html", b"kept").unwrap();
        let belongs = |rel: &str| rel == "a/index.html" || rel == "c/keep.html";
        assert_eq!(next.remove_stale(belongs).unwrap(), 2);
        assert!(!dir.path().join("b").exists());
        assert!(
            !dir.path().join("c/d").exists(),
            "emptied folders go, up the tree"
        );
        assert!(dir.path().join("c/keep.html").exists());
        assert!(!dir.path().join("f").exists(), "empty folders go");
    }

    /// Sets every file's and folder's modification time back, so that any later change is
    /// seen in its modification time whatever the clock's granularity.
    fn age(root: &Path) {
        let old = std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_000_000_000);
        for entry in walkdir::WalkDir::new(root).contents_first(true) {
            let entry = entry.unwrap();
            fs::File::open(entry.path())
                .unwrap()
                .set_modified(old)
                .unwrap();
        }
    }

    #[test]
    fn the_tree_signature_sees_any_change_to_what_a_build_left() {
        let dir = tempfile::tempdir().unwrap();
        let out = Output::open(dir.path()).unwrap();
        let pages = [
            "index.html",
            "p/index.html",
            "p/a/index.html",
            "p/b/index.html",
        ];
        for rel in pages {
            out.put(rel, rel.as_bytes()).unwrap();
        }
        out.put("assets/img/logo.svg", b"<svg/>").unwrap();
        let others = ["assets/img/logo.svg".to_string()];
        let signature =
            || tree_signature(dir.path(), pages.len(), |i| pages[i].to_string(), &others);
        type Change<'a> = (&'a str, &'a dyn Fn(&Path));
        let changes: [Change; 7] = [
            ("a file added in a page's folder", &|d| {
                fs::write(d.join("p/a/x"), "").unwrap()
            }),
            ("a file added beside the pages' folders", &|d| {
                fs::write(d.join("p/x"), "").unwrap()
            }),
            ("a file added at the root", &|d| {
                fs::write(d.join("x"), "").unwrap()
            }),
            ("a folder added above a static file", &|d| {
                fs::create_dir(d.join("assets/new")).unwrap()
            }),
            ("a page changed in place", &|d| {
                fs::write(d.join("p/b/index.html"), "p/b/index.htmX").unwrap()
            }),
            ("a static file changed", &|d| {
                fs::write(d.join("assets/img/logo.svg"), "<svg />").unwrap()
            }),
            ("a page removed", &|d| {
                fs::remove_file(d.join("p/a/index.html")).unwrap()
            }),
        ];
        for (what, change) in changes {
            age(dir.path());
            let before = signature().unwrap();
            assert_eq!(signature(), Some(before), "nothing changed");
            change(dir.path());
            assert_ne!(signature(), Some(before), "{what}");
        }
        assert_eq!(signature(), None, "a page is missing");
    }
}
