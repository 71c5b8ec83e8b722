//! The command-line front end: each command calls the library and prints its result.

mod args;
mod clock;
mod enroll;
mod scan;
pub mod transfer;
pub mod vault;

use std::time::{SystemTime, UNIX_EPOCH};

use anyhow::{Context, bail};

pub use args::{Cli, CodeArgs, Command, ScanArgs};
pub use clock::ClockArgs;
pub use enroll::EnrollArgs;

use crate::uri::{OtpUri, UriError};

/// Exit status for input the user can correct (a malformed URI or secret).
pub const EXIT_BAD_INPUT: u8 = 3;
/// Exit status for any other failure.
pub const EXIT_FAILURE: u8 = 1;

pub fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        None => crate::gui::run(cli.vault.as_deref()),
        Some(Command::Code(args)) => code(&args, cli.vault.as_deref()),
        Some(Command::Init(args)) => vault::init(cli.vault.as_deref(), &args),
        Some(Command::Add(args)) => vault::add(cli.vault.as_deref(), &args),
        Some(Command::List(args)) => vault::list(cli.vault.as_deref(), &args),
        Some(Command::Show(args)) => vault::show(cli.vault.as_deref(), &args),
        Some(Command::Remove(args)) => vault::remove(cli.vault.as_deref(), &args),
        Some(Command::Rename(args)) => vault::rename(cli.vault.as_deref(), &args),
        Some(Command::Passwd(args)) => vault::passwd(cli.vault.as_deref(), &args),
        Some(Command::Keyring(args)) => vault::keyring(cli.vault.as_deref(), &args),
        Some(Command::Import(args)) => transfer::import(cli.vault.as_deref(), &args),
        Some(Command::Export(args)) => transfer::export(cli.vault.as_deref(), &args),
        Some(Command::Scan(args)) => scan::run(&args),
        Some(Command::Enroll(args)) => enroll::run(&args, cli.vault.as_deref()),
        Some(Command::Clock(args)) => clock::run(&args),
    }
}

fn now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0)
}

fn code(args: &CodeArgs, vault: Option<&std::path::Path>) -> anyhow::Result<()> {
    let Some(uri) = &args.uri else {
        return vault::code(vault, args.query.as_deref().unwrap_or_default(), args.at, &args.password);
    };
    let uri: OtpUri = uri.parse().context("invalid URI")?;
    let mut accounts = uri.into_accounts();
    if accounts.len() > 1 {
        let names: Vec<String> = accounts.iter().map(|a| a.display_name()).collect();
        bail!(
            "the migration URI holds {} accounts ({}); a code needs one account: import them with `otpvault import`",
            accounts.len(),
            names.join(", ")
        );
    }
    let account = accounts.pop().context("the URI holds no account")?;
    println!("{}", account.code_at(args.at.unwrap_or_else(now)));
    Ok(())
}

/// The error and its causes on one line, outermost first.
pub fn describe(error: &anyhow::Error) -> String {
    error.chain().map(ToString::to_string).collect::<Vec<_>>().join(": ")
}

pub fn exit_code(error: &anyhow::Error) -> u8 {
    if let Some(code) = vault::exit_code(error) {
        return code;
    }
    if let Some(code) = transfer::exit_code(error) {
        return code;
    }
    if error.chain().any(|cause| cause.is::<clock::ClockOff>()) {
        return clock::EXIT_CLOCK_OFF;
    }
    if error.chain().any(|cause| cause.is::<UriError>()) { EXIT_BAD_INPUT } else { EXIT_FAILURE }
}
