//! Copies a folder the way a builder that renders nothing would write it: its folders made,
//! then its files created and written on all cores. `bench/run.sh` times it beside `cp -r`
//! as the floor for a build on this machine: what writing the files alone costs when the work
//! is spread over the cores as the build spreads it.
//!
//!     cargo run --release --example copy_tree -- FROM TO

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

fn main() {
    let args: Vec<PathBuf> = std::env::args_os().skip(1).map(PathBuf::from).collect();
    let [from, to] = args.as_slice() else {
        eprintln!("usage: copy_tree FROM TO");
        std::process::exit(2);
    };
    if let Err(e) = copy(from, to) {
        eprintln!("cannot copy {} to {}: {e}", from.display(), to.display());
        std::process::exit(1);
    }
}

fn copy(from: &Path, to: &Path) -> io::Result<()> {
    let (mut folders, mut files) = (Vec::new(), Vec::new());
    for entry in walkdir::WalkDir::new(from).sort_by_file_name() {
        let entry = entry.map_err(io::Error::other)?;
        let rel = entry
            .path()
            .strip_prefix(from)
            .map_err(io::Error::other)?
            .to_path_buf();
        if entry.file_type().is_dir() {
            folders.push(rel);
        } else {
            files.push(rel);
        }
    }
    // Folders on one thread, parents first as the walk gives them, as the build makes them:
    // every page's folder is in its protocol's folder, whose lock parallel threads would share.
    for rel in &folders {
        match fs::create_dir(to.join(rel)) {
            Err(e) if e.kind() != io::ErrorKind::AlreadyExists => return Err(e),
            _ => {}
        }
    }
    files
        .par_iter()
        .try_for_each(|rel| fs::write(to.join(rel), fs::read(from.join(rel))?))
}
