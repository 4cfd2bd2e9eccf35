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
    pub params: &'a ListParams,
}

impl ListQuery<'_> {
    /// Builds the page's SQL after `prefix` (the query-plan test passes `EXPLAIN QUERY PLAN`).
    /// The cursor's position is looked up inside the same statement, so a deep page costs one
    /// query like the first page.
    pub(crate) fn build(&self, prefix: &str) -> Sql {
        let mut sql = Sql::new(format!(
            "{prefix}SELECT {} FROM {} WHERE ",
            self.columns, self.table
        ));
        self.push_conditions(&mut sql);
        let newer_first = !matches!(self.params.cursor, Some(Cursor::EndingBefore(_)));
        if let Some(cursor) = &self.params.cursor {
            sql.push(if newer_first {
                " AND (created_at, seq) < "
            } else {
                " AND (created_at, seq) > "
            });
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
        sql.push(if newer_first {
            " ORDER BY created_at DESC, seq DESC LIMIT "
        } else {
            " ORDER BY created_at ASC, seq ASC LIMIT "
        });
        // One extra row tells whether more lie beyond the page.
        sql.push_bind(i64::from(self.params.limit.get()) + 1);
        sql
    }

    /// What selects the list's rows, whatever the page: the tenant, the filters and the
    /// `created` bounds (the cursor and the limit aside).
    pub(crate) fn push_conditions(&self, sql: &mut Sql) {
        sql.push("merchant_id = ")
            .push_bind(self.tenant.merchant_id.clone());
        sql.push(" AND mode = ")
            .push_bind(self.tenant.mode.as_str());
        for (column, value) in &self.filters {
            sql.push(&format!(" AND {column} = "))
                .push_bind(value.clone());
        }
        if let Some(from) = self.params.created.from {
            sql.push(" AND created_at >= ").push_bind(from);
        }
        if let Some(to) = self.params.created.to {
            sql.push(" AND created_at <= ").push_bind(to);
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
