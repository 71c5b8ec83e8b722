//! The vault library: round trips, wrong passwords, damage of every kind, keyring slots, locks,
//! permissions, backups, and the versioned test vectors under tests/fixtures/vault/.

use std::fs;
use std::path::{Path, PathBuf};

use otpvault::vault::backup;
use otpvault::vault::format;
use otpvault::vault::{KdfParams, KeyStore, KeyringError, MemoryKeyring, Vault, VaultError};
use otpvault::{Account, Algorithm, Digits, Kind, Params, Period, Secret};
use secrecy::SecretString;

pub const PASSWORD: &str = "correct horse battery staple";
const NOW: u64 = 1_700_000_000;

pub fn password(text: &str) -> SecretString {
    SecretString::from(text.to_owned())
}

/// One account of each type, with non-default parameters where the type has them.
pub fn sample_accounts() -> Vec<Account> {
    let secret = |s: &str| s.parse::<Secret>().unwrap();
    let mut sha256 = Params::totp();
    sha256.algorithm = Algorithm::Sha256;
    sha256.digits = Digits::try_from(8u8).unwrap();
    sha256.period = Period::try_from(60u32).unwrap();
    let mut hotp = Params::hotp(41);
    hotp.algorithm = Algorithm::Sha512;
    vec![
        Account::new(Some("GitHub".into()), "alice@example.com".into(), secret("JBSWY3DPEHPK3PXP"), Params::totp()),
        Account::new(Some("Example Bank".into()), "alice".into(), secret("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"), sha256),
        Account::new(None, "vpn token".into(), secret("MFRGGZDFMZTWQ2LKNNWG23TPOBYXE43U"), hotp),
        Account::new(Some("Steam".into()), "gamer".into(), secret("ONSWG4TFORZWK3DMN5XGC5DJN5XHG2LT"), Params::steam()),
        Account::new(
            Some("Amazon Web Services".into()),
            "admin@123456789012".into(),
            secret("KRUGS4ZANFZSAYJAORSXG5BAMFRWG33VNZ2CA43FMNZGK5BAONSWK3ZAGEZDGNBVGY3TQOJQ"),
            Params::totp(),
        ),
    ]
}

/// A fresh vault in its own folder, with the nearly free KDF.
pub fn new_vault(dir: &Path) -> (PathBuf, Vault) {
    let path = dir.join("vault.otpvault");
    let vault = Vault::create(&path, &password(PASSWORD), KdfParams::INSECURE_TEST).unwrap();
    (path, vault)
}

fn filled_vault(dir: &Path) -> PathBuf {
    let (path, mut vault) = new_vault(dir);
    for (i, account) in sample_accounts().into_iter().enumerate() {
        let id = vault.add(account, NOW + i as u64).unwrap();
        vault
            .update(id, |e| {
                e.group = Some(format!("group {i}"));
                e.tags = vec![format!("tag{i}"), "all".into()];
                e.note = (i % 2 == 0).then(|| format!("note {i} ✓"));
            })
            .unwrap();
    }
    vault.save().unwrap();
    path
}

#[test]
fn every_account_type_round_trips_with_its_metadata() {
    let dir = tempfile::tempdir().unwrap();
    let path = filled_vault(dir.path());
    let vault = Vault::open(&path, &password(PASSWORD)).unwrap();
    let accounts: Vec<Account> = vault.entries().iter().map(|e| e.account.clone()).collect();
    assert_eq!(accounts, sample_accounts());
    let kinds: Vec<Kind> = accounts.iter().map(|a| a.params.kind).collect();
    assert_eq!(kinds, [Kind::Totp, Kind::Totp, Kind::Hotp, Kind::Steam, Kind::Totp]);
    for (i, entry) in vault.entries().iter().enumerate() {
        assert_eq!(entry.group.as_deref(), Some(format!("group {i}").as_str()));
        assert_eq!(entry.tags, [format!("tag{i}"), "all".into()]);
        assert_eq!(entry.note, (i % 2 == 0).then(|| format!("note {i} ✓")));
        assert_eq!(entry.created(), NOW + i as u64);
        assert_eq!(entry.last_used, None);
    }
    assert_eq!(vault.kdf_params(), KdfParams::INSECURE_TEST);
}

#[test]
fn wrong_password_is_refused_and_the_file_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let path = filled_vault(dir.path());
    let before = fs::read(&path).unwrap();
    for wrong in ["", "correct horse battery stapl", "Correct horse battery staple"] {
        match Vault::open(&path, &password(wrong)) {
            Err(VaultError::WrongPassword { path: reported }) => assert_eq!(reported, path),
            other => panic!("{wrong:?}: {other:?}"),
        }
    }
    assert_eq!(fs::read(&path).unwrap(), before);
}

