//! ZIP bundles: real archives built in memory, good and malicious.

mod common;

use common::*;
use patchdesk_error::{Code, Coded};
use patchdesk_intake::{identify, read_bundle, read_bundle_with, IntakeError, Kind, Limits, LogKind};

fn refused(name: &str, bytes: &[u8], limits: &Limits) -> IntakeError {
    match read_bundle_with(name, bytes, limits) {
        Ok(b) => panic!("{name} was accepted: {:?}", b.files.iter().map(|f| f.path.to_string()).collect::<Vec<_>>()),
        Err(e) => e,
    }
}

#[test]
fn a_pod_bundle_reads_into_metadata_logs_and_files() {
    let zip = pod_bundle();
    assert_eq!(identify("patch_F2.1_20250419_123456.zip", &zip).unwrap(), Kind::Bundle);
    let b = read_bundle("patch_F2.1_20250419_123456.zip", &zip).unwrap();
    let meta = b.metadata.as_ref().expect("metadata.json");
    assert_eq!(meta.task_id.as_deref(), Some("F2.1"));
    assert_eq!(meta.pod().as_deref(), Some("QAPod"));
    assert_eq!(meta.extra.get("confidence").and_then(|v| v.as_str()), Some("high"));
    let paths: Vec<&str> = b.files.iter().map(|f| f.path.as_str()).collect();
    assert_eq!(paths, ["scripts/run_tests.sh", "tests/test_symptoms.py"]);
    assert!(b.files[0].executable);
    assert!(!b.files[1].executable);
    assert_eq!(b.files[1].content, b"def test_x():\n    assert True\n");
    assert_eq!(b.log(LogKind::ReasoningTrace).unwrap().text, "## Thoughts\n- edge cases first\n");
    assert_eq!(b.log(LogKind::PromptUsed).unwrap().path, "prompt_used.txt");
    assert_eq!(b.log(LogKind::Memory).unwrap().text, "- path: docs/a.md\n");
    assert_eq!(b.log(LogKind::HandoffNotes).unwrap().path, "handoff_notes/F2.1_handoff.md");
    assert_eq!(b.logs.len(), 4);
    assert_eq!(b.ignored, ["__MACOSX/._metadata.json", ".DS_Store"]);
    assert_eq!(b.unwrapped_folder, None);
}

