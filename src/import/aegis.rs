//! Aegis Authenticator's vault JSON: plain, or encrypted (a scrypt password slot wrapping the
//! AES-256-GCM master key), with content versions 1 to 3.

use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use zeroize::Zeroizing;

use super::kit::{self, account, bad_entry, base32_secret, gcm_open, json, malformed};
use super::{Grouped, ImportError, Importer};
use crate::account::Account;
use crate::otp::Kind;

const FORMAT: &str = "Aegis";
/// Scrypt work above this (bytes of memory) is not what Aegis writes; refusing it keeps a
/// hostile file from exhausting memory. Aegis uses N=2^15, r=8: 32 MiB.
const MAX_SCRYPT_MEMORY: u64 = 256 * 1024 * 1024;
const PASSWORD_SLOT: u8 = 1;

pub struct Aegis;

#[derive(Deserialize)]
struct Vault {
    version: u32,
    header: Header,
    db: serde_json::Value,
}

#[derive(Deserialize)]
struct Header {
    slots: Option<Vec<Slot>>,
    params: Option<CipherParams>,
}

#[derive(Deserialize)]
struct CipherParams {
    nonce: String,
    tag: String,
}

#[derive(Deserialize)]
struct Slot {
    #[serde(rename = "type")]
    kind: u8,
    key: String,
    key_params: CipherParams,
    n: Option<u64>,
    r: Option<u32>,
    p: Option<u32>,
    salt: Option<String>,
}

#[derive(Deserialize)]
struct Content {
    entries: Vec<serde_json::Value>,
    /// Content version 3: groups by UUID, which entries list in `groups`.
    groups: Option<Vec<Group>>,
}

#[derive(Deserialize)]
struct Group {
    uuid: String,
    name: String,
}

#[derive(Deserialize)]
struct Entry {
    #[serde(rename = "type")]
    kind: String,
    name: Option<String>,
    issuer: Option<String>,
    info: Info,
    /// Content version 2: the group's name.
    group: Option<String>,
    /// Content version 3: UUIDs of the groups (Aegis allows several; the first is kept).
    groups: Option<Vec<String>>,
}

#[derive(Deserialize)]
struct Info {
    secret: String,
    algo: Option<String>,
    digits: Option<u64>,
    period: Option<u64>,
    counter: Option<u64>,
}

fn hex(field: &str, text: &str) -> Result<Vec<u8>, ImportError> {
    data_encoding::HEXLOWER_PERMISSIVE
        .decode(text.as_bytes())
        .map_err(|_| malformed(FORMAT, format!("{field} is not hexadecimal")))
}

/// The master key, unwrapped by the first password slot that `password` opens.
fn master_key(slots: &[Slot], password: &SecretString) -> Result<Zeroizing<Vec<u8>>, ImportError> {
    let mut password_slots = 0;
    for slot in slots.iter().filter(|s| s.kind == PASSWORD_SLOT) {
        password_slots += 1;
        let (Some(n), Some(r), Some(p), Some(salt)) = (slot.n, slot.r, slot.p, &slot.salt) else {
            return Err(malformed(FORMAT, "a password slot lacks its scrypt parameters"));
        };
        if !n.is_power_of_two() || n < 2 || p == 0 || n * u64::from(r) * u64::from(p) * 128 > MAX_SCRYPT_MEMORY {
            return Err(malformed(FORMAT, format!("scrypt parameters N={n} r={r} p={p} are not what Aegis writes")));
        }
        let params = scrypt::Params::new(n.trailing_zeros() as u8, r, p)
            .map_err(|_| malformed(FORMAT, "invalid scrypt parameters"))?;
        let mut derived = Zeroizing::new([0u8; 32]);
        scrypt::scrypt(password.expose_secret().as_bytes(), &hex("salt", salt)?, &params, derived.as_mut())
            .map_err(|_| malformed(FORMAT, "invalid scrypt parameters"))?;
        let mut sealed = hex("slot key", &slot.key)?;
        sealed.extend(hex("slot tag", &slot.key_params.tag)?);
        if let Some(key) = gcm_open(derived.as_ref(), &hex("slot nonce", &slot.key_params.nonce)?, &sealed) {
            return Ok(key);
        }
    }
    if password_slots == 0 {
        return Err(ImportError::Unsupported {
            format: FORMAT,
            what: "no password slot (only biometric unlock); export it from Aegis with a password".into(),
        });
    }
    Err(ImportError::WrongPassword(FORMAT))
}

