//! Backup and restore: write the vault's accounts to a file (encrypted, or in clear for other
//! apps), and read accounts back from our backups or other apps' exports.

use secrecy::SecretString;

use super::{Request, unlock};
use crate::export::BackupFormat;

/// A file chosen for import, read and recognised, waiting for its password.
#[derive(Clone)]
pub(crate) struct PickedBackup {
    pub file_name: String,
    pub bytes: zeroize::Zeroizing<Vec<u8>>,
    pub importer: &'static dyn crate::import::Importer,
}

pub(crate) struct BackupPanel {
    format: BackupFormat,
    password: String,
    confirm: String,
    waiting: Option<PickedBackup>,
    restore_password: String,
    /// The outcome of the last action, shown under the buttons.
    pub note: Option<String>,
}

impl Default for BackupPanel {
    fn default() -> Self {
        BackupPanel {
            format: BackupFormat::Otpvault,
            password: String::new(),
            confirm: String::new(),
            waiting: None,
            restore_password: String::new(),
            note: None,
        }
    }
}

impl BackupPanel {
    /// A file that needs a password before it can be read.
    pub fn needs_password(&mut self, picked: PickedBackup) {
        self.note = Some(format!("{} is a {} file: type its password.", picked.file_name, picked.importer.name()));
        self.restore_password.clear();
        self.waiting = Some(picked);
    }

    /// A failed action: what went wrong; a file waiting for its password stays chosen.
    pub fn failed(&mut self, note: String) {
        self.note = Some(note);
    }

    pub fn done(&mut self, note: String) {
        self.note = Some(note);
        self.waiting = None;
        self.password.clear();
        self.confirm.clear();
        self.restore_password.clear();
    }

    /// Returns false once closed.
    pub fn ui(&mut self, ctx: &egui::Context, busy: bool, requests: &mut Vec<Request>) -> bool {
        let mut open = true;
        egui::Modal::new(egui::Id::unique("backup")).show(ctx, |ui| {
            ui.set_width(ui.ctx().content_rect().width().min(400.0) - 40.0);
            ui.heading("Back up");
            ui.label("Keep a copy of your seeds somewhere safe: without them a lost computer locks you out.");
            for format in BackupFormat::ALL {
                ui.radio_value(&mut self.format, format, format.label());
            }
            let score = unlock::strength(&self.password);
            let ready = if self.format.encrypted() {
                let label = ui.label("Backup password");
                ui.add(egui::TextEdit::singleline(&mut self.password).password(true)).labelled_by(label.id);
                if !self.password.is_empty() {
                    unlock::strength_bar(ui, score);
                }
                let label = ui.label("Confirm backup password");
                ui.add(egui::TextEdit::singleline(&mut self.confirm).password(true)).labelled_by(label.id);
                let mismatch = !self.confirm.is_empty() && self.confirm != self.password;
                if mismatch {
                    ui.colored_label(ui.visuals().error_fg_color, "The passwords differ.");
                }
                score >= 2 && self.confirm == self.password
            } else {
                ui.colored_label(
                    ui.visuals().warn_fg_color,
                    "This file holds every seed in clear: keep it offline and delete it once used.",
                );
                true
            };
            if ui.add_enabled(ready && !busy, egui::Button::new("Back up…")).clicked() {
                let password = self.format.encrypted().then(|| SecretString::from(self.password.clone()));
                requests.push(Request::Backup { format: self.format, password });
            }
            ui.separator();
            ui.heading("Restore or import");
            ui.label("An otpvault backup, or an export of Aegis, 2FAS, andOTP, Authy, Bitwarden, Ente, FreeOTP, Google Authenticator, Proton, Stratum and more. Accounts already here are skipped.");
            if let Some(picked) = &self.waiting {
                let label = ui.label(format!("Password of {}", picked.file_name));
                let field = ui
                    .add(egui::TextEdit::singleline(&mut self.restore_password).password(true))
                    .labelled_by(label.id);
                let entered = field.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
                let import = ui.add_enabled(!busy && !self.restore_password.is_empty(), egui::Button::new("Import"));
                if (import.clicked() || entered) && !self.restore_password.is_empty() {
                    // Kept until the import succeeds, so a mistyped password can be typed again.
                    let password = SecretString::from(std::mem::take(&mut self.restore_password));
                    requests.push(Request::ImportBackup { picked: picked.clone(), password: Some(password) });
                }
            } else if ui.add_enabled(!busy, egui::Button::new("Choose a file…")).clicked() {
                requests.push(Request::PickBackup);
            }
            if busy {
                ui.horizontal(|ui| {
                    ui.spinner();
                    ui.label("Working…");
                });
            } else if let Some(note) = &self.note {
                ui.label(note);
            }
            ui.separator();
            if ui.button("Close").clicked() || ui.input(|i| i.key_pressed(egui::Key::Escape)) {
                open = false;
            }
        });
        open
    }
}
