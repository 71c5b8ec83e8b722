//! Importers of app databases, preference XML files and binary backups, checked against the
//! real files of `tests/fixtures/import/` as its MANIFEST.md describes: every imported account
//! is matched by its seed bytes to one of the seven accounts of `plain.txt`, the file's fixups are
//! applied, and then every field and a code at a fixed time or counter must agree.

use std::collections::HashSet;

use otpvault::import::{self, ImportError, REGISTRY};
use otpvault::{Account, Algorithm, Digits, Kind, Params, Period, Secret};
use rand::{Rng, SeedableRng, rngs::StdRng};
use secrecy::SecretString;

use crate::common::fixture;

/// The instant codes are compared at (2023-11-14T22:13:20Z).
const AT: u64 = 1_700_000_000;

fn bytes(file: &str) -> Vec<u8> {
    std::fs::read(fixture(&format!("import/{file}"))).unwrap_or_else(|e| panic!("fixture {file}: {e}"))
}

/// The seven canonical accounts.
fn canonical() -> Vec<Account> {
    let text = String::from_utf8(bytes("plain.txt")).expect("plain.txt is text");
    text.lines().filter(|l| !l.trim().is_empty()).map(|l| l.parse().expect("plain.txt holds valid URIs")).collect()
}

/// The password `expected.json` gives for `file`.
fn password(file: &str) -> Option<SecretString> {
    let expected: serde_json::Value = serde_json::from_slice(&bytes("expected.json")).expect("expected.json is JSON");
    expected[file]["password"].as_str().map(|p| SecretString::from(p.to_owned()))
}

/// Imports `file` the way the CLI does (format detected from the content), checking that the
/// detected importer is `id`.
fn import_detected(file: &str, id: &str) -> Vec<Account> {
    let data = bytes(file);
    let detected = import::detect(&data).unwrap_or_else(|e| panic!("{file}: not detected: {e}"));
    assert_eq!(detected.id(), id, "{file} detected as the wrong format");
    import::import(&data, None, password(file).as_ref()).unwrap_or_else(|e| panic!("{file}: {e}"))
}

fn digits(n: u8) -> Digits {
    Digits::try_from(n).unwrap()
}

fn period(seconds: u32) -> Period {
    Period::try_from(seconds).unwrap()
}

/// Checks every account imported from `file` against plain.txt after `fixup`, and that the file
/// gave exactly `count` accounts, each a different one.
fn check(file: &str, id: &str, count: usize, fixup: impl Fn(&mut Account)) {
    let canonical = canonical();
    let imported = import_detected(file, id);
    assert_eq!(imported.len(), count, "{file}: number of accounts");
    let mut seen = HashSet::new();
    for account in &imported {
        let mut expected = canonical
            .iter()
            .find(|c| c.secret.as_bytes() == account.secret.as_bytes())
            .unwrap_or_else(|| panic!("{file}: {} has a seed that is in no plain.txt account", account.display_name()))
            .clone();
        assert!(seen.insert(expected.secret.to_base32().to_string()), "{file}: {} imported twice", expected.name);
        fixup(&mut expected);
        assert_same(file, &expected, account);
    }
}

fn assert_same(file: &str, expected: &Account, actual: &Account) {
    let what = format!("{file}: {}", expected.display_name());
    assert_eq!(actual.issuer, expected.issuer, "{what}: issuer");
    assert_eq!(actual.name, expected.name, "{what}: name");
    assert_eq!(actual.params.kind, expected.params.kind, "{what}: type");
    assert_eq!(actual.params.algorithm, expected.params.algorithm, "{what}: algorithm");
    assert_eq!(actual.params.digits, expected.params.digits, "{what}: digits");
    if expected.params.kind == Kind::Hotp {
        assert_eq!(actual.params.counter, expected.params.counter, "{what}: counter");
    } else {
        assert_eq!(actual.params.period, expected.params.period, "{what}: period");
    }
    assert_eq!(actual.secret.as_bytes(), expected.secret.as_bytes(), "{what}: secret");
    assert_eq!(actual.code_at(AT).as_str(), expected.code_at(AT).as_str(), "{what}: code");
}

fn no_fixup(_: &mut Account) {}

/// FreeOTP stores the HOTP counter one below the vector's.
fn freeotp_counter(account: &mut Account) {
    if account.params.kind == Kind::Hotp {
        account.params.counter -= 1;
    }
}

#[test]
fn stratum_internal_db() {
    check("stratum_internal.db", "stratum-db", 7, no_fixup);
}

