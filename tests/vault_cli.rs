//! The vault commands of the real binary: what they print and their exit status.

use std::path::{Path, PathBuf};

use assert_cmd::Command;

use crate::common::{Outcome, otpvault, run};

pub const PASSWORD: &str = "s3cret pass";
const RFC_SHA1: &str = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";

/// The binary on `vault`, with the password in the environment and the nearly free KDF.
pub fn cli(vault: &Path) -> Command {
    let mut command = otpvault();
    command
        .env("OTPVAULT_VAULT", vault)
        .env("OTPVAULT_PASSWORD", PASSWORD)
        .env("OTPVAULT_INSECURE_TEST_KDF", "1")
        // No keyring for these tests: an unreachable D-Bus makes keyring use fail the same everywhere.
        .env("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/otpvault-test-bus");
    command
}

pub fn ok(command: &mut Command) -> Outcome {
    let out = run(command);
    assert_eq!(out.code, Some(0), "stdout: {}\nstderr: {}", out.stdout, out.stderr);
    out
}

/// An initialised vault in `dir`.
pub fn init(dir: &Path) -> PathBuf {
    let vault = dir.join("v.otpvault");
    ok(cli(&vault).arg("init"));
    vault
}

fn with_accounts(dir: &Path) -> PathBuf {
    let vault = init(dir);
    ok(cli(&vault).args(["add", "--uri", &format!("otpauth://totp/ACME:alice?secret={RFC_SHA1}&digits=8")]));
    ok(cli(&vault).args([
        "add",
        "--secret",
        "JBSW Y3DP EHPK 3PXP",
        "--issuer",
        "GitHub",
        "--name",
        "alice@example.com",
    ]));
    ok(cli(&vault).args(["add", "--secret", RFC_SHA1, "--name", "token", "--type", "hotp", "--counter", "1"]));
    ok(cli(&vault).args([
        "add",
        "--secret",
        "MFRGGZDFMZTWQ2LKNNWG23TPOBYXE43U",
        "--issuer",
        "Amazon Web Services",
        "--name",
        "admin@123456789012",
        "--group",
        "work",
        "--tag",
        "prod",
    ]));
    vault
}

#[test]
fn init_add_list_and_code() {
    let dir = tempfile::tempdir().unwrap();
    let vault = with_accounts(dir.path());
    let list = ok(cli(&vault).arg("list"));
    assert_eq!(list.stdout.lines().count(), 4, "{}", list.stdout);
    assert!(list.stdout.contains("GitHub") && list.stdout.contains("hotp"), "{}", list.stdout);

    let code = ok(cli(&vault).args(["code", "acme", "--at", "59"]));
    assert_eq!(code.stdout, "94287082\n");
    assert!(code.stderr.is_empty(), "{}", code.stderr);
    // The HOTP counter moves on with each code: RFC 4226 codes 1, 2, 3.
    for expected in ["287082", "359152", "969429"] {
        assert_eq!(ok(cli(&vault).args(["code", "token"])).stdout, format!("{expected}\n"));
    }
    assert_eq!(ok(cli(&vault).args(["code", "aws"])).stdout.trim().len(), 6);
}

#[test]
fn list_json_has_every_field_and_no_secret() {
    let dir = tempfile::tempdir().unwrap();
    let vault = with_accounts(dir.path());
    let out = ok(cli(&vault).args(["list", "--json"]));
    let all: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let aws = &all[3];
    assert_eq!(aws["issuer"], "Amazon Web Services");
    assert_eq!(aws["name"], "admin@123456789012");
    assert_eq!(aws["type"], "totp");
    assert_eq!(aws["algorithm"], "SHA1");
    assert_eq!(aws["digits"], 6);
    assert_eq!(aws["period"], 30);
    assert_eq!(aws["group"], "work");
    assert_eq!(aws["tags"], serde_json::json!(["prod"]));
    assert_eq!(aws["id"].as_str().unwrap().len(), 32);
    assert_eq!(all[2]["counter"], 1);
    for secret in [RFC_SHA1, "JBSWY3DPEHPK3PXP", "MFRGGZDFMZTWQ2LKNNWG23TPOBYXE43U"] {
        assert!(!out.stdout.to_uppercase().contains(secret), "secret in list --json");
    }
}

