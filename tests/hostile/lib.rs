//! Hostile-input suite: see `tests/hostile.rs`. The suite runs the real `patchdesk` binary, so
//! build it first: `cargo build -p patchdesk-cli` (the test command builds the whole workspace).
