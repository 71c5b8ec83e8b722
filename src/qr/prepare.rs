//! Image preparation steps of the decoding pipeline: each makes one kind of hard image (transparent,
//! inverted, noisy, tiny, a code lost in a large screenshot) look like a plain QR code to a decoder.

use image::imageops::{self, FilterType};
use image::{DynamicImage, GrayImage, Luma};
use imageproc::contrast::{ThresholdType, adaptive_threshold, otsu_level, threshold};

/// No preparation step makes an image wider or taller than this, so time stays bounded.
pub const MAX_UPSCALED_SIDE: u32 = 1600;

/// A rectangle of pixels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rect {
    pub x: u32,
    pub y: u32,
    pub width: u32,
    pub height: u32,
}

/// Whether any pixel is not fully opaque.
pub fn has_transparency(image: &DynamicImage) -> bool {
    match image {
        DynamicImage::ImageRgba8(rgba) => rgba.as_raw().chunks_exact(4).any(|pixel| pixel[3] < 255),
        other => other.color().has_alpha() && other.to_luma_alpha8().pixels().any(|p| p.0[1] < 255),
    }
}

/// Grey levels with transparency flattened onto a `background` grey (255 white, 0 black): a code
/// drawn in dark on a transparent ground needs white under it, a light one needs black.
///
/// Screenshots and photos (8-bit RGB and RGBA) are converted in one pass over the raw bytes: the
/// `image` crate's per-pixel conversion took 12 ms on a 1080p screenshot, longer than decoding it.
pub fn flatten(image: &DynamicImage, background: u8) -> GrayImage {
    let (width, height) = (image.width(), image.height());
    match image {
        DynamicImage::ImageLuma8(luma) => luma.clone(),
        DynamicImage::ImageRgb8(rgb) => {
            let mut gray = GrayImage::new(width, height);
            for (out, pixel) in gray.iter_mut().zip(rgb.as_raw().chunks_exact(3)) {
                *out = luma(pixel);
            }
            gray
        }
        DynamicImage::ImageRgba8(rgba) => {
            let mut gray = GrayImage::new(width, height);
            for (out, pixel) in gray.iter_mut().zip(rgba.as_raw().chunks_exact(4)) {
                *out = over(luma(pixel), pixel[3], background);
            }
            gray
        }
        other if !other.color().has_alpha() => other.to_luma8(),
        other => {
            let mut gray = GrayImage::new(width, height);
            for (out, pixel) in gray.iter_mut().zip(other.to_luma_alpha8().pixels()) {
                let [value, alpha] = pixel.0;
                *out = over(value, alpha, background);
            }
            gray
        }
    }
}

/// Rec. 709 luma (the `image` crate's weights, 0.2126, 0.7152 and 0.0722) in 16-bit fixed point:
/// a shift per pixel rather than a division.
fn luma(rgb: &[u8]) -> u8 {
    let [r, g, b] = [rgb[0], rgb[1], rgb[2]].map(u32::from);
    ((13_933 * r + 46_871 * g + 4_732 * b) >> 16) as u8
}

/// `value` at opacity `alpha` over `background`.
fn over(value: u8, alpha: u8, background: u8) -> u8 {
    let (value, alpha, background) = (u32::from(value), u32::from(alpha), u32::from(background));
    ((value * alpha + background * (255 - alpha)) / 255) as u8
}

/// Light-on-dark becomes dark-on-light.
pub fn invert(image: &GrayImage) -> GrayImage {
    let mut inverted = image.clone();
    imageops::invert(&mut inverted);
    inverted
}

/// Black and white at the level that best separates the image's two tones (Otsu's method): for
/// low contrast and grey backgrounds.
pub fn otsu(image: &GrayImage) -> GrayImage {
    threshold(image, otsu_level(image), ThresholdType::Binary)
}

/// Black and white by comparing each pixel with the mean of its neighbourhood: for uneven light,
/// shadows and gradients across a photo.
pub fn local_threshold(image: &GrayImage, radius: u32) -> GrayImage {
    adaptive_threshold(image, radius.max(1), 0)
}

/// The image inside a white border (a quiet zone) `border` pixels wide, for codes cropped to
/// their edge.
pub fn with_quiet_zone(image: &GrayImage, border: u32) -> GrayImage {
    let mut padded = GrayImage::from_pixel(image.width() + 2 * border, image.height() + 2 * border, Luma([255]));
    imageops::replace(&mut padded, image, i64::from(border), i64::from(border));
    padded
}

/// The image scaled by `factor`, its larger side capped at [`MAX_UPSCALED_SIDE`] when enlarging.
/// Whole factors enlarge pixel by pixel, so 1-pixel modules stay sharp; reducing averages the
/// pixels each output pixel covers, which also smooths noise and is fast on large images.
pub fn rescale(image: &GrayImage, factor: f32) -> GrayImage {
    let (width, height, factor) = scaled_size(image, factor);
    if factor < 1.0 {
        return imageops::thumbnail(image, width, height);
    }
    let filter = if factor.fract() == 0.0 { FilterType::Nearest } else { FilterType::Triangle };
    imageops::resize(image, width, height, filter)
}

