//! Aegis vault JSON (vault version 1, content version 3), plain or encrypted: the master key
//! seals the content with AES-256-GCM and one password slot (scrypt N=2^15, r=8, p=1) wraps it.

use aes_gcm::aead::{Aead, KeyInit};
use aes_gcm::{Aes256Gcm, Nonce};
use data_encoding::{BASE64, HEXLOWER};
use secrecy::{ExposeSecret, SecretString};
use serde::Serialize;
use zeroize::Zeroizing;

use super::ExportError;
use crate::import::Grouped;
use crate::otp::Kind;

const VAULT_VERSION: u32 = 1;
const CONTENT_VERSION: u32 = 3;
const SCRYPT_LOG_N: u8 = 15;
const SCRYPT_R: u32 = 8;
const SCRYPT_P: u32 = 1;
const PASSWORD_SLOT: u8 = 1;
const TAG_LEN: usize = 16;

#[derive(Serialize)]
struct Vault<Db> {
    version: u32,
    header: Header,
    db: Db,
}

#[derive(Serialize)]
struct Header {
    slots: Option<Vec<Slot>>,
    params: Option<CipherParams>,
}

#[derive(Serialize)]
struct CipherParams {
    nonce: String,
    tag: String,
}

#[derive(Serialize)]
struct Slot {
    #[serde(rename = "type")]
    kind: u8,
    uuid: String,
    key: String,
    key_params: CipherParams,
    n: u32,
    r: u32,
    p: u32,
    salt: String,
    repaired: bool,
    is_backup: bool,
}

#[derive(Serialize)]
struct Content<'a> {
    version: u32,
    entries: Vec<Entry<'a>>,
    groups: Vec<Group<'a>>,
}

#[derive(Serialize)]
struct Group<'a> {
    uuid: String,
    name: &'a str,
}

#[derive(Serialize)]
struct Entry<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    uuid: String,
    name: &'a str,
    issuer: &'a str,
    note: &'static str,
    favorite: bool,
    icon: Option<()>,
    icon_mime: Option<()>,
    icon_hash: Option<()>,
    info: Info,
    groups: Vec<String>,
}

#[derive(Serialize)]
struct Info {
    #[serde(serialize_with = "plain_str")]
    secret: Zeroizing<String>,
    algo: &'static str,
    digits: u8,
    #[serde(skip_serializing_if = "Option::is_none")]
    period: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    counter: Option<u64>,
}

fn plain_str<S: serde::Serializer>(text: &Zeroizing<String>, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(text)
}

fn entry<'a>(grouped: &'a Grouped, groups: &[Group<'_>]) -> Entry<'a> {
    let account = &grouped.account;
    let p = &account.params;
    let info = Info {
        secret: account.secret.to_base32(),
        algo: p.algorithm.as_str(),
        digits: p.digits.get(),
        period: p.kind.is_time_based().then_some(p.period.seconds()),
        counter: (p.kind == Kind::Hotp).then_some(p.counter),
    };
    Entry {
        kind: p.kind.as_str(),
        uuid: uuid::Uuid::new_v4().to_string(),
        name: &account.name,
        issuer: account.issuer.as_deref().unwrap_or_default(),
        note: "",
        favorite: false,
        icon: None,
        icon_mime: None,
        icon_hash: None,
        info,
        groups: groups.iter().filter(|g| Some(g.name) == grouped.group.as_deref()).map(|g| g.uuid.clone()).collect(),
    }
}

fn content(accounts: &[Grouped]) -> Content<'_> {
    let mut groups: Vec<Group<'_>> = Vec::new();
    for name in accounts.iter().filter_map(|a| a.group.as_deref()) {
        if !groups.iter().any(|g| g.name == name) {
            groups.push(Group { uuid: uuid::Uuid::new_v4().to_string(), name });
        }
    }
    let entries = accounts.iter().map(|a| entry(a, &groups)).collect();
    Content { version: CONTENT_VERSION, entries, groups }
}

fn to_json<T: Serialize>(value: &T) -> Zeroizing<String> {
    Zeroizing::new(
        serde_json::to_string_pretty(value).expect("the vault serialises: it holds only strings and numbers"),
    )
}

/// An unencrypted Aegis vault holding `accounts`, each in its group when it has one.
pub fn aegis_plain(accounts: &[Grouped]) -> Zeroizing<String> {
    to_json(&Vault { version: VAULT_VERSION, header: Header { slots: None, params: None }, db: content(accounts) })
}

fn random<const N: usize>() -> Result<Zeroizing<[u8; N]>, ExportError> {
    let mut bytes = Zeroizing::new([0u8; N]);
    getrandom::fill(bytes.as_mut()).map_err(|e| ExportError::Random(e.to_string()))?;
    Ok(bytes)
}

/// AES-GCM output as Aegis stores it: nonce and tag apart from the cipher text.
struct Sealed {
    nonce: [u8; 12],
    cipher_text: Vec<u8>,
    tag: Vec<u8>,
}

/// Seals `plain` under `key` with a fresh nonce.
fn seal(key: &[u8], plain: &[u8]) -> Result<Sealed, ExportError> {
    let nonce = *random::<12>()?;
    let cipher = Aes256Gcm::new_from_slice(key).map_err(|_| ExportError::Encryption)?;
    let mut cipher_text = cipher.encrypt(&Nonce::from(nonce), plain).map_err(|_| ExportError::Encryption)?;
    let tag = cipher_text.split_off(cipher_text.len() - TAG_LEN);
    Ok(Sealed { nonce, cipher_text, tag })
}

/// An Aegis vault holding `accounts`, encrypted so that `password` opens it in Aegis.
pub fn aegis_encrypted(accounts: &[Grouped], password: &SecretString) -> Result<String, ExportError> {
    if password.expose_secret().is_empty() {
        return Err(ExportError::EmptyPassword);
    }
    let master_key = random::<32>()?;
    let db = seal(master_key.as_ref(), to_json(&content(accounts)).as_bytes())?;

    let salt = random::<32>()?;
    let params = scrypt::Params::new(SCRYPT_LOG_N, SCRYPT_R, SCRYPT_P).map_err(|_| ExportError::Encryption)?;
    let mut slot_key = Zeroizing::new([0u8; 32]);
    scrypt::scrypt(password.expose_secret().as_bytes(), salt.as_ref(), &params, slot_key.as_mut())
        .map_err(|_| ExportError::Encryption)?;
    let wrapped = seal(slot_key.as_ref(), master_key.as_ref())?;

    let slot = Slot {
        kind: PASSWORD_SLOT,
        uuid: uuid::Uuid::new_v4().to_string(),
        key: HEXLOWER.encode(&wrapped.cipher_text),
        key_params: CipherParams { nonce: HEXLOWER.encode(&wrapped.nonce), tag: HEXLOWER.encode(&wrapped.tag) },
        n: 1 << SCRYPT_LOG_N,
        r: SCRYPT_R,
        p: SCRYPT_P,
        salt: HEXLOWER.encode(salt.as_ref()),
        repaired: true,
        is_backup: false,
    };
    let vault = Vault {
        version: VAULT_VERSION,
        header: Header {
            slots: Some(vec![slot]),
            params: Some(CipherParams { nonce: HEXLOWER.encode(&db.nonce), tag: HEXLOWER.encode(&db.tag) }),
        },
        db: BASE64.encode(&db.cipher_text),
    };
    Ok(to_json(&vault).to_string())
}
