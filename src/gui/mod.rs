//! The desktop window. It draws state and calls the library; it decides nothing itself.
//!
//! Each panel is a file with its own state and a `ui` function returning what the user asked
//! for; [`App`] carries those requests out. Slow work (the password KDF, QR decoding) runs on
//! worker threads that wake the window when done. The window repaints on input and at the next
//! second boundary while codes are shown, never every frame.

mod add;
mod backup;
mod clipboard;
mod codes;
mod enroll;
mod files;
mod manage;
mod settings;
mod store;
mod style;
mod unlock;
mod vault_store;

use std::sync::Arc;
use std::sync::mpsc::{Receiver, channel};
use std::time::Duration;

use secrecy::SecretString;

pub use clipboard::{Clipboard, MemoryClipboard, SystemClipboard};
pub use files::{ChosenFiles, Files, SystemFiles};
pub use settings::{Settings, ThemeChoice};
pub use store::{Entry, MemoryStore, Store};
pub use vault_store::VaultStore;

use crate::account::Account;
use crate::clock::{Clock, NtpServer, Skew, SystemClock, TimeSource};
use crate::export::BackupFormat;
use crate::import::Grouped;

pub const APP_ID: &str = "io.github.otpvault";

/// Timers may fire a little early: waking just after a second boundary draws the new second once,
/// rather than the old second again and then the new one.
const WAKE_SLACK: Duration = Duration::from_millis(10);

/// Reads QR codes for the add and enrol dialogs. Calls are slow: they run on worker threads.
pub trait Scanner: Send + Sync {
    /// The QR texts in an image file's bytes (PNG, JPEG, …).
    fn decode_image(&self, bytes: &[u8]) -> anyhow::Result<Vec<String>>;
    /// The QR texts on the screen.
    fn scan_screen(&self) -> anyhow::Result<Vec<String>>;
}

/// The window's scanner: the library's QR pipeline, the same one `otpvault scan` uses.
pub struct QrScanner;

impl Scanner for QrScanner {
    fn decode_image(&self, bytes: &[u8]) -> anyhow::Result<Vec<String>> {
        let source = crate::qr::Source::Bytes { name: "the image".into(), bytes: bytes.to_vec() };
        Ok(crate::qr::scan(&source, &crate::qr::Cancel::default())?)
    }

    fn scan_screen(&self) -> anyhow::Result<Vec<String>> {
        Ok(crate::qr::scan(&crate::qr::Source::Screen, &crate::qr::Cancel::default())?)
    }
}

/// What the window is built from: everything it talks to, injected.
pub struct Parts {
    pub store: Box<dyn Store>,
    pub clock: Arc<dyn Clock>,
    pub clipboard: Box<dyn Clipboard>,
    pub settings: Settings,
    /// Reads QR codes; `None` hides the scan actions.
    pub scanner: Option<Arc<dyn Scanner>>,
    /// The file dialogs.
    pub files: Arc<dyn Files>,
    /// What the computer's clock is compared with, when the user turns the check on.
    pub time_source: Arc<dyn TimeSource>,
}

/// What a panel asks the window to do.
pub(crate) enum Request {
    Create {
        password: SecretString,
        remember: bool,
    },
    Unlock(SecretString),
    UnlockWithKeyring,
    Lock,
    Copy {
        code: String,
        what: String,
    },
    /// Use the HOTP code of this entry and move its counter on.
    NextHotp(u64),
    OpenAdd,
    OpenEnroll,
    OpenSettings,
    OpenBackup,
    /// Asks where to write a backup of every account, then writes it.
    Backup {
        format: BackupFormat,
        password: Option<SecretString>,
    },
    /// Asks for a backup or export file to import.
    PickBackup,
    ImportBackup {
        picked: backup::PickedBackup,
        password: Option<SecretString>,
    },
    /// Adds this many seconds to the clock correction.
    CorrectClock(i64),
    Edit(u64),
    /// Saves new accounts; the answer goes back to the dialog that asked.
    AddAccounts(Vec<Account>),
    Update(Entry),
    Delete(u64),
    Move {
        id: u64,
        by: isize,
    },
    /// Decodes an image file's bytes (dropped on the window).
    Decode(Vec<u8>),
    /// Asks for an image file, then decodes it.
    PickImage,
    ScanScreen,
    /// Shows the two-code view for the n-th account, to resync its device.
    Resync(usize),
    SetHotpCounter {
        id: u64,
        counter: u64,
    },
    SetKeyring(bool),
    ChangePassword {
        current: SecretString,
        new: SecretString,
    },
    ApplySettings(Settings),
}

