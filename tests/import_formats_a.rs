//! Every JSON/text backup fixture imports as MANIFEST.md says; wrong passwords and damaged files
//! give clear errors.

use otpvault::import::{self, ImportError};
use otpvault::otp::Kind;
use secrecy::SecretString;

use crate::common::expected::{self, Fixup};

/// Detects the format from the content alone and imports the fixture.
fn read(file: &str, password: Option<&str>) -> Vec<otpvault::Account> {
    let password = password.map(|p| SecretString::from(p.to_owned()));
    import::import(&expected::bytes(file), None, password.as_ref()).unwrap_or_else(|e| panic!("{file}: {e}"))
}

/// The importer content detection picks for the fixture.
fn detected(file: &str) -> &'static str {
    import::detect(&expected::bytes(file)).map(|i| i.id()).unwrap_or_else(|e| panic!("{file}: {e}"))
}

fn check(file: &str, password: Option<&str>, format: &str, count: usize, fixups: &[Fixup]) {
    assert_eq!(detected(file), format, "{file}: detected format");
    expected::check(file, &read(file, password), count, fixups);
}

#[test]
fn plain_txt() {
    check("plain.txt", None, "otpauth", 7, &[]);
}

#[test]
fn ente_auth_txt() {
    check("ente_auth.txt", None, "ente", 7, &[]);
}

#[test]
fn aegis_plain_json() {
    check("aegis_plain.json", None, "aegis", 7, &[]);
}

#[test]
fn aegis_encrypted_json() {
    check("aegis_encrypted.json", Some("test"), "aegis", 7, &[]);
}

#[test]
fn aegis_plain_grouped_v2_json() {
    let file = "aegis_plain_grouped_v2.json";
    check(file, None, "aegis", 7, &[]);
    let bytes = expected::bytes(file);
    let grouped = import::import_grouped(import::detect(&bytes).unwrap(), &bytes, None).unwrap();
    let groups: Vec<(&str, Option<&str>)> =
        grouped.iter().map(|g| (g.account.issuer.as_deref().unwrap(), g.group.as_deref())).collect();
    assert_eq!(
        groups,
        [
            ("Deno", Some("group1")),
            ("SPDX", None),
            ("Airbnb", Some("group1")),
            ("Issuu", Some("group2")),
            ("Air Canada", None),
            ("WWE", None),
            ("Boeing", None),
        ]
    );
}

#[test]
fn twofas_schema_1_json() {
    check("2fas_authenticator.json", None, "2fas", 6, &[Fixup::AllTotpDefaults]);
}

#[test]
fn twofas_schema_2_plain() {
    check("2fas_authenticator_plain.2fas", None, "2fas", 4, &[Fixup::HotpAsTotp]);
}

#[test]
fn twofas_schema_2_encrypted() {
    check("2fas_authenticator_encrypted.2fas", Some("test"), "2fas", 4, &[Fixup::HotpAsTotp]);
}

#[test]
fn twofas_schema_3_plain() {
    check("2fas_authenticator_plain_v3.2fas", None, "2fas", 6, &[]);
}

#[test]
fn twofas_schema_3_encrypted() {
    check("2fas_authenticator_encrypted_v3.2fas", Some("test"), "2fas", 6, &[]);
}

#[test]
fn twofas_schema_4_plain() {
    check("2fas_authenticator_plain_v4.2fas", None, "2fas", 5, &[]);
}

#[test]
fn twofas_schema_4_encrypted() {
    check("2fas_authenticator_encrypted_v4.2fas", Some("test"), "2fas", 5, &[]);
}

#[test]
fn andotp_plain_json() {
    check("andotp_plain.json", None, "andotp", 7, &[]);
}

/// andOTP's encrypted backups have no header: the format is named, as a user does with --format
/// or as the CLI infers from the file name.
fn read_andotp(file: &str) -> Vec<otpvault::Account> {
    let bytes = expected::bytes(file);
    assert!(import::detect(&bytes).is_err(), "{file}: headerless, so content alone must not claim it");
    assert_eq!(import::detect_named(&bytes, file).unwrap().id(), "andotp");
    let password = SecretString::from("test".to_owned());
    import::import(&bytes, Some("andotp"), Some(&password)).unwrap_or_else(|e| panic!("{file}: {e}"))
}

#[test]
fn andotp_encrypted_bin() {
    expected::check("andotp_encrypted.bin", &read_andotp("andotp_encrypted.bin"), 7, &[]);
}

#[test]
fn andotp_encrypted_old_bin() {
    let accounts = read_andotp("andotp_encrypted_old.bin");
    expected::check("andotp_encrypted_old.bin", &accounts, 6, &[Fixup::NameWithIssuer]);
}

#[test]
fn bitwarden_json() {
    check("bitwarden.json", None, "bitwarden", 4, &[Fixup::SteamSecretOnly]);
}

#[test]
fn bitwarden_csv() {
    check("bitwarden.csv", None, "bitwarden", 4, &[Fixup::SteamSecretOnly]);
}

#[test]
fn proton_authenticator_json() {
    check("proton_authenticator.json", None, "proton", 3, &[]);
}

