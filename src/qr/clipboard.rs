//! The clipboard's image, for a QR code copied from a browser or a screenshot tool.

use image::{DynamicImage, RgbaImage};

use super::QrError;

/// The image on the clipboard.
pub fn image() -> Result<DynamicImage, QrError> {
    let mut clipboard = arboard::Clipboard::new().map_err(|e| QrError::Clipboard(e.to_string()))?;
    let data = clipboard.get_image().map_err(|error| match error {
        arboard::Error::ContentNotAvailable => QrError::NoClipboardImage,
        other => QrError::Clipboard(other.to_string()),
    })?;
    let (width, height) = (data.width as u32, data.height as u32);
    RgbaImage::from_raw(width, height, data.bytes.into_owned())
        .map(DynamicImage::ImageRgba8)
        .ok_or_else(|| QrError::Clipboard("the clipboard image has an inconsistent size".to_owned()))
}
