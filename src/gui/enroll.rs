//! The enrolment helper: set up (or resync) a virtual MFA device that asks for two consecutive
//! codes. The seed is saved to the vault before any code is shown, and the user keeps a copy of it
//! before finishing: someone who submits codes and then loses the seed is locked out.

use std::time::Duration;

use egui::RichText;

use super::{Entry, Request, add, style};
use crate::account::{AWS_ISSUER, Account};
use crate::enroll::{Enrollment, Pace, Phase};
use crate::intake::{self, Pasted};
use crate::otp::Params;

enum Stage {
    /// Get the seed and name it.
    Seed,
    /// Saved: the two codes.
    Codes { entry: Entry, flow: Enrollment },
    /// Keep a safe copy of the seed, then finish.
    Backup { entry: Entry, reveal: bool, kept: bool },
}

pub(crate) struct EnrollPanel {
    stage: Stage,
    text: String,
    issuer: String,
    name: String,
    account: Option<Account>,
    message: Option<String>,
    pace: Pace,
    done: bool,
}

impl Default for EnrollPanel {
    fn default() -> Self {
        EnrollPanel {
            stage: Stage::Seed,
            text: String::new(),
            issuer: AWS_ISSUER.to_owned(),
            name: String::new(),
            account: None,
            message: None,
            pace: Pace::Consecutive,
            done: false,
        }
    }
}

impl EnrollPanel {
    pub fn decoded(&mut self, result: Result<Vec<String>, String>) {
        match result {
            Ok(texts) => match texts.first() {
                Some(text) => {
                    self.text = text.clone();
                    self.read();
                }
                None => self.message = Some("no QR code found".to_owned()),
            },
            Err(e) => self.message = Some(e),
        }
    }

    /// The vault's answer to saving the seed: only now may codes appear.
    pub fn saved(&mut self, result: Result<Vec<Entry>, String>, now: Duration) {
        match result {
            Ok(entries) => match entries.into_iter().next() {
                Some(entry) => self.show_codes(entry, now),
                None => self.message = Some("the vault saved nothing: try again".to_owned()),
            },
            Err(e) => self.message = Some(e),
        }
    }

    fn show_codes(&mut self, entry: Entry, now: Duration) {
        let flow = Enrollment::start(&entry.account, self.pace, now);
        self.stage = Stage::Codes { entry, flow };
        self.message = None;
    }

    fn read(&mut self) {
        self.message = None;
        match intake::read_text(&self.text) {
            Ok(Pasted::Accounts(mut accounts)) if accounts.len() == 1 => {
                let account = accounts.remove(0);
                self.issuer = account.issuer.clone().unwrap_or_default();
                self.name = account.name.clone();
                self.account = Some(account);
            }
            Ok(Pasted::Accounts(_)) => {
                self.message = Some("this code holds several accounts: use Add to import them".to_owned());
            }
            Ok(Pasted::SecretOnly(secret)) => {
                self.account = Some(Account::new(None, String::new(), secret, Params::totp()));
            }
            Err(e) => self.message = Some(e.to_string()),
        }
    }

    /// Returns false once closed.
    pub fn ui(
        &mut self,
        ctx: &egui::Context,
        existing: &[&Account],
        now: Duration,
        can_scan: bool,
        busy: bool,
        requests: &mut Vec<Request>,
    ) -> bool {
        if self.done {
            return false;
        }
        let mut open = true;
        egui::Modal::new(egui::Id::unique("enroll")).show(ctx, |ui| {
            ui.set_width(ui.ctx().content_rect().width().min(440.0) - 40.0);
            ui.heading("Set up an MFA device");
            ui.weak("For AWS (Assign MFA device, then Authenticator app), GitHub, Google and others.");
            ui.separator();
            match &mut self.stage {
                Stage::Seed => self.seed_ui(ui, existing, can_scan, busy, requests),
                Stage::Codes { .. } => self.codes_ui(ui, now, requests),
                Stage::Backup { .. } => self.backup_ui(ui, requests),
            }
            if let Some(message) = &self.message {
                ui.colored_label(ui.visuals().error_fg_color, message);
            }
            ui.separator();
            let finished = matches!(self.stage, Stage::Backup { kept: true, .. });
            let close = if matches!(self.stage, Stage::Seed) { "Cancel" } else { "Close" };
            if !finished && ui.button(close).clicked() {
                open = false;
            }
        });
        open
    }

