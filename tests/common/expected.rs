//! The check every import fixture must pass (tests/fixtures/import/MANIFEST.md), for the tests
//! of any importer.
//!
//! `plain.txt` holds the seven canonical accounts. [`check`] takes what an importer returned
//! for one fixture file and, for each imported account:
//! 1. finds the canonical account with the same secret bytes (each one at most once);
//! 2. applies the file's [`Fixup`]s (from `expected.json`) to that expected account;
//! 3. compares issuer, name, type, algorithm, digits, period (time-based kinds) or counter
//!    (HOTP), and the code at [`AT`] (HOTP: at the stored counter).
//!
//! It also insists on the number of accounts the file holds, so a silently dropped entry fails.
//!
//! ```ignore
//! use crate::common::expected::{self, Fixup};
//! let accounts = otpvault::import::import(&expected::bytes("freeotp_plus.json"), None, None).unwrap();
//! expected::check("freeotp_plus.json", &accounts, 6, &[Fixup::CounterMinusOne]);
//! ```
// Not every test module uses every fixup.
#![allow(dead_code)]

use otpvault::Account;
use otpvault::otp::{Algorithm, Digits, Kind, Params, Period};

/// The Unix time at which codes are compared (a step boundary for none of the periods used).
pub const AT: u64 = 1_700_000_017;

/// A change `expected.json` lists for a file: what the app cannot store, or stores its own way.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fixup {
    /// The issuer the app writes instead (`None`: it keeps none), e.g. Steam maFiles, Duo.
    Issuer(Option<&'static str>),
    /// Every entry is TOTP with SHA1, 6 digits, 30 s (2FAS schema 1, Microsoft Authenticator).
    AllTotpDefaults,
    /// SHA1, 6 digits and, for time-based kinds, 30 s; the type stays (Google Authenticator,
    /// TOTP Authenticator).
    Sha1SixDigitsThirtySeconds,
    /// HOTP entries become TOTP with their algorithm and digits and a 30 s period (2FAS schema 2).
    HotpAsTotp,
    /// The stored HOTP counter is one less than the canonical one (FreeOTP, FreeOTP+).
    CounterMinusOne,
    /// The file stores this HOTP counter (e.g. Duo, whose accounts were used since).
    Counter(u64),
    /// SHA1 whatever the canonical algorithm (Authy).
    Sha1,
    /// The period is not compared: the app keeps its own (Authy). Codes are then compared with
    /// the canonical period.
    AnyPeriod,
    /// The name is lower-cased (TOTP Authenticator).
    LowercaseName,
    /// The name is `Issuer:Name` (old andOTP backups).
    NameWithIssuer,
    /// Steam entries are compared by secret and type only (Bitwarden's `steam://` has no label).
    SteamSecretOnly,
}

/// The bytes of `tests/fixtures/import/<name>`.
pub fn bytes(name: &str) -> Vec<u8> {
    let path = super::fixture(&format!("import/{name}"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The seven accounts of `plain.txt`, parsed by the core URI parser (independent of importers).
pub fn canonical() -> Vec<Account> {
    String::from_utf8(bytes("plain.txt"))
        .expect("plain.txt is text")
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.parse().unwrap_or_else(|e| panic!("plain.txt line {l}: {e}")))
        .collect()
}

fn apply(fixup: Fixup, expected: &mut Account) {
    let p = &mut expected.params;
    match fixup {
        Fixup::Issuer(issuer) => expected.issuer = issuer.map(str::to_owned),
        Fixup::AllTotpDefaults => *p = Params::totp(),
        Fixup::Sha1SixDigitsThirtySeconds => {
            p.algorithm = Algorithm::Sha1;
            if p.kind != Kind::Steam {
                p.digits = Digits::DEFAULT;
            }
            if p.kind.is_time_based() {
                p.period = Period::DEFAULT;
            }
        }
        Fixup::HotpAsTotp if p.kind == Kind::Hotp => {
            *p = Params { kind: Kind::Totp, period: Period::DEFAULT, counter: 0, ..*p };
        }
        Fixup::CounterMinusOne if p.kind == Kind::Hotp => p.counter -= 1,
        Fixup::Counter(counter) if p.kind == Kind::Hotp => p.counter = counter,
        Fixup::Sha1 => p.algorithm = Algorithm::Sha1,
        Fixup::LowercaseName => expected.name = expected.name.to_lowercase(),
        Fixup::NameWithIssuer => {
            expected.name = format!("{}:{}", expected.issuer.as_deref().unwrap_or_default(), expected.name)
        }
        Fixup::HotpAsTotp | Fixup::CounterMinusOne | Fixup::Counter(_) | Fixup::AnyPeriod | Fixup::SteamSecretOnly => {}
    }
}

/// Checks `imported`, read from fixture `file`, as the module documentation describes.
pub fn check(file: &str, imported: &[Account], count: usize, fixups: &[Fixup]) {
    let canonical = canonical();
    assert_eq!(imported.len(), count, "{file}: number of accounts imported");
    let mut used = vec![false; canonical.len()];
    for account in imported {
        let position =
            canonical.iter().position(|c| c.secret.as_bytes() == account.secret.as_bytes()).unwrap_or_else(|| {
                panic!("{file}: {} has a secret that is in no canonical account", account.display_name())
            });
        assert!(!used[position], "{file}: two imported accounts share the secret of {}", canonical[position].name);
        used[position] = true;

        let mut expected = canonical[position].clone();
        for &fixup in fixups {
            apply(fixup, &mut expected);
        }
        let mut account = account.clone();
        let context = format!("{file}: {}", expected.display_name());
        if fixups.contains(&Fixup::SteamSecretOnly) && expected.params.kind == Kind::Steam {
            assert_eq!(account.params.kind, Kind::Steam, "{context}: type");
            continue;
        }
        if fixups.contains(&Fixup::AnyPeriod) {
            account.params.period = expected.params.period;
        }
        assert_eq!(account.issuer, expected.issuer, "{context}: issuer");
        assert_eq!(account.name, expected.name, "{context}: name");
        let (got, want) = (account.params, expected.params);
        assert_eq!(got.kind, want.kind, "{context}: type");
        assert_eq!(got.algorithm, want.algorithm, "{context}: algorithm");
        assert_eq!(got.digits, want.digits, "{context}: digits");
        if want.kind.is_time_based() {
            assert_eq!(got.period, want.period, "{context}: period");
        } else {
            assert_eq!(got.counter, want.counter, "{context}: counter");
        }
        assert_eq!(account.code_at(AT), expected.code_at(AT), "{context}: code at {AT}");
    }
}