/// Results of worker threads.
enum Done {
    Opened(Box<dyn Store>, anyhow::Result<Vec<Entry>>),
    Decoded(anyhow::Result<Vec<String>>),
    /// A backup was written (`Some` says where) or the user cancelled (`None`).
    BackedUp(Box<dyn Store>, anyhow::Result<Option<String>>),
    /// A file to import was chosen and recognised, or the user cancelled (`None`).
    BackupPicked(anyhow::Result<Option<backup::PickedBackup>>),
    BackupRead(anyhow::Result<Vec<Grouped>>),
}

enum Screen {
    Create(unlock::CreatePanel),
    Unlock(unlock::UnlockPanel),
    Codes,
}

pub(crate) struct Toast {
    text: String,
    until: Duration,
}

pub struct App {
    store: Option<Box<dyn Store>>,
    clock: Arc<dyn Clock>,
    clipboard: Box<dyn Clipboard>,
    settings: Settings,
    scanner: Option<Arc<dyn Scanner>>,
    screen: Screen,
    entries: Vec<Entry>,
    codes: codes::CodesPanel,
    add: Option<add::AddDialog>,
    enroll: Option<enroll::EnrollPanel>,
    edit: Option<manage::EditDialog>,
    settings_panel: Option<settings::SettingsPanel>,
    backup_panel: Option<backup::BackupPanel>,
    files: Arc<dyn Files>,
    time_source: Arc<dyn TimeSource>,
    /// The last comparison with the time source, once the user turned the check on.
    skew: Option<Result<Skew, String>>,
    clock_check: Option<Receiver<Result<Skew, String>>>,
    toast: Option<Toast>,
    pending_clear: Option<clipboard::PendingClear>,
    last_input: Duration,
    work: Option<Receiver<Done>>,
    /// The last error of an action, shown in the status bar until the next action.
    error: Option<String>,
}

impl App {
    pub fn new(parts: Parts) -> Self {
        let screen = if parts.store.exists() {
            Screen::Unlock(unlock::UnlockPanel::new(parts.store.has_keyring_slot()))
        } else {
            Screen::Create(unlock::CreatePanel::default())
        };
        let now = parts.clock.now();
        App {
            store: Some(parts.store),
            clock: parts.clock,
            clipboard: parts.clipboard,
            settings: parts.settings,
            scanner: parts.scanner,
            screen,
            entries: Vec::new(),
            codes: codes::CodesPanel::default(),
            add: None,
            enroll: None,
            edit: None,
            settings_panel: None,
            backup_panel: None,
            files: parts.files,
            time_source: parts.time_source,
            skew: None,
            clock_check: None,
            toast: None,
            pending_clear: None,
            last_input: now,
            work: None,
            error: None,
        }
    }

    /// Tries the keyring slot at once, so a remembered vault opens without a prompt.
    pub fn try_keyring_unlock(&mut self, ctx: &egui::Context) {
        if matches!(&self.screen, Screen::Unlock(p) if p.keyring) {
            self.handle(ctx, Request::UnlockWithKeyring);
        }
    }

    pub fn is_unlocked(&self) -> bool {
        matches!(self.screen, Screen::Codes)
    }

    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// Draws the whole window.
    pub fn ui(&mut self, ui: &mut egui::Ui) {
        let ctx = ui.ctx().clone();
        style::apply(&ctx, self.settings.theme);
        self.poll_work(&ctx);
        let now = self.clock.now();
        if ctx.input(|i| !i.events.is_empty() || i.pointer.is_moving()) {
            self.last_input = now;
        }
        if self.is_unlocked() && now.saturating_sub(self.last_input) >= self.settings.auto_lock() {
            self.handle(&ctx, Request::Lock);
        }
        if let Some(clear) = &self.pending_clear
            && clear.tick(self.clipboard.as_mut(), now)
        {
            self.pending_clear = None;
        }
        if self.toast.as_ref().is_some_and(|t| now >= t.until) {
            self.toast = None;
        }

        let mut requests = Vec::new();
        match &mut self.screen {
            Screen::Create(panel) => panel.ui(ui, self.work.is_some(), &mut requests),
            Screen::Unlock(panel) => panel.ui(ui, self.work.is_some(), &mut requests),
            Screen::Codes => self.codes_screen(ui, now, &mut requests),
        }
        for request in requests {
            self.handle(&ctx, request);
        }
        self.schedule_repaint(&ctx, now);
    }

