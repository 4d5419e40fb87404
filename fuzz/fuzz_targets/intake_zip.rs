//! ZIP bundles and batch payloads as the inbox reads them from bytes: never a panic, never
//! more unpacked than the limits allow, within the time and memory budget.
#![no_main]

use libfuzzer_sys::fuzz_target;
use patchdesk_fuzz::within_budget;
use patchdesk_intake::{identify_with, read_batch_with, read_bundle_with, Limits};

fuzz_target!(|data: &[u8]| {
    let limits = Limits { max_unpacked_bytes: 64 << 20, max_entry_bytes: 32 << 20, ..Limits::default() };
    within_budget("intake::read_bundle", data.len(), || {
        if let Ok(bundle) = read_bundle_with("patch_fuzz.zip", data, &limits) {
            let unpacked: u64 = bundle.files.iter().map(|f| f.content.len() as u64).sum::<u64>()
                + bundle.logs.iter().map(|l| l.text.len() as u64).sum::<u64>();
            assert!(unpacked <= u64::from(limits.max_unpacked_bytes), "bundle unpacked {unpacked} bytes");
            assert!(bundle.files.len() + bundle.logs.len() <= limits.max_entries as usize);
        }
    });
    within_budget("intake::read_batch", data.len(), || {
        if let Ok(batch) = read_batch_with("batch.json", data, &limits) {
            let total: usize = batch.files.iter().map(|f| f.content.len()).sum();
            assert!(total <= data.len(), "a batch carries {total} bytes from {} bytes of JSON", data.len());
        }
    });
    within_budget("intake::identify", data.len(), || {
        for name in ["patch_fuzz.zip", "patch_20261130_0101.diff", "batch.json", "notes.md"] {
            let _ = identify_with(name, data, &limits);
        }
    });
});
