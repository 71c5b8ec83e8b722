//! What each step of the QR decoding pipeline adds: images decoded and time per image as the
//! steps are switched on one after another, and with each one left out.
//!
//! `cargo bench --bench qr_steps -- CORPUS_DIR...` (each with a manifest.json; see qr_bench.py).

use std::path::{Path, PathBuf};
use std::time::Instant;

use otpvault::qr::{self, Cancel, Options};

fn norm(text: &str) -> String {
    text.replace("\r\n", "\n").replace('\r', "\n")
}

fn load(corpus: &Path) -> Vec<(PathBuf, Vec<String>)> {
    let manifest: serde_json::Map<String, serde_json::Value> =
        serde_json::from_str(&std::fs::read_to_string(corpus.join("manifest.json")).expect("manifest.json"))
            .expect("manifest.json is a JSON object");
    manifest
        .into_iter()
        .map(|(name, texts)| {
            let texts = texts.as_array().expect("a list of texts").iter().map(|t| norm(t.as_str().unwrap())).collect();
            (corpus.join(name), texts)
        })
        .collect()
}

fn measure(images: &[(image::DynamicImage, Vec<String>)], options: &Options) -> (usize, f64, f64) {
    let cancel = Cancel::new();
    let mut times = Vec::new();
    let mut decoded = 0;
    for (image, expected) in images {
        let start = Instant::now();
        let texts = qr::decode_with(image, options, &cancel).unwrap_or_default();
        times.push(start.elapsed().as_secs_f64() * 1000.0);
        let found: Vec<String> = texts.iter().map(|t| norm(t)).collect();
        decoded += usize::from(expected.iter().all(|e| found.contains(e)));
    }
    times.sort_by(f64::total_cmp);
    (decoded, times[times.len() / 2], times[times.len() - 1])
}

/// A step's name and how it is switched on or off.
type Step = (&'static str, fn(&mut Options));

fn main() {
    let corpora: Vec<String> = std::env::args().skip(1).filter(|a| !a.starts_with("--")).collect();
    let all = Options::default();
    // In the order the pipeline runs them.
    let steps: [Step; 6] = [
        ("invert", |o| o.invert = true),
        ("alpha", |o| o.alpha = true),
        ("regions", |o| o.regions = true),
        ("rqrr", |o| o.rqrr = true),
        ("threshold", |o| o.threshold = true),
        ("rescale", |o| o.rescale = true),
    ];
    let without: [Step; 6] = [
        ("invert", |o| o.invert = false),
        ("alpha", |o| o.alpha = false),
        ("rqrr", |o| o.rqrr = false),
        ("regions", |o| o.regions = false),
        ("threshold", |o| o.threshold = false),
        ("rescale", |o| o.rescale = false),
    ];
    for corpus in corpora {
        let images: Vec<_> = load(Path::new(&corpus))
            .into_iter()
            .filter_map(|(path, texts)| qr::load_file(&path).ok().map(|image| (image, texts)))
            .collect();
        println!(
            "\n{corpus} ({} images)\n{:<26} {:>8} {:>10} {:>9}",
            images.len(),
            "steps",
            "decoded",
            "median ms",
            "worst ms"
        );
        let mut options = Options::plain();
        let (decoded, median, worst) = measure(&images, &options);
        println!("{:<26} {decoded:>8} {median:>10.1} {worst:>9.1}", "ZXing reader alone");
        for (name, enable) in steps {
            enable(&mut options);
            let (decoded, median, worst) = measure(&images, &options);
            println!("{:<26} {decoded:>8} {median:>10.1} {worst:>9.1}", format!("+ {name}"));
        }
        for (name, disable) in without {
            let mut options = all;
            disable(&mut options);
            if options == all {
                continue;
            }
            let (decoded, median, worst) = measure(&images, &options);
            println!("{:<26} {decoded:>8} {median:>10.1} {worst:>9.1}", format!("all but {name}"));
        }
        let (decoded, median, worst) = measure(&images, &all);
        println!("{:<26} {decoded:>8} {median:>10.1} {worst:>9.1}", "all (default)");
    }
}
