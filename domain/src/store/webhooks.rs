//! Webhook endpoints and deliveries in the database: the endpoints' CRUD and secrets, the
//! deliveries the dashboard lists, resends and test events, and what the delivery worker asks:
//! claim what is due (each delivery by one process at a time), then record each attempt.

use std::time::Duration;

use sqlx::any::AnyRow;
use sqlx::Row;

use super::events::{event_from_row, stored_list};
use super::list::ListQuery;
use super::random::{self, object_id};
use super::sql::Sql;
use super::writes::{Statements, Written};
use super::{
    find_one, find_one_locked, metadata_json, stored_metadata, stored_time, Backend, Store,
};
use crate::error::{Error, Result};
use crate::event::Event;
use crate::list::{ListParams, Page};
use crate::merchant::Tenant;
use crate::timestamp::Timestamp;
use crate::webhook::{
    outbound, AfterAttempt, Attempt, AttemptOutcome, DeletedWebhookEndpoint, Delivery,
    DeliveryStatus, EndpointStatus, WebhookEndpoint, WebhookEndpointForCreate,
    WebhookEndpointForUpdate, WebhookSecret,
};

const COLUMNS: &str =
    "id, url, enabled_events, description, status, metadata, created_at, updated_at";
const TABLE: (&str, &str, &str) = ("webhook_endpoints", "webhook_endpoint", COLUMNS);

/// Random bytes in a secret (Standard Webhooks asks for 24 to 64).
const SECRET_BYTES: usize = 32;

/// How long a rolled secret keeps signing beside the new one.
const PREVIOUS_SECRET_LIFETIME_MS: i64 = 24 * 60 * 60 * 1000;

/// How long a claimed delivery is a process's to attempt: three times the 10 s an attempt may
/// take, so no other process attempts it meanwhile; after a crash (on PostgreSQL, where another
/// process may still hold it) it is due again once this runs out.
pub const DELIVERY_LEASE: Duration = Duration::from_secs(30);

/// The key claims go to the writers by: claims skip rows another claim holds, so any writer will
/// do, and always the same one keeps one process's claims in turn.
const CLAIMS: &str = "webhook_deliveries";

/// A delivery claimed by the worker, with all it needs to make the attempt.
#[derive(Debug, Clone)]
pub struct DueDelivery {
    pub seq: i64,
    pub event_id: String,
    pub endpoint_id: String,
    pub url: String,
    /// The current secret first, then a rolled one still signing.
    pub secrets: Vec<WebhookSecret>,
    pub body: String,
    pub failures: u32,
}

impl Store {
    /// Creates an endpoint, answering it with its secret (the only time it is shown, with
    /// `roll_webhook_endpoint_secret`'s). An address that is not public is refused unless the
    /// store allows private ones.
    pub async fn insert_webhook_endpoint(
        &self,
        tenant: &Tenant,
        input: WebhookEndpointForCreate,
    ) -> Result<WebhookEndpoint> {
        self.check_destination(input.url.as_str()).await?;
        let now = self.now();
        let secret = new_secret()?;
        let endpoint = WebhookEndpoint {
            id: object_id(WebhookEndpoint::ID_PREFIX)?,
            url: input.url.as_str().to_owned(),
            enabled_events: input.enabled_events,
            description: input.description,
            status: EndpointStatus::Enabled,
            metadata: input.metadata,
            created_at: now,
            updated_at: now,
            secret: Some(secret.expose()),
        };
        let tenant = tenant.clone();
        self.writers
            .write(&endpoint.id.clone(), Statements::One, move |tx, _| {
                Box::pin(async move {
                    sqlx::query(
                        "INSERT INTO webhook_endpoints (id, merchant_id, mode, url, \
                         enabled_events, description, status, metadata, secret, created_at, \
                         updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10)",
                    )
                    .bind(&endpoint.id)
                    .bind(&tenant.merchant_id)
                    .bind(tenant.mode.as_str())
                    .bind(&endpoint.url)
                    .bind(list_json(&endpoint.enabled_events))
                    .bind(&endpoint.description)
                    .bind(endpoint.status.as_str())
                    .bind(metadata_json(&endpoint.metadata))
                    .bind(secret.expose())
                    .bind(endpoint.created_at.unix_millis())
                    .execute(&mut *tx)
                    .await?;
                    Ok(Written::quietly(endpoint))
                })
            })
            .await
    }

