//! The vault commands: `init`, `add`, `list`, `code QUERY`, `show`, `remove`, `rename`,
//! `passwd`, `keyring enable|disable`.

use std::io::{BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use anyhow::{Context, bail};
use clap::{ArgGroup, Args, Subcommand};
use secrecy::{ExposeSecret, SecretString};
use zeroize::Zeroizing;

use crate::account::Account;
use crate::otp::{Algorithm, Digits, Kind, OtpError, Params, Period};
use crate::secret::{Secret, SecretError};
use crate::uri::{OtpUri, UriError};
use crate::vault::{self, Entry, KdfParams, KeyringError, OsKeyring, Vault, VaultError};

/// Exit status: the password does not open the vault.
pub const EXIT_WRONG_PASSWORD: u8 = 4;
/// Exit status: the vault file is damaged or cut short (restore its `.bak`).
pub const EXIT_DAMAGED: u8 = 5;
/// Exit status: the vault was written by a newer otpvault.
pub const EXIT_UNSUPPORTED_VERSION: u8 = 6;
/// Exit status: another otpvault has the vault open.
pub const EXIT_LOCKED: u8 = 7;
/// Exit status: the OS keyring is unreachable or holds no key for the vault.
pub const EXIT_KEYRING: u8 = 8;
/// Exit status: there is no vault at the path (run `otpvault init`).
pub const EXIT_NO_VAULT: u8 = 9;
/// Exit status: no account matches the query.
pub const EXIT_NO_MATCH: u8 = 10;
/// Exit status: several accounts match the query (they are listed on stderr).
pub const EXIT_AMBIGUOUS: u8 = 11;
/// Exit status: no password was given and there is no terminal to ask for one.
pub const EXIT_USAGE: u8 = 2;

/// Environment variable that holds the vault password, for scripts.
pub const PASSWORD_ENV: &str = "OTPVAULT_PASSWORD";
/// Environment variable that holds the new password for `passwd`, for scripts.
pub const NEW_PASSWORD_ENV: &str = "OTPVAULT_NEW_PASSWORD";
/// When `1`, `init` and `passwd` use a nearly free key derivation. For tests only: such a vault
/// falls to a password guesser in no time.
pub const INSECURE_TEST_KDF_ENV: &str = "OTPVAULT_INSECURE_TEST_KDF";

/// How the vault password is given.
#[derive(Debug, Args)]
pub struct PasswordArgs {
    /// Read the vault password from the first line of standard input. Without this flag it comes
    /// from the OTPVAULT_PASSWORD environment variable (for scripts), else the OS keyring (see
    /// `otpvault keyring enable`), else a prompt on the terminal.
    #[arg(long)]
    pub password_stdin: bool,
}

#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  \
    otpvault init\n  \
    otpvault --vault ~/work.otpvault init\n  \
    printf '%s\\n' \"$PASS\" | otpvault init --password-stdin")]
pub struct InitArgs {
    #[command(flatten)]
    pub password: PasswordArgs,
}

#[derive(Debug, Args)]
#[command(group(ArgGroup::new("source").required(true).args(["uri", "secret"])))]
#[command(after_help = "Examples:\n  \
    otpvault add --uri 'otpauth://totp/GitHub:me?secret=JBSWY3DPEHPK3PXP'\n  \
    otpvault add --secret 'JBSW Y3DP EHPK 3PXP' --issuer GitHub --name me@example.com\n  \
    otpvault add --secret GEZDGNBVGY3TQOJQ --name bank --type hotp --counter 5 --digits 8\n\n\
    A secret on the command line is visible to other users of this machine while the command runs.")]
