//! otpvault: a desktop authenticator. This library holds every capability; the command line
//! (`cli`) and the window (`gui`) only call it.

pub mod account;
pub mod cli;
pub mod clock;
pub mod enroll;
pub mod gui;
pub mod import;
pub mod intake;
pub mod migration;
pub mod otp;
pub mod search;
pub mod secret;
pub mod uri;
pub mod vault;

pub use account::Account;
pub use otp::{Algorithm, Code, Digits, Kind, Params, Period};
pub use secret::Secret;
pub use uri::OtpUri;