    pub async fn find_webhook_endpoint(
        &self,
        tenant: &Tenant,
        id: &str,
    ) -> Result<WebhookEndpoint> {
        find_one(&self.reader, TABLE, tenant, id, endpoint_from_row).await
    }

    pub async fn update_webhook_endpoint(
        &self,
        tenant: &Tenant,
        id: &str,
        update: WebhookEndpointForUpdate,
    ) -> Result<WebhookEndpoint> {
        if let Some(url) = &update.url {
            self.check_destination(url.as_str()).await?;
        }
        let lock = self.backend.lock_for_update();
        let (tenant, id) = (tenant.clone(), id.to_owned());
        let endpoint = self
            .writers
            .write(&id.clone(), Statements::One, move |tx, now| {
                Box::pin(async move {
                    let current =
                        find_one_locked(&mut *tx, TABLE, &tenant, &id, lock, endpoint_from_row)
                            .await?;
                    let endpoint = update.apply(current, now)?;
                    sqlx::query(
                        "UPDATE webhook_endpoints SET url = $1, enabled_events = $2, \
                         description = $3, status = $4, metadata = $5, updated_at = $6 \
                         WHERE id = $7",
                    )
                    .bind(&endpoint.url)
                    .bind(list_json(&endpoint.enabled_events))
                    .bind(&endpoint.description)
                    .bind(endpoint.status.as_str())
                    .bind(metadata_json(&endpoint.metadata))
                    .bind(endpoint.updated_at.unix_millis())
                    .bind(&id)
                    .execute(&mut *tx)
                    .await?;
                    Ok(Written::quietly(endpoint))
                })
            })
            .await?;
        if endpoint.is_enabled() {
            // Deliveries held while it was disabled are due now.
            self.deliveries.notify_one();
        }
        Ok(endpoint)
    }

    /// Deletes an endpoint and, in the same transaction, its deliveries: none is attempted
    /// afterwards (one in flight finds itself gone when it reports).
    pub async fn delete_webhook_endpoint(
        &self,
        tenant: &Tenant,
        id: &str,
    ) -> Result<DeletedWebhookEndpoint> {
        let (tenant, id) = (tenant.clone(), id.to_owned());
        self.writers
            .write(&id.clone(), Statements::Several, move |tx, _| {
                Box::pin(async move {
                    let deleted = sqlx::query(
                        "DELETE FROM webhook_endpoints WHERE id = $1 AND merchant_id = $2 \
                         AND mode = $3",
                    )
                    .bind(&id)
                    .bind(&tenant.merchant_id)
                    .bind(tenant.mode.as_str())
                    .execute(&mut *tx)
                    .await?;
                    if deleted.rows_affected() == 0 {
                        return Err(Error::not_found("webhook_endpoint", &id));
                    }
                    sqlx::query("DELETE FROM webhook_deliveries WHERE endpoint_id = $1")
                        .bind(&id)
                        .execute(&mut *tx)
                        .await?;
                    Ok(Written::quietly(DeletedWebhookEndpoint {
                        id,
                        deleted: true,
                    }))
                })
            })
            .await
    }

    pub async fn list_webhook_endpoints(
        &self,
        tenant: &Tenant,
        params: &ListParams,
    ) -> Result<Page<WebhookEndpoint>> {
        ListQuery {
            table: "webhook_endpoints",
            object: "webhook_endpoint",
            columns: COLUMNS,
            tenant,
            filters: Vec::new(),
            metadata: &[],
            params,
        }
        .fetch(&self.reader, endpoint_from_row)
        .await
    }

    /// Gives the endpoint a new secret, answered once; the old one keeps signing beside it for
    /// 24 hours, so receivers can switch without missing a delivery.
    pub async fn roll_webhook_endpoint_secret(
        &self,
        tenant: &Tenant,
        id: &str,
    ) -> Result<WebhookEndpoint> {
        let secret = new_secret()?;
        let (tenant, id) = (tenant.clone(), id.to_owned());
        self.writers
            .write(&id.clone(), Statements::One, move |tx, now| {
                Box::pin(async move {
                    let rolled = sqlx::query(&format!(
                        "UPDATE webhook_endpoints SET previous_secret = secret, \
                         previous_secret_until = $1, secret = $2, updated_at = $3 \
                         WHERE id = $4 AND merchant_id = $5 AND mode = $6 RETURNING {COLUMNS}"
                    ))
                    .bind(now.unix_millis() + PREVIOUS_SECRET_LIFETIME_MS)
                    .bind(secret.expose())
                    .bind(now.unix_millis())
                    .bind(&id)
                    .bind(&tenant.merchant_id)
                    .bind(tenant.mode.as_str())
                    .fetch_optional(&mut *tx)
                    .await?
                    .ok_or_else(|| Error::not_found("webhook_endpoint", &id))?;
                    Ok(Written::quietly(WebhookEndpoint {
                        secret: Some(secret.expose()),
                        ..endpoint_from_row(&rolled)?
                    }))
                })
            })
            .await
    }

