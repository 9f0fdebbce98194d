//! [`Key::blocks`] on AVX2: the [`LANES`] ChaCha8 states in one 256-bit
//! register per word, where the portable version (`wide`, compiled for
//! the baseline x86-64) uses two 128-bit ones. Rotations by 16 and 8 bits
//! are byte shuffles; by 12 and 7, two shifts and an or.
//!
//! The words are the same as the portable version's, lane for lane (tested
//! against [`Key::block`] below). Callers reach this code only through
//! [`has_avx2`], from functions compiled for AVX2 themselves.

use std::arch::x86_64::{
    __m256i, _mm256_add_epi32, _mm256_or_si256, _mm256_set1_epi32, _mm256_setr_epi32,
    _mm256_setr_epi8, _mm256_shuffle_epi8, _mm256_slli_epi32, _mm256_srli_epi32,
    _mm256_storeu_si256, _mm256_xor_si256,
};

use super::{Key, LANES, SIGMA};

/// Whether this processor runs AVX2 (detected once, then cached by std).
pub fn has_avx2() -> bool {
    std::arch::is_x86_feature_detected!("avx2")
}

/// [`Key::blocks`], computed with AVX2.
#[target_feature(enable = "avx2")]
#[inline]
pub fn blocks(key: &Key, first: u64, counter: u64) -> [[u32; LANES]; 16] {
    let splat = |w: u32| _mm256_set1_epi32(w as i32);
    let stream = |l: u64| first.wrapping_add(l);
    let mut input = [splat(0); 16];
    for (w, &c) in SIGMA.iter().enumerate() {
        input[w] = splat(c);
    }
    for (w, &k) in key.0.iter().enumerate() {
        input[4 + w] = splat(k);
    }
    input[12] = splat(counter as u32);
    input[13] = splat((counter >> 32) as u32);
    let low = |l: u64| stream(l) as u32 as i32;
    let high = |l: u64| (stream(l) >> 32) as u32 as i32;
    input[14] = _mm256_setr_epi32(
        low(0),
        low(1),
        low(2),
        low(3),
        low(4),
        low(5),
        low(6),
        low(7),
    );
    input[15] = _mm256_setr_epi32(
        high(0),
        high(1),
        high(2),
        high(3),
        high(4),
        high(5),
        high(6),
        high(7),
    );
    let mut x = input;
    for _ in 0..4 {
        double_round(&mut x);
    }
    let mut out = [[0u32; LANES]; 16];
    for ((o, v), i) in out.iter_mut().zip(x).zip(input) {
        let word = _mm256_add_epi32(v, i);
        // SAFETY: `o` is 8 u32s, 32 writable bytes, and the store is the
        // unaligned one.
        #[allow(unsafe_code)]
        unsafe {
            _mm256_storeu_si256(o.as_mut_ptr().cast::<__m256i>(), word);
        }
    }
    out
}

/// Column round then diagonal round, as `double_round_lanes`.
#[target_feature(enable = "avx2")]
#[inline]
fn double_round(x: &mut [__m256i; 16]) {
    quarter(x, 0, 4, 8, 12);
    quarter(x, 1, 5, 9, 13);
    quarter(x, 2, 6, 10, 14);
    quarter(x, 3, 7, 11, 15);
    quarter(x, 0, 5, 10, 15);
    quarter(x, 1, 6, 11, 12);
    quarter(x, 2, 7, 8, 13);
    quarter(x, 3, 4, 9, 14);
}

#[target_feature(enable = "avx2")]
#[inline]
fn quarter(x: &mut [__m256i; 16], a: usize, b: usize, c: usize, d: usize) {
    x[a] = _mm256_add_epi32(x[a], x[b]);
    x[d] = rotl16(_mm256_xor_si256(x[d], x[a]));
    x[c] = _mm256_add_epi32(x[c], x[d]);
    x[b] = rotl::<12, 20>(_mm256_xor_si256(x[b], x[c]));
    x[a] = _mm256_add_epi32(x[a], x[b]);
    x[d] = rotl8(_mm256_xor_si256(x[d], x[a]));
    x[c] = _mm256_add_epi32(x[c], x[d]);
    x[b] = rotl::<7, 25>(_mm256_xor_si256(x[b], x[c]));
}

/// Every 32-bit lane rotated left by `L` bits (`R` = 32 − `L`).
#[target_feature(enable = "avx2")]
#[inline]
fn rotl<const L: i32, const R: i32>(v: __m256i) -> __m256i {
    _mm256_or_si256(_mm256_slli_epi32::<L>(v), _mm256_srli_epi32::<R>(v))
}

/// Rotation by 16 bits: bytes b0 b1 b2 b3 of a lane (little-endian) become
/// b2 b3 b0 b1.
#[target_feature(enable = "avx2")]
#[inline]
fn rotl16(v: __m256i) -> __m256i {
    let order = _mm256_setr_epi8(
        2, 3, 0, 1, 6, 7, 4, 5, 10, 11, 8, 9, 14, 15, 12, 13, //
        2, 3, 0, 1, 6, 7, 4, 5, 10, 11, 8, 9, 14, 15, 12, 13,
    );
    _mm256_shuffle_epi8(v, order)
}

/// Rotation by 8 bits: bytes b0 b1 b2 b3 become b3 b0 b1 b2.
#[target_feature(enable = "avx2")]
#[inline]
fn rotl8(v: __m256i) -> __m256i {
    let order = _mm256_setr_epi8(
        3, 0, 1, 2, 7, 4, 5, 6, 11, 8, 9, 10, 15, 12, 13, 14, //
        3, 0, 1, 2, 7, 4, 5, 6, 11, 8, 9, 10, 15, 12, 13, 14,
    );
    _mm256_shuffle_epi8(v, order)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn avx2_lanes_equal_single_blocks() {
        if !has_avx2() {
            return; // nothing to compare on this processor
        }
        // Streams crossing 2^32 (the high stream word), counters 0, 1 and
        // one above 2^32 (the high counter word).
        let key = Key::from_seed(7);
        for first in [0, 3, (1 << 32) - 5, u64::MAX - 4] {
            for counter in [0, 1, (1 << 32) + 2] {
                // SAFETY: AVX2 is present, as checked above.
                #[allow(unsafe_code)]
                let lanes = unsafe { blocks(&key, first, counter) };
                for l in 0..LANES {
                    let one = key.block(first.wrapping_add(l as u64), counter);
                    let column: Vec<u32> = lanes.iter().map(|word| word[l]).collect();
                    assert_eq!(column, one, "stream {} counter {counter}", first + l as u64);
                }
                assert_eq!(lanes, key.blocks(first, counter));
            }
        }
    }
}
