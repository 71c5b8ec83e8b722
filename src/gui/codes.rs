//! The list of accounts and their rolling codes.

use std::time::Duration;

use egui::{Key, RichText};

use super::{Entry, Request, style};
use crate::otp::Kind;
use crate::search::Query;

const ROW_HEIGHT: f32 = 64.0;
/// The next code shows once the current one has this little time left.
const NEXT_CODE_WITHIN: u64 = 7;

#[derive(Default)]
pub(crate) struct CodesPanel {
    search: String,
    tag: Option<String>,
    /// Index into the filtered list.
    selected: usize,
    scroll_to_selected: bool,
}

impl CodesPanel {
    pub fn ui(
        &mut self,
        ui: &mut egui::Ui,
        entries: &[Entry],
        now: Duration,
        keyboard: bool,
        requests: &mut Vec<Request>,
    ) {
        let search_id = egui::Id::unique("search");
        ui.horizontal(|ui| {
            ui.label(RichText::new("otpvault").size(18.0).strong());
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                if ui.button("Lock").on_hover_text("Lock the vault now (Ctrl+L)").clicked() {
                    requests.push(Request::Lock);
                }
                if ui.button("Settings").clicked() {
                    requests.push(Request::OpenSettings);
                }
                if ui.button("Enrol").on_hover_text("Set up a new MFA device: two consecutive codes").clicked() {
                    requests.push(Request::OpenEnroll);
                }
                let add = egui::Button::new(RichText::new("+ Add").color(egui::Color32::WHITE)).fill(style::ACCENT);
                if ui.add(add).on_hover_text("Add an account: scan, paste or type it (Ctrl+N)").clicked() {
                    requests.push(Request::OpenAdd);
                }
            });
        });
        ui.add_space(2.0);
        let field = egui::TextEdit::singleline(&mut self.search)
            .id(search_id)
            .hint_text("Search (Ctrl+F)")
            .desired_width(f32::INFINITY);
        if ui.add(field).changed() {
            self.selected = 0;
        }
        let mut tags: Vec<&String> = entries.iter().flat_map(|e| &e.tags).collect();
        tags.sort();
        tags.dedup();
        if !tags.is_empty() {
            ui.horizontal_wrapped(|ui| {
                if ui.selectable_label(self.tag.is_none(), "All").clicked() {
                    self.tag = None;
                }
                for tag in tags {
                    let on = self.tag.as_ref() == Some(tag);
                    if ui.selectable_label(on, tag.as_str()).clicked() {
                        self.tag = if on { None } else { Some(tag.clone()) };
                        self.selected = 0;
                    }
                }
            });
        }
        ui.separator();

        if keyboard {
            self.keys(ui, search_id, requests);
        }
        let query = Query::new(&self.search);
        let shown: Vec<&Entry> = entries
            .iter()
            .filter(|e| self.tag.as_ref().is_none_or(|t| e.tags.contains(t)))
            .filter(|e| query.matches(&e.account, &e.tags))
            .collect();
        self.selected = self.selected.min(shown.len().saturating_sub(1));
        if keyboard
            && ui.input(|i| i.key_pressed(Key::Enter))
            && let Some(entry) = shown.get(self.selected)
        {
            requests.push(copy_request(entry, now));
        }

        if entries.is_empty() {
            empty_state(ui, requests);
            return;
        }
        if shown.is_empty() {
            ui.add_space(24.0);
            ui.vertical_centered(|ui| ui.weak(format!("Nothing matches “{}”.", self.search)));
            return;
        }
        let scroll_to = std::mem::take(&mut self.scroll_to_selected).then_some(self.selected);
        let mut area = egui::ScrollArea::vertical().auto_shrink([false, false]);
        if let Some(index) = scroll_to {
            // Keep the selected row in view: move the offset only when the row left the viewport.
            let top = index as f32 * ROW_HEIGHT;
            let state = egui::scroll_area::State::load(ui.ctx(), ui.make_persistent_id("codes-scroll"));
            let offset = state.map_or(0.0, |s| s.clamped_offset().y);
            let view = ui.available_height();
            if top < offset {
                area = area.vertical_scroll_offset(top);
            } else if top + ROW_HEIGHT > offset + view {
                area = area.vertical_scroll_offset(top + ROW_HEIGHT - view);
            }
        }
        area.id_salt("codes-scroll").show_rows(ui, ROW_HEIGHT, shown.len(), |ui, range| {
            for index in range {
                let entry = shown[index];
                self.row(ui, entry, index == self.selected, now, requests);
            }
        });
    }

    fn keys(&mut self, ui: &mut egui::Ui, search_id: egui::Id, requests: &mut Vec<Request>) {
        let focused = ui.memory(|m| m.focused());
        let (find, down, up, typed, add, lock) = ui.input(|i| {
            let typed: String = i
                .events
                .iter()
                .filter_map(|e| match e {
                    egui::Event::Text(t) => Some(t.as_str()),
                    _ => None,
                })
                .collect();
            (
                i.modifiers.command && i.key_pressed(Key::F),
                i.key_pressed(Key::ArrowDown),
                i.key_pressed(Key::ArrowUp),
                typed,
                i.modifiers.command && i.key_pressed(Key::N),
                i.modifiers.command && i.key_pressed(Key::L),
            )
        });
        if find {
            ui.memory_mut(|m| m.request_focus(search_id));
        }
        if add {
            requests.push(Request::OpenAdd);
        }
        if lock {
            requests.push(Request::Lock);
        }
        // Typing anywhere searches: the first letters go to the search field.
        if focused.is_none() && !typed.is_empty() {
            self.search.push_str(&typed);
            self.selected = 0;
            ui.memory_mut(|m| m.request_focus(search_id));
        }
        if down {
            self.selected += 1;
            self.scroll_to_selected = true;
        }
        if up {
            self.selected = self.selected.saturating_sub(1);
            self.scroll_to_selected = true;
        }
    }

    fn row(&self, ui: &mut egui::Ui, entry: &Entry, selected: bool, now: Duration, requests: &mut Vec<Request>) {
        let account = &entry.account;
        let (rect, response) =
            ui.allocate_exact_size(egui::vec2(ui.available_width(), ROW_HEIGHT), egui::Sense::click());
        let visuals = ui.visuals();
        if selected || response.hovered() {
            let fill = if selected { visuals.selection.bg_fill.gamma_multiply(0.18) } else { visuals.faint_bg_color };
            ui.painter().rect_filled(rect.shrink2(egui::vec2(0.0, 2.0)), 8.0, fill);
        }
        if response.clicked() {
            requests.push(copy_request(entry, now));
        }
        let mut row = ui.new_child(
            egui::UiBuilder::new()
                .max_rect(rect.shrink2(egui::vec2(10.0, 6.0)))
                .layout(egui::Layout::left_to_right(egui::Align::Center)),
        );
        let title = account.issuer.clone().unwrap_or_else(|| account.name.clone());
        style::avatar(&mut row, &title, 38.0);
        row.add_space(4.0);
        let aws = account.aws();
        row.vertical(|ui| {
            ui.set_width((ui.available_width() - 190.0).max(60.0));
            ui.add(egui::Label::new(RichText::new(if aws.is_some() { "AWS" } else { &title }).strong()).truncate());
            let subtitle = match &aws {
                Some(aws) => format!("account {} · {}", aws.account, aws.user),
                None if account.issuer.is_some() => account.name.clone(),
                None => String::new(),
            };
            ui.add(egui::Label::new(RichText::new(subtitle).weak()).truncate());
        });
        row.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            let unix = now.as_secs();
            match account.params.kind {
                Kind::Hotp => {
                    if ui.button("Next code").on_hover_text("Use the next code; the counter is saved").clicked() {
                        requests.push(Request::NextHotp(entry.id));
                    }
                }
                Kind::Totp | Kind::Steam => {
                    let period = account.params.period.seconds();
                    let remaining = account.params.remaining(unix).unwrap_or(0);
                    // Sub-second precision makes the ring shrink smoothly at each one-second repaint.
                    let exact = remaining as f32 - now.subsec_millis() as f32 / 1000.0;
                    style::countdown(ui, exact, period as f32, 34.0).on_hover_text(format!("changes in {remaining} s"));
                }
            }
            if ui.small_button("Edit").on_hover_text("Edit, tag, move or delete").clicked() {
                requests.push(Request::Edit(entry.id));
            }
            ui.vertical(|ui| {
                ui.with_layout(egui::Layout::top_down(egui::Align::Max), |ui| {
                    let code = account.code_at(unix);
                    let (label, hint) = if account.params.kind == Kind::Hotp {
                        (RichText::new("••• •••").size(24.0).monospace(), "Next code reveals and copies it")
                    } else {
                        (RichText::new(code.grouped()).size(24.0).monospace().color(style::ACCENT), "Copy")
                    };
                    let button = egui::Button::new(label).frame(false).wrap_mode(egui::TextWrapMode::Extend);
                    if ui.add(button).on_hover_text(hint).clicked() {
                        if account.params.kind == Kind::Hotp {
                            requests.push(Request::NextHotp(entry.id));
                        } else {
                            requests.push(copy_request(entry, now));
                        }
                    }
                    let remaining = account.params.remaining(unix);
                    if let Some(left) = remaining
                        && left <= NEXT_CODE_WITHIN
                    {
                        let next = account.code_at(unix + left);
                        ui.add(egui::Label::new(RichText::new(format!("next {}", next.grouped())).weak()).extend());
                    }
                });
            });
        });
    }
}

fn copy_request(entry: &Entry, now: Duration) -> Request {
    if entry.account.params.kind == Kind::Hotp {
        return Request::NextHotp(entry.id);
    }
    Request::Copy { code: entry.account.code_at(now.as_secs()).to_string(), what: entry.account.display_name() }
}

fn empty_state(ui: &mut egui::Ui, requests: &mut Vec<Request>) {
    ui.add_space(40.0);
    ui.vertical_centered(|ui| {
        ui.heading("No accounts yet");
        ui.label("Scan the QR code a sign-in page shows, paste its link or type its secret key.");
        ui.add_space(8.0);
        if ui.button("Add your first account").clicked() {
            requests.push(Request::OpenAdd);
        }
        if ui.button("Set up a new MFA device (AWS, GitHub, …)").clicked() {
            requests.push(Request::OpenEnroll);
        }
    });
}