/// Opens `bytes` as a vault file in `dir`; the result must be an error, never a panic.
fn open_bytes(dir: &Path, bytes: &[u8]) -> Result<Vault, VaultError> {
    let path = dir.join("damaged.otpvault");
    fs::write(&path, bytes).unwrap();
    Vault::open(&path, &password(PASSWORD))
}

fn small_vault_bytes(dir: &Path) -> Vec<u8> {
    let (path, mut vault) = new_vault(dir);
    vault.add(sample_accounts().remove(0), NOW).unwrap();
    vault.save().unwrap();
    drop(vault);
    fs::read(path).unwrap()
}

#[test]
fn every_flipped_byte_is_detected() {
    let dir = tempfile::tempdir().unwrap();
    let good = small_vault_bytes(dir.path());
    assert!(open_bytes(dir.path(), &good).is_ok());
    for at in 0..good.len() {
        for mask in [0x01u8, 0x80] {
            let mut bad = good.clone();
            bad[at] ^= mask;
            assert!(open_bytes(dir.path(), &bad).is_err(), "flip {mask:#x} at {at} went unnoticed");
        }
    }
}

/// Flips every byte but recomputes the checksum, so that only the cryptography can notice.
#[test]
fn every_flipped_byte_is_detected_even_with_a_valid_checksum() {
    let dir = tempfile::tempdir().unwrap();
    let good = small_vault_bytes(dir.path());
    let body = good.len() - format::CHECKSUM_LEN;
    for at in 0..body {
        let mut bad = good.clone();
        bad[at] ^= 0x01;
        let sum = crc32fast::hash(&bad[..body]).to_be_bytes();
        bad[body..].copy_from_slice(&sum);
        match open_bytes(dir.path(), &bad) {
            Err(
                VaultError::WrongPassword { .. }
                | VaultError::Damaged { .. }
                | VaultError::Truncated { .. }
                | VaultError::UnsupportedVersion { .. },
            ) => {}
            other => panic!("flip at {at}: {other:?}"),
        }
    }
}

#[test]
fn every_truncation_is_detected() {
    let dir = tempfile::tempdir().unwrap();
    let good = small_vault_bytes(dir.path());
    for len in 0..good.len() {
        match open_bytes(dir.path(), &good[..len]) {
            Err(VaultError::Truncated { .. }) => {}
            other => panic!("cut at {len}: {other:?}"),
        }
    }
    let mut longer = good.clone();
    longer.push(0);
    assert!(matches!(open_bytes(dir.path(), &longer), Err(VaultError::Damaged { .. })));
}

#[test]
fn damage_messages_name_the_backup_to_restore() {
    let dir = tempfile::tempdir().unwrap();
    let path = filled_vault(dir.path());
    // Saved once more, so that the previous version holds the accounts too.
    Vault::open(&path, &password(PASSWORD)).unwrap().save().unwrap();
    let backup = otpvault::vault::backup_path(&path);
    assert!(backup.is_file(), "a save keeps the previous version");
    let mut bytes = fs::read(&path).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x55;
    fs::write(&path, &bytes).unwrap();
    let error = Vault::open(&path, &password(PASSWORD)).unwrap_err();
    let message = error.to_string();
    assert!(matches!(error, VaultError::Damaged { .. }), "{error:?}");
    assert!(message.contains(&backup.display().to_string()), "{message}");
    // The backup is a whole vault: copying it back restores the accounts.
    fs::copy(&backup, &path).unwrap();
    assert!(!Vault::open(&path, &password(PASSWORD)).unwrap().entries().is_empty());
}

#[test]
fn no_secret_appears_in_the_files_raw_or_in_base32() {
    let dir = tempfile::tempdir().unwrap();
    let path = filled_vault(dir.path());
    // A second save so that the backup holds the accounts too.
    Vault::open(&path, &password(PASSWORD)).unwrap().save().unwrap();
    for file in [path.clone(), otpvault::vault::backup_path(&path)] {
        let bytes = fs::read(&file).unwrap();
        let text = String::from_utf8_lossy(&bytes).to_ascii_uppercase();
        for account in sample_accounts() {
            let raw = account.secret.as_bytes();
            assert!(!bytes.windows(raw.len()).any(|w| w == raw), "{}: raw secret", file.display());
            let base32 = account.secret.to_base32();
            assert!(!text.contains(&base32[..16]), "{}: base32 secret", file.display());
            assert!(!text.contains(&account.name.to_ascii_uppercase()), "{}: account name in clear", file.display());
        }
        assert!(!bytes.windows(PASSWORD.len()).any(|w| w == PASSWORD.as_bytes()));
    }
}