    fn codes_screen(&mut self, ui: &mut egui::Ui, now: Duration, requests: &mut Vec<Request>) {
        let ctx = ui.ctx().clone();
        let modal_open = self.add.is_some()
            || self.enroll.is_some()
            || self.edit.is_some()
            || self.settings_panel.is_some()
            || self.backup_panel.is_some();
        egui::Panel::bottom("status").show(ui, |ui| {
            ui.horizontal(|ui| {
                if let Some(error) = &self.error {
                    ui.colored_label(ui.visuals().error_fg_color, error);
                } else if let Some(toast) = &self.toast {
                    ui.label(egui::RichText::new(&toast.text).strong());
                } else {
                    ui.weak(format!("{} accounts · {}", self.entries.len(), self.store_location()));
                }
            });
        });
        if let Some(Ok(skew)) = &self.skew
            && skew.is_significant()
        {
            let skew = *skew;
            egui::Panel::top("clock-warning").show(ui, |ui| {
                ui.horizontal_wrapped(|ui| {
                    ui.colored_label(
                        ui.visuals().warn_fg_color,
                        format!("Compared with {}, {}: services will refuse codes.", self.time_source.name(), skew),
                    );
                    if ui.button("Correct the codes").clicked() {
                        requests.push(Request::CorrectClock(skew.correction_seconds));
                    }
                });
            });
        }
        // The window is cleared to the panel colour (`clear_color`), so the largest panel paints
        // no background of its own: one full-window pass less each second for the rasteriser.
        let frame = egui::Frame::central_panel(ui.style()).fill(egui::Color32::TRANSPARENT);
        egui::CentralPanel::default().frame(frame).show(ui, |ui| {
            self.codes.ui(ui, &self.entries, now, !modal_open, requests);
        });
        if let Some(dialog) = &mut self.add {
            let existing: Vec<&Account> = self.entries.iter().map(|e| &e.account).collect();
            if !dialog.ui(&ctx, &existing, now, self.scanner.is_some(), self.work.is_some(), requests) {
                self.add = None;
            }
        }
        if let Some(panel) = &mut self.enroll {
            let existing: Vec<&Account> = self.entries.iter().map(|e| &e.account).collect();
            if !panel.ui(&ctx, &existing, now, self.scanner.is_some(), self.work.is_some(), requests) {
                self.enroll = None;
            }
        }
        if let Some(dialog) = &mut self.edit
            && !dialog.ui(&ctx, requests)
        {
            self.edit = None;
        }
        if let Some(panel) = &mut self.settings_panel
            && !panel.ui(&ctx, self.clock.now(), &self.time_source.name(), self.skew.as_ref(), requests)
        {
            self.settings_panel = None;
        }
        if let Some(panel) = &mut self.backup_panel
            && !panel.ui(&ctx, self.work.is_some(), requests)
        {
            self.backup_panel = None;
        }
    }

    fn store_location(&self) -> String {
        self.store.as_ref().map(|s| s.location()).unwrap_or_default()
    }

    /// Wakes at the next second boundary while something counts down; otherwise input wakes us.
    fn schedule_repaint(&self, ctx: &egui::Context, now: Duration) {
        let mut wake: Option<Duration> = None;
        let mut at = |d: Duration| wake = Some(wake.map_or(d, |w| w.min(d)));
        if self.is_unlocked() {
            at(self.clock.until_next_second() + WAKE_SLACK);
            at(self.settings.auto_lock().saturating_sub(now.saturating_sub(self.last_input)));
        }
        if let Some(clear) = &self.pending_clear {
            at(clear.at.saturating_sub(now));
        }
        if let Some(toast) = &self.toast {
            at(toast.until.saturating_sub(now));
        }
        if let Some(wake) = wake {
            ctx.request_repaint_after(wake.max(Duration::from_millis(5)));
        }
    }

