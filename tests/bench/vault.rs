//! Vault benchmark: unlock time and peak memory with the default KDF, and save time for 10,
//! 1 000 and 10 000 accounts, each next to a peer measured in the same run:
//! - unlock vs. Argon2id alone at RFC 9106's second recommended parameters (64 MiB, t=3, p=4);
//! - save vs. the same JSON encoding and AES-256-GCM sealing without touching the disk.
//!
//! `cargo bench --bench vault` (release build). Figures go to stdout.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use argon2::{Algorithm as ArgonAlgorithm, Argon2, Version};
use otpvault::vault::{KdfParams, Vault, backup};
use otpvault::{Account, Params, Secret};
use secrecy::SecretString;

/// Counts heap bytes in use and their high-water mark.
struct Counting;

static IN_USE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded unchanged to the system allocator.
        let ptr = unsafe { System.alloc(layout) };
        if !ptr.is_null() {
            let now = IN_USE.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(now, Ordering::Relaxed);
        }
        ptr
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: forwarded unchanged to the system allocator.
        unsafe { System.dealloc(ptr, layout) };
        IN_USE.fetch_sub(layout.size(), Ordering::Relaxed);
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Median wall time of `runs` calls, and the largest extra heap any of them needed.
fn measure(runs: usize, mut f: impl FnMut()) -> (Duration, usize) {
    let mut times = Vec::with_capacity(runs);
    let mut peak_extra = 0;
    for _ in 0..runs {
        let base = IN_USE.load(Ordering::Relaxed);
        PEAK.store(base, Ordering::Relaxed);
        let start = Instant::now();
        f();
        times.push(start.elapsed());
        peak_extra = peak_extra.max(PEAK.load(Ordering::Relaxed) - base);
    }
    times.sort();
    (times[runs / 2], peak_extra)
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn mib(bytes: usize) -> f64 {
    bytes as f64 / (1024.0 * 1024.0)
}

fn accounts(n: usize) -> Vec<Account> {
    (0..n)
        .map(|i| {
            let mut seed = [0u8; 20];
            getrandom::fill(&mut seed).expect("random bytes");
            let secret = Secret::from_bytes(seed.to_vec()).expect("20 bytes");
            Account::new(Some(format!("Service {i}")), format!("user{i}@example.com"), secret, Params::totp())
        })
        .collect()
}

fn main() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let password = SecretString::from("benchmark password".to_owned());
    let runs = 5;

    let path = dir.path().join("default.otpvault");
    let kdf = KdfParams::DEFAULT;
    drop(Vault::create(&path, &password, kdf).expect("vault created"));
    let (unlock, unlock_peak) = measure(runs, || {
        Vault::open(&path, &password).expect("vault opens");
    });
    let peer = KdfParams::RFC9106_LOW_MEMORY;
    let (rfc, rfc_peak) = measure(runs, || {
        let params = argon2::Params::new(peer.memory_kib, peer.iterations, peer.parallelism, Some(32)).unwrap();
        let mut key = [0u8; 32];
        Argon2::new(ArgonAlgorithm::Argon2id, Version::V0x13, params)
            .hash_password_into(b"benchmark password", &[7u8; 16], &mut key)
            .expect("argon2 runs");
    });
    println!(
        "unlock, default KDF (Argon2id m={} MiB t={} p={}): {:.0} ms, peak heap {:.1} MiB",
        kdf.memory_kib / 1024,
        kdf.iterations,
        kdf.parallelism,
        ms(unlock),
        mib(unlock_peak)
    );
    println!(
        "peer, Argon2id alone at RFC 9106 (m=64 MiB t=3 p=4): {:.0} ms, peak heap {:.1} MiB",
        ms(rfc),
        mib(rfc_peak)
    );
    println!(
        "ratio unlock / peer: time {:.2}, memory {:.2}",
        unlock.as_secs_f64() / rfc.as_secs_f64(),
        unlock_peak as f64 / rfc_peak as f64
    );

    for n in [10, 1_000, 10_000] {
        let path = dir.path().join(format!("{n}.otpvault"));
        let mut vault = Vault::create(&path, &password, KdfParams::INSECURE_TEST).expect("vault created");
        vault.import(accounts(n), 1_700_000_000).expect("accounts added");
        let size = std::fs::metadata(&path).expect("saved").len();
        let (save, save_peak) = measure(runs, || vault.save().expect("vault saves"));
        // The same encoding and sealing, in memory (the tiny KDF is the test one, ~0.1 ms).
        let (seal, _) = measure(runs, || {
            backup::export_with(vault.entries(), &password, KdfParams::INSECURE_TEST).expect("sealed");
        });
        println!(
            "save {n:>6} accounts ({:.2} MiB file): {:.2} ms, peak heap {:.1} MiB; in-memory encode+seal {:.2} ms; ratio {:.2}",
            size as f64 / (1024.0 * 1024.0),
            ms(save),
            mib(save_peak),
            ms(seal),
            save.as_secs_f64() / seal.as_secs_f64()
        );
    }
}
