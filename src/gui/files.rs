//! Choosing files to open and to write: the system's file dialogs, injected so tests choose for
//! the user.

use std::path::PathBuf;

/// Asks the user for a file. Calls block until the user answers: make them on a worker thread.
pub trait Files: Send + Sync {
    /// A file to read, or `None` when the user cancels. `extensions` filters the list, if any.
    fn open(&self, title: &str, extensions: &[&str]) -> Option<PathBuf>;
    /// A new file to write, proposed as `file_name`, or `None` when the user cancels.
    fn save(&self, title: &str, file_name: &str) -> Option<PathBuf>;
}

/// The desktop's own file dialogs (the XDG portal or GTK on Linux).
pub struct SystemFiles;

impl Files for SystemFiles {
    fn open(&self, title: &str, extensions: &[&str]) -> Option<PathBuf> {
        let mut dialog = rfd::FileDialog::new().set_title(title);
        if !extensions.is_empty() {
            dialog = dialog.add_filter("Supported files", extensions);
        }
        dialog.pick_file()
    }

    fn save(&self, title: &str, file_name: &str) -> Option<PathBuf> {
        rfd::FileDialog::new().set_title(title).set_file_name(file_name).save_file()
    }
}

/// Answers every dialog with the same paths: for tests and scripted runs.
#[derive(Debug, Clone, Default)]
pub struct ChosenFiles {
    pub open: Option<PathBuf>,
    pub save: Option<PathBuf>,
}

impl Files for ChosenFiles {
    fn open(&self, _title: &str, _extensions: &[&str]) -> Option<PathBuf> {
        self.open.clone()
    }

    fn save(&self, _title: &str, _file_name: &str) -> Option<PathBuf> {
        self.save.clone()
    }
}