pub struct AddArgs {
    /// The account as an otpauth:// URI (or a migration URI holding one account).
    #[arg(long, value_name = "URI")]
    pub uri: Option<String>,
    /// The secret key in base32, as the service shows it (spaces and any case are fine).
    #[arg(long, value_name = "BASE32")]
    pub secret: Option<String>,
    /// The service, e.g. GitHub.
    #[arg(long, requires = "secret")]
    pub issuer: Option<String>,
    /// The user or device at that service.
    #[arg(long, requires = "secret")]
    pub name: Option<String>,
    /// totp, hotp or steam.
    #[arg(long = "type", value_name = "TYPE", default_value = "totp", requires = "secret")]
    pub kind: Kind,
    /// SHA1, SHA256 or SHA512.
    #[arg(long, default_value = "SHA1", requires = "secret")]
    pub algorithm: Algorithm,
    /// Digits of a code, 5 to 10 [default: 6, Steam: 5].
    #[arg(long, requires = "secret")]
    pub digits: Option<u8>,
    /// Seconds a TOTP code lasts.
    #[arg(long, default_value_t = 30, requires = "secret")]
    pub period: u32,
    /// The HOTP counter.
    #[arg(long, default_value_t = 0, requires = "secret")]
    pub counter: u64,
    /// A group to file the account under.
    #[arg(long)]
    pub group: Option<String>,
    /// A tag (repeat for several).
    #[arg(long = "tag", value_name = "TAG")]
    pub tags: Vec<String>,
    /// A free note.
    #[arg(long)]
    pub note: Option<String>,
    #[command(flatten)]
    pub password: PasswordArgs,
}

#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  \
    otpvault list\n  \
    otpvault list --json | jq -r '.[].issuer'")]
pub struct ListArgs {
    /// One JSON array of accounts (no secrets) instead of a table.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub password: PasswordArgs,
}

#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  \
    otpvault show github\n  \
    otpvault show github --reveal        prints the otpauth:// URI, secret included")]
pub struct ShowArgs {
    /// Issuer, name, group, tag or id of the account.
    pub query: String,
    /// Print the otpauth:// URI, which holds the secret.
    #[arg(long)]
    pub reveal: bool,
    #[command(flatten)]
    pub password: PasswordArgs,
}

#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  \
    otpvault remove 'GitHub (old-me)'\n  \
    otpvault remove 3f2a9c1e --yes")]
pub struct RemoveArgs {
    /// Issuer, name, group, tag or id of the account.
    pub query: String,
    /// Do not ask for confirmation (needed without a terminal).
    #[arg(long)]
    pub yes: bool,
    #[command(flatten)]
    pub password: PasswordArgs,
}

#[derive(Debug, Args)]
#[command(group(ArgGroup::new("new").required(true).multiple(true).args(["issuer", "name"])))]
#[command(after_help = "Examples:\n  \
    otpvault rename github --name alice@example.com\n  \
    otpvault rename 'Amazon Web Services' --issuer AWS --name prod-admin")]
pub struct RenameArgs {
    /// Issuer, name, group, tag or id of the account.
    pub query: String,
    /// The new issuer (empty for none).
    #[arg(long)]
    pub issuer: Option<String>,
    /// The new name.
    #[arg(long)]
    pub name: Option<String>,
    #[command(flatten)]
    pub password: PasswordArgs,
}

#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  \
    otpvault passwd\n  \
    printf '%s\\n%s\\n' \"$OLD\" \"$NEW\" | otpvault passwd --password-stdin --new-password-stdin\n\n\
    The new password comes from --new-password-stdin (the line after the current password when both\n\
    are piped), the OTPVAULT_NEW_PASSWORD environment variable, or a prompt.")]
pub struct PasswdArgs {
    #[command(flatten)]
    pub password: PasswordArgs,
    /// Read the new password from standard input.
    #[arg(long)]
    pub new_password_stdin: bool,
}

#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  \
    otpvault keyring enable     unlock from now on without typing the password\n  \
    otpvault keyring disable    forget the key kept in the OS keyring")]
pub struct KeyringArgs {
    #[command(subcommand)]
    pub action: KeyringAction,
}

#[derive(Debug, Subcommand)]
pub enum KeyringAction {
    /// Keep a key in the OS keyring (Secret Service, Keychain, Credential Manager) that unlocks the vault.
    #[command(after_help = "Example:\n  otpvault keyring enable")]
    Enable(PasswordArgs),
    /// Remove the keyring slot and its key; the password still unlocks the vault.
    #[command(after_help = "Example:\n  otpvault keyring disable")]
    Disable(PasswordArgs),
}

/// Errors of the vault commands that are not the library's.
#[derive(Debug, thiserror::Error)]
pub enum CommandError {
    #[error("no password given and no terminal to ask for it: pipe it with --password-stdin or set OTPVAULT_PASSWORD")]
    NoPassword,
    #[error("no account matches {0:?}: see `otpvault list`")]
    NoMatch(String),
    #[error("{count} accounts match {query:?} (listed above): give more of the name, or the id")]
    Ambiguous { query: String, count: usize },
    #[error("the passwords differ: nothing was changed")]
    PasswordsDiffer,
    #[error("not removed: confirm with --yes")]
    NotConfirmed,
}

