//! RFC 4226 and RFC 6238 published vectors, through the library and through the CLI.

use otpvault::{Account, Algorithm, Digits, Kind, Params, Period, Secret};
use serde::Deserialize;

use crate::common::{fixture, otpvault, run};

#[derive(Deserialize)]
struct Vectors {
    cases: Vec<Case>,
}

#[derive(Deserialize)]
struct Case {
    secret_ascii: String,
    secret_base32: String,
    algorithm: String,
    digits: u8,
    code: String,
    time: Option<u64>,
    period: Option<u32>,
    counter: Option<u64>,
}

fn load(name: &str) -> Vec<Case> {
    let text = std::fs::read_to_string(fixture(&format!("otp/{name}"))).unwrap();
    serde_json::from_str::<Vectors>(&text).unwrap().cases
}

fn account(case: &Case) -> Account {
    let secret: Secret = case.secret_base32.parse().unwrap();
    assert_eq!(secret.as_bytes(), case.secret_ascii.as_bytes(), "base32 of the vector decodes to its ASCII key");
    let params = Params {
        kind: if case.counter.is_some() { Kind::Hotp } else { Kind::Totp },
        algorithm: case.algorithm.parse::<Algorithm>().unwrap(),
        digits: Digits::try_from(case.digits).unwrap(),
        period: Period::try_from(case.period.unwrap_or(30)).unwrap(),
        counter: case.counter.unwrap_or(0),
    };
    Account::new(None, "rfc".into(), secret, params)
}

#[test]
fn rfc4226_hotp_vectors() {
    let cases = load("rfc4226.json");
    assert_eq!(cases.len(), 10);
    for case in &cases {
        assert_eq!(account(case).code_at(0).as_str(), case.code, "counter {:?}", case.counter);
    }
}

#[test]
fn rfc6238_totp_vectors_cover_all_algorithms() {
    let cases = load("rfc6238.json");
    for algorithm in ["SHA1", "SHA256", "SHA512"] {
        assert!(cases.iter().any(|c| c.algorithm == algorithm), "{algorithm} has vectors");
    }
    for case in &cases {
        let time = case.time.unwrap();
        assert_eq!(account(case).code_at(time).as_str(), case.code, "{} at {time}", case.algorithm);
    }
}

#[test]
fn rfc6238_vectors_through_the_cli() {
    for case in load("rfc6238.json") {
        let uri = account(&case).to_string();
        let out = run(otpvault().args(["code", "--uri", &uri, "--at", &case.time.unwrap().to_string()]));
        assert_eq!(
            (out.code, out.stdout.as_str()),
            (Some(0), format!("{}\n", case.code).as_str()),
            "{uri}: {}",
            out.stderr
        );
    }
}
