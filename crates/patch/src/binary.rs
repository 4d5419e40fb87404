//! `GIT binary patch` sections: git's base85 lines, zlib, and git's delta format.

use std::io::Read;

const ALPHABET: &[u8; 85] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz!#$%&()*+-;<=>?@^_`{|}~";

/// Largest inflated binary chunk accepted (the patch says the size up front).
pub const MAX_BINARY_BYTES: usize = 256 << 20;

/// What is left of one patch's budget for binary data: bytes decoded from base85 and bytes
/// inflated, each summed over every binary chunk of the patch.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Budget {
    pub decoded_left: usize,
    pub inflated_left: usize,
}

impl Budget {
    pub fn new(limit: usize) -> Budget {
        Budget { decoded_left: limit, inflated_left: limit }
    }
}

/// Why a binary chunk was not read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Unpack {
    /// The data is damaged or its size is not what the patch says.
    Damaged,
    /// The patch's binary data as a whole is over its budget.
    OverBudget,
}

/// Base85 digit values by byte; 0xff marks bytes outside the alphabet.
const DIGITS: [u8; 256] = {
    let mut t = [0xffu8; 256];
    let mut i = 0;
    while i < 85 {
        t[ALPHABET[i] as usize] = i as u8;
        i += 1;
    }
    t
};

fn digit(c: u8) -> Option<u32> {
    let d = DIGITS[c as usize];
    (d != 0xff).then_some(u32::from(d))
}

/// Decodes one base85 data line (length letter + groups of five characters).
pub(crate) fn decode_line(line: &[u8], out: &mut Vec<u8>) -> Option<()> {
    let (&len_char, rest) = line.split_first()?;
    let len = match len_char {
        b'A'..=b'Z' => (len_char - b'A') as usize + 1,
        b'a'..=b'z' => (len_char - b'a') as usize + 27,
        _ => return None,
    };
    if rest.len() != len.div_ceil(4) * 5 {
        return None;
    }
    let mut remaining = len;
    for group in rest.chunks(5) {
        let mut acc: u64 = 0;
        for &c in group {
            acc = acc * 85 + u64::from(digit(c)?);
        }
        if acc > u64::from(u32::MAX) {
            return None;
        }
        let bytes = (acc as u32).to_be_bytes();
        let take = remaining.min(4);
        out.extend_from_slice(&bytes[..take]);
        remaining -= take;
    }
    Some(())
}

/// git's base85 lines for `data` (52 bytes a line, each with its length letter), as in a
/// `GIT binary patch` section; for building test and fuzzing inputs.
pub fn encode(data: &[u8]) -> String {
    let mut out = String::with_capacity(data.len() * 5 / 4 + data.len() / 52 * 2 + 2);
    for line in data.chunks(52) {
        let n = line.len() as u8;
        out.push(if n <= 26 { (b'A' + n - 1) as char } else { (b'a' + n - 27) as char });
        for chunk in line.chunks(4) {
            let mut b = [0u8; 4];
            b[..chunk.len()].copy_from_slice(chunk);
            let mut v = u32::from_be_bytes(b);
            let mut group = [0u8; 5];
            for g in group.iter_mut().rev() {
                *g = ALPHABET[(v % 85) as usize];
                v /= 85;
            }
            out.extend(group.iter().map(|&c| c as char));
        }
        out.push('\n');
    }
    out
}

/// Inflates zlib data, expecting exactly `size` bytes, charged to `budget` before anything is
/// inflated (the stated size) and while inflating (never more than the size plus one byte).
pub(crate) fn inflate(data: &[u8], size: usize, budget: &mut Budget) -> Result<Vec<u8>, Unpack> {
    if size > budget.inflated_left {
        return Err(Unpack::OverBudget);
    }
    budget.inflated_left -= size;
    // The whole stated size at once (it is within the budget): growing by doubling would copy
    // and briefly hold half as much again.
    let mut out = Vec::with_capacity(size);
    let mut decoder = flate2::read::ZlibDecoder::new(data).take(size as u64 + 1);
    decoder.read_to_end(&mut out).map_err(|_| Unpack::Damaged)?;
    if out.len() != size {
        return Err(Unpack::Damaged);
    }
    Ok(out)
}