    /// How many attempts to each of the tenant's endpoints failed since `since`: the
    /// endpoints page's "recent failures".
    pub async fn count_failed_attempts(
        &self,
        tenant: &Tenant,
        since: Timestamp,
    ) -> Result<Vec<(String, i64)>> {
        let rows = sqlx::query(
            "SELECT d.endpoint_id, COUNT(*) AS failures FROM webhook_attempts a \
             JOIN webhook_deliveries d ON d.seq = a.delivery_seq \
             JOIN webhook_endpoints w ON w.id = d.endpoint_id \
             WHERE w.merchant_id = $1 AND w.mode = $2 AND a.attempted_at >= $3 \
             AND (a.response_status IS NULL OR a.response_status < 200 OR a.response_status > 299) \
             GROUP BY d.endpoint_id",
        )
        .bind(&tenant.merchant_id)
        .bind(tenant.mode.as_str())
        .bind(since.unix_millis())
        .fetch_all(&self.reader)
        .await?;
        rows.iter()
            .map(|row| Ok((row.try_get("endpoint_id")?, row.try_get("failures")?)))
            .collect()
    }

    /// The endpoint's most recent deliveries, newest first.
    pub async fn list_deliveries(
        &self,
        tenant: &Tenant,
        endpoint_id: &str,
        limit: i64,
    ) -> Result<Vec<Delivery>> {
        self.find_webhook_endpoint(tenant, endpoint_id).await?;
        let rows = sqlx::query(
            "SELECT d.event_id, COALESCE(e.type, 'webhook_endpoint.test') AS event_type, \
             d.status, d.attempts, d.next_attempt_at, d.last_response_status, d.last_error, \
             d.created_at FROM webhook_deliveries d LEFT JOIN events e ON e.id = d.event_id \
             WHERE d.endpoint_id = $1 ORDER BY d.created_at DESC, d.seq DESC LIMIT $2",
        )
        .bind(endpoint_id)
        .bind(limit)
        .fetch_all(&self.reader)
        .await?;
        rows.iter().map(delivery_from_row).collect()
    }

    /// The endpoint's most recent attempts, newest first, each with its event's id: what the
    /// dashboard shows under each delivery.
    pub async fn list_attempts(
        &self,
        tenant: &Tenant,
        endpoint_id: &str,
        limit: i64,
    ) -> Result<Vec<(String, Attempt)>> {
        self.find_webhook_endpoint(tenant, endpoint_id).await?;
        let rows = sqlx::query(
            "SELECT d.event_id, a.attempted_at, a.response_status, a.error, a.duration_ms, \
             a.response_body FROM webhook_attempts a \
             JOIN webhook_deliveries d ON d.seq = a.delivery_seq \
             WHERE d.endpoint_id = $1 ORDER BY a.seq DESC LIMIT $2",
        )
        .bind(endpoint_id)
        .bind(limit)
        .fetch_all(&self.reader)
        .await?;
        rows.iter()
            .map(|row| {
                let attempt = Attempt {
                    attempted_at: stored_time(row.try_get("attempted_at")?)?,
                    response_status: stored_status(row.try_get("response_status")?),
                    error: row.try_get("error")?,
                    duration_ms: u64::try_from(row.try_get::<i64, _>("duration_ms")?)
                        .unwrap_or_default(),
                    response_body: row.try_get("response_body")?,
                };
                Ok((row.try_get("event_id")?, attempt))
            })
            .collect()
    }

