//! Turning the loose fields apps store (numbers, names, secret spellings) into [`Params`] and
//! [`Secret`], with errors that name the entry.

use data_encoding::{BASE64, HEXLOWER_PERMISSIVE};
use zeroize::Zeroizing;

use crate::otp::{Algorithm, Digits, Kind, Params, Period};
use crate::secret::Secret;

/// Params from the fields of one entry; the message says which field is wrong.
pub(crate) fn params(
    kind: Kind,
    algorithm: Algorithm,
    digits: u64,
    period: u64,
    counter: u64,
) -> Result<Params, String> {
    let digits = Digits::try_from(digits).map_err(|e| e.to_string())?;
    let period = Period::try_from(period).map_err(|e| e.to_string())?;
    Ok(Params { kind, algorithm, digits, period, counter })
}

/// A secret from raw bytes.
pub(crate) fn secret_from_bytes(bytes: Vec<u8>) -> Result<Secret, String> {
    Secret::from_bytes(bytes).map_err(|e| e.to_string())
}

/// A secret spelled in base32.
pub(crate) fn secret_from_base32(text: &str) -> Result<Secret, String> {
    text.parse::<Secret>().map_err(|e| e.to_string())
}

/// A secret spelled in hexadecimal (either case).
pub(crate) fn secret_from_hex(text: &str) -> Result<Secret, String> {
    let bytes =
        HEXLOWER_PERMISSIVE.decode(text.trim().as_bytes()).map_err(|_| "the secret is not hexadecimal".to_owned())?;
    secret_from_bytes(bytes)
}

/// A secret spelled in standard base64.
pub(crate) fn secret_from_base64(text: &str) -> Result<Secret, String> {
    let bytes = BASE64.decode(text.trim().as_bytes()).map_err(|_| "the secret is not base64".to_owned())?;
    secret_from_bytes(bytes)
}

/// Java `byte[]` written as a JSON array of signed numbers, e.g. `[-28,-110,112]`.
pub(crate) fn java_bytes(value: &serde_json::Value) -> Result<Zeroizing<Vec<u8>>, String> {
    let items = value.as_array().ok_or("expected an array of bytes")?;
    let mut bytes = Zeroizing::new(Vec::with_capacity(items.len()));
    for item in items {
        let byte = item.as_i64().and_then(|n| i8::try_from(n).ok()).ok_or("expected bytes from -128 to 127")?;
        bytes.push(byte.to_ne_bytes()[0]);
    }
    Ok(bytes)
}