#[test]
fn google_authenticator_db() {
    check("google_authenticator.sqlite", "google-authenticator-db", 6, |a| {
        a.params.algorithm = Algorithm::Sha1;
        a.params.digits = digits(6);
        a.params.period = period(30);
    });
}

#[test]
fn microsoft_authenticator_db() {
    check("microsoft_authenticator.sqlite", "microsoft-authenticator-db", 7, |a| a.params = Params::totp());
}

#[test]
fn freeotp_plus_internal_xml() {
    check("freeotp_plus_internal.xml", "freeotp-xml", 6, freeotp_counter);
}

#[test]
fn freeotp_v1_xml() {
    check("freeotp.xml", "freeotp-xml", 4, freeotp_counter);
}

#[test]
fn freeotp_v2_api23() {
    check("freeotp_v2_api23.xml", "freeotp-v2", 6, no_fixup);
}

#[test]
fn freeotp_v2_api25() {
    check("freeotp_v2_api25.xml", "freeotp-v2", 6, no_fixup);
}

#[test]
fn freeotp_v2_api27() {
    check("freeotp_v2_api27.xml", "freeotp-v2", 6, no_fixup);
}

#[test]
fn freeotp_v2_api34() {
    check("freeotp_v2_api34.xml", "freeotp-v2", 6, no_fixup);
}

#[test]
fn freeotp_v2_without_algorithm_uses_defaults() {
    check("freeotp_v2_null_algo.xml", "freeotp-v2", 1, no_fixup);
}

/// Authy codes are always SHA1, and Authy stores no period: its authenticator tokens use 30 s
/// (MANIFEST: "algorithm is always SHA1; period as the vector" — the period cannot come from
/// the file, so it is the one Authy uses).
fn authy_fixup(account: &mut Account) {
    account.params.algorithm = Algorithm::Sha1;
    account.params.period = period(30);
}

#[test]
fn authy_plain_xml() {
    check("authy_plain.xml", "authy", 3, authy_fixup);
}

#[test]
fn authy_encrypted_xml() {
    check("authy_encrypted.xml", "authy", 3, authy_fixup);
}

fn totp_authenticator_fixup(account: &mut Account) {
    account.params = Params::totp();
    account.name = account.name.to_lowercase();
}

#[test]
fn totp_authenticator_encrypted_backup() {
    check("totp_authenticator.bin", "totp-authenticator", 3, totp_authenticator_fixup);
}

#[test]
fn totp_authenticator_internal_xml() {
    check("totp_authenticator_internal.xml", "totp-authenticator", 3, totp_authenticator_fixup);
}

#[test]
fn authenticator_plus_zip() {
    check("authenticator_plus.zip", "authenticator-plus", 7, no_fixup);
}

/// The Battle.net file holds an authenticator of its own rather than one of the seven; its seed
/// and code were worked out separately (XOR with the app's mask, then RFC 6238 with Python's hmac).
#[test]
fn battle_net_xml() {
    let imported = import_detected("battle_net_authenticator.xml", "battle-net");
    let seed = data_encoding::HEXLOWER.decode(b"0b0d1bbcc5046102f0cc9eba904d7aae16038c28").unwrap();
    let params = Params { digits: digits(8), ..Params::totp() };
    let expected =
        Account::new(Some("Battle.net".into()), "US-2211-2050-3346".into(), Secret::from_bytes(seed).unwrap(), params);
    assert_eq!(imported.len(), 1);
    assert_same("battle_net_authenticator.xml", &expected, &imported[0]);
    assert_eq!(imported[0].code_at(AT).as_str(), "12715797");
}

const ENCRYPTED: &[&str] = &[
    "authy_encrypted.xml",
    "totp_authenticator.bin",
    "authenticator_plus.zip",
    "freeotp_v2_api23.xml",
    "freeotp_v2_api25.xml",
    "freeotp_v2_api27.xml",
    "freeotp_v2_api34.xml",
    "freeotp_v2_null_algo.xml",
];

#[test]
fn wrong_password_is_reported_as_such() {
    for file in ENCRYPTED {
        let data = bytes(file);
        for wrong in ["wrong password", "Test"] {
            let wrong = SecretString::from(wrong.to_owned());
            match import::import(&data, None, Some(&wrong)) {
                Err(error @ ImportError::WrongPassword(_)) => {
                    assert!(error.to_string().contains("wrong password"), "{file}: {error}")
                }
                other => panic!("{file}: expected a wrong-password error, got {other:?}"),
            }
        }
    }
}