/// The exit status for a vault error, `None` for errors that are not the vault's.
pub fn exit_code(error: &anyhow::Error) -> Option<u8> {
    error.chain().find_map(|cause| {
        if let Some(error) = cause.downcast_ref::<VaultError>() {
            return match error {
                VaultError::WrongPassword { .. } => Some(EXIT_WRONG_PASSWORD),
                VaultError::Damaged { .. } | VaultError::Truncated { .. } => Some(EXIT_DAMAGED),
                VaultError::UnsupportedVersion { .. } => Some(EXIT_UNSUPPORTED_VERSION),
                VaultError::Locked { .. } => Some(EXIT_LOCKED),
                VaultError::Keyring(_) => Some(EXIT_KEYRING),
                VaultError::NotFound { .. } => Some(EXIT_NO_VAULT),
                _ => None,
            };
        }
        if cause.is::<KeyringError>() {
            return Some(EXIT_KEYRING);
        }
        if let Some(error) = cause.downcast_ref::<CommandError>() {
            return match error {
                CommandError::NoPassword => Some(EXIT_USAGE),
                CommandError::NoMatch(_) => Some(EXIT_NO_MATCH),
                CommandError::Ambiguous { .. } => Some(EXIT_AMBIGUOUS),
                _ => None,
            };
        }
        (cause.is::<SecretError>() || cause.is::<OtpError>() || cause.is::<UriError>()).then_some(super::EXIT_BAD_INPUT)
    })
}

pub(crate) fn now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0)
}

/// `--vault`, `OTPVAULT_VAULT`, or the platform data folder.
pub fn vault_path(chosen: Option<&Path>) -> anyhow::Result<PathBuf> {
    match chosen {
        Some(path) => Ok(path.to_owned()),
        None => Ok(vault::default_path()?),
    }
}

fn kdf_params() -> KdfParams {
    if std::env::var(INSECURE_TEST_KDF_ENV).is_ok_and(|v| v == "1") {
        KdfParams::INSECURE_TEST
    } else {
        KdfParams::DEFAULT
    }
}

/// One line of standard input, without its line ending.
pub(crate) fn stdin_line(what: &str) -> anyhow::Result<SecretString> {
    let mut line = Zeroizing::new(String::new());
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .with_context(|| format!("could not read the {what} from standard input"))?;
    let trimmed = line.trim_end_matches(['\n', '\r']);
    if trimmed.is_empty() {
        bail!("standard input holds no {what}: give it on the first line");
    }
    Ok(SecretString::from(trimmed.to_owned()))
}

fn env_password(name: &str) -> Option<SecretString> {
    std::env::var(name).ok().filter(|v| !v.is_empty()).map(SecretString::from)
}

pub(crate) fn prompt(label: &str) -> anyhow::Result<SecretString> {
    if !std::io::stdin().is_terminal() {
        return Err(CommandError::NoPassword.into());
    }
    let typed = rpassword::prompt_password(label).context("could not read the password from the terminal")?;
    Ok(SecretString::from(typed))
}

/// The password given without asking: `--password-stdin` or the environment.
fn given_password(args: &PasswordArgs) -> anyhow::Result<Option<SecretString>> {
    if args.password_stdin {
        return stdin_line("password").map(Some);
    }
    Ok(env_password(PASSWORD_ENV))
}

/// A new password: given, or typed twice.
pub(crate) fn new_password(given: Option<SecretString>, label: &str) -> anyhow::Result<SecretString> {
    if let Some(password) = given {
        return Ok(password);
    }
    let first = prompt(label)?;
    let second = prompt("Repeat it: ")?;
    if first.expose_secret() != second.expose_secret() {
        return Err(CommandError::PasswordsDiffer.into());
    }
    Ok(first)
}

/// Opens the vault with the password given, else the keyring slot, else a prompt. For every
/// command that reads or changes the vault (`import`, `export` too).
pub fn unlock(path: &Path, args: &PasswordArgs) -> anyhow::Result<Vault> {
    if let Some(password) = given_password(args)? {
        return Ok(Vault::open(path, &password)?);
    }
    if Vault::has_keyring_slot_at(path)? {
        match Vault::open_with_keyring(path, &OsKeyring) {
            Ok(vault) => return Ok(vault),
            Err(VaultError::Keyring(error)) if std::io::stdin().is_terminal() => eprintln!("otpvault: {error}"),
            Err(error) => return Err(error.into()),
        }
    }
    let password = prompt("Vault password: ")?;
    Ok(Vault::open(path, &password)?)
}

