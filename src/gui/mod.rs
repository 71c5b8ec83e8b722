//! The desktop window. It draws state and calls the library; it decides nothing itself.

pub const APP_ID: &str = "io.github.otpvault";

struct Placeholder;

impl eframe::App for Placeholder {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        egui::CentralPanel::default().show(ui, |ui| {
            ui.heading("otpvault");
            ui.label("The vault is coming. Meanwhile `otpvault code --uri …` prints codes.");
        });
    }
}

pub fn run() -> anyhow::Result<()> {
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("otpvault")
            .with_app_id(APP_ID)
            .with_inner_size([420.0, 560.0]),
        ..Default::default()
    };
    eframe::run_native("otpvault", options, Box::new(|_cc| Ok(Box::new(Placeholder))))
        .map_err(|e| anyhow::anyhow!("could not open the window: {e}"))
}
