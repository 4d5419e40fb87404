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

/// Every command the UI can call is declared to Tauri (build.rs) and allowed by exactly the
/// main window's capability; nothing else is allowed.
#[test]
fn every_command_is_declared_and_allowed_and_nothing_more() {
    let dir = tempfile::tempdir().unwrap();
    let fresh = dir.path().join("bindings.ts");
    patchdesk_app::export_bindings(&fresh).unwrap();
    let bindings = std::fs::read_to_string(&fresh).unwrap();
    let mut commands: Vec<String> = bindings
        .split("TAURI_INVOKE(\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next().map(str::to_string))
        .collect();
    commands.sort();
    commands.dedup();
    assert!(commands.len() >= 3, "no commands found in the bindings");

    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let build_rs = std::fs::read_to_string(root.join("build.rs")).unwrap();
    let caps: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(root.join("capabilities/main.json")).unwrap()).unwrap();
    let mut allowed: Vec<String> = caps["permissions"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|p| p.as_str())
        .filter_map(|p| p.strip_prefix("allow-"))
        .map(|p| p.replace('-', "_"))
        .collect();
    allowed.sort();
    for c in &commands {
        assert!(build_rs.contains(&format!("\"{c}\"")), "command {c} is missing from build.rs COMMANDS");
    }
    assert_eq!(allowed, commands, "capabilities/main.json must allow exactly the app's commands");
}
