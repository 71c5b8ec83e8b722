//! Window benchmark (needs a display and a Secret Service keyring; `tests/bench/gui_idle.sh` runs
//! it under Xvfb with a private D-Bus session and gnome-keyring):
//! - launch to first code: from building the window to the first frame that shows codes, with a
//!   real vault file that unlocks through its OS keyring slot, against an empty eframe window's
//!   first frame;
//! - idle CPU over 30 s with 50 accounts on screen, against the same window repainting every
//!   frame (what an egui app does when it does not schedule its repaints).
//!
//! Run: `tests/bench/gui_idle.sh` (or `cargo bench --bench gui_idle` with DISPLAY set).

use std::sync::Arc;
use std::time::{Duration, Instant};

use otpvault::clock::{NtpServer, SystemClock};
use otpvault::gui::{App, ChosenFiles, MemoryClipboard, Parts, Settings, VaultStore};
use otpvault::vault::{KdfParams, OsKeyring, Vault};
use otpvault::{Account, Params, Secret};
use secrecy::SecretString;

const ACCOUNTS: usize = 50;
const IDLE: Duration = Duration::from_secs(30);
const PEER_IDLE: Duration = Duration::from_secs(10);
/// After the first code, egui fades the scroll bar in (about 16 frames in 150 ms): idle starts once
/// the launch is over.
const SETTLE: Duration = Duration::from_secs(2);

/// User plus system CPU time in a `/proc/.../stat` file.
fn stat_cpu(stat: &str) -> Duration {
    // Fields after the command name (which may hold spaces) start after the last ')'.
    let fields: Vec<&str> = stat[stat.rfind(')').unwrap() + 2..].split(' ').collect();
    let ticks: u64 = fields[11].parse::<u64>().unwrap() + fields[12].parse::<u64>().unwrap();
    // Linux reports in USER_HZ, 100 on every mainstream configuration.
    Duration::from_millis(ticks * 10)
}

/// CPU time of this process, and of its software OpenGL rasteriser threads (Mesa's llvmpipe,
/// which does on the CPU what a graphics card does on a desktop).
fn cpu_time() -> (Duration, Duration) {
    let total = stat_cpu(&std::fs::read_to_string("/proc/self/stat").expect("Linux /proc"));
    let mut raster = Duration::ZERO;
    for task in std::fs::read_dir("/proc/self/task").expect("Linux /proc").flatten() {
        let comm = std::fs::read_to_string(task.path().join("comm")).unwrap_or_default();
        if comm.starts_with("llvmpipe") {
            raster += std::fs::read_to_string(task.path().join("stat")).map(|s| stat_cpu(&s)).unwrap_or_default();
        }
    }
    (total, raster)
}

/// A vault file of `ACCOUNTS` accounts with the default (strong) KDF and a keyring slot, so the
/// window opens it without a password, as a user who chose "remember" sees it every day.
fn vault(dir: &std::path::Path) -> std::path::PathBuf {
    let path = dir.join("bench.otpvault");
    let mut vault = Vault::create(&path, &SecretString::from("bench password"), KdfParams::DEFAULT).unwrap();
    for i in 0..ACCOUNTS {
        let secret = Secret::from_bytes(format!("bench secret number {i:04}").into_bytes()).unwrap();
        let issuer = ["GitHub", "Amazon Web Services", "Google", "GitLab", "Proton"][i % 5];
        let name = if i % 5 == 1 { format!("user{i}@1234567890{:02}", i % 100) } else { format!("user{i}") };
        vault.add(Account::new(Some(issuer.to_owned()), name, secret, Params::totp()), 0).unwrap();
    }
    vault.enable_keyring(&OsKeyring).expect("a Secret Service keyring (run tests/bench/gui_idle.sh)");
    path
}

/// What one run measured.
#[derive(Default)]
struct Measure {
    first_frame: Option<Duration>,
    cpu: Option<Duration>,
    /// Of `cpu`, the software rasteriser's share.
    raster: Option<Duration>,
    frames: u64,
    /// Wall time spent in the window's own code (`App::ui`) while idle.
    in_app: Duration,
}

struct Timed {
    app: App,
    started: Instant,
    repaint_every_frame: bool,
    idle_for: Duration,
    idle_from: Option<(Instant, (Duration, Duration))>,
    first_code_at: Option<Instant>,
    out: Arc<std::sync::Mutex<Measure>>,
}

impl eframe::App for Timed {
    fn clear_color(&self, visuals: &egui::Visuals) -> [f32; 4] {
        eframe::App::clear_color(&self.app, visuals)
    }

    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        let start = Instant::now();
        self.app.ui(ui);
        let in_app = start.elapsed();
        let mut out = self.out.lock().unwrap();
        out.frames += 1;
        out.in_app += in_app;
        if !self.app.is_unlocked() {
            return;
        }
        if out.first_frame.is_none() {
            out.first_frame = Some(self.started.elapsed());
            self.first_code_at = Some(Instant::now());
        }
        if self.idle_from.is_none() && self.first_code_at.is_some_and(|at| at.elapsed() >= SETTLE) {
            self.idle_from = Some((Instant::now(), cpu_time()));
            out.frames = 0;
            out.in_app = Duration::ZERO;
        }
        if self.repaint_every_frame {
            ui.ctx().request_repaint();
        }
        if let Some((since, cpu)) = self.idle_from
            && since.elapsed() >= self.idle_for
        {
            let scale = self.idle_for.as_secs_f64() / since.elapsed().as_secs_f64();
            let (total, raster) = cpu_time();
            out.cpu = Some((total - cpu.0).mul_f64(scale));
            out.raster = Some((raster - cpu.1).mul_f64(scale));
            ui.ctx().send_viewport_cmd(egui::ViewportCommand::Close);
        }
    }
}

