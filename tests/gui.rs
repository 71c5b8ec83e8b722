//! The window, driven through its accessibility tree with a fixed clock, an in-memory store and an
//! in-memory clipboard.

use std::sync::Arc;
use std::time::Duration;

use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use otpvault::clock::{Clock, FixedClock, Skew, TimeSource, TimeSourceError};
use otpvault::gui::{
    App, ChosenFiles, Entry, MemoryClipboard, MemoryStore, Parts, QrScanner, Scanner, Settings, Store, VaultStore,
};
use otpvault::{Account, Params};
use secrecy::SecretString;

const PASSWORD: &str = "correct horse battery staple";
const AWS_URI: &str = "otpauth://totp/Amazon%20Web%20Services:alice@123456789012?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Amazon%20Web%20Services";
/// 2033-05-18 03:33:20 UTC: 20 s into a 30 s period.
const T0: u64 = 2_000_000_000;

/// A time server that always finds the clock off by the same amount.
struct SkewedBy(i64);

impl TimeSource for SkewedBy {
    fn name(&self) -> String {
        "time.test".to_owned()
    }

    fn skew(&self, _clock: &dyn Clock) -> Result<Skew, TimeSourceError> {
        Ok(Skew { correction_seconds: self.0 })
    }
}

struct World {
    store: MemoryStore,
    clock: FixedClock,
    clipboard: MemoryClipboard,
    settings: Settings,
    files: ChosenFiles,
    time_source: Arc<dyn TimeSource>,
}

impl World {
    fn new() -> Self {
        World {
            store: MemoryStore::new(),
            clock: FixedClock::at_secs(T0),
            clipboard: MemoryClipboard::default(),
            settings: Settings::default(),
            files: ChosenFiles::default(),
            time_source: Arc::new(SkewedBy(0)),
        }
    }

    /// A vault that exists already, holding `accounts`.
    fn with_accounts(accounts: &[Account]) -> Self {
        let world = World::new();
        let mut store = world.store.clone();
        store.create(&SecretString::from(PASSWORD), false).unwrap();
        let entries = accounts.iter().map(|a| Entry { id: 0, account: a.clone(), tags: Vec::new() }).collect();
        store.save(entries).unwrap();
        store.lock();
        world
    }

    fn harness(&self, scanner: Option<Arc<dyn Scanner>>) -> Harness<'static, App> {
        self.harness_on(Box::new(self.store.clone()), scanner)
    }

    fn harness_on(&self, store: Box<dyn Store>, scanner: Option<Arc<dyn Scanner>>) -> Harness<'static, App> {
        let app = App::new(Parts {
            store,
            clock: Arc::new(self.clock.clone()),
            clipboard: Box::new(self.clipboard.clone()),
            settings: self.settings.clone(),
            scanner,
            files: Arc::new(self.files.clone()),
            time_source: self.time_source.clone(),
        });
        let mut harness =
            Harness::builder().with_size([480.0, 720.0]).build_ui_state(|ui, app: &mut App| app.ui(ui), app);
        harness.run_ok();
        harness
    }

    fn code(&self, account: &Account) -> String {
        account.code_at(self.clock.unix()).to_string()
    }
}

fn account(uri: &str) -> Account {
    uri.parse().unwrap()
}

fn github() -> Account {
    account("otpauth://totp/GitHub:octocat?secret=JBSWY3DPEHPK3PXP&issuer=GitHub")
}

fn grouped(code: &str) -> String {
    format!("{} {}", &code[..3], &code[3..])
}

