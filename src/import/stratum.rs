//! Stratum (formerly Authenticator Pro) backups: plain JSON, encrypted with Argon2id and
//! AES-256-GCM (header `AUTHENTICATORPRO`), or the legacy PBKDF2-SHA1 and AES-256-CBC
//! encryption (header `AuthenticatorPro`).

use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use zeroize::Zeroizing;

use super::kit::{self, account, bad_entry, base32_secret, cbc_open, gcm_open, json, malformed, pbkdf2_sha1};
use super::{ImportError, Importer};
use crate::account::Account;
use crate::otp::{Algorithm, Kind};

const FORMAT: &str = "Stratum / Authenticator Pro";
const HEADER: &[u8] = b"AUTHENTICATORPRO";
const LEGACY_HEADER: &[u8] = b"AuthenticatorPro";
const SALT_LEN: usize = 16;
const NONCE_LEN: usize = 12;
/// Argon2id as the app runs it: 64 MiB, 3 passes, 4 lanes.
const ARGON2_MEMORY_KIB: u32 = 1 << 16;
const ARGON2_PASSES: u32 = 3;
const ARGON2_LANES: u32 = 4;
const LEGACY_SALT_LEN: usize = 20;
const LEGACY_IV_LEN: usize = 16;
const LEGACY_ROUNDS: u32 = 64_000;

pub struct Stratum;

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Backup {
    authenticators: Vec<serde_json::Value>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Authenticator {
    #[serde(rename = "Type")]
    kind: u8,
    issuer: Option<String>,
    username: Option<String>,
    secret: String,
    algorithm: Option<u8>,
    digits: Option<u64>,
    period: Option<u64>,
    counter: Option<u64>,
}

fn convert(index: usize, value: serde_json::Value) -> Result<Account, ImportError> {
    let entry: Authenticator = serde_json::from_value(value).map_err(|e| bad_entry(FORMAT, index, e))?;
    let kind = match entry.kind {
        1 => Kind::Hotp,
        2 => Kind::Totp,
        4 => Kind::Steam,
        3 => return Err(bad_entry(FORMAT, index, "mOTP codes are not supported")),
        5 => return Err(bad_entry(FORMAT, index, "Yandex codes are not supported")),
        other => return Err(bad_entry(FORMAT, index, format!("unknown code type {other}"))),
    };
    let algorithm = match entry.algorithm.unwrap_or(0) {
        0 => Algorithm::Sha1,
        1 => Algorithm::Sha256,
        2 => Algorithm::Sha512,
        other => return Err(bad_entry(FORMAT, index, format!("unknown algorithm {other}"))),
    };
    let params = kit::params(kind, Some(algorithm.as_str()), entry.digits, entry.period, entry.counter)
        .map_err(|e| bad_entry(FORMAT, index, e))?;
    let secret = base32_secret(&entry.secret).map_err(|e| bad_entry(FORMAT, index, e))?;
    Ok(account(entry.issuer.as_deref(), entry.username.as_deref(), secret, params))
}

fn too_short() -> ImportError {
    malformed(FORMAT, "the file ends inside its header")
}

fn decrypt(bytes: &[u8], password: &SecretString) -> Result<Zeroizing<Vec<u8>>, ImportError> {
    let password = password.expose_secret().as_bytes();
    if let Some(rest) = bytes.strip_prefix(HEADER) {
        if rest.len() < SALT_LEN + NONCE_LEN {
            return Err(too_short());
        }
        let (salt, rest) = rest.split_at(SALT_LEN);
        let (nonce, sealed) = rest.split_at(NONCE_LEN);
        let params = argon2::Params::new(ARGON2_MEMORY_KIB, ARGON2_PASSES, ARGON2_LANES, Some(32))
            .map_err(|e| malformed(FORMAT, e.to_string()))?;
        let mut key = Zeroizing::new([0u8; 32]);
        argon2::Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, params)
            .hash_password_into(password, salt, key.as_mut())
            .map_err(|e| malformed(FORMAT, e.to_string()))?;
        return gcm_open(key.as_ref(), nonce, sealed).ok_or(ImportError::WrongPassword(FORMAT));
    }
    let rest = bytes.strip_prefix(LEGACY_HEADER).ok_or_else(|| malformed(FORMAT, "unknown file header"))?;
    if rest.len() < LEGACY_SALT_LEN + LEGACY_IV_LEN {
        return Err(too_short());
    }
    let (salt, rest) = rest.split_at(LEGACY_SALT_LEN);
    let (iv, data) = rest.split_at(LEGACY_IV_LEN);
    let key = pbkdf2_sha1(password, salt, LEGACY_ROUNDS);
    cbc_open(key.as_ref(), iv, data).ok_or(ImportError::WrongPassword(FORMAT))
}

fn is_encrypted(bytes: &[u8]) -> bool {
    bytes.starts_with(HEADER) || bytes.starts_with(LEGACY_HEADER)
}

impl Importer for Stratum {
    fn id(&self) -> &'static str {
        "stratum"
    }

    fn name(&self) -> &'static str {
        "Stratum / Authenticator Pro (backup file, plain or encrypted)"
    }

    fn detect(&self, bytes: &[u8]) -> bool {
        is_encrypted(bytes) || json::<Backup>(bytes).is_some()
    }

    fn needs_password(&self, bytes: &[u8]) -> bool {
        is_encrypted(bytes)
    }

    fn import(&self, bytes: &[u8], password: Option<&SecretString>) -> Result<Vec<Account>, ImportError> {
        let backup: Backup = if is_encrypted(bytes) {
            let plain = decrypt(bytes, password.ok_or(ImportError::PasswordRequired(FORMAT))?)?;
            // CBC has no integrity check: a wrong key that happens to unpad yields noise, not JSON.
            json(&plain).ok_or(ImportError::WrongPassword(FORMAT))?
        } else {
            json(bytes).ok_or_else(|| malformed(FORMAT, "not a Stratum / Authenticator Pro backup"))?
        };
        backup.authenticators.into_iter().enumerate().map(|(index, entry)| convert(index, entry)).collect()
    }
}
