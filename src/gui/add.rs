//! The add dialog: scan an image or the screen, paste a link, or type the account in.

use std::time::Duration;

use egui::RichText;

use super::{Request, style};
use crate::account::Account;
use crate::intake::{self, ManualEntry, Pasted};
use crate::otp::{Algorithm, Kind};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
enum Tab {
    #[default]
    Scan,
    Paste,
    Manual,
}

/// An account found in a scan or a paste, with the user's choice to keep it.
pub(crate) struct Candidate {
    pub account: Account,
    pub keep: bool,
    /// The vault already has an account with the same codes.
    pub duplicate: Option<String>,
}

#[derive(Default)]
pub(crate) struct AddDialog {
    tab: Tab,
    uri: String,
    manual: ManualEntry,
    candidates: Vec<Candidate>,
    message: Option<String>,
    saved: bool,
}

impl AddDialog {
    /// Texts decoded from an image or the screen arrive here.
    pub fn decoded(&mut self, result: Result<Vec<String>, String>) {
        match result {
            Ok(texts) => {
                self.take_texts(&texts);
            }
            Err(e) => self.message = Some(e),
        }
    }

    pub fn saved(&mut self, result: Result<Vec<super::Entry>, String>) {
        match result {
            Ok(_) => self.saved = true,
            Err(e) => self.message = Some(e),
        }
    }

    fn take_texts(&mut self, texts: &[String]) {
        self.candidates.clear();
        self.message = None;
        let mut problems = Vec::new();
        for text in texts {
            match intake::read_text(text) {
                Ok(Pasted::Accounts(accounts)) => self
                    .candidates
                    .extend(accounts.into_iter().map(|account| Candidate { account, keep: true, duplicate: None })),
                Ok(Pasted::SecretOnly(secret)) => {
                    self.manual.secret = secret.to_base32().to_string();
                    self.tab = Tab::Manual;
                }
                Err(e) => problems.push(e.to_string()),
            }
        }
        if self.candidates.is_empty() && self.tab != Tab::Manual {
            self.message = Some(if problems.is_empty() { "no QR code found".to_owned() } else { problems.join("; ") });
        }
    }

    /// Returns false once the dialog is closed.
    pub fn ui(
        &mut self,
        ctx: &egui::Context,
        existing: &[&Account],
        now: Duration,
        can_scan: bool,
        busy: bool,
        requests: &mut Vec<Request>,
    ) -> bool {
        if self.saved {
            return false;
        }
        for candidate in &mut self.candidates {
            if candidate.duplicate.is_none()
                && let Some(Some(i)) =
                    intake::duplicates(std::slice::from_ref(&candidate.account), existing.iter().copied()).first()
            {
                candidate.duplicate = Some(existing[*i].display_name());
                candidate.keep = false;
            }
        }
        // Files dropped on the window and text pasted anywhere in it are taken as input.
        let (dropped, pasted) = ctx.input(|i| {
            let pasted = i.events.iter().find_map(|e| match e {
                egui::Event::Paste(text) => Some(text.clone()),
                _ => None,
            });
            (i.raw.dropped_files.clone(), pasted)
        });
        for file in dropped {
            match file.bytes() {
                Ok(bytes) => requests.push(Request::Decode(bytes)),
                Err(e) => self.message = Some(format!("could not read {}: {e}", file.path().display())),
            }
        }
        // Ctrl+V outside a text field reads the clipboard's link or key at once.
        if let Some(text) = pasted
            && ctx.memory(|m| m.focused().is_none())
        {
            self.take_texts(&[text]);
        }
        let mut open = true;
        egui::Modal::new(egui::Id::unique("add-dialog")).show(ctx, |ui| {
            ui.set_width(ui.ctx().content_rect().width().min(420.0) - 40.0);
            ui.heading("Add an account");
            ui.horizontal(|ui| {
                ui.selectable_value(&mut self.tab, Tab::Scan, "Scan QR code");
                ui.selectable_value(&mut self.tab, Tab::Paste, "Paste link");
                ui.selectable_value(&mut self.tab, Tab::Manual, "Enter manually");
            });
            ui.separator();
            match self.tab {
                Tab::Scan => self.scan_tab(ui, can_scan, busy, requests),
                Tab::Paste => self.paste_tab(ui),
                Tab::Manual => self.manual_tab(ui, existing, now, requests),
            }
            if !self.candidates.is_empty() {
                self.checklist(ui, now, requests);
            }
            if let Some(message) = &self.message {
                ui.colored_label(ui.visuals().error_fg_color, message);
            }
            ui.separator();
            if ui.button("Close").clicked() || ui.input(|i| i.key_pressed(egui::Key::Escape)) {
                open = false;
            }
        });
        open
    }

    fn scan_tab(&mut self, ui: &mut egui::Ui, can_scan: bool, busy: bool, requests: &mut Vec<Request>) {
        if !can_scan {
            ui.label("QR scanning is not available in this build: paste the link or enter the key.");
            return;
        }
        ui.label("Open a screenshot or photo of the QR code, drop it on this window, or scan the screen.");
        ui.horizontal(|ui| {
            if ui.add_enabled(!busy, egui::Button::new("Open image…")).clicked() {
                requests.push(Request::PickImage);
            }
            if ui.add_enabled(!busy, egui::Button::new("Scan screen")).clicked() {
                requests.push(Request::ScanScreen);
            }
            if busy {
                ui.spinner();
            }
        });
    }

    fn paste_tab(&mut self, ui: &mut egui::Ui) {
        ui.label("Paste an otpauth:// link, a Google Authenticator export link, or a secret key (Ctrl+V).");
        ui.add(
            egui::TextEdit::multiline(&mut self.uri)
                .desired_rows(3)
                .desired_width(f32::INFINITY)
                .hint_text("otpauth://…"),
        );
        if ui.add_enabled(!self.uri.trim().is_empty(), egui::Button::new("Read link")).clicked() {
            let text = std::mem::take(&mut self.uri);
            self.take_texts(&[text]);
        }
    }