/// Steps the window until `done` holds: worker threads (the KDF, decoding) answer asynchronously.
fn settle(harness: &mut Harness<'static, App>, what: &str, done: impl Fn(&Harness<'static, App>) -> bool) {
    for _ in 0..300 {
        harness.step();
        if done(harness) {
            harness.run_ok();
            return;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    panic!("the window never showed {what}");
}

fn has(harness: &Harness<'static, App>, label: &str) -> bool {
    harness.query_all_by_label_contains(label).next().is_some()
}

/// The search field: the only text field of the codes screen.
fn search_field<'h>(harness: &'h Harness<'static, App>) -> egui_kittest::Node<'h> {
    harness.get_by_role(Role::TextInput)
}

fn unlock(harness: &mut Harness<'static, App>) {
    harness.get_by_role(Role::PasswordInput).focus();
    harness.step();
    harness.get_by_role(Role::PasswordInput).type_text(PASSWORD);
    harness.step();
    harness.get_by_label("Unlock").click();
    settle(harness, "the codes", |h| h.state().is_unlocked());
}

#[test]
fn create_a_vault_then_unlock_it_and_refuse_a_wrong_password() {
    let world = World::new();
    let mut harness = world.harness(None);
    assert!(has(&harness, "Create your vault"));
    let fields = harness.get_all_by_role(Role::PasswordInput).collect::<Vec<_>>();
    assert_eq!(fields.len(), 2, "password and confirmation");
    fields[0].focus();
    harness.step();
    harness.get_all_by_role(Role::PasswordInput).next().unwrap().type_text(PASSWORD);
    harness.step();
    assert!(has(&harness, "Strength: strong"), "zxcvbn rates a long passphrase");
    harness.get_by_label("Create vault").click();
    harness.step();
    assert!(!world.store.exists(), "nothing is created before the password is confirmed");
    harness.get_all_by_role(Role::PasswordInput).nth(1).unwrap().focus();
    harness.step();
    harness.get_all_by_role(Role::PasswordInput).nth(1).unwrap().type_text(PASSWORD);
    harness.step();
    harness.get_by_label("Create vault").click();
    settle(&mut harness, "the empty vault", |h| h.state().is_unlocked());
    assert!(world.store.exists());
    assert!(has(&harness, "No accounts yet"));

    harness.get_by_label("Lock").click();
    harness.run_ok();
    assert!(has(&harness, "Unlock your vault"));
    harness.get_by_role(Role::PasswordInput).focus();
    harness.step();
    harness.get_by_role(Role::PasswordInput).type_text("wrong horse");
    harness.step();
    harness.get_by_label("Unlock").click();
    settle(&mut harness, "the wrong-password error", |h| has(h, "wrong password"));
    assert!(!harness.state().is_unlocked());
    unlock(&mut harness);
    assert!(has(&harness, "No accounts yet"));
}

#[test]
fn add_an_account_by_hand_with_live_validation_preview_and_duplicate_check() {
    let world = World::with_accounts(&[github()]);
    let mut harness = world.harness(None);
    unlock(&mut harness);
    harness.get_by_label("+ Add").click();
    harness.run_ok();
    harness.get_by_label("Enter manually").click();
    harness.run_ok();
    let typed = |harness: &mut Harness<'static, App>, hint: &str, text: &str| {
        harness.get_by_label(hint).focus();
        harness.step();
        harness.get_by_label(hint).type_text(text);
        harness.run_ok();
    };
    typed(&mut harness, "Service", "ACME");
    typed(&mut harness, "Account", "alice");
    typed(&mut harness, "Secret key", "not base32!");
    assert!(has(&harness, "the secret key is not valid"));
    assert!(harness.get_by_label("Add account").accesskit_node().is_disabled());

    // The same seed as the GitHub account: flagged as a duplicate, first code previewed.
    harness.get_by_label("Secret key").focus();
    harness.step();
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    harness.get_by_label("Secret key").type_text("jbsw y3dp ehpk 3pxp");
    harness.run_ok();
    assert!(has(&harness, "Already in your vault as GitHub (octocat)"));
    let first = grouped(&world.code(&github()));
    assert!(harness.query_all_by_label(&first).count() >= 2, "preview beside the list's code");

    harness.get_by_label("Add account").click();
    harness.run_ok();
    let saved = world.store.saved();
    assert_eq!(saved.len(), 2);
    assert_eq!(saved[1].account.issuer.as_deref(), Some("ACME"));
    assert_eq!(saved[1].account.name, "alice");
    assert!(has(&harness, "ACME"));
}

/// A file dropped on the window.
#[derive(Debug)]
struct File(std::path::PathBuf);

impl egui::DroppedFile for File {
    fn path(&self) -> &std::path::Path {
        &self.0
    }

    fn bytes(&self) -> Result<Vec<u8>, String> {
        std::fs::read(&self.0).map_err(|e| e.to_string())
    }
}

#[test]
fn add_accounts_from_a_dropped_qr_image_with_a_checklist() {
    let world = World::with_accounts(&[]);
    let mut harness = world.harness(Some(Arc::new(QrScanner)));
    unlock(&mut harness);
    harness.get_by_label("+ Add").click();
    harness.run_ok();
    let path = crate::common::fixture("gui/aws-qr.png");
    harness.input_mut().dropped_files.push(Arc::new(File(path)));
    settle(&mut harness, "the decoded account", |h| has(h, "Found 1 account"));
    assert!(has(&harness, "AWS · account 123456789012 · alice"));
    harness.get_by_label("Add 1 account(s)").click();
    harness.run_ok();
    assert_eq!(world.store.saved()[0].account, account(AWS_URI));
}

#[test]
fn click_copies_the_code_and_the_clipboard_clears_only_if_unchanged() {
    let world = World::with_accounts(&[github()]);
    let mut harness = world.harness(None);
    unlock(&mut harness);
    let code = world.code(&github());
    harness.get_by_label(&grouped(&code)).click();
    harness.run_ok();
    assert_eq!(world.clipboard.content().as_deref(), Some(code.as_str()));
    assert!(has(&harness, "copied, clipboard clears in 30 s"));
    world.clock.advance(Duration::from_secs(31));
    harness.run_ok();
    assert_eq!(world.clipboard.content(), None, "our code is cleared");

    // Copy again, then the user copies something else: that stays.
    let code = world.code(&github());
    harness.get_by_label(&grouped(&code)).click();
    harness.run_ok();
    world.clipboard.set_by_user("the user's own text");
    world.clock.advance(Duration::from_secs(31));
    harness.run_ok();
    assert_eq!(world.clipboard.content().as_deref(), Some("the user's own text"));
}

#[test]
fn hotp_next_code_persists_the_counter_before_copying() {
    let hotp = account("otpauth://hotp/Bank:me?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&counter=3&issuer=Bank");
    let world = World::with_accounts(std::slice::from_ref(&hotp));
    let mut harness = world.harness(None);
    unlock(&mut harness);
    harness.get_by_label("Next code").click();
    harness.run_ok();
    let expected = Account { params: Params { counter: 3, ..hotp.params }, ..hotp.clone() }.code_at(0);
    assert_eq!(world.clipboard.content().as_deref(), Some(expected.as_str()));
    assert_eq!(world.store.saved()[0].account.params.counter, 4);
}

#[test]
fn search_filters_as_you_type_and_enter_copies_the_first_match() {
    let aws = account(AWS_URI);
    let world = World::with_accounts(&[github(), aws.clone()]);
    let mut harness = world.harness(None);
    unlock(&mut harness);
    assert!(has(&harness, "GitHub") && has(&harness, "account 123456789012 · alice"));
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::F);
    harness.step();
    search_field(&harness).type_text("aws");
    harness.run_ok();
    assert!(!has(&harness, "GitHub"));
    assert!(has(&harness, "account 123456789012 · alice"));
    harness.key_press(egui::Key::Enter);
    harness.run_ok();
    assert_eq!(world.clipboard.content(), Some(world.code(&aws)));
    search_field(&harness).type_text("zzz");
    harness.run_ok();
    assert!(has(&harness, "Nothing matches"));
}

