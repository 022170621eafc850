//! Write: puts files into the output folder without ever leaving it broken.
//!
//! A file that replaces an old version is written beside its target and renamed over it; one whose
//! bytes are unchanged is not touched at all, so its mtime stays and a deploy by rsync copies
//! nothing. A file new to the folder is written straight to its place: nothing old is at risk,
//! and the build links to it only once it is whole (see `site`). Files that no longer belong to the
//! site are removed only after every page was written. Not for: deciding what the pages are
//! (`render`).

use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::dates::Date;
use crate::error::{Error, Result};

pub mod archive;
pub mod claim;
pub mod record;

pub use claim::{Claim, INPUT_FOLDERS, claim_bundle, claim_output};
use record::State;

/// Temporary files carry this prefix, so a build killed midway leaves only names the next build
/// recognises as its own and removes.
const TEMP_PREFIX: &str = ".statusref-tmp-";

pub struct Output {
    root: PathBuf,
    /// The folder held nothing when the build began: every file is new, nothing can be stale,
    /// and no page's folder exists yet, so the build skips the checks that would find that out
    /// file by file.
    was_empty: bool,
    /// The last build into this folder never finished, so it may have left temporary files.
    interrupted: bool,
    /// Files an earlier build wrote that no longer belong to the site.
    stale: Vec<String>,
    written: AtomicUsize,
    unchanged: AtomicUsize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Written,
    Unchanged,
}

