//! Battle.net Authenticator: the app's preferences file
//! (`com.blizzard.messenger.authenticator_preferences.xml`). Serial and seed are stored as hex,
//! XOR-masked with a constant of the app; codes are TOTP SHA1, 8 digits, 30 s.

use data_encoding::HEXLOWER_PERMISSIVE;
use secrecy::SecretString;
use zeroize::Zeroizing;

use super::android_prefs::{Prefs, has_string};
use super::otp_fields::{params, secret_from_hex};
use super::{ImportError, Importer};
use crate::account::Account;
use crate::otp::{Algorithm, Kind};

const FORMAT: &str = "Battle.net Authenticator (internal XML)";
const SECRET_KEY: &str = "com.blizzard.messenger.AUTHENTICATOR_DEVICE_SECRET";
const SERIAL_KEY: &str = "com.blizzard.messenger.AUTHENTICATOR_SERIAL";
const ISSUER: &str = "Battle.net";
/// The app's fixed mask (it is in every copy of the app, so it hides nothing).
const MASK: [u8; 56] = [
    0x39, 0x8e, 0x27, 0xfc, 0x50, 0x27, 0x6a, 0x65, 0x60, 0x65, 0xb0, 0xe5, 0x25, 0xf4, 0xc0, 0x6c, 0x04, 0xc6, 0x10,
    0x75, 0x28, 0x6b, 0x8e, 0x7a, 0xed, 0xa5, 0x9d, 0xa9, 0x81, 0x3b, 0x5d, 0xd6, 0xc8, 0x0d, 0x2f, 0xb3, 0x80, 0x68,
    0x77, 0x3f, 0xa5, 0x9b, 0xa4, 0x7c, 0x17, 0xca, 0x6c, 0x64, 0x79, 0x01, 0x5c, 0x1d, 0x5b, 0x8b, 0x8f, 0x6b,
];

pub struct BattleNet;

/// The text hidden by the mask in the hex string `masked`.
fn unmask(masked: &str) -> Result<Zeroizing<String>, String> {
    let bytes = Zeroizing::new(HEXLOWER_PERMISSIVE.decode(masked.trim().as_bytes()).map_err(|_| "not hexadecimal")?);
    if bytes.len() > MASK.len() {
        return Err(format!("longer than the {} bytes the app masks", MASK.len()));
    }
    let plain: Zeroizing<Vec<u8>> = Zeroizing::new(bytes.iter().zip(MASK).map(|(byte, mask)| byte ^ mask).collect());
    String::from_utf8(plain.to_vec()).map(Zeroizing::new).map_err(|_| "unmasks to binary, not text".into())
}

impl Importer for BattleNet {
    fn id(&self) -> &'static str {
        "battle-net"
    }

    fn name(&self) -> &'static str {
        FORMAT
    }

    fn detect(&self, bytes: &[u8]) -> bool {
        has_string(bytes, SECRET_KEY)
    }

    fn needs_password(&self, _bytes: &[u8]) -> bool {
        false
    }

    fn import(&self, bytes: &[u8], _password: Option<&SecretString>) -> Result<Vec<Account>, ImportError> {
        let prefs = Prefs::parse(bytes).ok_or_else(|| ImportError::Malformed {
            format: FORMAT,
            reason: "it is not a preferences XML file".into(),
        })?;
        let entry = |reason: String| ImportError::BadEntry { format: FORMAT, index: 1, reason };
        let masked_secret = prefs
            .string(SECRET_KEY)
            .ok_or_else(|| ImportError::Malformed { format: FORMAT, reason: format!("it has no {SECRET_KEY}") })?;
        let secret = unmask(masked_secret)
            .and_then(|hex| secret_from_hex(&hex))
            .map_err(|e| entry(format!("device secret: {e}")))?;
        let serial = match prefs.string(SERIAL_KEY).filter(|s| !s.trim().is_empty()) {
            Some(masked) => unmask(masked).map_err(|e| entry(format!("serial: {e}")))?.to_string(),
            None => String::new(),
        };
        let params = params(Kind::Totp, Algorithm::Sha1, 8, 30, 0).map_err(entry)?;
        Ok(vec![Account::new(Some(ISSUER.to_owned()), serial, secret, params)])
    }
}
