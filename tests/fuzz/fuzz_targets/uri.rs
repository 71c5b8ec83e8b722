//! Any text through the otpauth and migration parsers: an error is fine, a panic is a bug, and
//! whatever parses must format back to a URI that parses to the same accounts.
#![no_main]

use libfuzzer_sys::fuzz_target;
use otpvault::OtpUri;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    for candidate in [text.to_owned(), format!("otpauth://totp/{text}"), format!("otpauth-migration://offline?data={text}")] {
        if let Ok(uri) = candidate.parse::<OtpUri>() {
            let again: OtpUri = uri.to_string().parse().expect("what we format parses");
            assert_eq!(again.into_accounts(), uri.into_accounts());
        }
    }
});