    fn poll_work(&mut self, ctx: &egui::Context) {
        if let Some(rx) = &self.clock_check
            && let Ok(result) = rx.try_recv()
        {
            self.clock_check = None;
            self.skew = Some(result);
            ctx.request_repaint();
        }
        let Some(rx) = &self.work else { return };
        let Ok(done) = rx.try_recv() else { return };
        self.work = None;
        match done {
            Done::Opened(store, result) => {
                let has_keyring = store.has_keyring_slot();
                self.store = Some(store);
                match result {
                    Ok(entries) => {
                        self.entries = entries;
                        self.screen = Screen::Codes;
                        self.last_input = self.clock.now();
                        self.error = None;
                        self.check_clock(ctx);
                    }
                    Err(error) => {
                        let message = crate::cli::describe(&error);
                        match &mut self.screen {
                            Screen::Unlock(panel) => panel.error = Some(message),
                            Screen::Create(panel) => panel.error = Some(message),
                            Screen::Codes => {
                                self.screen = Screen::Unlock(unlock::UnlockPanel::new(has_keyring));
                            }
                        }
                    }
                }
            }
            Done::Decoded(result) => {
                let result = result.map_err(|e| crate::cli::describe(&e));
                if let Some(dialog) = &mut self.add {
                    dialog.decoded(result);
                } else if let Some(panel) = &mut self.enroll {
                    panel.decoded(result);
                }
            }
            Done::BackedUp(store, result) => {
                self.store = Some(store);
                match result {
                    Ok(Some(note)) => self.backup_note(Ok(note)),
                    Ok(None) => {}
                    Err(error) => self.backup_note(Err(crate::cli::describe(&error))),
                }
            }
            Done::BackupPicked(result) => match result {
                Ok(Some(picked)) if picked.importer.needs_password(&picked.bytes) => {
                    if let Some(panel) = &mut self.backup_panel {
                        panel.needs_password(picked);
                    }
                }
                Ok(Some(picked)) => self.handle(ctx, Request::ImportBackup { picked, password: None }),
                Ok(None) => {}
                Err(error) => self.backup_note(Err(crate::cli::describe(&error))),
            },
            Done::BackupRead(result) => match result {
                Ok(accounts) => self.add_imported(accounts),
                Err(error) => self.backup_note(Err(crate::cli::describe(&error))),
            },
        }
        ctx.request_repaint();
    }

    /// Adds the accounts of an imported file that are not here yet, all in one save.
    fn add_imported(&mut self, accounts: Vec<Grouped>) {
        let mut entries = self.entries.clone();
        let mut duplicates = 0;
        for Grouped { account, group } in accounts {
            if entries.iter().any(|e| e.account.same_codes_as(&account)) {
                duplicates += 1;
            } else {
                // The window filters by tags: the source app's group becomes one.
                entries.push(Entry { id: 0, account, tags: group.into_iter().collect() });
            }
        }
        let imported = entries.len() - self.entries.len();
        let summary = crate::vault::ImportSummary { imported, duplicates };
        if imported == 0 {
            self.backup_note(Ok(summary.to_string()));
            return;
        }
        match self.save(entries) {
            Ok(_) => self.backup_note(Ok(summary.to_string())),
            Err(message) => self.backup_note(Err(message)),
        }
    }

    fn backup_note(&mut self, result: Result<String, String>) {
        match result {
            Ok(note) => {
                self.error = None;
                self.toast(&note, Duration::from_secs(4));
                if let Some(panel) = &mut self.backup_panel {
                    panel.done(note);
                }
            }
            Err(message) => {
                if let Some(panel) = &mut self.backup_panel {
                    panel.failed(message.clone());
                }
                self.error = Some(message);
            }
        }
    }

    /// Compares the clock with the time source on a worker thread, when the user asked for it.
    fn check_clock(&mut self, ctx: &egui::Context) {
        if !self.settings.check_clock || self.clock_check.is_some() {
            return;
        }
        let (source, clock) = (self.time_source.clone(), self.clock.clone());
        self.clock_check = Some(spawn_waking(ctx, move || source.skew(clock.as_ref()).map_err(|e| e.to_string())));
    }

