//! The vault file, byte by byte (FORMAT.md beside this file describes it for people).
//!
//! A random master key encrypts the accounts with AES-256-GCM; the header (everything before the
//! ciphertext) is its associated data. Key slots hold the master key wrapped by a key derived from
//! the password (Argon2id) or kept in the OS keyring.

use aes_gcm::aead::{AeadInOut, KeyInit};
use aes_gcm::{Aes256Gcm, Nonce, Tag};
use zeroize::Zeroizing;

use super::kdf::{KdfError, KdfParams};

/// First bytes of every vault file.
pub const MAGIC: &[u8; 8] = b"OTPVAULT";
/// The format this build writes, and the only one it reads.
pub const VERSION: u16 = 1;
pub const KEY_LEN: usize = 32;
pub const SALT_LEN: usize = 16;
pub const NONCE_LEN: usize = 12;
pub const TAG_LEN: usize = 16;
/// A master key encrypted under a slot key, with its tag.
pub const WRAPPED_KEY_LEN: usize = KEY_LEN + TAG_LEN;
/// Random name of a keyring slot; the keyring stores the slot key under it.
pub const SLOT_ID_LEN: usize = 16;
pub const CHECKSUM_LEN: usize = 4;
/// Larger files are refused before anything is allocated for them (10 000 accounts take ~3 MiB).
pub const MAX_FILE_LEN: usize = 64 * 1024 * 1024;

/// Slot kinds, one byte each in the header.
pub const SLOT_PASSWORD: u8 = 1;
pub const SLOT_KEYRING: u8 = 2;
/// Associated data prefixes: a key wrapped for one slot kind cannot pass for another.
pub const PASSWORD_SLOT_LABEL: &[u8] = b"otpvault v1 password slot";
pub const KEYRING_SLOT_LABEL: &[u8] = b"otpvault v1 keyring slot";

const PASSWORD_SLOT_LEN: usize = 1 + 12 + SALT_LEN + NONCE_LEN + WRAPPED_KEY_LEN;
const KEYRING_SLOT_LEN: usize = 1 + SLOT_ID_LEN + NONCE_LEN + WRAPPED_KEY_LEN;
/// The longest header: magic, version, slot count, both slots, data nonce, ciphertext length.
pub const MAX_HEADER_LEN: usize = MAGIC.len() + 2 + 1 + PASSWORD_SLOT_LEN + KEYRING_SLOT_LEN + NONCE_LEN + 4;

pub type Key = Zeroizing<[u8; KEY_LEN]>;

/// Why bytes are not a vault this build can open. `super::VaultError` adds the path and advice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FormatError {
    NotAVault,
    Truncated,
    UnsupportedVersion(u16),
    Damaged(&'static str),
    Kdf(KdfError),
}

/// The master key wrapped under a password.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PasswordSlot {
    pub kdf: KdfParams,
    pub salt: [u8; SALT_LEN],
    pub nonce: [u8; NONCE_LEN],
    pub wrapped: [u8; WRAPPED_KEY_LEN],
}

/// The master key wrapped under a random key kept in the OS keyring as `id`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyringSlot {
    pub id: [u8; SLOT_ID_LEN],
    pub nonce: [u8; NONCE_LEN],
    pub wrapped: [u8; WRAPPED_KEY_LEN],
}

/// A parsed file whose checksum matched; nothing is decrypted yet.
#[derive(Debug)]
pub struct Parsed<'a> {
    pub password: PasswordSlot,
    pub keyring: Option<KeyringSlot>,
    pub data_nonce: [u8; NONCE_LEN],
    /// Associated data of the ciphertext: every byte before it.
    pub header: &'a [u8],
    pub ciphertext: &'a [u8],
}

pub fn random<const N: usize>() -> [u8; N] {
    let mut bytes = [0u8; N];
    // Without an OS random source no key could be made; there is nothing sensible to fall back on.
    getrandom::fill(&mut bytes).expect("the operating system provides random bytes");
    bytes
}

