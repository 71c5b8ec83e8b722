//! QR import and export: one entry point, [`scan`], reads QR codes from files, image bytes, the
//! clipboard or the screen; [`entries`] turns the decoded texts into accounts.
//!
//! Decoding is CPU-bound and can take a noticeable fraction of a second on a large screenshot:
//! call [`scan`] off the GUI thread, and [`Cancel::cancel`] it when the user gives up.

pub mod capture;
pub mod clipboard;
pub mod decode;
pub mod export;
pub mod prepare;

use std::io::Cursor;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use image::{DynamicImage, ImageReader, Limits};

use crate::account::Account;
use crate::secret::Secret;
use crate::uri::OtpUri;

pub use decode::{Options, decode, decode_with};

/// Images wider or taller than this are refused before decoding (an 8K screen is 7680 wide).
pub const MAX_SIDE: u32 = 16_384;
/// The most memory the image decoder may allocate for one image.
pub const MAX_DECODE_BYTES: u64 = 512 * 1024 * 1024;

/// Why no QR text came out of an image.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum QrError {
    #[error("cannot read {path}: {source}")]
    Read { path: PathBuf, source: std::io::Error },
    #[error("{0} is not an image (PNG, JPEG, GIF, BMP, WebP, TIFF, ICO or PNM): save the QR code as one of those")]
    NotAnImage(String),
    #[error("{what} is damaged or truncated ({reason}): save or capture the image again")]
    Damaged { what: String, reason: String },
    #[error("{what} is too large to scan ({reason}): crop it to the QR code")]
    TooLarge { what: String, reason: String },
    #[error("no QR code found in {0}: make sure the whole code is visible, sharp and not cropped")]
    NoCode(String),
    #[error("scanning was cancelled")]
    Cancelled,
    #[error("cannot capture the screen: {0}")]
    Capture(String),
    #[error("cannot read the clipboard: {0}")]
    Clipboard(String),
    #[error("the clipboard holds no image: copy the QR code as an image, or paste the otpauth:// URI as text")]
    NoClipboardImage,
}

/// A cancellation flag shared between the caller and a running scan; checked between steps.
#[derive(Debug, Clone, Default)]
pub struct Cancel(Arc<AtomicBool>);

impl Cancel {
    pub fn new() -> Self {
        Self::default()
    }
    pub fn cancel(&self) {
        self.0.store(true, Ordering::Relaxed);
    }
    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }
    /// `Err(Cancelled)` once cancelled, so a step can bail out with `?`.
    pub fn check(&self) -> Result<(), QrError> {
        if self.is_cancelled() { Err(QrError::Cancelled) } else { Ok(()) }
    }
}

/// Where to look for QR codes.
#[derive(Debug, Clone)]
pub enum Source {
    /// An image file (a screenshot, a photo, a file dropped on the window).
    File(PathBuf),
    /// The bytes of an encoded image, with a name for messages.
    Bytes { name: String, bytes: Vec<u8> },
    /// An image already in memory.
    Image { name: String, image: DynamicImage },
    /// Every monitor.
    Screen,
    /// An image on the clipboard.
    Clipboard,
}

impl Source {
    /// How messages name this source.
    pub fn name(&self) -> String {
        match self {
            Source::File(path) => path.display().to_string(),
            Source::Bytes { name, .. } | Source::Image { name, .. } => name.clone(),
            Source::Screen => "the screen".to_owned(),
            Source::Clipboard => "the clipboard image".to_owned(),
        }
    }
}

/// Every QR text in the source, each once, in the order found. Errors with
/// [`QrError::NoCode`] when there is none, so a caller never mistakes "nothing" for success.
pub fn scan(source: &Source, cancel: &Cancel) -> Result<Vec<String>, QrError> {
    let images = match source {
        Source::File(path) => vec![load_file(path)?],
        Source::Bytes { name, bytes } => vec![load_bytes(name, bytes)?],
        Source::Image { image, .. } => vec![image.clone()],
        Source::Screen => capture::monitors()?,
        Source::Clipboard => vec![clipboard::image()?],
    };
    let mut texts = Vec::new();
    for image in &images {
        cancel.check()?;
        for text in decode(image, cancel)? {
            if !texts.contains(&text) {
                texts.push(text);
            }
        }
    }
    if texts.is_empty() {
        return Err(QrError::NoCode(source.name()));
    }
    Ok(texts)
}

