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
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

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
    /// The [`tree_signature`] of the files put so far, kept as they are put so that a build
    /// need not walk its own output again to record it.
    ///
    /// [`tree_signature`]: Output::tree_signature
    signature: AtomicU64,
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
            signature: AtomicU64::new(0),
        })
    }

    /// Whether the folder held nothing when the build began.
    pub fn was_empty(&self) -> bool {
        self.was_empty
    }

    fn count(&self, outcome: Outcome, rel: &str, meta: &fs::Metadata) -> Outcome {
        let counter = match outcome {
            Outcome::Written => &self.written,
            Outcome::Unchanged => &self.unchanged,
        };
        counter.fetch_add(1, Ordering::Relaxed);
        self.signature
            .fetch_add(file_signature(rel, meta), Ordering::Relaxed);
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
        if let Some(meta) = same_content(&path, bytes) {
            return Ok(self.count(Outcome::Unchanged, rel, &meta));
        }
        let dir = path.parent().unwrap_or(&self.root);
        fs::create_dir_all(dir).map_err(|e| Error::io("cannot create folder", dir, e))?;
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let temp = dir.join(format!("{TEMP_PREFIX}{}-{name}", std::process::id()));
        let write = || -> std::io::Result<fs::Metadata> {
            let mut file = fs::File::create(&temp)?;
            file.write_all(bytes)?;
            // Renaming keeps the mtime, so the signature can be read off the open file.
            let meta = file.metadata()?;
            fs::rename(&temp, &path)?;
            Ok(meta)
        };
        let meta = write().map_err(|e| {
            let _ = fs::remove_file(&temp);
            Error::io("cannot write", &path, e)
        })?;
        Ok(self.count(Outcome::Written, rel, &meta))
    }

    /// Writes a file that the output does not have yet, straight to its place: with no old
    /// version there is nothing to protect, so it needs no temporary file and no rename. No other
    /// page links to it until the pages that replace old ones are written, after it is whole.
    pub fn put_new(&self, rel: &str, bytes: &[u8]) -> Result<Outcome> {
        let path = self.root.join(rel);
        let dir = path.parent().unwrap_or(&self.root);
        let write = || -> std::io::Result<fs::Metadata> {
            let mut file = match fs::File::create_new(&path) {
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                    fs::create_dir_all(dir)?;
                    fs::File::create_new(&path)?
                }
                other => other?,
            };
            file.write_all(bytes)?;
            file.metadata()
        };
        match write() {
            Ok(meta) => Ok(self.count(Outcome::Written, rel, &meta)),
            // It appeared since the caller looked: replace it the careful way.
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => self.put(rel, bytes),
            Err(e) => Err(Error::io("cannot write", &path, e)),
        }
    }

    /// Makes the folder of each file `rel(k)` names, for k from 0 to `count`, until `stop` is
    /// set; skips ahead to `taken` when the writers have got there first (they make a missing
    /// folder themselves). Meant to run on its own thread ahead of the writers, so that they
    /// do not take turns with it at the lock of the folder that holds all the pages' folders.
    pub fn make_folders_ahead(
        &self,
        count: usize,
        rel: impl Fn(usize) -> String,
        taken: &AtomicUsize,
        stop: &std::sync::atomic::AtomicBool,
    ) {
        let mut k = 0;
        while !stop.load(Ordering::Relaxed) {
            k = k.max(taken.load(Ordering::Relaxed));
            if k >= count {
                break;
            }
            let path = self.root.join(rel(k));
            if let Some(dir) = path.parent().filter(|d| *d != self.root) {
                // Errors are the writers' to report, when they open the file.
                if let Err(e) = fs::create_dir(dir)
                    && e.kind() == std::io::ErrorKind::NotFound
                {
                    let _ = fs::create_dir_all(dir);
                }
            }
            k += 1;
        }
    }

    /// A path in the output folder for a file that will be moved into place with [`adopt`];
    /// the next build removes it if this one never does.
    ///
    /// [`adopt`]: Output::adopt
    pub fn temp_path(&self, name: &str) -> PathBuf {
        self.root
            .join(format!("{TEMP_PREFIX}{}-{name}", std::process::id()))
    }

    /// Moves a finished file from `temp` to `rel`, or drops it if `rel` already has the same
    /// bytes, so that an unchanged file keeps its mtime.
    pub fn adopt(&self, temp: &Path, rel: &str) -> Result<Outcome> {
        let path = self.root.join(rel);
        if files_equal(temp, &path)
            && let Ok(meta) = fs::metadata(&path)
        {
            let _ = fs::remove_file(temp);
            return Ok(self.count(Outcome::Unchanged, rel, &meta));
        }
        let meta = fs::metadata(temp).map_err(|e| Error::io("cannot read", temp, e))?;
        fs::rename(temp, &path).map_err(|e| Error::io("cannot write", &path, e))?;
        Ok(self.count(Outcome::Written, rel, &meta))
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
/// tell in one pass over the folder that there is nothing to do: beside the output folder, not
/// in it, so the output stays byte-identical for the same input and deploys without it.
fn stamp_path(root: &Path) -> PathBuf {
    let name = root
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "out".to_string());
    root.with_file_name(format!(".{name}.statusref-build"))
}