#[test]
fn delete_asks_first_then_removes_the_account() {
    let world = World::with_accounts(&[github(), account(AWS_URI)]);
    let mut harness = world.harness(None);
    unlock(&mut harness);
    harness.get_all_by_label("Edit").next().unwrap().click();
    harness.run_ok();
    harness.get_by_label("Delete…").click();
    harness.run_ok();
    assert!(has(&harness, "Delete GitHub (octocat)?"));
    assert_eq!(world.store.saved().len(), 2, "nothing deleted before the confirmation");
    harness.get_by_label("Delete for good").click();
    harness.run_ok();
    let saved = world.store.saved();
    assert_eq!(saved.len(), 1);
    assert_eq!(saved[0].account, account(AWS_URI));
    assert!(!has(&harness, "octocat"));
}

#[test]
fn the_window_locks_itself_after_the_idle_time() {
    let world = World::with_accounts(&[github()]);
    let mut harness = world.harness(None);
    unlock(&mut harness);
    world.clock.advance(Settings::default().auto_lock() - Duration::from_secs(1));
    harness.run_ok();
    assert!(harness.state().is_unlocked());
    world.clock.advance(Duration::from_secs(1));
    harness.run_ok();
    assert!(!harness.state().is_unlocked());
    assert!(has(&harness, "Unlock your vault"));
    assert!(!has(&harness, &grouped(&world.code(&github()))), "no code stays on screen");
}

