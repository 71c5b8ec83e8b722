//! Properties: what we format parses back to the same account; no input makes the parsers panic.

use otpvault::migration::Migration;
use otpvault::{Account, Algorithm, Digits, Kind, OtpUri, Params, Period, Secret};
use proptest::prelude::*;

fn params() -> impl Strategy<Value = Params> {
    (
        prop_oneof![Just(Kind::Totp), Just(Kind::Hotp), Just(Kind::Steam)],
        prop_oneof![Just(Algorithm::Sha1), Just(Algorithm::Sha256), Just(Algorithm::Sha512)],
        5u8..=10,
        1u32..=86_400,
        any::<u64>(),
    )
        .prop_map(|(kind, algorithm, digits, period, counter)| Params {
            kind,
            algorithm,
            digits: Digits::try_from(digits).unwrap(),
            period: Period::try_from(period).unwrap(),
            counter,
        })
}

fn account() -> impl Strategy<Value = Account> {
    (
        proptest::option::of("[^\\x00-\\x1f]{1,20}"),
        "[^\\x00-\\x1f]{0,30}",
        proptest::collection::vec(any::<u8>(), 1..80),
        params(),
    )
        .prop_map(|(issuer, name, secret, params)| {
            Account::new(issuer, name, Secret::from_bytes(secret).unwrap(), params)
        })
}

proptest! {
    #[test]
    fn otpauth_round_trip(account in account()) {
        let uri = account.to_string();
        prop_assert_eq!(uri.parse::<Account>().unwrap(), account, "{}", uri);
    }

    #[test]
    fn migration_round_trip(accounts in proptest::collection::vec(account(), 1..25)) {
        let accounts: Vec<Account> = accounts
            .into_iter()
            .map(|mut a| {
                a.params = Params { kind: if a.params.kind == Kind::Hotp { Kind::Hotp } else { Kind::Totp }, digits: Digits::DEFAULT, period: Period::DEFAULT, ..a.params };
                if a.params.kind == Kind::Totp { a.params.counter = 0; }
                a.params.counter = a.params.counter.min(i64::MAX as u64);
                a
            })
            .collect();
        let mut back = Vec::new();
        for batch in Migration::batches(&accounts, 42).unwrap() {
            back.extend(batch.to_string().parse::<OtpUri>().unwrap().into_accounts());
        }
        prop_assert_eq!(back, accounts);
    }

    #[test]
    fn parsers_never_panic(text in "\\PC{0,200}") {
        let _ = text.parse::<OtpUri>();
        let _ = format!("otpauth://totp/{text}").parse::<OtpUri>();
        let _ = format!("otpauth-migration://offline?data={text}").parse::<OtpUri>();
    }
}
