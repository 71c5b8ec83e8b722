//! otpvault's own encrypted backup (`otpvault export`), or a vault file copied from another machine.

use secrecy::SecretString;

use super::{ImportError, Importer};
use crate::account::Account;
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
        let password = password.ok_or(ImportError::PasswordRequired(NAME))?;
        let entries = backup::read(bytes, password).map_err(|error| match error {
            BackupError::WrongPassword => ImportError::WrongPassword(NAME),
            BackupError::UnsupportedVersion(_) => ImportError::Unsupported { format: NAME, what: error.to_string() },
            other => ImportError::Malformed { format: NAME, reason: other.to_string() },
        })?;
        Ok(entries.into_iter().map(|entry| entry.account).collect())
    }
}
