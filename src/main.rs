use std::process::ExitCode;

use clap::Parser;
use otpvault::cli::{self, Cli};

fn main() -> ExitCode {
    let args = Cli::parse();
    match cli::run(args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("otpvault: {}", cli::describe(&error));
            ExitCode::from(cli::exit_code(&error))
        }
    }
}
