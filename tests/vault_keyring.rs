//! The keyring slot against the real OS keyring (Secret Service under tests/run).
//!
//! tests/run sets OTPVAULT_TEST_SESSION and starts a private, unlocked gnome-keyring: there the
//! keyring must work, and these tests fail if it does not. Run by plain `cargo test` on a machine
//! without a Secret Service, they say so on stderr and check nothing.

use otpvault::vault::{KeyStore, KeyringError, OsKeyring};

use crate::common::run;
use crate::vault_cli::{cli, init, ok};

/// Whether the real keyring must be tested; panics under tests/run when it cannot be reached.
fn keyring_expected() -> bool {
    let probe = OsKeyring.get("otpvault-test-probe");
    let reachable = !matches!(probe, Err(KeyringError::Unavailable(_)));
    if std::env::var_os("OTPVAULT_TEST_SESSION").is_some() {
        assert!(reachable, "tests/run started a Secret Service, yet the keyring is unreachable: {probe:?}");
        return true;
    }
    if !reachable {
        eprintln!("NOT TESTED: no OS keyring here ({probe:?}); run tests/run to test against a real one");
    }
    reachable
}

/// The binary with the real session bus (the other vault tests point it at none).
fn with_keyring(vault: &std::path::Path) -> assert_cmd::Command {
    let mut command = cli(vault);
    match std::env::var_os("DBUS_SESSION_BUS_ADDRESS") {
        Some(address) => command.env("DBUS_SESSION_BUS_ADDRESS", address),
        None => command.env_remove("DBUS_SESSION_BUS_ADDRESS"),
    };
    command
}

#[test]
fn os_keyring_stores_reads_and_deletes_a_key() {
    if !keyring_expected() {
        return;
    }
    let name = format!("test-{}", std::process::id());
    OsKeyring.set(&name, &[1, 2, 3, 250]).unwrap();
    assert_eq!(OsKeyring.get(&name).unwrap().as_slice(), [1, 2, 3, 250]);
    OsKeyring.delete(&name).unwrap();
    assert_eq!(OsKeyring.get(&name), Err(KeyringError::NoEntry));
    OsKeyring.delete(&name).expect("deleting twice is fine");
}

#[test]
fn keyring_enable_unlocks_without_a_password_and_disable_stops_it() {
    if !keyring_expected() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let vault = init(dir.path());
    ok(cli(&vault).args(["add", "--secret", "JBSWY3DPEHPK3PXP", "--name", "me"]));
    ok(with_keyring(&vault).args(["keyring", "enable"]));
    let list = ok(with_keyring(&vault).env_remove("OTPVAULT_PASSWORD").arg("list"));
    assert!(list.stdout.contains("me"), "{}", list.stdout);
    assert_eq!(ok(with_keyring(&vault).env_remove("OTPVAULT_PASSWORD").args(["code", "me"])).stdout.trim().len(), 6);
    // Without the keyring service the password is still needed, and its absence named.
    let no_service = run(cli(&vault).env_remove("OTPVAULT_PASSWORD").arg("list"));
    assert_eq!(no_service.code, Some(8), "{}", no_service.stderr);
    assert!(no_service.stderr.contains("keyring"), "{}", no_service.stderr);
    ok(cli(&vault).arg("list"));

    ok(with_keyring(&vault).args(["keyring", "disable"]));
    let after = run(with_keyring(&vault).env_remove("OTPVAULT_PASSWORD").arg("list"));
    assert_eq!(after.code, Some(2), "the password is needed again: {}", after.stderr);
}
