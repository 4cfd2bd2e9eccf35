//! The one paginated query every list runs: tenant, equality filters, `created` bounds and a
//! keyset cursor on `(created_at, seq)`, newest first. The indexes in the migrations are shaped
//! for exactly this, so every page is an index range scan however deep it is.

use sqlx::any::AnyRow;
use sqlx::AnyPool;

use super::sql::Sql;
use crate::error::{Error, Result};
use crate::list::{Cursor, ListParams, Page};
use crate::merchant::Tenant;

pub(crate) struct ListQuery<'a> {
    /// Table name and the singular object name used in cursor errors.
    pub table: &'static str,
    pub object: &'static str,
    pub columns: &'static str,
    pub tenant: &'a Tenant,
    /// `column = value` filters, each backed by an index that starts with the tenant.
    pub filters: Vec<(&'static str, String)>,
    /// `metadata[key] = value` filters (customers only): each pair must be among the object's
    /// rows in `customer_metadata`.
    pub metadata: &'a [(String, String)],
    pub params: &'a ListParams,
}

/// The metadata pair that leads a list filtered by metadata.
const LEADING_PAIR: &str = "leading_pair";

impl ListQuery<'_> {
    /// Builds the page's SQL after `prefix` (the query-plan test passes `EXPLAIN QUERY PLAN`).
    /// The cursor's position is looked up inside the same statement, so a deep page costs one
    /// query like the first page.
    ///
    /// Filtered by metadata, the walk follows the first pair's index instead (it holds the
    /// tenant, key, value and creation order), joining each object by its `seq`: a rare value
    /// then costs its few rows, not a scan of the tenant's whole list. `CROSS JOIN` keeps
    /// SQLite from turning that order around.
    pub(crate) fn build(&self, prefix: &str) -> Sql {
        let table = self.table;
        let columns = self
            .columns
            .split(", ")
            .map(|column| format!("{table}.{column}"))
            .collect::<Vec<_>>()
            .join(", ");
        match self.metadata.split_first() {
            None => {
                let sql = Sql::new(format!("{prefix}SELECT {columns} FROM {table} WHERE "));
                self.finish(sql, (table, "seq"), &[])
            }
            Some((first, rest)) => {
                let mut sql = Sql::new(format!(
                    "{prefix}SELECT {columns} FROM customer_metadata AS {LEADING_PAIR} \
                     CROSS JOIN {table} WHERE "
                ));
                push_pair(&mut sql, LEADING_PAIR, first);
                sql.push(&format!(" AND {LEADING_PAIR}.merchant_id = "))
                    .push_bind(self.tenant.merchant_id.clone())
                    .push(&format!(" AND {LEADING_PAIR}.mode = "))
                    .push_bind(self.tenant.mode.as_str())
                    .push(&format!(
                        " AND {table}.seq = {LEADING_PAIR}.customer_seq AND "
                    ));
                self.finish(sql, (LEADING_PAIR, "customer_seq"), rest)
            }
        }
    }

    /// The conditions, the cursor, the order and the limit, with `order` the table (and its
    /// sequence column) whose index the page walks.
    fn finish(
        &self,
        mut sql: Sql,
        (order, seq): (&str, &str),
        metadata: &[(String, String)],
    ) -> Sql {
        self.push_conditions_on(&mut sql, order, metadata);
        let newer_first = !matches!(self.params.cursor, Some(Cursor::EndingBefore(_)));
        if let Some(cursor) = &self.params.cursor {
            sql.push(&format!(
                " AND ({order}.created_at, {order}.{seq}) {} ",
                if newer_first { "<" } else { ">" }
            ));
            sql.push(&format!(
                "(SELECT created_at, seq FROM {} WHERE id = ",
                self.table
            ))
            .push_bind(cursor.id().to_owned())
            .push(" AND merchant_id = ")
            .push_bind(self.tenant.merchant_id.clone())
            .push(" AND mode = ")
            .push_bind(self.tenant.mode.as_str())
            .push(")");
        }
        let direction = if newer_first { "DESC" } else { "ASC" };
        sql.push(&format!(
            " ORDER BY {order}.created_at {direction}, {order}.{seq} {direction} LIMIT "
        ));
        // One extra row tells whether more lie beyond the page.
        sql.push_bind(i64::from(self.params.limit.get()) + 1);
        sql
    }

    /// What selects the list's rows, whatever the page: the tenant, the filters and the
    /// `created` bounds (the cursor and the limit aside).
    pub(crate) fn push_conditions(&self, sql: &mut Sql) {
        self.push_conditions_on(sql, self.table, self.metadata);
    }

    /// The conditions, with the `created` bounds on `order`'s copy of the creation time, and
    /// `metadata` the pairs not already leading the query.
    fn push_conditions_on(&self, sql: &mut Sql, order: &str, metadata: &[(String, String)]) {
        let table = self.table;
        sql.push(&format!("{table}.merchant_id = "))
            .push_bind(self.tenant.merchant_id.clone());
        sql.push(&format!(" AND {table}.mode = "))
            .push_bind(self.tenant.mode.as_str());
        for (column, value) in &self.filters {
            sql.push(&format!(" AND {table}.{column} = "))
                .push_bind(value.clone());
        }
        for pair in metadata {
            sql.push(&format!(
                " AND EXISTS (SELECT 1 FROM customer_metadata AS pair \
                 WHERE pair.customer_seq = {table}.seq AND "
            ));
            push_pair(sql, "pair", pair);
            sql.push(")");
        }
        if let Some(from) = self.params.created.from {
            sql.push(&format!(" AND {order}.created_at >= "))
                .push_bind(from);
        }
        if let Some(to) = self.params.created.to {
            sql.push(&format!(" AND {order}.created_at <= "))
                .push_bind(to);
        }
    }

    pub(crate) async fn fetch<T>(
        &self,
        pool: &AnyPool,
        map: impl Fn(&AnyRow) -> Result<T>,
    ) -> Result<Page<T>> {
        let sql = self.build("");
        let rows = sql.query().fetch_all(pool).await?;
        // An unknown cursor also gives no rows; only then is it worth asking which it was.
        if let (true, Some(cursor)) = (rows.is_empty(), &self.params.cursor) {
            self.check_cursor(pool, cursor).await?;
        }
        let limit = usize::from(self.params.limit.get());
        let has_more = rows.len() > limit;
        let mut data = rows
            .iter()
            .take(limit)
            .map(map)
            .collect::<Result<Vec<_>>>()?;
        if matches!(self.params.cursor, Some(Cursor::EndingBefore(_))) {
            data.reverse();
        }
        Ok(Page { data, has_more })
    }

    /// The cursor must be an object the tenant can see, whatever the filters.
    async fn check_cursor(&self, pool: &AnyPool, cursor: &Cursor) -> Result<()> {
        let row = sqlx::query(&format!(
            "SELECT 1 FROM {} WHERE id = $1 AND merchant_id = $2 AND mode = $3",
            self.table
        ))
        .bind(cursor.id())
        .bind(&self.tenant.merchant_id)
        .bind(self.tenant.mode.as_str())
        .fetch_optional(pool)
        .await?;
        match row {
            Some(_) => Ok(()),
            None => Err(Error::missing_reference(
                cursor.param(),
                self.object,
                cursor.id(),
            )),
        }
    }
}

/// `alias` (a row of `customer_metadata`) holds exactly this pair. The value is matched
/// through its lower-cased index first, then exactly.
fn push_pair(sql: &mut Sql, alias: &str, (key, value): &(String, String)) {
    sql.push(&format!("{alias}.key = "))
        .push_bind(key.clone())
        .push(&format!(" AND lower({alias}.value) = lower("))
        .push_bind(value.clone())
        .push(&format!(") AND {alias}.value = "))
        .push_bind(value.clone());
}
