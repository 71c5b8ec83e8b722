//! Enrolling a virtual MFA device, and resyncing one: the "type two consecutive MFA codes" form of
//! AWS (GitHub, Google and others ask for one or two codes the same way).
//!
//! AWS wants codes from two consecutive periods and asks for them to be submitted at once: a late
//! submission attaches the device out of sync. It documents no tolerance for a code from a future
//! period, so the default [`Pace::Consecutive`] follows the flow AWS describes: code 1 now, code 2
//! at the next period boundary, then submit before code 1 is two periods old. [`Pace::BothNow`] gives
//! the current and the next code at once (as `oathtool -w 1` does), for servers that accept them.
//!
//! The flow is a pure function of the time passed in, so callers inject their clock.

use std::time::Duration;

use crate::account::Account;
use crate::otp::{self, Code, Params};
use crate::secret::Secret;

/// How the two codes are given.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Pace {
    /// Code 1 now, code 2 when the next period starts: what AWS describes.
    #[default]
    Consecutive,
    /// The current and the next period's codes at once: faster, but only for servers that accept a
    /// code from the next period.
    BothNow,
}

/// Where the flow stands at a given time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Phase {
    /// Type code 1; code 2 appears after this wait.
    WaitForSecond(Duration),
    /// Both codes are shown: submit them now. The time left before code 1 is too old, or `None`
    /// when the codes never age (HOTP).
    SubmitNow(Option<Duration>),
    /// Code 1 has grown too old (or the clock moved back before it): start again for fresh codes.
    TooLate,
}

/// What to show at a given time: code 1, code 2 once it is due, and the phase.
#[derive(Debug, Clone)]
pub struct Step {
    pub first: Code,
    pub second: Option<Code>,
    pub phase: Phase,
}

/// One run of the two-code flow for an account.
#[derive(Debug, Clone)]
pub struct Enrollment {
    secret: Secret,
    params: Params,
    pace: Pace,
    /// Moving factor of code 1: a time step, or the HOTP counter.
    first: u64,
}

impl Enrollment {
    /// Starts the flow at `now` (time since the Unix epoch). Code 1 is the code of `now`'s period.
    pub fn start(account: &Account, pace: Pace, now: Duration) -> Self {
        Enrollment {
            secret: account.secret.clone(),
            params: account.params,
            pace,
            first: account.params.moving_factor(now.as_secs()),
        }
    }

    pub fn pace(&self) -> Pace {
        self.pace
    }

    /// Starts again at `now`, e.g. after [`Phase::TooLate`].
    pub fn restart(&mut self, now: Duration) {
        if self.params.kind.is_time_based() {
            self.first = self.params.moving_factor(now.as_secs());
        }
    }

    /// The HOTP counter to store once the two codes are used; `None` for time-based accounts.
    pub fn next_counter(&self) -> Option<u64> {
        (!self.params.kind.is_time_based()).then(|| self.first.saturating_add(2))
    }

    /// What to show at `now`.
    pub fn step(&self, now: Duration) -> Step {
        let first = self.code(self.first);
        let second = self.code(self.first.saturating_add(1));
        if !self.params.kind.is_time_based() {
            return Step { first, second: Some(second), phase: Phase::SubmitNow(None) };
        }
        let start = self.boundary(0);
        let second_due = match self.pace {
            Pace::Consecutive => self.boundary(1),
            Pace::BothNow => start,
        };
        // Past the end of code 2's period, code 1 is two periods old: servers that allow one
        // period of drift refuse it, and AWS would attach the device out of sync.
        let deadline = self.boundary(2);
        if now < start || now >= deadline {
            Step { first, second: None, phase: Phase::TooLate }
        } else if now < second_due {
            Step { first, second: None, phase: Phase::WaitForSecond(second_due - now) }
        } else {
            Step { first, second: Some(second), phase: Phase::SubmitNow(Some(deadline - now)) }
        }
    }

    /// Time from `now` until what [`Enrollment::step`] shows next changes phase, if it ever does.
    pub fn next_change(&self, now: Duration) -> Option<Duration> {
        match self.step(now).phase {
            Phase::WaitForSecond(wait) => Some(wait),
            Phase::SubmitNow(left) => left,
            Phase::TooLate => None,
        }
    }

    /// Start of the period `periods` after code 1's.
    fn boundary(&self, periods: u64) -> Duration {
        let period = u64::from(self.params.period.seconds());
        Duration::from_secs(self.first.saturating_add(periods).saturating_mul(period))
    }

