//! The encrypted vault: accounts at rest under Argon2id + AES-256-GCM, saved atomically, locked
//! against a second writer, openable with the password or the OS keyring.
//!
//! ```no_run
//! use otpvault::vault::{KdfParams, Vault};
//! use secrecy::SecretString;
//! # fn main() -> Result<(), otpvault::vault::VaultError> {
//! let path = otpvault::vault::default_path()?;
//! let password = SecretString::from("correct horse battery staple".to_owned());
//! let mut vault = Vault::create(&path, &password, KdfParams::DEFAULT)?;
//! let account = "otpauth://totp/GitHub:me?secret=JBSWY3DPEHPK3PXP".parse().unwrap();
//! let id = vault.add(account, 1_700_000_000)?;
//! vault.save()?;
//! let code = vault.use_code(id, 1_700_000_000)?;
//! # Ok(()) }
//! ```
//!
//! A [`Vault`] holds the file's lock from open to drop: a second [`Vault::open`] of the same file,
//! in this process or another, waits up to [`LOCK_WAIT`] and then fails with
//! [`VaultError::Locked`]. A vault kept open for long (the window) calls [`Vault::release_lock`]
//! and then takes the lock only while it reads or saves. Every type here is `Send`: unlock on a
//! worker thread, the key derivation takes about half a second.

pub mod backup;
mod entry;
pub mod format;
mod kdf;
mod keyring;
mod storage;

use std::fmt;
use std::io;
use std::path::{Path, PathBuf};

use secrecy::{ExposeSecret, SecretString};

use crate::account::Account;
use crate::otp::{Code, Kind};

pub use entry::{Entry, EntryId, EntryIdError};
pub use kdf::{KdfError, KdfParams};
pub use keyring::{KEYRING_SERVICE, KeyStore, KeyringError, MemoryKeyring, OsKeyring};
pub use storage::{LOCK_WAIT, backup_path, lock_path};

use format::{FormatError, Key, KeyringSlot, NONCE_LEN, PasswordSlot, SLOT_ID_LEN};
use storage::{LockGuard, Locking};

/// The vault's file name in the platform data folder.
pub const FILE_NAME: &str = "vault.otpvault";

/// Why the vault could not be opened, changed or saved. Each message says what to do.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum VaultError {
    #[error("no vault at {}: create one with `otpvault init`, or choose another with --vault", path.display())]
    NotFound { path: PathBuf },
    #[error("{} already exists and otpvault never overwrites it: open it, or choose another path with --vault", path.display())]
    AlreadyExists { path: PathBuf },
    #[error("wrong password for the vault {} (passwords are case-sensitive): try again", path.display())]
    WrongPassword { path: PathBuf },
    #[error("the vault {} is damaged ({reason}); it was not changed. {restore}", path.display())]
    Damaged { path: PathBuf, reason: String, restore: Restore },
    #[error("the vault {} is cut short (an interrupted copy or a full disk?); it was not changed. {restore}", path.display())]
    Truncated { path: PathBuf, restore: Restore },
    #[error("the vault {} uses format version {version}, newer than this otpvault reads ({supported}): update otpvault", path.display(), supported = format::VERSION)]
    UnsupportedVersion { path: PathBuf, version: u16 },
    #[error("another otpvault is using the vault {}: close it (the window or a running command) and try again", path.display())]
    Locked { path: PathBuf },
    #[error(transparent)]
    Keyring(#[from] KeyringError),
    #[error("the vault {} was changed by another program since it was opened; nothing was written: open it again and redo the change", path.display())]
    ChangedOnDisk { path: PathBuf },
    #[error("this account is already in the vault as {existing}")]
    Duplicate { existing: String },
    #[error("no entry with id {id} in the vault")]
    NoSuchEntry { id: EntryId },
    #[error("an empty password protects nothing: choose a password")]
    EmptyPassword,
    #[error(transparent)]
    Kdf(#[from] KdfError),
    #[error("the vault would be larger than {} MiB: remove some accounts", format::MAX_FILE_LEN / (1024 * 1024))]
    TooLarge,
    #[error("found no data folder for the vault (is HOME set?): choose a path with --vault or OTPVAULT_VAULT")]
    NoDataDir,
    #[error("could not {action} {}: {source}", path.display())]
    Io {
        action: &'static str,
        path: PathBuf,
        #[source]
        source: io::Error,
    },
}

/// What to restore a damaged vault from: the `.bak` beside it when there is one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Restore(Option<PathBuf>);

impl Restore {
    fn for_vault(path: &Path) -> Self {
        let backup = backup_path(path);
        Restore(backup.is_file().then_some(backup))
    }

    /// The previous version to copy over the vault, when there is one.
    pub fn backup(&self) -> Option<&Path> {
        self.0.as_deref()
    }
}

impl fmt::Display for Restore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Some(backup) => {
                write!(f, "Its previous version is in {}: copy it over the vault to restore it", backup.display())
            }
            None => f.write_str("Restore it from a copy of yours (no .bak file is beside it)"),
        }
    }
}

