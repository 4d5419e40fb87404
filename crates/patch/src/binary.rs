//! `GIT binary patch` sections: git's base85 lines, zlib, and git's delta format.

use std::io::Read;

const ALPHABET: &[u8; 85] =
    b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz!#$%&()*+-;<=>?@^_`{|}~";

/// Largest inflated binary chunk accepted (the patch says the size up front).
pub const MAX_BINARY_BYTES: usize = 256 << 20;

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

/// Inflates zlib data, expecting exactly `size` bytes.
pub(crate) fn inflate(data: &[u8], size: usize) -> Option<Vec<u8>> {
    if size > MAX_BINARY_BYTES {
        return None;
    }
    let mut out = Vec::with_capacity(size);
    let mut decoder = flate2::read::ZlibDecoder::new(data).take(size as u64 + 1);
    decoder.read_to_end(&mut out).ok()?;
    (out.len() == size).then_some(out)
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

    fn encode_line(data: &[u8]) -> Vec<u8> {
        let mut line = vec![if data.len() <= 26 { b'A' + data.len() as u8 - 1 } else { b'a' + data.len() as u8 - 27 }];
        for chunk in data.chunks(4) {
            let mut b = [0u8; 4];
            b[..chunk.len()].copy_from_slice(chunk);
            let mut v = u32::from_be_bytes(b);
            let mut group = [0u8; 5];
            for g in group.iter_mut().rev() {
                *g = ALPHABET[(v % 85) as usize];
                v /= 85;
            }
            line.extend_from_slice(&group);
        }
        line
    }

    #[test]
    fn base85_round_trip() {
        let data: Vec<u8> = (0..=51u8).map(|x| x.wrapping_mul(37)).collect();
        let mut out = Vec::new();
        decode_line(&encode_line(&data), &mut out).unwrap();
        assert_eq!(out, data);
        assert!(decode_line(b"Bxx", &mut out).is_none());
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
