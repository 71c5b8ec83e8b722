//! Integration tests: one binary, a module per topic.

mod common;

mod cli_clock;
mod cli_code;
mod cli_enroll;
mod export_roundtrip;
mod gui;
mod gui_window;
mod import_formats_a;
mod import_formats_b;
mod oathtool;
mod otp_vectors;
mod qr;
mod roundtrip;
mod transfer_cli;
mod vault;
mod vault_cli;
#[cfg(unix)]
mod vault_crash;
mod vault_keyring;
mod vault_vectors;
