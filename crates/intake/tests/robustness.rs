//! No panic on any input: mutated and truncated ZIPs, random bytes and odd names, fed to every
//! reader. Bounded and deterministic (fixed seeds), so it runs in every `cargo test`.

mod common;

use common::*;
use patchdesk_intake::{identify_with, parse_name, read_batch_with, read_bundle_with, sniff_diff, Limits, Sidecar};

fn small_limits() -> Limits {
    Limits { max_entries: 50, max_unpacked_bytes: 4 << 20, max_entry_bytes: 2 << 20, ..Limits::default() }
}

fn feed(name: &str, bytes: &[u8], limits: &Limits) -> bool {
    let _ = identify_with(name, bytes, limits);
    let ok_bundle = read_bundle_with(name, bytes, limits).is_ok();
    let _ = read_batch_with(name, bytes, limits);
    let _ = Sidecar::from_json(name, bytes);
    let _ = sniff_diff(bytes);
    ok_bundle
}

#[test]
fn mutated_and_truncated_zips_never_panic() {
    let limits = small_limits();
    let seeds = [pod_bundle(), zip_of(&[E::Stored("a.md", b"stored text"), E::Dir("d/"), E::File("d/b.md", &[7u8; 5000])])];
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut accepted = 0;
    let rounds = 1500;
    for round in 0..rounds {
        let seed = &seeds[round % seeds.len()];
        let mut bytes = seed.clone();
        match rng.below(4) {
            0 => {
                // flip a few bytes
                for _ in 0..1 + rng.below(8) {
                    let i = rng.below(bytes.len());
                    bytes[i] = rng.next() as u8;
                }
            }
            1 => bytes.truncate(rng.below(bytes.len())),
            2 => {
                // overwrite a header field area with extremes
                let i = rng.below(bytes.len().saturating_sub(4));
                let v = [0xFF, 0x00, 0x7F, 0x80][rng.below(4)];
                for b in bytes.iter_mut().skip(i).take(4) {
                    *b = v;
                }
            }
            _ => {
                // splice random bytes in
                let i = rng.below(bytes.len());
                let n = 1 + rng.below(64);
                let junk = rng.bytes(n);
                bytes.splice(i..i, junk);
            }
        }
        if feed("patch_F2.1_20250101_101010.zip", &bytes, &limits) {
            accepted += 1;
        }
    }
    // Some mutations hit bytes nothing reads (comments, padding); most must be refused.
    assert!(accepted < rounds, "every mutation was accepted");
    println!("mutated ZIPs: {accepted} of {rounds} still read, the rest refused, none panicked");
}

#[test]
fn random_bytes_and_names_never_panic() {
    let limits = small_limits();
    let mut rng = Rng(42);
    let names = ["x.diff", "patch_F2.1.zip", "payload.json", "thought_trace.yaml", "", "a/b/c", "patch_ (1).diff", "é.md"];
    for round in 0..3000 {
        let len = rng.below(600);
        let mut bytes = rng.bytes(len);
        // Sometimes start like something real, so the deeper readers run.
        let prefix: &[u8] = match round % 5 {
            0 => b"PK\x03\x04",
            1 => b"{\"files\": [",
            2 => b"diff --git a/x b/x\n--- a/x\n+++ b/x\n@@ ",
            3 => b"From 0123456789abcdef0123456789abcdef01234567 Mon",
            _ => b"",
        };
        bytes.splice(0..0, prefix.iter().copied());
        let name = names[rng.below(names.len())];
        feed(name, &bytes, &limits);
        let n = rng.below(40);
        let random_name: String = String::from_utf8_lossy(&rng.bytes(n)).into_owned();
        let _ = parse_name(&random_name);
        let _ = identify_with(&random_name, &bytes, &limits);
    }
}