pub fn random_key() -> Key {
    let mut key = Zeroizing::new([0u8; KEY_LEN]);
    getrandom::fill(key.as_mut()).expect("the operating system provides random bytes");
    key
}

fn cipher(key: &[u8; KEY_LEN]) -> Aes256Gcm {
    Aes256Gcm::new(key.into())
}

fn kdf_bytes(kdf: &KdfParams) -> [u8; 12] {
    let mut out = [0u8; 12];
    out[..4].copy_from_slice(&kdf.memory_kib.to_be_bytes());
    out[4..8].copy_from_slice(&kdf.iterations.to_be_bytes());
    out[8..].copy_from_slice(&kdf.parallelism.to_be_bytes());
    out
}

/// Encrypts `master` under `slot_key`; `aad` binds it to its slot.
fn wrap(slot_key: &[u8; KEY_LEN], aad: &[u8], master: &Key) -> ([u8; NONCE_LEN], [u8; WRAPPED_KEY_LEN]) {
    let nonce = random::<NONCE_LEN>();
    let mut wrapped = [0u8; WRAPPED_KEY_LEN];
    wrapped[..KEY_LEN].copy_from_slice(master.as_ref());
    let tag = cipher(slot_key)
        .encrypt_inout_detached(&Nonce::from(nonce), aad, (&mut wrapped[..KEY_LEN]).into())
        .expect("a 32-byte message is within AES-GCM limits");
    wrapped[KEY_LEN..].copy_from_slice(&tag);
    (nonce, wrapped)
}

/// The master key, or `None` when `slot_key` is not the key it was wrapped under.
fn unwrap(
    slot_key: &[u8; KEY_LEN],
    aad: &[u8],
    nonce: &[u8; NONCE_LEN],
    wrapped: &[u8; WRAPPED_KEY_LEN],
) -> Option<Key> {
    let mut master = Zeroizing::new([0u8; KEY_LEN]);
    master.copy_from_slice(&wrapped[..KEY_LEN]);
    let tag = Tag::try_from(&wrapped[KEY_LEN..]).ok()?;
    cipher(slot_key).decrypt_inout_detached(&Nonce::from(*nonce), aad, master.as_mut().into(), &tag).ok()?;
    Some(master)
}

impl PasswordSlot {
    fn aad(kdf: &KdfParams, salt: &[u8; SALT_LEN]) -> Vec<u8> {
        [PASSWORD_SLOT_LABEL, &kdf_bytes(kdf), salt].concat()
    }

    /// Wraps `master` under a key derived from `password` with a fresh salt.
    pub fn new(master: &Key, password: &secrecy::SecretString, kdf: KdfParams) -> Result<Self, KdfError> {
        let salt = random::<SALT_LEN>();
        let slot_key = kdf.derive(password, &salt)?;
        let (nonce, wrapped) = wrap(&slot_key, &Self::aad(&kdf, &salt), master);
        Ok(PasswordSlot { kdf, salt, nonce, wrapped })
    }

    /// The master key, `Ok(None)` for a wrong password.
    pub fn open(&self, password: &secrecy::SecretString) -> Result<Option<Key>, KdfError> {
        let slot_key = self.kdf.derive(password, &self.salt)?;
        Ok(unwrap(&slot_key, &Self::aad(&self.kdf, &self.salt), &self.nonce, &self.wrapped))
    }
}

impl KeyringSlot {
    fn aad(id: &[u8; SLOT_ID_LEN]) -> Vec<u8> {
        [KEYRING_SLOT_LABEL, id].concat()
    }

    /// Wraps `master` under `slot_key`, which the caller keeps in the keyring as `id`.
    pub fn new(master: &Key, id: [u8; SLOT_ID_LEN], slot_key: &[u8; KEY_LEN]) -> Self {
        let (nonce, wrapped) = wrap(slot_key, &Self::aad(&id), master);
        KeyringSlot { id, nonce, wrapped }
    }