    fn seed_ui(
        &mut self,
        ui: &mut egui::Ui,
        existing: &[&Account],
        can_scan: bool,
        busy: bool,
        requests: &mut Vec<Request>,
    ) {
        ui.label(RichText::new("1. Get the secret").strong());
        ui.label("On the sign-in page choose “Show secret key” and paste it here, or paste the QR code's link.");
        ui.horizontal(|ui| {
            let label = ui.label("Secret");
            let field = ui
                .add(
                    egui::TextEdit::singleline(&mut self.text)
                        .hint_text("secret key or otpauth:// link")
                        .desired_width(ui.available_width() - 150.0),
                )
                .labelled_by(label.id);
            if field.changed() {
                self.read();
            }
            if can_scan && ui.add_enabled(!busy, egui::Button::new("Open QR image…")).clicked() {
                requests.push(Request::PickImage);
            }
        });
        if !existing.is_empty() {
            egui::ComboBox::from_id_salt("resync")
                .selected_text("…or resync a device already in the vault")
                .width(ui.available_width())
                .show_ui(ui, |ui| {
                    for (index, account) in existing.iter().enumerate() {
                        if ui.selectable_label(false, add::label(account)).clicked() {
                            requests.push(Request::Resync(index));
                        }
                    }
                });
        }
        let Some(account) = &mut self.account else { return };
        ui.add_space(6.0);
        ui.label(RichText::new("2. Name it").strong());
        egui::Grid::new("enroll-name").num_columns(2).show(ui, |ui| {
            let label = ui.label("Service");
            ui.text_edit_singleline(&mut self.issuer).labelled_by(label.id);
            ui.end_row();
            let label = ui.label("Account");
            ui.add(egui::TextEdit::singleline(&mut self.name).hint_text("device@account, e.g. alice@123456789012"))
                .labelled_by(label.id);
            ui.end_row();
        });
        let named = Account::new(Some(self.issuer.clone()), self.name.clone(), account.secret.clone(), account.params);
        ui.horizontal(|ui| {
            style::avatar(ui, named.issuer.as_deref().unwrap_or("?"), 24.0);
            ui.label(RichText::new(add::label(&named)).strong());
        });
        let duplicate = intake::duplicates(std::slice::from_ref(&named), existing.iter().copied())[0];
        ui.add_space(6.0);
        ui.label(RichText::new("3. Save it").strong());
        ui.label("The secret is saved to your vault before any code is shown.");
        if let Some(i) = duplicate {
            ui.colored_label(
                ui.visuals().warn_fg_color,
                format!("This secret is in your vault already, as {}.", existing[i].display_name()),
            );
            if ui.button("Use it").clicked() {
                requests.push(Request::Resync(i));
            }
        } else if ui.add_enabled(!named.name.is_empty(), egui::Button::new("Save and show codes")).clicked() {
            requests.push(Request::AddAccounts(vec![named]));
        }
    }

    /// Starts the two-code view on an account the vault already holds.
    pub fn resync(&mut self, entry: Entry, now: Duration) {
        self.show_codes(entry, now);
    }