fn varint(delta: &[u8], pos: &mut usize) -> Option<usize> {
    let mut value: usize = 0;
    let mut shift = 0;
    loop {
        let b = *delta.get(*pos)?;
        *pos += 1;
        if shift > 56 {
            return None;
        }
        value |= usize::from(b & 0x7f) << shift;
        shift += 7;
        if b & 0x80 == 0 {
            return Some(value);
        }
    }
}

/// The size of what a git delta makes, as its header says (`None` when unreadable).
pub fn delta_result_size(delta: &[u8]) -> Option<usize> {
    let mut pos = 0;
    varint(delta, &mut pos)?;
    varint(delta, &mut pos)
}

/// Applies a git delta to `base`. `None` when the delta does not fit the base.
pub fn apply_delta(base: &[u8], delta: &[u8]) -> Option<Vec<u8>> {
    let mut pos = 0;
    let src_size = varint(delta, &mut pos)?;
    let dst_size = varint(delta, &mut pos)?;
    if src_size != base.len() || dst_size > MAX_BINARY_BYTES {
        return None;
    }
    let mut out = Vec::with_capacity(dst_size);
    while pos < delta.len() {
        let cmd = delta[pos];
        pos += 1;
        if cmd & 0x80 != 0 {
            let mut offset: usize = 0;
            let mut size: usize = 0;
            for i in 0..4 {
                if cmd & (1 << i) != 0 {
                    offset |= usize::from(*delta.get(pos)?) << (8 * i);
                    pos += 1;
                }
            }
            for i in 0..3 {
                if cmd & (0x10 << i) != 0 {
                    size |= usize::from(*delta.get(pos)?) << (8 * i);
                    pos += 1;
                }
            }
            if size == 0 {
                size = 0x10000;
            }
            let end = offset.checked_add(size)?;
            out.extend_from_slice(base.get(offset..end)?);
        } else if cmd != 0 {
            let n = usize::from(cmd);
            out.extend_from_slice(delta.get(pos..pos + n)?);
            pos += n;
        } else {
            return None;
        }
        if out.len() > dst_size {
            return None;
        }
    }
    (out.len() == dst_size).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base85_round_trip() {
        let data: Vec<u8> = (0..=51u8).map(|x| x.wrapping_mul(37)).collect();
        let mut out = Vec::new();
        decode_line(encode(&data).trim_end().as_bytes(), &mut out).unwrap();
        assert_eq!(out, data);
        assert!(decode_line(b"Bxx", &mut out).is_none());
    }

    #[test]
    fn inflating_is_charged_to_one_budget() {
        use std::io::Write;
        let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
        z.write_all(&[0u8; 4096]).unwrap();
        let packed = z.finish().unwrap();
        let mut budget = Budget::new(10_000);
        assert_eq!(inflate(&packed, 4096, &mut budget).unwrap().len(), 4096);
        assert_eq!(inflate(&packed, 4096, &mut budget).unwrap().len(), 4096);
        // The third copy would pass a per-chunk limit but not the patch's total.
        assert_eq!(inflate(&packed, 4096, &mut budget), Err(Unpack::OverBudget));
        // A size that does not match the data is damage, not a budget matter.
        assert_eq!(inflate(&packed, 100, &mut Budget::new(10_000)), Err(Unpack::Damaged));
    }

    #[test]
    fn delta_copy_and_insert() {
        let base = b"hello world";
        // src 11, dst 10: copy offset 0 size 6 ("hello "), insert "WORL"
        let delta = [11u8, 10, 0x90, 6, 4, b'W', b'O', b'R', b'L'];
        assert_eq!(apply_delta(base, &delta).unwrap(), b"hello WORL");
        assert!(apply_delta(b"short", &delta).is_none());
        assert!(apply_delta(base, &[11, 3, 0]).is_none());
    }
}
