//! Customers in the database: insert, find, update, delete (with its cascade) and list.

use std::sync::Arc;

use sqlx::any::AnyPoolOptions;
use sqlx::any::{AnyArguments, AnyRow};
use sqlx::{Any, AnyPool, Row};
use tokio::sync::{mpsc, oneshot, Notify};

use super::events::{self, Change};
use super::list::ListQuery;
use super::random::object_id;
use super::sql::{Sql, Value};
use super::subscriptions::cancel_active_subscriptions;
use super::Backend;
use super::{find_one, find_one_locked, metadata_json, stored_metadata, stored_time, Clock, Store};
use crate::customer::{
    Customer, CustomerFilter, CustomerForCreate, CustomerForUpdate, DeletedCustomer,
};
use crate::error::{Error, Result};
use crate::event::EventType;
use crate::list::Page;
use crate::merchant::Tenant;
use crate::phone::{PhoneCountry, E164};

pub(super) const COLUMNS: &str = "id, email, name, phone, metadata, created_at, updated_at";
const TABLE: (&str, &str, &str) = ("customers", "customer", COLUMNS);
const INSERT_COLUMNS: &str = "id, merchant_id, mode, email, email_normalized, name, phone, \
    phone_e164, metadata, created_at, updated_at";

impl Store {
    /// Inserts a customer. Inserts that arrive while the writer is busy are written together,
    /// see [`CustomerInserts`].
    pub async fn insert_customer(
        &self,
        tenant: &Tenant,
        input: CustomerForCreate,
    ) -> Result<Customer> {
        let (answer, answered) = oneshot::channel();
        let pending = PendingInsert {
            tenant: tenant.clone(),
            input,
            answer,
        };
        self.customer_inserts
            .0
            .send(pending)
            .map_err(|_| Error::Internal)?;
        answered.await.map_err(|_| Error::Internal)?
    }

    /// Inserts many customers in one transaction, all or none, in the order given (the last one
    /// is the newest): for imports and for seeding large databases. Rows go in many to a
    /// statement, so a million take seconds rather than minutes.
    pub async fn import_customers(
        &self,
        tenant: &Tenant,
        inputs: impl IntoIterator<Item = CustomerForCreate>,
    ) -> Result<Vec<String>> {
        let mut tx = self.writer.begin().await?;
        let (ids, queued) = self.insert_many(&mut tx, tenant, inputs, |_| {}).await?;
        self.commit(tx, queued).await?;
        Ok(ids)
    }

    /// Inserts customers and their events inside `tx`, many to a statement, telling `progress`
    /// how many are written so far; answers their ids and how many deliveries were queued.
    pub(super) async fn insert_many(
        &self,
        tx: &mut sqlx::Transaction<'_, Any>,
        tenant: &Tenant,
        inputs: impl IntoIterator<Item = CustomerForCreate>,
        mut progress: impl FnMut(usize),
    ) -> Result<(Vec<String>, usize)> {
        let customers = inputs
            .into_iter()
            .map(|input| new_customer(&self.clock, input))
            .collect::<Result<Vec<_>>>()?;
        let mut written = 0;
        let mut queued = 0;
        for chunk in customers.chunks(ROWS_PER_STATEMENT) {
            let rows: Vec<_> = chunk.iter().map(|customer| (tenant, customer)).collect();
            queued += insert_rows(tx, self.backend, &rows).await?;
            written += chunk.len();
            progress(written);
        }
        let ids = customers.into_iter().map(|customer| customer.id).collect();
        Ok((ids, queued))
    }

    pub async fn find_customer(&self, tenant: &Tenant, id: &str) -> Result<Customer> {
        find_one(&self.reader, TABLE, tenant, id, customer_from_row).await
    }

