//! Integration tests: one binary, a module per topic.

mod common;

mod cli_code;
mod cli_enroll;
mod gui;
mod gui_window;
mod oathtool;
mod otp_vectors;
mod roundtrip;
mod vault;
mod vault_cli;
#[cfg(unix)]
mod vault_crash;
mod vault_keyring;
mod vault_vectors;
