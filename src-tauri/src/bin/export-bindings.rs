//! Regenerates `ui/src/lib/ipc/bindings.ts` from the Rust commands, events and types.

fn main() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui/src/lib/ipc/bindings.ts");
    if let Err(e) = patchdesk_app::export_bindings(&path) {
        eprintln!("Could not write the bindings: {e}");
        std::process::exit(1);
    }
    println!("wrote {}", path.display());
}
