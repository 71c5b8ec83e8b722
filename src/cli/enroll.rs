//! `otpvault enroll`: the two consecutive codes a "set up MFA device" form asks for, each printed
//! when it is due. Codes go to stdout, one a line; guidance goes to stderr.

use std::io::Write;
use std::path::Path;
use std::time::Duration;

use anyhow::{Context, bail};
use clap::Args;

use super::vault::{PasswordArgs, single, unlock, vault_path};
use crate::account::Account;
use crate::clock::{Clock, SystemClock};
use crate::enroll::{Enrollment, Pace, Phase};
use crate::uri::OtpUri;
use crate::vault::VaultError;

#[derive(Debug, Args)]
pub struct EnrollArgs {
    /// Issuer, name, group, tag or id of an account in the vault (to resync a device too).
    #[arg(value_name = "QUERY", required_unless_present = "uri", conflicts_with = "uri")]
    pub query: Option<String>,
    /// The account as an otpauth:// URI (or a migration URI holding exactly one account).
    #[arg(long, value_name = "URI")]
    pub uri: Option<String>,
    /// Add the --uri account to the vault before any code is printed, so the seed is kept
    /// before the device is attached (an account already there is used as it is).
    #[arg(long, requires = "uri")]
    pub save: bool,
    /// Print the current and the next period's codes at once, without waiting. Only for services
    /// that accept a code from the next period; AWS documents no such tolerance.
    #[arg(long)]
    pub both_now: bool,
    #[command(flatten)]
    pub password: PasswordArgs,
}

/// The account to enrol: from the vault, or from the URI (saved first when asked). The vault is
/// closed again before the codes, so other commands can use it while this one waits.
fn account(args: &EnrollArgs, chosen: Option<&Path>) -> anyhow::Result<Account> {
    let Some(uri) = &args.uri else {
        let vault = unlock(&vault_path(chosen)?, &args.password)?;
        let query = args.query.as_deref().unwrap_or_default();
        return Ok(single(&vault, query)?.account.clone());
    };
    let mut accounts = uri.parse::<OtpUri>().context("invalid URI")?.into_accounts();
    if accounts.len() != 1 {
        bail!("the URI holds {} accounts; enrolment needs exactly one", accounts.len());
    }
    let account = accounts.remove(0);
    if args.save {
        let mut vault = unlock(&vault_path(chosen)?, &args.password)?;
        match vault.add(account.clone(), super::now()) {
            Ok(_) => {
                vault.save()?;
                eprintln!("Saved {} to the vault.", account.display_name());
            }
            Err(VaultError::Duplicate { existing }) => eprintln!("Already in the vault as {existing}."),
            Err(error) => return Err(error.into()),
        }
    }
    Ok(account)
}

pub fn run(args: &EnrollArgs, chosen: Option<&Path>) -> anyhow::Result<()> {
    let account = account(args, chosen)?;
    let clock = SystemClock::default();
    let pace = if args.both_now { Pace::BothNow } else { Pace::Consecutive };
    let flow = Enrollment::start(&account, pace, clock.now());
    let mut out = std::io::stdout().lock();
    let step = flow.step(clock.now());
    writeln!(out, "{}", step.first)?;
    out.flush()?;
    if let Phase::WaitForSecond(wait) = step.phase {
        eprintln!("MFA code 1 above: type it now. Code 2 comes in {} s.", ceil_secs(wait));
        std::thread::sleep(wait);
    }
    // Sleep can end a hair early on some systems: wait until the flow agrees code 2 is due.
    let step = loop {
        let step = flow.step(clock.now());
        match step.phase {
            Phase::WaitForSecond(wait) => std::thread::sleep(wait),
            _ => break step,
        }
    };
    let (Some(second), Phase::SubmitNow(left)) = (&step.second, &step.phase) else {
        bail!("code 1 grew too old while waiting (was the computer asleep?): run the command again");
    };
    writeln!(out, "{second}")?;
    out.flush()?;
    match left {
        Some(left) => eprintln!("Submit both codes now: {} s left before code 1 is too old.", ceil_secs(*left)),
        None => eprintln!("Submit both codes now."),
    }
    Ok(())
}

fn ceil_secs(d: Duration) -> u64 {
    d.as_secs() + u64::from(d.subsec_nanos() > 0)
}
