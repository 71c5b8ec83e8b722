//! Duo Mobile's account list (`accounts.json`): third-party OTP accounts with a base32 seed, and
//! a counter for HOTP ones. Duo keeps no issuer and only SHA1, 6 digits, 30 s.

use secrecy::SecretString;
use serde::Deserialize;

use super::kit::{account, bad_entry, base32_secret, json, malformed};
use super::{ImportError, Importer};
use crate::account::Account;
use crate::otp::Params;

const FORMAT: &str = "Duo Mobile";

pub struct Duo;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Entry {
    name: Option<String>,
    otp_generator: Generator,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Generator {
    otp_secret: String,
    counter: Option<u64>,
}

/// The list, when it is one whose entries carry Duo's `otpGenerator`.
fn entries(bytes: &[u8]) -> Option<Vec<serde_json::Value>> {
    let list: Vec<serde_json::Value> = json(bytes)?;
    list.first()?.get("otpGenerator")?;
    Some(list)
}

fn convert(index: usize, value: serde_json::Value) -> Result<Account, ImportError> {
    let entry: Entry = serde_json::from_value(value).map_err(|e| bad_entry(FORMAT, index, e))?;
    let secret = base32_secret(&entry.otp_generator.otp_secret).map_err(|e| bad_entry(FORMAT, index, e))?;
    let params = entry.otp_generator.counter.map_or_else(Params::totp, Params::hotp);
    Ok(account(None, entry.name.as_deref(), secret, params))
}

impl Importer for Duo {
    fn id(&self) -> &'static str {
        "duo"
    }

    fn name(&self) -> &'static str {
        "Duo Mobile (accounts.json)"
    }

    fn detect(&self, bytes: &[u8]) -> bool {
        entries(bytes).is_some()
    }

    fn needs_password(&self, _bytes: &[u8]) -> bool {
        false
    }

    fn import(&self, bytes: &[u8], _password: Option<&SecretString>) -> Result<Vec<Account>, ImportError> {
        let list = entries(bytes).ok_or_else(|| malformed(FORMAT, "not a Duo Mobile account list"))?;
        list.into_iter().enumerate().map(|(index, entry)| convert(index, entry)).collect()
    }
}
