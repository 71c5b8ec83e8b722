//! Cross-check against oathtool (the reference OATH implementation) on random parameter sets.

use std::process::Command;

use otpvault::{Account, Algorithm, Digits, Kind, Params, Period, Secret};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

const CASES: usize = 300;
const TIMES: [u64; 6] = [0, 59, (1 << 31) - 1, 1 << 31, (1 << 32) + 7, 20_000_000_000];
const PERIODS: [u32; 4] = [15, 30, 60, 90];
const ALGORITHMS: [Algorithm; 3] = [Algorithm::Sha1, Algorithm::Sha256, Algorithm::Sha512];

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn oathtool(args: &[String]) -> String {
    let output = Command::new("oathtool").args(args).output().expect("oathtool is installed (.ci/run installs it)");
    assert!(output.status.success(), "oathtool {args:?}: {}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8(output.stdout).unwrap().trim().to_owned()
}

/// oathtool's HOTP mode is SHA1-only; TOTP with a 1 s step at time = counter is the same HMAC input.
fn reference(account: &Account, time: u64) -> String {
    let p = &account.params;
    let key = hex(account.secret.as_bytes());
    let digits = p.digits.to_string();
    let args: Vec<String> = match (p.kind, p.algorithm) {
        (Kind::Hotp, Algorithm::Sha1) => {
            vec!["--hotp".into(), "-c".into(), p.counter.to_string(), "-d".into(), digits, key]
        }
        (Kind::Hotp, algorithm) => vec![
            format!("--totp={}", algorithm.as_str().to_lowercase()),
            "-s".into(),
            "1s".into(),
            "-N".into(),
            format!("@{}", p.counter),
            "-d".into(),
            digits,
            key,
        ],
        (_, algorithm) => vec![
            format!("--totp={}", algorithm.as_str().to_lowercase()),
            "-s".into(),
            format!("{}s", p.period),
            "-N".into(),
            format!("@{time}"),
            "-d".into(),
            digits,
            key,
        ],
    };
    oathtool(&args)
}

#[test]
fn random_parameter_sets_agree_with_oathtool() {
    let mut rng = StdRng::seed_from_u64(0x07b_7a17);
    let mut agreed = 0;
    for case in 0..CASES {
        let secret: Vec<u8> = (0..rng.random_range(10..=64)).map(|_| rng.random()).collect();
        let hotp = case % 4 == 3;
        let params = Params {
            kind: if hotp { Kind::Hotp } else { Kind::Totp },
            algorithm: ALGORITHMS[rng.random_range(0..ALGORITHMS.len())],
            digits: Digits::try_from(rng.random_range(6u8..=8)).unwrap(),
            period: Period::try_from(PERIODS[rng.random_range(0..PERIODS.len())]).unwrap(),
            counter: if hotp { rng.random_range(0..=1u64 << 32) } else { 0 },
        };
        let time =
            if case < TIMES.len() * 2 { TIMES[case % TIMES.len()] } else { rng.random_range(0..=20_000_000_000u64) };
        let account = Account::new(None, format!("case {case}"), Secret::from_bytes(secret).unwrap(), params);
        let ours = account.code_at(time);
        assert_eq!(ours.as_str(), reference(&account, time), "case {case}: {params:?} at {time}");
        agreed += 1;
    }
    assert_eq!(agreed, CASES);
}