    /// Applies an update atomically, so concurrent updates of different fields do not overwrite
    /// each other. The customer is read from a reader and written only if it is still exactly
    /// as read (one statement on the writer instead of a four-step transaction); when another
    /// write got there first, it is read again, and after a few such races the update runs as
    /// one read-and-write transaction on the writer, the row locked from read to write.
    pub async fn update_customer(
        &self,
        tenant: &Tenant,
        id: &str,
        update: CustomerForUpdate,
    ) -> Result<Customer> {
        const OPTIMISTIC_ATTEMPTS: usize = 3;
        for _ in 0..OPTIMISTIC_ATTEMPTS {
            let current = find_one(&self.reader, TABLE, tenant, id, customer_from_row).await?;
            let customer = update.clone().apply(current.clone(), self.now())?;
            let mut tx = self.writer.begin().await?;
            let written = bind_update(sqlx::query(UPDATE_UNCHANGED_CUSTOMER), &customer)
                .bind(current.email.clone())
                .bind(current.name.clone())
                .bind(current.phone.clone())
                .bind(metadata_json(&current.metadata))
                .bind(current.updated_at.unix_millis())
                .execute(&mut *tx)
                .await?;
            if written.rows_affected() == 1 {
                let change = Change::updated(&current, &customer);
                self.commit_with_events(tx, tenant, vec![change]).await?;
                return Ok(customer);
            }
        }
        let mut tx = self.writer.begin().await?;
        let lock = self.backend.lock_for_update();
        let current = find_one_locked(&mut *tx, TABLE, tenant, id, lock, customer_from_row).await?;
        let customer = update.apply(current.clone(), self.now())?;
        bind_update(sqlx::query(UPDATE_CUSTOMER), &customer)
            .execute(&mut *tx)
            .await?;
        let change = Change::updated(&current, &customer);
        self.commit_with_events(tx, tenant, vec![change]).await?;
        Ok(customer)
    }

    /// Deletes a customer; in the same transaction its active subscriptions are canceled and its
    /// payments let go of it.
    pub async fn delete_customer(&self, tenant: &Tenant, id: &str) -> Result<DeletedCustomer> {
        let now = self.now();
        let mut tx = self.writer.begin().await?;
        let deleted = sqlx::query(&format!(
            "DELETE FROM customers WHERE id = $1 AND merchant_id = $2 AND mode = $3 \
             RETURNING {COLUMNS}"
        ))
        .bind(id)
        .bind(&tenant.merchant_id)
        .bind(tenant.mode.as_str())
        .fetch_optional(&mut *tx)
        .await?
        .ok_or_else(|| Error::not_found("customer", id))?;
        let customer = customer_from_row(&deleted)?;
        let canceled = cancel_active_subscriptions(&mut tx, tenant, id, now).await?;
        sqlx::query(
            "UPDATE payments SET customer_id = NULL, updated_at = $1 \
             WHERE merchant_id = $2 AND mode = $3 AND customer_id = $4",
        )
        .bind(now.unix_millis())
        .bind(&tenant.merchant_id)
        .bind(tenant.mode.as_str())
        .bind(id)
        .execute(&mut *tx)
        .await?;
        let mut changes = vec![Change::of(
            EventType::CustomerDeleted,
            Some(id),
            &customer,
            now,
        )];
        changes.extend(canceled.iter().map(|subscription| {
            Change::of(EventType::SubscriptionCanceled, Some(id), subscription, now)
        }));
        self.commit_with_events(tx, tenant, changes).await?;
        Ok(DeletedCustomer {
            id: id.to_owned(),
            deleted: true,
        })
    }

    pub async fn list_customers(
        &self,
        tenant: &Tenant,
        filter: &CustomerFilter,
    ) -> Result<Page<Customer>> {
        customers_query(tenant, filter)
            .fetch(&self.reader, customer_from_row)
            .await
    }

    /// How many of the customer's subscriptions a delete would cancel.
    pub async fn count_active_subscriptions(
        &self,
        tenant: &Tenant,
        customer_id: &str,
    ) -> Result<i64> {
        Ok(sqlx::query_scalar(
            "SELECT COUNT(*) FROM subscriptions WHERE merchant_id = $1 AND mode = $2 \
             AND customer_id = $3 AND status = 'active'",
        )
        .bind(&tenant.merchant_id)
        .bind(tenant.mode.as_str())
        .bind(customer_id)
        .fetch_one(&self.reader)
        .await?)
    }
}

pub(crate) fn customers_query<'a>(tenant: &'a Tenant, filter: &'a CustomerFilter) -> ListQuery<'a> {
    ListQuery {
        table: "customers",
        object: "customer",
        columns: COLUMNS,
        tenant,
        filters: [
            filter
                .email
                .clone()
                .map(|email| ("email_normalized", email)),
            filter.phone.clone().map(|phone| ("phone_e164", phone)),
        ]
        .into_iter()
        .flatten()
        .collect(),
        metadata: &filter.metadata,
        params: &filter.list,
    }
}

/// Writes a customer's changeable columns.
const UPDATE_CUSTOMER: &str = "UPDATE customers SET email = $1, email_normalized = $2, name = $3, \
    phone = $4, metadata = $5, updated_at = $6, phone_e164 = $8 WHERE id = $7";

