//! andOTP backups: a plain JSON array, or AES-256-GCM encrypted with a key from PBKDF2-SHA1
//! (new format: iterations and salt in front) or from one SHA-256 of the password (old format).
//!
//! An encrypted backup has no header, so its content cannot be told from random bytes: it is
//! chosen by name (`--format andotp`, or a file name such as `otp_accounts_….json.aes`).

use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use sha2::{Digest, Sha256};

use super::kit::{self, account, bad_entry, base32_secret, gcm_open, json, malformed, pbkdf2_sha1};
use super::{ImportError, Importer};
use crate::account::Account;
use crate::otp::Kind;

const FORMAT: &str = "andOTP";
const NONCE_LEN: usize = 12;
const TAG_LEN: usize = 16;
const SALT_LEN: usize = 12;
/// andOTP asks for a few hundred thousand at most; a larger count means this is not its header.
const MAX_ROUNDS: u32 = 10_000_000;

pub struct AndOtp;

#[derive(Deserialize)]
struct Entry {
    secret: String,
    issuer: Option<String>,
    label: Option<String>,
    digits: Option<u64>,
    #[serde(rename = "type")]
    kind: String,
    algorithm: Option<String>,
    period: Option<u64>,
    counter: Option<u64>,
}

fn convert(index: usize, value: serde_json::Value) -> Result<Account, ImportError> {
    let entry: Entry = serde_json::from_value(value).map_err(|e| bad_entry(FORMAT, index, e))?;
    let kind: Kind = entry.kind.parse().map_err(|e| bad_entry(FORMAT, index, e))?;
    let params = kit::params(kind, entry.algorithm.as_deref(), entry.digits, entry.period, entry.counter)
        .map_err(|e| bad_entry(FORMAT, index, e))?;
    let secret = base32_secret(&entry.secret).map_err(|e| bad_entry(FORMAT, index, e))?;
    let label = entry.label.as_deref().unwrap_or_default();
    // Backups without an issuer field wrote "Issuer - Name" into the label.
    let (issuer, name) = match (&entry.issuer, label.split_once(" - ")) {
        (Some(issuer), _) => (Some(issuer.as_str()), label),
        (None, Some((issuer, name))) => (Some(issuer), name),
        (None, None) => (None, label),
    };
    Ok(account(issuer, Some(name), secret, params))
}

fn entries(plain: &[u8]) -> Option<Vec<serde_json::Value>> {
    json(plain)
}

/// The JSON inside an encrypted backup, trying the new format first, then the old one.
fn decrypt(bytes: &[u8], password: &SecretString) -> Result<Vec<serde_json::Value>, ImportError> {
    if bytes.len() < NONCE_LEN + TAG_LEN {
        return Err(malformed(FORMAT, "the file is too short to be an encrypted backup"));
    }
    let password = password.expose_secret().as_bytes();
    if let Some((rounds, rest)) = bytes.split_first_chunk::<4>() {
        let rounds = u32::from_be_bytes(*rounds);
        if (1..=MAX_ROUNDS).contains(&rounds) && rest.len() >= SALT_LEN + NONCE_LEN + TAG_LEN {
            let (salt, rest) = rest.split_at(SALT_LEN);
            let (nonce, sealed) = rest.split_at(NONCE_LEN);
            let key = pbkdf2_sha1(password, salt, rounds);
            if let Some(plain) = gcm_open(key.as_ref(), nonce, sealed) {
                return entries(&plain).ok_or_else(|| malformed(FORMAT, "the decrypted backup is not a JSON list"));
            }
        }
    }
    let key = Sha256::digest(password);
    let (nonce, sealed) = bytes.split_at(NONCE_LEN);
    let plain = gcm_open(&key, nonce, sealed).ok_or(ImportError::WrongPassword(FORMAT))?;
    entries(&plain).ok_or_else(|| malformed(FORMAT, "the decrypted backup is not a JSON list"))
}

/// A plain backup: a JSON list of objects with andOTP's own field names.
fn plain(bytes: &[u8]) -> Option<Vec<serde_json::Value>> {
    let list = entries(bytes)?;
    let first = list.first()?.as_object()?;
    (first.contains_key("secret") && first.contains_key("type") && first.contains_key("label")).then_some(list)
}

impl Importer for AndOtp {
    fn id(&self) -> &'static str {
        "andotp"
    }

    fn name(&self) -> &'static str {
        "andOTP (JSON backup, plain or encrypted)"
    }

    fn detect(&self, bytes: &[u8]) -> bool {
        plain(bytes).is_some()
    }

    fn needs_password(&self, bytes: &[u8]) -> bool {
        entries(bytes).is_none()
    }

    fn matches_file_name(&self, file_name: &str) -> bool {
        let name = file_name.to_ascii_lowercase();
        name.contains("andotp") || (name.starts_with("otp_accounts") && name.ends_with(".aes"))
    }

    fn import(&self, bytes: &[u8], password: Option<&SecretString>) -> Result<Vec<Account>, ImportError> {
        let list = match entries(bytes) {
            Some(list) => list,
            None => decrypt(bytes, password.ok_or(ImportError::PasswordRequired(FORMAT))?)?,
        };
        list.into_iter().enumerate().map(|(index, entry)| convert(index, entry)).collect()
    }
}
