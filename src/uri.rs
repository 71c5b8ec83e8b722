//! `otpauth://` URIs (the Key Uri Format of Google Authenticator) and the `OtpUri` dispatcher.

use std::fmt;
use std::str::FromStr;

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_decode_str, utf8_percent_encode};

use crate::account::Account;
use crate::migration::{Migration, MigrationError};
use crate::otp::{Digits, Kind, OtpError, Params, Period};
use crate::secret::{Secret, SecretError};

pub const SCHEME: &str = "otpauth://";
/// Longer input is refused before parsing; real URIs are a few hundred bytes, migration batches a few KiB.
pub const MAX_URI_BYTES: usize = 64 * 1024;

/// Characters kept as they are in a label or value we write; everything else is percent-encoded.
const ENCODE: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~').remove(b'@');

/// Why a text is not a usable OTP URI.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum UriError {
    #[error("the URI is empty")]
    Empty,
    #[error("the URI is {0} bytes long, more than the {MAX_URI_BYTES} an OTP URI can be")]
    TooLong(usize),
    #[error("not an OTP URI: it must start with otpauth:// or otpauth-migration://")]
    WrongScheme,
    #[error("the URI has no type: expected otpauth://totp/LABEL?secret=…")]
    MissingType,
    #[error("{0}")]
    Otp(#[from] OtpError),
    #[error("the URI has no secret= parameter")]
    MissingSecret,
    #[error("the secret= parameter: {0}")]
    Secret(#[from] SecretError),
    #[error("the {name}= parameter needs a whole number, not {value:?}")]
    NotANumber { name: &'static str, value: String },
    #[error("the {0}= parameter appears more than once")]
    Repeated(String),
    #[error("malformed percent-encoding near {0:?}: % must be followed by two hex digits")]
    BadPercentEncoding(String),
    #[error("the {0} is not valid UTF-8 once percent-decoded")]
    NotUtf8(&'static str),
    #[error("{0}")]
    Migration(#[from] MigrationError),
}

/// A parsed OTP URI: one account, or a Google Authenticator export batch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OtpUri {
    Account(Account),
    Migration(Migration),
}

impl OtpUri {
    pub fn into_accounts(self) -> Vec<Account> {
        match self {
            OtpUri::Account(account) => vec![account],
            OtpUri::Migration(migration) => migration.accounts,
        }
    }
}

impl FromStr for OtpUri {
    type Err = UriError;
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let text = checked_length(text)?;
        if starts_with_ignore_case(text, crate::migration::SCHEME) {
            Ok(OtpUri::Migration(text.parse()?))
        } else {
            Ok(OtpUri::Account(parse_otpauth(text)?))
        }
    }
}

impl fmt::Display for OtpUri {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OtpUri::Account(account) => account.fmt(f),
            OtpUri::Migration(migration) => migration.fmt(f),
        }
    }
}

impl FromStr for Account {
    type Err = UriError;
    /// Parses an `otpauth://` URI.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        parse_otpauth(checked_length(text)?)
    }
}

/// Formats the account as an `otpauth://` URI that parses back to the same account.
impl fmt::Display for Account {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let p = &self.params;
        write!(f, "{SCHEME}{}/", p.kind)?;
        // The label's first colon ends the issuer, so the issuer written there drops its own colons
        // (the issuer parameter keeps them), and a name with a colon gets an empty issuer before it.
        match &self.issuer {
            Some(issuer) => write!(f, "{}:", utf8_percent_encode(&issuer.replace(':', ""), ENCODE))?,
            None if self.name.contains(':') => f.write_str(":")?,
            None => {}
        }
        write!(f, "{}?secret={}", utf8_percent_encode(&self.name, ENCODE), self.secret.to_base32().as_str())?;
        if let Some(issuer) = &self.issuer {
            write!(f, "&issuer={}", utf8_percent_encode(issuer, ENCODE))?;
        }
        match p.kind {
            Kind::Steam => Ok(()),
            Kind::Totp => write!(f, "&algorithm={}&digits={}&period={}", p.algorithm, p.digits, p.period),
            Kind::Hotp => write!(f, "&algorithm={}&digits={}&counter={}", p.algorithm, p.digits, p.counter),
        }
    }
}

pub(crate) fn checked_length(text: &str) -> Result<&str, UriError> {
    if text.len() > MAX_URI_BYTES {
        return Err(UriError::TooLong(text.len()));
    }
    match text.trim() {
        "" => Err(UriError::Empty),
        trimmed => Ok(trimmed),
    }
}

