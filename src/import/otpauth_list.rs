//! A text file of `otpauth://` URIs, one a line, as many apps export and people keep; Google
//! Authenticator's `otpauth-migration://` export URIs may stand among them.

use std::collections::{BTreeMap, BTreeSet};

use secrecy::SecretString;

use super::kit::{bad_entry, malformed, text};
use super::{ImportError, Importer};
use crate::account::Account;
use crate::migration;
use crate::uri::{OtpUri, SCHEME, starts_with_ignore_case};

const FORMAT: &str = "otpauth URI list";

pub struct OtpauthList;

fn is_uri(line: &str) -> bool {
    starts_with_ignore_case(line, SCHEME) || starts_with_ignore_case(line, migration::SCHEME)
}

/// The lines that carry something: blank lines and `#` comments are left out.
fn lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.lines().map(str::trim).enumerate().filter(|(_, line)| !line.is_empty() && !line.starts_with('#'))
}

/// Accounts of every line, in order. Shared with formats that are URI lists with extras.
pub(super) fn read(format: &'static str, text: &str) -> Result<Vec<Account>, ImportError> {
    let mut accounts = Vec::new();
    // Batches seen per export (batch id), to insist on every QR code of a Google export.
    let mut batches: BTreeMap<i32, (u32, BTreeSet<u32>)> = BTreeMap::new();
    for (index, line) in lines(text) {
        let uri: OtpUri = line.parse().map_err(|e| bad_entry(format, index, format!("line {}: {e}", index + 1)))?;
        match uri {
            OtpUri::Account(account) => accounts.push(account),
            OtpUri::Migration(batch) => {
                let (size, seen) = batches.entry(batch.batch_id).or_insert_with(|| (batch.batch_size, BTreeSet::new()));
                // The same QR code scanned twice adds nothing.
                if seen.insert(batch.batch_index) {
                    *size = (*size).max(batch.batch_size);
                    accounts.extend(batch.accounts);
                }
            }
        }
    }
    for (size, seen) in batches.values() {
        if let Some(missing) = (0..*size).find(|i| !seen.contains(i)) {
            return Err(malformed(
                format,
                format!(
                    "the Google Authenticator export has {size} QR codes but QR code {} of {size} is missing: \
                     add its otpauth-migration:// line",
                    missing + 1
                ),
            ));
        }
    }
    Ok(accounts)
}

impl Importer for OtpauthList {
    fn id(&self) -> &'static str {
        "otpauth"
    }

    fn name(&self) -> &'static str {
        "otpauth:// URI list (also Google Authenticator export URIs)"
    }

    fn detect(&self, bytes: &[u8]) -> bool {
        text(bytes).and_then(|t| lines(t).next()).is_some_and(|(_, line)| is_uri(line))
    }

    fn needs_password(&self, _bytes: &[u8]) -> bool {
        false
    }

    fn import(&self, bytes: &[u8], _password: Option<&SecretString>) -> Result<Vec<Account>, ImportError> {
        let text = text(bytes).ok_or_else(|| malformed(FORMAT, "the file is not UTF-8 text"))?;
        read(FORMAT, text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::migration::Migration;

    fn accounts(n: usize) -> Vec<Account> {
        (0..n)
            .map(|i| format!("otpauth://totp/Issuer{i}:user{i}?secret=JBSWY3DPEHPK3PX{}", (b'A' + i as u8) as char))
            .map(|uri| uri.parse().unwrap())
            .collect()
    }

    #[test]
    fn reads_every_batch_of_a_migration_export() {
        let all = accounts(23);
        let text: String = Migration::batches(&all, 7).unwrap().iter().map(|b| format!("{b}\n")).collect();
        assert_eq!(OtpauthList.import(text.as_bytes(), None).unwrap(), all);
    }

    #[test]
    fn a_missing_batch_fails_the_whole_import() {
        let batches = Migration::batches(&accounts(23), 7).unwrap();
        let text = format!("{}\n{}\n", batches[0], batches[2]);
        let error = OtpauthList.import(text.as_bytes(), None).unwrap_err();
        assert!(error.to_string().contains("QR code 2 of 3 is missing"), "{error}");
    }

    #[test]
    fn a_bad_line_names_its_number() {
        let text = "# mine\notpauth://totp/a?secret=JBSWY3DPEHPK3PXP\n\nnot a uri\n";
        assert!(OtpauthList.detect(text.as_bytes()));
        let error = OtpauthList.import(text.as_bytes(), None).unwrap_err();
        assert!(error.to_string().contains("line 4"), "{error}");
    }
}
