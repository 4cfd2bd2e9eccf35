//! Recorded answers to POSTs sent with an `Idempotency-Key`: claimed before the request runs,
//! completed with its answer after, replayed for 24 hours.

use sha2::{Digest, Sha256};
use sqlx::Row;

use super::merchants::hex;
use super::Store;
use crate::error::Result;
use crate::idempotency::{IdempotencyKey, IdempotentStart};
use crate::merchant::Tenant;

/// How long an answer is kept.
const KEEP_MS: i64 = 24 * 60 * 60 * 1000;
/// A claim this old without an answer belongs to a request that died (say, in a crash).
const ABANDONED_MS: i64 = 60 * 1000;

impl Store {
    /// Claims `key` for a request with this content (method, path and body), or says why it must
    /// not run. The claim is one insert, so of two requests with the same key, in this process
    /// or another, exactly one runs.
    pub async fn start_idempotent(
        &self,
        tenant: &Tenant,
        key: &IdempotencyKey,
        request: &[u8],
    ) -> Result<IdempotentStart> {
        /// A claim can vanish between our insert and our read (its request failed, or it
        /// expired); then it is claimed again, a few times at most.
        const ATTEMPTS: usize = 3;
        let now = self.now().unix_millis();
        let request_hash = hex(&Sha256::digest(request));
        sqlx::query("DELETE FROM idempotency_keys WHERE created_at < $1")
            .bind(now - KEEP_MS)
            .execute(&self.writer)
            .await?;
        for _ in 0..ATTEMPTS {
            let claimed = sqlx::query(
                "INSERT INTO idempotency_keys (merchant_id, mode, key, request_hash, created_at) \
                 VALUES ($1, $2, $3, $4, $5) ON CONFLICT (merchant_id, mode, key) DO NOTHING",
            )
            .bind(&tenant.merchant_id)
            .bind(tenant.mode.as_str())
            .bind(key.as_str())
            .bind(&request_hash)
            .bind(now)
            .execute(&self.writer)
            .await?;
            if claimed.rows_affected() == 1 {
                return Ok(IdempotentStart::Run);
            }
            let row = sqlx::query(
                "SELECT request_hash, status, body, created_at FROM idempotency_keys \
                 WHERE merchant_id = $1 AND mode = $2 AND key = $3",
            )
            .bind(&tenant.merchant_id)
            .bind(tenant.mode.as_str())
            .bind(key.as_str())
            .fetch_optional(&self.writer)
            .await?;
            let Some(row) = row else { continue };
            let status: Option<i64> = row.try_get("status")?;
            let created_at: i64 = row.try_get("created_at")?;
            if row.try_get::<String, _>("request_hash")? != request_hash {
                return Ok(IdempotentStart::Mismatch);
            }
            if let Some(status) = status {
                return Ok(IdempotentStart::Replay {
                    status: u16::try_from(status).unwrap_or(500),
                    body: row
                        .try_get::<Option<String>, _>("body")?
                        .unwrap_or_default(),
                });
            }
            if now - created_at < ABANDONED_MS {
                return Ok(IdempotentStart::InProgress);
            }
            // An abandoned claim is taken over, by one request only: the one whose update still
            // finds it as read.
            let taken = sqlx::query(
                "UPDATE idempotency_keys SET created_at = $4 WHERE merchant_id = $1 AND mode = $2 \
                 AND key = $3 AND status IS NULL AND created_at = $5",
            )
            .bind(&tenant.merchant_id)
            .bind(tenant.mode.as_str())
            .bind(key.as_str())
            .bind(now)
            .bind(created_at)
            .execute(&self.writer)
            .await?;
            if taken.rows_affected() == 1 {
                return Ok(IdempotentStart::Run);
            }
        }
        Ok(IdempotentStart::InProgress)
    }

    /// Records the answer to replay. A server error is not recorded: the claim is released so a
    /// retry runs again.
    pub async fn finish_idempotent(
        &self,
        tenant: &Tenant,
        key: &IdempotencyKey,
        status: u16,
        body: &str,
    ) -> Result<()> {
        if status >= 500 {
            sqlx::query(
                "DELETE FROM idempotency_keys WHERE merchant_id = $1 AND mode = $2 AND key = $3",
            )
            .bind(&tenant.merchant_id)
            .bind(tenant.mode.as_str())
            .bind(key.as_str())
            .execute(&self.writer)
            .await?;
        } else {
            sqlx::query(
                "UPDATE idempotency_keys SET status = $4, body = $5 \
                 WHERE merchant_id = $1 AND mode = $2 AND key = $3",
            )
            .bind(&tenant.merchant_id)
            .bind(tenant.mode.as_str())
            .bind(key.as_str())
            .bind(i64::from(status))
            .bind(body)
            .execute(&self.writer)
            .await?;
        }
        Ok(())
    }
}
