//! Every export reads back through our own importers with every field equal, and the Aegis
//! export has the shape Aegis's vault-format document prescribes.

use otpvault::export::{self, ExportError};
use otpvault::import::{self, Grouped, ImportError};
use otpvault::otp::{Algorithm, Digits, Params, Period};
use otpvault::{Account, Secret};
use secrecy::SecretString;
use serde_json::Value;

use crate::common::expected;

/// The canonical seven plus the awkward cases: no issuer, odd characters, long and short seeds,
/// 10 digits, a one-day period, a huge counter.
fn accounts() -> Vec<Account> {
    let mut all = expected::canonical();
    let odd = Params { algorithm: Algorithm::Sha512, digits: Digits::try_from(10u8).unwrap(), ..Params::totp() };
    let long = Params { period: Period::try_from(86_400u32).unwrap(), ..Params::totp() };
    all.extend([
        Account::new(None, "no-issuer@example.com".into(), Secret::from_bytes(vec![7; 10]).unwrap(), Params::totp()),
        Account::new(
            Some("Ünïcode & Co: \"quoted\"".into()),
            "a:b c/d?e=f".into(),
            "JBSWY3DPEHPK3PXP".parse().unwrap(),
            odd,
        ),
        Account::new(Some("Long".into()), "seed".into(), Secret::from_bytes((0..=255).collect()).unwrap(), long),
        Account::new(
            Some("Counter".into()),
            "big".into(),
            "GEZDGNBVGY3TQOJQ".parse().unwrap(),
            Params::hotp(u64::from(u32::MAX) * 7),
        ),
    ]);
    all
}

/// The accounts filed under groups, as a vault holds them: two share one, some have none.
fn grouped() -> Vec<Grouped> {
    let groups = [Some("Work"), None, Some("Home"), Some("Work")];
    accounts()
        .into_iter()
        .zip(groups.iter().cycle())
        .map(|(account, group)| Grouped { account, group: group.map(str::to_owned) })
        .collect()
}

/// Reads an export back through the importer content detection picks, groups included.
fn read_back(bytes: &[u8], password: Option<&SecretString>) -> Result<Vec<Grouped>, ImportError> {
    let importer = import::detect(bytes)?;
    assert_eq!(importer.id(), "aegis");
    import::import_grouped(importer, bytes, password)
}

fn assert_same(file: &str, got: &[Account], want: &[Account]) {
    assert_eq!(got.len(), want.len(), "{file}: account count");
    for (got, want) in got.iter().zip(want) {
        assert_eq!(got, want, "{file}: {}", want.display_name());
        assert_eq!(got.code_at(expected::AT), want.code_at(expected::AT), "{file}: {}", want.display_name());
    }
}

#[test]
fn otpauth_list_reads_back() {
    let all = accounts();
    let text = export::otpauth_list(&all);
    assert_eq!(import::detect(text.as_bytes()).unwrap().id(), "otpauth");
    assert_same("otpauth list", &import::import(text.as_bytes(), None, None).unwrap(), &all);
}

#[test]
fn aegis_plain_reads_back() {
    let all = grouped();
    let json = export::aegis_plain(&all);
    assert_eq!(read_back(json.as_bytes(), None).unwrap(), all);
    let accounts: Vec<Account> = all.into_iter().map(|g| g.account).collect();
    assert_same("aegis plain", &import::import(json.as_bytes(), None, None).unwrap(), &accounts);
}

#[test]
fn aegis_encrypted_reads_back_with_its_password_only() {
    let all = grouped();
    let password = SecretString::from("correct horse".to_owned());
    let json = export::aegis_encrypted(&all, &password).unwrap();
    assert!(!json.contains(&*all[0].account.secret.to_base32()), "a seed appears in clear");
    assert_eq!(read_back(json.as_bytes(), Some(&password)).unwrap(), all);
    let wrong = SecretString::from("incorrect horse".to_owned());
    assert!(matches!(import::import(json.as_bytes(), None, Some(&wrong)), Err(ImportError::WrongPassword(_))));
    assert!(matches!(import::import(json.as_bytes(), None, None), Err(ImportError::PasswordRequired(_))));
}

#[test]
fn aegis_encrypted_refuses_an_empty_password() {
    let empty = SecretString::from(String::new());
    assert!(matches!(export::aegis_encrypted(&grouped(), &empty), Err(ExportError::EmptyPassword)));
}

