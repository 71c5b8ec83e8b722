//! The real binary under stress: killed with SIGKILL in the middle of saves, and two processes
//! changing one vault at once.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::{Child, Stdio};
use std::thread;
use std::time::Duration;

use otpvault::vault::Vault;
use rand::Rng;
use secrecy::SecretString;

use crate::vault_cli::{PASSWORD, cli, init, ok};

fn open(path: &Path) -> Vault {
    Vault::open(path, &SecretString::from(PASSWORD.to_owned())).unwrap_or_else(|e| panic!("{e}"))
}

fn binary() -> String {
    cli(Path::new("unused")).get_program().to_string_lossy().into_owned()
}

/// A shell that renames one account in a loop (each rename a full save), in its own process group.
fn save_loop(vault: &Path) -> Child {
    let script = r#"i=0; while :; do i=$((i+1)); "$BIN" rename tok --name "token $i" >/dev/null 2>&1; done"#;
    let mut command = std::process::Command::new("sh");
    command
        .args(["-c", script])
        .env("BIN", binary())
        .env("OTPVAULT_VAULT", vault)
        .env("OTPVAULT_PASSWORD", PASSWORD)
        .env("OTPVAULT_INSECURE_TEST_KDF", "1")
        .stdin(Stdio::null());
    std::os::unix::process::CommandExt::process_group(&mut command, 0);
    command.spawn().expect("sh runs")
}

fn kill_group(child: &mut Child) {
    let group = i32::try_from(child.id()).expect("pids fit in i32");
    // SAFETY: killpg only sends a signal; the group is the child's own, made by process_group(0).
    let sent = unsafe { libc::killpg(group, libc::SIGKILL) };
    assert_eq!(sent, 0, "SIGKILL sent");
    child.wait().expect("the shell is reaped");
}

#[test]
fn sigkill_during_saves_never_loses_an_account() {
    let dir = tempfile::tempdir().unwrap();
    let vault = init(dir.path());
    for (i, secret) in ["JBSWY3DPEHPK3PXP", "GEZDGNBVGY3TQOJQ", "MFRGGZDFMZTWQ2LK"].iter().enumerate() {
        ok(cli(&vault).args(["add", "--secret", secret, "--name", &format!("account {i}")]));
    }
    ok(cli(&vault).args(["add", "--secret", "ONSWG4TFORZWK3DM", "--name", "tok", "--type", "hotp"]));
    let ids: BTreeSet<String> = open(&vault).entries().iter().map(|e| e.id().to_string()).collect();
    let mut rng = rand::rng();
    let mut renames_seen = BTreeSet::new();
    for kill in 0..300 {
        let mut child = save_loop(&vault);
        thread::sleep(Duration::from_micros(rng.random_range(2_000..30_000)));
        kill_group(&mut child);
        let opened = open(&vault);
        let now: BTreeSet<String> = opened.entries().iter().map(|e| e.id().to_string()).collect();
        assert_eq!(now, ids, "after kill {kill}");
        let token = opened.entries().iter().find(|e| e.account.name.starts_with("tok")).expect("the token is there");
        renames_seen.insert(token.account.name.clone());
    }
    assert!(renames_seen.len() > 1, "the loop saved between kills: {renames_seen:?}");
}

#[test]
fn two_processes_changing_one_vault_lose_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let vault = init(dir.path());
    ok(cli(&vault).args(["add", "--secret", "ONSWG4TFORZWK3DM", "--name", "counter", "--type", "hotp"]));
    let worker = |side: usize| {
        let vault = vault.clone();
        thread::spawn(move || {
            let mut added = Vec::new();
            let mut codes = Vec::new();
            for i in 0..12 {
                let name = format!("side {side} account {i}");
                let secret = data_encoding::BASE32_NOPAD.encode(format!("seed-{side}-{i}-padding").as_bytes());
                let out = crate::common::run(cli(&vault).args(["add", "--secret", &secret, "--name", &name]));
                match out.code {
                    Some(0) => added.push(name),
                    Some(7) => {}
                    other => panic!("add: {other:?} {}", out.stderr),
                }
                let out = crate::common::run(cli(&vault).args(["code", "counter"]));
                match out.code {
                    Some(0) => codes.push(out.stdout.trim().to_owned()),
                    Some(7) => {}
                    other => panic!("code: {other:?} {}", out.stderr),
                }
            }
            (added, codes)
        })
    };
    let (a, b) = (worker(1), worker(2));
    let (added_a, codes_a) = a.join().unwrap();
    let (added_b, codes_b) = b.join().unwrap();
    let opened = open(&vault);
    let names: BTreeSet<&str> = opened.entries().iter().map(|e| e.account.name.as_str()).collect();
    let expected: BTreeSet<&str> =
        added_a.iter().chain(&added_b).map(String::as_str).chain(std::iter::once("counter")).collect();
    assert_eq!(names, expected, "every reported add is in the vault, and nothing else");
    assert!(added_a.len() + added_b.len() >= 12, "most adds got through the lock");
    // Each HOTP code went out once: the counter moved once per code shown.
    let codes: Vec<&String> = codes_a.iter().chain(&codes_b).collect();
    let distinct: BTreeSet<&String> = codes.iter().copied().collect();
    assert_eq!(distinct.len(), codes.len(), "a HOTP code was shown twice: {codes:?}");
    let counter = opened.entries().iter().find(|e| e.account.name == "counter").unwrap();
    assert_eq!(counter.account.params.counter, codes.len() as u64);
}
