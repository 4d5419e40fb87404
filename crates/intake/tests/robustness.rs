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
    let seeds =
        [pod_bundle(), zip_of(&[E::Stored("a.md", b"stored text"), E::Dir("d/"), E::File("d/b.md", &[7u8; 5000])])];
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
    let names =
        ["x.diff", "patch_F2.1.zip", "payload.json", "thought_trace.yaml", "", "a/b/c", "patch_ (1).diff", "é.md"];
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

/// Every name reader on names with multi-byte characters at every position, in every naming
/// form: `patch_2026111é12345.diff` once panicked in `parse_name` (a byte slice inside `é`),
/// which stopped an import and, from the Downloads watch, every start of the app.
#[test]
fn names_with_multibyte_characters_anywhere_never_panic() {
    let forms = [
        "patch_20261111_123456_F2.1.diff",
        "patch_20261111123456.diff",
        "patch_F2.1_20261111_123456.zip",
        "patch_2.3_build_1745317845.zip",
        "gpt_patch_f4.3.diff",
        "patch_F2.1 (1).diff",
        "patch_F2.1 - Copy (2).diff.txt",
        "handoff_notes/F2.1_handoff.md",
        "prompts/used/DevPod/F2.1_prompt.txt",
        ".logs/patches/patch_F2.1.diff.json",
    ];
    let wide = ["é", "日", "😀", "\u{202e}", "\u{0301}", "ß", "\u{feff}"];
    let mut names = vec!["patch_2026111é12345.diff".to_string()];
    for form in forms {
        for (i, _) in form.char_indices().chain([(form.len(), ' ')]) {
            for w in wide {
                names.push(format!("{}{w}{}", &form[..i], &form[i..]));
            }
        }
    }
    // And random ones from a pool of pieces that matter to the readers.
    let pieces = [
        "patch_",
        "gpt_patch_",
        "2026",
        "1111",
        "_",
        "-",
        "T",
        "12",
        "3456",
        ".",
        "diff",
        "zip",
        "json",
        " (",
        "1",
        ")",
        " copy",
        "/",
        "\\",
        "é",
        "日本",
        "😀",
        "\u{202e}",
        "F2.1",
    ];
    let mut rng = Rng(0x5EED);
    for _ in 0..20_000 {
        let n = 1 + rng.below(12);
        names.push((0..n).map(|_| pieces[rng.below(pieces.len())]).collect());
    }
    let limits = Limits::default();
    for name in &names {
        let _ = parse_name(name);
        let _ = patchdesk_intake::strip_duplicate_marker(name);
        let _ = patchdesk_intake::split_extension(name);
        let _ = patchdesk_intake::looks_like_pod_download(name);
        let _ = patchdesk_intake::log_kind_of(name);
        let _ = identify_with(name, b"diff --git a/x b/x\n--- a/x\n+++ b/x\n@@ -1 +1 @@\n-a\n+b\n", &limits);
    }
    let info = parse_name("patch_2026111é12345.diff");
    assert_eq!(info.timestamp, None, "not a timestamp: {info:?}");
}
