//! The decoding pipeline: cheap attempts first, each further preparation step only when the
//! previous ones found nothing. ZXing's reader (rxing's port of zxing-cpp) decodes first: it is
//! fast and reads most images; `rqrr` is the second opinion on small images and enlarged crops.

use std::cell::Cell;
use std::collections::HashSet;
use std::panic::{self, AssertUnwindSafe};
use std::sync::Once;

use image::{DynamicImage, GrayImage};
use rxing::common::string_utils::guessCharset;
use rxing::common::{GlobalHistogramBinarizer, HybridBinarizer};
use rxing::multi::MultipleBarcodeReader;
use rxing::multi::qrcode::QRCodeMultiReader;
use rxing::qrcode::cpp_port::QrReader;
use rxing::{BarcodeFormat, Binarizer, BinaryBitmap, DecodeHints, Luma8LuminanceSource};

use super::prepare::{self, Rect};
use super::{Cancel, QrError};

/// Which preparation steps run after ZXing's reader on the grey image. The default runs them all;
/// the benchmark turns them off one by one to measure what each adds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Options {
    /// ZXing's reader on the inverted image: light-on-dark codes (dark-mode pages).
    pub invert: bool,
    /// Transparency flattened onto black too (a light code on a transparent ground).
    pub alpha: bool,
    /// Squarish dense regions cropped and enlarged: small codes in large screenshots.
    pub regions: bool,
    /// rqrr on the whole grey image, when it is small enough for rqrr to stay fast.
    pub rqrr: bool,
    /// Global (Otsu) and local thresholds read by rqrr: low contrast, uneven light (small images
    /// and region crops).
    pub threshold: bool,
    /// The whole image enlarged (tiny codes) or reduced (noise and blur), with a quiet zone.
    pub rescale: bool,
}

impl Default for Options {
    fn default() -> Self {
        Self { invert: true, alpha: true, rqrr: true, regions: true, threshold: true, rescale: true }
    }
}

impl Options {
    /// ZXing's reader on the grey image alone.
    pub fn plain() -> Self {
        Self { invert: false, alpha: false, rqrr: false, regions: false, threshold: false, rescale: false }
    }
}

/// Candidate regions tried per image; more rarely helps and costs time on busy screenshots.
const MAX_REGIONS: usize = 6;
/// Regions are enlarged towards this size (pixels on the longer side).
const REGION_TARGET_SIDE: u32 = 800;
/// rqrr reads a whole image only up to this many pixels: on large noisy screenshots its search
/// for finder patterns takes seconds, and ZXing's reader already covers them.
const RQRR_MAX_PIXELS: u64 = 1024 * 1024;

/// Every QR text in the image, each once; empty when none was found.
pub fn decode(image: &DynamicImage, cancel: &Cancel) -> Result<Vec<String>, QrError> {
    decode_with(image, &Options::default(), cancel)
}

/// [`decode`] with a chosen set of preparation steps.
pub fn decode_with(image: &DynamicImage, options: &Options, cancel: &Cancel) -> Result<Vec<String>, QrError> {
    macro_rules! attempt {
        ($texts:expr) => {
            cancel.check()?;
            let texts: Vec<String> = $texts;
            if !texts.is_empty() {
                return Ok(unique(texts));
            }
        };
    }
    let gray = prepare::flatten(image, 255);
    // One threshold for the whole image first: a screenshot is evenly lit, and this binarizer is
    // two to three times faster than the local one, which then reads the rest.
    attempt!(zxing_global_then_local(gray.clone()));
    if options.invert {
        attempt!(zxing_global_then_local(prepare::invert(&gray)));
    }
    if options.alpha && prepare::has_transparency(image) {
        let on_black = prepare::flatten(image, 0);
        attempt!(zxing(&on_black));
        attempt!(rqrr(&on_black));
        attempt!(rqrr(&prepare::invert(&on_black)));
    }
    // Regions before rqrr on the whole image: on screenshots they read ten times as many codes.
    if options.regions {
        for region in prepare::candidate_regions(&gray, MAX_REGIONS) {
            attempt!(decode_region(&gray, region, options));
        }
    }
    let small = pixels(&gray) <= RQRR_MAX_PIXELS;
    if options.rqrr && small {
        attempt!(rqrr(&gray));
    }
    if options.threshold && small {
        attempt!(rqrr(&prepare::otsu(&gray)));
        attempt!(rqrr(&prepare::local_threshold(&gray, local_radius(&gray))));
    }
    if options.rescale {
        let longest = gray.width().max(gray.height());
        if longest < REGION_TARGET_SIDE {
            let factor = (REGION_TARGET_SIDE / longest.max(1)).clamp(2, 8) as f32;
            let larger = prepare::with_quiet_zone(&prepare::rescale(&gray, factor), 16);
            attempt!(rqrr(&larger));
            attempt!(rqrr(&prepare::otsu(&larger)));
        }
        let smaller = prepare::with_quiet_zone(&prepare::rescale(&gray, 0.5), 16);
        attempt!(zxing(&smaller));
        if options.invert {
            attempt!(zxing(&prepare::invert(&smaller)));
        }
        if pixels(&smaller) <= RQRR_MAX_PIXELS {
            attempt!(rqrr(&smaller));
            // Halving and thresholding turns the picture inside a designer code (ZXing's
            // qrcode-2/13) back into plain modules.
            if options.threshold {
                attempt!(rqrr(&prepare::otsu(&smaller)));
            }
        }
    }
    Ok(Vec::new())
}

