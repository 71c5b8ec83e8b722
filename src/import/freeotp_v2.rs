//! FreeOTP 2 backups (`externalBackup.xml`): despite the name, a Java-serialised
//! `HashMap<String, String>`. `masterKey` holds a random AES key wrapped by a key derived from the
//! backup password (PBKDF2); `<uuid>` holds the token's seed encrypted under the master key
//! (AES-GCM), and `<uuid>-token` the token's other fields, as FreeOTP's JSON.

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use der::Decode;
use der::asn1::OctetStringRef;
use secrecy::{ExposeSecret, SecretString};
use serde_json::Value;
use zeroize::Zeroizing;

use super::freeotp_xml::token_account;
use super::java_map;
use super::otp_fields::{java_bytes, secret_from_bytes};
use super::{ImportError, Importer};
use crate::account::Account;

const FORMAT: &str = "FreeOTP 2 backup";
/// Java serialisation stream magic and version 5.
const MAGIC: &[u8] = &[0xAC, 0xED, 0x00, 0x05];
const MASTER_KEY: &str = "masterKey";
const TOKEN_SUFFIX: &str = "-token";
const GCM_TAG_BYTES: u8 = 16;
/// A backup takes about 600 bytes a token, so this is room for some 400 tokens.
pub const MAX_BYTES: usize = 256 * 1024;
/// FreeOTP uses 100 000; far more would only make a hostile file hang the import.
const MAX_ITERATIONS: u32 = 10_000_000;

pub struct FreeOtpV2;

fn malformed(reason: impl Into<String>) -> ImportError {
    ImportError::Malformed { format: FORMAT, reason: reason.into() }
}

/// The map written by `ObjectOutputStream.writeObject(HashMap<String, String>)`, in stream order.
fn read_map(bytes: &[u8]) -> Result<Vec<(String, String)>, ImportError> {
    if bytes.len() > MAX_BYTES {
        return Err(malformed(format!("it is larger than {} KiB", MAX_BYTES >> 10)));
    }
    java_map::read(bytes).map_err(|reason| malformed(format!("unreadable Java serialisation: {reason}")))
}

/// The nonce in the DER-encoded parameters Android's keystore writes for AES-GCM: either a bare
/// OCTET STRING or `GCMParameters ::= SEQUENCE { nonce OCTET STRING, tagLength INTEGER }`.
fn gcm_nonce(parameters: &[u8]) -> Result<&[u8], String> {
    #[derive(der::Sequence)]
    struct GcmParameters<'a> {
        nonce: &'a OctetStringRef,
        #[asn1(default = "default_tag_bytes")]
        tag_bytes: u8,
    }
    fn default_tag_bytes() -> u8 {
        12
    }
    if let Ok(nonce) = <&OctetStringRef>::from_der(parameters) {
        return Ok(nonce.as_bytes());
    }
    let gcm = GcmParameters::from_der(parameters).map_err(|e| format!("unreadable cipher parameters: {e}"))?;
    if gcm.tag_bytes != GCM_TAG_BYTES {
        return Err(format!("a {}-byte GCM tag, where FreeOTP writes {GCM_TAG_BYTES}", gcm.tag_bytes));
    }
    Ok(gcm.nonce.as_bytes())
}

/// One value sealed with AES-256-GCM, as FreeOTP's `EncryptedKey` JSON
/// (`mCipher`, `mCipherText`, `mParameters`, `mToken`: the token is the additional data).
struct Sealed {
    cipher_text: Zeroizing<Vec<u8>>,
    parameters: Zeroizing<Vec<u8>>,
    token: String,
}

impl Sealed {
    fn from_json(value: &Value) -> Result<Sealed, String> {
        let cipher = value.get("mCipher").and_then(Value::as_str).ok_or("no cipher named")?;
        if cipher != "AES/GCM/NoPadding" {
            return Err(format!("cipher {cipher}, where FreeOTP uses AES/GCM/NoPadding"));
        }
        Ok(Sealed {
            cipher_text: java_bytes(value.get("mCipherText").ok_or("no cipher text")?)?,
            parameters: java_bytes(value.get("mParameters").ok_or("no cipher parameters")?)?,
            token: value.get("mToken").and_then(Value::as_str).ok_or("no key token")?.to_owned(),
        })
    }

    /// The plain bytes, or `None` when the key is wrong or the data damaged.
    fn open(&self, key: &[u8]) -> Result<Option<Zeroizing<Vec<u8>>>, String> {
        let nonce = gcm_nonce(&self.parameters)?;
        if nonce.len() != 12 {
            return Err(format!("a {}-byte GCM nonce, where FreeOTP writes 12", nonce.len()));
        }
        let cipher = Aes256Gcm::new_from_slice(key).map_err(|_| "the key is not 256 bits")?;
        let nonce = Nonce::try_from(nonce).map_err(|_| "bad nonce length")?;
        let payload = Payload { msg: &self.cipher_text, aad: self.token.as_bytes() };
        Ok(cipher.decrypt(&nonce, payload).ok().map(Zeroizing::new))
    }
}

