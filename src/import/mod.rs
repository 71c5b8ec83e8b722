//! Backups and exports of other authenticator apps: one importer a format, one registry.
//!
//! Each format lives in its own file, implements [`Importer`] and is listed once in [`REGISTRY`].
//! Detection reads the content; a file name is only a hint.

mod aegis;
mod andotp;
mod android_prefs;
mod authenticator_plus;
mod authy;
mod battle_net;
mod bitwarden;
mod duo;
mod ente;
mod freeotp_plus;
pub mod freeotp_v2;
mod freeotp_xml;
mod google_authenticator_db;
mod java_map;
mod kit;
mod microsoft_authenticator_db;
mod otp_fields;
mod otpauth_list;
mod otpvault;
mod proton;
mod sqlite;
mod steam;
mod stratum;
mod stratum_db;
mod totp_authenticator;
mod twofas;

use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

use secrecy::SecretString;

use crate::account::Account;
pub use otpvault::OtpvaultBackup;

/// Why a file could not be imported. An import either returns every account or fails whole.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ImportError {
    #[error("unsupported format: otpvault reads {formats}", formats = supported_list())]
    UnsupportedFormat,
    #[error("unknown format name {0:?}: use one of {ids}", ids = supported_ids())]
    UnknownFormatName(String),
    #[error("this {0} backup is encrypted: give its password (--password-stdin)")]
    PasswordRequired(&'static str),
    #[error("wrong password for this {0} backup (or the file is damaged)")]
    WrongPassword(&'static str),
    #[error("this {format} backup is damaged or not what it claims: {reason}")]
    Malformed { format: &'static str, reason: String },
    #[error("this {format} backup uses {what}, which otpvault does not read yet")]
    Unsupported { format: &'static str, what: String },
    #[error("entry {index} of this {format} backup: {reason}")]
    BadEntry { format: &'static str, index: usize, reason: String },
    #[error("the file holds no account")]
    Empty,
    #[error("could not read {}: {source}", path.display())]
    Read { path: PathBuf, source: std::io::Error },
    #[error("{} is larger than any authenticator backup ({} MiB at most)", path.display(), MAX_FILE_BYTES >> 20)]
    TooLarge { path: PathBuf },
}

/// No backup of an authenticator app comes near this; a larger file is not one.
pub const MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;

/// A backup file's bytes, refusing to read past [`MAX_FILE_BYTES`].
pub fn read_file(path: &Path) -> Result<Vec<u8>, ImportError> {
    let read_error = |source| ImportError::Read { path: path.to_owned(), source };
    let file = File::open(path).map_err(read_error)?;
    let mut bytes = Vec::new();
    file.take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes).map_err(read_error)?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(ImportError::TooLarge { path: path.to_owned() });
    }
    Ok(bytes)
}

/// One backup format of one app.
pub trait Importer: Sync {
    /// Short stable name for `--format`, e.g. `aegis`.
    fn id(&self) -> &'static str;
    /// What users call it, e.g. `Aegis Authenticator (JSON vault)`.
    fn name(&self) -> &'static str;
    /// Whether `bytes` look like this format. Cheap and never panics.
    fn detect(&self, bytes: &[u8]) -> bool;
    /// Whether this particular file needs a password to be read.
    fn needs_password(&self, bytes: &[u8]) -> bool;
    /// Every account of the file, or an error and none.
    fn import(&self, bytes: &[u8], password: Option<&SecretString>) -> Result<Vec<Account>, ImportError>;
    /// Whether a file name suggests this format: only for formats whose content has no mark
    /// (e.g. andOTP's headerless encrypted backups). Consulted after every `detect` said no.
    fn matches_file_name(&self, _file_name: &str) -> bool {
        false
    }
    /// Every account with the group (folder) the app filed it under. Formats with groups
    /// override this; the others have none.
    fn import_grouped(&self, bytes: &[u8], password: Option<&SecretString>) -> Result<Vec<Grouped>, ImportError> {
        Ok(self.import(bytes, password)?.into_iter().map(|account| Grouped { account, group: None }).collect())
    }
}

/// An imported account and the group the source app kept it in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grouped {
    pub account: Account,
    pub group: Option<String>,
}

/// Every format otpvault reads, most specific first: detection takes the first that matches.
pub static REGISTRY: &[&dyn Importer] = &[
    &OtpvaultBackup,
    &freeotp_v2::FreeOtpV2,
    &authenticator_plus::AuthenticatorPlus,
    &stratum_db::StratumDatabase,
    &google_authenticator_db::GoogleAuthenticatorDatabase,
    &microsoft_authenticator_db::MicrosoftAuthenticatorDatabase,
    &authy::Authy,
    &battle_net::BattleNet,
    &freeotp_xml::FreeOtpXml,
    &aegis::Aegis,
    &twofas::TwoFas,
    &stratum::Stratum,
    &proton::Proton,
    &bitwarden::Bitwarden,
    &freeotp_plus::FreeOtpPlus,
    &steam::Steam,
    &duo::Duo,
    &andotp::AndOtp,
    &ente::Ente,
    &otpauth_list::OtpauthList,
    // Last: an encrypted TOTP Authenticator backup is only recognisable as base64 of AES blocks.
    &totp_authenticator::TotpAuthenticator,
];

fn supported_ids() -> String {
    REGISTRY.iter().map(|i| i.id()).collect::<Vec<_>>().join(", ")
}

fn supported_list() -> String {
    REGISTRY.iter().map(|i| i.name()).collect::<Vec<_>>().join(", ")
}

/// The importer named `id` (as given to `--format`).
pub fn by_id(id: &str) -> Result<&'static dyn Importer, ImportError> {
    REGISTRY
        .iter()
        .copied()
        .find(|i| i.id().eq_ignore_ascii_case(id))
        .ok_or_else(|| ImportError::UnknownFormatName(id.to_owned()))
}