impl Output {
    /// Takes a claimed folder for a build that will leave the files `others` and `pages`: makes
    /// the folder, notes which files of the previous build do not `belong` to this one, and
    /// records all of them before anything is written, so that a build stopped at any moment
    /// leaves a record of every file it or the one before may have left.
    pub fn open(
        claim: Claim,
        others: &[String],
        pages: impl Iterator<Item = String>,
        belongs: impl Fn(&str) -> bool,
    ) -> Result<Output> {
        let root = claim.root;
        fs::create_dir_all(&root)
            .map_err(|e| Error::io("cannot create the output folder", &root, e))?;
        let mut stale = Vec::new();
        if claim.previous.is_some() && !claim.was_empty {
            record::for_each_file(&root, |rel| {
                if !belongs(rel) {
                    stale.push(rel.to_string());
                }
            })?;
        }
        let interrupted = claim
            .previous
            .is_some_and(|r| r.state == State::Building && !claim.was_empty);
        let listed: Vec<String> = others.iter().chain(&stale).cloned().collect();
        record::write(&root, State::Building, &listed, &[], pages)?;
        Ok(Output {
            root,
            was_empty: claim.was_empty,
            interrupted,
            stale,
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

    /// The path of `rel` in the folder; an error for a name that would lead outside it.
    fn inside(&self, rel: &str) -> Result<PathBuf> {
        if record::is_safe_relative(rel) {
            Ok(self.root.join(rel))
        } else {
            Err(Error::io(
                "will not write outside the output folder",
                Path::new(rel),
                std::io::Error::from(std::io::ErrorKind::InvalidInput),
            ))
        }
    }

    /// Makes `rel` hold exactly `bytes`.
    pub fn put(&self, rel: &str, bytes: &[u8]) -> Result<Outcome> {
        let path = self.inside(rel)?;
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
        let path = self.inside(rel)?;
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

    /// A temporary file in the output folder, to be moved into place with [`adopt`]; removed
    /// if it is dropped first, and by the next build if this one is killed.
    ///
    /// [`adopt`]: Output::adopt
    pub fn temp_file(&self) -> Result<tempfile::NamedTempFile> {
        temp_file_in(&self.root)
    }

    /// Moves a finished file from `temp` to `rel`, or drops it if `rel` already has the same
    /// bytes, so that an unchanged file keeps its mtime.
    pub fn adopt(&self, temp: tempfile::NamedTempFile, rel: &str) -> Result<Outcome> {
        let path = self.inside(rel)?;
        if files_equal(temp.path(), &path) {
            return Ok(self.count(Outcome::Unchanged));
        }
        temp.persist(&path)
            .map_err(|e| Error::io("cannot write", &path, e.error))?;
        Ok(self.count(Outcome::Written))
    }

    /// Removes the files of earlier builds that no longer belong to the site, and the folders
    /// that leaves empty; after a build that never finished, its temporary files too. Touches
    /// nothing else: a file the generator did not write stays. Returns how many files went.
    pub fn remove_stale(&self) -> Result<usize> {
        if self.interrupted {
            self.remove_temporaries()?;
        }
        let mut removed = 0;
        for rel in &self.stale {
            // A folder replaced by a symlink leads out of the output: nothing below it is ours.
            if self.link_above(rel) {
                continue;
            }
            let path = self.root.join(rel);
            if fs::symlink_metadata(&path).is_ok_and(|m| !m.is_dir()) {
                fs::remove_file(&path)
                    .map_err(|e| Error::io("cannot remove stale file", &path, e))?;
                removed += 1;
            }
            // Folders emptied by this, or made for a page that a killed build never wrote;
            // remove_dir refuses, as it should, one that holds anything.
            let mut folder = path.parent();
            while let Some(dir) = folder.filter(|d| *d != self.root) {
                if fs::remove_dir(dir).is_err() {
                    break;
                }
                folder = dir.parent();
            }
        }
        Ok(removed)
    }

    /// Whether a folder on the way from the output's root to `rel` is a symlink.
    fn link_above(&self, rel: &str) -> bool {
        let mut dir = self.root.clone();
        let mut parts: Vec<&str> = rel.split('/').collect();
        parts.pop();
        parts.into_iter().any(|part| {
            dir.push(part);
            fs::symlink_metadata(&dir).is_ok_and(|m| m.file_type().is_symlink())
        })
    }

    /// Removes the temporary files a killed build left anywhere in the folder.
    fn remove_temporaries(&self) -> Result<()> {
        for entry in walkdir::WalkDir::new(&self.root).follow_links(false) {
            let entry =
                entry.map_err(|e| Error::walk("cannot list the output folder", &self.root, e))?;
            if entry.file_type().is_file() && is_temporary(&entry.file_name().to_string_lossy()) {
                fs::remove_file(entry.path())
                    .map_err(|e| Error::io("cannot remove", entry.path(), e))?;
            }
        }
        Ok(())
    }

    /// Records that the build finished, with the fingerprint of its inputs (`inputs`: all of
    /// them, `shared` and `parts`: split as pages use them) and the signature of what it left:
    /// exactly `others` and `pages(0..count)`. Written last, so that a build that stops early
    /// leaves a record that says so, and the next build does the work.
    pub fn finish(
        &self,
        (inputs, shared, parts): (u64, u64, &[(String, u64)]),
        others: &[String],
        count: usize,
        page: impl Fn(usize) -> String + Sync,
    ) -> Result<()> {
        // A file gone since it was written leaves the record as of an unfinished build, and the
        // next build does the work.
        let state = match record::tree_signature(&self.root, count, &page, others) {
            Some(tree) => State::Complete {
                inputs,
                tree,
                shared,
            },
            None => State::Building,
        };
        record::write(&self.root, state, others, parts, (0..count).map(page))
    }

    /// Writes the sitemaps (see [`sitemap_names`]) for `count` pages given as (absolute URL,
    /// last change) in order, each part made by `part` and the index, if there is one, by
    /// `index` from (absolute URL of a part, newest change in it). Holds one part at a time;
    /// a file whose bytes are unchanged is not touched.
    pub fn write_sitemaps(
        &self,
        base_url: &str,
        count: usize,
        entries: impl Iterator<Item = (String, Date)>,
        part: impl Fn(&[(String, Date)]) -> Result<Vec<u8>>,
        index: impl Fn(&[(String, Date)]) -> Result<Vec<u8>>,
    ) -> Result<()> {
        self.write_sitemaps_split(base_url, count, entries, (part, index), SITEMAP_LIMIT)
    }

    fn write_sitemaps_split(
        &self,
        base_url: &str,
        count: usize,
        mut entries: impl Iterator<Item = (String, Date)>,
        (part, index): (
            impl Fn(&[(String, Date)]) -> Result<Vec<u8>>,
            impl Fn(&[(String, Date)]) -> Result<Vec<u8>>,
        ),
        limit: usize,
    ) -> Result<()> {
        let names = sitemap_names_split(count, limit);
        let (parts, index_name) = match names.split_last() {
            Some((index, parts)) if !parts.is_empty() => (parts, Some(index)),
            _ => (&names[..], None),
        };
        let mut listed = Vec::new();
        for name in parts {
            let chunk: Vec<(String, Date)> = entries.by_ref().take(limit).collect();
            let newest = chunk.iter().map(|(_, d)| *d).max().unwrap_or_default();
            self.put(name, &part(&chunk)?)?;
            listed.push((format!("{}/{name}", base_url.trim_end_matches('/')), newest));
        }
        if let Some(name) = index_name {
            self.put(name, &index(&listed)?)?;
        }
        Ok(())
    }
}

/// Where a file bound for `path` is written before it is renamed over it: beside it, under a name
/// that the next build, should this one be killed first, recognises as its own.
fn temp_beside(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    path.with_file_name(format!("{TEMP_PREFIX}{}-{name}", std::process::id()))
}

/// A temporary file in `dir` under a name the next build recognises as its own, with the
/// permissions a new file gets (tempfile's default keeps it from the web server).
pub fn temp_file_in(dir: &Path) -> Result<tempfile::NamedTempFile> {
    use std::os::unix::fs::PermissionsExt as _;
    tempfile::Builder::new()
        .prefix(TEMP_PREFIX)
        .permissions(fs::Permissions::from_mode(0o666))
        .tempfile_in(dir)
        .map_err(|e| Error::io("cannot create a temporary file in", dir, e))
}

/// Whether a file name is one of the build's temporary files.
pub fn is_temporary(name: &str) -> bool {
    name.starts_with(TEMP_PREFIX)
}

/// The names of the sitemap files for `count` URLs: one `sitemap.xml`, or past
/// [`SITEMAP_LIMIT`] the parts `sitemap-1.xml`, `sitemap-2.xml`, … and `sitemap.xml` as
/// their index.
pub fn sitemap_names(count: usize) -> Vec<String> {
    sitemap_names_split(count, SITEMAP_LIMIT)
}

fn sitemap_names_split(count: usize, limit: usize) -> Vec<String> {
    if count <= limit {
        return vec!["sitemap.xml".to_string()];
    }
    (1..=count.div_ceil(limit))
        .map(|part| format!("sitemap-{part}.xml"))
        .chain(["sitemap.xml".to_string()])
        .collect()
}

/// The most URLs one sitemap file lists. sitemaps.org allows 50,000, but a build holds one
/// file's URLs at a time, with the template values made of them (about 300 bytes per URL), and
/// parts of 10,000 keep that small and the same at any size of site.
pub const SITEMAP_LIMIT: usize = 10_000;

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

#[cfg(test)]
mod tests {
    use super::*;

    /// Opens `dir` for a build that leaves `files`.
    fn open(dir: &Path, files: &[&str]) -> Output {
        let claim = claim_output(dir, Path::new("/nonexistent-site")).unwrap();
        let files: Vec<String> = files.iter().map(|f| f.to_string()).collect();
        Output::open(claim, &files, std::iter::empty(), |rel| {
            files.iter().any(|f| f == rel)
        })
        .unwrap()
    }

    #[test]
    fn sitemaps_split_into_an_index_past_the_limit() {
        let entries = || {
            (0..5).map(|i| {
                (
                    format!("https://x.org/{i}/"),
                    jiff::civil::date(2026, 1, i + 1),
                )
            })
        };
        // Each part lists its URLs; the index names the parts with their newest dates.
        let part = |urls: &[(String, Date)]| -> Result<Vec<u8>> {
            Ok(urls
                .iter()
                .map(|(u, _)| format!("<url>{u}</url>\n"))
                .collect::<String>()
                .into_bytes())
        };
        let index = |parts: &[(String, Date)]| -> Result<Vec<u8>> {
            Ok(parts
                .iter()
                .map(|(u, d)| format!("{u} {d}\n"))
                .collect::<String>()
                .into_bytes())
        };
        let dir = tempfile::tempdir().unwrap();
        let out = open(dir.path(), &[]);
        assert_eq!(sitemap_names_split(5, 5), ["sitemap.xml"]);
        out.write_sitemaps_split("https://x.org", 5, entries(), (part, index), 5)
            .unwrap();
        let one = fs::read_to_string(dir.path().join("sitemap.xml")).unwrap();
        assert_eq!(one.matches("<url>").count(), 5);
        out.write_sitemaps_split("https://x.org/", 5, entries(), (part, index), 2)
            .unwrap();
        assert_eq!(
            sitemap_names_split(5, 2),
            [
                "sitemap-1.xml",
                "sitemap-2.xml",
                "sitemap-3.xml",
                "sitemap.xml"
            ]
        );
        let index = fs::read_to_string(dir.path().join("sitemap.xml")).unwrap();
        assert!(
            index.contains("https://x.org/sitemap-3.xml 2026-01-05\n"),
            "{index}"
        );
        let last = fs::read_to_string(dir.path().join("sitemap-3.xml")).unwrap();
        assert_eq!(last.matches("<url>").count(), 1);
    }

    #[test]
    fn unchanged_files_keep_their_mtime() {
        let dir = tempfile::tempdir().unwrap();
        let out = open(dir.path(), &["a/index.html", "b/index.html"]);
        assert_eq!(out.put("a/index.html", b"one").unwrap(), Outcome::Written);
        let mtime = || {
            fs::metadata(dir.path().join("a/index.html"))
                .unwrap()
                .modified()
                .unwrap()
        };
        let before = mtime();
        assert_eq!(out.put("a/index.html", b"one").unwrap(), Outcome::Unchanged);
        assert_eq!(mtime(), before);
        assert_eq!(out.put("a/index.html", b"ONE").unwrap(), Outcome::Written);
        assert_eq!(fs::read(dir.path().join("a/index.html")).unwrap(), b"ONE");
        for bad in ["../escaped.txt", "a/../../x", "..\\..\\x", "/etc/x"] {
            assert!(out.put(bad, b"x").is_err(), "{bad}");
            assert!(out.put_new(bad, b"x").is_err(), "{bad}");
        }
    }

    #[test]
    fn only_files_an_earlier_build_wrote_are_removed() {
        let dir = tempfile::tempdir().unwrap();
        let first = [
            "a/index.html",
            "b/index.html",
            "c/d/e/index.html",
            "c/keep.html",
        ];
        let out = open(dir.path(), &first);
        for rel in first {
            out.put(rel, b"x").unwrap();
        }
        assert_eq!(
            out.remove_stale().unwrap(),
            0,
            "a new folder has nothing stale"
        );
        let listed: Vec<String> = first.iter().map(|f| f.to_string()).collect();
        out.finish((1, 1, &[]), &listed, 0, |_| String::new())
            .unwrap();
        // Files that someone else put there, among and beside the build's own.
        fs::write(dir.path().join("c/notes.txt"), "mine").unwrap();
        fs::write(dir.path().join("b/notes.txt"), "mine").unwrap();
        fs::create_dir_all(dir.path().join("f/g")).unwrap();

        let next = open(dir.path(), &["a/index.html", "c/keep.html"]);
        assert!(!next.was_empty());
        assert_eq!(next.remove_stale().unwrap(), 2);
        assert!(!dir.path().join("b/index.html").exists());
        assert!(dir.path().join("b/notes.txt").exists(), "not the build's");
        assert!(dir.path().join("c/notes.txt").exists(), "not the build's");
        assert!(
            !dir.path().join("c/d").exists(),
            "emptied folders go, up the tree"
        );
        assert!(dir.path().join("c/keep.html").exists());
        assert!(
            dir.path().join("f/g").is_dir(),
            "a folder it did not make stays"
        );
    }

    #[test]
    fn stale_removal_never_follows_a_symlinked_folder() {
        let dir = tempfile::tempdir().unwrap();
        let elsewhere = tempfile::tempdir().unwrap();
        fs::write(elsewhere.path().join("index.html"), "someone's").unwrap();
        let out = open(dir.path(), &["x/index.html"]);
        out.put("x/index.html", b"x").unwrap();
        out.finish((1, 1, &[]), &["x/index.html".to_string()], 0, |_| {
            String::new()
        })
        .unwrap();
        fs::remove_dir_all(dir.path().join("x")).unwrap();
        std::os::unix::fs::symlink(elsewhere.path(), dir.path().join("x")).unwrap();
        open(dir.path(), &[]).remove_stale().unwrap();
        assert!(elsewhere.path().join("index.html").exists());
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
        let pages = [
            "index.html",
            "p/index.html",
            "p/a/index.html",
            "p/b/index.html",
        ];
        let out = open(dir.path(), &[]);
        for rel in pages {
            out.put(rel, rel.as_bytes()).unwrap();
        }
        out.put("assets/img/logo.svg", b"<svg/>").unwrap();
        let others = ["assets/img/logo.svg".to_string()];
        let signature =
            || record::tree_signature(dir.path(), pages.len(), |i| pages[i].to_string(), &others);
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
