//! Microsoft Authenticator: the app's internal SQLite database (`accounts` table of `PhoneFactor`).
//! Third-party accounts are TOTP SHA1/6/30 with a base32 seed; personal Microsoft accounts use a
//! base64 seed and 8 digits.

use secrecy::SecretString;

use super::otp_fields::{secret_from_base32, secret_from_base64};
use super::{ImportError, Importer, sqlite};
use crate::account::Account;
use crate::otp::{Digits, Params};

const FORMAT: &str = "Microsoft Authenticator (internal database)";
const COLUMNS: &[&str] = &["name", "username", "oath_secret_key", "account_type"];

/// `account_type` of a third-party TOTP account.
const TYPE_TOTP: i64 = 0;
/// `account_type` of a personal Microsoft account.
const TYPE_MICROSOFT: i64 = 1;

pub struct MicrosoftAuthenticatorDatabase;

impl Importer for MicrosoftAuthenticatorDatabase {
    fn id(&self) -> &'static str {
        "microsoft-authenticator-db"
    }

    fn name(&self) -> &'static str {
        FORMAT
    }

    fn detect(&self, bytes: &[u8]) -> bool {
        sqlite::has_table(bytes, "accounts", COLUMNS)
    }

    fn needs_password(&self, _bytes: &[u8]) -> bool {
        false
    }

    fn import(&self, bytes: &[u8], _password: Option<&SecretString>) -> Result<Vec<Account>, ImportError> {
        let connection = sqlite::open(bytes, FORMAT)?;
        let read_error = sqlite::read_error(FORMAT);
        let mut statement = connection
            .prepare("SELECT name, username, oath_secret_key, account_type FROM accounts ORDER BY ux_position, _id")
            .or_else(|_| {
                connection.prepare("SELECT name, username, oath_secret_key, account_type FROM accounts ORDER BY _id")
            })
            .map_err(&read_error)?;
        let rows = statement
            .query_map([], |row| {
                Ok((
                    row.get::<_, Option<String>>(0)?,
                    row.get::<_, Option<String>>(1)?,
                    zeroize::Zeroizing::new(row.get::<_, Option<String>>(2)?.unwrap_or_default()),
                    row.get::<_, i64>(3)?,
                ))
            })
            .map_err(&read_error)?;
        let mut accounts = Vec::new();
        for (index, row) in rows.enumerate() {
            let (issuer, username, secret, kind) = row.map_err(&read_error)?;
            let entry = |reason: String| ImportError::BadEntry { format: FORMAT, index: index + 1, reason };
            let (secret, params) = match kind {
                TYPE_TOTP => (secret_from_base32(&secret).map_err(entry)?, Params::totp()),
                TYPE_MICROSOFT => {
                    let digits = Digits::try_from(8u8).map_err(|e| entry(e.to_string()))?;
                    (secret_from_base64(&secret).map_err(entry)?, Params { digits, ..Params::totp() })
                }
                // Work and school accounts sign in by notification and hold no code seed.
                _ if secret.trim().is_empty() => continue,
                other => return Err(entry(format!("unknown account type {other} with a code seed"))),
            };
            accounts.push(Account::new(issuer, username.unwrap_or_default(), secret, params));
        }
        Ok(accounts)
    }
}
