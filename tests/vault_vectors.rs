//! Test vectors: vault files under tests/fixtures/vault/, described by vectors.json. Files of
//! every format version stay readable; every `fail_*` file must be refused with its error.
//!
//! The files were written once by `write_vault_vectors` (ignored: it replaces them).

use std::collections::BTreeSet;
use std::fs;

use otpvault::vault::format::{self, KeyringSlot, PasswordSlot};
use otpvault::vault::{KdfParams, KeyStore, MemoryKeyring, Vault, VaultError};
use serde::{Deserialize, Serialize};

use crate::common::fixture;
use crate::vault::{password, sample_accounts};

const VECTOR_PASSWORD: &str = "vector password ünïcode";

#[derive(Serialize, Deserialize)]
struct Vector {
    file: String,
    password: String,
    /// `ok`, or the error: `wrong_password`, `damaged`, `truncated`, `unsupported_version`.
    expect: String,
    /// For `ok`: every entry, in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    entries: Vec<ExpectedEntry>,
    /// Hex of the key a keyring slot expects in the keyring, when the file has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    keyring_key: Option<String>,
    note: String,
}

#[derive(Serialize, Deserialize, PartialEq, Debug)]
struct ExpectedEntry {
    id: String,
    uri: String,
    group: Option<String>,
    tags: Vec<String>,
    note: Option<String>,
    created: u64,
    last_used: Option<u64>,
}

fn vectors() -> Vec<Vector> {
    serde_json::from_str(&fs::read_to_string(fixture("vault/vectors.json")).unwrap()).unwrap()
}

fn expected(vault: &Vault) -> Vec<ExpectedEntry> {
    vault
        .entries()
        .iter()
        .map(|e| ExpectedEntry {
            id: e.id().to_string(),
            uri: e.account.to_string(),
            group: e.group.clone(),
            tags: e.tags.clone(),
            note: e.note.clone(),
            created: e.created(),
            last_used: e.last_used,
        })
        .collect()
}

/// Opens a copy of the vector, so the fixture is never written (nor its `.bak` or `.lock`).
fn open_copy(vector: &Vector, dir: &std::path::Path) -> (std::path::PathBuf, Result<Vault, VaultError>) {
    let path = dir.join(&vector.file);
    fs::copy(fixture(&format!("vault/{}", vector.file)), &path).unwrap();
    let result = Vault::open(&path, &password(&vector.password));
    (path, result)
}

