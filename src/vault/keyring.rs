//! Where a keyring slot's key lives: the OS keyring (Secret Service, Keychain, Credential
//! Manager) through the `keyring` crate, or an in-memory store for tests.

use std::collections::HashMap;
use std::sync::Mutex;

use zeroize::Zeroizing;

/// The service name keyring items are filed under; each vault's item is named by its slot id.
pub const KEYRING_SERVICE: &str = "otpvault";

/// Why the keyring could not give or take a key. The password always still opens the vault.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum KeyringError {
    #[error("the OS keyring is not available ({0}); unlock with your password instead")]
    Unavailable(String),
    #[error(
        "the OS keyring holds no key for this vault (it was removed or this is another machine); unlock with your password and run `otpvault keyring enable` again"
    )]
    NoEntry,
    #[error("this vault has no keyring slot: unlock it with its password, or run `otpvault keyring enable`")]
    NoSlot,
    #[error(
        "the key in the OS keyring does not open this vault; unlock with your password and run `otpvault keyring enable` again"
    )]
    WrongKey,
}

/// A place to keep slot keys by name. `Send + Sync` so unlocking can run off the UI thread.
pub trait KeyStore: Send + Sync {
    fn get(&self, name: &str) -> Result<Zeroizing<Vec<u8>>, KeyringError>;
    fn set(&self, name: &str, key: &[u8]) -> Result<(), KeyringError>;
    /// Removes the key; removing a key that is not there is not an error.
    fn delete(&self, name: &str) -> Result<(), KeyringError>;
}

/// The platform keyring.
#[derive(Debug, Clone, Copy, Default)]
pub struct OsKeyring;

fn os_error(error: keyring::Error) -> KeyringError {
    match error {
        keyring::Error::NoEntry => KeyringError::NoEntry,
        // Other variants may carry the stored bytes; only the kind of failure is kept.
        keyring::Error::PlatformFailure(cause) | keyring::Error::NoStorageAccess(cause) => {
            KeyringError::Unavailable(cause.to_string())
        }
        keyring::Error::NoDefaultStore => KeyringError::Unavailable("no keyring service is running".to_owned()),
        _ => KeyringError::Unavailable("the keyring refused the request".to_owned()),
    }
}

fn os_entry(name: &str) -> Result<keyring::Entry, KeyringError> {
    keyring::Entry::new(KEYRING_SERVICE, name).map_err(os_error)
}

impl KeyStore for OsKeyring {
    fn get(&self, name: &str) -> Result<Zeroizing<Vec<u8>>, KeyringError> {
        os_entry(name)?.get_secret().map(Zeroizing::new).map_err(os_error)
    }

    fn set(&self, name: &str, key: &[u8]) -> Result<(), KeyringError> {
        os_entry(name)?.set_secret(key).map_err(os_error)
    }

    fn delete(&self, name: &str) -> Result<(), KeyringError> {
        match os_entry(name)?.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(error) => Err(os_error(error)),
        }
    }
}

/// A keyring in memory, for tests and for platforms without one (`None` acts as unreachable).
#[derive(Debug, Default)]
pub struct MemoryKeyring {
    items: Mutex<Option<HashMap<String, Zeroizing<Vec<u8>>>>>,
}

impl MemoryKeyring {
    /// An empty, reachable keyring.
    pub fn new() -> Self {
        MemoryKeyring { items: Mutex::new(Some(HashMap::new())) }
    }

    /// A keyring whose every call fails as if no service were running.
    pub fn unreachable() -> Self {
        MemoryKeyring { items: Mutex::new(None) }
    }

    fn with<T>(&self, f: impl FnOnce(&mut HashMap<String, Zeroizing<Vec<u8>>>) -> T) -> Result<T, KeyringError> {
        let mut items = self.items.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        items.as_mut().map(f).ok_or_else(|| KeyringError::Unavailable("the test keyring is switched off".to_owned()))
    }
}

impl KeyStore for MemoryKeyring {
    fn get(&self, name: &str) -> Result<Zeroizing<Vec<u8>>, KeyringError> {
        self.with(|items| items.get(name).cloned())?.ok_or(KeyringError::NoEntry)
    }

    fn set(&self, name: &str, key: &[u8]) -> Result<(), KeyringError> {
        self.with(|items| {
            items.insert(name.to_owned(), Zeroizing::new(key.to_vec()));
        })
    }

    fn delete(&self, name: &str) -> Result<(), KeyringError> {
        self.with(|items| {
            items.remove(name);
        })
    }
}