/// The one entry `query` names; several matches are listed on stderr.
pub(crate) fn single<'v>(vault: &'v Vault, query: &str) -> anyhow::Result<&'v Entry> {
    let matches = vault.search(query);
    match matches.as_slice() {
        [entry] => Ok(entry),
        [] => Err(CommandError::NoMatch(query.to_owned()).into()),
        several => {
            for entry in several {
                eprintln!("  {}  {}", short_id(entry), entry.account.display_name());
            }
            Err(CommandError::Ambiguous { query: query.to_owned(), count: several.len() }.into())
        }
    }
}

fn short_id(entry: &Entry) -> String {
    entry.id().to_string()[..8].to_owned()
}

pub fn init(chosen: Option<&Path>, args: &InitArgs) -> anyhow::Result<()> {
    let path = vault_path(chosen)?;
    if path.exists() {
        return Err(VaultError::AlreadyExists { path }.into());
    }
    let password = new_password(given_password(&args.password)?, "New vault password: ")?;
    Vault::create(&path, &password, kdf_params())?;
    eprintln!("created the vault {}", path.display());
    Ok(())
}

fn account_from(args: &AddArgs) -> anyhow::Result<Account> {
    if let Some(uri) = &args.uri {
        let uri: OtpUri = uri.parse().context("invalid URI")?;
        let mut accounts = uri.into_accounts();
        if accounts.len() != 1 {
            bail!("the URI holds {} accounts; add takes one: use `otpvault import` for several", accounts.len());
        }
        return Ok(accounts.remove(0));
    }
    let text = args.secret.as_deref().context("give --uri or --secret")?;
    let secret: Secret = text.parse().context("invalid secret")?;
    let mut params = match args.kind {
        Kind::Totp => Params::totp(),
        Kind::Hotp => Params::hotp(args.counter),
        Kind::Steam => Params::steam(),
    };
    params.algorithm = args.algorithm;
    if let Some(digits) = args.digits {
        params.digits = Digits::try_from(digits)?;
    }
    params.period = Period::try_from(args.period)?;
    let name = args.name.clone().unwrap_or_default();
    if name.trim().is_empty() && args.issuer.as_deref().is_none_or(|i| i.trim().is_empty()) {
        bail!("give the account a --name or an --issuer, to tell it from others");
    }
    Ok(Account::new(args.issuer.clone(), name, secret, params))
}

pub fn add(chosen: Option<&Path>, args: &AddArgs) -> anyhow::Result<()> {
    let account = account_from(args)?;
    let weak = account.secret.is_weak();
    let mut vault = unlock(&vault_path(chosen)?, &args.password)?;
    let name = account.display_name();
    let id = vault.add(account, now())?;
    vault.update(id, |entry| {
        entry.group = args.group.clone();
        entry.tags = args.tags.clone();
        entry.note = args.note.clone();
    })?;
    vault.save()?;
    if weak {
        eprintln!(
            "otpvault: warning: the secret of {name} is shorter than 128 bits; it works, but is weaker than usual"
        );
    }
    eprintln!("added {name} ({id})");
    Ok(())
}

fn entry_json(entry: &Entry) -> serde_json::Value {
    let a = &entry.account;
    serde_json::json!({
        "id": entry.id().to_string(),
        "issuer": a.issuer,
        "name": a.name,
        "type": a.params.kind,
        "algorithm": a.params.algorithm,
        "digits": a.params.digits,
        "period": a.params.period,
        "counter": a.params.counter,
        "group": entry.group,
        "tags": entry.tags,
        "note": entry.note,
        "created": entry.created(),
        "last_used": entry.last_used,
    })
}