pub(crate) fn starts_with_ignore_case(text: &str, prefix: &str) -> bool {
    text.get(..prefix.len()).is_some_and(|head| head.eq_ignore_ascii_case(prefix))
}

/// Percent-decodes `text`, refusing a `%` not followed by two hex digits. `plus_is_space` applies
/// form encoding, which query strings written by web frameworks use.
pub(crate) fn decode(text: &str, what: &'static str, plus_is_space: bool) -> Result<String, UriError> {
    let bytes = text.as_bytes();
    for (i, _) in text.match_indices('%') {
        let hex = bytes.get(i + 1..i + 3);
        if !hex.is_some_and(|h| h.iter().all(u8::is_ascii_hexdigit)) {
            let end = (i + 3).min(text.len());
            return Err(UriError::BadPercentEncoding(String::from_utf8_lossy(&bytes[i..end]).into_owned()));
        }
    }
    let spaced;
    let text = if plus_is_space {
        spaced = text.replace('+', " ");
        &spaced
    } else {
        text
    };
    percent_decode_str(text).decode_utf8().map(|s| s.into_owned()).map_err(|_| UriError::NotUtf8(what))
}

/// The `key=value` pairs of a query string, each key once.
pub(crate) fn query_pairs(query: &str) -> Result<Vec<(String, String)>, UriError> {
    let mut pairs: Vec<(String, String)> = Vec::new();
    for part in query.split('&').filter(|p| !p.is_empty()) {
        let (key, value) = part.split_once('=').unwrap_or((part, ""));
        let key = decode(key, "parameter name", true)?.to_ascii_lowercase();
        if pairs.iter().any(|(k, _)| *k == key) {
            return Err(UriError::Repeated(key));
        }
        let value = decode(value, "parameter value", true)?;
        pairs.push((key, value));
    }
    Ok(pairs)
}

fn number(name: &'static str, value: &str) -> Result<u64, UriError> {
    let not_a_number = || UriError::NotANumber { name, value: value.to_owned() };
    if value.is_empty() || !value.bytes().all(|b| b.is_ascii_digit()) {
        return Err(not_a_number());
    }
    value.parse().map_err(|_| not_a_number())
}

