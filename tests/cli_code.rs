//! `otpvault code --uri`: exit codes, stdout and stderr for good, odd and bad URIs.

use crate::common::{otpvault, run};

const RFC_SHA1: &str = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";

fn code(uri: &str, at: &str) -> crate::common::Outcome {
    run(otpvault().args(["code", "--uri", uri, "--at", at]))
}

#[test]
fn odd_but_valid_uris_print_the_code_alone() {
    let lower_spaced = "gezd gnbv gy3t qojq gezd gnbv gy3t qojq";
    let cases = [
        (format!("otpauth://totp/x?secret={RFC_SHA1}&digits=8"), "59", "94287082"),
        (format!("OTPAUTH://TOTP/x?secret={RFC_SHA1}&digits=8"), "59", "94287082"),
        (format!("otpauth://totp/x?secret={}&digits=8", lower_spaced.replace(' ', "%20")), "59", "94287082"),
        (
            format!("otpauth://totp/x?secret={RFC_SHA1}%3D%3D&digits=8&image=https%3A%2F%2Fexample.com%2Fa.png"),
            "59",
            "94287082",
        ),
        (format!("otpauth://totp/A%3Ab?digits=8&secret={RFC_SHA1}&issuer=Other"), "59", "94287082"),
        (format!("otpauth://hotp/x?secret={RFC_SHA1}&counter=1"), "0", "287082"),
        (format!("otpauth://hotp/x?secret={RFC_SHA1}&counter=9"), "0", "520489"),
        (format!("otpauth://totp/x?secret={RFC_SHA1}&digits=8&period=60"), "118", "94287082"),
    ];
    for (uri, at, expected) in cases {
        let out = code(&uri, at);
        assert_eq!((out.code, out.stdout), (Some(0), format!("{expected}\n")), "{uri}: {}", out.stderr);
        assert!(out.stderr.is_empty(), "{uri}: {}", out.stderr);
    }
}

#[test]
fn steam_and_ten_digit_codes() {
    let steam = code(&format!("otpauth://steam/Steam:me?secret={RFC_SHA1}"), "59");
    assert_eq!(steam.code, Some(0));
    let steam = steam.stdout.trim();
    assert_eq!(steam.len(), 5);
    assert!(steam.chars().all(|c| "23456789BCDFGHJKMNPQRTVWXY".contains(c)), "{steam}");
    let encoder = code(&format!("otpauth://totp/Steam:me?secret={RFC_SHA1}&encoder=steam"), "59");
    assert_eq!(encoder.stdout.trim(), steam);

    let ten = code(&format!("otpauth://totp/x?secret={RFC_SHA1}&digits=10"), "59");
    assert_eq!(ten.stdout.len(), 11);
    assert!(ten.stdout.trim().ends_with("94287082"), "10 digits extend the 8-digit RFC code: {}", ten.stdout);
}

#[test]
fn bad_uris_exit_non_zero_with_one_line_on_stderr() {
    let long = format!("otpauth://totp/x?secret={RFC_SHA1}&pad={}", "a".repeat(70_000));
    let cases: Vec<(String, &str)> = vec![
        ("https://example.com".into(), "otpauth://"),
        ("otpauth://totp/x".into(), "no secret"),
        ("otpauth://totp/x?secret=".into(), "empty"),
        ("otpauth://totp/x?secret=ABC1DEFG".into(), "not base32"),
        ("otpauth://motp/x?secret=AAAA".into(), "unknown OTP type"),
        ("otpauth://totp/x?secret=AAAA&algorithm=MD5".into(), "unknown algorithm"),
        ("otpauth://totp/x?secret=AAAA&digits=4".into(), "4 digits"),
        ("otpauth://totp/x?secret=AAAA&digits=11".into(), "11 digits"),
        ("otpauth://totp/x?secret=AAAA&digits=six".into(), "whole number"),
        ("otpauth://totp/x?secret=AAAA&period=0".into(), "period"),
        ("otpauth://totp/x?secret=AAAA&period=86401".into(), "period"),
        ("otpauth://hotp/x?secret=AAAA&counter=-1".into(), "whole number"),
        ("otpauth://hotp/x?secret=AAAA&counter=18446744073709551616".into(), "whole number"),
        ("otpauth://totp/x%2?secret=AAAA".into(), "percent-encoding"),
        (long, "bytes long"),
        ("otpauth-migration://offline?data=%%%".into(), "percent-encoding"),
        ("otpauth-migration://offline?data=bm90IHByb3RvYnVm".into(), "protobuf"),
        ("otpauth-migration://offline".into(), "offline?data="),
    ];
    for (uri, fragment) in cases {
        let out = code(&uri, "0");
        assert_eq!(out.code, Some(3), "{uri}: {}", out.stderr);
        assert!(out.stdout.is_empty(), "{uri}");
        assert_eq!(out.stderr.lines().count(), 1, "{uri}: {}", out.stderr);
        assert!(out.stderr.contains(fragment), "{uri}: expected {fragment:?} in {}", out.stderr);
        assert!(!out.stderr.contains("panicked"), "{uri}");
    }
}

#[test]
fn migration_uris_give_a_code_only_for_one_account() {
    let one =
        otpvault::migration::Migration::batches(&[format!("otpauth://totp/A:a?secret={RFC_SHA1}").parse().unwrap()], 1)
            .unwrap();
    let out = code(&one[0].to_string(), "59");
    assert_eq!((out.code, out.stdout.as_str()), (Some(0), "287082\n"));

    let two: Vec<otpvault::Account> =
        ["A:a", "B:b"].iter().map(|l| format!("otpauth://totp/{l}?secret={RFC_SHA1}").parse().unwrap()).collect();
    let batch = otpvault::migration::Migration::batches(&two, 1).unwrap();
    let out = code(&batch[0].to_string(), "59");
    assert_eq!(out.code, Some(1));
    assert!(out.stderr.contains("holds 2 accounts"), "{}", out.stderr);
}

#[test]
fn help_explains_with_examples() {
    for args in [vec!["--help"], vec!["code", "--help"]] {
        let out = run(otpvault().args(&args));
        assert_eq!(out.code, Some(0));
        assert!(out.stdout.contains("Examples:"), "{args:?}: {}", out.stdout);
        assert!(out.stdout.contains("otpvault code --uri"), "{args:?}");
    }
}
