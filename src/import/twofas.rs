//! 2FAS Authenticator backups (`.2fas`, JSON schemas 1 to 4), plain or with the services
//! encrypted (PBKDF2-SHA256, AES-256-GCM).

use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;

use super::kit::{self, account, bad_entry, base32_secret, gcm_open, json, malformed, pbkdf2_sha256};
use super::{ImportError, Importer};
use crate::account::Account;
use crate::otp::Kind;

const FORMAT: &str = "2FAS";
const PBKDF2_ROUNDS: u32 = 10_000;
/// The newest schema this reader knows; later ones are refused rather than misread.
const NEWEST_SCHEMA: u32 = 4;

pub struct TwoFas;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Backup {
    schema_version: u32,
    services: Vec<serde_json::Value>,
    services_encrypted: Option<String>,
}

#[derive(Deserialize)]
struct Service {
    name: Option<String>,
    secret: String,
    otp: Option<Otp>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct Otp {
    account: Option<String>,
    label: Option<String>,
    issuer: Option<String>,
    digits: Option<u64>,
    period: Option<u64>,
    algorithm: Option<String>,
    counter: Option<u64>,
    token_type: Option<String>,
}

fn nonempty(text: &Option<String>) -> Option<&str> {
    text.as_deref().map(str::trim).filter(|t| !t.is_empty())
}

fn convert(schema: u32, index: usize, value: serde_json::Value) -> Result<Account, ImportError> {
    let service: Service = serde_json::from_value(value).map_err(|e| bad_entry(FORMAT, index, e))?;
    let otp = service.otp.unwrap_or_default();
    // Schemas 1 and 2 have no token type: the app only made TOTP codes then.
    let kind = match otp.token_type.as_deref().map(str::to_ascii_uppercase).as_deref() {
        None | Some("TOTP") => Kind::Totp,
        Some("HOTP") if schema >= 3 => Kind::Hotp,
        Some("HOTP") => Kind::Totp,
        Some("STEAM") => Kind::Steam,
        Some(other) => return Err(bad_entry(FORMAT, index, format!("{other} codes are not supported"))),
    };
    let params = kit::params(kind, otp.algorithm.as_deref(), otp.digits, otp.period, otp.counter)
        .map_err(|e| bad_entry(FORMAT, index, e))?;
    let secret = base32_secret(&service.secret).map_err(|e| bad_entry(FORMAT, index, e))?;
    let issuer = nonempty(&otp.issuer).or(nonempty(&service.name));
    let name = nonempty(&otp.account).or(nonempty(&otp.label));
    Ok(account(issuer, name, secret, params))
}

/// The service list sealed in `servicesEncrypted`: `base64(ciphertext+tag):base64(salt):base64(iv)`.
fn decrypt(sealed: &str, password: &SecretString) -> Result<Vec<serde_json::Value>, ImportError> {
    let parts: Vec<&str> = sealed.split(':').collect();
    let [data, salt, iv] = parts[..] else {
        return Err(malformed(FORMAT, "servicesEncrypted must have three parts separated by ':'"));
    };
    let decode = |field: &str, text: &str| {
        data_encoding::BASE64
            .decode(text.trim().as_bytes())
            .map_err(|_| malformed(FORMAT, format!("{field} is not base64")))
    };
    let (data, salt, iv) = (decode("the data", data)?, decode("the salt", salt)?, decode("the IV", iv)?);
    let key = pbkdf2_sha256(password.expose_secret().as_bytes(), &salt, PBKDF2_ROUNDS);
    let plain = gcm_open(key.as_ref(), &iv, &data).ok_or(ImportError::WrongPassword(FORMAT))?;
    serde_json::from_slice(&plain).map_err(|e| malformed(FORMAT, format!("the decrypted services: {e}")))
}

impl Importer for TwoFas {
    fn id(&self) -> &'static str {
        "2fas"
    }

    fn name(&self) -> &'static str {
        "2FAS Authenticator (.2fas backup, plain or encrypted)"
    }

    fn detect(&self, bytes: &[u8]) -> bool {
        json::<Backup>(bytes).is_some()
    }

    fn needs_password(&self, bytes: &[u8]) -> bool {
        json::<Backup>(bytes).is_some_and(|b| b.services_encrypted.is_some())
    }

    fn import(&self, bytes: &[u8], password: Option<&SecretString>) -> Result<Vec<Account>, ImportError> {
        let backup: Backup = serde_json::from_slice(bytes).map_err(|e| malformed(FORMAT, e.to_string()))?;
        if backup.schema_version > NEWEST_SCHEMA {
            return Err(ImportError::Unsupported { format: FORMAT, what: format!("schema {}", backup.schema_version) });
        }
        let services = match &backup.services_encrypted {
            Some(sealed) => decrypt(sealed, password.ok_or(ImportError::PasswordRequired(FORMAT))?)?,
            None => backup.services,
        };
        let schema = backup.schema_version;
        services.into_iter().enumerate().map(|(index, service)| convert(schema, index, service)).collect()
    }
}
