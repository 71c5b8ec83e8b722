//! `otpvault clock`: how far the computer's clock is from a time server. A clock a quarter of a
//! minute off makes services refuse codes with no hint why.

use clap::Args;

use crate::clock::{NtpServer, Skew, SystemClock, TimeSource};

/// Exit status when the clock is far enough off for codes to be refused.
pub const EXIT_CLOCK_OFF: u8 = 12;

#[derive(Debug, Args)]
#[command(after_help = "Prints how far the clock is off; exits with 12 when it is 15 s or more, enough for \
    services to refuse codes.\n\nExamples:\n  \
    otpvault clock\n  \
    otpvault clock --server time.cloudflare.com")]
pub struct ClockArgs {
    /// The NTP server to ask, as HOST or HOST:PORT.
    #[arg(long, value_name = "HOST", default_value = NtpServer::DEFAULT_HOST)]
    pub server: String,
}

/// The clock is off by enough for codes to be refused.
#[derive(Debug, thiserror::Error)]
#[error(
    "codes made now will be refused: set the system clock right (enable network time), or use a \
     correction of {} s in the window's settings", skew.correction_seconds
)]
pub struct ClockOff {
    pub skew: Skew,
}

pub fn run(args: &ClockArgs) -> anyhow::Result<()> {
    let server = NtpServer { host: args.server.clone() };
    let skew = server.skew(&SystemClock::default())?;
    println!("{skew} (compared with {})", server.name());
    if skew.is_significant() {
        return Err(ClockOff { skew }.into());
    }
    Ok(())
}
