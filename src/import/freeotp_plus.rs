//! FreeOTP+'s JSON export: tokens with the secret as a list of signed bytes (Java's `byte[]`).
//! The HOTP counter is kept as the app stores it.

use secrecy::SecretString;
use serde::Deserialize;
use zeroize::Zeroizing;

use super::kit::{self, account, bad_entry, json, malformed};
use super::{ImportError, Importer};
use crate::account::Account;
use crate::otp::Kind;
use crate::secret::Secret;

const FORMAT: &str = "FreeOTP+";

pub struct FreeOtpPlus;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Export {
    tokens: Vec<serde_json::Value>,
    #[serde(rename = "tokenOrder")]
    _token_order: Option<serde_json::Value>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Token {
    algo: Option<String>,
    counter: Option<u64>,
    digits: Option<u64>,
    issuer_ext: Option<String>,
    issuer_int: Option<String>,
    label: Option<String>,
    period: Option<u64>,
    secret: Vec<i8>,
    #[serde(rename = "type")]
    kind: String,
}

fn convert(index: usize, value: serde_json::Value) -> Result<Account, ImportError> {
    let token: Token = serde_json::from_value(value).map_err(|e| bad_entry(FORMAT, index, e))?;
    let kind: Kind = token.kind.parse().map_err(|e| bad_entry(FORMAT, index, e))?;
    let params = kit::params(kind, token.algo.as_deref(), token.digits, token.period, token.counter)
        .map_err(|e| bad_entry(FORMAT, index, e))?;
    let bytes = Zeroizing::new(token.secret.iter().map(|&b| b as u8).collect::<Vec<u8>>());
    let secret = Secret::from_bytes(bytes.to_vec()).map_err(|e| bad_entry(FORMAT, index, e))?;
    let issuer = [&token.issuer_ext, &token.issuer_int].into_iter().flatten().map(|i| i.trim()).find(|i| !i.is_empty());
    Ok(account(issuer, token.label.as_deref(), secret, params))
}

impl Importer for FreeOtpPlus {
    fn id(&self) -> &'static str {
        "freeotp-plus"
    }

    fn name(&self) -> &'static str {
        "FreeOTP+ (JSON export)"
    }

    fn detect(&self, bytes: &[u8]) -> bool {
        json::<Export>(bytes).is_some_and(|e| e.tokens.first().is_some_and(|t| t["secret"].is_array()))
    }

    fn needs_password(&self, _bytes: &[u8]) -> bool {
        false
    }

    fn import(&self, bytes: &[u8], _password: Option<&SecretString>) -> Result<Vec<Account>, ImportError> {
        let export: Export = json(bytes).ok_or_else(|| malformed(FORMAT, "not a FreeOTP+ JSON export"))?;
        export.tokens.into_iter().enumerate().map(|(index, token)| convert(index, token)).collect()
    }
}