    fn code(&self, moving_factor: u64) -> Code {
        otp::generate(&self.secret, &self.params, moving_factor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::otp::Period;

    const SECRET: &str = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";

    fn account(params: Params) -> Account {
        Account::new(Some("Amazon Web Services".into()), "alice@123456789012".into(), SECRET.parse().unwrap(), params)
    }

    fn at(seconds: u64, millis: u64) -> Duration {
        Duration::from_secs(seconds) + Duration::from_millis(millis)
    }

    fn code(params: Params, unix: u64) -> String {
        account(params).code_at(unix).to_string()
    }

    #[test]
    fn consecutive_shows_code_one_then_waits_for_the_boundary() {
        let totp = Params::totp();
        let flow = Enrollment::start(&account(totp), Pace::Consecutive, at(1_000_000_005, 500));
        let step = flow.step(at(1_000_000_005, 500));
        assert_eq!(step.first.as_str(), code(totp, 1_000_000_005));
        assert!(step.second.is_none());
        let boundary = (1_000_000_005 / 30 + 1) * 30;
        assert_eq!(step.phase, Phase::WaitForSecond(Duration::from_secs(boundary) - at(1_000_000_005, 500)));
        assert_eq!(
            flow.next_change(at(1_000_000_005, 500)),
            Some(Duration::from_secs(boundary) - at(1_000_000_005, 500))
        );

        let just_before = flow.step(Duration::from_secs(boundary) - Duration::from_millis(1));
        assert!(just_before.second.is_none());

        let after = flow.step(Duration::from_secs(boundary));
        assert_eq!(after.first.as_str(), code(totp, 1_000_000_005), "code 1 stays as it was");
        assert_eq!(after.second.unwrap().as_str(), code(totp, boundary));
        assert_ne!(code(totp, boundary), code(totp, 1_000_000_005));
        assert_eq!(after.phase, Phase::SubmitNow(Some(Duration::from_secs(30))));

        let late = flow.step(Duration::from_secs(boundary + 29));
        assert_eq!(late.phase, Phase::SubmitNow(Some(Duration::from_secs(1))));
        assert_eq!(flow.step(Duration::from_secs(boundary + 30)).phase, Phase::TooLate);
        assert_eq!(flow.next_change(Duration::from_secs(boundary + 30)), None);
    }

    #[test]
    fn both_now_gives_the_current_and_next_period_at_once() {
        let totp = Params::totp();
        let now = at(59, 0);
        let step = Enrollment::start(&account(totp), Pace::BothNow, now).step(now);
        // RFC 6238 secret at T=59 and the step after it.
        assert_eq!(step.first.as_str(), code(totp, 59));
        assert_eq!(step.second.unwrap().as_str(), code(totp, 60));
        // Code 1 (step 1) is too old once step 3 starts at 90 s.
        assert_eq!(step.phase, Phase::SubmitNow(Some(Duration::from_secs(31))));
    }

    #[test]
    fn restart_after_too_late_gives_fresh_codes() {
        let totp = Params::totp();
        let mut flow = Enrollment::start(&account(totp), Pace::Consecutive, at(10, 0));
        assert_eq!(flow.step(at(75, 0)).phase, Phase::TooLate);
        flow.restart(at(75, 0));
        let step = flow.step(at(75, 0));
        assert_eq!(step.first.as_str(), code(totp, 75));
        assert_eq!(step.phase, Phase::WaitForSecond(Duration::from_secs(15)));
    }

    #[test]
    fn a_clock_moved_back_is_too_late_not_a_wrong_code() {
        let flow = Enrollment::start(&account(Params::totp()), Pace::Consecutive, at(100, 0));
        assert_eq!(flow.step(at(80, 0)).phase, Phase::TooLate);
    }

    #[test]
    fn period_other_than_thirty_seconds_sets_the_boundaries() {
        let params = Params { period: Period::try_from(60u32).unwrap(), ..Params::totp() };
        let flow = Enrollment::start(&account(params), Pace::Consecutive, at(130, 0));
        assert_eq!(flow.step(at(130, 0)).phase, Phase::WaitForSecond(Duration::from_secs(50)));
        assert_eq!(flow.step(at(180, 0)).second.unwrap().as_str(), code(params, 180));
        assert_eq!(flow.step(at(180, 0)).phase, Phase::SubmitNow(Some(Duration::from_secs(60))));
    }

    #[test]
    fn hotp_gives_two_counters_at_once_and_the_counter_to_store() {
        let params = Params::hotp(4);
        let flow = Enrollment::start(&account(params), Pace::Consecutive, at(0, 0));
        let step = flow.step(at(1_000, 0));
        assert_eq!(step.first.as_str(), code(Params::hotp(4), 0));
        assert_eq!(step.second.unwrap().as_str(), code(Params::hotp(5), 0));
        assert_eq!(step.phase, Phase::SubmitNow(None));
        assert_eq!(flow.next_counter(), Some(6));
        assert_eq!(Enrollment::start(&account(Params::totp()), Pace::BothNow, at(0, 0)).next_counter(), None);
    }
}