/// The master key, unwrapped with the backup password.
fn master_key(master: &str, password: &SecretString) -> Result<Zeroizing<Vec<u8>>, ImportError> {
    let master: Value = serde_json::from_str(master).map_err(|e| malformed(format!("unreadable master key: {e}")))?;
    let algorithm = master.get("mAlgorithm").and_then(Value::as_str).unwrap_or_default();
    let iterations = master
        .get("mIterations")
        .and_then(Value::as_u64)
        .and_then(|n| u32::try_from(n).ok())
        .filter(|n| (1..=MAX_ITERATIONS).contains(n))
        .ok_or_else(|| malformed("the master key has no usable iteration count"))?;
    let salt = java_bytes(master.get("mSalt").unwrap_or(&Value::Null)).map_err(|e| malformed(format!("salt: {e}")))?;
    let sealed = Sealed::from_json(master.get("mEncryptedKey").unwrap_or(&Value::Null))
        .map_err(|e| malformed(format!("master key: {e}")))?;
    let mut wrapping_key = Zeroizing::new([0u8; 32]);
    let password = password.expose_secret().as_bytes();
    match algorithm.to_ascii_lowercase().as_str() {
        "pbkdf2withhmacsha1" => pbkdf2::pbkdf2_hmac::<sha1::Sha1>(password, &salt, iterations, &mut *wrapping_key),
        "pbkdf2withhmacsha512" => pbkdf2::pbkdf2_hmac::<sha2::Sha512>(password, &salt, iterations, &mut *wrapping_key),
        other => {
            return Err(ImportError::Unsupported { format: FORMAT, what: format!("the key derivation {other:?}") });
        }
    }
    sealed
        .open(&*wrapping_key)
        .map_err(|e| malformed(format!("master key: {e}")))?
        .ok_or(ImportError::WrongPassword(FORMAT))
}

impl Importer for FreeOtpV2 {
    fn id(&self) -> &'static str {
        "freeotp-v2"
    }

    fn name(&self) -> &'static str {
        FORMAT
    }

    fn detect(&self, bytes: &[u8]) -> bool {
        bytes.starts_with(MAGIC) && read_map(bytes).is_ok_and(|map| map.iter().any(|(key, _)| key == MASTER_KEY))
    }

    fn needs_password(&self, _bytes: &[u8]) -> bool {
        true
    }

    fn import(&self, bytes: &[u8], password: Option<&SecretString>) -> Result<Vec<Account>, ImportError> {
        if !bytes.starts_with(MAGIC) {
            return Err(malformed("it is not a Java-serialised backup"));
        }
        let map = read_map(bytes)?;
        let master = map.iter().find(|(key, _)| key == MASTER_KEY).ok_or_else(|| malformed("it has no master key"))?;
        let password = password.ok_or(ImportError::PasswordRequired(FORMAT))?;
        let master_key = master_key(&master.1, password)?;

        let mut accounts = Vec::new();
        let seeds = map.iter().filter(|(key, _)| key != MASTER_KEY && !key.ends_with(TOKEN_SUFFIX));
        for (index, (uuid, sealed_seed)) in seeds.enumerate() {
            let entry = |reason: String| ImportError::BadEntry { format: FORMAT, index: index + 1, reason };
            let token_key = format!("{uuid}{TOKEN_SUFFIX}");
            let token = map
                .iter()
                .find(|(key, _)| *key == token_key)
                .ok_or_else(|| entry("the seed has no token details".into()))?;
            let token: Value = serde_json::from_str(&token.1).map_err(|e| entry(format!("unreadable token: {e}")))?;
            // The seed entry is JSON whose "key" is itself JSON text of the sealed seed.
            let sealed: Value = serde_json::from_str(sealed_seed)
                .ok()
                .and_then(|outer: Value| outer.get("key").and_then(Value::as_str).map(str::to_owned))
                .and_then(|inner| serde_json::from_str(&inner).ok())
                .ok_or_else(|| entry("unreadable encrypted seed".into()))?;
            let seed = Sealed::from_json(&sealed)
                .and_then(|sealed| sealed.open(&master_key))
                .map_err(entry)?
                .ok_or_else(|| entry("the seed does not decrypt with the master key: the file is damaged".into()))?;
            let secret = secret_from_bytes(seed.to_vec()).map_err(entry)?;
            accounts.push(token_account(&token, secret).map_err(entry)?);
        }
        if let Some((orphan, _)) = map.iter().find(|(key, _)| {
            key.strip_suffix(TOKEN_SUFFIX).is_some_and(|uuid| !map.iter().any(|(other, _)| other == uuid))
        }) {
            return Err(malformed(format!("token {orphan} has no seed")));
        }
        Ok(accounts)
    }
}