fn io_error(action: &'static str, path: &Path) -> impl FnOnce(io::Error) -> VaultError {
    let path = path.to_owned();
    move |source| VaultError::Io { action, path, source }
}

fn format_error(path: &Path, error: FormatError) -> VaultError {
    let path = path.to_owned();
    match error {
        FormatError::NotAVault => VaultError::Damaged {
            reason: "it is not an otpvault vault".to_owned(),
            restore: Restore::for_vault(&path),
            path,
        },
        FormatError::Truncated => VaultError::Truncated { restore: Restore::for_vault(&path), path },
        FormatError::UnsupportedVersion(version) => VaultError::UnsupportedVersion { path, version },
        FormatError::Damaged(reason) => {
            VaultError::Damaged { reason: reason.to_owned(), restore: Restore::for_vault(&path), path }
        }
        FormatError::Kdf(error) => {
            VaultError::Damaged { reason: error.to_string(), restore: Restore::for_vault(&path), path }
        }
    }
}

/// Where the vault lives unless the user chose a path: the platform's data folder.
pub fn default_path() -> Result<PathBuf, VaultError> {
    directories::ProjectDirs::from("", "", "otpvault")
        .map(|dirs| dirs.data_dir().join(FILE_NAME))
        .ok_or(VaultError::NoDataDir)
}

/// How many accounts an import added, and how many it skipped as already present.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ImportSummary {
    pub imported: usize,
    pub duplicates: usize,
}

impl fmt::Display for ImportSummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} imported, {} duplicates skipped", self.imported, self.duplicates)
    }
}

/// An unlocked vault: its entries in memory, the master key, and the file's lock.
pub struct Vault {
    path: PathBuf,
    master: Key,
    password_slot: PasswordSlot,
    keyring_slot: Option<KeyringSlot>,
    entries: Vec<Entry>,
    /// The data nonce of the file as last read or written: a save refuses to replace another.
    on_disk: Option<[u8; NONCE_LEN]>,
    /// `None` once released: each save then takes the lock for its own duration.
    lock: Option<LockGuard>,
}

impl fmt::Debug for Vault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Vault")
            .field("path", &self.path)
            .field("entries", &self.entries.len())
            .field("keyring_slot", &self.keyring_slot.is_some())
            .finish_non_exhaustive()
    }
}

fn lock(path: &Path) -> Result<LockGuard, VaultError> {
    match storage::lock(path, LOCK_WAIT) {
        Ok(Locking::Taken(guard)) => Ok(guard),
        Ok(Locking::Busy) => Err(VaultError::Locked { path: path.to_owned() }),
        Err(error) if error.kind() == io::ErrorKind::NotFound => Err(VaultError::NotFound { path: path.to_owned() }),
        Err(error) => Err(io_error("lock", path)(error)),
    }
}

fn slot_name(id: &[u8; SLOT_ID_LEN]) -> String {
    format!("vault-{}", data_encoding::HEXLOWER.encode(id))
}

fn read_vault_file(path: &Path) -> Result<Vec<u8>, VaultError> {
    match storage::read(path) {
        Err(error) if error.kind() == io::ErrorKind::NotFound => Err(VaultError::NotFound { path: path.to_owned() }),
        other => other.map_err(io_error("read", path)),
    }
}

fn decrypt_entries(path: &Path, parsed: &format::Parsed<'_>, master: &Key) -> Result<Vec<Entry>, VaultError> {
    let damaged =
        |reason: String| VaultError::Damaged { reason, restore: Restore::for_vault(path), path: path.to_owned() };
    let plaintext =
        format::open_payload(parsed, master).ok_or_else(|| damaged("its accounts fail authentication".to_owned()))?;
    entry::decode_payload(&plaintext).map_err(|error| damaged(format!("its accounts cannot be read: {error}")))
}

