//! `otpvault enroll`: two consecutive codes, each printed when due.

use std::time::{SystemTime, UNIX_EPOCH};

use otpvault::Account;

use crate::common::{otpvault, run};

/// A two-second period keeps the wait for the next period short.
const URI: &str = "otpauth://totp/ACME:alice?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&period=2";

fn now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs()
}

#[test]
fn prints_code_one_then_code_two_after_the_period_boundary() {
    let account: Account = URI.parse().unwrap();
    let started = now();
    let out = run(otpvault().args(["enroll", "--uri", URI]));
    let finished = now();
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    let codes: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(codes.len(), 2, "two codes alone on stdout: {:?}", out.stdout);
    // Code 1 belongs to the start's period, code 2 to the next one: the command waited for it.
    let step = (started / 2..=finished / 2)
        .find(|s| account.code_at(s * 2).as_str() == codes[0] && account.code_at(s * 2 + 2).as_str() == codes[1])
        .expect("two consecutive codes");
    assert!(now() >= (step + 1) * 2, "code 2 came no earlier than its period");
    assert!(out.stderr.contains("Submit both codes now"), "{}", out.stderr);
}

#[test]
fn both_now_prints_the_current_and_next_codes_at_once() {
    let uri = "otpauth://totp/ACME:alice?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&period=3600";
    let account: Account = uri.parse().unwrap();
    let started = now();
    let out = run(otpvault().args(["enroll", "--uri", uri, "--both-now"]));
    let finished = now();
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    let codes: Vec<&str> = out.stdout.lines().collect();
    assert!(
        [started, finished]
            .iter()
            .any(|t| { codes == [account.code_at(*t).as_str(), account.code_at(t + 3600).as_str()] }),
        "current and next codes: {codes:?}"
    );
}

#[test]
fn a_bad_uri_is_refused_with_the_input_exit_code() {
    let out = run(otpvault().args(["enroll", "--uri", "otpauth://totp/x"]));
    assert_eq!(out.code, Some(3));
    assert!(out.stderr.starts_with("otpvault: invalid URI"), "{}", out.stderr);
}

#[test]
fn save_keeps_the_seed_in_the_vault_before_the_codes_and_query_enrols_from_it() {
    let dir = tempfile::tempdir().unwrap();
    let vault = crate::vault_cli::init(dir.path());
    let uri =
        "otpauth://totp/Amazon%20Web%20Services:alice@123456789012?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&period=3600";
    let account: Account = uri.parse().unwrap();

    let started = now();
    let out =
        crate::vault_cli::ok(crate::vault_cli::cli(&vault).args(["enroll", "--save", "--uri", uri, "--both-now"]));
    assert!(out.stderr.contains("Saved Amazon Web Services"), "{}", out.stderr);
    let listed = crate::vault_cli::ok(crate::vault_cli::cli(&vault).args(["list", "--json"]));
    assert!(listed.stdout.contains("alice@123456789012"), "{}", listed.stdout);
    let first = out.stdout.lines().next().unwrap_or_default();
    assert!([started, now()].iter().any(|t| first == account.code_at(*t).as_str()), "code 1: {first}");

    // Enrolling again by name resyncs from the vault; saving the same URI again adds nothing.
    let started = now();
    let out = crate::vault_cli::ok(crate::vault_cli::cli(&vault).args(["enroll", "alice@123456789012", "--both-now"]));
    let codes: Vec<&str> = out.stdout.lines().collect();
    assert!(
        [started, now()].iter().any(|t| codes == [account.code_at(*t).as_str(), account.code_at(t + 3600).as_str()]),
        "current and next codes of the vault account: {codes:?}"
    );
    let out =
        crate::vault_cli::ok(crate::vault_cli::cli(&vault).args(["enroll", "--save", "--uri", uri, "--both-now"]));
    assert!(out.stderr.contains("Already in the vault"), "{}", out.stderr);

    let out = run(crate::vault_cli::cli(&vault).args(["enroll", "nobody", "--both-now"]));
    assert_eq!(out.code, Some(10), "{}", out.stderr);
}