#[test]
fn several_matches_are_listed_and_fail() {
    let dir = tempfile::tempdir().unwrap();
    let vault = with_accounts(dir.path());
    let out = run(cli(&vault).args(["code", "ALIC"]));
    assert_eq!(out.code, Some(11), "{}", out.stderr);
    assert!(out.stdout.is_empty());
    assert!(out.stderr.contains("ACME (alice)") && out.stderr.contains("GitHub (alice@example.com)"), "{}", out.stderr);
    let none = run(cli(&vault).args(["code", "nobody"]));
    assert_eq!(none.code, Some(10), "{}", none.stderr);
    assert!(none.stdout.is_empty());
}

#[test]
fn code_takes_a_query_or_a_uri_not_both() {
    let dir = tempfile::tempdir().unwrap();
    let vault = with_accounts(dir.path());
    let both = run(cli(&vault).args(["code", "acme", "--uri", &format!("otpauth://totp/x?secret={RFC_SHA1}")]));
    assert_eq!(both.code, Some(2), "{}", both.stderr);
    let neither = run(cli(&vault).arg("code"));
    assert_eq!(neither.code, Some(2), "{}", neither.stderr);
    // --uri ignores the vault entirely, even one that does not exist.
    let uri = run(cli(&dir.path().join("none")).args([
        "code",
        "--uri",
        &format!("otpauth://totp/x?secret={RFC_SHA1}&digits=8"),
        "--at",
        "59",
    ]));
    assert_eq!((uri.code, uri.stdout.as_str()), (Some(0), "94287082\n"));
}

#[test]
fn show_reveals_the_uri_only_when_asked() {
    let dir = tempfile::tempdir().unwrap();
    let vault = with_accounts(dir.path());
    let plain = ok(cli(&vault).args(["show", "github"]));
    assert!(!plain.stdout.contains("JBSWY3DPEHPK3PXP"), "{}", plain.stdout);
    assert!(plain.stdout.contains("alice@example.com"));
    assert!(plain.stderr.contains("--reveal"));
    let revealed = ok(cli(&vault).args(["show", "github", "--reveal"]));
    let account: otpvault::Account = revealed.stdout.trim().parse().unwrap();
    assert_eq!(account.secret.to_base32().as_str(), "JBSWY3DPEHPK3PXP");
    assert_eq!(account.issuer.as_deref(), Some("GitHub"));
}

#[test]
fn rename_and_remove() {
    let dir = tempfile::tempdir().unwrap();
    let vault = with_accounts(dir.path());
    ok(cli(&vault).args(["rename", "github", "--name", "bob", "--issuer", "GitHub Enterprise"]));
    let out = ok(cli(&vault).args(["list", "--json"]));
    assert!(out.stdout.contains("\"GitHub Enterprise\"") && out.stdout.contains("\"bob\""), "{}", out.stdout);
    let unconfirmed = run(cli(&vault).args(["remove", "bob"]));
    assert_eq!(unconfirmed.code, Some(1), "{}", unconfirmed.stderr);
    assert!(unconfirmed.stderr.contains("--yes"));
    ok(cli(&vault).args(["remove", "bob", "--yes"]));
    let list = ok(cli(&vault).arg("list"));
    assert_eq!(list.stdout.lines().count(), 3);
    assert!(!list.stdout.contains("bob"));
    let missing = run(cli(&vault).args(["rename", "bob", "--name", "x"]));
    assert_eq!(missing.code, Some(10));
}

#[test]
fn passwords_from_stdin_and_passwd() {
    let dir = tempfile::tempdir().unwrap();
    let vault = dir.path().join("p.otpvault");
    ok(cli(&vault).env_remove("OTPVAULT_PASSWORD").args(["init", "--password-stdin"]).write_stdin("first pw\n"));
    ok(cli(&vault).env_remove("OTPVAULT_PASSWORD").args(["list", "--password-stdin"]).write_stdin("first pw\n"));
    let wrong = run(cli(&vault).args(["list"]));
    assert_eq!(wrong.code, Some(4), "{}", wrong.stderr);
    assert!(wrong.stderr.starts_with("otpvault: wrong password"), "{}", wrong.stderr);
    ok(cli(&vault)
        .env_remove("OTPVAULT_PASSWORD")
        .args(["passwd", "--password-stdin", "--new-password-stdin"])
        .write_stdin("first pw\nsecond pw\n"));
    assert_eq!(run(cli(&vault).env("OTPVAULT_PASSWORD", "first pw").arg("list")).code, Some(4));
    ok(cli(&vault).env("OTPVAULT_PASSWORD", "second pw").arg("list"));
    ok(cli(&vault).env("OTPVAULT_PASSWORD", "second pw").env("OTPVAULT_NEW_PASSWORD", "third pw").arg("passwd"));
    ok(cli(&vault).env("OTPVAULT_PASSWORD", "third pw").arg("list"));
    let none = run(cli(&vault).env_remove("OTPVAULT_PASSWORD").arg("list"));
    assert_eq!(none.code, Some(2), "{}", none.stderr);
    assert!(none.stderr.contains("--password-stdin") && none.stderr.contains("OTPVAULT_PASSWORD"), "{}", none.stderr);
}

