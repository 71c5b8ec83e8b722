//! What the vault keeps about each account, and how it is written inside the encrypted payload.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use crate::account::Account;
use crate::otp::Params;
use crate::secret::Secret;

use super::format::random;

const ID_LEN: usize = 16;

/// A random identifier, stable for the life of an entry. Shown as 32 lower-case hex digits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EntryId([u8; ID_LEN]);

/// Why text is not an entry id.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum EntryIdError {
    #[error("{0:?} is not an entry id: ids are 32 hex digits, as `otpvault list --json` shows them")]
    Invalid(String),
}

impl EntryId {
    pub fn random() -> Self {
        EntryId(random())
    }
}

impl fmt::Display for EntryId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&data_encoding::HEXLOWER.encode(&self.0))
    }
}

impl FromStr for EntryId {
    type Err = EntryIdError;
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        data_encoding::HEXLOWER_PERMISSIVE
            .decode(text.as_bytes())
            .ok()
            .and_then(|bytes| <[u8; ID_LEN]>::try_from(bytes).ok())
            .map(EntryId)
            .ok_or_else(|| EntryIdError::Invalid(text.to_owned()))
    }
}

impl Serialize for EntryId {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for EntryId {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

/// One account in the vault, with what the user added to it and when it was used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    id: EntryId,
    pub account: Account,
    /// A folder-like group, e.g. `Work`.
    pub group: Option<String>,
    pub tags: Vec<String>,
    pub note: Option<String>,
    created: u64,
    /// Unix seconds of the last HOTP code used (reading a time-based code writes nothing).
    pub last_used: Option<u64>,
}

impl Entry {
    /// A new entry for `account`, created at `now` (Unix seconds).
    pub fn new(account: Account, now: u64) -> Self {
        Entry {
            id: EntryId::random(),
            account,
            group: None,
            tags: Vec::new(),
            note: None,
            created: now,
            last_used: None,
        }
    }

    pub fn id(&self) -> EntryId {
        self.id
    }

    /// Unix seconds when it was added.
    pub fn created(&self) -> u64 {
        self.created
    }
}

/// The decrypted payload: every entry, in the user's order.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Payload {
    pub entries: Vec<StoredEntry>,
}

/// An entry as written inside the encrypted payload. Field names are part of the format.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct StoredEntry {
    id: EntryId,
    issuer: Option<String>,
    name: String,
    secret: StoredSecret,
    params: Params,
    group: Option<String>,
    #[serde(default)]
    tags: Vec<String>,
    note: Option<String>,
    created: u64,
    last_used: Option<u64>,
}

/// The seed as canonical base32; the string never outlives the (zeroized) payload buffer.
struct StoredSecret(Secret);

impl Serialize for StoredSecret {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0.to_base32())
    }
}

impl<'de> Deserialize<'de> for StoredSecret {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        // Borrowed from the plaintext buffer, so no unzeroized copy of the seed is made.
        let text: &'de str = Deserialize::deserialize(deserializer)?;
        text.parse().map(StoredSecret).map_err(serde::de::Error::custom)
    }
}

impl From<&Entry> for StoredEntry {
    fn from(entry: &Entry) -> Self {
        StoredEntry {
            id: entry.id,
            issuer: entry.account.issuer.clone(),
            name: entry.account.name.clone(),
            secret: StoredSecret(entry.account.secret.clone()),
            params: entry.account.params,
            group: entry.group.clone(),
            tags: entry.tags.clone(),
            note: entry.note.clone(),
            created: entry.created,
            last_used: entry.last_used,
        }
    }
}

impl From<StoredEntry> for Entry {
    fn from(stored: StoredEntry) -> Self {
        Entry {
            id: stored.id,
            account: Account {
                issuer: stored.issuer,
                name: stored.name,
                secret: stored.secret.0,
                params: stored.params,
            },
            group: stored.group,
            tags: stored.tags,
            note: stored.note,
            created: stored.created,
            last_used: stored.last_used,
        }
    }
}

/// The JSON payload, in a buffer that is wiped when dropped and never reallocated while filled.
pub(crate) fn encode_payload(entries: &[Entry]) -> Zeroizing<Vec<u8>> {
    let payload = Payload { entries: entries.iter().map(StoredEntry::from).collect() };
    let mut counter = ByteCounter(0);
    serde_json::to_writer(&mut counter, &payload).expect("entries always serialise");
    let mut out = Zeroizing::new(Vec::with_capacity(counter.0 + super::format::TAG_LEN));
    serde_json::to_writer(&mut *out, &payload).expect("entries always serialise");
    out
}

pub(crate) fn decode_payload(plaintext: &[u8]) -> Result<Vec<Entry>, serde_json::Error> {
    let payload: Payload = serde_json::from_slice(plaintext)?;
    Ok(payload.entries.into_iter().map(Entry::from).collect())
}

/// Counts what would be written, so the real buffer is allocated once at its final size.
struct ByteCounter(usize);

impl std::io::Write for ByteCounter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0 += buf.len();
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}
