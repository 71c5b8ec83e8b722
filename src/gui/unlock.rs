//! First run (create a vault) and unlock.

use secrecy::SecretString;

use super::{Request, style};

/// zxcvbn's score, 0 (guessed at once) to 4 (very hard to guess).
pub(crate) fn strength(password: &str) -> u8 {
    if password.is_empty() {
        return 0;
    }
    zxcvbn::zxcvbn(password, &["otpvault"]).score().into()
}

pub(crate) fn strength_bar(ui: &mut egui::Ui, score: u8) {
    let (text, color) = match score {
        0 | 1 => ("weak: easy to guess", egui::Color32::from_rgb(0xd9, 0x3f, 0x3f)),
        2 => ("fair", egui::Color32::from_rgb(0xe0, 0x9b, 0x2d)),
        3 => ("good", egui::Color32::from_rgb(0x6c, 0xb0, 0x4a)),
        _ => ("strong", egui::Color32::from_rgb(0x2e, 0x9e, 0x5b)),
    };
    ui.horizontal(|ui| {
        ui.add(egui::ProgressBar::new(f32::from(score + 1) / 5.0).fill(color).desired_width(160.0).desired_height(6.0));
        ui.colored_label(color, format!("Strength: {text}"));
    });
}

#[derive(Default)]
pub(crate) struct CreatePanel {
    password: String,
    confirm: String,
    remember: bool,
    pub error: Option<String>,
}

impl CreatePanel {
    pub fn ui(&mut self, ui: &mut egui::Ui, busy: bool, requests: &mut Vec<Request>) {
        egui::CentralPanel::default().show(ui, |ui| {
            style::centered_card(ui, |ui| {
                style::logo(ui);
                ui.heading("Create your vault");
                ui.label("Your seeds are encrypted with this password. Nobody can recover it for you.");
                ui.add_space(12.0);
                let label = ui.label("Password");
                let first = ui
                    .add(egui::TextEdit::singleline(&mut self.password).password(true).desired_width(f32::INFINITY))
                    .labelled_by(label.id);
                if !ui.memory(|m| m.has_focus(first.id)) && self.password.is_empty() && self.confirm.is_empty() {
                    first.request_focus();
                }
                let score = strength(&self.password);
                if !self.password.is_empty() {
                    strength_bar(ui, score);
                }
                let label = ui.label("Confirm password");
                let confirm = ui
                    .add(egui::TextEdit::singleline(&mut self.confirm).password(true).desired_width(f32::INFINITY))
                    .labelled_by(label.id);
                let mismatch = !self.confirm.is_empty() && self.confirm != self.password;
                if mismatch {
                    ui.colored_label(ui.visuals().error_fg_color, "The passwords differ.");
                }
                ui.checkbox(&mut self.remember, "Remember in the system keyring (unlock without typing)");
                ui.add_space(8.0);
                let ready = score >= 2 && self.confirm == self.password && !busy;
                let enter = confirm.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
                let button = ui.add_enabled(ready, egui::Button::new("Create vault").min_size(egui::vec2(140.0, 30.0)));
                if ready && (button.clicked() || enter) {
                    self.error = None;
                    requests.push(Request::Create {
                        password: SecretString::from(self.password.clone()),
                        remember: self.remember,
                    });
                }
                if score < 2 && !self.password.is_empty() {
                    ui.weak("Use a longer password: a few unrelated words work well.");
                }
                if busy {
                    ui.horizontal(|ui| {
                        ui.spinner();
                        ui.label("Creating…");
                    });
                }
                if let Some(error) = &self.error {
                    ui.colored_label(ui.visuals().error_fg_color, error);
                }
            });
        });
    }
}

pub(crate) struct UnlockPanel {
    password: String,
    pub keyring: bool,
    pub error: Option<String>,
}

impl UnlockPanel {
    pub fn new(keyring: bool) -> Self {
        UnlockPanel { password: String::new(), keyring, error: None }
    }

    pub fn ui(&mut self, ui: &mut egui::Ui, busy: bool, requests: &mut Vec<Request>) {
        egui::CentralPanel::default().show(ui, |ui| {
            style::centered_card(ui, |ui| {
                style::logo(ui);
                ui.heading("Unlock your vault");
                ui.add_space(12.0);
                let label = ui.label("Password");
                let field = ui
                    .add_enabled(
                        !busy,
                        egui::TextEdit::singleline(&mut self.password).password(true).desired_width(f32::INFINITY),
                    )
                    .labelled_by(label.id);
                if !busy && !ui.memory(|m| m.focused().is_some()) {
                    field.request_focus();
                }
                let enter = field.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
                ui.add_space(8.0);
                ui.horizontal(|ui| {
                    let unlock = ui.add_enabled(
                        !busy && !self.password.is_empty(),
                        egui::Button::new("Unlock").min_size(egui::vec2(120.0, 30.0)),
                    );
                    if !busy && !self.password.is_empty() && (unlock.clicked() || enter) {
                        self.error = None;
                        requests.push(Request::Unlock(SecretString::from(std::mem::take(&mut self.password))));
                    }
                    if self.keyring && ui.add_enabled(!busy, egui::Button::new("Use keyring")).clicked() {
                        self.error = None;
                        requests.push(Request::UnlockWithKeyring);
                    }
                });
                if busy {
                    ui.horizontal(|ui| {
                        ui.spinner();
                        ui.label("Unlocking…");
                    });
                }
                if let Some(error) = &self.error {
                    ui.add_space(6.0);
                    ui.colored_label(ui.visuals().error_fg_color, error);
                }
            });
        });
    }
}