/// The image enlarged by `factor` (capped like [`rescale`]) with a smooth cubic filter: a code of
/// one or two pixels a module, blurred or resampled, gets edges a binarizer can place.
pub fn enlarge_smooth(image: &GrayImage, factor: f32) -> GrayImage {
    let (width, height, _) = scaled_size(image, factor.max(1.0));
    imageops::resize(image, width, height, FilterType::CatmullRom)
}

fn scaled_size(image: &GrayImage, factor: f32) -> (u32, u32, f32) {
    let longest = image.width().max(image.height()) as f32;
    let factor = if factor > 1.0 { factor.min(MAX_UPSCALED_SIDE as f32 / longest).max(1.0) } else { factor };
    let width = ((image.width() as f32 * factor).round() as u32).max(1);
    let height = ((image.height() as f32 * factor).round() as u32).max(1);
    (width, height, factor)
}

/// Regions that look like a QR code: squarish clusters of blocks dense in both horizontal and
/// vertical light/dark edges, largest first, at most `limit`. A code that is a small part of a
/// large screenshot is found here, then cropped and enlarged for the decoder.
pub fn candidate_regions(image: &GrayImage, limit: usize) -> Vec<Rect> {
    let (width, height) = image.dimensions();
    let block = (width.max(height) / 240).clamp(4, 16);
    let (columns, rows) = (width / block, height / block);
    if columns < 3 || rows < 3 {
        return Vec::new();
    }
    let dense = dense_blocks(image, block, columns, rows);
    let mut regions = Vec::new();
    let mut seen = vec![false; dense.len()];
    for start in 0..dense.len() {
        if !dense[start] || seen[start] {
            continue;
        }
        let (count, left, top, right, bottom) = flood(&dense, &mut seen, columns as usize, rows as usize, start);
        let (w, h) = (right - left + 1, bottom - top + 1);
        let squarish = w.max(h) <= w.min(h) * 2;
        let filled = count * 2 >= w * h;
        let whole = w * h * 10 >= columns as usize * rows as usize * 9;
        if w >= 3 && h >= 3 && squarish && filled && !whole {
            regions.push((count, left, top, w, h));
        }
    }
    regions.sort_by_key(|region| std::cmp::Reverse(region.0));
    regions
        .into_iter()
        .take(limit)
        .map(|(_, left, top, w, h)| {
            // A margin of one block and a sixth of the region keeps the finder patterns whole.
            let margin = block as usize + w.max(h) * block as usize / 6;
            let x = (left * block as usize).saturating_sub(margin);
            let y = (top * block as usize).saturating_sub(margin);
            let right = ((left + w) * block as usize + margin).min(width as usize);
            let bottom = ((top + h) * block as usize + margin).min(height as usize);
            Rect { x: x as u32, y: y as u32, width: (right - x) as u32, height: (bottom - y) as u32 }
        })
        .collect()
}

/// Per block: whether it holds strong edges both along its rows and down its columns.
fn dense_blocks(image: &GrayImage, block: u32, columns: u32, rows: u32) -> Vec<bool> {
    const EDGE: i16 = 48;
    let pixels = image.as_raw();
    let stride = image.width() as usize;
    let mut dense = vec![false; (columns * rows) as usize];
    let needed = block as usize / 2;
    for row in 0..rows as usize {
        for column in 0..columns as usize {
            let (x0, y0) = (column * block as usize, row * block as usize);
            let (mut across, mut down) = (0usize, 0usize);
            for y in y0..y0 + block as usize {
                let line = &pixels[y * stride..];
                for x in x0..x0 + block as usize {
                    let here = i16::from(line[x]);
                    if x + 1 < stride && (here - i16::from(line[x + 1])).abs() > EDGE {
                        across += 1;
                    }
                    if (y + 1) * stride + x < pixels.len()
                        && (here - i16::from(pixels[(y + 1) * stride + x])).abs() > EDGE
                    {
                        down += 1;
                    }
                }
            }
            dense[row * columns as usize + column] = across >= needed && down >= needed;
        }
    }
    dense
}

/// The 8-connected cluster of dense blocks containing `start`: its size and bounding box.
fn flood(
    dense: &[bool],
    seen: &mut [bool],
    columns: usize,
    rows: usize,
    start: usize,
) -> (usize, usize, usize, usize, usize) {
    let mut stack = vec![start];
    seen[start] = true;
    let (mut count, mut left, mut top, mut right, mut bottom) = (0, usize::MAX, usize::MAX, 0, 0);
    while let Some(index) = stack.pop() {
        let (x, y) = (index % columns, index / columns);
        count += 1;
        (left, top, right, bottom) = (left.min(x), top.min(y), right.max(x), bottom.max(y));
        for dy in -1i64..=1 {
            for dx in -1i64..=1 {
                let (nx, ny) = (x as i64 + dx, y as i64 + dy);
                if nx < 0 || ny < 0 || nx >= columns as i64 || ny >= rows as i64 {
                    continue;
                }
                let neighbour = ny as usize * columns + nx as usize;
                if dense[neighbour] && !seen[neighbour] {
                    seen[neighbour] = true;
                    stack.push(neighbour);
                }
            }
        }
    }
    (count, left, top, right, bottom)
}

/// The region cut out of the image.
pub fn crop(image: &GrayImage, region: Rect) -> GrayImage {
    imageops::crop_imm(image, region.x, region.y, region.width, region.height).to_image()
}