    /// Sends a delivery again now, whatever became of it (its attempts so far stay on record).
    pub async fn resend_delivery(
        &self,
        tenant: &Tenant,
        endpoint_id: &str,
        event_id: &str,
    ) -> Result<()> {
        self.find_webhook_endpoint(tenant, endpoint_id).await?;
        let (endpoint_id, event_id) = (endpoint_id.to_owned(), event_id.to_owned());
        self.writers
            .write(&endpoint_id.clone(), Statements::One, move |tx, now| {
                Box::pin(async move {
                    let resent = sqlx::query(
                        "UPDATE webhook_deliveries SET status = 'pending', failures = 0, \
                         next_attempt_at = $1, claimed_at = NULL, updated_at = $1 \
                         WHERE endpoint_id = $2 AND event_id = $3",
                    )
                    .bind(now.unix_millis())
                    .bind(&endpoint_id)
                    .bind(&event_id)
                    .execute(&mut *tx)
                    .await?;
                    if resent.rows_affected() == 0 {
                        return Err(Error::not_found("delivery", &event_id));
                    }
                    Ok(Written::quietly(()))
                })
            })
            .await?;
        self.deliveries.notify_one();
        Ok(())
    }

    /// Queues a test event to this endpoint only: `webhook_endpoint.test`, its object the
    /// endpoint. It is not a change, so it is not among the events; only its delivery is kept.
    /// Answers the test event's id.
    pub async fn send_test_event(&self, tenant: &Tenant, endpoint_id: &str) -> Result<String> {
        let endpoint = self.find_webhook_endpoint(tenant, endpoint_id).await?;
        let now = self.now();
        let event = serde_json::json!({
            "id": object_id(Event::ID_PREFIX)?,
            "object": "event",
            "type": "webhook_endpoint.test",
            "livemode": tenant.mode == crate::merchant::Mode::Live,
            "created_at": now,
            "data": {"object": endpoint},
        });
        let id = event["id"].as_str().unwrap_or_default().to_owned();
        let (event_id, endpoint_id) = (id.clone(), endpoint_id.to_owned());
        self.writers
            .write(&endpoint_id.clone(), Statements::One, move |tx, _| {
                Box::pin(async move {
                    sqlx::query(
                        "INSERT INTO webhook_deliveries (event_id, endpoint_id, status, \
                         next_attempt_at, body, created_at, updated_at) \
                         VALUES ($1, $2, 'pending', $3, $4, $3, $3)",
                    )
                    .bind(&event_id)
                    .bind(&endpoint_id)
                    .bind(now.unix_millis())
                    .bind(event.to_string())
                    .execute(&mut *tx)
                    .await?;
                    Ok(Written::quietly(()))
                })
            })
            .await?;
        self.deliveries.notify_one();
        Ok(id)
    }

    /// Claims up to `limit` due deliveries of enabled endpoints, leaving out `busy` endpoints,
    /// for this process to attempt: each is leased for [`DELIVERY_LEASE`], so another process
    /// (PostgreSQL) skips it, and after a crash it is due again when the lease runs out.
    pub async fn claim_due_deliveries(
        &self,
        limit: usize,
        busy: &[String],
    ) -> Result<Vec<DueDelivery>> {
        let now = self.now().unix_millis();
        let lease_end = now + i64::try_from(DELIVERY_LEASE.as_millis()).unwrap_or(i64::MAX);
        let mut sql = Sql::new("UPDATE webhook_deliveries SET next_attempt_at = ");
        sql.push_bind(lease_end)
            .push(", claimed_at = ")
            .push_bind(now)
            .push(" WHERE seq IN (SELECT d.seq FROM webhook_deliveries d JOIN webhook_endpoints w ")
            .push("ON w.id = d.endpoint_id WHERE d.status = 'pending' AND d.next_attempt_at <= ")
            .push_bind(now)
            .push(" AND w.status = 'enabled'");
        for endpoint in busy {
            sql.push(" AND d.endpoint_id <> ")
                .push_bind(endpoint.clone());
        }
        sql.push(" ORDER BY d.next_attempt_at LIMIT ")
            .push_bind(i64::try_from(limit).unwrap_or(i64::MAX));
        if self.backend == Backend::Postgres {
            // Rows another process is claiming are passed over, not waited for.
            sql.push(" FOR UPDATE OF d SKIP LOCKED");
        }
        sql.push(") RETURNING seq");
        let claimed: Vec<i64> = self
            .writers
            .write(CLAIMS, Statements::One, move |tx, _| {
                Box::pin(async move {
                    let rows = sql.query().fetch_all(&mut *tx).await?;
                    let claimed = rows
                        .iter()
                        .map(|row| row.try_get("seq"))
                        .collect::<Result<_, _>>()?;
                    Ok(Written::quietly(claimed))
                })
            })
            .await?;
        if claimed.is_empty() {
            return Ok(Vec::new());
        }
        // What each attempt needs, read in one statement.
        let mut sql = Sql::new(
            "SELECT d.seq, d.event_id, d.endpoint_id, d.failures, d.body, w.url, w.secret, \
             w.previous_secret, w.previous_secret_until, e.id, e.mode, e.type, e.data, \
             e.created_at FROM webhook_deliveries d \
             JOIN webhook_endpoints w ON w.id = d.endpoint_id \
             LEFT JOIN events e ON e.id = d.event_id WHERE d.seq IN (",
        );
        for (i, seq) in claimed.into_iter().enumerate() {
            if i > 0 {
                sql.push(", ");
            }
            sql.push_bind(seq);
        }
        sql.push(") ORDER BY d.next_attempt_at, d.seq");
        let rows = sql.query().fetch_all(&self.reader).await?;
        rows.iter().map(|row| due_delivery(row, now)).collect()
    }
    /// Hands claimed deliveries back untried (their endpoint had no free slot): due again now.
    pub async fn release_deliveries(&self, seqs: Vec<i64>) -> Result<()> {
        if seqs.is_empty() {
            return Ok(());
        }
        self.writers
            .write(CLAIMS, Statements::One, move |tx, now| {
                Box::pin(async move {
                    let mut sql = Sql::new("UPDATE webhook_deliveries SET next_attempt_at = ");
                    sql.push_bind(now.unix_millis())
                        .push(", claimed_at = NULL WHERE status = 'pending' AND seq IN (");
                    for (i, seq) in seqs.into_iter().enumerate() {
                        if i > 0 {
                            sql.push(", ");
                        }
                        sql.push_bind(seq);
                    }
                    sql.push(")");
                    sql.query().execute(&mut *tx).await?;
                    Ok(Written::quietly(()))
                })
            })
            .await
    }

