//! Finding accounts by what people type: parts of the issuer, the name, a tag, or the issuer's
//! initials (`aws` finds "Amazon Web Services", and every AWS virtual MFA device). The window's
//! search field and the command line's QUERY both use it.

use crate::account::Account;

/// A search as typed: every word must match the issuer, the name, a tag or the issuer's initials,
/// ignoring case. An empty query matches everything.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Query {
    words: Vec<String>,
}

impl Query {
    pub fn new(text: &str) -> Self {
        Query { words: text.split_whitespace().map(str::to_lowercase).collect() }
    }

    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
    }

    pub fn matches(&self, account: &Account, tags: &[String]) -> bool {
        let issuer = account.issuer.as_deref().unwrap_or("").to_lowercase();
        let name = account.name.to_lowercase();
        let initials = initials(&issuer);
        let tags: Vec<String> = tags.iter().map(|t| t.to_lowercase()).collect();
        self.words.iter().all(|word| {
            issuer.contains(word.as_str())
                || name.contains(word.as_str())
                || (initials.len() > 1 && initials == *word)
                || tags.iter().any(|t| t.contains(word.as_str()))
                || (word == "aws" && account.aws().is_some())
        })
    }
}

/// First letters of the words: "amazon web services" → "aws".
fn initials(text: &str) -> String {
    text.split(|c: char| !c.is_alphanumeric()).filter_map(|w| w.chars().next()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::otp::Params;

    fn account(issuer: Option<&str>, name: &str) -> Account {
        Account::new(issuer.map(str::to_owned), name.to_owned(), "JBSWY3DPEHPK3PXP".parse().unwrap(), Params::totp())
    }

    #[test]
    fn every_word_must_match_somewhere() {
        let aws = account(Some("Amazon Web Services"), "alice@123456789012");
        let no_tags: &[String] = &[];
        assert!(Query::new("").matches(&aws, no_tags));
        assert!(Query::new("AMAZON").matches(&aws, no_tags));
        assert!(Query::new("aws alice").matches(&aws, no_tags));
        assert!(Query::new("1234567").matches(&aws, no_tags));
        assert!(!Query::new("aws bob").matches(&aws, no_tags));
        assert!(!Query::new("github").matches(&aws, no_tags));
        assert!(Query::new("work").matches(&aws, &["Work".to_owned()]));
    }

    #[test]
    fn a_single_letter_is_not_taken_for_initials() {
        let gh = account(Some("GitHub"), "me");
        assert!(!Query::new("x").matches(&gh, &[]));
        assert!(Query::new("h").matches(&gh, &[]));
    }
}
