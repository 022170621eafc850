//! The command line: parses arguments and hands them to one subcommand.

mod cmd;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

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
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Build(args) => cmd::build::run(args),
        Command::Bundle(args) => cmd::bundle::run(args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("{err}");
            ExitCode::FAILURE
        }
    }
}
