//! What the app process gives back after heavy work. libgit2 and GTK allocate with the C
//! library's allocator (Rust code uses jemalloc, see main.rs), which keeps freed memory in its
//! per-thread pools and at the top of its heap. After a 700,000-line review was closed the app
//! process still held 23 MB more than idle, nearly all of it there (scripts/bench-app.sh,
//! MEMORY_DETAIL=1). So: large blocks get their own mapping, handed back when freed; and a
//! second after the last heavy job of a burst, free pages go back to the system.

// The two calls into the C library below are the only unsafe code of the workspace.
#![allow(unsafe_code)]

use std::sync::mpsc::{channel, RecvTimeoutError, Sender};
use std::sync::OnceLock;
use std::time::Duration;

/// How long the window must be quiet after a heavy job before memory is handed back, so a
/// burst of work (a review's pages asked for while scrolling) costs one hand-back, not one each.
const QUIET: Duration = Duration::from_secs(1);

/// The C allocator's settings, once the window first showed the project: set at the very
/// start they cost about 100 ms of start-up (GTK and WebKit start with many large blocks
/// allocated and freed, each then a mapping of its own; bench-app.sh, median of 3).
pub fn tune() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only changes the allocator's parameters, under the allocator's own lock
    // (glibc documents it as safe to call from any thread).
    unsafe {
        // Blocks of 256 KiB and more (a diff's buffers) get their own mapping, unmapped on free.
        // Fixed values: glibc's default raises the mapping threshold after each large free, up
        // to 32 MB, after which such blocks stay in the heap.
        libc::mallopt(libc::M_MMAP_THRESHOLD, 256 * 1024);
        libc::mallopt(libc::M_TRIM_THRESHOLD, 1024 * 1024);
    }
}

/// After a heavy job (called by every blocking command): memory is handed back once the window
/// has been quiet for a second. Never blocks the caller.
pub fn settle() {
    static LINE: OnceLock<Sender<()>> = OnceLock::new();
    let line = LINE.get_or_init(|| {
        let (tx, rx) = channel::<()>();
        let started = std::thread::Builder::new().name("patchdesk-memory".into()).spawn(move || {
            while rx.recv().is_ok() {
                // wait for the burst to end
                loop {
                    match rx.recv_timeout(QUIET) {
                        Ok(()) => continue,
                        Err(RecvTimeoutError::Timeout) => break,
                        Err(RecvTimeoutError::Disconnected) => return,
                    }
                }
                hand_back();
            }
        });
        if let Err(e) = started {
            tracing::warn!("memory is not handed back after heavy work: {e}");
        }
        tx
    });
    let _ = line.send(());
}

/// Hands the C allocator's free pages back to the system (every thread's pool).
fn hand_back() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim takes each pool's lock itself; it frees nothing in use.
    unsafe {
        libc::malloc_trim(0);
    }
}
