//! otpvault's own encrypted backup (`otpvault export`), or a vault file copied from another machine.

use secrecy::SecretString;

use super::{Grouped, ImportError, Importer};
use crate::account::Account;
use crate::vault::Entry;
use crate::vault::backup::{self, BackupError};

const NAME: &str = "otpvault (encrypted backup or vault)";

/// Reads `.otpvault` backups and vault files with their password.
pub struct OtpvaultBackup;

impl Importer for OtpvaultBackup {
    fn id(&self) -> &'static str {
        "otpvault"
    }

    fn name(&self) -> &'static str {
        NAME
    }

    fn detect(&self, bytes: &[u8]) -> bool {
        backup::detect(bytes)
    }

    fn needs_password(&self, _bytes: &[u8]) -> bool {
        true
    }

    fn import(&self, bytes: &[u8], password: Option<&SecretString>) -> Result<Vec<Account>, ImportError> {
        Ok(entries(bytes, password)?.into_iter().map(|entry| entry.account).collect())
    }

    fn import_grouped(&self, bytes: &[u8], password: Option<&SecretString>) -> Result<Vec<Grouped>, ImportError> {
        let entries = entries(bytes, password)?;
        Ok(entries.into_iter().map(|entry| Grouped { account: entry.account, group: entry.group }).collect())
    }
}

fn entries(bytes: &[u8], password: Option<&SecretString>) -> Result<Vec<Entry>, ImportError> {
    let password = password.ok_or(ImportError::PasswordRequired(NAME))?;
    backup::read(bytes, password).map_err(|error| match error {
        BackupError::WrongPassword => ImportError::WrongPassword(NAME),
        BackupError::UnsupportedVersion(_) => ImportError::Unsupported { format: NAME, what: error.to_string() },
        other => ImportError::Malformed { format: NAME, reason: other.to_string() },
    })
}
