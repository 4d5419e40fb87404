// Keeps a console window from opening next to the app on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

// With glibc's allocator the app kept 195 MB after a 700,000-line review was closed (87 MB idle);
// mimalloc gives freed pages back: 125 MB (116 idle). jemalloc kept 130 (MADV_FREE pages stay
// counted until the system needs them). scripts/bench-app.sh, "review closed".
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    patchdesk_app::run();
}