fn decrypt(header: &Header, db: &serde_json::Value, password: &SecretString) -> Result<Content, ImportError> {
    let slots = header.slots.as_deref().unwrap_or_default();
    let params = header.params.as_ref().ok_or_else(|| malformed(FORMAT, "the header has no encryption parameters"))?;
    let db = db.as_str().ok_or_else(|| malformed(FORMAT, "db of an encrypted vault must be a base64 string"))?;
    let mut sealed =
        data_encoding::BASE64.decode(db.trim().as_bytes()).map_err(|_| malformed(FORMAT, "db is not valid base64"))?;
    sealed.extend(hex("tag", &params.tag)?);
    let key = master_key(slots, password)?;
    let plain = gcm_open(&key, &hex("nonce", &params.nonce)?, &sealed).ok_or(ImportError::WrongPassword(FORMAT))?;
    serde_json::from_slice(&plain).map_err(|e| malformed(FORMAT, format!("the decrypted content: {e}")))
}

fn convert(index: usize, value: serde_json::Value, groups: &[Group]) -> Result<Grouped, ImportError> {
    let entry: Entry = serde_json::from_value(value).map_err(|e| bad_entry(FORMAT, index, e))?;
    let kind = match entry.kind.to_ascii_lowercase().as_str() {
        "totp" => Kind::Totp,
        "hotp" => Kind::Hotp,
        "steam" => Kind::Steam,
        other => return Err(bad_entry(FORMAT, index, format!("{other} codes are not supported"))),
    };
    let info = &entry.info;
    let params = kit::params(kind, info.algo.as_deref(), info.digits, info.period, info.counter)
        .map_err(|e| bad_entry(FORMAT, index, e))?;
    let secret = base32_secret(&info.secret).map_err(|e| bad_entry(FORMAT, index, e))?;
    let by_uuid = |uuid: &String| groups.iter().find(|g| g.uuid.eq_ignore_ascii_case(uuid)).map(|g| g.name.clone());
    let group = entry.group.or_else(|| entry.groups.iter().flatten().find_map(by_uuid));
    let account = account(entry.issuer.as_deref(), entry.name.as_deref(), secret, params);
    Ok(Grouped { account, group: group.filter(|g| !g.trim().is_empty()) })
}

fn is_encrypted(vault: &Vault) -> bool {
    vault.header.slots.is_some() || vault.db.is_string()
}

impl Importer for Aegis {
    fn id(&self) -> &'static str {
        "aegis"
    }

    fn name(&self) -> &'static str {
        "Aegis Authenticator (JSON vault, plain or encrypted)"
    }

    fn detect(&self, bytes: &[u8]) -> bool {
        json::<Vault>(bytes).is_some()
    }

    fn needs_password(&self, bytes: &[u8]) -> bool {
        json::<Vault>(bytes).is_some_and(|v| is_encrypted(&v))
    }

    fn import(&self, bytes: &[u8], password: Option<&SecretString>) -> Result<Vec<Account>, ImportError> {
        Ok(self.import_grouped(bytes, password)?.into_iter().map(|g| g.account).collect())
    }

    fn import_grouped(&self, bytes: &[u8], password: Option<&SecretString>) -> Result<Vec<Grouped>, ImportError> {
        let vault: Vault = serde_json::from_slice(bytes).map_err(|e| malformed(FORMAT, e.to_string()))?;
        if vault.version != 1 {
            return Err(ImportError::Unsupported { format: FORMAT, what: format!("vault version {}", vault.version) });
        }
        let content = if is_encrypted(&vault) {
            decrypt(&vault.header, &vault.db, password.ok_or(ImportError::PasswordRequired(FORMAT))?)?
        } else {
            Content::deserialize(&vault.db).map_err(|e| malformed(FORMAT, format!("db: {e}")))?
        };
        let groups = content.groups.unwrap_or_default();
        content.entries.into_iter().enumerate().map(|(index, entry)| convert(index, entry, &groups)).collect()
    }
}