/// One candidate region: cut out, enlarged, given a quiet zone, then decoded. ZXing's reader
/// gets a smoothly enlarged copy; its Java-port reader and rqrr get one enlarged pixel by pixel,
/// which reads the crisp 1-2 pixel modules of a small code in a screenshot best.
fn decode_region(gray: &GrayImage, region: Rect, options: &Options) -> Vec<String> {
    let cut = prepare::crop(gray, region);
    let longest = cut.width().max(cut.height()).max(1);
    let factor = (REGION_TARGET_SIDE / longest).clamp(1, 4) as f32;
    let border = (longest as f32 * factor / 20.0) as u32 + 4;
    let smooth = prepare::enlarge_smooth(&cut, factor);
    let sharp = prepare::rescale(&cut, factor);
    let framed = |image: &GrayImage| prepare::with_quiet_zone(image, border);
    let mut attempts: Vec<Box<dyn Fn() -> Vec<String>>> = vec![
        Box::new(|| zxing(&framed(&smooth))),
        Box::new(|| zxing_java(&framed(&sharp))),
        Box::new(|| rqrr(&framed(&sharp))),
    ];
    if options.invert {
        attempts.push(Box::new(|| zxing(&framed(&prepare::invert(&smooth)))));
        attempts.push(Box::new(|| rqrr(&framed(&prepare::invert(&sharp)))));
    }
    if options.threshold {
        attempts.push(Box::new(|| rqrr(&prepare::otsu(&framed(&sharp)))));
    }
    attempts.iter().map(|attempt| attempt()).find(|texts| !texts.is_empty()).unwrap_or_default()
}

fn pixels(image: &GrayImage) -> u64 {
    u64::from(image.width()) * u64::from(image.height())
}

/// A neighbourhood of about 1/40 of the image: a few modules of a code filling a good part of it.
fn local_radius(gray: &GrayImage) -> u32 {
    (gray.width().min(gray.height()) / 40).clamp(4, 64)
}

fn unique(texts: Vec<String>) -> Vec<String> {
    let mut seen = HashSet::new();
    texts.into_iter().filter(|text| seen.insert(text.clone())).collect()
}

/// Every code rqrr finds and decodes in the grey image.
fn rqrr(gray: &GrayImage) -> Vec<String> {
    let (width, height) = (gray.width() as usize, gray.height() as usize);
    let pixels = gray.as_raw();
    contained(|| {
        let mut prepared = rqrr::PreparedImage::prepare_from_greyscale(width, height, |x, y| pixels[y * width + x]);
        prepared
            .detect_grids()
            .iter()
            .filter_map(|grid| {
                let mut bytes = Vec::new();
                // A grid that makes the decoder panic is skipped; the others still count.
                contained(|| grid.decode_to(&mut bytes).ok()).flatten()?;
                Some(text_of(bytes))
            })
            .collect()
    })
    .unwrap_or_default()
}

/// Every code ZXing's QR reader finds in the grey image (dark-on-light only: the inverted image
/// is a step of its own), thresholded locally. Its texts honour ECI and guess Shift_JIS the way
/// ZXing does.
fn zxing(gray: &GrayImage) -> Vec<String> {
    Luma8LuminanceSource::new(gray.as_raw().clone(), gray.width(), gray.height())
        .map(|source| read(HybridBinarizer::new(source)))
        .unwrap_or_default()
}