    /// Runs `job` on a worker thread with the store (the KDF is slow), and wakes the window with
    /// the store and the result, wrapped by `done`.
    fn with_store_in_background<T: Send + 'static>(
        &mut self,
        ctx: &egui::Context,
        done: fn(Box<dyn Store>, T) -> Done,
        job: impl FnOnce(&mut dyn Store) -> T + Send + 'static,
    ) {
        let Some(mut store) = self.store.take() else { return };
        self.in_background(ctx, move || {
            let result = job(store.as_mut());
            done(store, result)
        });
    }

    /// Runs `job` on a worker thread and wakes the window with its result.
    fn in_background(&mut self, ctx: &egui::Context, job: impl FnOnce() -> Done + Send + 'static) {
        self.work = Some(spawn_waking(ctx, job));
    }

    fn scan_in_background(
        &mut self,
        ctx: &egui::Context,
        job: impl FnOnce(&dyn Scanner) -> anyhow::Result<Vec<String>> + Send + 'static,
    ) {
        let Some(scanner) = self.scanner.clone() else { return };
        self.in_background(ctx, move || Done::Decoded(job(scanner.as_ref())));
    }

    fn handle(&mut self, ctx: &egui::Context, request: Request) {
        match request {
            Request::Create { password, remember } => self.with_store_in_background(ctx, Done::Opened, move |store| {
                store.create(&password, remember)?;
                Ok(Vec::new())
            }),
            Request::Unlock(password) => {
                self.with_store_in_background(ctx, Done::Opened, move |store| store.unlock(&password))
            }
            Request::UnlockWithKeyring => self.with_store_in_background(ctx, Done::Opened, |store| {
                store
                    .unlock_with_keyring()
                    .unwrap_or_else(|| Err(anyhow::anyhow!("no keyring slot: type the password")))
            }),
            Request::Lock => {
                if let Some(store) = &mut self.store {
                    store.lock();
                }
                self.entries.clear();
                self.add = None;
                self.enroll = None;
                self.edit = None;
                self.settings_panel = None;
                self.backup_panel = None;
                self.codes = codes::CodesPanel::default();
                let keyring = self.store.as_ref().is_some_and(|s| s.has_keyring_slot());
                self.screen = Screen::Unlock(unlock::UnlockPanel::new(keyring));
            }
            Request::Copy { code, what } => self.copy(code, what),
            Request::NextHotp(id) => {
                if let Some(entry) = self.entries.iter().find(|e| e.id == id) {
                    let code = entry.account.code_at(0).to_string();
                    let counter = entry.account.params.counter.saturating_add(1);
                    let what = entry.account.display_name();
                    // The counter is saved before the code leaves the window, so a crash can only
                    // skip a code, never show one twice.
                    if self.set_counter(id, counter) {
                        self.copy(code, what);
                    }
                }
            }
            Request::SetHotpCounter { id, counter } => {
                self.set_counter(id, counter);
            }
            Request::OpenAdd => self.add = Some(add::AddDialog::default()),
            Request::OpenEnroll => self.enroll = Some(enroll::EnrollPanel::default()),
            Request::OpenSettings => {
                let keyring = self.store.as_ref().is_some_and(|s| s.has_keyring_slot());
                self.settings_panel = Some(settings::SettingsPanel::new(self.settings.clone(), keyring));
            }
            Request::OpenBackup => {
                self.settings_panel = None;
                self.backup_panel = Some(backup::BackupPanel::default());
            }
            Request::Backup { format, password } => {
                let files = self.files.clone();
                self.with_store_in_background(ctx, Done::BackedUp, move |store| {
                    let Some(path) = files.save("Back up otpvault accounts", format.file_name()) else {
                        return Ok(None);
                    };
                    let bytes = store.backup(format, password.as_ref())?;
                    crate::export::write_new(&path, &bytes).map_err(|e| match path.exists() {
                        true => anyhow::anyhow!("{} already exists: choose a new file name", path.display()),
                        false => anyhow::anyhow!("could not write {}: {e}", path.display()),
                    })?;
                    Ok(Some(format!("backup written to {}", path.display())))
                });
            }
            Request::PickBackup => {
                let files = self.files.clone();
                self.in_background(ctx, move || {
                    Done::BackupPicked((|| {
                        let Some(path) = files.open("Restore or import accounts", &[]) else { return Ok(None) };
                        let bytes = zeroize::Zeroizing::new(crate::import::read_file(&path)?);
                        let file_name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
                        let importer = crate::import::detect_named(&bytes, &file_name)?;
                        Ok(Some(backup::PickedBackup { file_name, bytes, importer }))
                    })())
                });
            }
            Request::ImportBackup { picked, password } => self.in_background(ctx, move || {
                let read = crate::import::import_grouped(picked.importer, &picked.bytes, password.as_ref());
                Done::BackupRead(read.map_err(anyhow::Error::from))
            }),
            Request::CorrectClock(seconds) => {
                self.settings.clock_offset_seconds = self.settings.clock_offset_seconds.saturating_add(seconds);
                self.clock.set_offset_seconds(self.settings.clock_offset_seconds);
                self.skew = Some(Ok(Skew { correction_seconds: 0 }));
                self.toast(
                    &format!("codes now use a clock corrected by {} s", self.settings.clock_offset_seconds),
                    Duration::from_secs(4),
                );
            }
            Request::Edit(id) => {
                if let Some(entry) = self.entries.iter().find(|e| e.id == id) {
                    self.edit = Some(manage::EditDialog::new(entry.clone()));
                }
            }
            Request::AddAccounts(accounts) => {
                let mut entries = self.entries.clone();
                let first_new = entries.len();
                entries.extend(accounts.into_iter().map(|account| Entry { id: 0, account, tags: Vec::new() }));
                let result = self.save(entries);
                let saved: Result<Vec<Entry>, String> = result.map(|all| all[first_new..].to_vec());
                if let Some(dialog) = &mut self.add {
                    dialog.saved(saved.clone());
                }
                if let Some(panel) = &mut self.enroll {
                    panel.saved(saved, self.clock.now());
                }
            }
            Request::Update(entry) => {
                let entries =
                    self.entries.iter().map(|e| if e.id == entry.id { entry.clone() } else { e.clone() }).collect();
                if self.save(entries).is_ok() {
                    self.edit = None;
                }
            }
            Request::Delete(id) => {
                let entries = self.entries.iter().filter(|e| e.id != id).cloned().collect();
                if self.save(entries).is_ok() {
                    self.edit = None;
                    self.toast("deleted", Duration::from_secs(3));
                }
            }
            Request::Move { id, by } => {
                let Some(from) = self.entries.iter().position(|e| e.id == id) else { return };
                let to = from.saturating_add_signed(by).min(self.entries.len() - 1);
                let mut entries = self.entries.clone();
                let entry = entries.remove(from);
                entries.insert(to, entry);
                let _ = self.save(entries);
            }
            Request::Decode(bytes) => self.scan_in_background(ctx, move |scanner| scanner.decode_image(&bytes)),
            Request::PickImage => {
                let files = self.files.clone();
                self.scan_in_background(ctx, move |scanner| {
                    let extensions = ["png", "jpg", "jpeg", "gif", "bmp", "webp", "tif", "tiff"];
                    match files.open("Open a QR code image", &extensions) {
                        Some(path) => scanner.decode_image(&std::fs::read(&path)?),
                        None => Ok(Vec::new()),
                    }
                })
            }
            Request::ScanScreen => self.scan_in_background(ctx, |scanner| scanner.scan_screen()),
            Request::Resync(index) => {
                let now = self.clock.now();
                if let (Some(panel), Some(entry)) = (&mut self.enroll, self.entries.get(index)) {
                    panel.resync(entry.clone(), now);
                }
            }
            Request::SetKeyring(enabled) => {
                let result = self.store.as_mut().map(|s| s.set_keyring(enabled));
                self.report(
                    result,
                    if enabled { "the keyring now unlocks this vault" } else { "keyring unlock removed" },
                );
            }
            Request::ChangePassword { current, new } => {
                let result = self.store.as_mut().map(|s| s.change_password(&current, &new));
                let ok = matches!(result, Some(Ok(())));
                self.report(result, "password changed");
                if let Some(panel) = &mut self.settings_panel {
                    panel.password_changed(ok);
                }
            }
            Request::ApplySettings(settings) => {
                self.clock.set_offset_seconds(settings.clock_offset_seconds);
                let check_now = settings.check_clock && !self.settings.check_clock;
                self.settings = settings;
                self.settings_panel = None;
                if !self.settings.check_clock {
                    self.skew = None;
                } else if check_now {
                    self.check_clock(ctx);
                }
            }
        }
    }

    fn report(&mut self, result: Option<anyhow::Result<()>>, success: &str) {
        match result {
            Some(Ok(())) => {
                self.error = None;
                self.toast(success, Duration::from_secs(3));
            }
            Some(Err(e)) => self.error = Some(crate::cli::describe(&e)),
            None => {}
        }
    }

    fn set_counter(&mut self, id: u64, counter: u64) -> bool {
        let entries = self
            .entries
            .iter()
            .cloned()
            .map(|mut e| {
                if e.id == id {
                    e.account.params.counter = counter;
                }
                e
            })
            .collect();
        self.save(entries).is_ok()
    }

    fn save(&mut self, entries: Vec<Entry>) -> Result<Vec<Entry>, String> {
        let Some(store) = &mut self.store else {
            return Err("the vault is busy: try again in a moment".to_owned());
        };
        match store.save(entries) {
            Ok(saved) => {
                self.entries = saved.clone();
                self.error = None;
                Ok(saved)
            }
            Err(e) => {
                let message = format!("not saved: {}", crate::cli::describe(&e));
                self.entries = store.entries();
                self.error = Some(message.clone());
                Err(message)
            }
        }
    }

    fn copy(&mut self, code: String, what: String) {
        match self.clipboard.set_text(&code) {
            Ok(()) => {
                let delay = self.settings.clipboard_clear();
                let now = self.clock.now();
                self.pending_clear = Some(clipboard::PendingClear { text: code.into(), at: now + delay });
                self.toast(
                    &format!("{what}: copied, clipboard clears in {} s", delay.as_secs()),
                    Duration::from_secs(4),
                );
            }
            Err(e) => self.error = Some(format!("could not copy: {e}")),
        }
    }

    fn toast(&mut self, text: &str, for_: Duration) {
        self.toast = Some(Toast { text: text.to_owned(), until: self.clock.now() + for_ });
    }
}

