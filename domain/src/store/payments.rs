//! Payments in the database: insert, find and list (all, or one customer's).

use sqlx::any::AnyRow;
use sqlx::{AnyPool, Row};

use super::events::Change;
use super::list::ListQuery;
use super::random::object_id;
use super::writes::{Statements, Written};
use super::{find_one, metadata_json, stored_metadata, stored_time, Store};
use crate::error::{Error, Result};
use crate::event::EventType;
use crate::list::{ListParams, Page};
use crate::merchant::Tenant;
use crate::payment::{Currency, Payment, PaymentFilter, PaymentForCreate, PaymentStatus};

const COLUMNS: &str =
    "id, amount, currency, customer_id, description, status, metadata, created_at, updated_at";
const TABLE: (&str, &str, &str) = ("payments", "payment", COLUMNS);

impl Store {
    pub async fn insert_payment(
        &self,
        tenant: &Tenant,
        input: PaymentForCreate,
    ) -> Result<Payment> {
        if let Some(customer) = &input.customer {
            require_customer(&self.reader, tenant, customer, "customer").await?;
        }
        let tenant = tenant.clone();
        let lock = self.backend.lock_shared();
        let key = input.customer.clone().unwrap_or_default();
        self.writers
            .write(&key, Statements::One, move |tx, now| {
                Box::pin(async move {
                    let payment = Payment {
                        id: object_id(Payment::ID_PREFIX)?,
                        amount: input.amount,
                        currency: input.currency,
                        customer: input.customer,
                        description: input.description,
                        status: PaymentStatus::Succeeded,
                        metadata: input.metadata,
                        created_at: now,
                        updated_at: now,
                    };
                    // The customer is checked again inside the insert, and held there against a
                    // concurrent delete: a delete in between leaves the payment without a
                    // customer rather than pointing at one that is gone.
                    let inserted = sqlx::query(&format!(
                        "INSERT INTO payments (id, merchant_id, mode, customer_id, amount, \
                         currency, description, status, metadata, created_at, updated_at) \
                         SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10 \
                         WHERE $4 IS NULL OR EXISTS (SELECT 1 FROM customers WHERE id = $4 \
                         AND merchant_id = $2 AND mode = $3{lock})"
                    ))
                    .bind(&payment.id)
                    .bind(&tenant.merchant_id)
                    .bind(tenant.mode.as_str())
                    .bind(&payment.customer)
                    .bind(payment.amount)
                    .bind(payment.currency.as_str())
                    .bind(&payment.description)
                    .bind(payment.status.as_str())
                    .bind(metadata_json(&payment.metadata))
                    .bind(now.unix_millis())
                    .execute(&mut *tx)
                    .await?;
                    if inserted.rows_affected() == 0 {
                        let id = payment.customer.as_deref().unwrap_or_default();
                        return Err(Error::missing_reference("customer", "customer", id));
                    }
                    let change = Change::of(
                        EventType::PaymentCreated,
                        payment.customer.as_deref(),
                        &payment,
                        now,
                    );
                    Ok(Written::with_changes(payment, &tenant, vec![change]))
                })
            })
            .await
    }

    pub async fn find_payment(&self, tenant: &Tenant, id: &str) -> Result<Payment> {
        find_one(&self.reader, TABLE, tenant, id, payment_from_row).await
    }

    /// Payments, optionally of one customer, who must be visible to the tenant.
    pub async fn list_payments(
        &self,
        tenant: &Tenant,
        filter: &PaymentFilter,
    ) -> Result<Page<Payment>> {
        if let Some(customer) = &filter.customer {
            require_customer(&self.reader, tenant, customer, "customer").await?;
        }
        payments_query(tenant, filter.customer.as_deref(), &filter.list)
            .fetch(&self.reader, payment_from_row)
            .await
    }

    /// One customer's payments; an unknown customer is not found (it is in the path).
    pub async fn list_customer_payments(
        &self,
        tenant: &Tenant,
        customer: &str,
        params: &ListParams,
    ) -> Result<Page<Payment>> {
        // Deleting a customer unlinks its payments, so payments found for it prove it exists;
        // only an empty page (or a refused cursor) needs asking whether it does.
        let page = payments_query(tenant, Some(customer), params)
            .fetch(&self.reader, payment_from_row)
            .await;
        if page.as_ref().map_or(true, |page| page.data.is_empty()) {
            self.find_customer(tenant, customer).await?;
        }
        page
    }
}

pub(crate) fn payments_query<'a>(
    tenant: &'a Tenant,
    customer: Option<&str>,
    params: &'a ListParams,
) -> ListQuery<'a> {
    ListQuery {
        table: "payments",
        object: "payment",
        columns: COLUMNS,
        tenant,
        filters: customer
            .map(|id| ("customer_id", id.to_owned()))
            .into_iter()
            .collect(),
        metadata: &[],
        params,
    }
}

/// Fails with `resource_missing` on `param` unless the tenant can see the customer.
pub(crate) async fn require_customer(
    pool: &AnyPool,
    tenant: &Tenant,
    customer: &str,
    param: &str,
) -> Result<()> {
    let found: Option<i64> = sqlx::query_scalar(
        "SELECT 1 FROM customers WHERE id = $1 AND merchant_id = $2 AND mode = $3",
    )
    .bind(customer)
    .bind(&tenant.merchant_id)
    .bind(tenant.mode.as_str())
    .fetch_optional(pool)
    .await?;
    match found {
        Some(_) => Ok(()),
        None => Err(Error::missing_reference(param, "customer", customer)),
    }
}

fn payment_from_row(row: &AnyRow) -> Result<Payment> {
    let currency: String = row.try_get("currency")?;
    Ok(Payment {
        id: row.try_get("id")?,
        amount: row.try_get("amount")?,
        currency: Currency::parse(&currency).map_err(|_| Error::Internal)?,
        customer: row.try_get("customer_id")?,
        description: row.try_get("description")?,
        status: PaymentStatus::Succeeded,
        metadata: stored_metadata(row.try_get("metadata")?)?,
        created_at: stored_time(row.try_get("created_at")?)?,
        updated_at: stored_time(row.try_get("updated_at")?)?,
    })
}
