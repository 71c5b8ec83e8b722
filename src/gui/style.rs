//! Look and feel: theme, spacing, avatars and countdown rings.

use egui::{Color32, Pos2, Stroke, Vec2};

use super::settings::ThemeChoice;

pub const ACCENT: Color32 = Color32::from_rgb(0x2f, 0x6f, 0xeb);

pub fn apply(ctx: &egui::Context, theme: ThemeChoice) {
    let preference = match theme {
        ThemeChoice::System => egui::ThemePreference::System,
        ThemeChoice::Light => egui::ThemePreference::Light,
        ThemeChoice::Dark => egui::ThemePreference::Dark,
    };
    if ctx.options(|o| o.theme_preference) != preference {
        ctx.set_theme(preference);
    }
    if ctx.global_style().spacing.button_padding.y < 4.0 {
        ctx.all_styles_mut(|style| {
            style.spacing.button_padding = egui::vec2(10.0, 4.0);
            style.spacing.item_spacing = egui::vec2(8.0, 6.0);
            style.spacing.interact_size.y = 24.0;
            style.visuals.selection.bg_fill = ACCENT;
            style.visuals.hyperlink_color = ACCENT;
            style.visuals.widgets.active.corner_radius = egui::CornerRadius::same(6);
            style.visuals.widgets.inactive.corner_radius = egui::CornerRadius::same(6);
            style.visuals.widgets.hovered.corner_radius = egui::CornerRadius::same(6);
            style.visuals.widgets.noninteractive.corner_radius = egui::CornerRadius::same(6);
            style.visuals.window_corner_radius = egui::CornerRadius::same(10);
        });
    }
}

/// A narrow card in the middle of the window, for the unlock and create screens.
pub fn centered_card(ui: &mut egui::Ui, add: impl FnOnce(&mut egui::Ui)) {
    let width = ui.available_width().min(360.0);
    let margin = ((ui.available_width() - width) / 2.0).max(0.0);
    ui.add_space((ui.available_height() * 0.1).min(60.0));
    ui.horizontal(|ui| {
        ui.add_space(margin);
        ui.vertical(|ui| {
            ui.set_width(width);
            egui::Frame::group(ui.style()).inner_margin(20.0).corner_radius(10.0).show(ui, |ui| {
                ui.set_width(width - 42.0);
                add(ui);
            });
        });
    });
}

/// The app's mark: a shield with a keyhole, drawn so it follows the theme.
pub fn logo(ui: &mut egui::Ui) {
    let (rect, _) = ui.allocate_exact_size(Vec2::splat(48.0), egui::Sense::hover());
    let painter = ui.painter();
    let c = rect.center();
    painter.circle_filled(c, 24.0, ACCENT);
    painter.circle_filled(c + Vec2::new(0.0, -4.0), 6.0, Color32::WHITE);
    painter.rect_filled(
        egui::Rect::from_center_size(c + Vec2::new(0.0, 6.0), Vec2::new(6.0, 14.0)),
        2.0,
        Color32::WHITE,
    );
    ui.add_space(4.0);
}

/// A stable colour for an issuer, so each service keeps its colour between runs.
pub fn avatar_color(key: &str) -> Color32 {
    const PALETTE: [Color32; 10] = [
        Color32::from_rgb(0xe5, 0x5b, 0x4b),
        Color32::from_rgb(0xf0, 0x8c, 0x2a),
        Color32::from_rgb(0xc9, 0xa2, 0x27),
        Color32::from_rgb(0x4c, 0xa8, 0x4f),
        Color32::from_rgb(0x1f, 0x9e, 0x89),
        Color32::from_rgb(0x2b, 0x8c, 0xd6),
        Color32::from_rgb(0x4f, 0x63, 0xd9),
        Color32::from_rgb(0x8b, 0x55, 0xd6),
        Color32::from_rgb(0xc9, 0x4d, 0x9b),
        Color32::from_rgb(0x6d, 0x7a, 0x86),
    ];
    // FNV-1a: tiny, stable across runs and platforms, unlike the std hasher.
    let hash = key
        .to_lowercase()
        .bytes()
        .fold(0xcbf2_9ce4_8422_2325_u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3));
    PALETTE[(hash % PALETTE.len() as u64) as usize]
}

/// Up to two initials: "Amazon Web Services" → "AW", "github" → "G".
pub fn initials(text: &str) -> String {
    let mut letters = text.split(|c: char| !c.is_alphanumeric()).filter_map(|w| w.chars().next());
    letters.by_ref().take(2).flat_map(char::to_uppercase).collect()
}

pub fn avatar(ui: &mut egui::Ui, key: &str, size: f32) {
    let (rect, _) = ui.allocate_exact_size(Vec2::splat(size), egui::Sense::hover());
    let painter = ui.painter();
    painter.circle_filled(rect.center(), size / 2.0, avatar_color(key));
    painter.text(
        rect.center(),
        egui::Align2::CENTER_CENTER,
        initials(key),
        egui::FontId::proportional(size * 0.4),
        Color32::WHITE,
    );
}

/// A ring that empties as the period runs out; red in the last five seconds.
pub fn countdown(ui: &mut egui::Ui, remaining: f32, period: f32, size: f32) -> egui::Response {
    let (rect, response) = ui.allocate_exact_size(Vec2::splat(size), egui::Sense::hover());
    let painter = ui.painter();
    let center = rect.center();
    let radius = size / 2.0 - 2.0;
    let track = ui.visuals().widgets.noninteractive.bg_stroke.color;
    painter.circle_stroke(center, radius, Stroke::new(3.0, track));
    let fraction = (remaining / period).clamp(0.0, 1.0);
    let color = if remaining <= 5.0 { Color32::from_rgb(0xd9, 0x3f, 0x3f) } else { ACCENT };
    let steps = (48.0 * fraction).ceil().max(1.0) as usize;
    let start = -std::f32::consts::FRAC_PI_2;
    let points: Vec<Pos2> = (0..=steps)
        .map(|i| {
            let angle = start + std::f32::consts::TAU * fraction * i as f32 / steps as f32;
            center + radius * Vec2::angled(angle)
        })
        .collect();
    painter.add(egui::Shape::line(points, Stroke::new(3.0, color)));
    painter.text(
        center,
        egui::Align2::CENTER_CENTER,
        format!("{}", remaining.ceil() as u32),
        egui::FontId::proportional(size * 0.36),
        ui.visuals().text_color(),
    );
    response
}
