//! Helpers shared by the integration tests.

use std::path::PathBuf;

use assert_cmd::Command;

pub mod expected;

/// A file under `tests/fixtures/`, found from the crate root rather than the current directory.
pub fn fixture(relative: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(relative)
}

/// The real `otpvault` binary, isolated from the user's own vault and environment.
pub fn otpvault() -> Command {
    let mut command = Command::cargo_bin("otpvault").expect("the otpvault binary is built");
    command.env_remove("OTPVAULT_VAULT").env_remove("OTPVAULT_PASSWORD");
    command
}

/// What a finished command printed, as text.
pub struct Outcome {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

pub fn run(command: &mut Command) -> Outcome {
    let output = command.output().expect("otpvault runs");
    Outcome {
        code: output.status.code(),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}