fn parse_otpauth(text: &str) -> Result<Account, UriError> {
    if !starts_with_ignore_case(text, SCHEME) {
        return Err(UriError::WrongScheme);
    }
    let rest = &text[SCHEME.len()..];
    let (kind, rest) = rest.split_once('/').ok_or(UriError::MissingType)?;
    if kind.is_empty() {
        return Err(UriError::MissingType);
    }
    let mut kind: Kind = kind.parse()?;
    let (label, query) = rest.split_once('?').unwrap_or((rest, ""));
    // `#` would start a fragment; nothing after it belongs to the account.
    let query = query.split_once('#').map_or(query, |(q, _)| q);
    let label = decode(label, "label", false)?;
    let (label_issuer, name) = match label.split_once(':') {
        Some((issuer, name)) => (Some(issuer.to_owned()), name.to_owned()),
        None => (None, label),
    };

    let mut secret = None;
    let mut issuer = None;
    let mut params = Params::totp();
    let mut digits = None;
    for (key, value) in query_pairs(query)? {
        match key.as_str() {
            "secret" => secret = Some(value.parse::<Secret>()?),
            "issuer" => issuer = Some(value),
            "algorithm" => params.algorithm = value.parse()?,
            "digits" => digits = Some(Digits::try_from(number("digits", &value)?)?),
            "period" => params.period = Period::try_from(number("period", &value)?)?,
            "counter" => params.counter = number("counter", &value)?,
            // Aegis and others spell Steam as a TOTP URI with this parameter.
            "encoder" if value.eq_ignore_ascii_case("steam") => kind = Kind::Steam,
            _ => {}
        }
    }
    params.kind = kind;
    params.digits = match kind {
        Kind::Steam => Digits::STEAM,
        Kind::Totp | Kind::Hotp => digits.unwrap_or_default(),
    };
    let secret = secret.ok_or(UriError::MissingSecret)?;
    let issuer = issuer.filter(|i| !i.trim().is_empty()).or(label_issuer);
    Ok(Account::new(issuer, name, secret, params))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::otp::Algorithm;

    #[test]
    fn parses_a_full_uri() {
        let a: Account = "otpauth://TOTP/ACME%20Co:john.doe@email.com?secret=HXDMVJECJJWSRB3HWIZR4IFUGFTMXBOZ&issuer=ACME%20Co&algorithm=SHA256&digits=7&period=20&image=https%3A%2F%2Fx"
            .parse()
            .unwrap();
        assert_eq!(a.issuer.as_deref(), Some("ACME Co"));
        assert_eq!(a.name, "john.doe@email.com");
        assert_eq!(a.params.kind, Kind::Totp);
        assert_eq!(a.params.algorithm, Algorithm::Sha256);
        assert_eq!((a.params.digits.get(), a.params.period.seconds()), (7, 20));
    }

    #[test]
    fn issuer_parameter_wins_and_encoded_colon_splits() {
        let a: Account = "otpauth://totp/Old%3Aalice?secret=JBSWY3DPEHPK3PXP&issuer=New".parse().unwrap();
        assert_eq!((a.issuer.as_deref(), a.name.as_str()), (Some("New"), "alice"));
    }

    #[test]
    fn formatting_round_trips() {
        for uri in [
            "otpauth://hotp/Issuu:James?secret=JBSWY3DPEHPK3PXP&issuer=Issuu&algorithm=SHA1&digits=6&counter=1",
            "otpauth://steam/Steam:me?secret=JBSWY3DPEHPK3PXP&issuer=Steam",
            "otpauth://totp/a%3Ab%20c?secret=JBSWY3DPEHPK3PXP&issuer=x%26y&algorithm=SHA512&digits=10&period=86400",
        ] {
            let a: Account = uri.parse().unwrap();
            assert_eq!(a.to_string().parse::<Account>().unwrap(), a, "{uri}");
        }
    }

    #[test]
    fn parameters_a_kind_does_not_use_are_dropped() {
        let totp: Account = "otpauth://totp/x?secret=GEZDGNBV&counter=7&algorithm=sha512".parse().unwrap();
        assert_eq!((totp.params.counter, totp.params.algorithm), (0, Algorithm::Sha512));
        let hotp: Account = "otpauth://hotp/x?secret=GEZDGNBV&counter=7&period=60".parse().unwrap();
        assert_eq!((hotp.params.counter, hotp.params.period), (7, Period::DEFAULT));
        let steam: Account = "otpauth://steam/x?secret=GEZDGNBV&algorithm=SHA512&digits=8&period=60".parse().unwrap();
        assert_eq!(steam.params, Params::steam());
        for account in [totp, hotp, steam] {
            assert_eq!(account.to_string().parse::<Account>().unwrap(), account);
        }
    }

    #[test]
    fn colons_in_issuer_or_name_survive() {
        let secret: Secret = "JBSWY3DPEHPK3PXP".parse().unwrap();
        for (issuer, name) in [(Some("x:y"), "a:b"), (None, "a:b"), (Some(":"), ""), (Some("AWS"), "a:b:c")] {
            let account = Account::new(issuer.map(str::to_owned), name.to_owned(), secret.clone(), Params::totp());
            assert_eq!(account.to_string().parse::<Account>().unwrap(), account, "{account}");
            let batch = crate::migration::Migration::batches(std::slice::from_ref(&account), 1).unwrap();
            assert_eq!(batch[0].to_string().parse::<OtpUri>().unwrap().into_accounts(), vec![account]);
        }
    }

    #[test]
    fn refuses_precisely() {
        let cases: &[(&str, UriError)] = &[
            ("", UriError::Empty),
            ("http://totp/x?secret=AAAA", UriError::WrongScheme),
            ("otpauth:///x?secret=AAAA", UriError::MissingType),
            ("otpauth://totp/x", UriError::MissingSecret),
            ("otpauth://totp/x?secret=", UriError::Secret(SecretError::Empty)),
            ("otpauth://totp/x?secret=AAAA&digits=", UriError::NotANumber { name: "digits", value: String::new() }),
            ("otpauth://totp/x?secret=AAAA&period=0", UriError::Otp(OtpError::PeriodOutOfRange(0))),
            ("otpauth://totp/x%zz?secret=AAAA", UriError::BadPercentEncoding("%zz".into())),
            ("otpauth://totp/x?secret=AAAA&secret=BBBB", UriError::Repeated("secret".into())),
        ];
        for (uri, error) in cases {
            assert_eq!(uri.parse::<OtpUri>().unwrap_err(), *error, "{uri}");
        }
    }
}
