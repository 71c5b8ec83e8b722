//! The command line, as README.md documents it. Scripts depend on it: keep it stable.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use super::transfer::{ExportArgs, ImportArgs};
use super::vault::{
    AddArgs, InitArgs, KeyringArgs, ListArgs, PasswdArgs, PasswordArgs, RemoveArgs, RenameArgs, ShowArgs,
};

#[derive(Debug, Parser)]
#[command(
    name = "otpvault",
    version,
    about = "A desktop authenticator: TOTP, HOTP and Steam codes from an encrypted vault.",
    long_about = "A desktop authenticator: TOTP, HOTP and Steam codes from an encrypted vault.\n\n\
                  With no command, opens the window. The commands below serve scripts and terminals.",
    after_help = "Examples:\n  \
                  otpvault                                  open the window\n  \
                  otpvault code --uri 'otpauth://totp/GitHub:me?secret=JBSWY3DPEHPK3PXP'"
)]
pub struct Cli {
    /// The vault file [default: vault.otpvault in the platform data folder].
    #[arg(long, global = true, env = "OTPVAULT_VAULT", value_name = "PATH")]
    pub vault: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Print the current code of an account, alone on one line.
    #[command(after_help = "Examples:\n  \
        otpvault code github\n  \
        aws sts get-session-token --serial-number \"$MFA_ARN\" --token-code \"$(otpvault code aws)\"\n  \
        otpvault code --uri 'otpauth://totp/GitHub:me?secret=JBSWY3DPEHPK3PXP'\n  \
        otpvault code --uri 'otpauth://totp/x?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&digits=8' --at 59\n  \
        otpvault code --uri 'otpauth://hotp/x?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&counter=1'")]
    Code(CodeArgs),
    /// Create a new, empty vault.
    Init(InitArgs),
    /// Add an account to the vault.
    Add(AddArgs),
    /// List the accounts of the vault (never their secrets).
    List(ListArgs),
    /// Show an account's details; with --reveal, its otpauth:// URI.
    Show(ShowArgs),
    /// Remove an account from the vault.
    Remove(RemoveArgs),
    /// Change an account's issuer or name.
    Rename(RenameArgs),
    /// Change the vault password.
    Passwd(PasswdArgs),
    /// Unlock the vault with the OS keyring, or stop doing so.
    Keyring(KeyringArgs),
    /// Add the accounts of another app's backup or export file to the vault.
    Import(ImportArgs),
    /// Write every account of the vault to a file another app (or otpvault elsewhere) reads.
    Export(ExportArgs),
    /// Print the text of every QR code in images, on the screen or on the clipboard.
    #[command(after_help = "Examples:\n  \
        otpvault scan screenshot.png\n  \
        otpvault scan --json a.png b.jpg\n  \
        otpvault scan --screen\n  \
        otpvault scan --clipboard")]
    Scan(ScanArgs),
    /// Print the two consecutive codes a "set up MFA device" form asks for, each when it is due.
    #[command(after_help = "Codes go to stdout, one a line; guidance goes to stderr.\n\nExamples:\n  \
        otpvault enroll --save --uri 'otpauth://totp/Amazon%20Web%20Services:alice@123456789012?secret=…'\n  \
        otpvault enroll alice@123456789012\n  \
        otpvault enroll --uri 'otpauth://totp/x?secret=JBSWY3DPEHPK3PXP' --both-now")]
    Enroll(super::enroll::EnrollArgs),
    /// Compare the computer's clock with a time server: codes are refused when it is off.
    Clock(super::clock::ClockArgs),
}

#[derive(Debug, Args)]
pub struct CodeArgs {
    /// Issuer, name, group, tag or id of an account in the vault.
    #[arg(value_name = "QUERY", required_unless_present = "uri", conflicts_with = "uri")]
    pub query: Option<String>,
    /// The account as an otpauth:// URI (or a migration URI holding exactly one account).
    #[arg(long, value_name = "URI")]
    pub uri: Option<String>,
    /// Compute the code at this Unix time in seconds instead of now (TOTP and Steam).
    #[arg(long, value_name = "UNIX_SECONDS")]
    pub at: Option<u64>,
    #[command(flatten)]
    pub password: PasswordArgs,
}

#[derive(Debug, Args)]
pub struct ScanArgs {
    /// Image files (PNG, JPEG, GIF, BMP, WebP, TIFF, ICO, PNM).
    #[arg(value_name = "FILE", required_unless_present_any = ["screen", "clipboard"])]
    pub files: Vec<std::path::PathBuf>,
    /// Capture every monitor and scan what it shows.
    #[arg(long, conflicts_with_all = ["files", "clipboard"])]
    pub screen: bool,
    /// Scan the image on the clipboard.
    #[arg(long, conflicts_with = "files")]
    pub clipboard: bool,
    /// Print a JSON array of {"source", "texts"} (or {"source", "error"}) with the exact texts.
    #[arg(long)]
    pub json: bool,
}
