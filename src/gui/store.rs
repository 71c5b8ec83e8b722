//! What the window needs from storage, in one small trait: the window never touches files or keys.

use std::sync::{Arc, Mutex};

use anyhow::{Context, bail};
use secrecy::{ExposeSecret, SecretString};

use zeroize::Zeroizing;

use crate::account::Account;
use crate::export::BackupFormat;

/// An account as the window shows it: the vault's id, the account, its tags.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub id: u64,
    pub account: Account,
    pub tags: Vec<String>,
}

/// The vault behind the window. Calls may be slow (the password KDF): the window makes them on a
/// worker thread, so a store is `Send`.
pub trait Store: Send {
    /// Where the vault lives, for the title bar and for keying per-vault settings.
    fn location(&self) -> String;
    /// False on first run: the window then offers to create a vault.
    fn exists(&self) -> bool;
    fn create(&mut self, password: &SecretString, remember_in_keyring: bool) -> anyhow::Result<()>;
    fn unlock(&mut self, password: &SecretString) -> anyhow::Result<Vec<Entry>>;
    /// Unlocks through the OS keyring slot; `None` when the vault has none.
    fn unlock_with_keyring(&mut self) -> Option<anyhow::Result<Vec<Entry>>>;
    fn has_keyring_slot(&self) -> bool;
    fn set_keyring(&mut self, enabled: bool) -> anyhow::Result<()>;
    fn change_password(&mut self, current: &SecretString, new: &SecretString) -> anyhow::Result<()>;
    /// Writes every entry; the store gives ids to entries added with id 0 and returns the list.
    fn save(&mut self, entries: Vec<Entry>) -> anyhow::Result<Vec<Entry>>;
    /// A backup of every entry in `format`; `password` protects the encrypted formats.
    fn backup(&mut self, format: BackupFormat, password: Option<&SecretString>) -> anyhow::Result<Zeroizing<Vec<u8>>>;
    /// The entries as stored now: after a failed save, what the vault still holds.
    fn entries(&mut self) -> Vec<Entry>;
    /// Forgets the key and the decrypted entries.
    fn lock(&mut self);
}

/// A store held in memory, shared between clones so that a test can look inside while the window
/// owns another handle.
#[derive(Debug, Clone, Default)]
pub struct MemoryStore {
    inner: Arc<Mutex<MemoryInner>>,
}

#[derive(Debug, Default)]
struct MemoryInner {
    password: Option<SecretString>,
    keyring: bool,
    unlocked: bool,
    entries: Vec<Entry>,
    next_id: u64,
    saves: usize,
}

impl MemoryStore {
    pub fn new() -> Self {
        MemoryStore::default()
    }

    /// The entries as last saved.
    pub fn saved(&self) -> Vec<Entry> {
        self.lock_inner().entries.clone()
    }

    /// How many times the window saved.
    pub fn saves(&self) -> usize {
        self.lock_inner().saves
    }

    fn lock_inner(&self) -> std::sync::MutexGuard<'_, MemoryInner> {
        // A panic elsewhere while holding the lock leaves plain data behind, still usable.
        self.inner.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl Store for MemoryStore {
    fn location(&self) -> String {
        "memory".to_owned()
    }

    fn exists(&self) -> bool {
        self.lock_inner().password.is_some()
    }

    fn create(&mut self, password: &SecretString, remember_in_keyring: bool) -> anyhow::Result<()> {
        let mut inner = self.lock_inner();
        if inner.password.is_some() {
            bail!("a vault exists already: unlock it instead");
        }
        inner.password = Some(password.clone());
        inner.keyring = remember_in_keyring;
        inner.unlocked = true;
        Ok(())
    }

    fn unlock(&mut self, password: &SecretString) -> anyhow::Result<Vec<Entry>> {
        let mut inner = self.lock_inner();
        let stored = inner.password.as_ref().context("no vault yet: create one first")?;
        if stored.expose_secret() != password.expose_secret() {
            bail!("wrong password: check Caps Lock and the keyboard layout, then try again");
        }
        inner.unlocked = true;
        Ok(inner.entries.clone())
    }

    fn unlock_with_keyring(&mut self) -> Option<anyhow::Result<Vec<Entry>>> {
        let mut inner = self.lock_inner();
        if !inner.keyring {
            return None;
        }
        inner.unlocked = true;
        Some(Ok(inner.entries.clone()))
    }

    fn has_keyring_slot(&self) -> bool {
        self.lock_inner().keyring
    }

    fn set_keyring(&mut self, enabled: bool) -> anyhow::Result<()> {
        self.lock_inner().keyring = enabled;
        Ok(())
    }

    fn change_password(&mut self, current: &SecretString, new: &SecretString) -> anyhow::Result<()> {
        let mut inner = self.lock_inner();
        let stored = inner.password.as_ref().context("no vault yet: create one first")?;
        if stored.expose_secret() != current.expose_secret() {
            bail!("the current password is wrong: the password was not changed");
        }
        inner.password = Some(new.clone());
        Ok(())
    }

    fn save(&mut self, mut entries: Vec<Entry>) -> anyhow::Result<Vec<Entry>> {
        let mut inner = self.lock_inner();
        if !inner.unlocked {
            bail!("the vault is locked: unlock it to save");
        }
        for entry in entries.iter_mut().filter(|e| e.id == 0) {
            inner.next_id += 1;
            entry.id = inner.next_id;
        }
        inner.entries = entries.clone();
        inner.saves += 1;
        Ok(entries)
    }

    fn backup(&mut self, format: BackupFormat, password: Option<&SecretString>) -> anyhow::Result<Zeroizing<Vec<u8>>> {
        let inner = self.lock_inner();
        let entries: Vec<crate::vault::Entry> = inner
            .entries
            .iter()
            .map(|e| {
                let mut entry = crate::vault::Entry::new(e.account.clone(), 0);
                entry.tags = e.tags.clone();
                entry
            })
            .collect();
        Ok(crate::export::backup_with(format, &entries, password, crate::vault::KdfParams::INSECURE_TEST)?)
    }

    fn entries(&mut self) -> Vec<Entry> {
        self.lock_inner().entries.clone()
    }

    fn lock(&mut self) {
        self.lock_inner().unlocked = false;
    }
}
