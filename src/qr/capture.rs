//! Screen capture: every monitor, for codes shown on a web page or in another app.

use image::DynamicImage;

use super::QrError;

/// One image per monitor. On X11 this reads the screen directly; on Wayland the desktop's
/// screenshot portal may ask the user first.
pub fn monitors() -> Result<Vec<DynamicImage>, QrError> {
    let monitors = xcap::Monitor::all().map_err(|e| QrError::Capture(e.to_string()))?;
    if monitors.is_empty() {
        return Err(QrError::Capture("no monitor found".to_owned()));
    }
    monitors
        .iter()
        .map(|monitor| {
            monitor.capture_image().map(DynamicImage::ImageRgba8).map_err(|e| QrError::Capture(e.to_string()))
        })
        .collect()
}
