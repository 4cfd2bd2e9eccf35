//! Dashboard sessions (random tokens stored as hashes, each with its test / live switch) and the
//! throttling of failed logins per account.

use sqlx::Row;

use super::merchants::hash_secret;
use super::random::base62;
use super::{stored_time, Store};
use crate::error::{Error, Result};
use crate::merchant::{Merchant, Mode, SignedIn};

/// How long a session lasts from sign-in.
pub const SESSION_LIFETIME_MS: i64 = 7 * 24 * 60 * 60 * 1000;
/// Failed logins allowed per account, and per client address, within the window before further
/// attempts are refused for the window.
const MAX_FAILURES_PER_ACCOUNT: i64 = 5;
const MAX_FAILURES_PER_ADDRESS: i64 = 20;
const FAILURE_WINDOW_MS: i64 = 15 * 60 * 1000;

impl Store {
    /// Starts a session in test mode; answers the token for the cookie (≈ 190 random bits).
    pub async fn create_session(&self, merchant_id: &str) -> Result<String> {
        let token = base62(32)?;
        let now = self.now().unix_millis();
        sqlx::query(
            "INSERT INTO sessions (token_hash, merchant_id, mode, created_at, expires_at) \
             VALUES ($1, $2, 'test', $3, $4)",
        )
        .bind(hash_secret(&token))
        .bind(merchant_id)
        .bind(now)
        .bind(now + SESSION_LIFETIME_MS)
        .execute(&self.writer)
        .await?;
        // Expired sessions are swept here, where writing happens anyway.
        sqlx::query("DELETE FROM sessions WHERE expires_at < $1")
            .bind(now)
            .execute(&self.writer)
            .await?;
        Ok(token)
    }

    /// Who a session token belongs to, or `None` when it is unknown or expired.
    pub async fn find_session(&self, token: &str) -> Result<Option<SignedIn>> {
        let row = sqlx::query(
            "SELECT s.mode, m.id, m.email, m.business_name, m.created_at FROM sessions s \
             JOIN merchants m ON m.id = s.merchant_id \
             WHERE s.token_hash = $1 AND s.expires_at > $2",
        )
        .bind(hash_secret(token))
        .bind(self.now().unix_millis())
        .fetch_optional(&self.reader)
        .await?;
        let Some(row) = row else { return Ok(None) };
        let mode: String = row.try_get("mode")?;
        Ok(Some(SignedIn {
            merchant: Merchant {
                id: row.try_get("id")?,
                email: row.try_get("email")?,
                business_name: row.try_get("business_name")?,
                created_at: stored_time(row.try_get("created_at")?)?,
            },
            mode: Mode::parse(&mode).ok_or(Error::Internal)?,
        }))
    }

    pub async fn set_session_mode(&self, token: &str, mode: Mode) -> Result<()> {
        sqlx::query("UPDATE sessions SET mode = $1 WHERE token_hash = $2")
            .bind(mode.as_str())
            .bind(hash_secret(token))
            .execute(&self.writer)
            .await?;
        Ok(())
    }

    pub async fn delete_session(&self, token: &str) -> Result<()> {
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(hash_secret(token))
            .execute(&self.writer)
            .await?;
        Ok(())
    }

    /// Refuses while the account, or the address the attempt comes from, has had too many
    /// recent failed logins.
    pub(crate) async fn check_login_throttle(&self, subjects: &LoginSubjects) -> Result<()> {
        for (subject, max) in subjects.with_limits() {
            let row = sqlx::query(
                "SELECT failures, last_failed_at FROM login_failures WHERE subject = $1",
            )
            .bind(subject)
            .fetch_optional(&self.reader)
            .await?;
            if let Some(row) = row {
                let failures: i64 = row.try_get("failures")?;
                let last: i64 = row.try_get("last_failed_at")?;
                let wait = last + FAILURE_WINDOW_MS - self.now().unix_millis();
                if failures >= max && wait > 0 {
                    return Err(Error::TooManyAttempts {
                        retry_after_minutes: (wait + 59_999) / 60_000,
                    });
                }
            }
        }
        Ok(())
    }

    /// Counts a failed login against the account and the address; a failure after a quiet
    /// window starts the count again.
    pub(crate) async fn record_login_failure(&self, subjects: &LoginSubjects) -> Result<()> {
        let now = self.now().unix_millis();
        for (subject, _) in subjects.with_limits() {
            sqlx::query(
                "INSERT INTO login_failures (subject, failures, last_failed_at) VALUES ($1, 1, $2) \
                 ON CONFLICT (subject) DO UPDATE SET \
                 failures = CASE WHEN login_failures.last_failed_at < $3 THEN 1 \
                 ELSE login_failures.failures + 1 END, last_failed_at = $2",
            )
            .bind(subject)
            .bind(now)
            .bind(now - FAILURE_WINDOW_MS)
            .execute(&self.writer)
            .await?;
        }
        Ok(())
    }

    /// A successful login clears the account's count (not the address's).
    pub(crate) async fn clear_login_failures(&self, subjects: &LoginSubjects) -> Result<()> {
        sqlx::query("DELETE FROM login_failures WHERE subject = $1")
            .bind(&subjects.account)
            .execute(&self.writer)
            .await?;
        Ok(())
    }
}

/// What failed logins are counted against: the account (normalized email) and, when known, the
/// client's address.
pub(crate) struct LoginSubjects {
    pub account: String,
    pub address: Option<String>,
}

impl LoginSubjects {
    fn with_limits(&self) -> impl Iterator<Item = (&str, i64)> {
        std::iter::once((self.account.as_str(), MAX_FAILURES_PER_ACCOUNT)).chain(
            self.address
                .as_deref()
                .map(|address| (address, MAX_FAILURES_PER_ADDRESS)),
        )
    }
}