#[test]
fn an_idle_window_wakes_at_the_next_second_not_every_frame() {
    let world = World::with_accounts(&[github()]);
    world.clock.set(Duration::from_millis(T0 * 1000 + 250));
    let mut harness = world.harness(None);
    unlock(&mut harness);
    harness.run();
    let delay = harness.output().viewport_output.values().map(|v| v.repaint_delay).min().unwrap();
    assert!((750..=780).contains(&delay.as_millis()), "wakes just after the second boundary: {delay:?}");
}

fn start_enrolment(world: &World) -> Harness<'static, App> {
    let mut harness = world.harness(None);
    unlock(&mut harness);
    harness.get_by_label("Enrol").click();
    harness.run_ok();
    harness.get_by_label("Secret").focus();
    harness.step();
    harness.get_by_label("Secret").type_text(AWS_URI);
    harness.run_ok();
    harness
}

#[test]
fn enrolment_saves_the_seed_before_any_code_then_gives_two_consecutive_codes() {
    let world = World::with_accounts(&[]);
    let aws = account(AWS_URI);
    let mut harness = start_enrolment(&world);
    assert!(has(&harness, "AWS · account 123456789012 · alice"));
    let code1 = world.code(&aws);
    assert!(!has(&harness, &grouped(&code1)), "no code before the seed is saved");
    assert!(world.store.saved().is_empty());

    harness.get_by_label("Save and show codes").click();
    harness.run_ok();
    assert_eq!(world.store.saved()[0].account, aws, "saved before the codes show");
    // T0 is 20 s into its period: code 1 now, code 2 in 10 s.
    assert!(has(&harness, &grouped(&code1)));
    assert!(has(&harness, "Code 2 appears in 10 s"));
    assert!(harness.query_by_label("Copy code 2").is_none());
    let next = "The service accepted the codes: next";
    assert!(harness.get_by_label(next).accesskit_node().is_disabled(), "no moving on with one code");

    world.clock.advance(Duration::from_secs(10));
    harness.run_ok();
    let code2 = aws.code_at(T0 + 10).to_string();
    assert_ne!(code1, code2);
    assert!(has(&harness, &grouped(&code1)), "code 1 stays");
    assert!(has(&harness, &grouped(&code2)));
    assert!(has(&harness, "Submit both codes now: 30 s left"));
    assert!(!harness.get_by_label(next).accesskit_node().is_disabled());
    harness.get_by_label("Copy code 2").click();
    harness.run_ok();
    assert_eq!(world.clipboard.content(), Some(code2));

    world.clock.advance(Duration::from_secs(30));
    harness.run_ok();
    assert!(has(&harness, "Code 1 is too old now"));
    harness.get_by_label("Start again").click();
    harness.run_ok();
    assert!(has(&harness, &grouped(&aws.code_at(T0 + 40).to_string())));
}

