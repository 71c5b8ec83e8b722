//! QR import and export: the committed images of each hard case decode to the texts they hold,
//! broken files get clear errors, our own export reads back, and the screen and clipboard work
//! on a virtual display.

use std::collections::BTreeMap;
use std::panic::{self, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::process::Command as Process;

use otpvault::Account;
use otpvault::qr::{self, Cancel, Entry, QrError, Source};

use crate::common::{fixture, otpvault, run};

fn expected() -> BTreeMap<String, Vec<String>> {
    let text = std::fs::read_to_string(fixture("qr/expected.json")).expect("expected.json is committed");
    serde_json::from_str(&text).expect("expected.json maps file names to texts")
}

fn scan_fixture(name: &str) -> Result<Vec<String>, QrError> {
    qr::scan(&Source::File(fixture(&format!("qr/{name}"))), &Cancel::new())
}

fn assert_decodes(name: &str) {
    let expected = &expected()[name];
    let mut found = scan_fixture(name).unwrap_or_else(|e| panic!("{name}: {e}"));
    found.sort();
    let mut wanted = expected.clone();
    wanted.sort();
    assert_eq!(found, wanted, "{name}");
}

#[test]
fn transparent_light_code_is_read_on_black() {
    assert_decodes("transparent.png");
}

#[test]
fn inverted_code() {
    assert_decodes("inverted.png");
}

#[test]
fn small_code_in_large_screenshot() {
    assert_decodes("small-in-screenshot.png");
}

#[test]
fn one_pixel_modules() {
    assert_decodes("one-pixel-modules.png");
}

#[test]
fn jpeg_noise() {
    assert_decodes("jpeg-noise.jpg");
}

#[test]
fn blur() {
    assert_decodes("blur.png");
}

#[test]
fn rotation() {
    assert_decodes("rotation.png");
}

#[test]
fn perspective() {
    assert_decodes("perspective.png");
}

#[test]
fn low_contrast() {
    assert_decodes("low-contrast.png");
}

#[test]
fn no_quiet_zone() {
    assert_decodes("no-quiet-zone.png");
}

#[test]
fn several_codes_in_one_image_each_once() {
    assert_decodes("several.png");
}

#[test]
fn light_code_on_dark_mode_page() {
    assert_decodes("dark-mode-page.png");
}

#[test]
fn code_of_about_one_pixel_a_module() {
    assert_decodes("tiny-nearest.jpg");
    assert_decodes("tiny-downscaled.png");
}

#[test]
fn every_committed_image_is_listed_and_decodes() {
    for name in expected().keys() {
        assert_decodes(name);
    }
}

#[test]
fn not_an_image_is_refused_clearly() {
    assert!(matches!(scan_fixture("not-an-image.png"), Err(QrError::NotAnImage(_))));
}

#[test]
fn truncated_image_is_refused_clearly() {
    assert!(matches!(scan_fixture("truncated.png"), Err(QrError::Damaged { .. })));
}

#[test]
fn decompression_bomb_is_refused_before_decoding() {
    assert!(matches!(scan_fixture("bomb.png"), Err(QrError::TooLarge { .. })));
}

#[test]
fn image_without_code_says_so() {
    let blank = image::DynamicImage::ImageLuma8(image::GrayImage::from_pixel(300, 200, image::Luma([255])));
    let error = qr::scan(&Source::Image { name: "blank".into(), image: blank }, &Cancel::new()).unwrap_err();
    assert!(matches!(error, QrError::NoCode(ref name) if name == "blank"), "{error}");
}

#[test]
fn a_cancelled_scan_stops() {
    let cancel = Cancel::new();
    cancel.cancel();
    let source = Source::File(fixture("qr/small-in-screenshot.png"));
    assert!(matches!(qr::scan(&source, &cancel), Err(QrError::Cancelled)));
}

#[test]
fn scanning_runs_off_the_calling_thread() {
    let source = Source::File(fixture("qr/inverted.png"));
    let worker = std::thread::spawn(move || qr::scan(&source, &Cancel::new()));
    assert_eq!(worker.join().unwrap().unwrap(), expected()["inverted.png"]);
}

#[test]
fn image_that_made_rqrr_panic_is_a_clean_result() {
    // ZXing's test image qrcode-6/7 panics inside rqrr 0.11; the panic must stay a miss.
    let result = scan_fixture("rqrr-panic.png");
    assert!(matches!(result, Ok(_) | Err(QrError::NoCode(_))), "{result:?}");
}

/// ZXing's test images with their texts (manifest.json), in `shared/` beside the repository as in CI.
fn shared_bench() -> (PathBuf, BTreeMap<String, Vec<String>>) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/bench/qr");
    let manifest = std::fs::read_to_string(dir.join("manifest.json"))
        .unwrap_or_else(|e| panic!("{}: {e} (shared/ sits beside the repository)", dir.display()));
    (dir, serde_json::from_str(&manifest).expect("manifest.json maps file names to texts"))
}

