//! Events in the database: written inside the transaction of each change together with their
//! deliveries to the tenant's endpoints, then found and listed.

use sqlx::any::AnyRow;
use sqlx::Row;

use super::list::ListQuery;
use super::random::object_id;
use super::sql::{Sql, Value};
use super::{find_one, stored_time, Backend, Store};
use crate::customer::Customer;
use crate::error::{Error, Result};
use crate::event::{Event, EventData, EventFilter, EventSelector, EventType};
use crate::list::{ListParams, Page};
use crate::merchant::{Mode, Tenant};
use crate::timestamp::Timestamp;
use crate::webhook::wants;

const COLUMNS: &str = "id, mode, type, data, created_at";
const TABLE: (&str, &str, &str) = ("events", "event", COLUMNS);

/// 9 values a row, as for customers: well under either engine's limit per statement.
const ROWS_PER_STATEMENT: usize = 500;

/// A change to record: what happened, to which customer (if any), and the object after it.
pub(super) struct Change {
    pub kind: EventType,
    pub customer_id: Option<String>,
    pub data: EventData,
    pub at: Timestamp,
}

impl Change {
    /// `object` changed: the event holds it as the API answers it.
    pub(super) fn of(
        kind: EventType,
        customer_id: Option<&str>,
        object: &impl serde::Serialize,
        at: Timestamp,
    ) -> Self {
        Change {
            kind,
            customer_id: customer_id.map(str::to_owned),
            data: EventData::of(object),
            at,
        }
    }

    /// A customer's update, with what its changed fields were before.
    pub(super) fn updated(before: &Customer, after: &Customer) -> Self {
        Change {
            kind: EventType::CustomerUpdated,
            customer_id: Some(after.id.clone()),
            data: EventData::of_update(before, after),
            at: after.updated_at,
        }
    }
}

/// Writes the events of `changes` (each with its tenant) inside `tx`, and queues a delivery of
/// each to every enabled endpoint of its tenant that asks for its type. Answers how many
/// deliveries it queued, so the caller can wake the delivery worker once the transaction
/// commits.
pub(super) async fn record(
    tx: &mut sqlx::AnyConnection,
    backend: Backend,
    changes: &[(Tenant, Change)],
) -> Result<usize> {
    if changes.is_empty() {
        return Ok(0);
    }
    let mut ids = Vec::with_capacity(changes.len());
    for chunk in changes.chunks(ROWS_PER_STATEMENT) {
        let mut sql = Sql::with_many_values(
            backend,
            "INSERT INTO events (id, merchant_id, mode, type, resource, customer_id, data, \
             created_at) VALUES ",
        );
        for (i, (tenant, change)) in chunk.iter().enumerate() {
            let id = object_id(Event::ID_PREFIX)?;
            if i > 0 {
                sql.push(", ");
            }
            sql.push_tuple([
                Value::from(id.clone()),
                Value::from(tenant.merchant_id.clone()),
                Value::from(tenant.mode.as_str()),
                Value::from(change.kind.as_str()),
                Value::from(change.kind.resource()),
                Value::from(change.customer_id.clone()),
                Value::from(serde_json::to_string(&change.data).map_err(|_| Error::Internal)?),
                Value::from(change.at.unix_millis()),
            ]);
            ids.push(id);
        }
        sql.query().execute(&mut *tx).await?;
    }
    queue_deliveries(tx, backend, changes, &ids).await
}