/// Reads an image file with bounded memory: a decompression bomb is refused, not decoded.
pub fn load_file(path: &Path) -> Result<DynamicImage, QrError> {
    let bytes = std::fs::read(path).map_err(|source| QrError::Read { path: path.to_owned(), source })?;
    load_bytes(&path.display().to_string(), &bytes)
}

/// Decodes image bytes (any supported format, found from the content) within [`MAX_SIDE`] and
/// [`MAX_DECODE_BYTES`].
pub fn load_bytes(name: &str, bytes: &[u8]) -> Result<DynamicImage, QrError> {
    let mut reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| QrError::Damaged { what: name.to_owned(), reason: e.to_string() })?;
    if reader.format().is_none() {
        return Err(QrError::NotAnImage(name.to_owned()));
    }
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_DECODE_BYTES);
    reader.limits(limits);
    reader.decode().map_err(|error| match error {
        image::ImageError::Limits(e) => QrError::TooLarge { what: name.to_owned(), reason: e.to_string() },
        image::ImageError::Unsupported(_) => QrError::NotAnImage(name.to_owned()),
        other => QrError::Damaged { what: name.to_owned(), reason: other.to_string() },
    })
}

/// What one decoded QR text offers the user.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum Entry {
    /// An account from an `otpauth://` URI or from a Google Authenticator export.
    Account(Account),
    /// A bare base32 secret: the user supplies the name and settings.
    ManualSecret(Secret),
    /// A Google Authenticator export of `batch_size` codes of which these were not scanned.
    MissingBatches { batch_id: i32, batch_size: u32, missing: Vec<u32> },
    /// A text that holds no OTP account (a web address, a Wi-Fi code…), and why.
    NotOtp { text: String, reason: String },
}

/// Maps decoded texts to what they offer: every account of every migration batch, bare secrets
/// as manual entries, and a note of the export batches that were not among the texts.
pub fn entries(texts: &[String]) -> Vec<Entry> {
    let mut out = Vec::new();
    let mut batches: Vec<(i32, u32, Vec<u32>)> = Vec::new();
    for text in texts {
        let trimmed = text.trim();
        match trimmed.parse::<OtpUri>() {
            Ok(OtpUri::Migration(migration)) => {
                match batches.iter_mut().find(|(id, ..)| *id == migration.batch_id) {
                    Some((_, _, seen)) => seen.push(migration.batch_index),
                    None => batches.push((migration.batch_id, migration.batch_size, vec![migration.batch_index])),
                }
                out.extend(migration.accounts.into_iter().map(Entry::Account));
            }
            Ok(OtpUri::Account(account)) => out.push(Entry::Account(account)),
            Err(uri_error) => match bare_secret(trimmed) {
                Some(secret) => out.push(Entry::ManualSecret(secret)),
                None => out.push(Entry::NotOtp { text: text.clone(), reason: uri_error.to_string() }),
            },
        }
    }
    for (batch_id, batch_size, seen) in batches {
        let missing: Vec<u32> = (0..batch_size).filter(|i| !seen.contains(i)).collect();
        if !missing.is_empty() {
            out.push(Entry::MissingBatches { batch_id, batch_size, missing });
        }
    }
    out
}

/// A text that is nothing but a base32 secret of a plausible length (at least 80 bits).
fn bare_secret(text: &str) -> Option<Secret> {
    let symbols = text.chars().filter(|c| c.is_ascii_alphanumeric()).count();
    if symbols < 16 {
        return None;
    }
    text.parse::<Secret>().ok()
}
