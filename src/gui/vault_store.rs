//! The window's [`Store`] on the encrypted vault file.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use anyhow::Context;
use secrecy::SecretString;
use zeroize::Zeroizing;

use super::store::{Entry, Store};
use crate::export::BackupFormat;
use crate::vault::{EntryId, KdfParams, KeyStore, Vault, VaultError};

/// The vault at a path, opened on unlock and closed (key forgotten, file lock released) on lock.
pub struct VaultStore {
    path: PathBuf,
    keyring: Arc<dyn KeyStore>,
    kdf: KdfParams,
    vault: Option<Vault>,
    /// The window numbers entries; the vault names them by random ids.
    ids: HashMap<u64, EntryId>,
    next: u64,
}

impl VaultStore {
    pub fn new(path: PathBuf, keyring: Arc<dyn KeyStore>, kdf: KdfParams) -> Self {
        VaultStore { path, keyring, kdf, vault: None, ids: HashMap::new(), next: 0 }
    }

    fn vault(&mut self) -> anyhow::Result<&mut Vault> {
        self.vault.as_mut().context("the vault is locked: unlock it first")
    }

    /// The vault's entries as the window shows them, numbering each vault id once.
    fn view(&mut self) -> Vec<Entry> {
        let Some(vault) = &self.vault else { return Vec::new() };
        let mut known: HashMap<EntryId, u64> = self.ids.iter().map(|(n, id)| (*id, *n)).collect();
        let mut out = Vec::with_capacity(vault.entries().len());
        for entry in vault.entries() {
            let number = *known.entry(entry.id()).or_insert_with(|| {
                self.next += 1;
                self.ids.insert(self.next, entry.id());
                self.next
            });
            out.push(Entry { id: number, account: entry.account.clone(), tags: entry.tags.clone() });
        }
        out
    }

    fn opened(&mut self, mut vault: Vault) -> Vec<Entry> {
        // The window stays open for hours: the command line must still be able to use the file.
        vault.release_lock();
        self.vault = Some(vault);
        self.ids.clear();
        self.view()
    }
}

fn now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0)
}

impl Store for VaultStore {
    fn location(&self) -> String {
        self.path.display().to_string()
    }

    fn exists(&self) -> bool {
        self.path.is_file()
    }

    fn create(&mut self, password: &SecretString, remember_in_keyring: bool) -> anyhow::Result<()> {
        let mut vault = Vault::create(&self.path, password, self.kdf)?;
        if remember_in_keyring {
            // The vault exists and opens with the password whatever the keyring says.
            vault.enable_keyring(self.keyring.as_ref()).context("the vault was created, but the keyring refused")?;
        }
        self.opened(vault);
        Ok(())
    }

    fn unlock(&mut self, password: &SecretString) -> anyhow::Result<Vec<Entry>> {
        let vault = Vault::open(&self.path, password)?;
        Ok(self.opened(vault))
    }

    fn unlock_with_keyring(&mut self) -> Option<anyhow::Result<Vec<Entry>>> {
        if !self.has_keyring_slot() {
            return None;
        }
        Some(match Vault::open_with_keyring(&self.path, self.keyring.as_ref()) {
            Ok(vault) => Ok(self.opened(vault)),
            Err(e) => Err(e.into()),
        })
    }

    fn has_keyring_slot(&self) -> bool {
        match &self.vault {
            Some(vault) => vault.has_keyring_slot(),
            None => Vault::has_keyring_slot_at(&self.path).unwrap_or(false),
        }
    }

    fn set_keyring(&mut self, enabled: bool) -> anyhow::Result<()> {
        let keyring = self.keyring.clone();
        let vault = self.vault()?;
        if enabled {
            vault.enable_keyring(keyring.as_ref())?;
        } else {
            vault.disable_keyring(keyring.as_ref())?;
        }
        Ok(())
    }

    fn change_password(&mut self, _current: &SecretString, new: &SecretString) -> anyhow::Result<()> {
        // The vault holds its file lock while open, so the current password cannot be tried
        // again here; the unlocked window is the proof.
        let kdf = self.kdf;
        self.vault()?.change_password(new, kdf)?;
        Ok(())
    }

    fn save(&mut self, entries: Vec<Entry>) -> anyhow::Result<Vec<Entry>> {
        let now = now();
        let ids = self.ids.clone();
        let vault = self.vault()?;
        let kept: Vec<EntryId> = entries.iter().filter_map(|e| ids.get(&e.id).copied()).collect();
        let gone: Vec<EntryId> = vault.entries().iter().map(|e| e.id()).filter(|id| !kept.contains(id)).collect();
        for id in gone {
            vault.remove(id)?;
        }
        let mut order = Vec::with_capacity(entries.len());
        for entry in entries {
            let id = match ids.get(&entry.id) {
                Some(id) => {
                    vault.update(*id, |stored| {
                        stored.account = entry.account;
                        stored.tags = entry.tags;
                    })?;
                    *id
                }
                None => {
                    let id = vault.add(entry.account, now)?;
                    vault.update(id, |stored| stored.tags = entry.tags)?;
                    id
                }
            };
            order.push(id);
        }
        vault.reorder(&order);
        match vault.save() {
            Ok(()) => Ok(self.view()),
            Err(VaultError::ChangedOnDisk { .. }) => {
                // Another otpvault saved meanwhile: show what it saved rather than overwrite it.
                vault.reload()?;
                anyhow::bail!("another otpvault changed the vault meanwhile: it was reloaded, do the change again")
            }
            Err(error) => {
                // What is in memory must stay what is on disk.
                vault.reload()?;
                Err(error.into())
            }
        }
    }

    fn backup(&mut self, format: BackupFormat, password: Option<&SecretString>) -> anyhow::Result<Zeroizing<Vec<u8>>> {
        let kdf = self.kdf;
        Ok(crate::export::backup_with(format, self.vault()?.entries(), password, kdf)?)
    }

    fn entries(&mut self) -> Vec<Entry> {
        self.view()
    }

    fn lock(&mut self) {
        self.vault = None;
        self.ids.clear();
    }
}
