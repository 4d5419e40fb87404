//! The patch reader: never panics, stays within the budget, and what it returns is consistent.
#![no_main]

use libfuzzer_sys::fuzz_target;
use patchdesk_fuzz::{assert_output_budget, within_budget};
use patchdesk_patch::{BinaryChunk, BinaryPatch, LineKind};

fuzz_target!(|data: &[u8]| {
    within_budget("patch::parse", data.len(), || {
        let Ok(p) = patchdesk_patch::parse(data) else { return };
        let mut lines = 0usize;
        let mut binary = 0usize;
        for f in &p.files {
            assert!(f.old_path.is_some() || f.new_path.is_some());
            for h in &f.hunks {
                let old = h.lines.iter().filter(|l| l.kind != LineKind::New).count();
                assert_eq!(old as u32, h.old_count);
                lines += h.lines.len();
            }
            if let Some(BinaryPatch::Data(BinaryChunk::Literal(b) | BinaryChunk::Delta(b))) = &f.binary {
                binary += b.len();
            }
        }
        // Each hunk line takes at least one byte of the patch (repairs may add a few).
        assert_output_budget("patch hunk lines", data.len(), lines, 1, 16);
        // zlib cannot expand more than about 1032 to 1.
        assert_output_budget("patch binary bytes", data.len(), binary, 1032, 1024);
        let _ = p.view();
    });
});