#[test]
fn a_wrapper_folder_is_removed_but_an_output_folder_is_not() {
    let wrapped = zip_of(&[
        E::Dir("patch_F2.1/"),
        E::File("patch_F2.1/metadata.json", br#"{"task_id": "F2.1"}"#),
        E::File("patch_F2.1/docs/goals.md", b"# Goals\n"),
        E::File("__MACOSX/patch_F2.1/._goals.md", b"junk"),
    ]);
    let b = read_bundle("download.zip", &wrapped).unwrap();
    assert_eq!(b.unwrapped_folder.as_deref(), Some("patch_F2.1"));
    assert_eq!(b.files[0].path.as_str(), "docs/goals.md");
    assert!(b.metadata.is_some());

    // Named like the ZIP: a wrapper even without bundle files in it.
    let named = zip_of(&[E::File("patch_F2.1_20250419_123456/docs/a.md", b"a")]);
    let b = read_bundle("patch_F2.1_20250419_123456 (1).zip", &named).unwrap();
    assert_eq!(b.files[0].path.as_str(), "docs/a.md");

    // Only output files under docs/: docs/ is part of the path.
    let docs = zip_of(&[E::File("docs/a.md", b"a"), E::File("docs/b.md", b"b")]);
    let b = read_bundle("bundle.zip", &docs).unwrap();
    assert_eq!(b.unwrapped_folder, None);
    assert_eq!(b.files[0].path.as_str(), "docs/a.md");
}

#[test]
fn unsafe_paths_are_refused() {
    let limits = Limits::default();
    let cases: [(&str, &str); 6] = [
        ("../../etc/cron.d/evil", "climbs out"),
        ("docs/../../evil.sh", "climbs out"),
        ("/etc/passwd", "absolute"),
        ("C:\\Windows\\evil.dll", "absolute"),
        (".git/hooks/post-checkout", ".git"),
        ("sub/.GIT/config", ".git"),
    ];
    for (path, words) in cases {
        let zip = zip_of(&[E::File("docs/ok.md", b"fine"), E::File(path, b"payload")]);
        let e = refused("patch_evil.zip", &zip, &limits);
        assert_eq!(e.code(), Code::UnsafePath, "{path}: {e}");
        assert!(e.to_string().contains(words), "{path}: {e}");
        assert!(e.to_string().contains("patch_evil.zip"), "{e}");
    }
    let nul = zip_of(&[E::File("docs/a\u{1}b.md", b"x")]);
    assert_eq!(refused("n.zip", &nul, &limits).code(), Code::UnsafePath);
}

#[test]
fn symlink_entries_are_refused() {
    let zip = zip_of(&[E::File("docs/a.md", b"a"), E::Symlink("docs/link", "/etc/passwd")]);
    let e = refused("patch_link.zip", &zip, &Limits::default());
    assert_eq!(e.code(), Code::UnsafePath);
    assert!(e.to_string().contains("symbolic link"), "{e}");
}

#[test]
fn encrypted_entries_are_refused() {
    let zip = mark_encrypted(zip_of(&[E::File("docs/a.md", b"secret")]));
    let e = refused("patch_enc.zip", &zip, &Limits::default());
    assert_eq!(e.code(), Code::PatchUnreadable);
    assert!(e.to_string().contains("password-protected"), "{e}");
}

#[test]
fn unknown_compression_is_refused() {
    let zip = set_method(zip_of(&[E::File("docs/a.md", b"text text text")]), 12);
    let e = refused("patch_bz.zip", &zip, &Limits::default());
    assert_eq!(e.code(), Code::PatchUnreadable);
    assert!(e.to_string().contains("cannot be unpacked") || e.to_string().contains("not a readable"), "{e}");
}

#[test]
fn zip_bombs_are_stopped_by_ratio_and_by_size() {
    let zeros = vec![0u8; 4 << 20];
    let bomb = zip_of(&[E::File("docs/zeros.txt", &zeros)]);
    assert!(bomb.len() < 64 * 1024, "the test bomb should compress well: {}", bomb.len());
    let e = refused("bomb.zip", &bomb, &Limits::default());
    assert_eq!(e.code(), Code::InputTooLarge);
    assert!(e.to_string().contains("ZIP bombs"), "{e}");

    // The same bomb with headers claiming 100 bytes: still stopped while unpacking.
    let liar = declare_size(bomb.clone(), 100);
    let e = refused("liar.zip", &liar, &Limits::default());
    assert!(matches!(e.code(), Code::InputTooLarge | Code::PatchUnreadable), "{e}");

    // A ratio limit high enough to let it through: the size limits still hold.
    let lax = Limits { max_compression_ratio: 100_000, max_entry_bytes: 1 << 20, ..Limits::default() };
    let e = refused("bomb.zip", &bomb, &lax);
    assert_eq!(e.code(), Code::InputTooLarge);
    assert!(e.to_string().contains("limit for one file"), "{e}");
    let e = refused("liar.zip", &liar, &lax);
    assert!(matches!(e.code(), Code::InputTooLarge | Code::PatchUnreadable), "{e}");

    // Many entries that are each fine but too much together.
    let mut rng = Rng(7);
    let chunks: Vec<Vec<u8>> = (0..5).map(|_| rng.bytes(300_000)).collect();
    let names: Vec<String> = (0..5).map(|i| format!("data/{i}.bin")).collect();
    let entries: Vec<E> = names.iter().zip(&chunks).map(|(n, c)| E::Stored(n, c)).collect();
    let total = zip_of(&entries);
    let small_total = Limits { max_unpacked_bytes: 1_000_000, ..Limits::default() };
    let e = refused("many.zip", &total, &small_total);
    assert_eq!(e.code(), Code::InputTooLarge);
    assert!(e.to_string().contains("unpack to more than"), "{e}");
    // and within the limits it reads
    assert_eq!(read_bundle("many.zip", &total).unwrap().files.len(), 5);
}

#[test]
fn too_many_entries_are_refused() {
    let names: Vec<String> = (0..11).map(|i| format!("f/{i}.md")).collect();
    let entries: Vec<E> = names.iter().map(|n| E::File(n, b"x")).collect();
    let zip = zip_of(&entries);
    let e = refused("many.zip", &zip, &Limits { max_entries: 10, ..Limits::default() });
    assert_eq!(e.code(), Code::InputTooLarge);
    assert!(e.to_string().contains("more than 10 entries"), "{e}");
    assert_eq!(
        read_bundle_with("many.zip", &zip, &Limits { max_entries: 11, ..Limits::default() }).unwrap().files.len(),
        11
    );
}

#[test]
fn damaged_or_odd_bundles_get_clear_errors() {
    let limits = Limits::default();
    let empty = zip_of(&[]);
    assert_eq!(refused("empty.zip", &empty, &limits).code(), Code::EmptyInput);
    let junk_only = zip_of(&[E::File("__MACOSX/._x", b"j"), E::File("Thumbs.db", b"j")]);
    assert_eq!(refused("junk.zip", &junk_only, &limits).code(), Code::EmptyInput);
    let logs_only = zip_of(&[E::File("metadata.json", b"{}"), E::File("reasoning_trace.md", b"x")]);
    let e = refused("logs.zip", &logs_only, &limits);
    assert!(e.to_string().contains("no output files"), "{e}");
    let bad_meta = zip_of(&[E::File("metadata.json", b"{\"task_id\": "), E::File("a.md", b"a")]);
    let e = refused("meta.zip", &bad_meta, &limits);
    assert!(e.to_string().contains("metadata.json") && e.to_string().contains("not valid JSON"), "{e}");
    let twice = zip_of(&[E::File("docs/a.md", b"1"), E::File("./docs/a.md", b"2")]);
    assert!(refused("twice.zip", &twice, &limits).to_string().contains("\"docs/a.md\" twice"));
    let clash = zip_of(&[E::File("docs", b"1"), E::File("docs/a.md", b"2")]);
    assert!(refused("clash.zip", &clash, &limits).to_string().contains("both a file and the folder"));
    let mut truncated = pod_bundle();
    truncated.truncate(truncated.len() / 2);
    let e = refused("cut.zip", &truncated, &limits);
    assert_eq!(e.code(), Code::PatchUnreadable, "{e}");
    let too_big = Limits { max_input_bytes: 100, ..Limits::default() };
    assert_eq!(refused("big.zip", &pod_bundle(), &too_big).code(), Code::InputTooLarge);
}

#[test]
fn a_damaged_entry_is_caught_by_its_checksum() {
    let zip = zip_of(&[E::Stored("docs/a.md", b"hello hello hello")]);
    let at = zip.windows(5).position(|w| w == b"hello").unwrap();
    let mut bad = zip.clone();
    bad[at] = b'j';
    let e = refused("crc.zip", &bad, &Limits::default());
    assert_eq!(e.code(), Code::PatchUnreadable);
    assert!(e.to_string().contains("damaged"), "{e}");
}

/// A ZIP with two entries of one name: the ZIP reader keeps the last copy silently, so the
/// bundle is refused with the name (which copy the pod meant cannot be told).
#[test]
fn duplicate_entries_are_refused_with_their_name() {
    let zip = zip_of(&[E::File("docs/a.md", b"first copy"), E::File("docs/b.md", b"second copy, different")]);
    // Rename the second entry to the first one's name in both headers (same length).
    let twice = replace_all(&zip, b"docs/b.md", b"docs/a.md");
    let e = refused("patch_F2.1_20260101_101010.zip", &twice, &Limits::default());
    assert_eq!(e.code(), Code::PatchUnreadable, "{e}");
    assert!(e.to_string().contains("\"docs/a.md\" twice"), "{e}");
    assert!(e.to_string().contains("patch_F2.1_20260101_101010.zip"), "{e}");
    // metadata.json twice, the same way.
    let zip = zip_of(&[
        E::File("metadata.json", b"{\"task_id\": \"A\"}"),
        E::File("metadatb.json", b"{\"task_id\": \"B\"}"),
        E::File("x.md", b"x"),
    ]);
    let e = refused("m.zip", &replace_all(&zip, b"metadatb.json", b"metadata.json"), &Limits::default());
    assert!(e.to_string().contains("\"metadata.json\" twice"), "{e}");
}

/// No reader jargon ("Could not find EOCD", "invalid Zip archive") reaches the lead.
#[test]
fn a_damaged_zip_is_described_in_plain_words() {
    let mut cut = pod_bundle();
    cut.truncate(cut.len() - 30);
    for bytes in [cut, b"PK\x03\x04 half a download".to_vec()] {
        let e = refused("patch_F2.1_20260101_101010.zip", &bytes, &Limits::default());
        let text = e.to_string();
        assert!(text.contains("damaged or incomplete") && text.contains("download it again"), "{text}");
        for jargon in ["EOCD", "Zip archive", "invalid", "central directory"] {
            assert!(!text.contains(jargon), "{text}");
        }
    }
}

/// Entries of at most 1 MiB skip the ratio check one by one; together they are checked
/// against the ZIP's size while unpacking.
#[test]
fn many_small_well_packed_entries_are_a_bomb_together() {
    let mib = vec![0u8; 1 << 20];
    let names: Vec<String> = (0..40).map(|i| format!("docs/{i}.txt")).collect();
    let entries: Vec<E> = names.iter().map(|n| E::File(n, &mib)).collect();
    let zip = zip_of(&entries);
    assert!(zip.len() < 100_000, "{}", zip.len());
    let e = refused("patch_F2.1_20260101_101010.zip", &zip, &Limits::default());
    assert_eq!(e.code(), Code::InputTooLarge, "{e}");
    assert!(e.to_string().contains("ZIP bombs"), "{e}");
}