    /// Records an attempt and where the delivery goes next, in one transaction. A delivery
    /// deleted meanwhile (with its endpoint) records nothing.
    pub async fn record_attempt(
        &self,
        delivery: &DueDelivery,
        attempted_at: Timestamp,
        took: Duration,
        outcome: &AttemptOutcome,
        next: AfterAttempt,
    ) -> Result<()> {
        let (status, error, body) = match outcome {
            AttemptOutcome::Answered { status, body } => {
                (Some(i64::from(*status)), None, Some(body))
            }
            AttemptOutcome::NoAnswer { error } => (None, Some(error.clone()), None),
        };
        let next_attempt_at = match next {
            AfterAttempt::RetryAt(at) => Some(at.unix_millis()),
            AfterAttempt::Succeeded | AfterAttempt::Failed => None,
        };
        let failed = i64::from(!outcome.is_success());
        let (seq, body) = (delivery.seq, body.cloned());
        let took = i64::try_from(took.as_millis()).unwrap_or(i64::MAX);
        self.writers
            .write(
                &delivery.endpoint_id,
                Statements::Several,
                move |tx, now| {
                    Box::pin(async move {
                        let updated = sqlx::query(
                            "UPDATE webhook_deliveries SET status = $1, attempts = attempts + 1, \
                         failures = failures + $2, next_attempt_at = $3, claimed_at = NULL, \
                         last_response_status = $4, last_error = $5, updated_at = $6 \
                         WHERE seq = $7",
                        )
                        .bind(next.status().as_str())
                        .bind(failed)
                        .bind(next_attempt_at)
                        .bind(status)
                        .bind(&error)
                        .bind(now.unix_millis())
                        .bind(seq)
                        .execute(&mut *tx)
                        .await?;
                        if updated.rows_affected() == 1 {
                            sqlx::query(
                                "INSERT INTO webhook_attempts (delivery_seq, attempted_at, \
                             response_status, error, duration_ms, response_body) \
                             VALUES ($1, $2, $3, $4, $5, $6)",
                            )
                            .bind(seq)
                            .bind(attempted_at.unix_millis())
                            .bind(status)
                            .bind(&error)
                            .bind(took)
                            .bind(body)
                            .execute(&mut *tx)
                            .await?;
                        }
                        Ok(Written::quietly(()))
                    })
                },
            )
            .await
    }

    /// When the next pending delivery falls due, if any: how long the worker may sleep.
    pub async fn next_delivery_due(&self) -> Result<Option<Timestamp>> {
        let next: Option<i64> = sqlx::query_scalar(
            "SELECT MIN(next_attempt_at) FROM webhook_deliveries WHERE status = 'pending'",
        )
        .fetch_one(&self.reader)
        .await?;
        next.map(stored_time).transpose()
    }

