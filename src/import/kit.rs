//! Small pieces the importers share: reading JSON, building accounts field by field, and the
//! key derivations and ciphers of encrypted backups (all from maintained crates).

use aes::Aes256;
use aes_gcm::aead::{Aead, KeyInit};
use aes_gcm::{Aes256Gcm, Nonce};
use cbc::cipher::{BlockModeDecrypt, KeyIvInit, block_padding::Pkcs7};
use serde::de::DeserializeOwned;
use zeroize::Zeroizing;

use super::ImportError;
use crate::account::Account;
use crate::otp::{Algorithm, Digits, Kind, Params, Period};
use crate::secret::Secret;

/// Backups are a few KiB; anything far larger is not one, and parsing it would only waste memory.
pub const MAX_BACKUP_BYTES: usize = 16 * 1024 * 1024;

/// The bytes as JSON of type `T`, when they are.
pub fn json<T: DeserializeOwned>(bytes: &[u8]) -> Option<T> {
    if bytes.len() > MAX_BACKUP_BYTES {
        return None;
    }
    serde_json::from_slice(strip_bom(bytes)).ok()
}

/// The bytes as text, without a UTF-8 byte-order mark.
pub fn text(bytes: &[u8]) -> Option<&str> {
    if bytes.len() > MAX_BACKUP_BYTES {
        return None;
    }
    std::str::from_utf8(strip_bom(bytes)).ok()
}

fn strip_bom(bytes: &[u8]) -> &[u8] {
    bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes)
}

pub fn malformed(format: &'static str, reason: impl Into<String>) -> ImportError {
    ImportError::Malformed { format, reason: reason.into() }
}

/// Entry `index` (0-based here, 1-based in the message people read) is unusable.
pub fn bad_entry(format: &'static str, index: usize, reason: impl ToString) -> ImportError {
    ImportError::BadEntry { format, index: index + 1, reason: reason.to_string() }
}

/// A base32 secret as apps store it (any case, padding, spaces).
pub fn base32_secret(text: &str) -> Result<Secret, String> {
    text.parse::<Secret>().map_err(|e| e.to_string())
}

/// A secret an app stores as standard base64 (Steam's `shared_secret`).
pub fn base64_secret(text: &str) -> Result<Secret, String> {
    let bytes = Zeroizing::new(
        data_encoding::BASE64
            .decode(text.trim().as_bytes())
            .map_err(|_| "the secret is not valid base64".to_owned())?,
    );
    Secret::from_bytes(bytes.to_vec()).map_err(|e| e.to_string())
}

/// The code settings of an entry from the loosely typed fields apps write. Missing fields take
/// the RFC defaults; Steam always has five characters.
pub fn params(
    kind: Kind,
    algorithm: Option<&str>,
    digits: Option<u64>,
    period: Option<u64>,
    counter: Option<u64>,
) -> Result<Params, String> {
    let algorithm = match algorithm.map(str::trim).filter(|a| !a.is_empty()) {
        Some(name) => name.parse::<Algorithm>().map_err(|e| e.to_string())?,
        None => Algorithm::Sha1,
    };
    let digits = match (kind, digits) {
        (Kind::Steam, _) => Digits::STEAM,
        (_, Some(d)) => Digits::try_from(d).map_err(|e| e.to_string())?,
        (_, None) => Digits::DEFAULT,
    };
    let period = match period {
        Some(p) if kind.is_time_based() => Period::try_from(p).map_err(|e| e.to_string())?,
        _ => Period::DEFAULT,
    };
    let counter = if kind == Kind::Hotp { counter.unwrap_or(0) } else { 0 };
    Ok(Params { kind, algorithm, digits, period, counter })
}

pub fn account(issuer: Option<&str>, name: Option<&str>, secret: Secret, params: Params) -> Account {
    Account::new(issuer.map(str::to_owned), name.unwrap_or_default().to_owned(), secret, params)
}

/// Plaintext of AES-256-GCM `sealed` (ciphertext followed by the 16-byte tag), or `None` when
/// the key is wrong or the data was altered.
pub fn gcm_open(key: &[u8], nonce: &[u8], sealed: &[u8]) -> Option<Zeroizing<Vec<u8>>> {
    let cipher = Aes256Gcm::new_from_slice(key).ok()?;
    let nonce = Nonce::try_from(nonce).ok()?;
    cipher.decrypt(&nonce, sealed).ok().map(Zeroizing::new)
}

/// Plaintext of AES-256-CBC with PKCS#7 padding, or `None` when the padding does not check out.
pub fn cbc_open(key: &[u8], iv: &[u8], data: &[u8]) -> Option<Zeroizing<Vec<u8>>> {
    let decryptor = cbc::Decryptor::<Aes256>::new_from_slices(key, iv).ok()?;
    let mut buffer = Zeroizing::new(data.to_vec());
    let length = decryptor.decrypt_padded::<Pkcs7>(&mut buffer).ok()?.len();
    buffer.truncate(length);
    Some(buffer)
}

pub fn pbkdf2_sha1(password: &[u8], salt: &[u8], rounds: u32) -> Zeroizing<[u8; 32]> {
    let mut key = Zeroizing::new([0u8; 32]);
    pbkdf2::pbkdf2_hmac::<sha1::Sha1>(password, salt, rounds, key.as_mut());
    key
}

pub fn pbkdf2_sha256(password: &[u8], salt: &[u8], rounds: u32) -> Zeroizing<[u8; 32]> {
    let mut key = Zeroizing::new([0u8; 32]);
    pbkdf2::pbkdf2_hmac::<sha2::Sha256>(password, salt, rounds, key.as_mut());
    key
}
