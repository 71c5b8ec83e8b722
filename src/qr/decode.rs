//! The decoding pipeline: cheap attempts first, each further preparation step only when the
//! previous ones found nothing. `rqrr` decodes; `rxing` (a ZXing port) is the second opinion.

use std::cell::Cell;
use std::collections::HashSet;
use std::panic::{self, AssertUnwindSafe};
use std::sync::Once;

use image::{DynamicImage, GrayImage};
use rxing::common::HybridBinarizer;
use rxing::multi::MultipleBarcodeReader;
use rxing::multi::qrcode::QRCodeMultiReader;
use rxing::{BarcodeFormat, BinaryBitmap, DecodeHints, Luma8LuminanceSource};

use super::prepare::{self, Rect};
use super::{Cancel, QrError};

/// Which preparation steps run. The default runs them all; the benchmark turns them off one by
/// one to measure what each adds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Options {
    /// ZXing's reader on the image as it is, after rqrr found nothing.
    pub rxing: bool,
    /// ZXing's reader before rqrr rather than after it.
    pub rxing_first: bool,
    /// Transparency flattened onto black too (a light code on a transparent ground).
    pub alpha: bool,
    /// Light-on-dark codes inverted.
    pub invert: bool,
    /// Global (Otsu) and local thresholds.
    pub threshold: bool,
    /// Squarish dense regions cropped and enlarged: small codes in large screenshots.
    pub regions: bool,
    /// The whole image enlarged (tiny codes) or reduced (noise and blur), with a quiet zone.
    pub rescale: bool,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            rxing: true,
            rxing_first: false,
            alpha: true,
            invert: true,
            threshold: true,
            regions: true,
            rescale: true,
        }
    }
}

impl Options {
    /// rqrr on the grey image alone.
    pub fn plain() -> Self {
        Self {
            rxing: false,
            rxing_first: false,
            alpha: false,
            invert: false,
            threshold: false,
            regions: false,
            rescale: false,
        }
    }
}

/// Candidate regions tried per image; more rarely helps and costs time on busy screenshots.
const MAX_REGIONS: usize = 6;
/// Regions are enlarged towards this size (pixels on the longer side).
const REGION_TARGET_SIDE: u32 = 800;

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
    if options.rxing && options.rxing_first {
        attempt!(rxing(&gray));
    }
    attempt!(rqrr(&gray));
    if options.rxing && !options.rxing_first {
        attempt!(rxing(&gray));
    }
    if options.alpha && prepare::has_transparency(image) {
        let on_black = prepare::flatten(image, 0);
        attempt!(rqrr(&on_black));
        attempt!(rqrr(&prepare::invert(&on_black)));
    }
    if options.invert {
        attempt!(rqrr(&prepare::invert(&gray)));
    }
    if options.threshold {
        attempt!(rqrr(&prepare::otsu(&gray)));
        attempt!(rqrr(&prepare::local_threshold(&gray, local_radius(&gray))));
    }
    if options.regions {
        for region in prepare::candidate_regions(&gray, MAX_REGIONS) {
            attempt!(decode_region(&gray, region, options));
        }
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
        attempt!(rqrr(&smaller));
        if options.rxing {
            attempt!(rxing(&smaller));
        }
    }
    Ok(Vec::new())
}

/// One candidate region: cut out, enlarged, given a quiet zone, then decoded as it is,
/// inverted and thresholded.
fn decode_region(gray: &GrayImage, region: Rect, options: &Options) -> Vec<String> {
    let cut = prepare::crop(gray, region);
    let longest = cut.width().max(cut.height()).max(1);
    let factor = (REGION_TARGET_SIDE as f32 / longest as f32).clamp(1.0, 4.0);
    let border = (longest as f32 * factor / 20.0) as u32 + 4;
    let enlarged = prepare::with_quiet_zone(&prepare::rescale(&cut, factor), border);
    let mut texts = rqrr(&enlarged);
    if texts.is_empty() {
        texts = rqrr(&prepare::otsu(&enlarged));
    }
    if texts.is_empty() && options.invert {
        texts = rqrr(&prepare::with_quiet_zone(&prepare::invert(&prepare::rescale(&cut, factor)), border));
    }
    if texts.is_empty() && options.rxing {
        texts = rxing(&enlarged);
    }
    texts
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

/// Every code ZXing's QR reader finds in the grey image, light-on-dark ones included.
fn rxing(gray: &GrayImage) -> Vec<String> {
    contained(|| {
        let source = Luma8LuminanceSource::new(gray.as_raw().clone(), gray.width(), gray.height()).ok()?;
        let mut bitmap = BinaryBitmap::new(HybridBinarizer::new(source));
        let hints = DecodeHints {
            PossibleFormats: Some(HashSet::from([BarcodeFormat::QR_CODE])),
            TryHarder: Some(true),
            AlsoInverted: Some(true),
            ..DecodeHints::default()
        };
        let results = QRCodeMultiReader::new().decode_multiple_with_hints(&mut bitmap, &hints).ok()?;
        Some(results.iter().map(|result| result.getText().to_owned()).collect::<Vec<_>>())
    })
    .flatten()
    .unwrap_or_default()
}

/// QR byte segments hold UTF-8 in practice; the standard's default is ISO 8859-1.
fn text_of(bytes: Vec<u8>) -> String {
    String::from_utf8(bytes).unwrap_or_else(|error| error.into_bytes().iter().map(|&b| char::from(b)).collect())
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