    /// On SQLite one process owns the database, so at start-up every lease is a dead
    /// process's: its deliveries are due again at once rather than when the leases run out.
    pub async fn release_stale_leases(&self) -> Result<()> {
        if self.backend == Backend::Postgres {
            return Ok(());
        }
        self.writers
            .write(CLAIMS, Statements::One, move |tx, now| {
                Box::pin(async move {
                    sqlx::query(
                        "UPDATE webhook_deliveries SET next_attempt_at = $1, claimed_at = NULL \
                         WHERE status = 'pending' AND claimed_at IS NOT NULL",
                    )
                    .bind(now.unix_millis())
                    .execute(&mut *tx)
                    .await?;
                    Ok(Written::quietly(()))
                })
            })
            .await
    }

    /// Refuses a URL whose host is, or resolves to, an address deliveries may not reach.
    async fn check_destination(&self, url: &str) -> Result<()> {
        if self.allow_private_webhooks {
            return Ok(());
        }
        outbound::check_url(url)
            .await
            .map_err(|why| Error::invalid("url", format!("Invalid url: {why}")))
    }
}

/// A claimed delivery as the worker attempts it, from the claim's read (`now` tells whether a
/// rolled secret still signs).
fn due_delivery(row: &AnyRow, now: i64) -> Result<DueDelivery> {
    let body = match row.try_get::<Option<String>, _>("body")? {
        Some(body) => body,
        None => serde_json::to_string(&event_from_row(row)?).map_err(|_| Error::Internal)?,
    };
    let mut secrets = vec![stored_secret(row.try_get("secret")?)?];
    let previous: Option<String> = row.try_get("previous_secret")?;
    let until: Option<i64> = row.try_get("previous_secret_until")?;
    if let (Some(previous), Some(until)) = (previous, until) {
        if until > now {
            secrets.push(stored_secret(&previous)?);
        }
    }
    Ok(DueDelivery {
        seq: row.try_get("seq")?,
        event_id: row.try_get("event_id")?,
        endpoint_id: row.try_get("endpoint_id")?,
        url: row.try_get("url")?,
        secrets,
        body,
        failures: u32::try_from(row.try_get::<i64, _>("failures")?).unwrap_or(u32::MAX),
    })
}

fn new_secret() -> Result<WebhookSecret> {
    Ok(WebhookSecret::from_bytes(random::bytes(SECRET_BYTES)?))
}

fn stored_secret(text: &str) -> Result<WebhookSecret> {
    WebhookSecret::parse(text).ok_or_else(|| {
        tracing::error!("a stored webhook secret is not in whsec_ form");
        Error::Internal
    })
}

fn stored_status(status: Option<i64>) -> Option<u16> {
    status.and_then(|status| u16::try_from(status).ok())
}

fn list_json(items: &[String]) -> String {
    serde_json::to_string(items).unwrap_or_else(|_| "[]".into())
}

fn endpoint_from_row(row: &AnyRow) -> Result<WebhookEndpoint> {
    let status: String = row.try_get("status")?;
    let enabled_events: String = row.try_get("enabled_events")?;
    Ok(WebhookEndpoint {
        id: row.try_get("id")?,
        url: row.try_get("url")?,
        enabled_events: stored_list(&enabled_events)?,
        description: row.try_get("description")?,
        status: EndpointStatus::parse(&status).ok_or(Error::Internal)?,
        metadata: stored_metadata(row.try_get("metadata")?)?,
        created_at: stored_time(row.try_get("created_at")?)?,
        updated_at: stored_time(row.try_get("updated_at")?)?,
        secret: None,
    })
}

fn delivery_from_row(row: &AnyRow) -> Result<Delivery> {
    let status: String = row.try_get("status")?;
    Ok(Delivery {
        event_id: row.try_get("event_id")?,
        event_type: row.try_get("event_type")?,
        status: DeliveryStatus::parse(&status).ok_or(Error::Internal)?,
        attempts: u32::try_from(row.try_get::<i64, _>("attempts")?).unwrap_or_default(),
        next_attempt_at: row
            .try_get::<Option<i64>, _>("next_attempt_at")?
            .map(stored_time)
            .transpose()?,
        last_response_status: stored_status(row.try_get("last_response_status")?),
        last_error: row.try_get("last_error")?,
        created_at: stored_time(row.try_get("created_at")?)?,
    })
}
