//! Building real ZIP archives in memory for the tests, including malicious ones.
#![allow(dead_code)]

use std::io::{Cursor, Write};
use zip::write::{SimpleFileOptions, ZipWriter};
use zip::CompressionMethod;

/// One entry to write.
pub enum E<'a> {
    File(&'a str, &'a [u8]),
    Exec(&'a str, &'a [u8]),
    Dir(&'a str),
    Symlink(&'a str, &'a str),
    Stored(&'a str, &'a [u8]),
}

pub fn zip_of(entries: &[E]) -> Vec<u8> {
    let mut w = ZipWriter::new(Cursor::new(Vec::new()));
    let deflated = SimpleFileOptions::default().compression_method(CompressionMethod::Deflated).unix_permissions(0o644);
    for e in entries {
        match e {
            E::File(name, data) => {
                w.start_file(*name, deflated).unwrap();
                w.write_all(data).unwrap();
            }
            E::Exec(name, data) => {
                w.start_file(*name, deflated.unix_permissions(0o755)).unwrap();
                w.write_all(data).unwrap();
            }
            E::Stored(name, data) => {
                w.start_file(*name, deflated.compression_method(CompressionMethod::Stored)).unwrap();
                w.write_all(data).unwrap();
            }
            E::Dir(name) => {
                w.add_directory(*name, deflated).unwrap();
            }
            E::Symlink(name, target) => {
                w.add_symlink(*name, *target, deflated).unwrap();
            }
        }
    }
    w.finish().unwrap().into_inner()
}

/// Positions of every record with this 4-byte signature.
fn records(bytes: &[u8], sig: &[u8; 4]) -> Vec<usize> {
    bytes.windows(4).enumerate().filter(|(_, w)| w == sig).map(|(i, _)| i).collect()
}

/// Sets the "encrypted" flag on every entry (local and central headers).
pub fn mark_encrypted(mut bytes: Vec<u8>) -> Vec<u8> {
    for at in records(&bytes, b"PK\x03\x04") {
        bytes[at + 6] |= 1;
    }
    for at in records(&bytes, b"PK\x01\x02") {
        bytes[at + 8] |= 1;
    }
    bytes
}

/// Sets the compression method of every entry (e.g. 12 = bzip2, which Patchdesk cannot read).
pub fn set_method(mut bytes: Vec<u8>, method: u16) -> Vec<u8> {
    let m = method.to_le_bytes();
    for at in records(&bytes, b"PK\x03\x04") {
        bytes[at + 8..at + 10].copy_from_slice(&m);
    }
    for at in records(&bytes, b"PK\x01\x02") {
        bytes[at + 10..at + 12].copy_from_slice(&m);
    }
    bytes
}

/// Makes every entry claim `size` unpacked bytes (a lying header).
pub fn declare_size(mut bytes: Vec<u8>, size: u32) -> Vec<u8> {
    let s = size.to_le_bytes();
    for at in records(&bytes, b"PK\x03\x04") {
        bytes[at + 22..at + 26].copy_from_slice(&s);
    }
    for at in records(&bytes, b"PK\x01\x02") {
        bytes[at + 24..at + 28].copy_from_slice(&s);
    }
    bytes
}

/// A small deterministic random source (xorshift64*).
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }

    pub fn bytes(&mut self, n: usize) -> Vec<u8> {
        (0..n).map(|_| self.next() as u8).collect()
    }
}

/// A typical pod bundle.
pub fn pod_bundle() -> Vec<u8> {
    zip_of(&[
        E::File(
            "metadata.json",
            br#"{"task_id": "F2.1", "summary": "Add symptom parser tests", "output_files": ["tests/test_symptoms.py"], "prompt": "prompts/used/QAPod/F2.1_prompt.txt", "branch_name": "chatgpt/auto/e2e/F2.1", "confidence": "high"}"#,
        ),
        E::File("reasoning_trace.md", b"## Thoughts\n- edge cases first\n"),
        E::File("prompt_used.txt", b"You are the QA pod.\n"),
        E::File("memory.yaml", b"- path: docs/a.md\n"),
        E::File("handoff_notes/F2.1_handoff.md", b"Ready for delivery.\n"),
        E::File("tests/test_symptoms.py", b"def test_x():\n    assert True\n"),
        E::Exec("scripts/run_tests.sh", b"#!/bin/sh\npytest\n"),
        E::File("__MACOSX/._metadata.json", b"\0\x05\x16\x07junk"),
        E::File(".DS_Store", b"\0\0\0\x01Bud1"),
    ])
}

/// `bytes` with every occurrence of `from` replaced by `to` (same length).
pub fn replace_all(bytes: &[u8], from: &[u8], to: &[u8]) -> Vec<u8> {
    assert_eq!(from.len(), to.len());
    let mut out = bytes.to_vec();
    let mut i = 0;
    while i + from.len() <= out.len() {
        if &out[i..i + from.len()] == from {
            out[i..i + from.len()].copy_from_slice(to);
            i += from.len();
        } else {
            i += 1;
        }
    }
    out
}

/// A ZIP of `n` entries of 1 MiB of zeros each: every entry alone is under the size where a
/// ratio is checked, together they unpack to `n` MiB from a few KB.
pub fn small_entries_bomb(n: usize) -> Vec<u8> {
    let mib = vec![0u8; 1 << 20];
    let names: Vec<String> = (0..n).map(|i| format!("docs/{i}.txt")).collect();
    let entries: Vec<E> = names.iter().map(|name| E::File(name, &mib)).collect();
    zip_of(&entries)
}