impl Vault {
    /// Creates a new, empty vault at `path` protected by `password`, and writes it.
    /// Refuses to replace any existing file.
    pub fn create(path: impl Into<PathBuf>, password: &SecretString, kdf: KdfParams) -> Result<Vault, VaultError> {
        let path = path.into();
        if password.expose_secret().is_empty() {
            return Err(VaultError::EmptyPassword);
        }
        kdf.checked()?;
        storage::create_parent(&path).map_err(io_error("create the folder of", &path))?;
        let lock = lock(&path)?;
        if path.exists() {
            return Err(VaultError::AlreadyExists { path });
        }
        let master = format::random_key();
        let password_slot = PasswordSlot::new(&master, password, kdf)?;
        let mut vault = Vault {
            path,
            master,
            password_slot,
            keyring_slot: None,
            entries: Vec::new(),
            on_disk: None,
            lock: Some(lock),
        };
        vault.save()?;
        Ok(vault)
    }

    /// Opens the vault at `path` with its password.
    pub fn open(path: impl Into<PathBuf>, password: &SecretString) -> Result<Vault, VaultError> {
        let path = path.into();
        Self::open_with(path, |path, parsed| match parsed.password.open(password)? {
            Some(master) => Ok(master),
            None => Err(VaultError::WrongPassword { path: path.to_owned() }),
        })
    }

    /// Opens the vault at `path` with the key its keyring slot keeps in `store`.
    pub fn open_with_keyring(path: impl Into<PathBuf>, store: &dyn KeyStore) -> Result<Vault, VaultError> {
        Self::open_with(path.into(), |_, parsed| {
            let slot = parsed.keyring.as_ref().ok_or(KeyringError::NoSlot)?;
            let stored = store.get(&slot_name(&slot.id))?;
            let key: &[u8; format::KEY_LEN] = stored.as_slice().try_into().map_err(|_| KeyringError::WrongKey)?;
            Ok(slot.open(key).ok_or(KeyringError::WrongKey)?)
        })
    }

    /// Whether the vault at `path` has a keyring slot, read from its header without unlocking.
    pub fn has_keyring_slot_at(path: &Path) -> Result<bool, VaultError> {
        let header = storage::read_header(path).map_err(io_error("read", path))?;
        if header.is_empty() {
            return Err(VaultError::NotFound { path: path.to_owned() });
        }
        // A damaged header is reported by the open that follows; here it only means no slot.
        Ok(format::keyring_slot_present(&header))
    }