#[test]
fn enrolment_both_codes_now_and_the_backup_step() {
    let world = World::with_accounts(&[]);
    let aws = account(AWS_URI);
    let mut harness = start_enrolment(&world);
    harness.get_by_label("Save and show codes").click();
    harness.run_ok();
    harness.get_by_label_contains("Both codes now").click();
    harness.run_ok();
    assert!(has(&harness, &grouped(&aws.code_at(T0).to_string())));
    assert!(has(&harness, &grouped(&aws.code_at(T0 + 30).to_string())));
    // Code 1's period ends in 10 s; it is too old once code 2's ends, 40 s from now.
    assert!(has(&harness, "Submit both codes now: 40 s left"));

    harness.get_by_label("The service accepted the codes: next").click();
    harness.run_ok();
    assert!(has(&harness, "Keep a safe copy of the secret"));
    assert!(harness.get_by_label("Finish").accesskit_node().is_disabled());
    harness.get_by_label("Copy secret").click();
    harness.run_ok();
    assert_eq!(world.clipboard.content(), Some(aws.secret.to_base32().to_string()));
    harness.get_by_label("I have kept a safe copy of this secret").click();
    harness.run_ok();
    harness.get_by_label("Finish").click();
    harness.run_ok();
    assert!(!has(&harness, "Set up an MFA device"));
    assert_eq!(world.store.saved().len(), 1);
}

#[test]
fn a_wrong_clock_is_reported_and_corrected_in_one_click() {
    let mut world = World::with_accounts(&[github()]);
    world.settings.check_clock = true;
    world.time_source = Arc::new(SkewedBy(-95));
    let mut harness = world.harness(None);
    unlock(&mut harness);
    settle(&mut harness, "the clock warning", |h| has(h, "the clock is 95 s ahead"));
    assert!(has(&harness, "Compared with time.test"));
    assert!(has(&harness, &grouped(&world.code(&github()))), "codes still use the computer's clock");
    harness.get_by_label("Correct the codes").click();
    harness.run_ok();
    assert!(!has(&harness, "95 s ahead"), "the warning goes once corrected");
    let corrected = github().code_at(T0 - 95).to_string();
    assert!(has(&harness, &grouped(&corrected)), "codes use the corrected time");
    assert_eq!(harness.state().settings().clock_offset_seconds, -95);
}

#[test]
fn the_clock_is_not_checked_unless_asked() {
    let mut world = World::with_accounts(&[github()]);
    world.time_source = Arc::new(SkewedBy(-95));
    let mut harness = world.harness(None);
    unlock(&mut harness);
    for _ in 0..20 {
        harness.step();
    }
    assert!(!has(&harness, "95 s ahead"));
}

fn type_into(harness: &mut Harness<'static, App>, hint: &str, text: &str) {
    harness.get_by_label(hint).focus();
    harness.step();
    harness.get_by_label(hint).type_text(text);
    harness.step();
}

fn open_backup_panel(harness: &mut Harness<'static, App>) {
    harness.get_by_label("Settings").click();
    harness.run_ok();
    harness.get_by_label("Backup and restore…").click();
    harness.run_ok();
}

#[test]
fn back_up_encrypted_then_restore_into_another_vault_skipping_duplicates() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("backup.otpvault");
    let mut world = World::with_accounts(&[github(), account(AWS_URI)]);
    world.files.save = Some(file.clone());
    let mut harness = world.harness(None);
    unlock(&mut harness);
    open_backup_panel(&mut harness);
    harness.get_by_label("Back up…").click();
    harness.run_ok();
    assert!(!file.exists(), "no encrypted backup without a password");
    type_into(&mut harness, "Backup password", "a backup passphrase to remember");
    type_into(&mut harness, "Confirm backup password", "a backup passphrase to remember");
    harness.get_by_label("Back up…").click();
    settle(&mut harness, "the backup note", |h| has(h, "backup written to"));
    let bytes = std::fs::read(&file).unwrap();
    let restored =
        otpvault::vault::backup::read(&bytes, &SecretString::from("a backup passphrase to remember")).unwrap();
    let accounts: Vec<Account> = restored.into_iter().map(|e| e.account).collect();
    assert_eq!(accounts, [github(), account(AWS_URI)]);

    let mut other = World::with_accounts(&[github()]);
    other.files.open = Some(file.clone());
    let mut harness = other.harness(None);
    unlock(&mut harness);
    open_backup_panel(&mut harness);
    harness.get_by_label("Choose a file…").click();
    settle(&mut harness, "the password request", |h| has(h, "Password of backup.otpvault"));
    type_into(&mut harness, "Password of backup.otpvault", "not the password");
    harness.get_by_label("Import").click();
    settle(&mut harness, "the wrong-password error", |h| has(h, "wrong password"));
    assert_eq!(other.store.saved().len(), 1, "nothing imported on a wrong password");
    type_into(&mut harness, "Password of backup.otpvault", "a backup passphrase to remember");
    harness.get_by_label("Import").click();
    settle(&mut harness, "the import summary", |h| has(h, "1 imported, 1 duplicates skipped"));
    let saved: Vec<Account> = other.store.saved().into_iter().map(|e| e.account).collect();
    assert_eq!(saved, [github(), account(AWS_URI)]);
}