/// The manifest writes `\n` where some codes hold `\r\n`.
fn normalised(text: &str) -> String {
    text.replace("\r\n", "\n").replace('\r', "\n")
}

/// What the pipeline reads of the 179 images (zxing-cpp reads 165) less a small margin: fewer is
/// a regression.
const SHARED_BENCH_DECODED: usize = 165;

#[test]
fn shared_bench_scans_without_panic_and_decodes_its_texts() {
    let (dir, manifest) = shared_bench();
    let mut decoded = 0;
    for (name, texts) in &manifest {
        let source = Source::File(dir.join(name));
        let result = panic::catch_unwind(AssertUnwindSafe(|| qr::scan(&source, &Cancel::new())))
            .unwrap_or_else(|_| panic!("{name}: the scan panicked"));
        match result {
            Ok(found) => {
                let found: Vec<String> = found.iter().map(|t| normalised(t)).collect();
                if texts.iter().all(|text| found.contains(&normalised(text))) {
                    decoded += 1;
                }
            }
            Err(QrError::NoCode(_)) => {}
            Err(other) => panic!("{name}: {other}"),
        }
    }
    assert!(
        decoded >= SHARED_BENCH_DECODED,
        "{decoded} of {} decoded, {SHARED_BENCH_DECODED} expected",
        manifest.len()
    );
}

#[test]
fn texts_become_accounts_offers_and_notes() {
    let aws = &expected()["small-in-screenshot.png"][0];
    let bare = &expected()["bare-secret.png"][0];
    let entries = qr::entries(&[aws.clone(), bare.clone(), "https://example.com/".to_owned()]);
    assert_eq!(entries.len(), 3);
    match &entries[0] {
        Entry::Account(account) => {
            assert_eq!(account.issuer.as_deref(), Some("Amazon Web Services"));
            assert_eq!(account.secret.as_bytes().len(), 40);
        }
        other => panic!("expected an account, got {other:?}"),
    }
    match &entries[1] {
        Entry::ManualSecret(secret) => assert_eq!(&*secret.to_base32(), "JBSWY3DPEHPK3PXP"),
        other => panic!("expected a manual entry, got {other:?}"),
    }
    assert!(matches!(&entries[2], Entry::NotOtp { text, .. } if text == "https://example.com/"));
}

fn accounts(count: usize) -> Vec<Account> {
    (0..count)
        .map(|i| {
            format!(
                "otpauth://totp/Issuer{i}:user{i}%40example.com?secret=JBSWY3DPEHPK3PX{}&issuer=Issuer{i}",
                i % 6 + 2
            )
            .parse()
            .unwrap()
        })
        .collect()
}

fn png_files(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "png"))
        .collect();
    files.sort();
    files
}

#[test]
fn export_reads_back_account_by_account_and_as_migration_batches() {
    let mut accounts = accounts(12);
    accounts.push("otpauth://totp/Steam:gamer?secret=JBSWY3DPEHPK3PXP&encoder=steam&issuer=Steam".parse().unwrap());
    let dir = tempfile::tempdir().unwrap();
    let exported = qr::export::write(&accounts, dir.path(), 42).unwrap();
    assert_eq!(exported.not_in_migration, vec![accounts[12].display_name()]);
    // 13 accounts and 2 migration batches, each as PNG and SVG.
    assert_eq!(exported.files.len(), (13 + 2) * 2);
    for file in &exported.files {
        assert!(file.exists(), "{}", file.display());
    }
    let svg = std::fs::read_to_string(dir.path().join("01-Issuer0_user0@example.com.svg")).unwrap();
    assert!(svg.contains("<svg"));

    let mut from_single = Vec::new();
    let mut from_batches = Vec::new();
    for png in png_files(dir.path()) {
        let texts = qr::scan(&Source::File(png.clone()), &Cancel::new()).unwrap();
        assert_eq!(texts.len(), 1, "{}", png.display());
        let is_batch = png.file_name().unwrap().to_string_lossy().starts_with("google-authenticator");
        for entry in qr::entries(&texts) {
            match entry {
                Entry::Account(account) if is_batch => from_batches.push(account),
                Entry::Account(account) => from_single.push(account),
                // Each batch scanned alone lacks the others; all of them are checked below.
                Entry::MissingBatches { .. } if is_batch => {}
                other => panic!("unexpected {other:?}"),
            }
        }
    }
    assert_eq!(from_single.len(), accounts.len());
    for account in &accounts {
        assert!(from_single.iter().any(|a| a == account), "{} not read back", account.display_name());
    }
    assert_eq!(from_batches, accounts[..12].to_vec());
}

