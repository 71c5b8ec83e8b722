//! Turning what a user brings (a scanned or pasted text, or fields typed by hand) into accounts,
//! and telling which ones the vault holds already.

use std::str::FromStr;

use crate::account::Account;
use crate::otp::{Algorithm, Digits, Kind, OtpError, Params, Period};
use crate::secret::{Secret, SecretError};
use crate::uri::{OtpUri, UriError};

/// Why a text or a field was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum IntakeError {
    #[error("nothing to add: paste an otpauth:// link, a migration link or a secret key")]
    Empty,
    #[error(transparent)]
    Uri(#[from] UriError),
    #[error("the secret key is not valid: {0}")]
    Secret(#[from] SecretError),
    #[error(transparent)]
    Param(#[from] OtpError),
    #[error("the name is empty: type the account's user name or e-mail")]
    NoName,
    #[error("{0:?} is not a whole number: type digits only")]
    NotANumber(String),
}

/// What a text turned out to hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Pasted {
    /// One or more complete accounts (a migration code holds several).
    Accounts(Vec<Account>),
    /// A bare secret key: the user still has to name the account.
    SecretOnly(Secret),
}

/// Reads a scanned or pasted text: an `otpauth://` or `otpauth-migration://` URI, or a bare
/// base32 secret key.
pub fn read_text(text: &str) -> Result<Pasted, IntakeError> {
    let text = text.trim();
    if text.is_empty() {
        return Err(IntakeError::Empty);
    }
    if text.to_ascii_lowercase().starts_with("otpauth") {
        return Ok(Pasted::Accounts(OtpUri::from_str(text)?.into_accounts()));
    }
    Ok(Pasted::SecretOnly(text.parse()?))
}

/// The fields of the manual-entry form, as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ManualEntry {
    pub issuer: String,
    pub name: String,
    pub secret: String,
    pub kind: Option<Kind>,
    pub algorithm: Algorithm,
    pub digits: String,
    pub period: String,
    pub counter: String,
}

/// Each field's problem, for showing beside it as the user types.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ManualCheck {
    pub name: Option<IntakeError>,
    pub secret: Option<IntakeError>,
    pub digits: Option<IntakeError>,
    pub period: Option<IntakeError>,
    pub counter: Option<IntakeError>,
    /// A valid but short (under 128 bits) secret: allowed, worth a warning.
    pub weak_secret: bool,
}

impl ManualEntry {
    /// The account the fields describe, or every field's problem.
    pub fn check(&self) -> Result<Account, Box<ManualCheck>> {
        let mut check = ManualCheck::default();
        let kind = self.kind.unwrap_or(Kind::Totp);
        let name = self.name.trim();
        if name.is_empty() {
            check.name = Some(IntakeError::NoName);
        }
        let secret = match self.secret.parse::<Secret>() {
            Ok(secret) => {
                check.weak_secret = secret.is_weak();
                Some(secret)
            }
            Err(e) => {
                check.secret = Some(e.into());
                None
            }
        };
        let defaults = match kind {
            Kind::Steam => Params::steam(),
            Kind::Hotp => Params::hotp(0),
            Kind::Totp => Params::totp(),
        };
        let digits = field(&self.digits, defaults.digits, Digits::try_from, &mut check.digits);
        let period = field(&self.period, defaults.period, Period::try_from, &mut check.period);
        let counter = field(&self.counter, 0, Ok::<u64, OtpError>, &mut check.counter);
        let (Some(secret), Some(digits), Some(period), Some(counter), None) =
            (secret, digits, period, counter, &check.name)
        else {
            return Err(Box::new(check));
        };
        let params = Params {
            kind,
            algorithm: if kind == Kind::Steam { Algorithm::Sha1 } else { self.algorithm },
            digits: if kind == Kind::Steam { Digits::STEAM } else { digits },
            period,
            counter,
        };
        let issuer = Some(self.issuer.clone());
        Ok(Account::new(issuer, name.to_owned(), secret, params))
    }
}

