//! Backups and exports of other authenticator apps: one importer a format, one registry.
//!
//! Each format lives in its own file, implements [`Importer`] and is listed once in [`REGISTRY`].
//! Detection reads the content; a file name is only a hint.

use secrecy::SecretString;

mod otpvault;
pub use otpvault::OtpvaultBackup;

use crate::account::Account;

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
}

/// Every format otpvault reads, most specific first: detection takes the first that matches.
pub static REGISTRY: &[&dyn Importer] = &[&OtpvaultBackup];

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