#[test]
fn each_vault_error_has_its_exit_status() {
    let dir = tempfile::tempdir().unwrap();
    let vault = with_accounts(dir.path());
    let missing = run(cli(&dir.path().join("missing.otpvault")).arg("list"));
    assert_eq!(missing.code, Some(9), "{}", missing.stderr);
    assert!(missing.stderr.contains("otpvault init"), "{}", missing.stderr);
    assert_eq!(run(cli(&vault).arg("init")).code, Some(1), "init never replaces a vault");

    let keyring = run(cli(&vault).args(["keyring", "enable"]));
    assert_eq!(keyring.code, Some(8), "{}", keyring.stderr);
    assert!(keyring.stderr.contains("keyring"), "{}", keyring.stderr);

    let good = std::fs::read(&vault).unwrap();
    let mut flipped = good.clone();
    let last = flipped.len() - 20;
    flipped[last] ^= 1;
    std::fs::write(&vault, &flipped).unwrap();
    let damaged = run(cli(&vault).arg("list"));
    assert_eq!(damaged.code, Some(5), "{}", damaged.stderr);
    assert!(damaged.stderr.contains(".bak"), "{}", damaged.stderr);
    assert_eq!(std::fs::read(&vault).unwrap(), flipped, "a vault that cannot be read is never written");

    std::fs::write(&vault, &good[..good.len() / 2]).unwrap();
    let truncated = run(cli(&vault).arg("list"));
    assert_eq!(truncated.code, Some(5), "{}", truncated.stderr);
    assert!(truncated.stderr.contains("cut short"), "{}", truncated.stderr);

    let mut newer = good.clone();
    newer[9] = 2;
    std::fs::write(&vault, &newer).unwrap();
    let version = run(cli(&vault).arg("list"));
    assert_eq!(version.code, Some(6), "{}", version.stderr);
    assert!(version.stderr.contains("update otpvault"), "{}", version.stderr);

    std::fs::write(&vault, &good).unwrap();
    let held = otpvault::vault::Vault::open(&vault, &secrecy::SecretString::from(PASSWORD.to_owned())).unwrap();
    let locked = run(cli(&vault).arg("list"));
    assert_eq!(locked.code, Some(7), "{}", locked.stderr);
    assert!(locked.stderr.contains("another otpvault"), "{}", locked.stderr);
    drop(held);
    ok(cli(&vault).arg("list"));

    let bad = run(cli(&vault).args(["add", "--secret", "not base32!", "--name", "x"]));
    assert_eq!(bad.code, Some(3), "{}", bad.stderr);
    let dup = run(cli(&vault).args(["add", "--secret", "jbswy3dpehpk3pxp", "--name", "again"]));
    assert_eq!(dup.code, Some(1), "{}", dup.stderr);
    assert!(dup.stderr.contains("already in the vault as GitHub (alice@example.com)"), "{}", dup.stderr);
}

#[test]
fn every_command_has_an_example_and_names_the_password_sources() {
    for command in [
        &["code"][..],
        &["init"],
        &["add"],
        &["list"],
        &["show"],
        &["remove"],
        &["rename"],
        &["passwd"],
        &["keyring"],
        &["keyring", "enable"],
        &["keyring", "disable"],
    ] {
        let out = ok(otpvault().args(command).arg("--help"));
        assert!(out.stdout.contains("Example"), "{command:?}: {}", out.stdout);
        assert!(out.stdout.contains("--vault"), "{command:?}");
        if command != ["keyring"] {
            assert!(out.stdout.contains("OTPVAULT_PASSWORD"), "{command:?}: {}", out.stdout);
        }
    }
}