/// An optional numeric field: empty means the default.
fn field<T, E: Into<IntakeError>>(
    text: &str,
    default: T,
    make: impl Fn(u64) -> Result<T, E>,
    problem: &mut Option<IntakeError>,
) -> Option<T> {
    let text = text.trim();
    if text.is_empty() {
        return Some(default);
    }
    let result = text
        .parse::<u64>()
        .map_err(|_| IntakeError::NotANumber(text.to_owned()))
        .and_then(|n| make(n).map_err(Into::into));
    match result {
        Ok(value) => Some(value),
        Err(e) => {
            *problem = Some(e);
            None
        }
    }
}

/// For each new account, the index of the existing account with the same codes, if any.
pub fn duplicates<'a>(new: &[Account], existing: impl IntoIterator<Item = &'a Account> + Clone) -> Vec<Option<usize>> {
    new.iter().map(|account| existing.clone().into_iter().position(|old| old.same_codes_as(account))).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const AWS_URI: &str = "otpauth://totp/Amazon%20Web%20Services:alice@123456789012?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Amazon%20Web%20Services";

    #[test]
    fn pasted_texts_become_accounts_or_a_secret() {
        let Pasted::Accounts(accounts) = read_text(&format!("  {AWS_URI}\n")).unwrap() else { panic!("an account") };
        assert_eq!(accounts[0].aws().unwrap().account, "123456789012");
        assert!(matches!(read_text("jbsw y3dp ehpk 3pxp").unwrap(), Pasted::SecretOnly(_)));
        assert_eq!(read_text("   "), Err(IntakeError::Empty));
        assert!(matches!(read_text("otpauth://totp/x"), Err(IntakeError::Uri(_))));
        assert!(matches!(read_text("not a secret!"), Err(IntakeError::Secret(_))));
    }

    #[test]
    fn manual_entry_reports_every_bad_field() {
        let entry = ManualEntry { secret: "1!".into(), digits: "12".into(), period: "x".into(), ..Default::default() };
        let check = entry.check().unwrap_err();
        assert_eq!(check.name, Some(IntakeError::NoName));
        assert!(check.secret.is_some());
        assert!(matches!(check.digits, Some(IntakeError::Param(OtpError::DigitsOutOfRange(12)))));
        assert_eq!(check.period, Some(IntakeError::NotANumber("x".into())));
        assert_eq!(check.counter, None);
    }

    #[test]
    fn manual_entry_builds_the_account_with_defaults() {
        let entry = ManualEntry {
            issuer: "GitHub".into(),
            name: " me ".into(),
            secret: "JBSWY3DPEHPK3PXP".into(),
            ..Default::default()
        };
        let account = entry.check().unwrap();
        assert_eq!((account.issuer.as_deref(), account.name.as_str()), (Some("GitHub"), "me"));
        assert_eq!(account.params, Params::totp());
        let hotp = ManualEntry { kind: Some(Kind::Hotp), counter: "7".into(), digits: "8".into(), ..entry.clone() };
        let account = hotp.check().unwrap();
        assert_eq!((account.params.kind, account.params.counter, account.params.digits.get()), (Kind::Hotp, 7, 8));
        let steam = ManualEntry { kind: Some(Kind::Steam), digits: "8".into(), ..entry };
        assert_eq!(steam.check().unwrap().params, Params::steam());
    }

    #[test]
    fn duplicates_point_at_the_existing_account() {
        let existing: Vec<Account> = vec![AWS_URI.parse().unwrap()];
        let renamed = Account { name: "other".into(), ..existing[0].clone() };
        let other: Account = "otpauth://totp/x?secret=JBSWY3DPEHPK3PXP".parse().unwrap();
        assert_eq!(duplicates(&[renamed, other], &existing), vec![Some(0), None]);
    }
}
