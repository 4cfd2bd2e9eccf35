//! Subscriptions in the database: insert, find, list and cancel.

use sqlx::any::AnyRow;
use sqlx::Row;

use super::events::Change;
use super::list::ListQuery;
use super::payments::require_customer;
use super::random::object_id;
use super::writes::{Statements, Written};
use super::{find_one, metadata_json, stored_metadata, stored_time, Store};
use crate::error::{Error, Result};
use crate::event::EventType;
use crate::list::{ListParams, Page};
use crate::merchant::Tenant;
use crate::payment::Currency;
use crate::subscription::{
    Interval, Subscription, SubscriptionFilter, SubscriptionForCreate, SubscriptionStatus,
};
use crate::timestamp::Timestamp;

const COLUMNS: &str = "id, customer_id, status, amount, currency, billing_interval, \
    current_period_start, current_period_end, canceled_at, metadata, created_at, updated_at";
const TABLE: (&str, &str, &str) = ("subscriptions", "subscription", COLUMNS);

impl Store {
    pub async fn insert_subscription(
        &self,
        tenant: &Tenant,
        input: SubscriptionForCreate,
    ) -> Result<Subscription> {
        require_customer(&self.reader, tenant, &input.customer, "customer").await?;
        let tenant = tenant.clone();
        let lock = self.backend.lock_shared();
        self.writers
            .write(&input.customer.clone(), Statements::One, move |tx, now| {
                Box::pin(async move {
                    let subscription = Subscription {
                        id: object_id(Subscription::ID_PREFIX)?,
                        customer: input.customer,
                        status: SubscriptionStatus::Active,
                        amount: input.amount,
                        currency: input.currency,
                        interval: input.interval,
                        current_period_start: now,
                        current_period_end: input.interval.period_end(now),
                        canceled_at: None,
                        metadata: input.metadata,
                        created_at: now,
                        updated_at: now,
                    };
                    // Inserted only if the customer still exists (held against a concurrent
                    // delete until the insert commits), so a delete cannot leave an active
                    // subscription behind it.
                    let inserted = sqlx::query(&format!(
                        "INSERT INTO subscriptions (id, merchant_id, mode, customer_id, status, \
                         amount, currency, billing_interval, current_period_start, \
                         current_period_end, metadata, created_at, updated_at) \
                         SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $9, $9 \
                         WHERE EXISTS (SELECT 1 FROM customers WHERE id = $4 AND merchant_id = $2 \
                         AND mode = $3{lock})"
                    ))
                    .bind(&subscription.id)
                    .bind(&tenant.merchant_id)
                    .bind(tenant.mode.as_str())
                    .bind(&subscription.customer)
                    .bind(subscription.status.as_str())
                    .bind(subscription.amount)
                    .bind(subscription.currency.as_str())
                    .bind(subscription.interval.as_str())
                    .bind(now.unix_millis())
                    .bind(subscription.current_period_end.unix_millis())
                    .bind(metadata_json(&subscription.metadata))
                    .execute(&mut *tx)
                    .await?;
                    if inserted.rows_affected() == 0 {
                        return Err(Error::missing_reference(
                            "customer",
                            "customer",
                            &subscription.customer,
                        ));
                    }
                    let change = Change::of(
                        EventType::SubscriptionCreated,
                        Some(&subscription.customer),
                        &subscription,
                        now,
                    );
                    Ok(Written::with_changes(subscription, &tenant, vec![change]))
                })
            })
            .await
    }

    pub async fn find_subscription(&self, tenant: &Tenant, id: &str) -> Result<Subscription> {
        find_one(&self.reader, TABLE, tenant, id, subscription_from_row).await
    }

    pub async fn list_subscriptions(
        &self,
        tenant: &Tenant,
        filter: &SubscriptionFilter,
    ) -> Result<Page<Subscription>> {
        if let Some(customer) = &filter.customer {
            require_customer(&self.reader, tenant, customer, "customer").await?;
        }
        subscriptions_query(
            tenant,
            filter.customer.as_deref(),
            filter.status,
            &filter.list,
        )
        .fetch(&self.reader, subscription_from_row)
        .await
    }

    /// One customer's subscriptions; an unknown customer is not found (it is in the path).
    pub async fn list_customer_subscriptions(
        &self,
        tenant: &Tenant,
        customer: &str,
        params: &ListParams,
    ) -> Result<Page<Subscription>> {
        self.find_customer(tenant, customer).await?;
        subscriptions_query(tenant, Some(customer), None, params)
            .fetch(&self.reader, subscription_from_row)
            .await
    }

