//! Editing one account: names, tags, order, deletion (confirmed).

use super::{Entry, Request};
use crate::account::Account;

pub(crate) struct EditDialog {
    entry: Entry,
    issuer: String,
    name: String,
    tags: String,
    confirm_delete: bool,
}

impl EditDialog {
    pub fn new(entry: Entry) -> Self {
        EditDialog {
            issuer: entry.account.issuer.clone().unwrap_or_default(),
            name: entry.account.name.clone(),
            tags: entry.tags.join(", "),
            entry,
            confirm_delete: false,
        }
    }

    /// Returns false once closed.
    pub fn ui(&mut self, ctx: &egui::Context, requests: &mut Vec<Request>) -> bool {
        let mut open = true;
        egui::Modal::new(egui::Id::unique("edit")).show(ctx, |ui| {
            ui.set_width(ui.ctx().content_rect().width().min(380.0) - 40.0);
            ui.heading("Edit account");
            egui::Grid::new("edit-grid").num_columns(2).spacing([10.0, 6.0]).show(ui, |ui| {
                let label = ui.label("Service");
                ui.text_edit_singleline(&mut self.issuer).labelled_by(label.id);
                ui.end_row();
                let label = ui.label("Account");
                ui.text_edit_singleline(&mut self.name).labelled_by(label.id);
                ui.end_row();
                let label = ui.label("Tags");
                ui.add(egui::TextEdit::singleline(&mut self.tags).hint_text("work, personal")).labelled_by(label.id);
                ui.end_row();
            });
            ui.horizontal(|ui| {
                ui.label("Order");
                if ui.button("Move up").clicked() {
                    requests.push(Request::Move { id: self.entry.id, by: -1 });
                }
                if ui.button("Move down").clicked() {
                    requests.push(Request::Move { id: self.entry.id, by: 1 });
                }
            });
            ui.separator();
            if self.confirm_delete {
                ui.colored_label(
                    ui.visuals().error_fg_color,
                    format!(
                        "Delete {}? Without its secret you cannot sign in to this account: keep a copy first.",
                        self.entry.account.display_name()
                    ),
                );
                ui.horizontal(|ui| {
                    if ui.button("Delete for good").clicked() {
                        requests.push(Request::Delete(self.entry.id));
                    }
                    if ui.button("Keep it").clicked() {
                        self.confirm_delete = false;
                    }
                });
            }
            ui.horizontal(|ui| {
                let name = self.name.trim();
                if ui.add_enabled(!name.is_empty(), egui::Button::new("Save")).clicked() {
                    let account = Account::new(
                        Some(self.issuer.clone()),
                        name.to_owned(),
                        self.entry.account.secret.clone(),
                        self.entry.account.params,
                    );
                    let tags =
                        self.tags.split(',').map(str::trim).filter(|t| !t.is_empty()).map(str::to_owned).collect();
                    requests.push(Request::Update(Entry { id: self.entry.id, account, tags }));
                }
                if ui.button("Cancel").clicked() || ui.input(|i| i.key_pressed(egui::Key::Escape)) {
                    open = false;
                }
                if !self.confirm_delete && ui.button("Delete…").clicked() {
                    self.confirm_delete = true;
                }
            });
        });
        open
    }
}
