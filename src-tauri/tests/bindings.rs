//! CI fails when the checked-in TypeScript bindings differ from what the Rust code generates.

#[test]
fn checked_in_bindings_are_current() {
    let dir = tempfile::tempdir().unwrap();
    let fresh = dir.path().join("bindings.ts");
    patchdesk_app::export_bindings(&fresh).unwrap();
    let fresh = std::fs::read_to_string(&fresh).unwrap();
    let checked_in = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui/src/lib/ipc/bindings.ts");
    let checked_in = std::fs::read_to_string(&checked_in).unwrap_or_default();
    assert!(
        fresh == checked_in,
        "ui/src/lib/ipc/bindings.ts is stale: run `cargo run -p patchdesk-app --bin export-bindings` and commit the result"
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

/// The window gets no plugin power it could turn against the person: it cannot open dialogs
/// (the backend opens them and remembers the answer), web pages or files (the backend checks
/// each address), run programs or touch the file system. The page is locked down by its CSP.
#[test]
fn the_window_may_not_open_dialogs_pages_files_or_programs_itself() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let caps: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(root.join("capabilities/main.json")).unwrap()).unwrap();
    let plugin: Vec<&str> =
        caps["permissions"].as_array().unwrap().iter().filter_map(|p| p.as_str()).filter(|p| p.contains(':')).collect();
    assert_eq!(plugin, ["core:event:allow-listen", "core:event:allow-unlisten", "clipboard-manager:allow-write-text"]);
    assert!(caps["permissions"].as_array().unwrap().iter().all(|p| p.is_string()), "no scoped permission objects");

    let conf: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(root.join("tauri.conf.json")).unwrap()).unwrap();
    let csp = &conf["app"]["security"]["csp"];
    assert_eq!(csp["default-src"], "'self'");
    assert_eq!(csp["script-src"], "'self'", "no remote or inline scripts");
    assert_eq!(csp["connect-src"], "ipc: http://ipc.localhost", "the page talks to the backend only");
    assert_eq!(csp["object-src"], "'none'");
    assert_eq!(csp["frame-src"], "'none'");
    assert_eq!(csp["form-action"], "'none'");
    assert!(conf["app"]["withGlobalTauri"].is_null() || conf["app"]["withGlobalTauri"] == false);
    assert!(conf["app"]["security"]["dangerousDisableAssetCspModification"].is_null());
    assert!(conf["app"]["security"]["assetProtocol"].is_null());
}
