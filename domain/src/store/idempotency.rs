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
    /// not run.
    pub async fn start_idempotent(
        &self,
        tenant: &Tenant,
        key: &IdempotencyKey,
        request: &[u8],
    ) -> Result<IdempotentStart> {
        let now = self.now().unix_millis();
        let request_hash = hex(&Sha256::digest(request));
        let mut tx = self.writer.begin().await?;
        sqlx::query("DELETE FROM idempotency_keys WHERE created_at < $1")
            .bind(now - KEEP_MS)
            .execute(&mut *tx)
            .await?;
        let row = sqlx::query(
            "SELECT request_hash, status, body, created_at FROM idempotency_keys \
             WHERE merchant_id = $1 AND mode = $2 AND key = $3",
        )
        .bind(&tenant.merchant_id)
        .bind(tenant.mode.as_str())
        .bind(key.as_str())
        .fetch_optional(&mut *tx)
        .await?;
        let start = match row {
            Some(row) => {
                let status: Option<i64> = row.try_get("status")?;
                let created_at: i64 = row.try_get("created_at")?;
                if row.try_get::<String, _>("request_hash")? != request_hash {
                    IdempotentStart::Mismatch
                } else if let Some(status) = status {
                    IdempotentStart::Replay {
                        status: u16::try_from(status).unwrap_or(500),
                        body: row
                            .try_get::<Option<String>, _>("body")?
                            .unwrap_or_default(),
                    }
                } else if now - created_at < ABANDONED_MS {
                    IdempotentStart::InProgress
                } else {
                    IdempotentStart::Run
                }
            }
            None => IdempotentStart::Run,
        };
        if start == IdempotentStart::Run {
            sqlx::query(
                "INSERT INTO idempotency_keys (merchant_id, mode, key, request_hash, created_at) \
                 VALUES ($1, $2, $3, $4, $5) ON CONFLICT (merchant_id, mode, key) DO UPDATE SET \
                 request_hash = excluded.request_hash, status = NULL, body = NULL, \
                 created_at = excluded.created_at",
            )
            .bind(&tenant.merchant_id)
            .bind(tenant.mode.as_str())
            .bind(key.as_str())
            .bind(&request_hash)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(start)
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
