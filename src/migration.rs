//! `otpauth-migration://offline?data=…`: Google Authenticator's export, a base64 protobuf batch.

use std::fmt;
use std::str::FromStr;

use data_encoding::BASE64_NOPAD;
use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};

use crate::account::Account;
use crate::otp::{Algorithm, Digits, Kind, Params, Period};
use crate::secret::Secret;
use crate::uri::{UriError, checked_length, decode, query_pairs, starts_with_ignore_case};

pub const SCHEME: &str = "otpauth-migration://";
/// Google Authenticator puts ten accounts in each QR code of an export.
pub const ACCOUNTS_PER_BATCH: usize = 10;

/// Why a migration URI could not be read, or accounts could not be written as one.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum MigrationError {
    #[error("a migration URI must look like otpauth-migration://offline?data=…")]
    NotOffline,
    #[error("the migration URI has no data= parameter")]
    MissingData,
    #[error("the migration data is not valid base64")]
    NotBase64,
    #[error("the migration data is not a Google Authenticator export (protobuf decoding failed)")]
    NotProtobuf,
    #[error("the migration batch holds no account")]
    NoAccount,
    #[error("account {index} of the migration batch: {reason}")]
    BadAccount { index: usize, reason: String },
    #[error(
        "{0} cannot be moved to Google Authenticator: it only keeps 6 or 8 digits, 30 s periods and no Steam codes"
    )]
    NotRepresentable(String),
}

/// The protobuf messages of Google Authenticator's export.
mod proto {
    #[derive(Clone, PartialEq, prost::Message)]
    pub struct Payload {
        #[prost(message, repeated, tag = "1")]
        pub otp_parameters: Vec<OtpParameters>,
        #[prost(int32, tag = "2")]
        pub version: i32,
        #[prost(int32, tag = "3")]
        pub batch_size: i32,
        #[prost(int32, tag = "4")]
        pub batch_index: i32,
        #[prost(int32, tag = "5")]
        pub batch_id: i32,
    }

    #[derive(Clone, PartialEq, prost::Message)]
    pub struct OtpParameters {
        #[prost(bytes = "vec", tag = "1")]
        pub secret: Vec<u8>,
        #[prost(string, tag = "2")]
        pub name: String,
        #[prost(string, tag = "3")]
        pub issuer: String,
        #[prost(int32, tag = "4")]
        pub algorithm: i32,
        #[prost(int32, tag = "5")]
        pub digits: i32,
        #[prost(int32, tag = "6")]
        pub r#type: i32,
        #[prost(int64, tag = "7")]
        pub counter: i64,
    }

    pub const ALGORITHM_SHA1: i32 = 1;
    pub const ALGORITHM_SHA256: i32 = 2;
    pub const ALGORITHM_SHA512: i32 = 3;
    pub const DIGITS_SIX: i32 = 1;
    pub const DIGITS_EIGHT: i32 = 2;
    pub const TYPE_HOTP: i32 = 1;
    pub const TYPE_TOTP: i32 = 2;
}

/// One QR code of an export: its accounts and its place among the export's batches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Migration {
    pub accounts: Vec<Account>,
    /// How many QR codes the export has, and which one this is (0-based).
    pub batch_size: u32,
    pub batch_index: u32,
    /// Shared by the QR codes of one export.
    pub batch_id: i32,
}

impl Migration {
    /// Splits accounts into batches as Google Authenticator does, all with the same `batch_id`.
    pub fn batches(accounts: &[Account], batch_id: i32) -> Result<Vec<Migration>, MigrationError> {
        if let Some(odd) = accounts.iter().find(|a| !representable(a)) {
            return Err(MigrationError::NotRepresentable(odd.display_name()));
        }
        let chunks: Vec<_> = accounts.chunks(ACCOUNTS_PER_BATCH).collect();
        let batch_size = chunks.len() as u32;
        Ok(chunks
            .into_iter()
            .enumerate()
            .map(|(index, chunk)| Migration {
                accounts: chunk.to_vec(),
                batch_size,
                batch_index: index as u32,
                batch_id,
            })
            .collect())
    }
}

fn representable(account: &Account) -> bool {
    let p = &account.params;
    p.kind != Kind::Steam && matches!(p.digits.get(), 6 | 8) && (p.kind == Kind::Hotp || p.period == Period::DEFAULT)
}

fn account_from_proto(index: usize, otp: proto::OtpParameters) -> Result<Account, MigrationError> {
    let bad = |reason: String| MigrationError::BadAccount { index: index + 1, reason };
    let secret = Secret::from_bytes(otp.secret).map_err(|e| bad(e.to_string()))?;
    let algorithm = match otp.algorithm {
        0 | proto::ALGORITHM_SHA1 => Algorithm::Sha1,
        proto::ALGORITHM_SHA256 => Algorithm::Sha256,
        proto::ALGORITHM_SHA512 => Algorithm::Sha512,
        other => return Err(bad(format!("unsupported algorithm code {other}"))),
    };
    let digits = match otp.digits {
        0 | proto::DIGITS_SIX => Digits::DEFAULT,
        proto::DIGITS_EIGHT => Digits::try_from(8u8).expect("8 digits is in range"),
        other => return Err(bad(format!("unsupported digit count code {other}"))),
    };
    let (kind, counter) = match otp.r#type {
        0 | proto::TYPE_TOTP => (Kind::Totp, 0),
        proto::TYPE_HOTP => (Kind::Hotp, u64::try_from(otp.counter).map_err(|_| bad("negative counter".into()))?),
        other => return Err(bad(format!("unsupported OTP type code {other}"))),
    };
    let params = Params { kind, algorithm, digits, period: Period::DEFAULT, counter };
    // The name field holds the whole label, `Issuer:name` when the account had an issuer.
    let (issuer, name) = match Some(otp.issuer).filter(|i| !i.is_empty()) {
        Some(issuer) => {
            let name = otp.name.strip_prefix(issuer.as_str()).and_then(|rest| rest.strip_prefix(':'));
            let name = name.map(str::to_owned).unwrap_or(otp.name);
            (Some(issuer), name)
        }
        None => match otp.name.split_once(':') {
            Some((prefix, rest)) => (Some(prefix.to_owned()), rest.to_owned()),
            None => (None, otp.name),
        },
    };
    Ok(Account::new(issuer, name, secret, params))
}

