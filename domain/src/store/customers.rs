//! Customers in the database: insert, find, update, delete (with its cascade) and list.

use sqlx::any::{AnyArguments, AnyRow};
use sqlx::{Any, AnyPool, Row};

use super::events::{self, Change};
use super::list::ListQuery;
use super::random::object_id;
use super::sql::{Sql, Value};
use super::subscriptions::cancel_active_subscriptions;
use super::writes::{Statements, Written};
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
    /// Inserts a customer. New customers of a group of writes go in together, see
    /// [`super::writes`].
    pub async fn insert_customer(
        &self,
        tenant: &Tenant,
        input: CustomerForCreate,
    ) -> Result<Customer> {
        self.writers.insert_customer(tenant, input).await
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
        for chunk in customers.chunks(ROWS_PER_STATEMENT) {
            let rows: Vec<_> = chunk.iter().map(|customer| (tenant, customer)).collect();
            insert_rows(tx, self.backend, &rows).await?;
            written += chunk.len();
            progress(written);
        }
        let changes: Vec<_> = customers
            .iter()
            .map(|customer| (tenant.clone(), created(customer)))
            .collect();
        let queued = events::record(tx, self.backend, &changes).await?;
        let ids = customers.into_iter().map(|customer| customer.id).collect();
        Ok((ids, queued))
    }

    pub async fn find_customer(&self, tenant: &Tenant, id: &str) -> Result<Customer> {
        find_one(&self.reader, TABLE, tenant, id, customer_from_row).await
    }

    /// Applies an update atomically, so concurrent updates of different fields do not overwrite
    /// each other. The customer is read from a reader; the writer writes it only if it is still
    /// exactly as read (the group's updates in one statement, see [`super::writes`]), and when
    /// another write got there first it reads the customer again itself, the row locked from
    /// read to write.
    pub async fn update_customer(
        &self,
        tenant: &Tenant,
        id: &str,
        update: CustomerForUpdate,
    ) -> Result<Customer> {
        let read = find_one(&self.reader, TABLE, tenant, id, customer_from_row).await?;
        self.writers.update_customer(tenant, read, update).await
    }

    /// Deletes a customer; in the same transaction its active subscriptions are canceled and its
    /// payments let go of it.
    pub async fn delete_customer(&self, tenant: &Tenant, id: &str) -> Result<DeletedCustomer> {
        let (tenant, id) = (tenant.clone(), id.to_owned());
        self.writers
            .write(&id.clone(), Statements::Several, move |tx, now| {
                Box::pin(async move {
                    let deleted = sqlx::query(&format!(
                        "DELETE FROM customers WHERE id = $1 AND merchant_id = $2 AND mode = $3 \
                         RETURNING {COLUMNS}"
                    ))
                    .bind(&id)
                    .bind(&tenant.merchant_id)
                    .bind(tenant.mode.as_str())
                    .fetch_optional(&mut *tx)
                    .await?
                    .ok_or_else(|| Error::not_found("customer", &id))?;
                    let customer = customer_from_row(&deleted)?;
                    let canceled = cancel_active_subscriptions(tx, &tenant, &id, now).await?;
                    sqlx::query(
                        "UPDATE payments SET customer_id = NULL, updated_at = $1 \
                         WHERE merchant_id = $2 AND mode = $3 AND customer_id = $4",
                    )
                    .bind(now.unix_millis())
                    .bind(&tenant.merchant_id)
                    .bind(tenant.mode.as_str())
                    .bind(&id)
                    .execute(&mut *tx)
                    .await?;
                    let mut changes = vec![Change::of(
                        EventType::CustomerDeleted,
                        Some(&id),
                        &customer,
                        now,
                    )];
                    changes.extend(canceled.iter().map(|subscription| {
                        Change::of(
                            EventType::SubscriptionCanceled,
                            Some(&id),
                            subscription,
                            now,
                        )
                    }));
                    let deleted = DeletedCustomer { id, deleted: true };
                    Ok(Written::with_changes(deleted, &tenant, changes))
                })
            })
            .await
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

/// Writes each of `updates` (the customer as read, then as updated) where the customer is still
/// exactly as read, all in one statement; answers the ids it wrote. Each customer at most once.
pub(super) async fn update_unchanged(
    tx: &mut sqlx::AnyConnection,
    backend: Backend,
    updates: &[(&Customer, &Customer)],
) -> Result<Vec<String>> {
    let mut sql = Sql::with_many_values(
        backend,
        "UPDATE customers SET email = v.column2, email_normalized = v.column3, \
         name = v.column4, phone = v.column5, metadata = v.column6, updated_at = v.column7, \
         phone_e164 = v.column8 FROM (VALUES ",
    );
    for (i, (read, customer)) in updates.iter().enumerate() {
        if i > 0 {
            sql.push(", ");
        }
        sql.push_tuple([
            Value::from(customer.id.clone()),
            Value::from(customer.email.clone()),
            Value::from(customer.email.as_ref().map(|e| e.to_lowercase())),
            Value::from(customer.name.clone()),
            Value::from(customer.phone.clone()),
            Value::from(metadata_json(&customer.metadata)),
            Value::from(customer.updated_at.unix_millis()),
            Value::from(phone_e164(customer.phone.as_deref())),
            Value::from(read.email.clone()),
            Value::from(read.name.clone()),
            Value::from(read.phone.clone()),
            Value::from(metadata_json(&read.metadata)),
            Value::from(read.updated_at.unix_millis()),
        ]);
    }
    sql.push(
        ") AS v WHERE customers.id = v.column1 \
         AND (customers.email = v.column9 OR (customers.email IS NULL AND v.column9 IS NULL)) \
         AND (customers.name = v.column10 OR (customers.name IS NULL AND v.column10 IS NULL)) \
         AND (customers.phone = v.column11 OR (customers.phone IS NULL AND v.column11 IS NULL)) \
         AND customers.metadata = v.column12 AND customers.updated_at = v.column13 \
         RETURNING customers.id",
    );
    let rows = sql.query().fetch_all(&mut *tx).await?;
    Ok(rows
        .iter()
        .map(|row| row.try_get("id"))
        .collect::<Result<_, _>>()?)
}

/// Reads the customer again, locked until the transaction ends, applies `update` at `now` and
/// writes it: for an update whose customer changed after it was read. Answers the customer
/// before and after.
pub(super) async fn update_locked(
    tx: &mut sqlx::AnyConnection,
    backend: Backend,
    (tenant, id): (&Tenant, &str),
    update: CustomerForUpdate,
    now: crate::timestamp::Timestamp,
) -> Result<(Customer, Customer)> {
    let lock = backend.lock_for_update();
    let current = find_one_locked(&mut *tx, TABLE, tenant, id, lock, customer_from_row).await?;
    let customer = update.apply(current.clone(), now)?;
    bind_update(sqlx::query(UPDATE_CUSTOMER), &customer)
        .execute(&mut *tx)
        .await?;
    Ok((current, customer))
}

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

pub(super) fn new_customer(clock: &Clock, input: CustomerForCreate) -> Result<Customer> {
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

/// New customers, each with its tenant, in one multi-row statement.
pub(super) async fn insert_rows(
    tx: &mut sqlx::AnyConnection,
    backend: Backend,
    rows: &[(&Tenant, &Customer)],
) -> Result<()> {
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
    Ok(())
}

/// The change a new customer records.
pub(super) fn created(customer: &Customer) -> Change {
    Change::of(
        EventType::CustomerCreated,
        Some(&customer.id),
        customer,
        customer.created_at,
    )
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
