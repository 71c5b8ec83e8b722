//! A plain list of `otpauth://` URIs, one a line: read by nearly every authenticator app, and
//! unencrypted, so callers must warn before writing it.

use zeroize::Zeroizing;

use crate::account::Account;

/// One URI per account, each line ending in a newline.
pub fn otpauth_list(accounts: &[Account]) -> Zeroizing<String> {
    let mut text = Zeroizing::new(String::new());
    for account in accounts {
        text.push_str(&Zeroizing::new(account.to_string()));
        text.push('\n');
    }
    text
}
