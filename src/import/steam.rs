//! Steam Guard `.maFile`s (Steam Desktop Authenticator): one account per file in the old layout,
//! or an `accounts` map in the newer one. The code seed is the base64 `shared_secret`.

use std::collections::BTreeMap;

use secrecy::SecretString;
use serde::Deserialize;

use super::kit::{account, bad_entry, base64_secret, json, malformed};
use super::{ImportError, Importer};
use crate::account::Account;
use crate::otp::Params;

const FORMAT: &str = "Steam";

pub struct Steam;

#[derive(Deserialize)]
struct MaFile {
    shared_secret: String,
    account_name: Option<String>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum File {
    Accounts { accounts: BTreeMap<String, serde_json::Value> },
    Single(MaFile),
}

fn convert(index: usize, file: &MaFile) -> Result<Account, ImportError> {
    let secret = base64_secret(&file.shared_secret).map_err(|e| bad_entry(FORMAT, index, e))?;
    Ok(account(Some("Steam"), file.account_name.as_deref(), secret, Params::steam()))
}

impl Importer for Steam {
    fn id(&self) -> &'static str {
        "steam"
    }

    fn name(&self) -> &'static str {
        "Steam Guard (.maFile, old and new layout)"
    }

    fn detect(&self, bytes: &[u8]) -> bool {
        match json::<File>(bytes) {
            Some(File::Single(_)) => true,
            Some(File::Accounts { accounts }) => {
                !accounts.is_empty() && accounts.values().all(|a| a.get("shared_secret").is_some())
            }
            None => false,
        }
    }

    fn needs_password(&self, _bytes: &[u8]) -> bool {
        false
    }

    fn import(&self, bytes: &[u8], _password: Option<&SecretString>) -> Result<Vec<Account>, ImportError> {
        match json::<File>(bytes).ok_or_else(|| malformed(FORMAT, "not a Steam Guard maFile"))? {
            File::Single(file) => Ok(vec![convert(0, &file)?]),
            File::Accounts { accounts } => accounts
                .into_values()
                .enumerate()
                .map(|(index, value)| {
                    let file: MaFile = serde_json::from_value(value).map_err(|e| bad_entry(FORMAT, index, e))?;
                    convert(index, &file)
                })
                .collect(),
        }
    }
}
