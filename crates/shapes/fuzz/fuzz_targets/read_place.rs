//! Fuzz target: reading any text as a chat answer (OpenAI patch, edit blocks, whole files) and
//! placing it on a small base must never panic, and stay within its work budget.
#![no_main]

use libfuzzer_sys::fuzz_target;
use patchdesk_shapes::{place, read, Base, BaseFile, Limits};

struct Small;

const FILES: &[(&str, &str)] = &[
    ("src/app.py", "import os\n\ndef one():\n    x = 1\n    return x\n\ndef two():\n    x = 1\n    return x\n"),
    ("src/rtp/stages.py", "a = 1\r\nb = \u{201c}q\u{201d}\r\n"),
    ("README.md", "# Title\n\n```sh\nmake\n```\n..."),
];

impl Base for Small {
    fn read(&self, path: &str) -> Result<Option<BaseFile>, String> {
        if path == "src" || path == "src/rtp" {
            return Err(format!("{path} is a folder"));
        }
        Ok(FILES.iter().find(|(p, _)| *p == path).map(|(_, c)| BaseFile { content: c.as_bytes().to_vec(), executable: false }))
    }
    fn paths(&self) -> Vec<String> {
        FILES.iter().map(|(p, _)| p.to_string()).collect()
    }
}

fuzz_target!(|data: &[u8]| {
    let limits = Limits { max_work: 2_000_000, ..Limits::default() };
    if let Ok(answer) = read(data, &limits) {
        assert!(!answer.files.is_empty());
        if let Ok(plan) = place(&answer, &Small, &limits) {
            assert!(!plan.files.is_empty());
            for f in &plan.files {
                assert!(f.old_path.is_some() || f.new_path.is_some());
            }
        }
    }
});
