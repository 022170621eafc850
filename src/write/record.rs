//! The build record: what a build wrote into its output folder, kept beside the folder.
//!
//! It is the output's mark of ownership (a build writes into a folder that is not empty only if
//! a record says an earlier build made it) and the list of the files that are the generator's,
//! so that removing stale files never touches one the generator did not write. A complete
//! build also records a fingerprint of its inputs and a signature of the tree it left, for the
//! no-op shortcut, and the hashes that pages are made from (see `catalog::Fingerprint`), so the
//! next build renders only the pages whose parts changed. It sits beside the output folder, not in it, so that the output stays
//! byte-identical for the same input and deploys without it.
//!
//! Format: a header line, a state line (`building`, or `complete INPUTS TREE SHARED` in hex),
//! `o PATH` for each file that is not a page, `k HASH NAME` for each part pages are made from,
//! and `p PATH` for each page.

use std::collections::HashMap;
use std::fs;
use std::io::{BufRead as _, BufWriter, Write as _};
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

const HEADER: &str = "statusref build record 3";
/// The record of the version before, which lacks the parts and the shared hash: still proof
/// that a build made the folder.
const HEADER_2: &str = "statusref build record 2";

/// Where the record of the output folder `out` is kept: `.NAME.statusref-build` beside it.
pub fn record_path(out: &Path) -> PathBuf {
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "out".to_string());
    out.with_file_name(format!(".{name}.statusref-build"))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    /// A build began and has not finished: files may be half replaced and temporaries left.
    Building,
    /// A build finished, made from inputs with this fingerprint, leaving a tree with this
    /// signature; `shared` is the hash of all the inputs but the parts.
    Complete { inputs: u64, tree: u64, shared: u64 },
}

/// The head of a record: its state and the files that are not pages, which the tree signature
/// covers besides the pages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    pub state: State,
    pub others: Vec<String>,
    /// The hash of each part pages are made from, by name.
    pub parts: HashMap<String, u64>,
}

impl Record {
    /// The record beside `out`: `Ok(None)` when there is none; an error when the file is there
    /// but is not a statusref build record, since then the folder's owner is unknown.
    pub fn read(out: &Path) -> Result<Option<Record>> {
        let path = record_path(out);
        let file = match fs::File::open(&path) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            other => other.map_err(|e| Error::io("cannot read", &path, e))?,
        };
        let mut lines = std::io::BufReader::new(file).lines();
        let mut next = || lines.next().and_then(|l| l.ok());
        let not_a_record = || {
            Error::io(
                "cannot read",
                &path,
                std::io::Error::other("not a statusref build record"),
            )
        };
        let current = match next().as_deref() {
            Some(HEADER) => true,
            Some(HEADER_2) => false,
            _ => return Err(not_a_record()),
        };
        let state = parse_state(&next().ok_or_else(not_a_record)?).ok_or_else(not_a_record)?;
        // An older record vouches for nothing but ownership: the next build compares every file.
        let state = if current { state } else { State::Building };
        let mut others = Vec::new();
        let mut parts = HashMap::new();
        while let Some(line) = next() {
            match line.split_once(' ') {
                Some(("o", rel)) if is_safe_relative(rel) => others.push(rel.to_string()),
                Some(("k", part)) => {
                    if let Some((hash, name)) = part.split_once(' ')
                        && let Ok(hash) = u64::from_str_radix(hash, 16)
                    {
                        parts.insert(name.to_string(), hash);
                    }
                }
                _ => break, // the pages follow
            }
        }
        Ok(Some(Record {
            state,
            others,
            parts,
        }))
    }
}

fn parse_state(line: &str) -> Option<State> {
    if line == "building" {
        return Some(State::Building);
    }
    let mut words = line.strip_prefix("complete ")?.split(' ');
    let inputs = u64::from_str_radix(words.next()?, 16).ok()?;
    let tree = u64::from_str_radix(words.next()?, 16).ok()?;
    // A record of the version before has no shared hash; it is read as unfinished anyway.
    let shared = words
        .next()
        .map_or(Some(0), |w| u64::from_str_radix(w, 16).ok())?;
    Some(State::Complete {
        inputs,
        tree,
        shared,
    })
}

/// Every file the record beside `out` names, pages and others, calling `each` with its path.
/// Lines that do not name a path inside the folder are passed over: a record edited by hand
/// can never make a build remove a file outside its output.
pub fn for_each_file(out: &Path, mut each: impl FnMut(&str)) -> Result<()> {
    let path = record_path(out);
    let file = match fs::File::open(&path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        other => other.map_err(|e| Error::io("cannot read", &path, e))?,
    };
    for line in std::io::BufReader::new(file).lines().skip(2) {
        let line = line.map_err(|e| Error::io("cannot read", &path, e))?;
        if let Some(("o" | "p", rel)) = line.split_once(' ')
            && is_safe_relative(rel)
        {
            each(rel);
        }
    }
    Ok(())
}