#[test]
fn another_apps_plain_export_is_imported_without_a_password() {
    let mut world = World::with_accounts(&[]);
    world.files.open = Some(crate::common::fixture("import/aegis_plain.json"));
    let mut harness = world.harness(None);
    unlock(&mut harness);
    open_backup_panel(&mut harness);
    harness.get_by_label("Choose a file…").click();
    settle(&mut harness, "the import summary", |h| has(h, "imported, 0 duplicates skipped"));
    let expected =
        otpvault::import::import(&std::fs::read(world.files.open.as_ref().unwrap()).unwrap(), None, None).unwrap();
    let saved: Vec<Account> = world.store.saved().into_iter().map(|e| e.account).collect();
    assert_eq!(saved, expected);
}

/// The window on a real vault file: created, filled, reordered and read back by another opener
/// while the window stays open.
#[test]
fn the_window_on_a_vault_file_saves_order_and_lets_the_command_line_in() {
    use otpvault::vault::{KdfParams, MemoryKeyring, Vault};
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("window.otpvault");
    {
        let mut vault = Vault::create(&path, &SecretString::from(PASSWORD), KdfParams::INSECURE_TEST).unwrap();
        vault.add(github(), T0).unwrap();
        vault.add(account(AWS_URI), T0).unwrap();
        vault.save().unwrap();
    }
    let world = World::new();
    let store = VaultStore::new(path.clone(), Arc::new(MemoryKeyring::new()), KdfParams::INSECURE_TEST);
    let mut harness = world.harness_on(Box::new(store), None);
    unlock(&mut harness);
    assert!(has(&harness, &grouped(&world.code(&github()))));

    harness.get_all_by_label("Edit").next().unwrap().click();
    harness.run_ok();
    harness.get_by_label("Move down").click();
    harness.run_ok();

    // The window is still open and unlocked, yet another opener gets in at once.
    let vault = Vault::open(&path, &SecretString::from(PASSWORD)).expect("the window does not hold the lock");
    let order: Vec<Account> = vault.entries().iter().map(|e| e.account.clone()).collect();
    assert_eq!(order, [account(AWS_URI), github()]);
    drop(vault);
    assert!(harness.state().is_unlocked());
}

#[test]
fn a_change_saved_by_another_process_is_not_overwritten() {
    use otpvault::vault::{KdfParams, MemoryKeyring, Vault};
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("shared.otpvault");
    {
        let mut vault = Vault::create(&path, &SecretString::from(PASSWORD), KdfParams::INSECURE_TEST).unwrap();
        vault.add(github(), T0).unwrap();
        vault.save().unwrap();
    }
    let world = World::new();
    let store = VaultStore::new(path.clone(), Arc::new(MemoryKeyring::new()), KdfParams::INSECURE_TEST);
    let mut harness = world.harness_on(Box::new(store), None);
    unlock(&mut harness);
    {
        let mut cli = Vault::open(&path, &SecretString::from(PASSWORD)).unwrap();
        cli.add(account(AWS_URI), T0).unwrap();
        cli.save().unwrap();
    }
    harness.get_all_by_label("Edit").next().unwrap().click();
    harness.run_ok();
    harness.get_by_label("Delete…").click();
    harness.run_ok();
    harness.get_by_label("Delete for good").click();
    harness.run_ok();
    assert!(has(&harness, "another otpvault changed the vault"), "the user is told");
    let vault = Vault::open(&path, &SecretString::from(PASSWORD)).unwrap();
    assert_eq!(vault.entries().len(), 2, "the other process's account survives");
    drop(vault);
    assert!(has(&harness, "123456789012"), "the window shows what the file holds now");
}