#[cfg(unix)]
#[test]
fn vault_and_backup_are_owner_only() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = filled_vault(dir.path());
    for file in [path.clone(), otpvault::vault::backup_path(&path)] {
        let mode = fs::metadata(&file).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "{}", file.display());
    }
    let nested = dir.path().join("new/folder/vault.otpvault");
    drop(Vault::create(&nested, &password(PASSWORD), KdfParams::INSECURE_TEST).unwrap());
    let mode = fs::metadata(nested.parent().unwrap()).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o700);
}

#[test]
fn create_never_replaces_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("notes.txt");
    fs::write(&path, "my notes").unwrap();
    let error = Vault::create(&path, &password(PASSWORD), KdfParams::INSECURE_TEST).unwrap_err();
    assert!(matches!(error, VaultError::AlreadyExists { .. }), "{error:?}");
    assert_eq!(fs::read_to_string(&path).unwrap(), "my notes");
    let empty = Vault::create(dir.path().join("v"), &password(""), KdfParams::INSECURE_TEST).unwrap_err();
    assert!(matches!(empty, VaultError::EmptyPassword), "{empty:?}");
    let hostile = KdfParams { memory_kib: u32::MAX, ..KdfParams::DEFAULT };
    assert!(Vault::create(dir.path().join("w"), &password(PASSWORD), hostile).is_err());
}

#[test]
fn a_second_open_waits_then_reports_the_lock() {
    let dir = tempfile::tempdir().unwrap();
    let (path, first) = new_vault(dir.path());
    let error = Vault::open(&path, &password(PASSWORD)).unwrap_err();
    assert!(matches!(error, VaultError::Locked { .. }), "{error:?}");
    drop(first);
    assert!(Vault::open(&path, &password(PASSWORD)).is_ok());
}

#[test]
fn a_file_replaced_behind_the_vaults_back_is_not_overwritten() {
    let dir = tempfile::tempdir().unwrap();
    let path = filled_vault(dir.path());
    let mut vault = Vault::open(&path, &password(PASSWORD)).unwrap();
    let other = tempfile::tempdir().unwrap();
    let other_bytes = small_vault_bytes(other.path());
    fs::write(&path, &other_bytes).unwrap();
    let error = vault.save().unwrap_err();
    assert!(matches!(error, VaultError::ChangedOnDisk { .. }), "{error:?}");
    // An import into it fails whole, and leaves the vault in memory as it was.
    let count = vault.entries().len();
    let extra = Account::new(None, "extra".into(), "MZXW6YTBOI".parse().unwrap(), Params::totp());
    assert!(vault.import(vec![extra], NOW).is_err());
    assert_eq!(vault.entries().len(), count);
    assert_eq!(fs::read(&path).unwrap(), other_bytes);
}

#[test]
fn hotp_counters_persist_on_use_and_totp_codes_write_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = filled_vault(dir.path());
    let before = fs::read(&path).unwrap();
    let mut vault = Vault::open(&path, &password(PASSWORD)).unwrap();
    let github = vault.search("github")[0].id();
    vault.use_code(github, NOW).unwrap();
    drop(vault);
    assert_eq!(fs::read(&path).unwrap(), before, "a TOTP code leaves the file as it was");

    let mut codes = Vec::new();
    for _ in 0..3 {
        let mut vault = Vault::open(&path, &password(PASSWORD)).unwrap();
        let id = vault.search("vpn")[0].id();
        codes.push(vault.use_code(id, NOW + 5).unwrap().as_str().to_owned());
    }
    let vault = Vault::open(&path, &password(PASSWORD)).unwrap();
    let hotp = vault.search("vpn token")[0];
    assert_eq!(hotp.account.params.counter, 44);
    assert_eq!(hotp.last_used, Some(NOW + 5));
    let expected: Vec<String> = (41..44)
        .map(|c| {
            let mut params = hotp.account.params;
            params.counter = c;
            otpvault::otp::generate(&hotp.account.secret, &params, c).as_str().to_owned()
        })
        .collect();
    assert_eq!(codes, expected);
}

