//! Writing accounts in formats other apps read, so people can leave with their seeds: an Aegis
//! vault (plain or encrypted, as Aegis's own vault-format document describes) and a plain
//! otpauth URI list. Each is read back by our own importers in the tests.

mod aegis;
mod otpauth;

pub use aegis::{aegis_encrypted, aegis_plain};
pub use otpauth::otpauth_list;

/// Why an export could not be written.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ExportError {
    #[error("the export password is empty: choose one, since it alone protects the exported seeds")]
    EmptyPassword,
    #[error("the system's random number generator failed ({0}); try again")]
    Random(String),
    #[error("encrypting the export failed; nothing was written")]
    Encryption,
}
