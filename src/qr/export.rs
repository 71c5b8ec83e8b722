//! QR export: a PNG and an SVG per account, and Google Authenticator migration codes (batched as
//! that app does) to move every account to a phone in a few scans.

use std::fs::{self, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

use image::{ImageFormat, Luma};
use qrcode::render::svg;
use qrcode::{EcLevel, QrCode};
use zeroize::Zeroizing;

use crate::account::Account;
use crate::migration::{Migration, MigrationError};

/// Pixels on a side of a PNG, at least: readable by a phone from a screen.
const PNG_SIDE: u32 = 480;

/// Why the export stopped; nothing is overwritten.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ExportError {
    #[error("{0} already exists: choose an empty folder, or move the old export away")]
    Exists(PathBuf),
    #[error("cannot write {path}: {source}")]
    Write { path: PathBuf, source: std::io::Error },
    #[error("{name}: too much data for one QR code ({reason})")]
    TooLong { name: String, reason: String },
    #[error("{0}")]
    Migration(#[from] MigrationError),
}

/// What an export wrote.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Exported {
    /// Every file written, in order: per account a PNG then an SVG, then the migration codes.
    pub files: Vec<PathBuf>,
    /// Accounts Google Authenticator cannot hold (Steam, 5/7/9/10 digits, a period other than
    /// 30 s): they have their own codes but are left out of the migration codes.
    pub not_in_migration: Vec<String>,
}

/// Writes into `dir` (created if missing) `NN-NAME.png` and `NN-NAME.svg` per account and
/// `google-authenticator-I-of-N.png`/`.svg` per migration batch. Refuses before writing
/// anything if one of those files exists. The files hold secrets: on Unix only the owner may
/// read them.
pub fn write(accounts: &[Account], dir: &Path, batch_id: i32) -> Result<Exported, ExportError> {
    let (portable, other): (Vec<Account>, Vec<Account>) =
        accounts.iter().cloned().partition(|a| Migration::batches(std::slice::from_ref(a), 0).is_ok());
    let batches = Migration::batches(&portable, batch_id)?;

    let mut planned: Vec<(String, Zeroizing<String>, String)> = Vec::new();
    for (index, account) in accounts.iter().enumerate() {
        let stem = format!("{:02}-{}", index + 1, file_safe(&account.display_name()));
        planned.push((stem, Zeroizing::new(account.to_string()), account.display_name()));
    }
    let count = batches.len();
    for (index, batch) in batches.iter().enumerate() {
        let stem = format!("google-authenticator-{}-of-{count}", index + 1);
        planned.push((stem.clone(), Zeroizing::new(batch.to_string()), stem));
    }

    let mut files = Vec::new();
    for (stem, _, _) in &planned {
        for extension in ["png", "svg"] {
            let path = dir.join(format!("{stem}.{extension}"));
            if path.exists() {
                return Err(ExportError::Exists(path));
            }
            files.push(path);
        }
    }
    let mut rendered = Vec::new();
    for (stem, text, name) in &planned {
        let (png_path, svg_path) = (dir.join(format!("{stem}.png")), dir.join(format!("{stem}.svg")));
        let code = QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M)
            .map_err(|e| ExportError::TooLong { name: name.clone(), reason: e.to_string() })?;
        let png = code.render::<Luma<u8>>().min_dimensions(PNG_SIDE, PNG_SIDE).build();
        let mut png_bytes = Zeroizing::new(Vec::new());
        png.write_to(&mut std::io::Cursor::new(&mut *png_bytes), ImageFormat::Png)
            .map_err(|e| ExportError::Write { path: png_path.clone(), source: std::io::Error::other(e) })?;
        let svg_text = Zeroizing::new(code.render::<svg::Color>().min_dimensions(PNG_SIDE, PNG_SIDE).build());
        rendered.push((png_path, png_bytes));
        rendered.push((svg_path, Zeroizing::new(svg_text.as_bytes().to_vec())));
    }
    fs::create_dir_all(dir).map_err(|source| ExportError::Write { path: dir.to_owned(), source })?;
    for (path, bytes) in &rendered {
        write_new(path, bytes)?;
    }
    Ok(Exported { files, not_in_migration: other.iter().map(Account::display_name).collect() })
}

/// Creates `path` (never replacing a file) readable by its owner only.
fn write_new(path: &Path, bytes: &[u8]) -> Result<(), ExportError> {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path).map_err(|source| match source.kind() {
        std::io::ErrorKind::AlreadyExists => ExportError::Exists(path.to_owned()),
        _ => ExportError::Write { path: path.to_owned(), source },
    })?;
    file.write_all(bytes)
        .and_then(|()| file.sync_all())
        .map_err(|source| ExportError::Write { path: path.to_owned(), source })
}

/// An account name as a file name: letters, digits, `-`, `.` and `@` kept, each run of
/// anything else one `_`.
fn file_safe(name: &str) -> String {
    let mapped: String = name
        .chars()
        .take(60)
        .map(|c| if c.is_alphanumeric() || matches!(c, '-' | '.' | '@') { c } else { '_' })
        .collect();
    let safe = mapped.split('_').filter(|part| !part.is_empty()).collect::<Vec<_>>().join("_");
    if safe.trim_matches('.').is_empty() { "account".to_owned() } else { safe }
}