/// [`zxing`] with one threshold for the whole image (from its histogram) first, and local ones
/// only when that finds nothing; both read the same copy of the pixels.
fn zxing_global_then_local(gray: GrayImage) -> Vec<String> {
    let (width, height) = gray.dimensions();
    let Ok(source) = Luma8LuminanceSource::new(gray.into_raw(), width, height) else {
        return Vec::new();
    };
    let texts = read(GlobalHistogramBinarizer::new(source.clone()));
    if texts.is_empty() { read(HybridBinarizer::new(source)) } else { texts }
}

/// The texts of every code zxing-cpp's QR reader finds in the binarized image.
fn read<B: Binarizer>(binarizer: B) -> Vec<String> {
    contained(|| {
        let mut bitmap = BinaryBitmap::new(binarizer);
        let results = QrReader.decode_multiple_with_hints(&mut bitmap, &hints()).ok()?;
        Some(results.iter().map(|result| result.getText().to_owned()).collect::<Vec<_>>())
    })
    .flatten()
    .unwrap_or_default()
}

/// ZXing's older reader (rxing's port of the Java library): on enlarged crops of small codes
/// it finds finder patterns the zxing-cpp port misses.
fn zxing_java(gray: &GrayImage) -> Vec<String> {
    contained(|| {
        let source = Luma8LuminanceSource::new(gray.as_raw().clone(), gray.width(), gray.height()).ok()?;
        let mut bitmap = BinaryBitmap::new(HybridBinarizer::new(source));
        let results = QRCodeMultiReader::new().decode_multiple_with_hints(&mut bitmap, &hints()).ok()?;
        Some(results.iter().map(|result| result.getText().to_owned()).collect::<Vec<_>>())
    })
    .flatten()
    .unwrap_or_default()
}

fn hints() -> DecodeHints {
    DecodeHints {
        PossibleFormats: Some(HashSet::from([BarcodeFormat::QR_CODE])),
        TryHarder: Some(true),
        ..DecodeHints::default()
    }
}

/// rqrr hands over the raw bytes and drops the ECI designator: UTF-8 when they are valid UTF-8
/// (what otpauth URIs use), else the charset ZXing would guess (Shift_JIS for Kanji segments and
/// Japanese byte text, ISO 8859-1 by the standard's default).
fn text_of(bytes: Vec<u8>) -> String {
    String::from_utf8(bytes).unwrap_or_else(|error| {
        let bytes = error.into_bytes();
        guessCharset(&bytes, &DecodeHints::default())
            .and_then(|charset| charset.decode(&bytes).ok())
            .unwrap_or_else(|| bytes.iter().map(|&b| char::from(b)).collect())
    })
}

thread_local! {
    static CONTAINING: Cell<u32> = const { Cell::new(0) };
}

/// Runs a decoder that may panic on hostile input (rqrr does on some images): a panic is a miss,
/// reported as `None`, and its message is not printed.
fn contained<T>(decoder: impl FnOnce() -> T) -> Option<T> {
    static QUIET_HOOK: Once = Once::new();
    QUIET_HOOK.call_once(|| {
        let previous = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            if CONTAINING.with(Cell::get) == 0 {
                previous(info);
            }
        }));
    });
    CONTAINING.with(|depth| depth.set(depth.get() + 1));
    let result = panic::catch_unwind(AssertUnwindSafe(decoder));
    CONTAINING.with(|depth| depth.set(depth.get() - 1));
    result.ok()
}

#[cfg(test)]
mod tests {
    use super::text_of;

    #[test]
    fn rqrr_bytes_take_the_charset_zxing_would_guess() {
        assert_eq!(
            text_of("otpauth://totp/Zoë?secret=JBSWY3DPEHPK3PXP".into()),
            "otpauth://totp/Zoë?secret=JBSWY3DPEHPK3PXP"
        );
        // Kanji segments and Japanese byte text come out as Shift_JIS (ZXing's qrcode-2/31 and /17).
        let kanji =
            vec![0x8D, 0xA1, 0x93, 0x78, 0x82, 0xCC, 0x83, 0x6F, 0x81, 0x5B, 0x83, 0x57, 0x83, 0x87, 0x83, 0x93];
        assert_eq!(text_of(kanji), "今度のバージョン");
        assert_eq!(text_of(vec![0xC3, 0xDE, 0xBB, 0xDE, 0xB2, 0xDD, 0x51, 0x52]), "ﾃﾞｻﾞｲﾝQR");
        assert_eq!(text_of(vec![0x63, 0x61, 0x66, 0xE9]), "café");
    }
}