#[test]
fn stratum_plain_json() {
    check("stratum_plain.json", None, "stratum", 7, &[]);
}

#[test]
fn stratum_encrypted_bin() {
    check("stratum_encrypted.bin", Some("test"), "stratum", 7, &[]);
}

#[test]
fn stratum_encrypted_legacy_bin() {
    check("stratum_encrypted_legacy.bin", Some("test"), "stratum", 7, &[]);
}

#[test]
fn freeotp_plus_json() {
    check("freeotp_plus.json", None, "freeotp-plus", 6, &[Fixup::CounterMinusOne]);
}

#[test]
fn steam_json() {
    check("steam.json", None, "steam", 1, &[Fixup::Issuer(Some("Steam"))]);
}

#[test]
fn steam_old_json() {
    check("steam_old.json", None, "steam", 1, &[Fixup::Issuer(Some("Steam"))]);
}

#[test]
fn duo_json() {
    // expected.json's "HOTP counter 1" is how Aegis's own test ignores the stored counter; the
    // file stores 3 (the account was used twice since), and that is what must be imported.
    check("duo.json", None, "duo", 2, &[Fixup::Issuer(None), Fixup::Counter(3)]);
}

#[test]
fn bitwarden_steam_entry_is_a_steam_account() {
    let accounts = read("bitwarden.json", None);
    let steam = accounts.iter().find(|a| a.params.kind == Kind::Steam).expect("a Steam entry");
    assert_eq!(steam.params.digits.get(), 5);
}

/// Every encrypted fixture of these formats, with the importer that reads it.
const ENCRYPTED: &[(&str, &str)] = &[
    ("aegis_encrypted.json", "aegis"),
    ("2fas_authenticator_encrypted.2fas", "2fas"),
    ("2fas_authenticator_encrypted_v3.2fas", "2fas"),
    ("2fas_authenticator_encrypted_v4.2fas", "2fas"),
    ("andotp_encrypted.bin", "andotp"),
    ("andotp_encrypted_old.bin", "andotp"),
    ("stratum_encrypted.bin", "stratum"),
    ("stratum_encrypted_legacy.bin", "stratum"),
];

#[test]
fn a_wrong_password_is_named_as_such() {
    let wrong = SecretString::from("not the password".to_owned());
    for (file, format) in ENCRYPTED {
        let error = import::import(&expected::bytes(file), Some(format), Some(&wrong)).unwrap_err();
        assert!(matches!(error, ImportError::WrongPassword(_)), "{file}: {error:?}");
        assert!(error.to_string().contains("wrong password"), "{file}: {error}");
    }
}

#[test]
fn a_missing_password_is_asked_for() {
    for (file, format) in ENCRYPTED {
        let error = import::import(&expected::bytes(file), Some(format), None).unwrap_err();
        assert!(matches!(error, ImportError::PasswordRequired(_)), "{file}: {error:?}");
    }
}

/// Every fixture of these formats, cut short, gives an error; altered, it never panics.
#[test]
fn damaged_files_give_errors() {
    let files = [
        "plain.txt",
        "ente_auth.txt",
        "aegis_plain.json",
        "aegis_plain_grouped_v2.json",
        "2fas_authenticator.json",
        "2fas_authenticator_plain_v4.2fas",
        "andotp_plain.json",
        "bitwarden.json",
        "proton_authenticator.json",
        "stratum_plain.json",
        "freeotp_plus.json",
        "steam.json",
        "duo.json",
    ];
    let password = SecretString::from("test".to_owned());
    for file in files.iter().chain(ENCRYPTED.iter().map(|(f, _)| f)) {
        let bytes = expected::bytes(file);
        for cut in [1, bytes.len() / 3, bytes.len() / 2, bytes.len() - 2] {
            let truncated = &bytes[..cut];
            let result = import::import(truncated, None, Some(&password));
            // A URI list cut short can still be a valid list (a line ending in `period=3`);
            // no other format may read a truncated file.
            if !file.ends_with(".txt") {
                assert!(result.is_err(), "{file} cut at {cut} imported {:?} accounts", result.map(|a| a.len()));
            }
        }
        let mut flipped = bytes.clone();
        let middle = flipped.len() / 2;
        flipped[middle] ^= 0x55;
        let _ = import::import(&flipped, None, Some(&password));
    }
    for garbage in [&b""[..], b"\0\0\0\0", b"{}", b"[]", b"null", b"AUTHENTICATORPRO", &[0xff; 64]] {
        assert!(import::import(garbage, None, Some(&password)).is_err(), "{garbage:?}");
    }
}

#[test]
fn an_unknown_format_lists_the_supported_ones() {
    let error = import::import(b"hello, I am not a backup", None, None).unwrap_err();
    let message = error.to_string();
    assert!(message.starts_with("unsupported format"), "{message}");
    for name in ["Aegis", "2FAS", "andOTP", "Bitwarden", "Proton", "Stratum", "FreeOTP+", "Steam", "Duo", "Ente"] {
        assert!(message.contains(name), "{name} missing from: {message}");
    }
}