fn run_app(vault: &std::path::Path, repaint_every_frame: bool, idle_for: Duration) -> Measure {
    let out = Arc::new(std::sync::Mutex::new(Measure::default()));
    let sink = out.clone();
    let vault = vault.to_owned();
    let started = Instant::now();
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default().with_inner_size([440.0, 620.0]),
        dithering: false,
        ..Default::default()
    };
    eframe::run_native(
        "otpvault-bench",
        options,
        Box::new(move |cc| {
            let store = VaultStore::new(vault, Arc::new(OsKeyring), KdfParams::DEFAULT);
            let mut app = App::new(Parts {
                store: Box::new(store),
                clock: Arc::new(SystemClock::default()),
                clipboard: Box::new(MemoryClipboard::default()),
                settings: Settings { auto_lock_minutes: 60, ..Settings::default() },
                scanner: None,
                files: Arc::new(ChosenFiles::default()),
                time_source: Arc::new(NtpServer::default()),
            });
            app.try_keyring_unlock(&cc.egui_ctx);
            Ok(Box::new(Timed {
                app,
                started,
                repaint_every_frame,
                idle_for,
                idle_from: None,
                first_code_at: None,
                out: sink,
            }))
        }),
    )
    .expect("a window opens (is DISPLAY set?)");
    Arc::try_unwrap(out).ok().unwrap().into_inner().unwrap()
}

struct Empty {
    started: Instant,
    first: Arc<std::sync::Mutex<Option<Duration>>>,
}

impl eframe::App for Empty {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        egui::CentralPanel::default().show(ui, |ui| ui.label("empty"));
        let mut first = self.first.lock().unwrap();
        if first.is_none() {
            *first = Some(self.started.elapsed());
            ui.ctx().send_viewport_cmd(egui::ViewportCommand::Close);
        }
    }
}

fn empty_window() -> Duration {
    let first = Arc::new(std::sync::Mutex::new(None));
    let sink = first.clone();
    let started = Instant::now();
    eframe::run_native(
        "otpvault-bench-empty",
        eframe::NativeOptions::default(),
        Box::new(move |_| Ok(Box::new(Empty { started, first: sink }))),
    )
    .expect("a window opens (is DISPLAY set?)");
    first.lock().unwrap().expect("a frame was drawn")
}

fn main() {
    if std::env::var_os("DISPLAY").is_none() && std::env::var_os("WAYLAND_DISPLAY").is_none() {
        eprintln!("gui_idle: no display; run tests/bench/gui_idle.sh, which starts Xvfb");
        std::process::exit(2);
    }
    let dir = tempfile::tempdir().unwrap();
    let vault = vault(dir.path());
    // The first window of a process pays for loading and compiling the OpenGL driver's shaders:
    // a warm-up window takes that, so the peer and ours start alike.
    empty_window();
    let empty = empty_window();
    let ours = run_app(&vault, false, IDLE);
    let peer = run_app(&vault, true, PEER_IDLE);
    let first = ours.first_frame.expect("codes were shown");
    let pct = |cpu: Duration, over: Duration| 100.0 * cpu.as_secs_f64() / over.as_secs_f64();
    let ours_cpu = pct(ours.cpu.unwrap(), IDLE);
    let peer_cpu = pct(peer.cpu.unwrap(), PEER_IDLE);
    println!("launch to first code ({ACCOUNTS} accounts, keyring slot): {:.0} ms", first.as_secs_f64() * 1000.0);
    println!("  peer, empty eframe window to first frame:            {:.0} ms", empty.as_secs_f64() * 1000.0);
    println!("  ratio: {:.2}", first.as_secs_f64() / empty.as_secs_f64());
    println!(
        "idle CPU over {} s, {ACCOUNTS} accounts shown: {ours_cpu:.2} % of one core, {} frames",
        IDLE.as_secs(),
        ours.frames
    );
    let per_frame = |cpu: Duration, frames: u64| cpu.as_secs_f64() * 1000.0 / frames.max(1) as f64;
    let raster = pct(ours.raster.unwrap(), IDLE);
    println!(
        "  of which software OpenGL rasterisation (llvmpipe threads; a graphics card's work on a desktop): \
         {raster:.2} %; the app's own threads: {:.2} %",
        ours_cpu - raster
    );
    println!(
        "  per frame: {:.2} ms CPU, of which {:.2} ms in the window's own code (`App::ui`)",
        per_frame(ours.cpu.unwrap(), ours.frames),
        ours.in_app.as_secs_f64() * 1000.0 / ours.frames.max(1) as f64
    );
    println!(
        "  peer, same window repainting every frame:  {peer_cpu:.2} %, {} frames in {} s",
        peer.frames,
        PEER_IDLE.as_secs()
    );
    println!("  ratio: {:.3}", ours_cpu / peer_cpu.max(f64::EPSILON));
}
