//! Measures two ways of never losing the output, on the machine's own file system:
//!
//! - per-file: each file written beside its target and renamed over it, skipped when its bytes
//!   are unchanged (what statusref does);
//! - staging: the whole site written into a fresh folder that is then swapped in by rename, the
//!   old one deleted.
//!
//! For each: a fresh build, a one-file content change, and a no-op rebuild, on a synthetic site.
//!
//!     cargo run --release --example write_strategies -- 200

use std::fs;
use std::path::Path;
use std::time::Instant;

use statusref::{BuildOptions, LinkStyle};

fn build(root: &Path, out: &Path) -> statusref::BuildReport {
    statusref::build(&BuildOptions {
        root: root.to_path_buf(),
        out: out.to_path_buf(),
        base_url: None,
        links: LinkStyle::Directory,
        bundle: false,
    })
    .expect("the synthetic site builds")
}

/// Builds into a new folder beside `out` and swaps it in, deleting the old site.
fn staged(root: &Path, out: &Path) {
    let staging = out.with_extension("staging");
    let old = out.with_extension("old");
    let _ = fs::remove_dir_all(&staging);
    build(root, &staging);
    if out.exists() {
        fs::rename(out, &old).unwrap();
    }
    fs::rename(&staging, out).unwrap();
    let _ = fs::remove_dir_all(&old);
}

fn touch_one_file(root: &Path, round: usize) {
    let path = root.join("content/ftp/150.md");
    let text = fs::read_to_string(&path).unwrap();
    fs::write(
        &path,
        text.replace(
            "Send the command again",
            &format!("Send the command again ({round})"),
        ),
    )
    .unwrap();
}

fn main() {
    let m: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(200);
    let work = tempfile_dir();
    let root = work.join("site");
    statusref::synthetic::write_site(&root, m).unwrap();
    println!(
        "synthetic site: {m} codes, {} pages; {}",
        m + m * (m - 1) / 2 + 3,
        work.display()
    );
    println!(
        "{:<10} {:>10} {:>12} {:>10}",
        "design", "fresh", "one change", "no-op"
    );
    for design in ["per-file", "staging"] {
        let out = work.join(format!("out-{design}"));
        let _ = fs::remove_dir_all(&out);
        let run = |round: usize| {
            let started = Instant::now();
            if design == "per-file" {
                build(&root, &out);
            } else {
                staged(&root, &out);
            }
            let _ = round;
            started.elapsed().as_secs_f64()
        };
        let fresh = run(0);
        touch_one_file(&root, 1);
        let change = run(1);
        let noop = run(2);
        println!("{design:<10} {fresh:>9.2}s {change:>11.2}s {noop:>9.2}s");
        let _ = fs::remove_dir_all(&out);
    }
    let _ = fs::remove_dir_all(&work);
}

/// A scratch folder on the same file system as the system temp folder.
fn tempfile_dir() -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("statusref-strategies-{}", std::process::id()));
    fs::create_dir_all(&dir).unwrap();
    dir
}