pub fn list(chosen: Option<&Path>, args: &ListArgs) -> anyhow::Result<()> {
    let vault = unlock(&vault_path(chosen)?, &args.password)?;
    let mut out = std::io::stdout().lock();
    if args.json {
        let all: Vec<serde_json::Value> = vault.entries().iter().map(entry_json).collect();
        writeln!(out, "{}", serde_json::to_string_pretty(&all)?)?;
        return Ok(());
    }
    for entry in vault.entries() {
        let a = &entry.account;
        writeln!(
            out,
            "{}  {:<5}  {:<24}  {:<32}  {}",
            short_id(entry),
            a.params.kind,
            a.issuer.as_deref().unwrap_or("-"),
            a.name,
            entry.group.as_deref().unwrap_or("")
        )?;
    }
    Ok(())
}

/// `code QUERY`: the code of the one matching account, alone on stdout.
pub fn code(chosen: Option<&Path>, query: &str, at: Option<u64>, password: &PasswordArgs) -> anyhow::Result<()> {
    let mut vault = unlock(&vault_path(chosen)?, password)?;
    let id = single(&vault, query)?.id();
    let code = vault.use_code(id, at.unwrap_or_else(now))?;
    println!("{}", code.as_str());
    Ok(())
}

pub fn show(chosen: Option<&Path>, args: &ShowArgs) -> anyhow::Result<()> {
    let vault = unlock(&vault_path(chosen)?, &args.password)?;
    let entry = single(&vault, &args.query)?;
    if args.reveal {
        println!("{}", entry.account);
        return Ok(());
    }
    println!("{}", serde_json::to_string_pretty(&entry_json(entry))?);
    eprintln!("otpvault: add --reveal to print the otpauth:// URI, secret included");
    Ok(())
}

fn confirm(question: &str) -> anyhow::Result<bool> {
    if !std::io::stdin().is_terminal() {
        return Ok(false);
    }
    eprint!("{question} [y/N] ");
    let mut answer = String::new();
    std::io::stdin().lock().read_line(&mut answer)?;
    Ok(matches!(answer.trim(), "y" | "Y" | "yes"))
}

pub fn remove(chosen: Option<&Path>, args: &RemoveArgs) -> anyhow::Result<()> {
    let mut vault = unlock(&vault_path(chosen)?, &args.password)?;
    let entry = single(&vault, &args.query)?;
    let (id, name) = (entry.id(), entry.account.display_name());
    if !args.yes && !confirm(&format!("Remove {name}? Its codes cannot be made again without its secret."))? {
        return Err(CommandError::NotConfirmed.into());
    }
    vault.remove(id)?;
    vault.save()?;
    eprintln!("removed {name} (the previous vault is kept in {})", vault::backup_path(vault.path()).display());
    Ok(())
}

pub fn rename(chosen: Option<&Path>, args: &RenameArgs) -> anyhow::Result<()> {
    let mut vault = unlock(&vault_path(chosen)?, &args.password)?;
    let id = single(&vault, &args.query)?.id();
    vault.update(id, |entry| {
        let account = &mut entry.account;
        let issuer = args.issuer.clone().or_else(|| account.issuer.clone());
        let name = args.name.clone().unwrap_or_else(|| account.name.clone());
        let renamed = Account::new(issuer, name, account.secret.clone(), account.params);
        *account = renamed;
    })?;
    vault.save()?;
    let name = vault.entry(id).map(|e| e.account.display_name()).unwrap_or_default();
    eprintln!("renamed to {name}");
    Ok(())
}

pub fn passwd(chosen: Option<&Path>, args: &PasswdArgs) -> anyhow::Result<()> {
    let mut vault = unlock(&vault_path(chosen)?, &args.password)?;
    let given =
        if args.new_password_stdin { Some(stdin_line("new password")?) } else { env_password(NEW_PASSWORD_ENV) };
    let password = new_password(given, "New vault password: ")?;
    vault.change_password(&password, kdf_params())?;
    eprintln!("password changed");
    Ok(())
}

pub fn keyring(chosen: Option<&Path>, args: &KeyringArgs) -> anyhow::Result<()> {
    match &args.action {
        KeyringAction::Enable(password) => {
            let mut vault = unlock(&vault_path(chosen)?, password)?;
            vault.enable_keyring(&OsKeyring)?;
            eprintln!("the OS keyring now unlocks {}; the password still does too", vault.path().display());
        }
        KeyringAction::Disable(password) => {
            let mut vault = unlock(&vault_path(chosen)?, password)?;
            vault.disable_keyring(&OsKeyring)?;
            eprintln!("the OS keyring no longer unlocks {}", vault.path().display());
        }
    }
    Ok(())
}
