//! TOTP Authenticator (BinaryBoot): the encrypted backup file (base64 of AES-256-CBC, key the
//! SHA-256 of the password, zero IV) and the app's preferences file
//! (`TOTP_Authenticator_Preferences.xml`). Both hold the same JSON token list. Accounts are read
//! as SHA1, 6 digits, 30 s: the reference exports of the app show those codes, although its tokens
//! also record the `digits` and `period` of the QR code they were scanned from.

use aes::Aes256;
use cbc::cipher::{BlockModeDecrypt, KeyIvInit, block_padding::Pkcs7};
use data_encoding::BASE64;
use secrecy::{ExposeSecret, SecretString};
use serde_json::Value;
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use super::android_prefs::{Prefs, has_string};
use super::otp_fields::{secret_from_base32, secret_from_base64, secret_from_hex};
use super::{ImportError, Importer};
use crate::account::Account;
use crate::otp::Params;

const FORMAT: &str = "TOTP Authenticator (backup or internal XML)";
const PREFS_KEY: &str = "STATIC_TOTP_CODES_LIST";
/// Backups are a few KiB; the cap keeps hostile input small.
const MAX_BYTES: usize = 16 * 1024 * 1024;

pub struct TotpAuthenticator;

/// The cipher text of an encrypted backup: the whole file is base64 of whole AES blocks.
fn backup_cipher_text(bytes: &[u8]) -> Option<Vec<u8>> {
    if bytes.len() > MAX_BYTES {
        return None;
    }
    let text: Vec<u8> = bytes.iter().copied().filter(|b| !b.is_ascii_whitespace()).collect();
    let data = BASE64.decode(&text).ok()?;
    (!data.is_empty() && data.len() % 16 == 0).then_some(data)
}

/// The token objects of a JSON list; the app writes each either as an object or as JSON text.
fn parse_tokens(list: &str) -> Result<Vec<Value>, String> {
    let items: Vec<Value> = serde_json::from_str(list).map_err(|e| format!("unreadable token list: {e}"))?;
    items
        .into_iter()
        .map(|item| match item {
            Value::String(text) => serde_json::from_str(&text).map_err(|e| format!("unreadable token: {e}")),
            object => Ok(object),
        })
        .collect()
}

/// The token list of an encrypted backup; `None` when the password does not open it.
fn decrypt_backup(cipher_text: &[u8], password: &SecretString) -> Result<Option<Vec<Value>>, ImportError> {
    let mut key = Zeroizing::new([0u8; 32]);
    key.copy_from_slice(&Sha256::digest(password.expose_secret().as_bytes()));
    let decryptor = cbc::Decryptor::<Aes256>::new_from_slices(&*key, &[0u8; 16])
        .map_err(|_| ImportError::Malformed { format: FORMAT, reason: "bad key length".into() })?;
    // CBC has no integrity check: a wrong key shows as bad padding or as text that is not JSON.
    let Ok(plain) = decryptor.decrypt_padded_vec::<Pkcs7>(cipher_text) else {
        return Ok(None);
    };
    let plain = Zeroizing::new(plain);
    // The plain text is a JSON object whose first key is the token list, as JSON text.
    let Ok(Value::Object(object)) = serde_json::from_slice::<Value>(&plain) else {
        return Ok(None);
    };
    match object.keys().next() {
        Some(list) => parse_tokens(list).map(Some).map_err(|reason| ImportError::Malformed { format: FORMAT, reason }),
        None => Ok(Some(Vec::new())),
    }
}

fn token_account(token: &Value) -> Result<Account, String> {
    let text = |key: &str| token.get(key).and_then(Value::as_str);
    let key = text("key").ok_or("the token has no key")?;
    let secret = match token.get("base").and_then(Value::as_u64) {
        Some(16) => secret_from_hex(key)?,
        Some(32) => secret_from_base32(key)?,
        Some(64) => secret_from_base64(key)?,
        other => return Err(format!("unknown secret encoding base {other:?}")),
    };
    let issuer = text("issuer").map(str::to_owned);
    Ok(Account::new(issuer, text("name").unwrap_or_default().to_owned(), secret, Params::totp()))
}

fn accounts(tokens: &[Value]) -> Result<Vec<Account>, ImportError> {
    tokens
        .iter()
        .enumerate()
        .map(|(index, token)| {
            token_account(token).map_err(|reason| ImportError::BadEntry { format: FORMAT, index: index + 1, reason })
        })
        .collect()
}

impl Importer for TotpAuthenticator {
    fn id(&self) -> &'static str {
        "totp-authenticator"
    }

    fn name(&self) -> &'static str {
        FORMAT
    }

    fn detect(&self, bytes: &[u8]) -> bool {
        has_string(bytes, PREFS_KEY) || backup_cipher_text(bytes).is_some()
    }

    fn needs_password(&self, bytes: &[u8]) -> bool {
        !has_string(bytes, PREFS_KEY)
    }

    fn import(&self, bytes: &[u8], password: Option<&SecretString>) -> Result<Vec<Account>, ImportError> {
        if let Some(prefs) = Prefs::parse(bytes) {
            let list = prefs.string(PREFS_KEY).ok_or_else(|| ImportError::Malformed {
                format: FORMAT,
                reason: format!("it has no {PREFS_KEY} entry"),
            })?;
            let tokens = parse_tokens(list).map_err(|reason| ImportError::Malformed { format: FORMAT, reason })?;
            return accounts(&tokens);
        }
        let cipher_text = backup_cipher_text(bytes).ok_or_else(|| ImportError::Malformed {
            format: FORMAT,
            reason: "it is neither an encrypted backup (base64 of AES blocks) nor a preferences file".into(),
        })?;
        let password = password.ok_or(ImportError::PasswordRequired(FORMAT))?;
        let tokens = decrypt_backup(&cipher_text, password)?.ok_or(ImportError::WrongPassword(FORMAT))?;
        accounts(&tokens)
    }
}
