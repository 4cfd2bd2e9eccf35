//! Per-key rate limiting for the API: a token bucket per secret key that refills at the
//! configured rate (`SHIKA_RATE_LIMIT` requests per second) and holds twice that as a burst.
//! Kept in this process's memory; several processes each apply the limit on their own.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

#[derive(Clone)]
pub struct RateLimiter {
    per_second: u32,
    buckets: Arc<Mutex<HashMap<String, Bucket>>>,
}

struct Bucket {
    tokens: f64,
    refilled_at: Instant,
}

impl RateLimiter {
    /// `per_second` requests per second per key, with a burst of twice that; 0 turns it off.
    pub fn new(per_second: u32) -> Self {
        RateLimiter {
            per_second,
            buckets: Arc::default(),
        }
    }

    pub fn off() -> Self {
        RateLimiter::new(0)
    }

    /// Takes one request from `key`'s bucket, or says how long until one is available.
    pub fn check(&self, key: &str) -> Result<(), Duration> {
        if self.per_second == 0 {
            return Ok(());
        }
        let rate = f64::from(self.per_second);
        let capacity = 2.0 * rate;
        let now = Instant::now();
        let mut buckets = self
            .buckets
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        // Idle buckets are full again; dropping them keeps the map from growing without bound.
        if buckets.len() > 10_000 {
            buckets
                .retain(|_, b| now.duration_since(b.refilled_at).as_secs_f64() * rate < capacity);
        }
        let bucket = buckets.entry(key.to_owned()).or_insert(Bucket {
            tokens: capacity,
            refilled_at: now,
        });
        let elapsed = now.duration_since(bucket.refilled_at).as_secs_f64();
        bucket.tokens = (bucket.tokens + elapsed * rate).min(capacity);
        bucket.refilled_at = now;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            Ok(())
        } else {
            Err(Duration::from_secs_f64((1.0 - bucket.tokens) / rate))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allows_a_burst_of_twice_the_rate_then_refuses() {
        let limiter = RateLimiter::new(5);
        for _ in 0..10 {
            assert!(limiter.check("sk_a").is_ok());
        }
        let wait = limiter.check("sk_a").unwrap_err();
        assert!(
            wait > Duration::ZERO && wait <= Duration::from_millis(200),
            "{wait:?}"
        );
        assert!(limiter.check("sk_b").is_ok(), "keys have their own buckets");
    }

    #[test]
    fn zero_turns_it_off() {
        let limiter = RateLimiter::off();
        for _ in 0..10_000 {
            assert!(limiter.check("sk_a").is_ok());
        }
    }
}
