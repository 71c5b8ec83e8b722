//! Ente Auth's plain-text export: otpauth URIs, each with Ente's own `codeDisplay` parameter.
//! Ente's encrypted export (libsodium secretstream) is recognised and refused with advice.

use secrecy::SecretString;

use super::kit::{json, malformed, text};
use super::{ImportError, Importer, otpauth_list};
use crate::account::Account;

const FORMAT: &str = "Ente Auth";

pub struct Ente;

#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct EncryptedExport {
    kdf_params: serde_json::Value,
    encrypted_data: String,
}

fn is_encrypted(bytes: &[u8]) -> bool {
    json::<EncryptedExport>(bytes).is_some_and(|e| e.kdf_params.is_object() && !e.encrypted_data.is_empty())
}

impl Importer for Ente {
    fn id(&self) -> &'static str {
        "ente"
    }

    fn name(&self) -> &'static str {
        "Ente Auth (plain-text export)"
    }

    fn detect(&self, bytes: &[u8]) -> bool {
        let marked =
            |t: &str| t.lines().any(|l| l.trim_start().starts_with("otpauth://") && l.contains("codeDisplay="));
        text(bytes).is_some_and(marked) || is_encrypted(bytes)
    }

    fn needs_password(&self, _bytes: &[u8]) -> bool {
        false
    }

    fn import(&self, bytes: &[u8], _password: Option<&SecretString>) -> Result<Vec<Account>, ImportError> {
        if is_encrypted(bytes) {
            return Err(ImportError::Unsupported {
                format: FORMAT,
                what: "encryption; export again from Ente Auth as plain text".into(),
            });
        }
        let text = text(bytes).ok_or_else(|| malformed(FORMAT, "the file is not UTF-8 text"))?;
        otpauth_list::read(FORMAT, text)
    }
}