#[test]
fn missing_password_is_asked_for() {
    for file in ENCRYPTED {
        let data = bytes(file);
        assert!(import::detect(&data).unwrap().needs_password(&data), "{file}");
        match import::import(&data, None, None) {
            Err(ImportError::PasswordRequired(_)) => {}
            other => panic!("{file}: expected a password request, got {other:?}"),
        }
    }
}

#[test]
fn plain_files_need_no_password() {
    for file in [
        "stratum_internal.db",
        "google_authenticator.sqlite",
        "microsoft_authenticator.sqlite",
        "freeotp.xml",
        "freeotp_plus_internal.xml",
        "authy_plain.xml",
        "totp_authenticator_internal.xml",
        "battle_net_authenticator.xml",
    ] {
        let data = bytes(file);
        assert!(!import::detect(&data).unwrap().needs_password(&data), "{file}");
    }
}

const OURS: &[&str] = &[
    "stratum_internal.db",
    "google_authenticator.sqlite",
    "microsoft_authenticator.sqlite",
    "freeotp.xml",
    "freeotp_plus_internal.xml",
    "freeotp_v2_api23.xml",
    "freeotp_v2_api25.xml",
    "freeotp_v2_api27.xml",
    "freeotp_v2_api34.xml",
    "freeotp_v2_null_algo.xml",
    "authy_plain.xml",
    "authy_encrypted.xml",
    "totp_authenticator.bin",
    "totp_authenticator_internal.xml",
    "authenticator_plus.zip",
    "battle_net_authenticator.xml",
];

/// The JSON and text formats are read by other importers: none of these may claim them.
#[test]
fn detectors_leave_other_formats_alone() {
    let ours: HashSet<&str> = OURS.iter().map(|file| import::detect(&bytes(file)).unwrap().id()).collect();
    let others = std::fs::read_dir(fixture("import")).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap());
    for file in others.filter(|f| !OURS.contains(&f.as_str())) {
        let data = bytes(&file);
        for importer in REGISTRY.iter().filter(|i| ours.contains(i.id())) {
            assert!(!importer.detect(&data), "{file} claimed by {}", importer.id());
        }
    }
}

/// Every way of reading `data` with every one of our importers: an answer or an error, no panic.
/// A file that still imports must give all its accounts, never some of them.
fn read_all_ways(data: &[u8], password: Option<&SecretString>, complete: Option<usize>) {
    for importer in REGISTRY {
        let _ = importer.detect(data);
        let _ = importer.needs_password(data);
        let result = importer.import(data, password);
        if let (Some(count), Ok(accounts)) = (complete, &result) {
            assert!(accounts.is_empty() || accounts.len() == count, "{}: partial import", importer.id());
        }
    }
}

#[test]
fn truncated_files_fail_cleanly() {
    for file in OURS {
        let data = bytes(file);
        let password = password(file);
        let whole = import::import(&data, None, password.as_ref()).unwrap().len();
        let cuts = (0..data.len()).step_by((data.len() / 61).max(1)).chain([1, 15, 16, 17, 99, 100, 101]);
        for cut in cuts.filter(|&c| c < data.len()) {
            let data = &data[..cut];
            read_all_ways(data, password.as_ref(), Some(whole));
            // The detected format, if any, reads it whole or not at all.
            if let Ok(accounts) = import::import(data, None, password.as_ref()) {
                assert_eq!(accounts.len(), whole, "{file} cut at {cut}: partial import");
            }
        }
    }
}

#[test]
fn garbage_and_damaged_files_fail_cleanly() {
    let mut rng = StdRng::seed_from_u64(6);
    for file in OURS {
        let original = bytes(file);
        let password = password(file);
        for _ in 0..20 {
            let mut data = original.clone();
            for _ in 0..rng.random_range(1..8) {
                let at = rng.random_range(0..data.len());
                data[at] = rng.random();
            }
            read_all_ways(&data, password.as_ref(), None);
        }
    }
    for length in [0, 1, 4, 16, 100, 1000, 5000] {
        let mut data = vec![0u8; length];
        rng.fill(&mut data[..]);
        read_all_ways(&data, None, None);
        assert!(import::detect(&data).is_err(), "{length} random bytes taken for a backup");
        // The magic numbers alone, followed by noise.
        for magic in
            [&b"SQLite format 3\0"[..], b"PK\x03\x04", &[0xAC, 0xED, 0x00, 0x05], b"<?xml version='1.0'?><map>"]
        {
            let mut data = magic.to_vec();
            data.extend((0..length).map(|_| rng.random::<u8>()));
            read_all_ways(&data, Some(&SecretString::from("test".to_owned())), None);
        }
    }
}