    /// Cancels a subscription; cancelling a canceled one answers it unchanged (and records
    /// nothing). It goes to the writer of its customer, as that customer's delete does.
    pub async fn cancel_subscription(&self, tenant: &Tenant, id: &str) -> Result<Subscription> {
        let found = self.find_subscription(tenant, id).await?;
        let (tenant, id) = (tenant.clone(), id.to_owned());
        self.writers
            .write(&found.customer, Statements::One, move |tx, now| {
                Box::pin(async move {
                    let canceled = sqlx::query(&format!(
                        "UPDATE subscriptions SET status = 'canceled', canceled_at = $1, \
                         updated_at = $1 WHERE id = $2 AND merchant_id = $3 AND mode = $4 \
                         AND status = 'active' RETURNING {COLUMNS}"
                    ))
                    .bind(now.unix_millis())
                    .bind(&id)
                    .bind(&tenant.merchant_id)
                    .bind(tenant.mode.as_str())
                    .fetch_optional(&mut *tx)
                    .await?;
                    let Some(row) = canceled else {
                        // Read on the writer, so the answer sees a cancel that just committed.
                        let current =
                            find_one(&mut *tx, TABLE, &tenant, &id, subscription_from_row).await?;
                        return Ok(Written::quietly(current));
                    };
                    let subscription = subscription_from_row(&row)?;
                    let change = Change::of(
                        EventType::SubscriptionCanceled,
                        Some(&subscription.customer),
                        &subscription,
                        now,
                    );
                    Ok(Written::with_changes(subscription, &tenant, vec![change]))
                })
            })
            .await
    }
}

/// Cancels the customer's active subscriptions inside `tx` (its delete): answers them canceled.
pub(super) async fn cancel_active_subscriptions(
    tx: &mut sqlx::AnyConnection,
    tenant: &Tenant,
    customer_id: &str,
    now: Timestamp,
) -> Result<Vec<Subscription>> {
    let rows = sqlx::query(&format!(
        "UPDATE subscriptions SET status = 'canceled', canceled_at = $1, updated_at = $1 \
         WHERE merchant_id = $2 AND mode = $3 AND customer_id = $4 AND status = 'active' \
         RETURNING {COLUMNS}"
    ))
    .bind(now.unix_millis())
    .bind(&tenant.merchant_id)
    .bind(tenant.mode.as_str())
    .bind(customer_id)
    .fetch_all(&mut *tx)
    .await?;
    let mut canceled = rows
        .iter()
        .map(subscription_from_row)
        .collect::<Result<Vec<_>>>()?;
    // Oldest first, so their events list in the order the subscriptions were made.
    canceled.sort_by(|a, b| (a.created_at, &a.id).cmp(&(b.created_at, &b.id)));
    Ok(canceled)
}

pub(crate) fn subscriptions_query<'a>(
    tenant: &'a Tenant,
    customer: Option<&str>,
    status: Option<SubscriptionStatus>,
    params: &'a ListParams,
) -> ListQuery<'a> {
    let mut filters = Vec::new();
    if let Some(customer) = customer {
        filters.push(("customer_id", customer.to_owned()));
    }
    if let Some(status) = status {
        filters.push(("status", status.as_str().to_owned()));
    }
    ListQuery {
        table: "subscriptions",
        object: "subscription",
        columns: COLUMNS,
        tenant,
        filters,
        metadata: &[],
        params,
    }
}

fn subscription_from_row(row: &AnyRow) -> Result<Subscription> {
    let status: String = row.try_get("status")?;
    let interval: String = row.try_get("billing_interval")?;
    let currency: String = row.try_get("currency")?;
    Ok(Subscription {
        id: row.try_get("id")?,
        customer: row.try_get("customer_id")?,
        status: SubscriptionStatus::parse(&status).ok_or(Error::Internal)?,
        amount: row.try_get("amount")?,
        currency: Currency::parse(&currency).map_err(|_| Error::Internal)?,
        interval: Interval::parse(&interval).ok_or(Error::Internal)?,
        current_period_start: stored_time(row.try_get("current_period_start")?)?,
        current_period_end: stored_time(row.try_get("current_period_end")?)?,
        canceled_at: row
            .try_get::<Option<i64>, _>("canceled_at")?
            .map(stored_time)
            .transpose()?,
        metadata: stored_metadata(row.try_get("metadata")?)?,
        created_at: stored_time(row.try_get("created_at")?)?,
        updated_at: stored_time(row.try_get("updated_at")?)?,
    })
}
