//! Authenticator Plus: its export is a password-encrypted ZIP (ZipCrypto) holding
//! `Accounts.txt`, one `otpauth://` URI a line. A ZIP holding the app's SQLCipher database
//! (`authplus.db`) instead is recognised and refused with a clear error: no sample of that
//! database is at hand to check a reader against.

use std::io::{Cursor, Read};

use secrecy::{ExposeSecret, SecretString};
use zeroize::Zeroizing;
use zip::ZipArchive;
use zip::result::ZipError;

use super::{ImportError, Importer};
use crate::account::Account;
use crate::uri::OtpUri;

const FORMAT: &str = "Authenticator Plus (encrypted ZIP)";
const ACCOUNTS_FILE: &str = "Accounts.txt";
/// The app's own backup, an SQLCipher database; recognised so that it gets a clear answer.
const DATABASE_FILE: &str = "authplus.db";
/// A URI list of thousands of accounts stays far below this; more is a ZIP bomb.
const MAX_TEXT_BYTES: u64 = 16 * 1024 * 1024;

pub struct AuthenticatorPlus;

fn malformed(reason: impl Into<String>) -> ImportError {
    ImportError::Malformed { format: FORMAT, reason: reason.into() }
}

type Archive<'a> = ZipArchive<Cursor<&'a [u8]>>;

/// The index of the entry called `file`, wherever in the tree it is.
fn find(archive: &Archive<'_>, file: &str) -> Option<usize> {
    (0..archive.len()).find(|&i| {
        archive.name_for_index(i).and_then(Result::ok).is_some_and(|name| name.rsplit('/').next() == Some(file))
    })
}

/// The archive and the index of its `Accounts.txt`.
fn open(bytes: &[u8]) -> Result<(Archive<'_>, usize), ImportError> {
    let archive = ZipArchive::new(Cursor::new(bytes)).map_err(|e| malformed(format!("unreadable ZIP: {e}")))?;
    match find(&archive, ACCOUNTS_FILE) {
        Some(index) => Ok((archive, index)),
        None if find(&archive, DATABASE_FILE).is_some() => Err(ImportError::Unsupported {
            format: FORMAT,
            what: format!("its SQLCipher database ({DATABASE_FILE}) rather than the {ACCOUNTS_FILE} export"),
        }),
        None => Err(malformed(format!("the ZIP holds no {ACCOUNTS_FILE}"))),
    }
}

fn is_encrypted(bytes: &[u8]) -> bool {
    open(bytes).is_ok_and(|(mut archive, index)| archive.by_index_raw(index).is_ok_and(|file| file.encrypted()))
}

impl Importer for AuthenticatorPlus {
    fn id(&self) -> &'static str {
        "authenticator-plus"
    }

    fn name(&self) -> &'static str {
        FORMAT
    }

    fn detect(&self, bytes: &[u8]) -> bool {
        bytes.starts_with(b"PK\x03\x04") && !matches!(open(bytes), Err(ImportError::Malformed { .. }))
    }

    fn needs_password(&self, bytes: &[u8]) -> bool {
        is_encrypted(bytes)
    }

    fn import(&self, bytes: &[u8], password: Option<&SecretString>) -> Result<Vec<Account>, ImportError> {
        let encrypted = is_encrypted(bytes);
        let (mut archive, index) = open(bytes)?;
        let file = match (encrypted, password) {
            (false, _) => archive.by_index(index),
            (true, None) => return Err(ImportError::PasswordRequired(FORMAT)),
            (true, Some(password)) => archive.by_index_decrypt(index, password.expose_secret().as_bytes()),
        };
        let file = file.map_err(|e| match e {
            ZipError::InvalidPassword => ImportError::WrongPassword(FORMAT),
            other => malformed(format!("cannot read {ACCOUNTS_FILE}: {other}")),
        })?;
        let mut text = Zeroizing::new(Vec::new());
        // ZipCrypto checks only one byte of the password: a wrong one that passes the check
        // shows up as a damaged stream or a bad checksum while reading.
        file.take(MAX_TEXT_BYTES + 1).read_to_end(&mut text).map_err(|e| {
            if encrypted {
                ImportError::WrongPassword(FORMAT)
            } else {
                malformed(format!("cannot read {ACCOUNTS_FILE}: {e}"))
            }
        })?;
        if text.len() as u64 > MAX_TEXT_BYTES {
            return Err(malformed(format!("{ACCOUNTS_FILE} is implausibly large")));
        }
        let text = std::str::from_utf8(&text).map_err(|_| {
            if encrypted {
                ImportError::WrongPassword(FORMAT)
            } else {
                malformed(format!("{ACCOUNTS_FILE} is not text"))
            }
        })?;
        let mut accounts = Vec::new();
        for (index, line) in text.lines().map(str::trim).filter(|line| !line.is_empty()).enumerate() {
            let uri: OtpUri = line.parse().map_err(|e: crate::uri::UriError| ImportError::BadEntry {
                format: FORMAT,
                index: index + 1,
                reason: e.to_string(),
            })?;
            accounts.extend(uri.into_accounts());
        }
        Ok(accounts)
    }
}
