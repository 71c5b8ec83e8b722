//! `import` and `export`: moving accounts between the vault and other apps' files.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::{Args, ValueEnum};
use secrecy::SecretString;

use super::vault::{EXIT_WRONG_PASSWORD, PasswordArgs, new_password, now, prompt, stdin_line, unlock, vault_path};
use super::{EXIT_BAD_INPUT, EXIT_FAILURE};
use crate::export::BackupFormat;
use crate::import::{self, Grouped, ImportError};
use crate::vault::VaultError;

#[derive(Debug, Args)]
#[command(after_help = "The format is recognised from the content. Formats: run `otpvault import --formats`.\n\n\
    Examples:\n  \
    otpvault import aegis-backup.json\n  \
    printf '%s\\n' \"$BACKUP_PASSWORD\" | otpvault import backup.2fas --password-stdin\n  \
    otpvault import otp_accounts.json.aes --format andotp")]
pub struct ImportArgs {
    /// The backup or export file of another authenticator app (or an otpauth:// URI list).
    #[arg(value_name = "FILE", required_unless_present = "formats")]
    pub file: Option<PathBuf>,
    /// The format of FILE, for files whose content does not tell (e.g. andOTP's encrypted backups).
    #[arg(long, value_name = "NAME")]
    pub format: Option<String>,
    /// Read passwords from standard input: an encrypted backup's password on the first line (the
    /// vault password then comes from OTPVAULT_PASSWORD, the OS keyring or a prompt); for a plain
    /// file, the vault password.
    #[arg(long)]
    pub password_stdin: bool,
    /// List the formats otpvault reads, with their NAME for --format, and exit.
    #[arg(long, conflicts_with_all = ["file", "format", "password_stdin"])]
    pub formats: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    /// otpvault's own encrypted backup, for another machine.
    Otpvault,
    /// Aegis vault JSON, unencrypted.
    Aegis,
    /// Aegis vault JSON, encrypted with a password.
    AegisEncrypted,
    /// otpauth:// URIs, one a line, unencrypted.
    Otpauth,
    /// A folder of QR codes (PNG and SVG): one per account, plus Google Authenticator's
    /// migration codes.
    Qr,
    /// The same folder of QR codes, named for moving to Google Authenticator.
    Google,
}

#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  \
    otpvault export --format otpvault --out backup.otpvault\n  \
    printf '%s\\n' \"$EXPORT_PASSWORD\" | otpvault export --format aegis-encrypted --out aegis.json --password-stdin\n  \
    OTPVAULT_PASSWORD=… otpvault export --format otpauth --out accounts.txt")]
pub struct ExportArgs {
    #[arg(long, value_enum)]
    pub format: ExportFormat,
    /// The file to write (a folder for qr and google). An existing file is never replaced.
    #[arg(long, value_name = "FILE|DIR")]
    pub out: PathBuf,
    /// Read a password from the first line of standard input: the export's for otpvault and
    /// aegis-encrypted (the vault password then comes from OTPVAULT_PASSWORD, the OS keyring or a
    /// prompt), the vault's for the unencrypted formats.
    #[arg(long)]
    pub password_stdin: bool,
}

/// How the vault password is given when standard input may carry the file's password.
fn vault_password(stdin_is_free: bool) -> PasswordArgs {
    PasswordArgs { password_stdin: stdin_is_free }
}

/// The exit status for an import error: a wrong backup password as for the vault's, a file
/// otpvault cannot read as bad input. `None` for errors that are not the importers'.
pub fn exit_code(error: &anyhow::Error) -> Option<u8> {
    error.chain().find_map(|cause| {
        cause.downcast_ref::<ImportError>().map(|error| match error {
            ImportError::WrongPassword(_) => EXIT_WRONG_PASSWORD,
            ImportError::PasswordRequired(_) | ImportError::Read { .. } => EXIT_FAILURE,
            _ => EXIT_BAD_INPUT,
        })
    })
}

