//! Proton Authenticator's JSON export: each entry holds an otpauth URI (or `steam://` secret).

use secrecy::SecretString;
use serde::Deserialize;

use super::kit::{account, bad_entry, base32_secret, json, malformed};
use super::{ImportError, Importer};
use crate::account::Account;
use crate::otp::Params;

const FORMAT: &str = "Proton Authenticator";

pub struct Proton;

#[derive(Deserialize)]
struct Export {
    version: u32,
    entries: Vec<Entry>,
}

#[derive(Deserialize)]
struct Entry {
    content: Content,
}

#[derive(Deserialize)]
struct Content {
    uri: String,
    entry_type: Option<String>,
    name: Option<String>,
}

fn convert(index: usize, content: &Content) -> Result<Account, ImportError> {
    let uri = content.uri.trim();
    match uri.get(..8) {
        Some(scheme) if scheme.eq_ignore_ascii_case("steam://") => {
            let secret = base32_secret(&uri[8..]).map_err(|e| bad_entry(FORMAT, index, e))?;
            Ok(account(Some("Steam"), content.name.as_deref(), secret, Params::steam()))
        }
        _ => {
            let mut account: Account = uri.parse().map_err(|e| bad_entry(FORMAT, index, e))?;
            if content.entry_type.as_deref().is_some_and(|t| t.eq_ignore_ascii_case("steam")) {
                account.params = Params::steam();
            }
            Ok(account)
        }
    }
}

impl Importer for Proton {
    fn id(&self) -> &'static str {
        "proton"
    }

    fn name(&self) -> &'static str {
        "Proton Authenticator (JSON export)"
    }

    fn detect(&self, bytes: &[u8]) -> bool {
        json::<Export>(bytes).is_some()
    }

    fn needs_password(&self, _bytes: &[u8]) -> bool {
        false
    }

    fn import(&self, bytes: &[u8], _password: Option<&SecretString>) -> Result<Vec<Account>, ImportError> {
        let export: Export = json(bytes).ok_or_else(|| malformed(FORMAT, "not a Proton Authenticator export"))?;
        if export.version != 1 {
            return Err(ImportError::Unsupported {
                format: FORMAT,
                what: format!("export version {}", export.version),
            });
        }
        export.entries.iter().enumerate().map(|(index, entry)| convert(index, &entry.content)).collect()
    }
}