#[test]
fn export_never_overwrites() {
    let dir = tempfile::tempdir().unwrap();
    let first = qr::export::write(&accounts(1), dir.path(), 1).unwrap();
    let before = std::fs::read(&first.files[0]).unwrap();
    let error = qr::export::write(&accounts(2), dir.path(), 2).unwrap_err();
    assert!(matches!(error, qr::export::ExportError::Exists(_)), "{error}");
    assert_eq!(std::fs::read(&first.files[0]).unwrap(), before);
    assert_eq!(png_files(dir.path()).len(), 2, "nothing new was written");
}

#[test]
fn missing_migration_batches_are_reported() {
    let batches = otpvault::migration::Migration::batches(&accounts(25), 9).unwrap();
    let texts: Vec<String> = [&batches[0], &batches[2]].iter().map(|b| b.to_string()).collect();
    let entries = qr::entries(&texts);
    assert_eq!(entries.iter().filter(|e| matches!(e, Entry::Account(_))).count(), 15);
    assert!(entries.iter().any(|e| matches!(e,
        Entry::MissingBatches { batch_id: 9, batch_size: 3, missing } if missing == &[1])));
}

#[test]
fn cli_prints_every_text_of_every_file() {
    let expected = expected();
    let out = run(otpvault().args(["scan"]).arg(fixture("qr/several.png")).arg(fixture("qr/inverted.png")));
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    let mut lines: Vec<&str> = out.stdout.lines().collect();
    lines.sort();
    let mut wanted: Vec<&str> =
        expected["several.png"].iter().chain(&expected["inverted.png"]).map(String::as_str).collect();
    wanted.sort();
    assert_eq!(lines, wanted);
}

#[test]
fn cli_json_holds_exact_texts() {
    let out = run(otpvault().args(["scan", "--json"]).arg(fixture("qr/no-quiet-zone.png")));
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    let report: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(report[0]["texts"][0], expected()["no-quiet-zone.png"][0]);
}

#[test]
fn cli_errors_name_the_file_and_fail() {
    for (name, words) in [
        ("not-an-image.png", "is not an image"),
        ("truncated.png", "damaged or truncated"),
        ("bomb.png", "too large to scan"),
    ] {
        let path = fixture(&format!("qr/{name}"));
        let out = run(otpvault().arg("scan").arg(&path));
        assert_ne!(out.code, Some(0), "{name}");
        assert!(out.stderr.contains(words) && out.stderr.contains(name), "{name}: {}", out.stderr);
        assert_eq!(out.stderr.lines().count(), 1, "{name}: one line: {}", out.stderr);
    }
    let blank = tempfile::Builder::new().suffix(".png").tempfile().unwrap();
    image::GrayImage::from_pixel(64, 64, image::Luma([255])).save(blank.path()).unwrap();
    let out = run(otpvault().arg("scan").arg(blank.path()));
    assert_ne!(out.code, Some(0));
    assert!(out.stderr.contains(&format!("no QR code found in {}", blank.path().display())), "{}", out.stderr);
}

/// Runs a shell script on a fresh virtual X display of its own (never the user's desktop).
fn on_virtual_display(script: &str) -> crate::common::Outcome {
    let binary = assert_cmd::cargo::cargo_bin("otpvault");
    run(&mut assert_cmd::Command::from_std({
        let mut command = Process::new("xvfb-run");
        command.args(["-a", "-s", "-screen 0 1024x768x24", "sh", "-c", script]).env("OTPVAULT", binary);
        command.env_remove("WAYLAND_DISPLAY").env_remove("XDG_SESSION_TYPE");
        command
    }))
}

#[test]
fn clipboard_image_is_scanned() {
    let png = fixture("qr/inverted.png");
    let out = on_virtual_display(&format!(
        "xclip -selection clipboard -t image/png -i '{}' && sleep 0.3 && \"$OTPVAULT\" scan --clipboard",
        png.display()
    ));
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert_eq!(out.stdout.trim_end(), expected()["inverted.png"][0]);
}

#[test]
fn empty_clipboard_says_what_to_do() {
    let out = on_virtual_display("\"$OTPVAULT\" scan --clipboard");
    assert_ne!(out.code, Some(0));
    assert!(out.stderr.contains("clipboard"), "{}", out.stderr);
}

#[test]
fn the_screen_is_captured_and_scanned() {
    let page = fixture("qr/dark-mode-page.png");
    // ImageMagick's viewer shows the page on the virtual screen; the scan captures every monitor.
    let out = on_virtual_display(&format!(
        "display -geometry +40+40 '{}' & viewer=$!; sleep 2; \"$OTPVAULT\" scan --screen; status=$?; kill $viewer; exit $status",
        page.display()
    ));
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert_eq!(out.stdout.trim_end(), expected()["dark-mode-page.png"][0]);
}

#[test]
fn an_empty_screen_says_no_code() {
    let out = on_virtual_display("\"$OTPVAULT\" scan --screen");
    assert_ne!(out.code, Some(0));
    assert!(out.stderr.contains("no QR code found in the screen"), "{}", out.stderr);
}
