//! Claim: whether a folder may be a build's output, or a file the bundle's destination.
//!
//! A build removes what no longer belongs to the site, so pointed at the wrong folder it could
//! destroy what it did not write. Before anything is read or written, the destination is
//! checked: it must not be, or hold, the site folder or any folder the build reads, and a folder
//! that is not empty must carry the record of an earlier build. Only reads.

use std::path::{Component, Path, PathBuf};

use crate::error::{Error, Result};

use super::record::{self, Record};

/// The folders of a site that a build reads.
pub const INPUT_FOLDERS: [&str; 3] = ["content", "templates", "static"];

/// An output folder that a build may write: one of its own.
#[derive(Debug)]
pub struct Claim {
    pub root: PathBuf,
    /// The folder is missing or holds nothing.
    pub was_empty: bool,
    /// What the last build that wrote it recorded.
    pub previous: Option<Record>,
}

/// Checks that `out` may be the output of the site at `site`.
pub fn claim_output(out: &Path, site: &Path) -> Result<Claim> {
    refuse_inputs(out, site, "output folder")?;
    let was_empty = match std::fs::read_dir(out) {
        Ok(mut entries) => entries.next().is_none(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => true,
        Err(e) if e.kind() == std::io::ErrorKind::NotADirectory => {
            return Err(refused(
                out,
                "it is a file, not a folder",
                "name a new or empty folder with --out",
            ));
        }
        Err(e) => return Err(Error::io("cannot list the output folder", out, e)),
    };
    let previous = Record::read(out)?;
    if !was_empty && previous.is_none() {
        let record = record::record_path(out);
        return Err(refused(
            out,
            &format!(
                "the folder is not empty and no statusref build wrote it (there is no {} \
                 beside it); a build removes the files of earlier builds that no longer belong \
                 to the site, so it writes only into an empty or new folder or one it built",
                record.file_name().unwrap_or_default().to_string_lossy()
            ),
            "name a new or empty folder with --out, or empty this one if nothing in it is needed",
        ));
    }
    Ok(Claim {
        root: out.to_path_buf(),
        was_empty,
        previous,
    })
}

/// Checks that the bundle may be written at `dest` for the site at `site`: not among the
/// inputs, not a folder, and not a file that is not an earlier bundle.
pub fn claim_bundle(dest: &Path, site: &Path, top_folder: &str) -> Result<()> {
    refuse_inputs(dest, site, "bundle")?;
    let meta = match std::fs::metadata(dest) {
        Ok(meta) => meta,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(Error::io("cannot read", dest, e)),
    };
    if meta.is_dir() {
        return Err(refused(
            dest,
            "it is a folder; the bundle is one zip file",
            "name the zip file with --out, such as --out site.zip",
        ));
    }
    if !is_bundle(dest, top_folder) {
        return Err(refused(
            dest,
            "the file exists and is not a statusref bundle, so replacing it would lose it",
            "name a new file with --out, or remove this one first",
        ));
    }
    Ok(())
}

/// Whether the zip at `path` holds only the one folder a bundle unpacks into.
fn is_bundle(path: &Path, top_folder: &str) -> bool {
    let Ok(mut zip) = super::archive::Reader::open(path) else {
        return false;
    };
    let prefix = format!("{top_folder}/");
    let mut entries = 0;
    loop {
        match zip.next_entry() {
            Ok(Some(entry)) if entry.name.starts_with(&prefix) => entries += 1,
            Ok(None) => return entries > 0,
            _ => return false,
        }
    }
}

/// Refuses a destination that is, holds or lies inside the site folder's inputs.
fn refuse_inputs(dest: &Path, site: &Path, what: &str) -> Result<()> {
    let real_dest = resolve(dest)?;
    let real_site = resolve(site)?;
    let hint = format!(
        "write the {what} outside content/, templates/ and static/, such as into a folder of its own"
    );
    if real_site.starts_with(&real_dest) {
        let reason = if real_site == real_dest {
            "it is the site folder itself".to_string()
        } else {
            format!("it holds the site folder {}", site.display())
        };
        return Err(refused(dest, &reason, &hint));
    }
    for input in INPUT_FOLDERS {
        if real_dest.starts_with(resolve(&site.join(input))?) {
            let reason = format!("it is inside {input}/, which the build reads");
            return Err(refused(dest, &reason, &hint));
        }
    }
    Ok(())
}

fn refused(path: &Path, reason: &str, hint: &str) -> Error {
    Error::Refused {
        path: path.to_path_buf(),
        reason: reason.to_string(),
        hint: hint.to_string(),
    }
}

/// The absolute path `path` names, with every symlink in its existing part followed; the part
/// that does not exist yet, which can hold no symlink, is normalised by its spelling.
pub fn resolve(path: &Path) -> Result<PathBuf> {
    let absolute = std::path::absolute(path).map_err(|e| Error::io("cannot resolve", path, e))?;
    let mut real = PathBuf::new();
    for part in absolute.components() {
        match part {
            // `real` is canonical up to here, so its parent is the real one.
            Component::ParentDir => {
                real.pop();
            }
            Component::CurDir => {}
            other => {
                real.push(other);
                if let Ok(canonical) = real.canonicalize() {
                    real = canonical;
                }
            }
        }
    }
    Ok(real)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for input in INPUT_FOLDERS {
            std::fs::create_dir(dir.path().join(input)).unwrap();
        }
        std::fs::write(dir.path().join("content/site.toml"), "").unwrap();
        dir
    }

    fn refusal(result: Result<impl std::fmt::Debug>) -> String {
        match result {
            Err(err @ Error::Refused { .. }) => err.to_string(),
            other => panic!("expected a refusal, got {other:?}"),
        }
    }

    #[test]
    fn inputs_and_the_site_itself_are_refused_in_any_spelling() {
        let s = site();
        let root = s.path();
        for out in [
            root.to_path_buf(),
            root.join("content"),
            root.join("content/ftp"),
            root.join("static/new"),
            root.join("public/../content"),
            root.join("templates/."),
            root.parent().unwrap().to_path_buf(),
        ] {
            let message = refusal(claim_output(&out, root));
            assert!(message.contains("hint:"), "{message}");
        }
        std::os::unix::fs::symlink(root.join("content"), root.join("link")).unwrap();
        let message = refusal(claim_output(&root.join("link"), root));
        assert!(message.contains("inside content/"), "{message}");
        let message = refusal(claim_bundle(&root.join("static/x.zip"), root, "s"));
        assert!(message.contains("inside static/"), "{message}");
    }

    #[test]
    fn a_folder_with_files_is_taken_only_with_a_record() {
        let s = site();
        let root = s.path();
        let out = root.join("public");
        assert!(claim_output(&out, root).unwrap().was_empty, "new folder");
        std::fs::create_dir(&out).unwrap();
        assert!(claim_output(&out, root).unwrap().was_empty, "empty folder");
        std::fs::write(out.join("notes.txt"), "mine").unwrap();
        let message = refusal(claim_output(&out, root));
        assert!(message.contains("not empty"), "{message}");
        record::write(&out, record::State::Building, &[], &[], std::iter::empty()).unwrap();
        let claim = claim_output(&out, root).unwrap();
        assert!(!claim.was_empty && claim.previous.is_some());
        let message = refusal(claim_output(&out.join("notes.txt"), root));
        assert!(message.contains("is a file"), "{message}");
    }

    #[test]
    fn the_bundle_replaces_only_a_bundle() {
        let s = site();
        let root = s.path();
        let dest = root.join("site.zip");
        claim_bundle(&dest, root, "statusref").unwrap();
        std::fs::write(&dest, "not a zip").unwrap();
        refusal(claim_bundle(&dest, root, "statusref"));
        refusal(claim_bundle(&root.join("content/.."), root, "statusref"));
        std::fs::create_dir(root.join("folder")).unwrap();
        refusal(claim_bundle(&root.join("folder"), root, "statusref"));

        let write_zip = |names: &[&str]| {
            let mut zip = zip::ZipWriter::new(std::fs::File::create(&dest).unwrap());
            for name in names {
                zip.start_file(*name, zip::write::SimpleFileOptions::default())
                    .unwrap();
            }
            zip.finish().unwrap();
        };
        write_zip(&["statusref/index.html", "statusref/ftp/index.html"]);
        claim_bundle(&dest, root, "statusref").unwrap();
        write_zip(&["statusref/index.html", "photos/cat.jpg"]);
        refusal(claim_bundle(&dest, root, "statusref"));
    }

    #[test]
    fn resolve_follows_what_exists_and_spells_out_the_rest() {
        let s = site();
        let root = s.path().canonicalize().unwrap();
        assert_eq!(resolve(&root.join("a/b/../c")).unwrap(), root.join("a/c"));
        assert_eq!(
            resolve(&root.join("content/./x")).unwrap(),
            root.join("content/x")
        );
        assert_eq!(resolve(&root.join("new/..")).unwrap(), root);
    }
}
