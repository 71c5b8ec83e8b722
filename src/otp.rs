//! One-time password generation (RFC 4226 HOTP, RFC 6238 TOTP, Steam Guard) on top of `totp-rs`.

use std::fmt;
use std::str::FromStr;

use zeroize::Zeroizing;

use crate::secret::Secret;

/// Why an OTP parameter was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum OtpError {
    #[error("unknown OTP type {0:?}: expected totp, hotp or steam")]
    UnknownKind(String),
    #[error("unknown algorithm {0:?}: expected SHA1, SHA256 or SHA512")]
    UnknownAlgorithm(String),
    #[error("{0} digits is not supported: codes have {min} to {max} digits", min = Digits::MIN, max = Digits::MAX)]
    DigitsOutOfRange(u64),
    #[error("a period of {0} s is not supported: it must be 1 to {max} seconds", max = Period::MAX)]
    PeriodOutOfRange(u64),
}

/// How codes advance: by time (TOTP, Steam) or by a counter (HOTP).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Totp,
    Hotp,
    Steam,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Totp => "totp",
            Kind::Hotp => "hotp",
            Kind::Steam => "steam",
        }
    }

    pub fn is_time_based(self) -> bool {
        self != Kind::Hotp
    }
}

impl FromStr for Kind {
    type Err = OtpError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "totp" => Ok(Kind::Totp),
            "hotp" => Ok(Kind::Hotp),
            "steam" => Ok(Kind::Steam),
            _ => Err(OtpError::UnknownKind(s.to_owned())),
        }
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The HMAC hash function.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum Algorithm {
    #[default]
    #[serde(rename = "SHA1")]
    Sha1,
    #[serde(rename = "SHA256")]
    Sha256,
    #[serde(rename = "SHA512")]
    Sha512,
}

impl Algorithm {
    pub fn as_str(self) -> &'static str {
        match self {
            Algorithm::Sha1 => "SHA1",
            Algorithm::Sha256 => "SHA256",
            Algorithm::Sha512 => "SHA512",
        }
    }

    fn engine(self) -> totp_rs::Algorithm {
        match self {
            Algorithm::Sha1 => totp_rs::Algorithm::SHA1,
            Algorithm::Sha256 => totp_rs::Algorithm::SHA256,
            Algorithm::Sha512 => totp_rs::Algorithm::SHA512,
        }
    }
}

impl FromStr for Algorithm {
    type Err = OtpError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_uppercase().replace('-', "").as_str() {
            "SHA1" => Ok(Algorithm::Sha1),
            "SHA256" => Ok(Algorithm::Sha256),
            "SHA512" => Ok(Algorithm::Sha512),
            _ => Err(OtpError::UnknownAlgorithm(s.to_owned())),
        }
    }
}

impl fmt::Display for Algorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Number of digits in a code, 5 to 10.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
#[serde(try_from = "u8", into = "u8")]
pub struct Digits(u8);

impl Digits {
    pub const MIN: u8 = 5;
    pub const MAX: u8 = 10;
    pub const DEFAULT: Digits = Digits(6);
    /// Steam Guard codes are always five characters.
    pub const STEAM: Digits = Digits(5);

    pub fn get(self) -> u8 {
        self.0
    }
}

impl Default for Digits {
    fn default() -> Self {
        Digits::DEFAULT
    }
}

impl TryFrom<u64> for Digits {
    type Error = OtpError;
    fn try_from(value: u64) -> Result<Self, Self::Error> {
        if (u64::from(Digits::MIN)..=u64::from(Digits::MAX)).contains(&value) {
            Ok(Digits(value as u8))
        } else {
            Err(OtpError::DigitsOutOfRange(value))
        }
    }
}

impl TryFrom<u8> for Digits {
    type Error = OtpError;
    fn try_from(value: u8) -> Result<Self, Self::Error> {
        Digits::try_from(u64::from(value))
    }
}

impl From<Digits> for u8 {
    fn from(value: Digits) -> Self {
        value.0
    }
}

impl fmt::Display for Digits {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// Length of a TOTP time step in seconds, 1 s to 24 h.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
#[serde(try_from = "u32", into = "u32")]
pub struct Period(u32);

impl Period {
    pub const MAX: u32 = 86_400;
    pub const DEFAULT: Period = Period(30);

    pub fn seconds(self) -> u32 {
        self.0
    }
}

impl Default for Period {
    fn default() -> Self {
        Period::DEFAULT
    }
}

impl TryFrom<u64> for Period {
    type Error = OtpError;
    fn try_from(value: u64) -> Result<Self, Self::Error> {
        if (1..=u64::from(Period::MAX)).contains(&value) {
            Ok(Period(value as u32))
        } else {
            Err(OtpError::PeriodOutOfRange(value))
        }
    }
}

impl TryFrom<u32> for Period {
    type Error = OtpError;
    fn try_from(value: u32) -> Result<Self, Self::Error> {
        Period::try_from(u64::from(value))
    }
}

impl From<Period> for u32 {
    fn from(value: Period) -> Self {
        value.0
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// Everything but the secret that decides which code an account shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct Params {
    pub kind: Kind,
    pub algorithm: Algorithm,
    pub digits: Digits,
    /// Time step of TOTP and Steam; unused by HOTP.
    pub period: Period,
    /// Next counter value of HOTP; unused by time-based kinds.
    pub counter: u64,
}

impl Default for Params {
    fn default() -> Self {
        Params::totp()
    }
}

impl Params {
    /// RFC 6238 defaults: SHA1, 6 digits, 30 s.
    pub fn totp() -> Self {
        Params {
            kind: Kind::Totp,
            algorithm: Algorithm::Sha1,
            digits: Digits::DEFAULT,
            period: Period::DEFAULT,
            counter: 0,
        }
    }

