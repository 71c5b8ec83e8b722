//! Where "now" comes from. Codes, countdowns and the enrolment flow read the time through [`Clock`]
//! so that tests can fix it and a user whose computer clock is wrong can correct it per vault.

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// A source of the current time, as a duration since the Unix epoch.
pub trait Clock: Send + Sync + fmt::Debug {
    fn now(&self) -> Duration;

    /// Whole seconds since the Unix epoch, the moving factor's input.
    fn unix(&self) -> u64 {
        self.now().as_secs()
    }

    /// Time left until the next whole second: when a countdown shown in seconds next changes.
    fn until_next_second(&self) -> Duration {
        Duration::from_secs(1) - Duration::from_nanos(u64::from(self.now().subsec_nanos()))
    }

    /// Sets the manual correction for a wrong computer clock; clocks that are not the computer's
    /// ignore it.
    fn set_offset_seconds(&self, _offset: i64) {}
}

/// The computer's clock, shifted by a manual offset the user sets when that clock is wrong.
/// Clones share the offset, so changing it in the settings moves every view at once.
#[derive(Debug, Clone, Default)]
pub struct SystemClock {
    offset_seconds: Arc<AtomicI64>,
}

impl SystemClock {
    pub fn new(offset_seconds: i64) -> Self {
        SystemClock { offset_seconds: Arc::new(AtomicI64::new(offset_seconds)) }
    }

    pub fn offset_seconds(&self) -> i64 {
        self.offset_seconds.load(Ordering::Relaxed)
    }
}

impl Clock for SystemClock {
    fn set_offset_seconds(&self, offset: i64) {
        self.offset_seconds.store(offset, Ordering::Relaxed);
    }

    fn now(&self) -> Duration {
        let system = SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default();
        shift(system, self.offset_seconds())
    }
}

fn shift(time: Duration, offset_seconds: i64) -> Duration {
    let delta = Duration::from_secs(offset_seconds.unsigned_abs());
    if offset_seconds >= 0 { time.saturating_add(delta) } else { time.saturating_sub(delta) }
}

/// A clock that moves only when told to. Clones share the time, so a test keeps one handle and
/// gives another to the code under test. A manual correction applies on top, as on the system
/// clock.
#[derive(Debug, Clone, Default)]
pub struct FixedClock {
    millis: Arc<AtomicU64>,
    offset_seconds: Arc<AtomicI64>,
}

impl FixedClock {
    pub fn at(unix: Duration) -> Self {
        FixedClock { millis: Arc::new(AtomicU64::new(millis(unix))), offset_seconds: Arc::default() }
    }

    pub fn at_secs(unix_seconds: u64) -> Self {
        FixedClock::at(Duration::from_secs(unix_seconds))
    }

    pub fn set(&self, unix: Duration) {
        self.millis.store(millis(unix), Ordering::Relaxed);
    }

    pub fn advance(&self, by: Duration) {
        self.millis.fetch_add(millis(by), Ordering::Relaxed);
    }
}

fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

impl Clock for FixedClock {
    fn now(&self) -> Duration {
        shift(Duration::from_millis(self.millis.load(Ordering::Relaxed)), self.offset_seconds.load(Ordering::Relaxed))
    }

    fn set_offset_seconds(&self, offset: i64) {
        self.offset_seconds.store(offset, Ordering::Relaxed);
    }
}

/// Beyond this difference from a trusted time, most servers refuse TOTP codes (one 30 s step of
/// tolerance either side is the common setting), so the user must be told.
pub const SKEW_WARNING: Duration = Duration::from_secs(15);

/// How far the local clock is from a trusted reference.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Skew {
    /// Seconds to add to the local time to get the reference time: the manual offset that fixes it.
    pub correction_seconds: i64,
}

impl Skew {
    pub fn between(local: Duration, reference: Duration) -> Self {
        let local = i64::try_from(local.as_secs()).unwrap_or(i64::MAX);
        let reference = i64::try_from(reference.as_secs()).unwrap_or(i64::MAX);
        Skew { correction_seconds: reference.saturating_sub(local) }
    }

