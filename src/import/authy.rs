//! Authy: the app's token preferences file (`com.authy.storage.tokens.authenticator.xml`). The
//! tokens are a JSON array; each seed is either in the clear (`decryptedSecret`, base32) or
//! encrypted with the user's backup password (`encryptedSecret`: AES-256-CBC, key from PBKDF2-SHA1
//! over the token's `salt`). Authy codes are always SHA1 and 30 s.

use aes::Aes256;
use cbc::cipher::{BlockModeDecrypt, KeyIvInit, block_padding::Pkcs7};
use data_encoding::{BASE64, HEXLOWER_PERMISSIVE};
use secrecy::{ExposeSecret, SecretString};
use serde_json::Value;
use zeroize::Zeroizing;

use super::android_prefs::{Prefs, has_string};
use super::otp_fields::{params, secret_from_base32};
use super::{ImportError, Importer};
use crate::account::Account;
use crate::otp::{Algorithm, Kind};
use crate::secret::Secret;

const FORMAT: &str = "Authy (internal XML)";
const TOKENS_KEY: &str = "com.authy.storage.tokens.authenticator.key";
/// What Authy used before tokens carried `key_derivation_iterations`.
const DEFAULT_ITERATIONS: u32 = 1000;
/// A hostile file must not make the import hang.
const MAX_ITERATIONS: u32 = 10_000_000;
const PERIOD: u64 = 30;

pub struct Authy;

fn tokens(bytes: &[u8]) -> Result<Vec<Value>, ImportError> {
    let prefs = Prefs::parse(bytes)
        .ok_or_else(|| ImportError::Malformed { format: FORMAT, reason: "it is not a preferences XML file".into() })?;
    let json = prefs
        .string(TOKENS_KEY)
        .ok_or_else(|| ImportError::Malformed { format: FORMAT, reason: format!("it has no {TOKENS_KEY} entry") })?;
    serde_json::from_str(json)
        .map_err(|e| ImportError::Malformed { format: FORMAT, reason: format!("unreadable token list: {e}") })
}

fn is_encrypted(token: &Value) -> bool {
    token.get("decryptedSecret").is_none() && token.get("encryptedSecret").is_some()
}

/// The seed of an encrypted token; `None` when the password does not open it.
fn decrypt_seed(token: &Value, password: &SecretString) -> Result<Option<Secret>, String> {
    let text = |key: &str| token.get(key).and_then(Value::as_str);
    let cipher_text = BASE64
        .decode(text("encryptedSecret").unwrap_or_default().as_bytes())
        .map_err(|_| "the encrypted secret is not base64")?;
    let salt = text("salt").ok_or("the encrypted secret has no salt")?;
    let iterations = match token.get("key_derivation_iterations") {
        None | Some(Value::Null) => DEFAULT_ITERATIONS,
        Some(n) => n
            .as_u64()
            .and_then(|n| u32::try_from(n).ok())
            .filter(|n| (1..=MAX_ITERATIONS).contains(n))
            .ok_or("unusable key_derivation_iterations")?,
    };
    let mut iv = [0u8; 16];
    if let Some(unique_iv) = text("unique_iv") {
        let bytes = HEXLOWER_PERMISSIVE.decode(unique_iv.as_bytes()).map_err(|_| "unique_iv is not hexadecimal")?;
        iv = bytes.try_into().map_err(|_| "unique_iv is not 16 bytes")?;
    }
    let mut key = Zeroizing::new([0u8; 32]);
    pbkdf2::pbkdf2_hmac::<sha1::Sha1>(password.expose_secret().as_bytes(), salt.as_bytes(), iterations, &mut *key);
    let decryptor = cbc::Decryptor::<Aes256>::new_from_slices(&*key, &iv).map_err(|_| "bad key or IV length")?;
    // CBC has no integrity check: a wrong key shows as bad padding or as text that is not base32.
    let Ok(plain) = decryptor.decrypt_padded_vec::<Pkcs7>(&cipher_text) else {
        return Ok(None);
    };
    let plain = Zeroizing::new(plain);
    Ok(std::str::from_utf8(&plain).ok().and_then(|seed| secret_from_base32(seed).ok()))
}

/// Issuer and name: `originalName` is `Issuer:label`; `name` is what the user sees (it may have
/// been renamed) and starts with the issuer.
fn labels(token: &Value) -> (Option<String>, String) {
    let text = |key: &str| token.get(key).and_then(Value::as_str).unwrap_or_default();
    let original = text("originalName");
    let shown = text("name");
    let issuer = match original.split_once(':') {
        Some((issuer, _)) => issuer,
        None if !text("originalIssuer").is_empty() => text("originalIssuer"),
        None => return (None, shown.to_owned()),
    };
    let name = shown.strip_prefix(issuer).map(|rest| rest.trim_start_matches([':', ' ', '-'])).unwrap_or(shown);
    (Some(issuer.to_owned()), name.to_owned())
}

impl Importer for Authy {
    fn id(&self) -> &'static str {
        "authy"
    }

    fn name(&self) -> &'static str {
        FORMAT
    }

    fn detect(&self, bytes: &[u8]) -> bool {
        has_string(bytes, TOKENS_KEY)
    }

    fn needs_password(&self, bytes: &[u8]) -> bool {
        tokens(bytes).is_ok_and(|tokens| tokens.iter().any(is_encrypted))
    }

    fn import(&self, bytes: &[u8], password: Option<&SecretString>) -> Result<Vec<Account>, ImportError> {
        let tokens = tokens(bytes)?;
        let mut accounts = Vec::with_capacity(tokens.len());
        for (index, token) in tokens.iter().enumerate() {
            let entry = |reason: String| ImportError::BadEntry { format: FORMAT, index: index + 1, reason };
            let secret = if let Some(seed) = token.get("decryptedSecret") {
                secret_from_base32(seed.as_str().unwrap_or_default()).map_err(entry)?
            } else if is_encrypted(token) {
                let password = password.ok_or(ImportError::PasswordRequired(FORMAT))?;
                decrypt_seed(token, password).map_err(entry)?.ok_or(ImportError::WrongPassword(FORMAT))?
            } else {
                return Err(entry("the token has no secret".into()));
            };
            let digits = token.get("digits").and_then(Value::as_u64).unwrap_or(6);
            let params = params(Kind::Totp, Algorithm::Sha1, digits, PERIOD, 0).map_err(entry)?;
            let (issuer, name) = labels(token);
            accounts.push(Account::new(issuer, name, secret, params));
        }
        Ok(accounts)
    }
}
