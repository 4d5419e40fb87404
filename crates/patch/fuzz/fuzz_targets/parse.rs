//! Fuzz target: the patch reader must never panic, and whatever it returns must be consistent.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(p) = patchdesk_patch::parse(data) {
        for f in &p.files {
            assert!(f.old_path.is_some() || f.new_path.is_some());
            for h in &f.hunks {
                let old = h.lines.iter().filter(|l| l.kind != patchdesk_patch::LineKind::New).count();
                assert_eq!(old as u32, h.old_count);
            }
        }
        let _ = p.view();
    }
});