/// Runs `job` on a worker thread; its result arrives on the returned channel, and the window is
/// woken to pick it up.
fn spawn_waking<T: Send + 'static>(ctx: &egui::Context, job: impl FnOnce() -> T + Send + 'static) -> Receiver<T> {
    let (tx, rx) = channel();
    let ctx = ctx.clone();
    std::thread::spawn(move || {
        let _ = tx.send(job());
        ctx.request_repaint();
    });
    rx
}

impl eframe::App for App {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        App::ui(self, ui);
    }

    fn clear_color(&self, visuals: &egui::Visuals) -> [f32; 4] {
        visuals.panel_fill.to_normalized_gamma_f32()
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        eframe::set_value(storage, eframe::APP_KEY, &self.settings);
    }

    fn auto_save_interval(&self) -> Duration {
        // Settings change rarely; saving them only on change and exit keeps the idle window quiet.
        Duration::from_secs(3600)
    }
}

/// Opens the window on `store`.
pub fn run_with(store: Box<dyn Store>, scanner: Option<Arc<dyn Scanner>>) -> anyhow::Result<()> {
    let icon = eframe::icon_data::from_png_bytes(include_bytes!("../../assets/icons/otpvault-256.png")).ok();
    let mut viewport = egui::ViewportBuilder::default()
        .with_title("otpvault")
        .with_app_id(APP_ID)
        .with_inner_size([460.0, 680.0])
        .with_min_inner_size([360.0, 420.0]);
    if let Some(icon) = icon {
        viewport = viewport.with_icon(icon);
    }
    // Dithering hides banding in gradients, which this window has none of; it costs every pixel.
    let options = eframe::NativeOptions { viewport, dithering: false, ..Default::default() };
    eframe::run_native(
        "otpvault",
        options,
        Box::new(move |cc| {
            let settings: Settings = cc.storage.and_then(|s| eframe::get_value(s, eframe::APP_KEY)).unwrap_or_default();
            let clock = SystemClock::new(settings.clock_offset_seconds);
            let clipboard: Box<dyn Clipboard> = match SystemClipboard::open() {
                Ok(clipboard) => Box::new(clipboard),
                Err(_) => Box::new(MemoryClipboard::default()),
            };
            let mut app = App::new(Parts {
                store,
                clock: Arc::new(clock),
                clipboard,
                settings,
                scanner,
                files: Arc::new(SystemFiles),
                time_source: Arc::new(NtpServer::default()),
            });
            app.try_keyring_unlock(&cc.egui_ctx);
            Ok(Box::new(app))
        }),
    )
    .map_err(|e| anyhow::anyhow!("could not open the window: {e}"))
}

/// Opens the window on the vault at `path` (the platform data folder by default).
pub fn run(path: Option<&std::path::Path>) -> anyhow::Result<()> {
    let path = match path {
        Some(path) => path.to_owned(),
        None => crate::vault::default_path()?,
    };
    let store = VaultStore::new(path, Arc::new(crate::vault::OsKeyring), crate::vault::KdfParams::DEFAULT);
    run_with(Box::new(store), Some(Arc::new(QrScanner)))
}
