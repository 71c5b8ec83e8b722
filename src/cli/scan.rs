//! `otpvault scan`: the text of every QR code in images, on the screen or on the clipboard.

use anyhow::bail;
use serde_json::json;

use super::ScanArgs;
use crate::qr::{self, Cancel, QrError, Source};

pub fn run(args: &ScanArgs) -> anyhow::Result<()> {
    let sources: Vec<Source> = if args.screen {
        vec![Source::Screen]
    } else if args.clipboard {
        vec![Source::Clipboard]
    } else {
        args.files.iter().cloned().map(Source::File).collect()
    };
    let cancel = Cancel::new();
    let mut report = Vec::new();
    let mut failures: Vec<QrError> = Vec::new();
    for source in &sources {
        match qr::scan(source, &cancel) {
            Ok(texts) => {
                if !args.json {
                    texts.iter().for_each(|text| println!("{text}"));
                }
                report.push(json!({ "source": source.name(), "texts": texts }));
            }
            Err(error) => {
                report.push(json!({ "source": source.name(), "error": error.to_string() }));
                failures.push(error);
            }
        }
    }
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    }
    match failures.len() {
        0 => Ok(()),
        1 => Err(failures.remove(0).into()),
        count => {
            for failure in &failures {
                eprintln!("otpvault: {failure}");
            }
            bail!("{count} of {} images gave no QR code", sources.len())
        }
    }
}