    /// The master key, `None` when `slot_key` is not this slot's key.
    pub fn open(&self, slot_key: &[u8; KEY_LEN]) -> Option<Key> {
        unwrap(slot_key, &Self::aad(&self.id), &self.nonce, &self.wrapped)
    }
}

/// The whole file: header, the plaintext encrypted under `master`, checksum.
/// Returns the bytes and the data nonce, which identifies this write.
pub fn seal(
    password: &PasswordSlot,
    keyring: Option<&KeyringSlot>,
    master: &Key,
    plaintext: &[u8],
) -> (Vec<u8>, [u8; NONCE_LEN]) {
    let data_nonce = random::<NONCE_LEN>();
    let ciphertext_len = u32::try_from(plaintext.len() + TAG_LEN).expect("callers keep payloads under MAX_FILE_LEN");
    let mut out = Vec::with_capacity(MAX_HEADER_LEN + plaintext.len() + TAG_LEN + CHECKSUM_LEN);
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&VERSION.to_be_bytes());
    out.push(1 + u8::from(keyring.is_some()));
    out.push(SLOT_PASSWORD);
    out.extend_from_slice(&kdf_bytes(&password.kdf));
    out.extend_from_slice(&password.salt);
    out.extend_from_slice(&password.nonce);
    out.extend_from_slice(&password.wrapped);
    if let Some(slot) = keyring {
        out.push(SLOT_KEYRING);
        out.extend_from_slice(&slot.id);
        out.extend_from_slice(&slot.nonce);
        out.extend_from_slice(&slot.wrapped);
    }
    out.extend_from_slice(&data_nonce);
    out.extend_from_slice(&ciphertext_len.to_be_bytes());
    let header_len = out.len();
    out.extend_from_slice(plaintext);
    let (header, body) = out.split_at_mut(header_len);
    let tag = cipher(master)
        .encrypt_inout_detached(&Nonce::from(data_nonce), header, body.into())
        .expect("payloads under MAX_FILE_LEN are within AES-GCM limits");
    out.extend_from_slice(&tag);
    let checksum = crc32fast::hash(&out);
    out.extend_from_slice(&checksum.to_be_bytes());
    (out, data_nonce)
}

/// Decrypts the accounts of a parsed file with its master key; `None` when they fail authentication.
pub fn open_payload(parsed: &Parsed<'_>, master: &Key) -> Option<Zeroizing<Vec<u8>>> {
    let (body, tag) = parsed.ciphertext.split_at(parsed.ciphertext.len().checked_sub(TAG_LEN)?);
    let tag = Tag::try_from(tag).ok()?;
    let mut plaintext = Zeroizing::new(body.to_vec());
    cipher(master)
        .decrypt_inout_detached(&Nonce::from(parsed.data_nonce), parsed.header, plaintext.as_mut_slice().into(), &tag)
        .ok()?;
    Some(plaintext)
}

/// Reads fields in order; running out of bytes means the file was cut short.
struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], FormatError> {
        let end = self.at.checked_add(n).filter(|&end| end <= self.bytes.len()).ok_or(FormatError::Truncated)?;
        let out = &self.bytes[self.at..end];
        self.at = end;
        Ok(out)
    }

    fn array<const N: usize>(&mut self) -> Result<[u8; N], FormatError> {
        Ok(self.take(N)?.try_into().expect("take returns N bytes"))
    }

    fn u8(&mut self) -> Result<u8, FormatError> {
        Ok(self.array::<1>()?[0])
    }

    fn u32(&mut self) -> Result<u32, FormatError> {
        Ok(u32::from_be_bytes(self.array()?))
    }
}

/// Magic and version, checked before anything else so that a newer format is named as such.
pub fn check_version(bytes: &[u8]) -> Result<(), FormatError> {
    let prefix = &bytes[..bytes.len().min(MAGIC.len())];
    if prefix != &MAGIC[..prefix.len()] {
        return Err(FormatError::NotAVault);
    }
    let version = bytes.get(MAGIC.len()..MAGIC.len() + 2).ok_or(FormatError::Truncated)?;
    match u16::from_be_bytes([version[0], version[1]]) {
        VERSION => Ok(()),
        other => Err(FormatError::UnsupportedVersion(other)),
    }
}

