//! Copying codes, and clearing them from the clipboard after a delay, but only if the clipboard
//! still holds our code: whatever the user copied since is theirs.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use zeroize::Zeroizing;

/// The system clipboard, or a stand-in for tests.
pub trait Clipboard {
    fn set_text(&mut self, text: &str) -> anyhow::Result<()>;
    fn get_text(&mut self) -> Option<String>;
    fn clear(&mut self) -> anyhow::Result<()>;
}

/// The desktop clipboard through `arboard`. On X11 the clipboard lives as long as its owner, so
/// the window keeps this object for its whole life.
pub struct SystemClipboard(arboard::Clipboard);

impl SystemClipboard {
    pub fn open() -> anyhow::Result<Self> {
        Ok(SystemClipboard(arboard::Clipboard::new()?))
    }
}

impl Clipboard for SystemClipboard {
    fn set_text(&mut self, text: &str) -> anyhow::Result<()> {
        Ok(self.0.set_text(text)?)
    }

    fn get_text(&mut self) -> Option<String> {
        self.0.get_text().ok()
    }

    fn clear(&mut self) -> anyhow::Result<()> {
        Ok(self.0.clear()?)
    }
}

/// A clipboard in memory; clones share the content, so a test can read what the window copied.
#[derive(Debug, Clone, Default)]
pub struct MemoryClipboard(Arc<Mutex<Option<String>>>);

impl MemoryClipboard {
    pub fn content(&self) -> Option<String> {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// What another program copying something would do.
    pub fn set_by_user(&self, text: &str) {
        *self.0.lock().unwrap_or_else(|p| p.into_inner()) = Some(text.to_owned());
    }
}

impl Clipboard for MemoryClipboard {
    fn set_text(&mut self, text: &str) -> anyhow::Result<()> {
        self.set_by_user(text);
        Ok(())
    }

    fn get_text(&mut self) -> Option<String> {
        self.content()
    }

    fn clear(&mut self) -> anyhow::Result<()> {
        *self.0.lock().unwrap_or_else(|p| p.into_inner()) = None;
        Ok(())
    }
}

/// A code we copied, and when it must leave the clipboard.
pub struct PendingClear {
    pub text: Zeroizing<String>,
    pub at: Duration,
}

impl PendingClear {
    /// Clears the clipboard when it is time and it still holds our text. True once done with.
    pub fn tick(&self, clipboard: &mut dyn Clipboard, now: Duration) -> bool {
        if now < self.at {
            return false;
        }
        if clipboard.get_text().is_some_and(|current| current == *self.text) {
            // Failing to clear leaves the code there until it expires anyway; nothing to retry.
            let _ = clipboard.clear();
        }
        true
    }
}
