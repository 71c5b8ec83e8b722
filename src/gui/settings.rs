//! The settings dialog: auto-lock, clipboard delay, theme, clock correction, keyring, password.

use std::time::Duration;

use secrecy::SecretString;

use super::Request;
use crate::clock::Skew;

/// Preferences kept between runs.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct Settings {
    pub auto_lock_minutes: u32,
    pub clipboard_clear_seconds: u32,
    pub theme: ThemeChoice,
    /// Added to the computer's clock when it is wrong.
    pub clock_offset_seconds: i64,
    /// Compare the clock with a time server after each unlock (a network request, so off until
    /// the user turns it on).
    pub check_clock: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            auto_lock_minutes: 5,
            clipboard_clear_seconds: 30,
            theme: ThemeChoice::System,
            clock_offset_seconds: 0,
            check_clock: false,
        }
    }
}

impl Settings {
    pub fn auto_lock(&self) -> Duration {
        Duration::from_secs(u64::from(self.auto_lock_minutes.max(1)) * 60)
    }

    pub fn clipboard_clear(&self) -> Duration {
        Duration::from_secs(u64::from(self.clipboard_clear_seconds.max(5)))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum ThemeChoice {
    System,
    Light,
    Dark,
}

pub(crate) struct SettingsPanel {
    draft: Settings,
    keyring: bool,
    current_password: String,
    new_password: String,
    password_note: Option<String>,
}

impl SettingsPanel {
    pub fn new(settings: Settings, keyring: bool) -> Self {
        SettingsPanel {
            draft: settings,
            keyring,
            current_password: String::new(),
            new_password: String::new(),
            password_note: None,
        }
    }

    pub fn password_changed(&mut self, ok: bool) {
        if ok {
            self.current_password.clear();
            self.new_password.clear();
            self.password_note = Some("Password changed.".to_owned());
        } else {
            self.password_note = Some("The password was not changed: see the status bar.".to_owned());
        }
    }

    /// Returns false once closed.
    pub fn ui(
        &mut self,
        ctx: &egui::Context,
        now: Duration,
        time_source: &str,
        skew: Option<&Result<Skew, String>>,
        requests: &mut Vec<Request>,
    ) -> bool {
        let mut open = true;
        egui::Modal::new(egui::Id::unique("settings")).show(ctx, |ui| {
            ui.set_width(ui.ctx().content_rect().width().min(380.0) - 40.0);
            ui.heading("Settings");
            ui.add_space(8.0);
            egui::Grid::new("settings-grid").num_columns(2).spacing([12.0, 10.0]).show(ui, |ui| {
                ui.label("Lock after idle");
                ui.add(egui::DragValue::new(&mut self.draft.auto_lock_minutes).range(1..=240).suffix(" min"));
                ui.end_row();
                ui.label("Clear clipboard after");
                ui.add(egui::DragValue::new(&mut self.draft.clipboard_clear_seconds).range(5..=600).suffix(" s"));
                ui.end_row();
                ui.label("Theme");
                ui.horizontal(|ui| {
                    ui.selectable_value(&mut self.draft.theme, ThemeChoice::System, "System");
                    ui.selectable_value(&mut self.draft.theme, ThemeChoice::Light, "Light");
                    ui.selectable_value(&mut self.draft.theme, ThemeChoice::Dark, "Dark");
                });
                ui.end_row();
                ui.label("Clock correction");
                ui.add(egui::DragValue::new(&mut self.draft.clock_offset_seconds).range(-86_400..=86_400).suffix(" s"))
                    .on_hover_text("Codes are refused when the computer's clock is wrong: add or remove seconds here.");
                ui.end_row();
                ui.label("");
                let corrected = now.as_secs().saturating_add_signed(self.draft.clock_offset_seconds);
                ui.weak(format!("codes use {} UTC: compare with your phone", hms(corrected)));
                ui.end_row();
                ui.label("");
                ui.checkbox(&mut self.draft.check_clock, format!("Compare the clock with {time_source}"))
                    .on_hover_text("After each unlock, asks the time server how far off the clock is, and warns.");
                ui.end_row();
                if let Some(skew) = skew {
                    ui.label("");
                    match skew {
                        Ok(skew) => ui.weak(format!("last check: {skew}")),
                        Err(error) => ui.weak(format!("last check failed: {error}")),
                    };
                    ui.end_row();
                }
            });
            ui.separator();
            if ui.button("Backup and restore…").clicked() {
                requests.push(Request::OpenBackup);
            }
            ui.separator();
            let mut keyring = self.keyring;
            if ui.checkbox(&mut keyring, "Unlock with the system keyring").changed() {
                self.keyring = keyring;
                requests.push(Request::SetKeyring(keyring));
            }
            ui.separator();
            ui.label("Change password");
            ui.add(egui::TextEdit::singleline(&mut self.current_password).password(true).hint_text("current password"));
            ui.add(egui::TextEdit::singleline(&mut self.new_password).password(true).hint_text("new password"));
            let strong = super::unlock::strength(&self.new_password);
            if !self.new_password.is_empty() {
                super::unlock::strength_bar(ui, strong);
            }
            if ui
                .add_enabled(strong >= 2 && !self.current_password.is_empty(), egui::Button::new("Change password"))
                .clicked()
            {
                requests.push(Request::ChangePassword {
                    current: SecretString::from(self.current_password.clone()),
                    new: SecretString::from(self.new_password.clone()),
                });
            }
            if let Some(note) = &self.password_note {
                ui.label(note);
            }
            ui.separator();
            ui.horizontal(|ui| {
                if ui.button("Save").clicked() {
                    requests.push(Request::ApplySettings(self.draft.clone()));
                    open = false;
                }
                if ui.button("Cancel").clicked() || ui.input(|i| i.key_pressed(egui::Key::Escape)) {
                    open = false;
                }
            });
        });
        open
    }
}

fn hms(unix: u64) -> String {
    let day = unix % 86_400;
    format!("{:02}:{:02}:{:02}", day / 3600, day % 3600 / 60, day % 60)
}
