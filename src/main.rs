//! The command line: parses arguments and hands them to one subcommand.

mod cmd;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

// A build makes and drops millions of small strings and template values across two threads;
// glibc's allocator took a quarter of its instructions, mimalloc far less.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Debug, Parser)]
#[command(
    name = "statusref",
    version,
    about = "Builds a reference site of protocol reply codes and every pairwise comparison of them."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Build the site into an output folder.
    Build(cmd::build::BuildArgs),
    /// Write the offline site as one zip file that works unzipped, from disk.
    Bundle(cmd::bundle::BundleArgs),
    /// Build, serve on 127.0.0.1, and rebuild and reload open pages on every change.
    Serve(cmd::serve::ServeArgs),
    /// Validate content, templates and every internal link without writing anything.
    Check(cmd::check::CheckArgs),
    /// Start a content file for a code, with the front matter and sections to fill in.
    New(cmd::new::NewArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Build(args) => cmd::build::run(args),
        Command::Bundle(args) => cmd::bundle::run(args),
        Command::Serve(args) => cmd::serve::run(args),
        Command::Check(args) => cmd::check::run(args),
        Command::New(args) => cmd::new::run(args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("{err}");
            ExitCode::FAILURE
        }
    }
}
