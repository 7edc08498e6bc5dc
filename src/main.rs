use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    ExitCode::from(newsdedup::app::run(newsdedup::cli::Cli::parse()))
}