#[test]
fn every_vector_file_is_described_and_every_description_has_its_file() {
    let described: BTreeSet<String> = vectors().into_iter().map(|v| v.file).collect();
    let present: BTreeSet<String> = fs::read_dir(fixture("vault"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name != "vectors.json")
        .collect();
    assert_eq!(described, present);
    assert!(described.iter().filter(|f| f.starts_with("fail_")).count() >= 8);
}

#[test]
fn ok_vectors_open_with_every_field() {
    let dir = tempfile::tempdir().unwrap();
    for vector in vectors().iter().filter(|v| v.expect == "ok") {
        assert!(vector.file.starts_with("ok_"), "{}", vector.file);
        let (path, result) = open_copy(vector, dir.path());
        let vault = result.unwrap_or_else(|e| panic!("{}: {e}", vector.file));
        assert_eq!(expected(&vault), vector.entries, "{}", vector.file);
        drop(vault);
        if let Some(key) = &vector.keyring_key {
            let store = MemoryKeyring::new();
            let bytes = fs::read(&path).unwrap();
            let id = &bytes[11 + 89 + 1..11 + 89 + 1 + format::SLOT_ID_LEN];
            store
                .set(
                    &format!("vault-{}", data_encoding::HEXLOWER.encode(id)),
                    &data_encoding::HEXLOWER.decode(key.as_bytes()).unwrap(),
                )
                .unwrap();
            let vault = Vault::open_with_keyring(&path, &store).unwrap_or_else(|e| panic!("{}: {e}", vector.file));
            assert_eq!(expected(&vault), vector.entries, "{} by keyring", vector.file);
        }
    }
}

#[test]
fn every_fail_vector_fails_with_its_error() {
    let dir = tempfile::tempdir().unwrap();
    for vector in vectors().iter().filter(|v| v.file.starts_with("fail_")) {
        let (path, result) = open_copy(vector, dir.path());
        let kind = match result {
            Ok(_) => panic!("{} opened: {}", vector.file, vector.note),
            Err(VaultError::WrongPassword { .. }) => "wrong_password",
            Err(VaultError::Damaged { .. }) => "damaged",
            Err(VaultError::Truncated { .. }) => "truncated",
            Err(VaultError::UnsupportedVersion { .. }) => "unsupported_version",
            Err(other) => panic!("{}: unexpected {other:?}", vector.file),
        };
        assert_eq!(kind, vector.expect, "{}: {}", vector.file, vector.note);
        assert_eq!(fs::read(&path).unwrap(), fs::read(fixture(&format!("vault/{}", vector.file))).unwrap());
    }
}

fn with_checksum(mut bytes: Vec<u8>) -> Vec<u8> {
    let body = bytes.len() - format::CHECKSUM_LEN;
    let sum = crc32fast::hash(&bytes[..body]).to_be_bytes();
    bytes[body..].copy_from_slice(&sum);
    bytes
}

/// Writes the vector files and vectors.json. Run only when adding a format version:
/// `cargo test --test main vault_vectors::write_vault_vectors -- --ignored`.
#[test]
#[ignore = "replaces the committed test vectors"]
fn write_vault_vectors() {
    let out = fixture("vault");
    fs::create_dir_all(&out).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let pw = password(VECTOR_PASSWORD);
    let mut vectors = Vec::new();
    let mut vector = |file: &str, bytes: &[u8], password: &str, expect: &str, note: &str| {
        fs::write(out.join(file), bytes).unwrap();
        vectors.push(Vector {
            file: file.into(),
            password: password.into(),
            expect: expect.into(),
            entries: Vec::new(),
            keyring_key: None,
            note: note.into(),
        });
    };

    let path = dir.path().join("basic");
    let mut vault = Vault::create(&path, &pw, KdfParams::INSECURE_TEST).unwrap();
    for (i, account) in sample_accounts().into_iter().enumerate() {
        let id = vault.add(account, 1_700_000_000 + i as u64).unwrap();
        vault
            .update(id, |e| {
                e.group = (i != 1).then(|| format!("group {i}"));
                e.tags = (0..i).map(|t| format!("tag {t}")).collect();
                e.note = (i % 2 == 0).then(|| format!("note \"{i}\" ✓\nsecond line"));
                e.last_used = (i > 2).then_some(1_700_100_000);
            })
            .unwrap();
    }
    vault.save().unwrap();
    let basic_entries = expected(&vault);
    drop(vault);
    let basic = fs::read(&path).unwrap();
    vector("ok_v1_basic.otpvault", &basic, VECTOR_PASSWORD, "ok", "every account type, with groups, tags and notes");

    let store = MemoryKeyring::new();
    let mut vault = Vault::open(&path, &pw).unwrap();
    vault.enable_keyring(&store).unwrap();
    drop(vault);
    let keyring = fs::read(&path).unwrap();
    let id = &keyring[11 + 89 + 1..11 + 89 + 1 + format::SLOT_ID_LEN];
    let key = store.get(&format!("vault-{}", data_encoding::HEXLOWER.encode(id))).unwrap();
    vector("ok_v1_keyring_slot.otpvault", &keyring, VECTOR_PASSWORD, "ok", "a password slot and a keyring slot");

    let empty_path = dir.path().join("empty");
    drop(Vault::create(&empty_path, &pw, KdfParams::INSECURE_TEST).unwrap());
    vector("ok_v1_empty.otpvault", &fs::read(&empty_path).unwrap(), VECTOR_PASSWORD, "ok", "no account yet");

    vector(
        "fail_wrong_password.otpvault",
        &basic,
        "vector password unicode",
        "wrong_password",
        "ok_v1_basic with the wrong password",
    );
    vector("fail_empty_file.otpvault", b"", VECTOR_PASSWORD, "truncated", "zero bytes");
    vector(
        "fail_truncated_header.otpvault",
        &basic[..60],
        VECTOR_PASSWORD,
        "truncated",
        "cut inside the password slot",
    );
    vector(
        "fail_truncated_ciphertext.otpvault",
        &basic[..basic.len() - 40],
        VECTOR_PASSWORD,
        "truncated",
        "cut inside the ciphertext",
    );
    let mut flipped = basic.clone();
    let middle = flipped.len() - 60;
    flipped[middle] ^= 0x04;
    vector(
        "fail_bad_checksum.otpvault",
        &flipped,
        VECTOR_PASSWORD,
        "damaged",
        "one ciphertext bit flipped, checksum left",
    );
    vector(
        "fail_tampered_ciphertext.otpvault",
        &with_checksum(flipped),
        VECTOR_PASSWORD,
        "damaged",
        "one ciphertext bit flipped, checksum recomputed: AES-GCM notices",
    );
    let mut header = keyring.clone();
    header[11 + 89 + 5] ^= 0x01;
    vector(
        "fail_tampered_header.otpvault",
        &with_checksum(header),
        VECTOR_PASSWORD,
        "damaged",
        "keyring slot id changed, checksum recomputed: the header is authenticated",
    );
    let mut tag = basic.clone();
    let tag_at = tag.len() - format::CHECKSUM_LEN - 1;
    tag[tag_at] ^= 0x80;
    vector(
        "fail_tampered_tag.otpvault",
        &with_checksum(tag),
        VECTOR_PASSWORD,
        "damaged",
        "last tag byte changed, checksum recomputed",
    );
    let mut kdf = basic.clone();
    kdf[16..20].copy_from_slice(&2u32.to_be_bytes());
    vector(
        "fail_kdf_changed.otpvault",
        &with_checksum(kdf),
        VECTOR_PASSWORD,
        "wrong_password",
        "Argon2 passes 1 -> 2: another key, so the password slot does not open",
    );
    let mut memory = basic.clone();
    memory[12..16].copy_from_slice(&u32::MAX.to_be_bytes());
    vector(
        "fail_kdf_memory_4tib.otpvault",
        &with_checksum(memory),
        VECTOR_PASSWORD,
        "damaged",
        "Argon2 memory 4 TiB: refused before any work",
    );
    let mut passes = basic.clone();
    passes[16..20].copy_from_slice(&1_000_000u32.to_be_bytes());
    vector(
        "fail_kdf_passes_million.otpvault",
        &with_checksum(passes),
        VECTOR_PASSWORD,
        "damaged",
        "a million Argon2 passes: refused before any work",
    );
    let mut version = basic.clone();
    version[8..10].copy_from_slice(&2u16.to_be_bytes());
    vector(
        "fail_unknown_version.otpvault",
        &with_checksum(version),
        VECTOR_PASSWORD,
        "unsupported_version",
        "format version 2",
    );
    vector("fail_not_a_vault.otpvault", b"{\"entries\": []}\n", VECTOR_PASSWORD, "damaged", "JSON, not a vault");
    let mut slots = basic.clone();
    slots[10] = 3;
    vector("fail_three_slots.otpvault", &with_checksum(slots), VECTOR_PASSWORD, "damaged", "a slot count of 3");
    let master = format::random_key();
    let slot = PasswordSlot::new(&master, &pw, KdfParams::INSECURE_TEST).unwrap();
    let (foreign, _) = format::seal(&slot, None::<&KeyringSlot>, &master, br#"{"entries":[],"extra":1}"#);
    vector(
        "fail_payload_unknown_field.otpvault",
        &foreign,
        VECTOR_PASSWORD,
        "damaged",
        "authentic payload with a field this version does not know",
    );
    let (bad_secret, _) = format::seal(
        &slot,
        None,
        &master,
        br#"{"entries":[{"id":"00000000000000000000000000000000","issuer":null,"name":"x","secret":"not base32!","params":{"kind":"totp","algorithm":"SHA1","digits":6,"period":30,"counter":0},"group":null,"tags":[],"note":null,"created":0,"last_used":null}]}"#,
    );
    vector(
        "fail_payload_bad_secret.otpvault",
        &bad_secret,
        VECTOR_PASSWORD,
        "damaged",
        "authentic payload whose secret is not base32",
    );

    for v in &mut vectors {
        if v.file == "ok_v1_basic.otpvault" || v.file == "ok_v1_keyring_slot.otpvault" {
            v.entries = basic_entries
                .iter()
                .map(|e| serde_json::from_value(serde_json::to_value(e).unwrap()).unwrap())
                .collect();
        }
        if v.file == "ok_v1_keyring_slot.otpvault" {
            v.keyring_key = Some(data_encoding::HEXLOWER.encode(&key));
        }
    }
    fs::write(out.join("vectors.json"), serde_json::to_string_pretty(&vectors).unwrap() + "\n").unwrap();
}