fn list_formats() {
    for importer in import::REGISTRY {
        println!("{:<24} {}", importer.id(), importer.name());
    }
}

pub fn import(chosen: Option<&Path>, args: &ImportArgs) -> anyhow::Result<()> {
    let Some(file) = &args.file else {
        list_formats();
        return Ok(());
    };
    let bytes = import::read_file(file)?;
    let importer = match &args.format {
        Some(id) => import::by_id(id)?,
        None => {
            let name = file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            import::detect_named(&bytes, &name)?
        }
    };
    let encrypted = importer.needs_password(&bytes);
    let password = match (encrypted, args.password_stdin) {
        (true, true) => Some(stdin_line("backup password")?),
        (true, false) if std::io::stdin().is_terminal() => {
            Some(prompt(&format!("Password of the {} backup: ", importer.name()))?)
        }
        _ => None,
    };
    // Read the whole file before touching the vault: an error leaves the vault as it was.
    let accounts = import::import_grouped(importer, &bytes, password.as_ref())?;

    let path = vault_path(chosen)?;
    let mut vault = unlock(&path, &vault_password(args.password_stdin && !encrypted))?;
    let now = now();
    let (mut imported, mut duplicates) = (0, 0);
    for Grouped { account, group } in accounts {
        match vault.add(account, now) {
            Ok(id) => {
                imported += 1;
                if group.is_some() {
                    vault.update(id, |entry| entry.group = group)?;
                }
            }
            Err(VaultError::Duplicate { .. }) => duplicates += 1,
            Err(error) => return Err(error.into()),
        }
    }
    if imported > 0 {
        vault.save()?;
    }
    println!("{imported} imported, {duplicates} duplicates skipped");
    Ok(())
}

fn write_new(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    crate::export::write_new(path, bytes).with_context(|| match path.exists() {
        true => format!("{} already exists: choose another --out, nothing was replaced", path.display()),
        false => format!("could not write {}", path.display()),
    })
}

fn export_password(args: &ExportArgs) -> anyhow::Result<SecretString> {
    let given = if args.password_stdin { Some(stdin_line("export password")?) } else { None };
    new_password(given, "Password for the export: ")
}

pub fn export(chosen: Option<&Path>, args: &ExportArgs) -> anyhow::Result<()> {
    let path = vault_path(chosen)?;
    let file_format = match args.format {
        ExportFormat::Otpvault => Some(BackupFormat::Otpvault),
        ExportFormat::Aegis => Some(BackupFormat::Aegis),
        ExportFormat::AegisEncrypted => Some(BackupFormat::AegisEncrypted),
        ExportFormat::Otpauth => Some(BackupFormat::Otpauth),
        ExportFormat::Qr | ExportFormat::Google => None,
    };
    let encrypted = file_format.is_some_and(BackupFormat::encrypted);
    let vault = unlock(&path, &vault_password(args.password_stdin && !encrypted))?;
    let entries = vault.entries();
    let out = &args.out;
    match file_format {
        Some(format) => {
            let password = if encrypted { Some(export_password(args)?) } else { None };
            if !encrypted {
                eprintln!(
                    "otpvault: warning: {} holds every secret unencrypted; keep it safe and delete it once used",
                    out.display()
                );
            }
            write_new(out, &crate::export::backup(format, entries, password.as_ref())?)?;
        }
        None => {
            eprintln!("otpvault: warning: the QR codes in {} hold every secret unencrypted", out.display());
            let accounts: Vec<_> = entries.iter().map(|e| e.account.clone()).collect();
            // Google Authenticator tells the codes of one export apart by this id.
            let batch_id = (now() & 0x7fff_ffff) as i32;
            let written = crate::qr::export::write(&accounts, out, batch_id)?;
            for name in &written.not_in_migration {
                eprintln!(
                    "otpvault: {name} is not in the Google Authenticator codes (it cannot hold it); use its own code"
                );
            }
        }
    }
    println!("{} accounts exported to {}", entries.len(), out.display());
    Ok(())
}