impl Output {
    /// A hash of every file's path, size and modification time: it changes when a file in the
    /// folder is added, removed or touched. Also returns how many files there are.
    pub fn tree_signature(&self) -> Result<(u64, usize)> {
        let mut signature = 0u64;
        let mut files = 0;
        for entry in walkdir::WalkDir::new(&self.root).min_depth(1) {
            let entry =
                entry.map_err(|e| Error::walk("cannot list the output folder", &self.root, e))?;
            if entry.file_type().is_dir() {
                continue;
            }
            let meta = entry
                .metadata()
                .map_err(|e| Error::walk("cannot read", &self.root, e))?;
            let rel = entry
                .path()
                .strip_prefix(&self.root)
                .unwrap_or(entry.path());
            signature = signature.wrapping_add(file_signature(
                &rel.to_string_lossy().replace('\\', "/"),
                &meta,
            ));
            files += 1;
        }
        Ok((signature, files))
    }

    /// Forgets the last build, before this one starts changing the folder.
    pub fn clear_stamp(&self) {
        let _ = fs::remove_file(stamp_path(&self.root));
    }

    /// The inputs fingerprint and tree signature the last complete build left, if any.
    pub fn read_stamp(&self) -> Option<(u64, u64)> {
        let text = fs::read_to_string(stamp_path(&self.root)).ok()?;
        let (inputs, tree) = text.trim().split_once(' ')?;
        Some((
            u64::from_str_radix(inputs, 16).ok()?,
            u64::from_str_radix(tree, 16).ok()?,
        ))
    }

    /// Records a complete build. Written last, so a build that stops early leaves no stamp that
    /// matches, and the next build does the work.
    pub fn write_stamp(&self, inputs: u64) -> Result<()> {
        let tree = self.signature.load(Ordering::Relaxed);
        let path = stamp_path(&self.root);
        fs::write(&path, format!("{inputs:016x} {tree:016x}\n"))
            .map_err(|e| Error::io("cannot write", &path, e))
    }
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

/// The file's metadata if it holds exactly `bytes`.
fn same_content(path: &Path, bytes: &[u8]) -> Option<fs::Metadata> {
    match fs::metadata(path) {
        Ok(meta) if meta.is_file() && meta.len() == bytes.len() as u64 => {
            fs::read(path).is_ok_and(|old| old == bytes).then_some(meta)
        }
        _ => None,
    }
}

/// One file's share of a tree signature. Shares are summed, so a walk needs no sorting and the
/// build can add them up in any order as it writes.
fn file_signature(rel: &str, meta: &fs::Metadata) -> u64 {
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
        assert_eq!(
            next.signature.load(Ordering::Relaxed),
            next.tree_signature().unwrap().0,
            "the signature kept while putting is the one a walk finds"
        );
    }
}
