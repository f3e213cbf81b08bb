//! A fast hasher for the comparator's own short-lived maps and indexes. std's
//! default (SipHash) guards against hostile keys; these keys come from one
//! comparison, and a collision costs only a probe. Sixteen bytes per folded
//! 64x64-bit multiply, as wyhash and foldhash do.

use std::collections::HashMap;
use std::hash::Hasher;

#[derive(Default)]
pub struct FoldHasher(u64);

pub type FastMap<K, V> = HashMap<K, V, std::hash::BuildHasherDefault<FoldHasher>>;

const K0: u64 = 0xa076_1d64_78bd_642f;
const K1: u64 = 0xe703_7ed1_a0b4_28db;

fn fold(a: u64, b: u64) -> u64 {
    let product = u128::from(a) * u128::from(b);
    (product as u64) ^ ((product >> 64) as u64)
}

/// Up to eight bytes as a little-endian word, without a call to memcpy.
fn word(bytes: &[u8]) -> u64 {
    match <[u8; 8]>::try_from(bytes) {
        Ok(eight) => u64::from_le_bytes(eight),
        Err(_) => bytes
            .iter()
            .rev()
            .fold(0u64, |word, &b| (word << 8) | u64::from(b)),
    }
}

impl Hasher for FoldHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(16);
        for chunk in &mut chunks {
            let (lo, hi) = chunk.split_at(8);
            self.0 = fold(word(lo) ^ K0 ^ self.0, word(hi) ^ K1);
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let (lo, hi) = rest.split_at(rest.len().min(8));
            self.0 = fold(word(lo) ^ K0 ^ self.0, word(hi) ^ K1 ^ rest.len() as u64);
        }
    }

    fn write_usize(&mut self, n: usize) {
        self.0 = fold(self.0 ^ n as u64 ^ K0, K1);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

/// A hash of strings in sequence (lengths included, so `ab`,`c` differs from `a`,`bc`).
pub fn hash_of(parts: &[&str]) -> u64 {
    let mut h = FoldHasher::default();
    for p in parts {
        h.write(p.as_bytes());
        h.write_usize(p.len());
    }
    h.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_byte_counts() {
        let base = "http://em01.example.com:9399/api/logonSessions/x";
        let h = hash_of(&[base]);
        for i in 0..base.len() {
            let mut changed = base.as_bytes().to_vec();
            changed[i] ^= 1;
            let changed = String::from_utf8(changed).unwrap();
            assert_ne!(hash_of(&[&changed]), h, "byte {i}");
        }
        assert_ne!(hash_of(&["ab", "c"]), hash_of(&["a", "bc"]));
        assert_ne!(hash_of(&[""]), hash_of(&["", ""]));
    }
}