#[test]
fn search_prefers_a_full_name_and_finds_aws() {
    let dir = tempfile::tempdir().unwrap();
    let path = filled_vault(dir.path());
    let vault = Vault::open(&path, &password(PASSWORD)).unwrap();
    let names = |q: &str| vault.search(q).iter().map(|e| e.account.display_name()).collect::<Vec<_>>();
    assert_eq!(names("aws"), ["Amazon Web Services (admin@123456789012)"]);
    assert_eq!(names("github"), ["GitHub (alice@example.com)"]);
    assert_eq!(names("ALI").len(), 2, "in two names");
    assert_eq!(names("Alice"), ["Example Bank (alice)"], "a full name wins over parts of names");
    assert_eq!(names("group 3"), ["Steam (gamer)"]);
    assert!(names("nobody").is_empty());
    let id = vault.entries()[2].id();
    assert_eq!(names(&id.to_string()), ["vpn token"]);
}

#[test]
fn change_password_rewraps_and_keeps_the_keyring_slot() {
    let dir = tempfile::tempdir().unwrap();
    let path = filled_vault(dir.path());
    let store = MemoryKeyring::new();
    let mut vault = Vault::open(&path, &password(PASSWORD)).unwrap();
    vault.enable_keyring(&store).unwrap();
    vault.change_password(&password("new password"), KdfParams::INSECURE_TEST).unwrap();
    drop(vault);
    assert!(matches!(Vault::open(&path, &password(PASSWORD)), Err(VaultError::WrongPassword { .. })));
    assert_eq!(Vault::open(&path, &password("new password")).unwrap().entries().len(), 5);
    assert_eq!(Vault::open_with_keyring(&path, &store).unwrap().entries().len(), 5);
    let mut vault = Vault::open(&path, &password("new password")).unwrap();
    assert!(matches!(vault.change_password(&password(""), KdfParams::INSECURE_TEST), Err(VaultError::EmptyPassword)));
}

#[test]
fn keyring_slot_opens_and_its_failures_leave_the_password() {
    let dir = tempfile::tempdir().unwrap();
    let path = filled_vault(dir.path());
    let store = MemoryKeyring::new();
    let keyring_error = |result: Result<Vault, VaultError>| match result {
        Err(VaultError::Keyring(error)) => error,
        other => panic!("{other:?}"),
    };
    assert_eq!(keyring_error(Vault::open_with_keyring(&path, &store)), KeyringError::NoSlot);
    assert!(!Vault::has_keyring_slot_at(&path).unwrap());

    let mut vault = Vault::open(&path, &password(PASSWORD)).unwrap();
    vault.enable_keyring(&store).unwrap();
    drop(vault);
    assert!(Vault::has_keyring_slot_at(&path).unwrap());
    assert_eq!(Vault::open_with_keyring(&path, &store).unwrap().entries().len(), 5);

    let unreachable = MemoryKeyring::unreachable();
    assert!(matches!(keyring_error(Vault::open_with_keyring(&path, &unreachable)), KeyringError::Unavailable(_)));
    // Another machine's keyring, or one whose item was deleted.
    assert_eq!(keyring_error(Vault::open_with_keyring(&path, &MemoryKeyring::new())), KeyringError::NoEntry);
    assert!(Vault::open(&path, &password(PASSWORD)).is_ok(), "the password slot always works");

    let mut vault = Vault::open(&path, &password(PASSWORD)).unwrap();
    vault.disable_keyring(&store).unwrap();
    drop(vault);
    assert_eq!(keyring_error(Vault::open_with_keyring(&path, &store)), KeyringError::NoSlot);
}

#[test]
fn a_wrong_key_in_the_keyring_is_reported_as_such() {
    let dir = tempfile::tempdir().unwrap();
    let path = filled_vault(dir.path());
    let store = MemoryKeyring::new();
    let mut vault = Vault::open(&path, &password(PASSWORD)).unwrap();
    vault.enable_keyring(&store).unwrap();
    drop(vault);
    let slot_name = slot_name_in(&fs::read(&path).unwrap());
    assert!(store.get(&slot_name).is_ok(), "the item is named as FORMAT.md says");
    store.set(&slot_name, &[7u8; 32]).unwrap();
    assert!(matches!(Vault::open_with_keyring(&path, &store), Err(VaultError::Keyring(KeyringError::WrongKey))));
    store.set(&slot_name, &[7u8; 5]).unwrap();
    assert!(matches!(Vault::open_with_keyring(&path, &store), Err(VaultError::Keyring(KeyringError::WrongKey))));
}

/// The keyring item name of a vault file's keyring slot, as FORMAT.md describes it.
fn slot_name_in(bytes: &[u8]) -> String {
    let start = 11 + 89 + 1;
    format!("vault-{}", data_encoding::HEXLOWER.encode(&bytes[start..start + format::SLOT_ID_LEN]))
}

