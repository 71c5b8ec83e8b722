//! The shared secret (seed) of an OTP account.

use std::fmt;
use std::str::FromStr;

use data_encoding::{Encoding, Specification};
use zeroize::{Zeroize, Zeroizing};

/// Secrets shorter than this (128 bits, RFC 4226 §4) still work but are worth a warning.
pub const RECOMMENDED_MIN_BYTES: usize = 16;
/// No real service issues a longer seed; the cap keeps hostile input small.
pub const MAX_BYTES: usize = 1024;

/// Why text or bytes could not become a [`Secret`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SecretError {
    #[error("the secret is empty: paste the whole key shown by the service")]
    Empty,
    #[error("the secret has {character:?} at position {position}, which is not base32 (letters A-Z and digits 2-7)")]
    NotBase32 { character: char, position: usize },
    #[error("the secret is too short: it decodes to less than one byte")]
    TooShort,
    #[error("the secret is longer than {MAX_BYTES} bytes; no service issues such a key")]
    TooLong,
}

/// A non-empty OTP seed. Its bytes are wiped when dropped and never appear in `Debug`.
#[derive(Clone, Zeroize)]
#[zeroize(drop)]
pub struct Secret(Vec<u8>);

fn base32_lenient() -> Encoding {
    let mut spec = Specification::new();
    spec.symbols.push_str("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567");
    // Services print keys whose last character carries stray low bits; other apps ignore them.
    spec.check_trailing_bits = false;
    spec.encoding().expect("the base32 alphabet is a valid specification")
}

impl Secret {
    /// Wraps raw seed bytes (as stored by apps that keep binary secrets).
    pub fn from_bytes(bytes: Vec<u8>) -> Result<Self, SecretError> {
        let secret = Secret(bytes);
        match secret.0.len() {
            0 => Err(SecretError::Empty),
            n if n > MAX_BYTES => Err(SecretError::TooLong),
            _ => Ok(secret),
        }
    }

    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// Canonical spelling: upper-case base32 without padding.
    pub fn to_base32(&self) -> Zeroizing<String> {
        Zeroizing::new(data_encoding::BASE32_NOPAD.encode(&self.0))
    }

    /// True when the seed is shorter than RFC 4226 recommends (e.g. 80-bit keys).
    pub fn is_weak(&self) -> bool {
        self.0.len() < RECOMMENDED_MIN_BYTES
    }
}

impl FromStr for Secret {
    type Err = SecretError;

    /// Accepts keys as people paste them: any case, spaces, hyphens and `=` padding.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let mut clean = Zeroizing::new(String::with_capacity(text.len()));
        for (position, character) in text.chars().enumerate() {
            match character {
                ' ' | '\t' | '\n' | '\r' | '-' | '=' => {}
                'a'..='z' | 'A'..='Z' | '2'..='7' => clean.push(character.to_ascii_uppercase()),
                _ => return Err(SecretError::NotBase32 { character, position: position + 1 }),
            }
        }
        if clean.is_empty() {
            return Err(SecretError::Empty);
        }
        if clean.len() > MAX_BYTES * 8 / 5 + 1 {
            return Err(SecretError::TooLong);
        }
        // A final group of 1, 3 or 6 characters has a last symbol that holds no whole byte.
        let usable = match clean.len() % 8 {
            1 | 3 | 6 => clean.len() - 1,
            _ => clean.len(),
        };
        if usable == 0 {
            return Err(SecretError::TooShort);
        }
        let bytes =
            base32_lenient().decode(&clean.as_bytes()[..usable]).expect("only base32 symbols in a valid length remain");
        Secret::from_bytes(bytes)
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_base32())
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Secret({} bytes)", self.0.len())
    }
}

impl PartialEq for Secret {
    fn eq(&self, other: &Self) -> bool {
        // Constant time, so comparing seeds (duplicate detection) leaks nothing through timing.
        self.0.len() == other.0.len() && self.0.iter().zip(&other.0).fold(0u8, |acc, (a, b)| acc | (a ^ b)) == 0
    }
}

impl Eq for Secret {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_pasted_spellings() {
        let canonical: Secret = "JBSWY3DPEHPK3PXP".parse().unwrap();
        for spelling in ["jbsw y3dp ehpk 3pxp", "JBSW-Y3DP-EHPK-3PXP", "JBSWY3DPEHPK3PXP====", " jbswy3dpehpk3pxp\n"] {
            assert_eq!(spelling.parse::<Secret>().unwrap(), canonical, "{spelling}");
        }
        assert_eq!(canonical.as_bytes(), b"Hello!\xde\xad\xbe\xef");
    }

    #[test]
    fn unpadded_52_characters_decode_to_32_bytes() {
        let secret: Secret = "A".repeat(52).parse().unwrap();
        assert_eq!(secret.as_bytes().len(), 32);
        assert!(!secret.is_weak());
    }

    #[test]
    fn refuses_non_base32() {
        assert_eq!("ABC1".parse::<Secret>(), Err(SecretError::NotBase32 { character: '1', position: 4 }));
        assert_eq!("  ==".parse::<Secret>(), Err(SecretError::Empty));
        assert_eq!("A".parse::<Secret>(), Err(SecretError::TooShort));
    }

    #[test]
    fn debug_hides_the_bytes() {
        let secret: Secret = "JBSWY3DPEHPK3PXP".parse().unwrap();
        assert_eq!(format!("{secret:?}"), "Secret(10 bytes)");
        assert!(secret.is_weak());
    }
}
