//! Integration tests: one binary, a module per topic.

mod common;

mod cli_code;
mod export_roundtrip;
mod import_formats_a;
mod oathtool;
mod otp_vectors;
mod roundtrip;
mod transfer_cli;
mod vault;
mod vault_cli;
#[cfg(unix)]
mod vault_crash;
mod vault_keyring;
mod vault_vectors;
