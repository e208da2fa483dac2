//! The storage format of a chunk of points: two columns, times as zigzag varint deltas (regular
//! series cost one to three bytes a point) and values as little-endian f64, optionally deflated
//! (version 1). A chunk holds one series' points for one month, sorted by time, one value per
//! time. Version byte first, so the format can change without touching stored chunks: both
//! versions are read; [`WRITE`] says which is written.
//!
//! Measured (bench/metrics.sh, 1M points of the large demo): see README "Metrics storage".

use std::io::{Read, Write};

use flate2::Compression;
use flate2::read::DeflateDecoder;
use flate2::write::DeflateEncoder;

/// Version 1: the columns deflated. Version 2: the same columns as they are.
const DEFLATED: u8 = 1;
const PLAIN: u8 = 2;
/// What new chunks are written as (the benchmark chose; README "Metrics storage").
const WRITE: u8 = PLAIN;
/// Most points a chunk may claim; a corrupt header cannot make decoding allocate without bound.
const MAX_POINTS: usize = 50_000_000;

/// Why stored bytes could not be decoded.
#[derive(Debug, thiserror::Error)]
pub enum CodecError {
    #[error("metric chunk is truncated or corrupt")]
    Corrupt,
    #[error("metric chunk format version {0} is not known")]
    Version(u8),
}

fn put_varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

fn get_varint(bytes: &[u8], at: &mut usize) -> Result<u64, CodecError> {
    let mut value = 0u64;
    for shift in (0..64).step_by(7) {
        let byte = *bytes.get(*at).ok_or(CodecError::Corrupt)?;
        *at += 1;
        value |= u64::from(byte & 0x7f) << shift;
        if byte & 0x80 == 0 {
            return Ok(value);
        }
    }
    Err(CodecError::Corrupt)
}

fn zigzag(v: i64) -> u64 {
    ((v << 1) ^ (v >> 63)) as u64
}

fn unzigzag(v: u64) -> i64 {
    ((v >> 1) as i64) ^ -((v & 1) as i64)
}

/// Encodes sorted, unique `(time ms, value)` columns.
pub fn encode(times: &[i64], values: &[f64]) -> Vec<u8> {
    let n = times.len().min(values.len());
    let mut raw = Vec::with_capacity(n * 10 + 10);
    put_varint(&mut raw, n as u64);
    let mut previous = 0i64;
    for &t in &times[..n] {
        put_varint(&mut raw, zigzag(t.wrapping_sub(previous)));
        previous = t;
    }
    for &v in &values[..n] {
        raw.extend_from_slice(&v.to_le_bytes());
    }
    if WRITE == PLAIN {
        let mut out = Vec::with_capacity(raw.len() + 1);
        out.push(PLAIN);
        out.extend_from_slice(&raw);
        return out;
    }
    // The encoder appends to the version byte; writing into a Vec cannot fail.
    let mut encoder = DeflateEncoder::new(vec![DEFLATED], Compression::fast());
    match encoder.write_all(&raw) {
        Ok(()) => encoder.finish().unwrap_or_default(),
        Err(_) => Vec::new(),
    }
}

/// Decodes a chunk, appending its columns to `times` and `values`.
pub fn decode_into(
    bytes: &[u8],
    times: &mut Vec<i64>,
    values: &mut Vec<f64>,
) -> Result<(), CodecError> {
    let (&version, body) = bytes.split_first().ok_or(CodecError::Corrupt)?;
    let inflated;
    let raw: &[u8] = match version {
        PLAIN => body,
        DEFLATED => {
            let mut buffer = Vec::with_capacity(body.len() * 3);
            DeflateDecoder::new(body)
                .take((MAX_POINTS * 18) as u64)
                .read_to_end(&mut buffer)
                .map_err(|_| CodecError::Corrupt)?;
            inflated = buffer;
            &inflated
        }
        other => return Err(CodecError::Version(other)),
    };
    let mut at = 0;
    let n = usize::try_from(get_varint(raw, &mut at)?).map_err(|_| CodecError::Corrupt)?;
    if n > MAX_POINTS || n > raw.len() {
        return Err(CodecError::Corrupt);
    }
    times.reserve(n);
    values.reserve(n);
    let mut previous = 0i64;
    for _ in 0..n {
        previous = previous.wrapping_add(unzigzag(get_varint(raw, &mut at)?));
        times.push(previous);
    }
    let rest = raw.get(at..at + n * 8).ok_or(CodecError::Corrupt)?;
    values.extend(
        rest.chunks_exact(8)
            .map(|b| f64::from_le_bytes([b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]])),
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_stays_small() {
        let times: Vec<i64> = (0..10_000)
            .map(|i| 1_767_225_600_000 + i * 60_000)
            .collect();
        let values: Vec<f64> = (0..10_000).map(|i| (i % 17) as f64 * 0.25).collect();
        let bytes = encode(&times, &values);
        // A minute apart: three varint bytes a time, eight a value.
        assert!(bytes.len() <= 10_000 * 11 + 8, "{} bytes", bytes.len());
        let (mut t, mut v) = (Vec::new(), Vec::new());
        decode_into(&bytes, &mut t, &mut v).expect("decodes");
        assert_eq!((&t, &v), (&times, &values));
        // Chunks written deflated (version 1) still read the same.
        let mut deflated = DeflateEncoder::new(vec![DEFLATED], Compression::fast());
        deflated.write_all(&bytes[1..]).expect("deflate");
        let deflated = deflated.finish().expect("deflate");
        assert!(deflated.len() < bytes.len() / 2);
        let (mut t, mut v) = (Vec::new(), Vec::new());
        decode_into(&deflated, &mut t, &mut v).expect("decodes");
        assert_eq!((t, v), (times, values));
    }

    #[test]
    fn refuses_garbage() {
        let (mut t, mut v) = (Vec::new(), Vec::new());
        assert!(decode_into(&[], &mut t, &mut v).is_err());
        assert!(decode_into(&[9, 1, 2], &mut t, &mut v).is_err());
        assert!(decode_into(&[PLAIN, 0xff, 0xff], &mut t, &mut v).is_err());
        assert!(decode_into(&[DEFLATED, 0xff, 0xff], &mut t, &mut v).is_err());
        let mut truncated = encode(&[1, 2, 3], &[1.0, 2.0, 3.0]);
        truncated.truncate(truncated.len() - 3);
        assert!(decode_into(&truncated, &mut t, &mut v).is_err());
    }
}
