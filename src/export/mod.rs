//! Writing accounts in formats other apps read, so people can leave with their seeds: an Aegis
//! vault (plain or encrypted, as Aegis's own vault-format document describes) and a plain
//! otpauth URI list. Each is read back by our own importers in the tests.

mod aegis;
mod otpauth;

pub use aegis::{aegis_encrypted, aegis_plain};
pub use otpauth::otpauth_list;

use std::fs::OpenOptions;
use std::io::Write;
use std::path::Path;

use secrecy::SecretString;
use zeroize::Zeroizing;

use crate::import::Grouped;
use crate::vault::backup::BackupError;
use crate::vault::{Entry, KdfParams};

/// The one-file formats the vault's accounts can be written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum BackupFormat {
    /// otpvault's own encrypted backup: every field kept, for another machine.
    Otpvault,
    /// Aegis vault JSON encrypted with a password, which Aegis and otpvault read.
    AegisEncrypted,
    /// Aegis vault JSON, unencrypted.
    Aegis,
    /// otpauth:// URIs, one a line, unencrypted: what most apps and password managers read.
    Otpauth,
}

impl BackupFormat {
    pub const ALL: [BackupFormat; 4] =
        [BackupFormat::Otpvault, BackupFormat::AegisEncrypted, BackupFormat::Aegis, BackupFormat::Otpauth];

    /// Whether the file is protected by a password (the others hold the seeds in clear).
    pub fn encrypted(self) -> bool {
        matches!(self, BackupFormat::Otpvault | BackupFormat::AegisEncrypted)
    }

    /// How a person would name the format.
    pub fn label(self) -> &'static str {
        match self {
            BackupFormat::Otpvault => "otpvault backup (encrypted)",
            BackupFormat::AegisEncrypted => "Aegis vault (encrypted)",
            BackupFormat::Aegis => "Aegis vault (unencrypted)",
            BackupFormat::Otpauth => "otpauth:// list (unencrypted)",
        }
    }

    /// A file name to suggest.
    pub fn file_name(self) -> &'static str {
        match self {
            BackupFormat::Otpvault => "otpvault-backup.otpvault",
            BackupFormat::AegisEncrypted => "aegis-export-encrypted.json",
            BackupFormat::Aegis => "aegis-export.json",
            BackupFormat::Otpauth => "otpauth-accounts.txt",
        }
    }
}

/// Creates `path` for a secret-bearing export and writes `bytes` to disk: never replacing a
/// file, owner-only on Unix. A failed write removes the partial file.
pub fn write_new(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path)?;
    file.write_all(bytes).and_then(|()| file.sync_all()).inspect_err(|_| {
        let _ = std::fs::remove_file(path);
    })
}

/// Why a backup could not be made.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BackupFileError {
    #[error("this format is encrypted: give a password for it")]
    PasswordRequired,
    #[error(transparent)]
    Export(#[from] ExportError),
    #[error(transparent)]
    Backup(#[from] BackupError),
}

/// The bytes of a backup of `entries` in `format`; `password` protects the encrypted formats.
pub fn backup(
    format: BackupFormat,
    entries: &[Entry],
    password: Option<&SecretString>,
) -> Result<Zeroizing<Vec<u8>>, BackupFileError> {
    backup_with(format, entries, password, KdfParams::DEFAULT)
}

/// [`backup`] with the key derivation cost of an otpvault backup chosen (the vault's own).
pub fn backup_with(
    format: BackupFormat,
    entries: &[Entry],
    password: Option<&SecretString>,
    kdf: KdfParams,
) -> Result<Zeroizing<Vec<u8>>, BackupFileError> {
    let password = || password.ok_or(BackupFileError::PasswordRequired);
    let grouped = || -> Vec<Grouped> {
        entries.iter().map(|e| Grouped { account: e.account.clone(), group: e.group.clone() }).collect()
    };
    let text = |text: Zeroizing<String>| Zeroizing::new(text.as_bytes().to_vec());
    Ok(match format {
        BackupFormat::Otpvault => Zeroizing::new(crate::vault::backup::export_with(entries, password()?, kdf)?),
        BackupFormat::AegisEncrypted => Zeroizing::new(aegis_encrypted(&grouped(), password()?)?.into_bytes()),
        BackupFormat::Aegis => text(aegis_plain(&grouped())),
        BackupFormat::Otpauth => {
            let accounts: Vec<_> = entries.iter().map(|e| e.account.clone()).collect();
            text(otpauth_list(&accounts))
        }
    })
}

/// Why an export could not be written.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ExportError {
    #[error("the export password is empty: choose one, since it alone protects the exported seeds")]
    EmptyPassword,
    #[error("the system's random number generator failed ({0}); try again")]
    Random(String),
    #[error("encrypting the export failed; nothing was written")]
    Encryption,
}
