//! FreeOTP (v1) and FreeOTP+: the token preferences file `tokens.xml`. Each `<string>` holds one
//! token as JSON, its seed as a Java byte array; `tokenOrder` lists them in the app's order.
//! Both apps write the same file, so one importer reads both.

use secrecy::SecretString;
use serde_json::Value;

use super::android_prefs::Prefs;
use super::otp_fields::{java_bytes, params, secret_from_bytes};
use super::{ImportError, Importer};
use crate::account::Account;
use crate::otp::{Algorithm, Kind};
use crate::secret::Secret;

const FORMAT: &str = "FreeOTP / FreeOTP+ (tokens.xml)";
const ORDER_KEY: &str = "tokenOrder";

pub struct FreeOtpXml;

/// An account from a FreeOTP token object (without its seed) and the seed. The apps leave out
/// fields that have their default value: SHA1, 6 digits, 30 s, counter 0.
pub(crate) fn token_account(token: &Value, secret: Secret) -> Result<Account, String> {
    let text = |key: &str| token.get(key).and_then(Value::as_str);
    let number = |key: &str, default: u64| match token.get(key) {
        None | Some(Value::Null) => Ok(default),
        Some(value) => value.as_u64().ok_or_else(|| format!("{key} is not a whole number")),
    };
    let kind: Kind = text("type").unwrap_or("TOTP").parse().map_err(|e: crate::otp::OtpError| e.to_string())?;
    let algorithm: Algorithm = match text("algo") {
        Some(name) => name.parse().map_err(|e: crate::otp::OtpError| e.to_string())?,
        None => Algorithm::Sha1,
    };
    let default_digits = if kind == Kind::Steam { 5 } else { 6 };
    let params =
        params(kind, algorithm, number("digits", default_digits)?, number("period", 30)?, number("counter", 0)?)?;
    let issuer = text("issuerExt").filter(|i| !i.is_empty()).or_else(|| text("issuerInt"));
    let name = text("label").unwrap_or_default();
    Ok(Account::new(issuer.map(str::to_owned), name.to_owned(), secret, params))
}

fn token_entries(prefs: &Prefs) -> impl Iterator<Item = (&str, &str)> {
    prefs.strings().filter(|(name, _)| *name != ORDER_KEY)
}

/// A token object as FreeOTP writes it: it carries its seed in `secret`.
fn is_token(value: &str) -> bool {
    serde_json::from_str::<Value>(value).is_ok_and(|token| token.get("secret").is_some_and(Value::is_array))
}

impl Importer for FreeOtpXml {
    fn id(&self) -> &'static str {
        "freeotp-xml"
    }

    fn name(&self) -> &'static str {
        FORMAT
    }

    fn detect(&self, bytes: &[u8]) -> bool {
        let Some(prefs) = Prefs::parse(bytes) else {
            return false;
        };
        let mut tokens = token_entries(&prefs).peekable();
        tokens.peek().is_some() && tokens.all(|(_, value)| is_token(value))
    }

    fn needs_password(&self, _bytes: &[u8]) -> bool {
        false
    }

    fn import(&self, bytes: &[u8], _password: Option<&SecretString>) -> Result<Vec<Account>, ImportError> {
        let prefs = Prefs::parse(bytes).ok_or_else(|| ImportError::Malformed {
            format: FORMAT,
            reason: "it is not a preferences XML file".into(),
        })?;
        let mut entries: Vec<(&str, &str)> = token_entries(&prefs).collect();
        // Keep the app's order when the file records it; tokens it does not list go last.
        if let Some(order) = prefs.string(ORDER_KEY).and_then(|o| serde_json::from_str::<Vec<String>>(o).ok()) {
            entries.sort_by_key(|(name, _)| order.iter().position(|o| o == name).unwrap_or(usize::MAX));
        }
        entries
            .into_iter()
            .enumerate()
            .map(|(index, (_, value))| {
                let entry = |reason: String| ImportError::BadEntry { format: FORMAT, index: index + 1, reason };
                let token: Value = serde_json::from_str(value).map_err(|e| entry(format!("not a token: {e}")))?;
                let seed = token.get("secret").ok_or_else(|| entry("the token has no secret".into()))?;
                let secret = secret_from_bytes(java_bytes(seed).map_err(entry)?.to_vec()).map_err(entry)?;
                token_account(&token, secret).map_err(entry)
            })
            .collect()
    }
}