    fn codes_ui(&mut self, ui: &mut egui::Ui, now: Duration, requests: &mut Vec<Request>) {
        let Stage::Codes { entry, flow } = &mut self.stage else { return };
        ui.label(RichText::new(add::label(&entry.account)).strong());
        ui.weak("Saved to your vault.");
        ui.add_space(4.0);
        let mut pace = flow.pace();
        ui.radio_value(&mut pace, Pace::Consecutive, "Two consecutive codes, as AWS describes (recommended)");
        ui.radio_value(
            &mut pace,
            Pace::BothNow,
            "Both codes now: faster, only for services that accept the next period's code",
        );
        if pace != flow.pace() {
            self.pace = pace;
            *flow = Enrollment::start(&entry.account, pace, now);
        }
        ui.add_space(6.0);
        let step = flow.step(now);
        let mut copy = |ui: &mut egui::Ui, n: u8, code: &crate::otp::Code| {
            ui.horizontal(|ui| {
                ui.label(format!("MFA code {n}"));
                ui.label(RichText::new(code.grouped()).size(26.0).monospace().color(style::ACCENT));
                if ui.button(format!("Copy code {n}")).clicked() {
                    requests.push(Request::Copy { code: code.to_string(), what: format!("MFA code {n}") });
                }
            });
        };
        match &step.phase {
            Phase::TooLate => {
                ui.colored_label(ui.visuals().warn_fg_color, "Code 1 is too old now. Start again for fresh codes.");
                if ui.button("Start again").clicked() {
                    flow.restart(now);
                }
            }
            phase => {
                copy(ui, 1, &step.first);
                match (&step.second, phase) {
                    (None, Phase::WaitForSecond(wait)) => {
                        // A still bar rather than a spinner: the window repaints once a second, not every frame.
                        let period =
                            f32::from(u16::try_from(entry.account.params.period.seconds()).unwrap_or(u16::MAX));
                        ui.add(egui::ProgressBar::new(1.0 - wait.as_secs_f32() / period).desired_height(6.0));
                        ui.label(format!("Type code 1. Code 2 appears in {} s…", secs(*wait)));
                    }
                    (Some(second), Phase::SubmitNow(left)) => {
                        copy(ui, 2, second);
                        let text = match left {
                            Some(left) => format!("Submit both codes now: {} s left.", secs(*left)),
                            None => "Submit both codes now.".to_owned(),
                        };
                        ui.label(RichText::new(text).strong().color(ui.visuals().warn_fg_color));
                    }
                    _ => {}
                }
            }
        }
        if let Some(counter) = flow.next_counter()
            && step.second.is_some()
            && entry.account.params.counter < counter
        {
            // HOTP: both counters are spent once shown; store the next one now.
            entry.account.params.counter = counter;
            requests.push(Request::SetHotpCounter { id: entry.id, counter });
        }
        ui.add_space(6.0);
        // The service needs both codes: moving on before code 2 exists would leave it unsubmitted.
        let next = ui
            .add_enabled(step.second.is_some(), egui::Button::new("The service accepted the codes: next"))
            .on_disabled_hover_text("Wait for MFA code 2, submit both codes, then go on.");
        if next.clicked() {
            let entry = entry.clone();
            self.stage = Stage::Backup { entry, reveal: false, kept: false };
        }
    }

    fn backup_ui(&mut self, ui: &mut egui::Ui, requests: &mut Vec<Request>) {
        let Stage::Backup { entry, reveal, kept } = &mut self.stage else { return };
        ui.label(RichText::new("4. Keep a safe copy of the secret").strong());
        ui.label(
            "If this computer is lost, the secret is the only way back in without asking the service's support. \
             Print it or store it in a password manager.",
        );
        let secret = entry.account.secret.to_base32();
        ui.horizontal(|ui| {
            if *reveal {
                ui.label(RichText::new(secret.as_str()).monospace());
            } else {
                ui.label(RichText::new("•".repeat(24)).monospace());
            }
            ui.toggle_value(reveal, if *reveal { "Hide" } else { "Show" });
            if ui.button("Copy secret").clicked() {
                requests.push(Request::Copy { code: secret.to_string(), what: "secret key".to_owned() });
            }
        });
        ui.checkbox(kept, "I have kept a safe copy of this secret");
        if ui.add_enabled(*kept, egui::Button::new("Finish")).clicked() {
            self.done = true;
        }
    }
}

fn secs(d: Duration) -> u64 {
    d.as_secs() + u64::from(d.subsec_nanos() > 0)
}