/// Like `UPDATE_CUSTOMER`, only while the row is still exactly as read ($9 to $13).
const UPDATE_UNCHANGED_CUSTOMER: &str = "UPDATE customers SET email = $1, email_normalized = $2, \
    name = $3, phone = $4, metadata = $5, updated_at = $6, phone_e164 = $8 WHERE id = $7 \
    AND (email = $9 OR (email IS NULL AND $9 IS NULL)) \
    AND (name = $10 OR (name IS NULL AND $10 IS NULL)) \
    AND (phone = $11 OR (phone IS NULL AND $11 IS NULL)) \
    AND metadata = $12 AND updated_at = $13";

fn bind_update<'q>(
    query: sqlx::query::Query<'q, Any, AnyArguments<'q>>,
    customer: &Customer,
) -> sqlx::query::Query<'q, Any, AnyArguments<'q>> {
    query
        .bind(customer.email.clone())
        .bind(customer.email.as_ref().map(|e| e.to_lowercase()))
        .bind(customer.name.clone())
        .bind(customer.phone.clone())
        .bind(metadata_json(&customer.metadata))
        .bind(customer.updated_at.unix_millis())
        .bind(customer.id.clone())
        .bind(phone_e164(customer.phone.as_deref()))
}

/// The E.164 form searches and the `phone` filter match on, beside the number as given.
pub(super) fn phone_e164(phone: Option<&str>) -> Option<String> {
    phone
        .and_then(|phone| E164::parse(phone, PhoneCountry::GHANA))
        .map(|number| number.as_str().to_owned())
}

/// Gives customers stored before phones had an E.164 column theirs, a batch per transaction.
/// Walks by `seq`, so a number that has no E.164 form is passed over, not read again; once done,
/// asking costs a look at an empty partial index (`customers_phone_to_fill`).
pub(super) async fn fill_in_phone_e164(writer: &AnyPool) -> Result<()> {
    const BATCH: i64 = 1000;
    let mut after = -1_i64;
    loop {
        let rows = sqlx::query(
            "SELECT seq, phone FROM customers WHERE phone IS NOT NULL AND phone_e164 IS NULL \
             AND seq > $1 ORDER BY seq LIMIT $2",
        )
        .bind(after)
        .bind(BATCH)
        .fetch_all(writer)
        .await?;
        let Some(last) = rows.last() else {
            return Ok(());
        };
        after = last.try_get("seq")?;
        let mut tx = writer.begin().await?;
        for row in &rows {
            let phone: String = row.try_get("phone")?;
            sqlx::query("UPDATE customers SET phone_e164 = $1 WHERE seq = $2")
                .bind(phone_e164(Some(&phone)))
                .bind(row.try_get::<i64, _>("seq")?)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
    }
}

/// 11 parameters a row, well under SQLite's (and PostgreSQL's) limit per statement.
const ROWS_PER_STATEMENT: usize = 500;

fn new_customer(clock: &Clock, input: CustomerForCreate) -> Result<Customer> {
    let now = clock.tick();
    Ok(Customer {
        id: object_id(Customer::ID_PREFIX)?,
        email: input.email.map(String::from),
        name: input.name.map(String::from),
        phone: input.phone.map(String::from),
        metadata: input.metadata,
        created_at: now,
        updated_at: now,
    })
}

/// New customers, each with its tenant, in one multi-row statement, and their events; answers
/// how many deliveries were queued.
async fn insert_rows(
    tx: &mut sqlx::AnyConnection,
    backend: Backend,
    rows: &[(&Tenant, &Customer)],
) -> Result<usize> {
    let mut sql = Sql::with_many_values(
        backend,
        format!("INSERT INTO customers ({INSERT_COLUMNS}) VALUES "),
    );
    for (i, (tenant, customer)) in rows.iter().enumerate() {
        if i > 0 {
            sql.push(", ");
        }
        sql.push_tuple([
            Value::from(customer.id.clone()),
            Value::from(tenant.merchant_id.clone()),
            Value::from(tenant.mode.as_str()),
            Value::from(customer.email.clone()),
            Value::from(customer.email.as_ref().map(|e| e.to_lowercase())),
            Value::from(customer.name.clone()),
            Value::from(customer.phone.clone()),
            Value::from(phone_e164(customer.phone.as_deref())),
            Value::from(metadata_json(&customer.metadata)),
            Value::from(customer.created_at.unix_millis()),
            Value::from(customer.updated_at.unix_millis()),
        ]);
    }
    sql.query().execute(&mut *tx).await?;
    let changes: Vec<_> = rows
        .iter()
        .map(|(tenant, customer)| {
            let change = Change::of(
                EventType::CustomerCreated,
                Some(&customer.id),
                *customer,
                customer.created_at,
            );
            (*tenant, change)
        })
        .collect();
    events::record(tx, backend, &changes).await
}

/// `insert_rows` in a transaction of its own, waking the delivery worker once it commits.
async fn insert_rows_alone(
    writer: &AnyPool,
    backend: Backend,
    deliveries: &Notify,
    rows: &[(&Tenant, &Customer)],
) -> Result<()> {
    let mut tx = writer.begin().await?;
    let queued = insert_rows(&mut tx, backend, rows).await?;
    tx.commit().await?;
    if queued > 0 {
        deliveries.notify_one();
    }
    Ok(())
}

/// The queue of customers waiting to be inserted. A worker writes whatever has queued up while
/// the writer was busy as one statement (one transaction: on SQLite one trip to its one writer,
/// on PostgreSQL one commit to flush), so 64 concurrent creates cost a few trips to the
/// writer rather than 64; a lone create still goes straight through. Each is stamped and given
/// its id in queue order, so creation order and list order agree.
pub(super) struct CustomerInserts(mpsc::UnboundedSender<PendingInsert>);

struct PendingInsert {
    tenant: Tenant,
    input: CustomerForCreate,
    answer: oneshot::Sender<Result<Customer>>,
}

/// Where the insert worker writes.
pub(super) enum InsertWriter {
    /// The store's own writer: SQLite's connections are threads of their own, usable from any
    /// runtime.
    Shared(AnyPool),
    /// A connection of the worker's own to this PostgreSQL URL, opened on the worker's runtime,
    /// which its socket belongs to.
    Own(String),
}

impl CustomerInserts {
    /// Starts the worker on a thread of its own, so the store does not depend on the runtime
    /// that opened it; the thread ends when the last clone of the store is dropped.
    pub(super) fn start(
        writer: InsertWriter,
        backend: Backend,
        clock: Arc<Clock>,
        deliveries: Arc<Notify>,
    ) -> Result<Self> {
        let (queue, queued) = mpsc::unbounded_channel();
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|error| {
                tracing::error!(%error, "cannot start the insert worker's runtime");
                Error::Internal
            })?;
        std::thread::Builder::new()
            .name("shika-inserts".into())
            .spawn(move || {
                runtime.block_on(async move {
                    let writer = match writer {
                        InsertWriter::Shared(pool) => pool,
                        InsertWriter::Own(url) => {
                            match AnyPoolOptions::new().max_connections(1).connect_lazy(&url) {
                                Ok(pool) => pool,
                                Err(error) => {
                                    tracing::error!(%error, "the insert worker cannot connect");
                                    return;
                                }
                            }
                        }
                    };
                    write_queued_inserts(writer, backend, clock, deliveries, queued).await;
                });
            })
            .map_err(|error| {
                tracing::error!(%error, "cannot start the insert worker");
                Error::Internal
            })?;
        Ok(CustomerInserts(queue))
    }
}