    /// Whether codes made with the local time are likely to be refused.
    pub fn is_significant(self) -> bool {
        self.correction_seconds.unsigned_abs() >= SKEW_WARNING.as_secs()
    }
}

impl fmt::Display for Skew {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = self.correction_seconds;
        match s {
            0 => f.write_str("the clock is right"),
            s if s > 0 => write!(f, "the clock is {s} s behind"),
            s => write!(f, "the clock is {} s ahead", s.unsigned_abs()),
        }
    }
}

/// Why a reference time could not be had.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TimeSourceError {
    #[error("no answer from the time server {server} ({reason}): check the network, or try again later")]
    Unreachable { server: String, reason: String },
}

/// A trusted reference time the user chose to compare the computer's clock with. Asking it may
/// take a network round trip: call it off the window's thread.
pub trait TimeSource: Send + Sync {
    /// How messages name it ("pool.ntp.org").
    fn name(&self) -> String;
    /// How far `clock` is from the reference.
    fn skew(&self, clock: &dyn Clock) -> Result<Skew, TimeSourceError>;
}

/// An NTP server, asked with SNTP (RFC 4330), which also removes the network delay.
#[derive(Debug, Clone)]
pub struct NtpServer {
    pub host: String,
}

impl NtpServer {
    /// The NTP Pool: the default of most Linux distributions.
    pub const DEFAULT_HOST: &str = "pool.ntp.org";
    /// An answer later than this is no use to a person waiting for a warning.
    const TIMEOUT: Duration = Duration::from_secs(5);
}

impl Default for NtpServer {
    fn default() -> Self {
        NtpServer { host: NtpServer::DEFAULT_HOST.to_owned() }
    }
}

impl TimeSource for NtpServer {
    fn name(&self) -> String {
        self.host.clone()
    }

    fn skew(&self, clock: &dyn Clock) -> Result<Skew, TimeSourceError> {
        let unreachable = |reason: String| TimeSourceError::Unreachable { server: self.host.clone(), reason };
        let mut client = rsntp::SntpClient::new();
        client.set_timeout(Self::TIMEOUT);
        let answer = client.synchronize(self.host.as_str()).map_err(|e| unreachable(e.to_string()))?;
        // The server measures against the computer's own clock; codes use `clock`, which may
        // already carry a manual offset.
        let system = SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default();
        let server_minus_system = answer.clock_offset().as_secs_f64();
        let reference = Duration::from_secs_f64((system.as_secs_f64() + server_minus_system).max(0.0));
        Ok(Skew::between(clock.now(), reference))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offset_shifts_the_system_time_both_ways() {
        let clock = SystemClock::new(0);
        let before = clock.unix();
        clock.set_offset_seconds(3600);
        assert!(clock.unix() >= before + 3600);
        clock.set_offset_seconds(-3600);
        assert!(clock.unix() + 3600 <= before + 2);
    }

    #[test]
    fn fixed_clock_moves_only_when_told_and_clones_share_time() {
        let clock = FixedClock::at(Duration::from_millis(59_250));
        let view = clock.clone();
        assert_eq!(view.unix(), 59);
        assert_eq!(view.until_next_second(), Duration::from_millis(750));
        clock.advance(Duration::from_millis(750));
        assert_eq!(view.unix(), 60);
        assert_eq!(view.until_next_second(), Duration::from_secs(1));
    }

    #[test]
    fn skew_says_which_way_to_correct() {
        let behind = Skew::between(Duration::from_secs(1000), Duration::from_secs(1040));
        assert_eq!(behind.correction_seconds, 40);
        assert!(behind.is_significant());
        assert_eq!(behind.to_string(), "the clock is 40 s behind");
        let ahead = Skew::between(Duration::from_secs(1000), Duration::from_secs(995));
        assert!(!ahead.is_significant());
        assert_eq!(ahead.to_string(), "the clock is 5 s ahead");
    }
}