/// Replaces the record beside `out`. Written to a fixed name beside it and renamed over it, so
/// that a build killed while writing it leaves the previous record whole.
pub fn write(
    out: &Path,
    state: State,
    others: &[String],
    parts: &[(String, u64)],
    pages: impl Iterator<Item = String>,
) -> Result<()> {
    let path = record_path(out);
    let mut next_name = path.clone().into_os_string();
    next_name.push(".new");
    let next = PathBuf::from(next_name);
    let io = |e| Error::io("cannot write the build record", &next, e);
    let mut w = BufWriter::new(fs::File::create(&next).map_err(io)?);
    writeln!(w, "{HEADER}").map_err(io)?;
    match state {
        State::Building => writeln!(w, "building"),
        State::Complete {
            inputs,
            tree,
            shared,
        } => writeln!(w, "complete {inputs:016x} {tree:016x} {shared:016x}"),
    }
    .map_err(io)?;
    for rel in others {
        writeln!(w, "o {rel}").map_err(io)?;
    }
    for (name, hash) in parts {
        writeln!(w, "k {hash:016x} {name}").map_err(io)?;
    }
    for rel in pages {
        writeln!(w, "p {rel}").map_err(io)?;
    }
    let file = w.into_inner().map_err(|e| io(e.into_error()))?;
    file.sync_all().map_err(io)?;
    fs::rename(&next, &path).map_err(|e| Error::io("cannot write", &path, e))
}

/// Whether `rel` is a path that stays inside the folder it is joined to, spelled the way this
/// generator writes paths: segments separated by `/`, none empty, `.` or `..`, and no
/// backslash, NUL or other control character.
pub fn is_safe_relative(rel: &str) -> bool {
    !rel.is_empty()
        && !rel.contains(|c: char| c == '\\' || c.is_control())
        && rel
            .split('/')
            .all(|s| !s.is_empty() && s != "." && s != "..")
}

/// How many files the output folder `root` holds if it is exactly as the last complete build
/// left it and that build was made from `inputs`, with pages `page(0..count)`; None otherwise.
/// Reads only.
pub fn up_to_date(
    root: &Path,
    record: Option<&Record>,
    inputs: u64,
    count: usize,
    page: impl Fn(usize) -> String + Sync,
) -> Option<usize> {
    let record = record?;
    let State::Complete {
        inputs: was, tree, ..
    } = record.state
    else {
        return None;
    };
    (was == inputs && tree_signature(root, count, page, &record.others) == Some(tree))
        .then(|| count + record.others.len())
}

/// The parts the last build recorded, if it finished, its shared inputs hashed to `shared` as
/// this build's do, and the folder is exactly as it left it: then a page made only of parts
/// whose hashes match would come out as the file that is there. Reads only.
pub fn reusable_parts<'r>(
    root: &Path,
    record: Option<&'r Record>,
    shared: u64,
    count: usize,
    page: impl Fn(usize) -> String + Sync,
) -> Option<&'r HashMap<String, u64>> {
    let record = record?;
    let State::Complete {
        tree, shared: was, ..
    } = record.state
    else {
        return None;
    };
    (was == shared && tree_signature(root, count, page, &record.others) == Some(tree))
        .then_some(&record.parts)
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
    fn a_record_reads_back_and_names_only_paths_inside() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        assert_eq!(Record::read(&out).unwrap(), None);
        let others = ["robots.txt".to_string(), "a/b.css".to_string()];
        let state = State::Complete {
            inputs: 0xabc,
            tree: u64::MAX,
            shared: 7,
        };
        let parts = [("code ftp/150".to_string(), 0xfeed)];
        write(
            &out,
            state,
            &others,
            &parts,
            ["x/index.html".to_string()].into_iter(),
        )
        .unwrap();
        assert!(dir.path().join(".public.statusref-build").is_file());
        let record = Record::read(&out).unwrap().unwrap();
        assert_eq!(record.state, state);
        assert_eq!(record.others, others);
        assert_eq!(record.parts.get("code ftp/150"), Some(&0xfeed));
        let mut all = Vec::new();
        for_each_file(&out, |rel| all.push(rel.to_string())).unwrap();
        assert_eq!(all, ["robots.txt", "a/b.css", "x/index.html"]);

        // A record edited to name files outside the folder names none of them.
        let path = record_path(&out);
        let text = fs::read_to_string(&path).unwrap();
        fs::write(
            &path,
            format!("{text}p ../x\no /etc/passwd\np a/../../x\np a\\..\\..\\x\np a//b\n"),
        )
        .unwrap();
        let mut all = Vec::new();
        for_each_file(&out, |rel| all.push(rel.to_string())).unwrap();
        assert_eq!(all, ["robots.txt", "a/b.css", "x/index.html"]);

        fs::write(&path, "something else\n").unwrap();
        assert!(Record::read(&out).is_err(), "not a record: owner unknown");
    }

    #[test]
    fn safe_paths_stay_inside() {
        for good in ["index.html", "ftp/503/index.html", "a.b/c..d"] {
            assert!(is_safe_relative(good), "{good}");
        }
        for bad in [
            "",
            "/etc/passwd",
            "../x",
            "a/../../x",
            "./x",
            "a//b",
            "a/",
            "..\\..\\escaped.txt",
            "a\0b",
            "a\nb",
        ] {
            assert!(!is_safe_relative(bad), "{bad:?}");
        }
    }
}
