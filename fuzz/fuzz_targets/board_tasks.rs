//! The board's task reader on a `task.yaml` made of the input (as `patchdesk tasks` and the
//! app's board read it): never a panic, within the time and memory budget.
#![no_main]

use libfuzzer_sys::fuzz_target;
use patchdesk_fuzz::within_budget;
use std::path::PathBuf;
use std::sync::OnceLock;

fn workdir() -> &'static PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("patchdesk-fuzz-board-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp folder");
        dir
    })
}

fuzz_target!(|data: &[u8]| {
    let dir = workdir();
    std::fs::write(dir.join("task.yaml"), data).expect("write task.yaml");
    within_budget("board::Board::load", data.len(), || {
        let board = patchdesk_board::Board::load(dir);
        for p in &board.problems {
            assert!(!p.message.contains("panicked"), "{}", p.message);
        }
    });
});