#[test]
fn import_skips_duplicates_and_reports_counts() {
    let dir = tempfile::tempdir().unwrap();
    let (path, mut vault) = new_vault(dir.path());
    let accounts = sample_accounts();
    vault.add(accounts[0].clone(), NOW).unwrap();
    let mut batch = accounts.clone();
    batch.push(accounts[1].clone());
    let summary = vault.import(batch, NOW).unwrap();
    assert_eq!((summary.imported, summary.duplicates), (4, 2));
    assert_eq!(summary.to_string(), "4 imported, 2 duplicates skipped");
    drop(vault);
    assert_eq!(Vault::open(&path, &password(PASSWORD)).unwrap().entries().len(), 5);
    let mut vault = Vault::open(&path, &password(PASSWORD)).unwrap();
    let error = vault.add(accounts[3].clone(), NOW).unwrap_err();
    assert_eq!(error.to_string(), "this account is already in the vault as Steam (gamer)");
}

#[test]
fn backups_round_trip_through_the_importer() {
    let dir = tempfile::tempdir().unwrap();
    let path = filled_vault(dir.path());
    let vault = Vault::open(&path, &password(PASSWORD)).unwrap();
    let bytes = backup::export_with(vault.entries(), &password("backup pw"), KdfParams::INSECURE_TEST).unwrap();
    assert_eq!(backup::read(&bytes, &password("backup pw")).unwrap(), vault.entries());
    let importer = otpvault::import::detect(&bytes).unwrap();
    assert_eq!(importer.id(), "otpvault");
    assert!(importer.needs_password(&bytes));
    let accounts = otpvault::import::import(&bytes, None, Some(&password("backup pw"))).unwrap();
    assert_eq!(accounts, sample_accounts());
    let wrong = otpvault::import::import(&bytes, Some("otpvault"), Some(&password("nope"))).unwrap_err();
    assert!(matches!(wrong, otpvault::import::ImportError::WrongPassword(_)), "{wrong:?}");
    let missing = otpvault::import::import(&bytes, None, None).unwrap_err();
    assert!(matches!(missing, otpvault::import::ImportError::PasswordRequired(_)), "{missing:?}");
    assert!(otpvault::import::import(&bytes[..bytes.len() - 1], None, Some(&password("backup pw"))).is_err());
    assert!(backup::export(vault.entries(), &password("")).is_err());
}

#[test]
fn vaults_unlock_on_another_thread() {
    fn assert_send<T: Send>(_: &T) {}
    let dir = tempfile::tempdir().unwrap();
    let path = filled_vault(dir.path());
    let vault = std::thread::spawn(move || Vault::open(&path, &password(PASSWORD))).join().unwrap().unwrap();
    assert_send(&vault);
    assert_eq!(vault.entries().len(), 5);
}

#[test]
fn a_vault_that_released_its_lock_lets_others_in_and_reloads_their_changes() {
    let dir = tempfile::tempdir().unwrap();
    let path = filled_vault(dir.path());
    let mut window = Vault::open(&path, &password(PASSWORD)).unwrap();
    window.release_lock();

    let mut other = Vault::open(&path, &password(PASSWORD)).expect("a released lock lets another opener in");
    let account = Account::new(None, "added elsewhere".into(), "MFRGGZDFMZTWQ2LK".parse().unwrap(), Params::totp());
    other.add(account, NOW).unwrap();
    other.save().unwrap();
    drop(other);

    let first = window.entries()[0].id();
    window.remove(first).unwrap();
    assert!(matches!(window.save(), Err(VaultError::ChangedOnDisk { .. })), "the other change is not overwritten");
    window.reload().unwrap();
    assert_eq!(window.entries().len(), sample_accounts().len() + 1, "reload drops the unsaved removal");
    assert!(window.entries().iter().any(|e| e.account.name == "added elsewhere"));
    window.remove(first).unwrap();
    window.save().expect("after a reload, saving works again");
    assert_eq!(Vault::open(&path, &password(PASSWORD)).unwrap().entries().len(), sample_accounts().len());
}

#[test]
fn a_new_order_is_saved() {
    let dir = tempfile::tempdir().unwrap();
    let path = filled_vault(dir.path());
    let mut vault = Vault::open(&path, &password(PASSWORD)).unwrap();
    let mut ids: Vec<_> = vault.entries().iter().map(|e| e.id()).collect();
    ids.reverse();
    // Only the first two named: the rest keep their order after them.
    vault.reorder(&ids[..2]);
    vault.save().unwrap();
    drop(vault);
    let reopened = Vault::open(&path, &password(PASSWORD)).unwrap();
    let order: Vec<_> = reopened.entries().iter().map(|e| e.id()).collect();
    let mut expected = ids[..2].to_vec();
    expected.extend(ids[2..].iter().rev());
    assert_eq!(order, expected);
}
