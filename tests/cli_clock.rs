//! `otpvault clock` against a time server on this machine that answers as NTP servers do, with a
//! time chosen by the test.

use std::net::UdpSocket;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use otpvault::clock::{FixedClock, NtpServer, TimeSource};

use crate::common::{otpvault, run};

/// Seconds from the NTP era (1900) to the Unix epoch.
const NTP_TO_UNIX: u64 = 2_208_988_800;

fn ntp_timestamp(unix: Duration) -> [u8; 8] {
    let seconds = (unix.as_secs() + NTP_TO_UNIX) as u32;
    let fraction = ((u64::from(unix.subsec_nanos()) << 32) / 1_000_000_000) as u32;
    let mut bytes = [0; 8];
    bytes[..4].copy_from_slice(&seconds.to_be_bytes());
    bytes[4..].copy_from_slice(&fraction.to_be_bytes());
    bytes
}

/// Answers one SNTP request with the local time shifted by `ahead_seconds`; returns its address.
fn time_server(ahead_seconds: i64) -> String {
    let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
    let address = socket.local_addr().unwrap().to_string();
    std::thread::spawn(move || {
        let mut request = [0u8; 48];
        let (_, client) = socket.recv_from(&mut request).unwrap();
        let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap();
        let shifted = if ahead_seconds >= 0 {
            now + Duration::from_secs(ahead_seconds.unsigned_abs())
        } else {
            now - Duration::from_secs(ahead_seconds.unsigned_abs())
        };
        let mut reply = [0u8; 48];
        reply[0] = 0b00_100_100; // no leap warning, version 4, server mode
        reply[1] = 1; // stratum 1: a primary reference
        reply[24..32].copy_from_slice(&request[40..48]); // originate = the client's transmit time
        reply[32..40].copy_from_slice(&ntp_timestamp(shifted)); // receive
        reply[40..48].copy_from_slice(&ntp_timestamp(shifted)); // transmit
        socket.send_to(&reply, client).unwrap();
    });
    address
}

#[test]
fn a_right_clock_passes() {
    let server = time_server(0);
    let out = run(otpvault().args(["clock", "--server", &server]));
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert!(out.stdout.starts_with("the clock is"), "{}", out.stdout);
    assert!(out.stdout.contains(&server));
}

#[test]
fn a_clock_a_minute_behind_is_reported_with_its_correction() {
    let server = time_server(60);
    let out = run(otpvault().args(["clock", "--server", &server]));
    assert_eq!(out.code, Some(12), "{}", out.stderr);
    assert!(out.stdout.contains("s behind"), "{}", out.stdout);
    assert!(out.stderr.contains("will be refused"), "{}", out.stderr);
    let correction: i64 =
        out.stderr.split("correction of ").nth(1).unwrap().split(' ').next().unwrap().parse().unwrap();
    assert!((59..=61).contains(&correction), "{correction}");
}

#[test]
fn skew_is_measured_against_the_clock_codes_use() {
    // The codes' clock runs an hour ahead of the computer's; the server agrees with the computer.
    let server = NtpServer { host: time_server(0) };
    let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap();
    let skew = server.skew(&FixedClock::at(now + Duration::from_secs(3600))).unwrap();
    assert!((-3601..=-3599).contains(&skew.correction_seconds), "{skew:?}");
}

#[test]
fn an_unreachable_server_is_a_clear_failure() {
    // A port nobody answers on: the request times out.
    let silent = UdpSocket::bind("127.0.0.1:0").unwrap();
    let server = silent.local_addr().unwrap().to_string();
    let out = run(otpvault().args(["clock", "--server", &server]));
    assert_eq!(out.code, Some(1), "{}", out.stderr);
    assert!(out.stderr.starts_with("otpvault: no answer from the time server"), "{}", out.stderr);
}
