//! `statusref build`: writes the site.

use std::io::IsTerminal as _;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use clap::Args;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use statusref::{BuildOptions, LinkStyle, Progress};

#[derive(Debug, Args)]
pub struct BuildArgs {
    #[command(flatten)]
    site: super::Root,
    /// Where to write the site [default: ROOT/public].
    #[arg(long)]
    out: Option<PathBuf>,
    /// The absolute URL the site is published at, instead of site.toml's base_url.
    #[arg(long)]
    base_url: Option<String>,
    /// Write a site that works opened from disk: every link relative and naming its file.
    #[arg(long)]
    offline: bool,
    /// Do not write the offline bundle into the output (it is written by default).
    #[arg(long)]
    no_bundle: bool,
    /// Print nothing on success: no progress bar, no summary.
    #[arg(long, short)]
    quiet: bool,
}

/// A progress bar on a terminal, shown only once a build has run for a second: quick builds
/// print just their summary line.
struct Bar {
    bar: ProgressBar,
    started: Instant,
}

impl Bar {
    fn new() -> Bar {
        let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::hidden());
        bar.set_style(
            ProgressStyle::with_template("{bar:40} {pos}/{len} pages  {per_sec}  {eta} left")
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        Bar {
            bar,
            started: Instant::now(),
        }
    }
}

impl Progress for Bar {
    fn start(&self, pages: usize) {
        self.bar.set_length(pages as u64);
    }

    fn advance(&self) {
        self.bar.inc(1);
        if self.bar.is_hidden() && self.started.elapsed() > Duration::from_secs(1) {
            self.bar.set_draw_target(ProgressDrawTarget::stderr());
        }
    }

    fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

pub fn run(args: BuildArgs) -> Result<(), statusref::Error> {
    let options = BuildOptions {
        out: args
            .out
            .clone()
            .unwrap_or_else(|| args.site.root.join("public")),
        root: args.site.root,
        base_url: args.base_url,
        links: if args.offline {
            LinkStyle::File
        } else {
            LinkStyle::Directory
        },
        bundle: !args.no_bundle && !args.offline,
    };
    let report = if !args.quiet && std::io::stderr().is_terminal() {
        statusref::build_with_progress(&options, &Bar::new())?
    } else {
        statusref::build(&options)?
    };
    super::print_warnings(&report.warnings);
    if !args.quiet {
        eprintln!("{report} → {}", options.out.display());
    }
    Ok(())
}
