//! Google Authenticator: the app's internal SQLite database (`accounts` table of `databases`).
//! The app keeps only SHA1, 6 digits and 30 s, so those are the parameters of every account.

use secrecy::SecretString;

use super::otp_fields::secret_from_base32;
use super::{ImportError, Importer, sqlite};
use crate::account::Account;
use crate::otp::Params;

const FORMAT: &str = "Google Authenticator (internal database)";
const COLUMNS: &[&str] = &["email", "secret", "counter", "type", "issuer"];

pub struct GoogleAuthenticatorDatabase;

/// The label without the `Issuer:` prefix the app stores in front of it.
fn split_label(email: &str, issuer: Option<&str>) -> (Option<String>, String) {
    match issuer.filter(|i| !i.trim().is_empty()) {
        Some(issuer) => {
            let name = email.strip_prefix(issuer).and_then(|rest| rest.strip_prefix(':')).unwrap_or(email);
            (Some(issuer.to_owned()), name.to_owned())
        }
        None => match email.split_once(':') {
            Some((issuer, name)) => (Some(issuer.to_owned()), name.to_owned()),
            None => (None, email.to_owned()),
        },
    }
}

impl Importer for GoogleAuthenticatorDatabase {
    fn id(&self) -> &'static str {
        "google-authenticator-db"
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
            .prepare("SELECT email, secret, counter, type, issuer FROM accounts ORDER BY _id")
            .map_err(&read_error)?;
        let rows = statement
            .query_map([], |row| {
                Ok((
                    row.get::<_, String>(0)?,
                    zeroize::Zeroizing::new(row.get::<_, String>(1)?),
                    row.get::<_, Option<i64>>(2)?,
                    row.get::<_, Option<i64>>(3)?,
                    row.get::<_, Option<String>>(4)?,
                ))
            })
            .map_err(&read_error)?;
        let mut accounts = Vec::new();
        for (index, row) in rows.enumerate() {
            let (email, secret, counter, kind, issuer) = row.map_err(&read_error)?;
            let entry = |reason: String| ImportError::BadEntry { format: FORMAT, index: index + 1, reason };
            let params = match kind.unwrap_or(0) {
                0 => Params::totp(),
                1 => Params::hotp(
                    u64::try_from(counter.unwrap_or(0)).map_err(|_| entry("the counter is negative".into()))?,
                ),
                other => return Err(entry(format!("unknown account type {other}"))),
            };
            let secret = secret_from_base32(&secret).map_err(entry)?;
            let (issuer, name) = split_label(&email, issuer.as_deref());
            accounts.push(Account::new(issuer, name, secret, params));
        }
        Ok(accounts)
    }
}
