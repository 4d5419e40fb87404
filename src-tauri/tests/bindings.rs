//! CI fails when the checked-in TypeScript bindings differ from what the Rust code generates.

#[test]
fn checked_in_bindings_are_current() {
    let dir = tempfile::tempdir().unwrap();
    let fresh = dir.path().join("bindings.ts");
    patchdesk_app::export_bindings(&fresh).unwrap();
    let fresh = std::fs::read_to_string(&fresh).unwrap();
    let checked_in = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui/src/bindings.ts");
    let checked_in = std::fs::read_to_string(&checked_in).unwrap_or_default();
    assert!(
        fresh == checked_in,
        "ui/src/bindings.ts is stale: run `cargo run -p patchdesk-app --bin export-bindings` and commit the result"
    );
}