/// A Java stream nesting `depth` class descriptions, each the superclass of the one before.
fn nested_class_descriptions(depth: usize) -> Vec<u8> {
    let mut data = vec![0xAC, 0xED, 0x00, 0x05, 0x73];
    for _ in 0..depth {
        // TC_CLASSDESC, name "A", serialVersionUID, SC_SERIALIZABLE, no fields, TC_ENDBLOCKDATA.
        data.extend([0x72, 0x00, 0x01, b'A', 0, 0, 0, 0, 0, 0, 0, 0, 0x02, 0x00, 0x00, 0x78]);
    }
    data.push(0x70);
    data
}

/// A Java stream of `depth` objects, each the value of the one object field of the one before:
/// the most nesting a byte of stream can buy (six bytes a level).
fn nested_objects(depth: usize) -> Vec<u8> {
    // TC_OBJECT, TC_CLASSDESC "A" with one field `LA; f`, no superclass.
    let mut data = vec![0xAC, 0xED, 0x00, 0x05, 0x73, 0x72, 0x00, 0x01, b'A', 0, 0, 0, 0, 0, 0, 0, 0, 0x02, 0x00, 0x01];
    data.extend([b'L', 0x00, 0x01, b'f', 0x74, 0x00, 0x03, b'L', b'A', b';', 0x78, 0x70]);
    for _ in 0..depth {
        // TC_OBJECT of the class above (TC_REFERENCE to the first handle).
        data.extend([0x73, 0x71, 0x00, 0x7E, 0x00, 0x00]);
    }
    data.push(0x70);
    data
}

/// Streams that nest as deeply as a FreeOTP 2 file's size allows give an error, not a stack
/// overflow.
#[test]
fn deeply_nested_java_streams_fail_cleanly() {
    let importer = import::by_id("freeotp-v2").unwrap();
    let password = SecretString::from("test".to_owned());
    let limit = otpvault::import::freeotp_v2::MAX_BYTES;
    let streams = [
        nested_class_descriptions(1_000),
        nested_class_descriptions((limit - 6) / 16),
        nested_objects(1_000),
        nested_objects((limit - 40) / 6),
        nested_objects(limit),
    ];
    for data in streams {
        assert!(!importer.detect(&data), "{} bytes", data.len());
        assert!(importer.import(&data, Some(&password)).is_err(), "{} bytes", data.len());
    }
}

/// Inputs that once aborted or crashed an importer (found by `tests/fuzz/fuzz_targets/import.rs`): each
/// must now be refused with an error by detection and by every importer.
#[test]
fn former_crash_inputs_are_refused() {
    let folder = crate::common::fixture("import_crashes");
    let password = SecretString::from("test".to_owned());
    let mut seen = 0;
    for entry in std::fs::read_dir(&folder).unwrap() {
        let path = entry.unwrap().path();
        let data = std::fs::read(&path).unwrap();
        for importer in REGISTRY {
            assert!(importer.import(&data, Some(&password)).is_err(), "{} read {}", importer.id(), path.display());
        }
        assert!(import::import(&data, None, Some(&password)).is_err(), "{}", path.display());
        seen += 1;
    }
    assert!(seen > 0, "no inputs in {}", folder.display());
}

fn zip_of(files: &[(&str, &[u8])]) -> Vec<u8> {
    use std::io::Write;
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for (name, data) in files {
        zip.start_file(*name, options).unwrap();
        zip.write_all(data).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

#[test]
fn authenticator_plus_database_is_refused_clearly() {
    let data = zip_of(&[("authplus.db", &[0x5a; 4096])]);
    assert_eq!(import::detect(&data).unwrap().id(), "authenticator-plus");
    match import::import(&data, None, Some(&SecretString::from("test".to_owned()))) {
        Err(error @ ImportError::Unsupported { .. }) => assert!(error.to_string().contains("SQLCipher"), "{error}"),
        other => panic!("expected an unsupported-format error, got {other:?}"),
    }
}

#[test]
fn plain_authenticator_plus_zip_and_other_zips() {
    let uris = bytes("plain.txt");
    let data = zip_of(&[("backup/Accounts.txt", &uris)]);
    assert!(!import::detect(&data).unwrap().needs_password(&data));
    assert_eq!(import::import(&data, None, None).unwrap(), canonical());
    let other = zip_of(&[("notes.txt", b"hello")]);
    assert!(matches!(import::detect(&other), Err(ImportError::UnsupportedFormat)));
}
