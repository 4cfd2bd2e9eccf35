//! The API's rate limit per secret key, by the generic cell rate algorithm: each key has a
//! "theoretical arrival time" that every admitted request pushes one emission interval further;
//! a request is refused while that time lies more than the burst ahead of now. One number per
//! key, so the whole check is one atomic upsert on PostgreSQL, where every process shares it,
//! and a map lookup on SQLite, where the one process keeps it in memory.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use sqlx::Row;

use super::merchants::key_digest;
use super::Store;
use crate::error::Result;

/// Requests per second per key, with bursts of twice that; `0` turns the limit off.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RateLimit {
    per_second: u32,
}

/// Whether a request may run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Admission {
    Admitted,
    /// Over the limit; the next request is admitted after this long.
    RetryAfter(Duration),
}

impl RateLimit {
    pub fn per_second(per_second: u32) -> Self {
        RateLimit { per_second }
    }

    pub fn off() -> Self {
        RateLimit::per_second(0)
    }

    /// The emission interval and the burst tolerance, in microseconds.
    fn cell(self) -> Option<(i64, i64)> {
        let per_second = i64::from(self.per_second);
        if per_second == 0 {
            return None;
        }
        let interval = 1_000_000 / per_second;
        Some((interval, (2 * per_second - 1) * interval))
    }
}

/// Each key's theoretical arrival time, in microseconds since the epoch (SQLite only).
#[derive(Default)]
pub(super) struct RequestCounts(Mutex<HashMap<String, i64>>);

impl RequestCounts {
    /// Keys idle long enough are dropped once the map holds this many.
    const CAPACITY: usize = 10_000;

    fn admit(&self, subject: &str, now: i64, (interval, tolerance): (i64, i64)) -> Admission {
        let mut arrivals = self
            .0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if arrivals.len() >= Self::CAPACITY {
            arrivals.retain(|_, arrival| *arrival > now);
        }
        let arrival = arrivals.get(subject).copied().unwrap_or(now).max(now);
        if arrival - now > tolerance {
            return Admission::RetryAfter(wait(arrival - now - tolerance));
        }
        arrivals.insert(subject.to_owned(), arrival + interval);
        Admission::Admitted
    }
}

impl Store {
    /// Counts one request made with `secret` (an authenticated key) against `limit`.
    pub async fn admit_request(&self, secret: &str, limit: RateLimit) -> Result<Admission> {
        let Some(cell) = limit.cell() else {
            return Ok(Admission::Admitted);
        };
        let subject = key_digest(&self.key_secret, secret);
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |since| {
                i64::try_from(since.as_micros()).unwrap_or(i64::MAX)
            });
        if let Some(local) = &self.single_process {
            return Ok(local.request_counts.admit(&subject, now, cell));
        }
        let (interval, tolerance) = cell;
        // Every SET expression reads the row as it was, so `allowed` and `arrival` agree.
        let row = sqlx::query(
            "INSERT INTO rate_limits (subject, arrival, allowed) VALUES ($1, $2 + $3, 1) \
             ON CONFLICT (subject) DO UPDATE SET \
             allowed = CASE WHEN rate_limits.arrival - $2 > $4 THEN 0 ELSE 1 END, \
             arrival = CASE WHEN rate_limits.arrival - $2 > $4 THEN rate_limits.arrival \
             WHEN rate_limits.arrival > $2 THEN rate_limits.arrival + $3 ELSE $2 + $3 END \
             RETURNING allowed, arrival",
        )
        .bind(&subject)
        .bind(now)
        .bind(interval)
        .bind(tolerance)
        .fetch_one(&self.writer)
        .await?;
        if row.try_get::<i64, _>("allowed")? == 1 {
            Ok(Admission::Admitted)
        } else {
            let arrival: i64 = row.try_get("arrival")?;
            Ok(Admission::RetryAfter(wait(arrival - now - tolerance)))
        }
    }
}

fn wait(micros: i64) -> Duration {
    Duration::from_micros(u64::try_from(micros).unwrap_or(0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allows_a_burst_of_twice_the_rate_then_refuses_until_an_interval_passes() {
        let counts = RequestCounts::default();
        let cell = RateLimit::per_second(5).cell().unwrap();
        for _ in 0..10 {
            assert_eq!(counts.admit("a", 0, cell), Admission::Admitted);
        }
        assert_eq!(
            counts.admit("a", 0, cell),
            Admission::RetryAfter(Duration::from_millis(200))
        );
        assert_eq!(
            counts.admit("b", 0, cell),
            Admission::Admitted,
            "keys have their own"
        );
        assert_eq!(counts.admit("a", 200_000, cell), Admission::Admitted);
        assert!(matches!(
            counts.admit("a", 200_000, cell),
            Admission::RetryAfter(_)
        ));
    }

    #[test]
    fn zero_turns_it_off() {
        assert_eq!(RateLimit::off().cell(), None);
    }
}
