// Keeps a console window from opening next to the app on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

// jemalloc, configured in .cargo/config.toml (JEMALLOC_SYS_WITH_MALLOC_CONF): a background
// thread hands freed pages back to the system within a second, straight away rather than as
// "free when needed" pages that still count. After a 700,000-line review was closed the app
// process held 23 MB of heap, as idle (10 MB); mimalloc kept 79 (25 idle): its purge waits
// for the thread that freed to allocate again. glibc's allocator kept 195 MB (87 idle).
// scripts/bench-app.sh with MEMORY_DETAIL=1, "review closed".
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

fn main() {
    patchdesk_app::run();
}