async fn write_queued_inserts(
    writer: AnyPool,
    backend: Backend,
    clock: Arc<Clock>,
    deliveries: Arc<Notify>,
    mut queued: mpsc::UnboundedReceiver<PendingInsert>,
) {
    let mut pending = Vec::new();
    while queued.recv_many(&mut pending, ROWS_PER_STATEMENT).await > 0 {
        let mut made = Vec::new();
        for insert in pending.drain(..) {
            match new_customer(&clock, insert.input) {
                Ok(customer) => made.push((insert.tenant, customer, insert.answer)),
                Err(error) => {
                    let _ = insert.answer.send(Err(error));
                }
            }
        }
        let rows: Vec<_> = made
            .iter()
            .map(|(tenant, customer, _)| (tenant, customer))
            .collect();
        let together = insert_rows_alone(&writer, backend, &deliveries, &rows).await;
        if together.is_ok() || made.len() == 1 {
            for (_, customer, answer) in made {
                let _ = answer.send(together.clone().map(|()| customer));
            }
        } else {
            // One failing row (say, a merchant deleted meanwhile) must not fail the others.
            for (tenant, customer, answer) in made {
                let alone =
                    insert_rows_alone(&writer, backend, &deliveries, &[(&tenant, &customer)]).await;
                let _ = answer.send(alone.map(|()| customer));
            }
        }
    }
}

pub(super) fn customer_from_row(row: &AnyRow) -> Result<Customer> {
    Ok(Customer {
        id: row.try_get("id")?,
        email: row.try_get("email")?,
        name: row.try_get("name")?,
        phone: row.try_get("phone")?,
        metadata: stored_metadata(row.try_get("metadata")?)?,
        created_at: stored_time(row.try_get("created_at")?)?,
        updated_at: stored_time(row.try_get("updated_at")?)?,
    })
}
