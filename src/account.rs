//! An OTP account: who it is for, its secret and how its codes are made.

use crate::otp::{self, Code, Params};
use crate::secret::Secret;

/// Issuer AWS writes in the QR codes of virtual MFA devices.
pub const AWS_ISSUER: &str = "Amazon Web Services";

/// One account. Every field holds a valid value: the types of `secret` and `params` see to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    /// The service, e.g. `GitHub`; `None` when the source named none.
    pub issuer: Option<String>,
    /// The user or device at that service, e.g. `alice@example.com`.
    pub name: String,
    pub secret: Secret,
    pub params: Params,
}

/// The parts of an AWS virtual MFA label `Amazon Web Services:<user or device>@<account>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AwsLabel<'a> {
    /// The IAM user or MFA device name.
    pub user: &'a str,
    /// The 12-digit account id, or the account alias when the console shows one.
    pub account: &'a str,
}

impl AwsLabel<'_> {
    /// The account id when the label holds one rather than an alias.
    pub fn account_id(&self) -> Option<&str> {
        (self.account.len() == 12 && self.account.bytes().all(|b| b.is_ascii_digit())).then_some(self.account)
    }
}

impl Account {
    pub fn new(issuer: Option<String>, name: String, secret: Secret, params: Params) -> Self {
        let issuer = issuer.map(|i| i.trim().to_owned()).filter(|i| !i.is_empty());
        Account { issuer, name: name.trim().to_owned(), secret, params: params.normalized() }
    }

    /// The code at `unix_time` (TOTP, Steam) or at the stored counter (HOTP).
    pub fn code_at(&self, unix_time: u64) -> Code {
        otp::generate(&self.secret, &self.params, self.params.moving_factor(unix_time))
    }

    /// `Issuer (name)`, or the name alone, for lists and messages.
    pub fn display_name(&self) -> String {
        match &self.issuer {
            Some(issuer) if self.name.is_empty() => issuer.clone(),
            Some(issuer) => format!("{issuer} ({})", self.name),
            None => self.name.clone(),
        }
    }

    /// The AWS parts of the label, when this is an AWS virtual MFA device.
    pub fn aws(&self) -> Option<AwsLabel<'_>> {
        if !self.issuer.as_deref().is_some_and(|i| i.eq_ignore_ascii_case(AWS_ISSUER)) {
            return None;
        }
        let (user, account) = self.name.rsplit_once('@')?;
        (!user.is_empty() && !account.is_empty()).then_some(AwsLabel { user, account })
    }

    /// Same seed and same code parameters: importing it again would add nothing.
    pub fn same_codes_as(&self, other: &Account) -> bool {
        let mut ours = self.params;
        let mut theirs = other.params;
        // The HOTP counter moves with use; the seed and settings identify the account.
        ours.counter = 0;
        theirs.counter = 0;
        self.secret == other.secret && ours == theirs
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn account(issuer: Option<&str>, name: &str) -> Account {
        Account::new(issuer.map(str::to_owned), name.to_owned(), "JBSWY3DPEHPK3PXP".parse().unwrap(), Params::totp())
    }

    #[test]
    fn aws_labels_expose_account_and_user() {
        let a = account(Some(AWS_ISSUER), "alice@123456789012");
        let aws = a.aws().unwrap();
        assert_eq!((aws.user, aws.account, aws.account_id()), ("alice", "123456789012", Some("123456789012")));
        let alias = account(Some(AWS_ISSUER), "MyDevice@my-company");
        assert_eq!(alias.aws().unwrap().account_id(), None);
        assert_eq!(account(Some("GitHub"), "alice@123456789012").aws(), None);
    }

    #[test]
    fn display_name_reads_naturally() {
        assert_eq!(account(Some("GitHub"), "alice").display_name(), "GitHub (alice)");
        assert_eq!(account(None, "alice").display_name(), "alice");
        assert_eq!(account(Some(" "), "alice").issuer, None);
    }
}
