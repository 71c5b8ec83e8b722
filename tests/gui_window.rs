//! The real binary opens a real window: run under Xvfb, screenshot it, check something was drawn.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Kills a child process when the test ends, passed or not.
struct Reaped(Child);

impl Drop for Reaped {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn screenshot(display: &str, out: &Path) -> bool {
    Command::new("import")
        .args(["-display", display, "-window", "root"])
        .arg(out)
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// Distinct colours inside the window's area: a blank or unpainted window has one or two.
fn colours(path: &Path) -> usize {
    let image = image::open(path).expect("the screenshot is a PNG").to_rgb8();
    let mut seen: Vec<[u8; 3]> = image.pixels().map(|p| p.0).collect();
    seen.sort_unstable();
    seen.dedup();
    seen.len()
}

#[test]
fn the_binary_draws_its_window_under_xvfb() {
    let display = format!(":{}", 90 + std::process::id() % 500);
    let _xvfb = Reaped(
        Command::new("Xvfb")
            .args([display.as_str(), "-screen", "0", "800x700x24", "-nolisten", "tcp"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("Xvfb is installed (.ci/setup)"),
    );
    let home = tempfile::tempdir().unwrap();
    let shots = tempfile::tempdir().unwrap();
    std::thread::sleep(Duration::from_millis(500));
    let _app = Reaped(
        Command::new(env!("CARGO_BIN_EXE_otpvault"))
            .env("DISPLAY", &display)
            .env_remove("WAYLAND_DISPLAY")
            .env("HOME", home.path())
            .env("XDG_DATA_HOME", home.path().join("data"))
            .env("XDG_CONFIG_HOME", home.path().join("config"))
            .env_remove("OTPVAULT_VAULT")
            .env_remove("OTPVAULT_PASSWORD")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("the otpvault binary runs"),
    );
    let shot = shots.path().join("window.png");
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut best = 0;
    while Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(500));
        if screenshot(&display, &shot) {
            best = colours(&shot);
            // Text is antialiased: a drawn window with words on it has dozens of shades.
            if best > 40 {
                break;
            }
        }
    }
    if let Ok(dir) = std::env::var("OTPVAULT_SCREENSHOT_DIR") {
        let _ = std::fs::copy(&shot, Path::new(&dir).join("xvfb-window.png"));
    }
    assert!(best > 40, "the window looks blank: {best} colours on screen");
}