/// The importer whose format `bytes` are in.
pub fn detect(bytes: &[u8]) -> Result<&'static dyn Importer, ImportError> {
    REGISTRY.iter().copied().find(|i| i.detect(bytes)).ok_or(ImportError::UnsupportedFormat)
}

/// Like [`detect`], then falls back on the file name for formats whose content has no mark.
pub fn detect_named(bytes: &[u8], file_name: &str) -> Result<&'static dyn Importer, ImportError> {
    detect(bytes).or_else(|_| {
        REGISTRY.iter().copied().find(|i| i.matches_file_name(file_name)).ok_or(ImportError::UnsupportedFormat)
    })
}

/// Reads a backup: with `format` when the user named one, else by its content.
pub fn import(
    bytes: &[u8],
    format: Option<&str>,
    password: Option<&SecretString>,
) -> Result<Vec<Account>, ImportError> {
    let importer = match format {
        Some(id) => by_id(id)?,
        None => detect(bytes)?,
    };
    if password.is_none() && importer.needs_password(bytes) {
        return Err(ImportError::PasswordRequired(importer.name()));
    }
    let accounts = importer.import(bytes, password)?;
    if accounts.is_empty() {
        return Err(ImportError::Empty);
    }
    Ok(accounts)
}

/// Reads a backup with `importer`, keeping the groups the source app filed accounts under.
/// Refuses before reading when the file needs a password and none is given, and when it holds
/// no account.
pub fn import_grouped(
    importer: &dyn Importer,
    bytes: &[u8],
    password: Option<&SecretString>,
) -> Result<Vec<Grouped>, ImportError> {
    if password.is_none() && importer.needs_password(bytes) {
        return Err(ImportError::PasswordRequired(importer.name()));
    }
    let accounts = importer.import_grouped(bytes, password)?;
    if accounts.is_empty() {
        return Err(ImportError::Empty);
    }
    Ok(accounts)
}
