//! `otpvault import` and `otpvault export` on the real binary: counts, duplicates, passwords,
//! all-or-nothing, and exports that read back.

use std::path::Path;

use crate::common::{expected, fixture, run};
use crate::vault_cli::{cli, init, ok};

fn import(vault: &Path, file: &str) -> crate::common::Outcome {
    run(cli(vault).arg("import").arg(fixture(&format!("import/{file}"))))
}

fn list(vault: &Path) -> serde_json::Value {
    serde_json::from_str(&ok(cli(vault).args(["list", "--json"])).stdout).expect("list --json prints JSON")
}

fn count(vault: &Path) -> usize {
    list(vault).as_array().expect("a JSON list").len()
}

#[test]
fn imports_then_skips_duplicates() {
    let dir = tempfile::tempdir().unwrap();
    let vault = init(dir.path());
    let first = import(&vault, "aegis_plain.json");
    assert_eq!(first.code, Some(0), "{}", first.stderr);
    assert_eq!(first.stdout.trim(), "7 imported, 0 duplicates skipped");
    // The same seeds in another app's format are the same accounts.
    let again = import(&vault, "stratum_plain.json");
    assert_eq!(again.stdout.trim(), "0 imported, 7 duplicates skipped");
    assert_eq!(count(&vault), 7);
}

#[test]
fn groups_come_along() {
    let dir = tempfile::tempdir().unwrap();
    let vault = init(dir.path());
    assert_eq!(import(&vault, "aegis_plain_grouped_v2.json").code, Some(0));
    let listed = list(&vault).to_string();
    assert!(listed.contains("group1") && listed.contains("group2"), "{listed}");
}

#[test]
fn an_encrypted_backup_takes_its_password_from_stdin() {
    let dir = tempfile::tempdir().unwrap();
    let vault = init(dir.path());
    let file = fixture("import/2fas_authenticator_encrypted_v4.2fas");
    let out = ok(cli(&vault).arg("import").arg(&file).arg("--password-stdin").write_stdin("test\n"));
    assert_eq!(out.stdout.trim(), "5 imported, 0 duplicates skipped");

    let wrong = run(cli(&vault).arg("import").arg(&file).arg("--password-stdin").write_stdin("nope\n"));
    assert_eq!(wrong.code, Some(4), "{}", wrong.stderr);
    assert!(wrong.stderr.contains("wrong password"), "{}", wrong.stderr);
}

#[test]
fn a_headerless_backup_is_named_by_format_or_file_name() {
    let dir = tempfile::tempdir().unwrap();
    let vault = init(dir.path());
    let file = fixture("import/andotp_encrypted.bin");
    let out =
        ok(cli(&vault).arg("import").arg(&file).args(["--format", "andotp", "--password-stdin"]).write_stdin("test\n"));
    assert_eq!(out.stdout.trim(), "7 imported, 0 duplicates skipped");
}

#[test]
fn a_failed_import_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let vault = init(dir.path());
    // Six good lines and a bad one: nothing may be imported.
    let mut text = String::from_utf8(expected::bytes("plain.txt")).unwrap();
    text.push_str("\notpauth://totp/Broken?secret=not-base32!\n");
    let file = dir.path().join("accounts.txt");
    std::fs::write(&file, text).unwrap();
    let out = run(cli(&vault).arg("import").arg(&file));
    assert_eq!(out.code, Some(3), "{}", out.stderr);
    assert!(out.stderr.contains("line 9"), "{}", out.stderr);
    assert_eq!(count(&vault), 0);
}

#[test]
fn an_unknown_format_lists_the_supported_ones() {
    let dir = tempfile::tempdir().unwrap();
    let vault = init(dir.path());
    let file = dir.path().join("notes.txt");
    std::fs::write(&file, "groceries: milk, eggs").unwrap();
    let out = run(cli(&vault).arg("import").arg(&file));
    assert_eq!(out.code, Some(3));
    assert!(out.stderr.contains("unsupported format"), "{}", out.stderr);
    assert!(out.stderr.contains("Aegis") && out.stderr.contains("2FAS"), "{}", out.stderr);
    let formats = ok(&mut otpvault_formats(&vault)).stdout;
    assert!(formats.lines().any(|l| l.starts_with("andotp ")), "{formats}");
}

fn otpvault_formats(vault: &Path) -> assert_cmd::Command {
    let mut command = cli(vault);
    command.args(["import", "--formats"]);
    command
}

/// Every account of the vault with its secret, as the otpauth export writes them.
fn uris(vault: &Path) -> String {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("uris.txt");
    ok(cli(vault).args(["export", "--format", "otpauth", "--out"]).arg(&file));
    std::fs::read_to_string(file).unwrap()
}

#[test]
fn every_export_reads_back_into_a_new_vault() {
    let dir = tempfile::tempdir().unwrap();
    let vault = init(dir.path());
    assert_eq!(import(&vault, "aegis_plain_grouped_v2.json").code, Some(0));
    let original = list(&vault);
    let original_uris = uris(&vault);
    assert_eq!(original_uris.lines().count(), 7);

    for (format, password) in
        [("aegis", None), ("aegis-encrypted", Some("export pw")), ("otpauth", None), ("otpvault", Some("export pw"))]
    {
        let out_file = dir.path().join(format!("export-{format}"));
        let mut export = cli(&vault);
        export.args(["export", "--format", format, "--out"]).arg(&out_file);
        if let Some(password) = password {
            export.arg("--password-stdin").write_stdin(format!("{password}\n"));
        }
        let out = ok(&mut export);
        assert!(out.stdout.contains("7 accounts exported"), "{format}: {}", out.stdout);
        if password.is_none() {
            assert!(out.stderr.contains("unencrypted"), "{format}: no warning in {}", out.stderr);
        }

        let copy_dir = tempfile::tempdir().unwrap();
        let copy = init(copy_dir.path());
        let mut import = cli(&copy);
        import.arg("import").arg(&out_file);
        if let Some(password) = password {
            import.arg("--password-stdin").write_stdin(format!("{password}\n"));
        }
        assert_eq!(ok(&mut import).stdout.trim(), "7 imported, 0 duplicates skipped", "{format}");
        let strip = |list: &serde_json::Value| -> Vec<serde_json::Value> {
            let mut entries = list.as_array().unwrap().clone();
            for entry in &mut entries {
                let entry = entry.as_object_mut().unwrap();
                // Fresh entries get fresh ids and times; otpauth lists carry no group.
                for volatile in ["id", "created", "last_used"] {
                    entry.remove(volatile);
                }
                if format == "otpauth" {
                    entry.remove("group");
                }
            }
            entries
        };
        assert_eq!(strip(&list(&copy)), strip(&original), "{format}");
        assert_eq!(uris(&copy), original_uris, "{format}: secrets");
    }
}

#[test]
fn an_export_never_replaces_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let vault = init(dir.path());
    let existing = dir.path().join("keep.txt");
    std::fs::write(&existing, "mine").unwrap();
    let out = run(cli(&vault).args(["export", "--format", "otpauth", "--out"]).arg(&existing));
    assert_ne!(out.code, Some(0));
    assert!(out.stderr.contains("already exists"), "{}", out.stderr);
    assert_eq!(std::fs::read_to_string(&existing).unwrap(), "mine");
}