    fn open_with(
        path: PathBuf,
        master_key: impl FnOnce(&Path, &format::Parsed<'_>) -> Result<Key, VaultError>,
    ) -> Result<Vault, VaultError> {
        if !path.is_file() {
            return Err(VaultError::NotFound { path });
        }
        let lock = lock(&path)?;
        let bytes = read_vault_file(&path)?;
        let parsed = format::parse(&bytes).map_err(|error| format_error(&path, error))?;
        let master = master_key(&path, &parsed)?;
        let entries = decrypt_entries(&path, &parsed, &master)?;
        Ok(Vault {
            master,
            password_slot: parsed.password.clone(),
            keyring_slot: parsed.keyring.clone(),
            entries,
            on_disk: Some(parsed.data_nonce),
            path,
            lock: Some(lock),
        })
    }

    /// Lets other processes open the file while this vault stays open (a window left open for
    /// hours should not lock the command line out). From then on each save takes the lock for
    /// its own duration, and still refuses to replace a file another process changed: call
    /// [`Vault::reload`] then.
    pub fn release_lock(&mut self) {
        self.lock = None;
    }

    /// Reads the file again with the key already in memory, dropping unsaved changes: after
    /// [`VaultError::ChangedOnDisk`], to see what another process saved.
    pub fn reload(&mut self) -> Result<(), VaultError> {
        let _guard = match self.lock {
            Some(_) => None,
            None => Some(lock(&self.path)?),
        };
        let bytes = read_vault_file(&self.path)?;
        let parsed = format::parse(&bytes).map_err(|error| format_error(&self.path, error))?;
        self.entries = decrypt_entries(&self.path, &parsed, &self.master)?;
        self.password_slot = parsed.password.clone();
        self.keyring_slot = parsed.keyring.clone();
        self.on_disk = Some(parsed.data_nonce);
        Ok(())
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Every entry, in the user's order.
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    pub fn entry(&self, id: EntryId) -> Option<&Entry> {
        self.entries.iter().find(|e| e.id() == id)
    }

    /// The entries `query` names. An id, or an issuer, name or `Issuer (name)` spelt out in full
    /// (any case), names one entry; then the entries where several words appear together; else
    /// the entries the window's search would show ([`crate::search::Query`]: every word in the
    /// issuer, name, group or tags, or the issuer's initials), and those whose id starts with it.
    pub fn search(&self, query: &str) -> Vec<&Entry> {
        let query = query.trim();
        if let Ok(id) = query.parse::<EntryId>()
            && let Some(entry) = self.entry(id)
        {
            return vec![entry];
        }
        let q = query.to_lowercase();
        let exact: Vec<&Entry> = self
            .entries
            .iter()
            .filter(|e| {
                let a = &e.account;
                a.name.to_lowercase() == q
                    || a.issuer.as_deref().is_some_and(|i| i.to_lowercase() == q)
                    || a.display_name().to_lowercase() == q
            })
            .collect();
        if exact.len() == 1 {
            return exact;
        }
        // Several words that appear together somewhere ("group 3") name that place first.
        let phrase: Vec<&Entry> = self
            .entries
            .iter()
            .filter(|e| {
                let contains = |text: &str| text.to_lowercase().contains(&q);
                q.contains(' ')
                    && (contains(&e.account.name)
                        || e.account.issuer.as_deref().is_some_and(contains)
                        || e.group.as_deref().is_some_and(contains)
                        || e.tags.iter().any(|t| contains(t)))
            })
            .collect();
        if !phrase.is_empty() {
            return phrase;
        }
        let words = crate::search::Query::new(query);
        self.entries
            .iter()
            .filter(|e| {
                let labels: Vec<String> = e.tags.iter().cloned().chain(e.group.clone()).collect();
                words.matches(&e.account, &labels) || e.id().to_string().starts_with(&q)
            })
            .collect()
    }

    /// Adds `account` (in memory: call [`Vault::save`]). Refuses one whose codes the vault
    /// already makes.
    pub fn add(&mut self, account: Account, now: u64) -> Result<EntryId, VaultError> {
        if let Some(existing) = self.entries.iter().find(|e| e.account.same_codes_as(&account)) {
            return Err(VaultError::Duplicate { existing: existing.account.display_name() });
        }
        let entry = Entry::new(account, now);
        let id = entry.id();
        self.entries.push(entry);
        Ok(id)
    }

    /// Changes an entry in memory (call [`Vault::save`]); its id and creation time stay.
    pub fn update(&mut self, id: EntryId, change: impl FnOnce(&mut Entry)) -> Result<(), VaultError> {
        let entry = self.entries.iter_mut().find(|e| e.id() == id).ok_or(VaultError::NoSuchEntry { id })?;
        change(entry);
        Ok(())
    }

    /// Removes an entry in memory (call [`Vault::save`]) and returns it.
    pub fn remove(&mut self, id: EntryId) -> Result<Entry, VaultError> {
        let index = self.entries.iter().position(|e| e.id() == id).ok_or(VaultError::NoSuchEntry { id })?;
        Ok(self.entries.remove(index))
    }

    /// Puts the entries in the order of `ids` (in memory: call [`Vault::save`]). Entries `ids`
    /// leaves out keep their relative order after the listed ones; unknown ids are ignored.
    pub fn reorder(&mut self, ids: &[EntryId]) {
        let rank = |entry: &Entry| ids.iter().position(|id| *id == entry.id()).unwrap_or(ids.len());
        self.entries.sort_by_key(rank);
    }

    /// Adds every account not already present and saves, or adds none: the vault is unchanged
    /// when the save fails. Accounts repeated within `accounts` count as duplicates too.
    pub fn import(&mut self, accounts: Vec<Account>, now: u64) -> Result<ImportSummary, VaultError> {
        let before = self.entries.len();
        let mut duplicates = 0;
        for account in accounts {
            if self.entries.iter().any(|e| e.account.same_codes_as(&account)) {
                duplicates += 1;
            } else {
                self.entries.push(Entry::new(account, now));
            }
        }
        let imported = self.entries.len() - before;
        if imported > 0
            && let Err(error) = self.save()
        {
            self.entries.truncate(before);
            return Err(error);
        }
        Ok(ImportSummary { imported, duplicates })
    }

    /// The entry's code at `now`. A time-based code changes nothing, so the file is not written
    /// (scripts may ask every few seconds while the window has the vault open). For HOTP the
    /// counter advances and the use is recorded, and the code is returned only once that is
    /// saved, so no code is ever shown twice; any other change made in memory is saved with it.
    pub fn use_code(&mut self, id: EntryId, now: u64) -> Result<Code, VaultError> {
        let index = self.entries.iter().position(|e| e.id() == id).ok_or(VaultError::NoSuchEntry { id })?;
        let previous = (self.entries[index].account.params.counter, self.entries[index].last_used);
        let entry = &mut self.entries[index];
        let code = entry.account.code_at(now);
        if entry.account.params.kind != Kind::Hotp {
            return Ok(code);
        }
        entry.account.params.counter = entry.account.params.counter.wrapping_add(1);
        entry.last_used = Some(now);
        if let Err(error) = self.save() {
            let entry = &mut self.entries[index];
            (entry.account.params.counter, entry.last_used) = previous;
            return Err(error);
        }
        Ok(code)
    }

    /// Writes the vault: atomically, keeping the previous version as `.bak`, owner-only. Refuses
    /// when the file on disk is not the one this vault read or last wrote.
    pub fn save(&mut self) -> Result<(), VaultError> {
        let _guard = match self.lock {
            Some(_) => None,
            None => Some(lock(&self.path)?),
        };
        let header = storage::read_header(&self.path).map_err(io_error("read", &self.path))?;
        if !header.is_empty() && format::data_nonce(&header).ok() != self.on_disk {
            return Err(VaultError::ChangedOnDisk { path: self.path.clone() });
        }
        let plaintext = entry::encode_payload(&self.entries);
        if plaintext.len() > format::MAX_FILE_LEN - format::MAX_HEADER_LEN - format::TAG_LEN - format::CHECKSUM_LEN {
            return Err(VaultError::TooLarge);
        }
        let (bytes, nonce) = format::seal(&self.password_slot, self.keyring_slot.as_ref(), &self.master, &plaintext);
        storage::write_atomic(&self.path, &bytes).map_err(io_error("save the vault to", &self.path))?;
        self.on_disk = Some(nonce);
        Ok(())
    }

    /// The Argon2id cost of the password slot.
    pub fn kdf_params(&self) -> KdfParams {
        self.password_slot.kdf
    }

    /// Rewraps the master key under `new_password` (and `kdf`) and saves. The keyring slot, if
    /// any, keeps working.
    pub fn change_password(&mut self, new_password: &SecretString, kdf: KdfParams) -> Result<(), VaultError> {
        if new_password.expose_secret().is_empty() {
            return Err(VaultError::EmptyPassword);
        }
        let slot = PasswordSlot::new(&self.master, new_password, kdf)?;
        let previous = std::mem::replace(&mut self.password_slot, slot);
        if let Err(error) = self.save() {
            self.password_slot = previous;
            return Err(error);
        }
        Ok(())
    }

    pub fn has_keyring_slot(&self) -> bool {
        self.keyring_slot.is_some()
    }

    /// Adds a keyring slot: a new random key, kept in `store`, wraps the master key. Saves.
    /// Enabling again replaces the slot and its key.
    pub fn enable_keyring(&mut self, store: &dyn KeyStore) -> Result<(), VaultError> {
        let id = format::random::<SLOT_ID_LEN>();
        let slot_key = format::random_key();
        store.set(&slot_name(&id), slot_key.as_ref())?;
        let previous = self.keyring_slot.replace(KeyringSlot::new(&self.master, id, &slot_key));
        if let Err(error) = self.save() {
            self.keyring_slot = previous;
            // The vault does not refer to the new key; a failure to remove it leaves only litter.
            let _ = store.delete(&slot_name(&id));
            return Err(error);
        }
        if let Some(old) = previous {
            let _ = store.delete(&slot_name(&old.id));
        }
        Ok(())
    }

    /// Removes the keyring slot and saves, then deletes its key from `store`. The vault is
    /// saved without the slot even when the keyring cannot be reached; that error is returned.
    pub fn disable_keyring(&mut self, store: &dyn KeyStore) -> Result<(), VaultError> {
        let Some(slot) = self.keyring_slot.take() else { return Ok(()) };
        if let Err(error) = self.save() {
            self.keyring_slot = Some(slot);
            return Err(error);
        }
        store.delete(&slot_name(&slot.id))?;
        Ok(())
    }
}
