//! Unguessable identifiers and secrets from the operating system's random source.

use crate::error::{Error, Result};

const ALPHABET: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// `len` characters of [0-9A-Za-z]: each carries log2(62) ≈ 5.95 bits.
pub(crate) fn base62(len: usize) -> Result<String> {
    let mut out = String::with_capacity(len);
    let mut buf = [0u8; 64];
    while out.len() < len {
        getrandom::fill(&mut buf).map_err(|error| {
            tracing::error!(%error, "no randomness available");
            Error::Internal
        })?;
        // 248 = 4 × 62: bytes above it are dropped so every character is equally likely.
        for byte in buf.iter().filter(|b| **b < 248) {
            if out.len() == len {
                break;
            }
            out.push(ALPHABET[usize::from(*byte % 62)] as char);
        }
    }
    Ok(out)
}

/// `len` random bytes: for secrets given out encoded.
pub(crate) fn bytes(len: usize) -> Result<Vec<u8>> {
    let mut out = vec![0u8; len];
    getrandom::fill(&mut out).map_err(|error| {
        tracing::error!(%error, "no randomness available");
        Error::Internal
    })?;
    Ok(out)
}

/// An object id: the prefix and 24 random characters (≈ 143 bits).
pub fn object_id(prefix: &str) -> Result<String> {
    Ok(format!("{prefix}{}", base62(24)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_have_prefix_and_24_alphanumerics_and_differ() {
        let a = object_id("cus_").unwrap();
        let b = object_id("cus_").unwrap();
        assert!(a.starts_with("cus_") && a.len() == 28);
        assert!(a[4..].bytes().all(|b| b.is_ascii_alphanumeric()));
        assert_ne!(a, b);
    }
}
