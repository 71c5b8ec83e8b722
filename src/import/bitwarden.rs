//! Bitwarden's unencrypted exports, JSON and CSV: each login's TOTP field holds an otpauth URI,
//! a `steam://` secret or a bare base32 secret. Logins without one are passwords and are skipped.

use secrecy::SecretString;
use serde::Deserialize;

use super::kit::{account, bad_entry, base32_secret, json, malformed, text};
use super::{ImportError, Importer};
use crate::account::Account;
use crate::otp::Params;

const FORMAT: &str = "Bitwarden";
const TOTP_COLUMN: &str = "login_totp";

pub struct Bitwarden;

#[derive(Deserialize)]
struct Export {
    encrypted: Option<bool>,
    folders: Option<serde_json::Value>,
    items: Vec<Item>,
}

impl Export {
    /// Bitwarden writes `encrypted` (and before that `folders`) beside `items`.
    fn is_bitwarden(&self) -> bool {
        self.encrypted.is_some() || self.folders.is_some()
    }
}

#[derive(Deserialize)]
struct Item {
    name: Option<String>,
    login: Option<Login>,
}

#[derive(Deserialize)]
struct Login {
    username: Option<String>,
    totp: Option<String>,
}

/// One login's TOTP field; `item` and `username` name the account when the field does not.
fn convert(index: usize, totp: &str, item: Option<&str>, username: Option<&str>) -> Result<Account, ImportError> {
    let totp = totp.trim();
    if totp.get(..8).is_some_and(|s| s.eq_ignore_ascii_case("steam://")) {
        let secret = base32_secret(&totp[8..]).map_err(|e| bad_entry(FORMAT, index, e))?;
        return Ok(account(Some("Steam"), username.or(item), secret, Params::steam()));
    }
    if totp.get(..10).is_some_and(|s| s.eq_ignore_ascii_case("otpauth://")) {
        return totp.parse().map_err(|e| bad_entry(FORMAT, index, e));
    }
    let secret = base32_secret(totp).map_err(|e| bad_entry(FORMAT, index, e))?;
    Ok(account(item, username, secret, Params::totp()))
}

fn nonempty(text: Option<&str>) -> Option<&str> {
    text.map(str::trim).filter(|t| !t.is_empty())
}

fn from_json(export: Export) -> Result<Vec<Account>, ImportError> {
    if export.encrypted == Some(true) {
        return Err(ImportError::Unsupported {
            format: FORMAT,
            what: "encrypted exports; export again from Bitwarden as unencrypted JSON or CSV".into(),
        });
    }
    let mut accounts = Vec::new();
    for (index, item) in export.items.iter().enumerate() {
        let Some(login) = &item.login else { continue };
        if let Some(totp) = nonempty(login.totp.as_deref()) {
            accounts.push(convert(index, totp, nonempty(item.name.as_deref()), nonempty(login.username.as_deref()))?);
        }
    }
    Ok(accounts)
}

fn csv_reader(text: &str) -> csv::Reader<&[u8]> {
    csv::ReaderBuilder::new().flexible(true).from_reader(text.as_bytes())
}

fn is_csv(text: &str) -> bool {
    csv_reader(text).headers().is_ok_and(|h| h.iter().any(|c| c.trim() == TOTP_COLUMN))
}

fn from_csv(text: &str) -> Result<Vec<Account>, ImportError> {
    let mut reader = csv_reader(text);
    let headers = reader.headers().map_err(|e| malformed(FORMAT, e.to_string()))?.clone();
    let column = |name: &str| headers.iter().position(|c| c.trim() == name);
    let totp = column(TOTP_COLUMN).ok_or_else(|| malformed(FORMAT, "no login_totp column"))?;
    let (name, username) = (column("name"), column("login_username"));
    let mut accounts = Vec::new();
    for (index, record) in reader.records().enumerate() {
        let record = record.map_err(|e| bad_entry(FORMAT, index, e))?;
        let field = |column: Option<usize>| nonempty(column.and_then(|c| record.get(c)));
        if let Some(value) = field(Some(totp)) {
            accounts.push(convert(index, value, field(name), field(username))?);
        }
    }
    Ok(accounts)
}

impl Importer for Bitwarden {
    fn id(&self) -> &'static str {
        "bitwarden"
    }

    fn name(&self) -> &'static str {
        "Bitwarden (unencrypted JSON or CSV export)"
    }

    fn detect(&self, bytes: &[u8]) -> bool {
        json::<Export>(bytes).is_some_and(|e| e.is_bitwarden()) || text(bytes).is_some_and(is_csv)
    }

    fn needs_password(&self, _bytes: &[u8]) -> bool {
        false
    }

    fn import(&self, bytes: &[u8], _password: Option<&SecretString>) -> Result<Vec<Account>, ImportError> {
        if let Some(export) = json::<Export>(bytes) {
            return from_json(export);
        }
        let text = text(bytes).ok_or_else(|| malformed(FORMAT, "the file is neither JSON nor CSV text"))?;
        if !is_csv(text) {
            return Err(malformed(FORMAT, "expected a JSON export or a CSV export with a login_totp column"));
        }
        from_csv(text)
    }
}
