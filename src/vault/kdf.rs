//! Argon2id, the password-to-key function of the password slot, and the limits on its cost.

use argon2::{Algorithm, Argon2, Version};
use secrecy::{ExposeSecret, SecretString};
use zeroize::Zeroizing;

use super::format::{KEY_LEN, SALT_LEN};

/// Argon2id cost parameters, as stored in a vault's password slot.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KdfParams {
    /// Memory in KiB.
    pub memory_kib: u32,
    /// Passes over that memory.
    pub iterations: u32,
    /// Lanes. The computation runs on one thread whatever this is; it changes the result only.
    pub parallelism: u32,
}

/// Why KDF parameters were refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum KdfError {
    #[error(
        "the key derivation asks for {memory_kib} KiB × {iterations} passes × {parallelism} lanes, \
         outside what otpvault accepts (at most {max_mib} MiB, {max_iter} passes, {max_lanes} lanes, \
         {max_work} MiB·passes in all)",
        max_mib = KdfParams::MAX_MEMORY_KIB / 1024,
        max_iter = KdfParams::MAX_ITERATIONS,
        max_lanes = KdfParams::MAX_PARALLELISM,
        max_work = KdfParams::MAX_WORK_KIB_PASSES / 1024
    )]
    OutOfBounds { memory_kib: u32, iterations: u32, parallelism: u32 },
}

impl KdfParams {
    /// What new vaults use: 128 MiB and 2 passes, about half a second on one core of a
    /// 2-core laptop (see the vault benchmark), well above 64 MiB.
    pub const DEFAULT: KdfParams = KdfParams { memory_kib: 128 * 1024, iterations: 2, parallelism: 1 };

    /// RFC 9106 §4, second recommended option (64 MiB, 3 passes, 4 lanes): the benchmark's peer.
    pub const RFC9106_LOW_MEMORY: KdfParams = KdfParams { memory_kib: 64 * 1024, iterations: 3, parallelism: 4 };

    /// Nearly free, and so no protection at all: for tests that create many vaults. The command
    /// line uses it only when `OTPVAULT_INSECURE_TEST_KDF=1`.
    pub const INSECURE_TEST: KdfParams = KdfParams { memory_kib: 64, iterations: 1, parallelism: 1 };

    /// A hostile file must not make opening it take the machine's memory: 1 GiB at most.
    pub const MAX_MEMORY_KIB: u32 = 1024 * 1024;
    pub const MAX_ITERATIONS: u32 = 64;
    pub const MAX_PARALLELISM: u32 = 16;
    /// Memory × passes, which bounds the time: 4 GiB·passes is tens of seconds at worst.
    pub const MAX_WORK_KIB_PASSES: u64 = 4 * 1024 * 1024;

    /// Accepts the parameters only within the limits above (and Argon2's own minimums).
    pub fn checked(self) -> Result<KdfParams, KdfError> {
        let KdfParams { memory_kib, iterations, parallelism } = self;
        let within = (1..=Self::MAX_PARALLELISM).contains(&parallelism)
            && (1..=Self::MAX_ITERATIONS).contains(&iterations)
            && memory_kib >= 8 * parallelism
            && memory_kib <= Self::MAX_MEMORY_KIB
            && u64::from(memory_kib) * u64::from(iterations) <= Self::MAX_WORK_KIB_PASSES;
        if within { Ok(self) } else { Err(KdfError::OutOfBounds { memory_kib, iterations, parallelism }) }
    }

    /// The 32-byte key Argon2id derives from `password` and `salt`.
    pub(crate) fn derive(
        &self,
        password: &SecretString,
        salt: &[u8; SALT_LEN],
    ) -> Result<Zeroizing<[u8; KEY_LEN]>, KdfError> {
        let checked = self.checked()?;
        let out_of_bounds = || KdfError::OutOfBounds {
            memory_kib: self.memory_kib,
            iterations: self.iterations,
            parallelism: self.parallelism,
        };
        let params = argon2::Params::new(checked.memory_kib, checked.iterations, checked.parallelism, Some(KEY_LEN))
            .map_err(|_| out_of_bounds())?;
        let mut key = Zeroizing::new([0u8; KEY_LEN]);
        Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
            .hash_password_into(password.expose_secret().as_bytes(), salt, key.as_mut())
            .map_err(|_| out_of_bounds())?;
        Ok(key)
    }
}

impl Default for KdfParams {
    fn default() -> Self {
        KdfParams::DEFAULT
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_refuse_hostile_costs() {
        assert!(KdfParams::DEFAULT.checked().is_ok());
        assert!(KdfParams::RFC9106_LOW_MEMORY.checked().is_ok());
        assert!(KdfParams::INSECURE_TEST.checked().is_ok());
        let huge = KdfParams { memory_kib: u32::MAX, ..KdfParams::DEFAULT };
        assert!(huge.checked().is_err());
        let slow = KdfParams { memory_kib: 1024 * 1024, iterations: 5, parallelism: 1 };
        assert!(slow.checked().is_err());
        let zero = KdfParams { iterations: 0, ..KdfParams::INSECURE_TEST };
        assert!(zero.checked().is_err());
        let too_little = KdfParams { memory_kib: 8, iterations: 1, parallelism: 2 };
        assert!(too_little.checked().is_err());
    }

    #[test]
    fn derivation_depends_on_password_salt_and_cost() {
        let p = |s: &str| SecretString::from(s.to_owned());
        let k = |params: KdfParams, pw: &str, salt: u8| *params.derive(&p(pw), &[salt; SALT_LEN]).unwrap();
        let base = k(KdfParams::INSECURE_TEST, "pw", 1);
        assert_eq!(base, k(KdfParams::INSECURE_TEST, "pw", 1));
        assert_ne!(base, k(KdfParams::INSECURE_TEST, "pW", 1));
        assert_ne!(base, k(KdfParams::INSECURE_TEST, "pw", 2));
        assert_ne!(base, k(KdfParams { iterations: 2, ..KdfParams::INSECURE_TEST }, "pw", 1));
    }
}
