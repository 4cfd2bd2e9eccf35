//! Idempotency keys: what a client may send as `Idempotency-Key`, and what the store says about
//! a request that carries one.

use serde::{Deserialize, Serialize};

/// 1 to 255 printable ASCII characters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IdempotencyKey(String);

impl IdempotencyKey {
    pub fn parse(input: &str) -> Result<Self, String> {
        let printable = input.bytes().all(|b| (0x20..=0x7e).contains(&b));
        if (1..=255).contains(&input.len()) && printable {
            Ok(IdempotencyKey(input.to_owned()))
        } else {
            Err(
                "Invalid Idempotency-Key: use 1 to 255 printable ASCII characters, e.g. a UUID."
                    .into(),
            )
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// What to do with a request that carries an idempotency key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IdempotentStart {
    /// First time (or the earlier one expired or was abandoned): run it, then record the answer.
    Run,
    /// Seen before with the same request: answer this again.
    Replay { status: u16, body: String },
    /// The first request with this key is still running.
    InProgress,
    /// The key was used for a different request.
    Mismatch,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_1_to_255_printable_ascii() {
        assert!(IdempotencyKey::parse("a").is_ok());
        assert!(IdempotencyKey::parse(&"k".repeat(255)).is_ok());
        assert!(IdempotencyKey::parse("order 42 / retry #1").is_ok());
        for bad in [
            String::new(),
            "k".repeat(256),
            "tab\there".into(),
            "é".into(),
            "nul\0".into(),
        ] {
            assert!(IdempotencyKey::parse(&bad).is_err(), "{bad:?}");
        }
    }
}