    pub fn hotp(counter: u64) -> Self {
        Params { kind: Kind::Hotp, counter, ..Params::totp() }
    }

    /// Steam Guard: SHA1, 30 s, five characters from Steam's alphabet.
    pub fn steam() -> Self {
        Params { kind: Kind::Steam, digits: Digits::STEAM, ..Params::totp() }
    }

    /// Drops what this kind does not use (a TOTP counter, an HOTP period, Steam's fixed settings),
    /// so two accounts that make the same codes compare equal and format the same.
    pub fn normalized(self) -> Self {
        match self.kind {
            Kind::Totp => Params { counter: 0, ..self },
            Kind::Hotp => Params { period: Period::DEFAULT, ..self },
            Kind::Steam => Params::steam(),
        }
    }

    /// The moving factor for a code at `unix_time`: the time step, or the HOTP counter.
    pub fn moving_factor(&self, unix_time: u64) -> u64 {
        match self.kind {
            Kind::Hotp => self.counter,
            Kind::Totp | Kind::Steam => unix_time / u64::from(self.period.0),
        }
    }

    /// Seconds left before the code shown at `unix_time` changes (None for HOTP).
    pub fn remaining(&self, unix_time: u64) -> Option<u64> {
        let period = u64::from(self.period.0);
        self.kind.is_time_based().then(|| period - unix_time % period)
    }
}

/// A generated code. Zeroized on drop; `Display` prints it plain, [`Code::grouped`] for reading.
#[derive(Clone, PartialEq, Eq)]
pub struct Code(Zeroizing<String>);

impl Code {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The code split for reading aloud: `123 456`, `1234 5678`, `12 345` (Steam codes stay whole).
    pub fn grouped(&self) -> String {
        let code = self.as_str();
        if !code.bytes().all(|b| b.is_ascii_digit()) || code.len() < 6 {
            return code.to_owned();
        }
        let split = code.len().div_ceil(2);
        format!("{} {}", &code[..split], &code[split..])
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Code(…)")
    }
}

/// The code for `moving_factor` (a TOTP time step or an HOTP counter).
pub fn generate(secret: &Secret, params: &Params, moving_factor: u64) -> Code {
    let (algorithm, digits) = match params.kind {
        Kind::Steam => (totp_rs::Algorithm::Steam, Digits::STEAM.0),
        Kind::Totp | Kind::Hotp => (params.algorithm.engine(), params.digits.0),
    };
    // Step 1 turns totp-rs's time argument into the raw counter, which serves HOTP and TOTP alike.
    let engine = totp_rs::Builder::new()
        .with_algorithm(algorithm)
        .with_digits(digits)
        .with_step_duration(1)
        .with_secret(secret.as_bytes().to_vec())
        .build_noncompliant();
    if digits < 10 {
        return Code(Zeroizing::new(engine.generate(moving_factor).to_string()));
    }
    // totp-rs stops at 9 digits; a 31-bit truncated value always fits in 10.
    let mac = engine.sign(moving_factor);
    let mac = mac.as_ref();
    let offset = usize::from(mac[mac.len() - 1] & 0x0f);
    let value = u32::from_be_bytes([mac[offset], mac[offset + 1], mac[offset + 2], mac[offset + 3]]) & 0x7fff_ffff;
    Code(Zeroizing::new(format!("{value:010}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rfc_secret() -> Secret {
        Secret::from_bytes(b"12345678901234567890".to_vec()).unwrap()
    }

    #[test]
    fn ten_digits_pad_the_truncated_value() {
        // RFC 4226 counter 0: truncated value 0x4c93cf18 = 1284755224.
        assert_eq!(
            generate(&rfc_secret(), &Params { digits: Digits(10), ..Params::hotp(0) }, 0).as_str(),
            "1284755224"
        );
    }

    #[test]
    fn steam_codes_use_the_steam_alphabet() {
        let code = generate(&rfc_secret(), &Params::steam(), 1);
        assert_eq!(code.as_str().len(), 5);
        assert!(code.as_str().chars().all(|c| "23456789BCDFGHJKMNPQRTVWXY".contains(c)));
    }

    #[test]
    fn grouping_reads_well() {
        let code = |s: &str| Code(Zeroizing::new(s.to_owned()));
        assert_eq!(code("123456").grouped(), "123 456");
        assert_eq!(code("1234567").grouped(), "1234 567");
        assert_eq!(code("12345678").grouped(), "1234 5678");
        assert_eq!(code("12345").grouped(), "12345");
        assert_eq!(code("2B4CD").grouped(), "2B4CD");
    }

    #[test]
    fn ranges_are_enforced() {
        assert!(Digits::try_from(4u64).is_err());
        assert!(Digits::try_from(11u64).is_err());
        assert!(Period::try_from(0u64).is_err());
        assert!(Period::try_from(86_401u64).is_err());
        assert_eq!(Params::totp().remaining(59), Some(1));
        assert_eq!(Params::hotp(3).remaining(59), None);
    }
}