/// The header fields, with `header_len` and the ciphertext length it announces.
fn read_header(
    bytes: &[u8],
) -> Result<(PasswordSlot, Option<KeyringSlot>, [u8; NONCE_LEN], usize, usize), FormatError> {
    check_version(bytes)?;
    let mut r = Reader { bytes, at: MAGIC.len() + 2 };
    let slots = r.u8()?;
    if !(1..=2).contains(&slots) {
        return Err(FormatError::Damaged("it announces an impossible number of key slots"));
    }
    if r.u8()? != SLOT_PASSWORD {
        return Err(FormatError::Damaged("its first key slot is not the password slot"));
    }
    let kdf = KdfParams { memory_kib: r.u32()?, iterations: r.u32()?, parallelism: r.u32()? };
    let password = PasswordSlot { kdf, salt: r.array()?, nonce: r.array()?, wrapped: r.array()? };
    let keyring = if slots == 2 {
        if r.u8()? != SLOT_KEYRING {
            return Err(FormatError::Damaged("its second key slot is of an unknown kind"));
        }
        Some(KeyringSlot { id: r.array()?, nonce: r.array()?, wrapped: r.array()? })
    } else {
        None
    };
    let data_nonce = r.array()?;
    let ciphertext_len = r.u32()? as usize;
    Ok((password, keyring, data_nonce, r.at, ciphertext_len))
}

/// The data nonce of a file's header: what identifies one write of it.
pub fn data_nonce(bytes: &[u8]) -> Result<[u8; NONCE_LEN], FormatError> {
    read_header(bytes).map(|(_, _, nonce, _, _)| nonce)
}

/// Splits a whole file into its parts, checking length, checksum and KDF limits.
pub fn parse(bytes: &[u8]) -> Result<Parsed<'_>, FormatError> {
    check_version(bytes)?;
    if bytes.len() > MAX_FILE_LEN {
        return Err(FormatError::Damaged("it is larger than any vault otpvault writes"));
    }
    let checksum_ok = bytes.len() >= CHECKSUM_LEN && {
        let (body, sum) = bytes.split_at(bytes.len() - CHECKSUM_LEN);
        crc32fast::hash(body).to_be_bytes() == sum
    };
    // A bad checksum is reported as a cut when the header announces more bytes than there are.
    let header = read_header(bytes);
    let (password, keyring, data_nonce, header_len, ciphertext_len) = match header {
        Ok(parts) => parts,
        Err(FormatError::Truncated) if !checksum_ok => return Err(FormatError::Truncated),
        Err(error) if checksum_ok => return Err(error),
        Err(_) => return Err(FormatError::Damaged("its checksum does not match")),
    };
    let expected_len = header_len.checked_add(ciphertext_len).and_then(|n| n.checked_add(CHECKSUM_LEN));
    if !checksum_ok {
        return Err(match expected_len {
            Some(n) if n > bytes.len() => FormatError::Truncated,
            _ => FormatError::Damaged("its checksum does not match"),
        });
    }
    if expected_len != Some(bytes.len()) || ciphertext_len < TAG_LEN {
        return Err(FormatError::Damaged("its length does not match its header"));
    }
    password.kdf.checked().map_err(FormatError::Kdf)?;
    Ok(Parsed {
        password,
        keyring,
        data_nonce,
        header: &bytes[..header_len],
        ciphertext: &bytes[header_len..header_len + ciphertext_len],
    })
}

/// Whether a header (or the start of a file) has a keyring slot; false when it cannot be read.
pub fn keyring_slot_present(bytes: &[u8]) -> bool {
    read_header(bytes).is_ok_and(|(_, keyring, _, _, _)| keyring.is_some())
}