fn account_to_proto(account: &Account) -> proto::OtpParameters {
    let p = &account.params;
    proto::OtpParameters {
        secret: account.secret.as_bytes().to_vec(),
        // Google Authenticator writes the whole label here, issuer first.
        name: match &account.issuer {
            Some(issuer) => format!("{issuer}:{}", account.name),
            None if account.name.contains(':') => format!(":{}", account.name),
            None => account.name.clone(),
        },
        issuer: account.issuer.clone().unwrap_or_default(),
        algorithm: match p.algorithm {
            Algorithm::Sha1 => proto::ALGORITHM_SHA1,
            Algorithm::Sha256 => proto::ALGORITHM_SHA256,
            Algorithm::Sha512 => proto::ALGORITHM_SHA512,
        },
        digits: if p.digits.get() == 8 { proto::DIGITS_EIGHT } else { proto::DIGITS_SIX },
        r#type: if p.kind == Kind::Hotp { proto::TYPE_HOTP } else { proto::TYPE_TOTP },
        counter: i64::try_from(p.counter).unwrap_or(i64::MAX),
    }
}

impl FromStr for Migration {
    type Err = UriError;
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let text = checked_length(text)?;
        if !starts_with_ignore_case(text, SCHEME) {
            return Err(UriError::WrongScheme);
        }
        let rest = &text[SCHEME.len()..];
        let (host, query) = rest.split_once('?').ok_or(MigrationError::NotOffline)?;
        if !host.trim_end_matches('/').eq_ignore_ascii_case("offline") {
            return Err(MigrationError::NotOffline.into());
        }
        // Keep `+` literal: it is a base64 symbol, and exports often leave it unencoded.
        let data = query.split('&').find_map(|part| part.strip_prefix("data=")).ok_or(MigrationError::MissingData)?;
        let data = decode(data, "data parameter", false)?;
        query_pairs(query)?;
        let data = data.replace(' ', "+");
        let bytes =
            BASE64_NOPAD.decode(data.trim_end_matches('=').as_bytes()).map_err(|_| MigrationError::NotBase64)?;
        let payload =
            <proto::Payload as prost::Message>::decode(bytes.as_slice()).map_err(|_| MigrationError::NotProtobuf)?;
        if payload.otp_parameters.is_empty() {
            return Err(MigrationError::NoAccount.into());
        }
        let accounts = payload
            .otp_parameters
            .into_iter()
            .enumerate()
            .map(|(index, otp)| account_from_proto(index, otp))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Migration {
            accounts,
            batch_size: payload.batch_size.max(1) as u32,
            batch_index: payload.batch_index.max(0) as u32,
            batch_id: payload.batch_id,
        })
    }
}

impl fmt::Display for Migration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let payload = proto::Payload {
            otp_parameters: self.accounts.iter().map(account_to_proto).collect(),
            version: 1,
            batch_size: self.batch_size as i32,
            batch_index: self.batch_index as i32,
            batch_id: self.batch_id,
        };
        let data = data_encoding::BASE64.encode(&prost::Message::encode_to_vec(&payload));
        write!(f, "{SCHEME}offline?data={}", utf8_percent_encode(&data, NON_ALPHANUMERIC))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn account(uri: &str) -> Account {
        uri.parse().unwrap()
    }

    #[test]
    fn batches_round_trip() {
        let accounts: Vec<Account> = (0..23)
            .map(|i| {
                account(&format!(
                    "otpauth://totp/Example:user{i}?secret=JBSWY3DPEHPK3PX{}&issuer=Example",
                    (b'A' + i as u8 % 26) as char
                ))
            })
            .collect();
        let batches = Migration::batches(&accounts, 7).unwrap();
        assert_eq!(batches.len(), 3);
        let mut back = Vec::new();
        for (i, batch) in batches.iter().enumerate() {
            let parsed: Migration = batch.to_string().parse().unwrap();
            assert_eq!((parsed.batch_index, parsed.batch_size, parsed.batch_id), (i as u32, 3, 7));
            back.extend(parsed.accounts);
        }
        assert_eq!(back, accounts);
    }

    #[test]
    fn refuses_what_google_cannot_hold() {
        let seven = account("otpauth://totp/x?secret=JBSWY3DPEHPK3PXP&digits=7");
        assert!(matches!(Migration::batches(&[seven], 1), Err(MigrationError::NotRepresentable(_))));
    }

    #[test]
    fn refuses_bad_payloads() {
        for (uri, expected) in [
            ("otpauth-migration://offline", MigrationError::NotOffline),
            ("otpauth-migration://online?data=AA", MigrationError::NotOffline),
            ("otpauth-migration://offline?x=1", MigrationError::MissingData),
            ("otpauth-migration://offline?data=%21%21", MigrationError::NotBase64),
            ("otpauth-migration://offline?data=", MigrationError::NoAccount),
            ("otpauth-migration://offline?data=%2Fw", MigrationError::NotProtobuf),
        ] {
            assert_eq!(uri.parse::<Migration>().unwrap_err(), UriError::Migration(expected), "{uri}");
        }
    }
}
