//! Authenticator Pro / Stratum: the app's internal SQLite database (`authenticator` table).

use secrecy::SecretString;

use super::otp_fields::{params, secret_from_base32};
use super::{ImportError, Importer, sqlite};
use crate::account::Account;
use crate::otp::{Algorithm, Kind};

const FORMAT: &str = "Authenticator Pro / Stratum (internal database)";
const COLUMNS: &[&str] = &["type", "issuer", "username", "secret", "algorithm", "digits", "period", "counter"];

pub struct StratumDatabase;

/// One row of the `authenticator` table.
struct Row {
    kind: i64,
    issuer: Option<String>,
    username: Option<String>,
    secret: zeroize::Zeroizing<String>,
    algorithm: i64,
    digits: i64,
    period: i64,
    counter: i64,
}

impl Row {
    fn into_account(self) -> Result<Account, String> {
        // Numbering of the app's AuthenticatorType enum.
        let kind = match self.kind {
            1 => Kind::Hotp,
            2 => Kind::Totp,
            4 => Kind::Steam,
            3 => return Err("mOTP accounts are not supported".into()),
            5 => return Err("Yandex accounts are not supported".into()),
            other => return Err(format!("unknown account type {other}")),
        };
        let algorithm = match self.algorithm {
            0 => Algorithm::Sha1,
            1 => Algorithm::Sha256,
            2 => Algorithm::Sha512,
            other => return Err(format!("unknown algorithm {other}")),
        };
        let number = |n: i64, what: &str| u64::try_from(n).map_err(|_| format!("negative {what} {n}"));
        let params = params(
            kind,
            algorithm,
            number(self.digits, "digit count")?,
            number(self.period, "period")?,
            number(self.counter, "counter")?,
        )?;
        let secret = secret_from_base32(&self.secret)?;
        Ok(Account::new(self.issuer, self.username.unwrap_or_default(), secret, params))
    }
}

impl Importer for StratumDatabase {
    fn id(&self) -> &'static str {
        "stratum-db"
    }

    fn name(&self) -> &'static str {
        FORMAT
    }

    fn detect(&self, bytes: &[u8]) -> bool {
        sqlite::has_table(bytes, "authenticator", COLUMNS)
    }

    fn needs_password(&self, _bytes: &[u8]) -> bool {
        false
    }

    fn import(&self, bytes: &[u8], _password: Option<&SecretString>) -> Result<Vec<Account>, ImportError> {
        let connection = sqlite::open(bytes, FORMAT)?;
        let read_error = sqlite::read_error(FORMAT);
        const SELECT: &str =
            "SELECT type, issuer, username, secret, algorithm, digits, period, counter FROM authenticator";
        // The app's order when the table keeps one, else the order of insertion.
        let mut statement = connection
            .prepare(&format!("{SELECT} ORDER BY ranking, rowid"))
            .or_else(|_| connection.prepare(&format!("{SELECT} ORDER BY rowid")))
            .map_err(&read_error)?;
        let rows = statement
            .query_map([], |row| {
                Ok(Row {
                    kind: row.get(0)?,
                    issuer: row.get(1)?,
                    username: row.get(2)?,
                    secret: zeroize::Zeroizing::new(row.get(3)?),
                    algorithm: row.get(4)?,
                    digits: row.get(5)?,
                    period: row.get(6)?,
                    counter: row.get(7)?,
                })
            })
            .map_err(&read_error)?;
        rows.enumerate()
            .map(|(index, row)| {
                let row = row.map_err(&read_error)?;
                row.into_account().map_err(|reason| ImportError::BadEntry { format: FORMAT, index: index + 1, reason })
            })
            .collect()
    }
}
