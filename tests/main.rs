//! Integration tests: one binary, a module per topic.

mod common;

mod cli_code;
mod oathtool;
mod otp_vectors;
mod qr;
mod roundtrip;
