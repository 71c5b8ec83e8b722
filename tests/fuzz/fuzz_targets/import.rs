//! Any bytes through format detection and every importer, with and without a password: an
//! error is fine, a panic is a bug, and a successful import must hold at least one account.
#![no_main]

use libfuzzer_sys::fuzz_target;
use otpvault::import::{self, REGISTRY};
use secrecy::SecretString;

fuzz_target!(|data: &[u8]| {
    let password = SecretString::from("test".to_owned());
    if let Ok(accounts) = import::import(data, None, Some(&password)) {
        assert!(!accounts.is_empty());
    }
    for importer in REGISTRY {
        let _ = importer.detect(data);
        let _ = importer.needs_password(data);
        let _ = importer.import(data, None);
        // Key derivation makes a password attempt slow; one importer in a few is enough per input.
        if data.first().is_some_and(|b| usize::from(*b) % REGISTRY.len() == importer.id().len() % REGISTRY.len()) {
            let _ = importer.import(data, Some(&password));
        }
    }
});
