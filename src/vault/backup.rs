//! Encrypted backups to move accounts to another machine: a vault file with only a password
//! slot, which `otpvault import` (the `otpvault` importer) reads back.

use secrecy::{ExposeSecret, SecretString};

use super::entry::{self, Entry};
use super::format::{self, FormatError, PasswordSlot};
use super::kdf::{KdfError, KdfParams};

/// File name extension of backups and vaults.
pub const EXTENSION: &str = "otpvault";

/// Why a backup could not be written or read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum BackupError {
    #[error("an empty password protects nothing: choose a password for the backup")]
    EmptyPassword,
    #[error("this is not an otpvault backup")]
    NotABackup,
    #[error("wrong password for this otpvault backup")]
    WrongPassword,
    #[error("this otpvault backup is cut short: copy it again")]
    Truncated,
    #[error("this otpvault backup is damaged: {0}")]
    Damaged(String),
    #[error("this otpvault backup uses format version {0}, newer than this otpvault reads ({supported}): update otpvault", supported = format::VERSION)]
    UnsupportedVersion(u16),
    #[error(transparent)]
    Kdf(#[from] KdfError),
}

/// Whether `bytes` start like an otpvault vault or backup.
pub fn detect(bytes: &[u8]) -> bool {
    bytes.starts_with(format::MAGIC)
}

/// A backup of `entries` under `password`, with the default (strong) key derivation.
pub fn export(entries: &[Entry], password: &SecretString) -> Result<Vec<u8>, BackupError> {
    export_with(entries, password, KdfParams::DEFAULT)
}

/// A backup of `entries` under `password` with the given key derivation cost.
pub fn export_with(entries: &[Entry], password: &SecretString, kdf: KdfParams) -> Result<Vec<u8>, BackupError> {
    if password.expose_secret().is_empty() {
        return Err(BackupError::EmptyPassword);
    }
    let master = format::random_key();
    let slot = PasswordSlot::new(&master, password, kdf)?;
    let plaintext = entry::encode_payload(entries);
    Ok(format::seal(&slot, None, &master, &plaintext).0)
}

/// Every entry of a backup (or of a vault file, with its password).
pub fn read(bytes: &[u8], password: &SecretString) -> Result<Vec<Entry>, BackupError> {
    let parsed = format::parse(bytes).map_err(|error| match error {
        FormatError::NotAVault => BackupError::NotABackup,
        FormatError::Truncated => BackupError::Truncated,
        FormatError::UnsupportedVersion(version) => BackupError::UnsupportedVersion(version),
        FormatError::Damaged(reason) => BackupError::Damaged(reason.to_owned()),
        FormatError::Kdf(error) => BackupError::Damaged(error.to_string()),
    })?;
    let master = parsed.password.open(password)?.ok_or(BackupError::WrongPassword)?;
    let plaintext = format::open_payload(&parsed, &master)
        .ok_or_else(|| BackupError::Damaged("its accounts fail authentication".to_owned()))?;
    entry::decode_payload(&plaintext)
        .map_err(|error| BackupError::Damaged(format!("its accounts cannot be read: {error}")))
}