    fn manual_tab(&mut self, ui: &mut egui::Ui, existing: &[&Account], now: Duration, requests: &mut Vec<Request>) {
        let checked = self.manual.check();
        let problems = checked.as_ref().err().map(|p| *p.clone()).unwrap_or_default();
        let show = |ui: &mut egui::Ui, problem: &Option<intake::IntakeError>, filled: bool| {
            if let Some(p) = problem.as_ref().filter(|_| filled) {
                ui.colored_label(ui.visuals().error_fg_color, p.to_string());
            }
        };
        egui::Grid::new("manual").num_columns(2).spacing([10.0, 6.0]).show(ui, |ui| {
            let label = ui.label("Service");
            ui.add(egui::TextEdit::singleline(&mut self.manual.issuer).hint_text("e.g. GitHub")).labelled_by(label.id);
            ui.end_row();
            let label = ui.label("Account");
            ui.add(egui::TextEdit::singleline(&mut self.manual.name).hint_text("user name or e-mail"))
                .labelled_by(label.id);
            ui.end_row();
            let label = ui.label("Secret key");
            ui.add(egui::TextEdit::singleline(&mut self.manual.secret).hint_text("base32, spaces allowed"))
                .labelled_by(label.id);
            ui.end_row();
        });
        show(ui, &problems.name, !self.manual.name.is_empty() || !self.manual.secret.is_empty());
        show(ui, &problems.secret, !self.manual.secret.is_empty());
        if problems.weak_secret {
            ui.weak("This key is short (under 128 bits): it works, but the service chose weak security.");
        }
        ui.collapsing("Advanced", |ui| {
            let kind = self.manual.kind.get_or_insert(Kind::Totp);
            ui.horizontal(|ui| {
                ui.selectable_value(kind, Kind::Totp, "Time-based");
                ui.selectable_value(kind, Kind::Hotp, "Counter-based");
                ui.selectable_value(kind, Kind::Steam, "Steam");
            });
            ui.horizontal(|ui| {
                for a in [Algorithm::Sha1, Algorithm::Sha256, Algorithm::Sha512] {
                    ui.selectable_value(&mut self.manual.algorithm, a, a.as_str());
                }
            });
            egui::Grid::new("advanced").num_columns(2).show(ui, |ui| {
                let label = ui.label("Digits");
                ui.add(egui::TextEdit::singleline(&mut self.manual.digits).hint_text("6").desired_width(60.0))
                    .labelled_by(label.id);
                ui.end_row();
                if self.manual.kind == Some(Kind::Hotp) {
                    let label = ui.label("Counter");
                    ui.add(egui::TextEdit::singleline(&mut self.manual.counter).hint_text("0").desired_width(60.0))
                        .labelled_by(label.id);
                } else {
                    let label = ui.label("Period (s)");
                    ui.add(egui::TextEdit::singleline(&mut self.manual.period).hint_text("30").desired_width(60.0))
                        .labelled_by(label.id);
                }
                ui.end_row();
            });
            show(ui, &problems.digits, true);
            show(ui, &problems.period, true);
            show(ui, &problems.counter, true);
        });
        if let Ok(account) = &checked {
            preview(ui, account, now);
            let duplicate = intake::duplicates(std::slice::from_ref(account), existing.iter().copied())[0];
            if let Some(i) = duplicate {
                ui.colored_label(
                    ui.visuals().warn_fg_color,
                    format!("Already in your vault as {}.", existing[i].display_name()),
                );
            }
        }
        if ui.add_enabled(checked.is_ok(), egui::Button::new("Add account")).clicked()
            && let Ok(account) = checked
        {
            requests.push(Request::AddAccounts(vec![account]));
        }
    }

    fn checklist(&mut self, ui: &mut egui::Ui, now: Duration, requests: &mut Vec<Request>) {
        ui.separator();
        ui.label(RichText::new(format!("Found {} account(s)", self.candidates.len())).strong());
        egui::ScrollArea::vertical().max_height(220.0).show(ui, |ui| {
            for candidate in &mut self.candidates {
                ui.horizontal(|ui| {
                    style::avatar(ui, candidate.account.issuer.as_deref().unwrap_or(&candidate.account.name), 24.0);
                    ui.vertical(|ui| {
                        ui.checkbox(&mut candidate.keep, label(&candidate.account));
                        if let Some(existing) = &candidate.duplicate {
                            ui.colored_label(
                                ui.visuals().warn_fg_color,
                                format!("already in your vault as {existing}"),
                            );
                        } else {
                            preview(ui, &candidate.account, now);
                        }
                    });
                });
            }
        });
        let chosen = self.candidates.iter().filter(|c| c.keep).count();
        if ui.add_enabled(chosen > 0, egui::Button::new(format!("Add {chosen} account(s)"))).clicked() {
            let accounts = self.candidates.iter().filter(|c| c.keep).map(|c| c.account.clone()).collect();
            requests.push(Request::AddAccounts(accounts));
        }
    }
}

/// How an account is named on screen; AWS labels read as "AWS · account 123456789012 · alice".
pub(crate) fn label(account: &Account) -> String {
    match account.aws() {
        Some(aws) => format!("AWS · account {} · {}", aws.account, aws.user),
        None => account.display_name(),
    }
}

fn preview(ui: &mut egui::Ui, account: &Account, now: Duration) {
    ui.horizontal(|ui| {
        ui.weak("First code:");
        ui.label(RichText::new(account.code_at(now.as_secs()).grouped()).monospace().strong());
    });
}