/// The deliveries of the events just written (`ids`, in the order of `changes`).
async fn queue_deliveries(
    tx: &mut sqlx::AnyConnection,
    backend: Backend,
    changes: &[(Tenant, Change)],
    ids: &[String],
) -> Result<usize> {
    let mut endpoints: Vec<(&Tenant, Vec<EnabledEndpoint>)> = Vec::new();
    let mut deliveries = Vec::new();
    for ((tenant, change), event_id) in changes.iter().zip(ids) {
        let position = match endpoints.iter().position(|(known, _)| *known == tenant) {
            Some(position) => position,
            None => {
                endpoints.push((tenant, enabled_endpoints(&mut *tx, tenant).await?));
                endpoints.len() - 1
            }
        };
        for (endpoint_id, enabled_events) in &endpoints[position].1 {
            if wants(enabled_events, change.kind) {
                deliveries.push((event_id, endpoint_id.clone(), change.at));
            }
        }
    }
    for chunk in deliveries.chunks(ROWS_PER_STATEMENT) {
        let mut sql = Sql::with_many_values(
            backend,
            "INSERT INTO webhook_deliveries (event_id, endpoint_id, status, next_attempt_at, \
             created_at, updated_at) VALUES ",
        );
        for (i, (event_id, endpoint_id, at)) in chunk.iter().enumerate() {
            if i > 0 {
                sql.push(", ");
            }
            let at = at.unix_millis();
            sql.push_tuple([
                Value::from(event_id.as_str()),
                Value::from(endpoint_id.as_str()),
                Value::from("pending"),
                Value::from(at),
                Value::from(at),
                Value::from(at),
            ]);
        }
        sql.query().execute(&mut *tx).await?;
    }
    Ok(deliveries.len())
}

/// An enabled endpoint's id and the event types it asks for.
type EnabledEndpoint = (String, Vec<String>);

/// The tenant's enabled endpoints.
async fn enabled_endpoints(
    tx: &mut sqlx::AnyConnection,
    tenant: &Tenant,
) -> Result<Vec<EnabledEndpoint>> {
    let rows = sqlx::query(
        "SELECT id, enabled_events FROM webhook_endpoints WHERE merchant_id = $1 AND mode = $2 \
         AND status = 'enabled'",
    )
    .bind(&tenant.merchant_id)
    .bind(tenant.mode.as_str())
    .fetch_all(&mut *tx)
    .await?;
    rows.iter()
        .map(|row| {
            let events: String = row.try_get("enabled_events")?;
            Ok((row.try_get("id")?, stored_list(&events)?))
        })
        .collect()
}

/// Reads a stored JSON list of strings back.
pub(super) fn stored_list(json: &str) -> Result<Vec<String>> {
    serde_json::from_str(json).map_err(|error| {
        tracing::error!(%error, "stored list is not valid JSON");
        Error::Internal
    })
}

impl Store {
    pub async fn find_event(&self, tenant: &Tenant, id: &str) -> Result<Event> {
        find_one(&self.reader, TABLE, tenant, id, event_from_row).await
    }

    pub async fn list_events(&self, tenant: &Tenant, filter: &EventFilter) -> Result<Page<Event>> {
        let filters = match &filter.kind {
            None | Some(EventSelector::All) => Vec::new(),
            Some(EventSelector::Exactly(kind)) => vec![("type", kind.as_str().to_owned())],
            Some(EventSelector::Resource(resource)) => vec![("resource", resource.clone())],
        };
        events_query(tenant, filters, &filter.list)
            .fetch(&self.reader, event_from_row)
            .await
    }

    /// The events about one customer (its own, and its payments' and subscriptions'), newest
    /// first: the dashboard's Activity. They outlive the customer.
    pub async fn list_customer_events(
        &self,
        tenant: &Tenant,
        customer_id: &str,
        params: &ListParams,
    ) -> Result<Page<Event>> {
        events_query(
            tenant,
            vec![("customer_id", customer_id.to_owned())],
            params,
        )
        .fetch(&self.reader, event_from_row)
        .await
    }
}

fn events_query<'a>(
    tenant: &'a Tenant,
    filters: Vec<(&'static str, String)>,
    params: &'a ListParams,
) -> ListQuery<'a> {
    ListQuery {
        table: "events",
        object: "event",
        columns: COLUMNS,
        tenant,
        filters,
        metadata: &[],
        params,
    }
}

pub(super) fn event_from_row(row: &AnyRow) -> Result<Event> {
    let kind: String = row.try_get("type")?;
    let mode: String = row.try_get("mode")?;
    let data: String = row.try_get("data")?;
    Ok(Event {
        id: row.try_get("id")?,
        kind: EventType::parse(&kind).ok_or(Error::Internal)?,
        livemode: Mode::parse(&mode) == Some(Mode::Live),
        created_at: stored_time(row.try_get("created_at")?)?,
        data: serde_json::from_str(&data).map_err(|error| {
            tracing::error!(%error, "stored event data is not valid JSON");
            Error::Internal
        })?,
    })
}