fn hex_len(value: &Value) -> usize {
    let text = value.as_str().expect("a hex string");
    assert!(text.bytes().all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()), "{text}");
    text.len() / 2
}

/// The fields and types of aegis-vault-format.md, which Aegis itself parses.
#[test]
fn aegis_export_follows_the_vault_format() {
    let all = grouped();
    let plain: Value = serde_json::from_str(&export::aegis_plain(&all)).unwrap();
    assert_eq!(plain["version"], 1);
    assert!(plain["header"]["slots"].is_null() && plain["header"]["params"].is_null());
    let db = &plain["db"];
    assert_eq!(db["version"], 3);
    let groups = db["groups"].as_array().unwrap();
    let names: Vec<&str> = groups.iter().map(|g| g["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["Work", "Home"]);
    let entries = db["entries"].as_array().unwrap();
    assert_eq!(entries.len(), all.len());
    for (entry, Grouped { account, group }) in entries.iter().zip(&all) {
        assert_eq!(entry["type"], account.params.kind.as_str());
        assert_eq!(uuid::Uuid::parse_str(entry["uuid"].as_str().unwrap()).unwrap().get_version_num(), 4);
        assert_eq!(entry["name"], account.name.as_str());
        assert_eq!(entry["issuer"], account.issuer.as_deref().unwrap_or_default());
        assert_eq!(entry["note"], "");
        assert_eq!(entry["favorite"], false);
        assert!(entry["icon"].is_null() && entry["icon_mime"].is_null() && entry["icon_hash"].is_null());
        let uuids: Vec<&Value> = entry["groups"].as_array().unwrap().iter().collect();
        match group {
            Some(name) => {
                let uuid = &groups.iter().find(|g| g["name"] == name.as_str()).unwrap()["uuid"];
                assert_eq!(uuids, [uuid]);
            }
            None => assert!(uuids.is_empty()),
        }
        let info = &entry["info"];
        assert_eq!(info["secret"], account.secret.to_base32().as_str());
        assert_eq!(info["algo"], account.params.algorithm.as_str());
        assert_eq!(info["digits"], account.params.digits.get());
        if account.params.kind.is_time_based() {
            assert_eq!(info["period"], account.params.period.seconds());
            assert!(info.get("counter").is_none());
        } else {
            assert_eq!(info["counter"], account.params.counter);
            assert!(info.get("period").is_none());
        }
    }

    let password = SecretString::from("pw".to_owned());
    let sealed: Value = serde_json::from_str(&export::aegis_encrypted(&all, &password).unwrap()).unwrap();
    assert_eq!(sealed["version"], 1);
    let slots = sealed["header"]["slots"].as_array().unwrap();
    assert_eq!(slots.len(), 1);
    let slot = &slots[0];
    assert_eq!(slot["type"], 1);
    assert_eq!((slot["n"].as_u64(), slot["r"].as_u64(), slot["p"].as_u64()), (Some(32_768), Some(8), Some(1)));
    assert_eq!(hex_len(&slot["salt"]), 32);
    assert_eq!(hex_len(&slot["key"]), 32);
    assert_eq!(hex_len(&slot["key_params"]["nonce"]), 12);
    assert_eq!(hex_len(&slot["key_params"]["tag"]), 16);
    assert_eq!(hex_len(&sealed["header"]["params"]["nonce"]), 12);
    assert_eq!(hex_len(&sealed["header"]["params"]["tag"]), 16);
    let db = sealed["db"].as_str().unwrap();
    assert!(data_encoding::BASE64.decode(db.as_bytes()).is_ok(), "db is padded base64");
}

#[test]
fn two_encrypted_exports_share_no_key_material() {
    let password = SecretString::from("pw".to_owned());
    let a: Value = serde_json::from_str(&export::aegis_encrypted(&grouped(), &password).unwrap()).unwrap();
    let b: Value = serde_json::from_str(&export::aegis_encrypted(&grouped(), &password).unwrap()).unwrap();
    for field in ["salt", "key"] {
        assert_ne!(a["header"]["slots"][0][field], b["header"]["slots"][0][field], "{field}");
    }
    assert_ne!(a["header"]["params"]["nonce"], b["header"]["params"]["nonce"]);
}
