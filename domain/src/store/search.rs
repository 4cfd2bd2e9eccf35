//! Customer search in the database: a [`SearchQuery`] as one SQL statement over the indexes the
//! `customer_search` migration keeps (trigrams of names and emails, E.164 phones, metadata
//! pairs), newest first, paged by the position of the last result.

use sqlx::Row;

use super::customers::{customer_from_row, COLUMNS};
use super::sql::Sql;
use super::{Backend, Store};
use crate::customer::Customer;
use crate::error::Result;
use crate::merchant::Tenant;
use crate::search::{
    Clause, Comparison, Condition, CustomerSearch, Join, PageToken, SearchPage, SearchQuery,
    TextField, MIN_SUBSTRING_CHARS,
};

impl Store {
    /// The customers matching a search, consistent with every write committed before it (the
    /// indexes are written in the writes' own transactions).
    pub async fn search_customers(
        &self,
        tenant: &Tenant,
        search: &CustomerSearch,
    ) -> Result<SearchPage<Customer>> {
        let rows = search_sql(self.backend, tenant, search, "")
            .query()
            .fetch_all(&self.reader)
            .await?;
        let limit = usize::from(search.limit.get());
        let next_page = match (rows.len() > limit, rows.get(limit.wrapping_sub(1))) {
            (true, Some(last)) => Some(PageToken {
                created_at: last.try_get("created_at")?,
                seq: last.try_get("seq")?,
            }),
            _ => None,
        };
        let data = rows
            .iter()
            .take(limit)
            .map(customer_from_row)
            .collect::<Result<Vec<_>>>()?;
        Ok(SearchPage { data, next_page })
    }
}

/// The search's SQL after `prefix` (the query-plan tests pass an `EXPLAIN`).
pub(crate) fn search_sql(
    backend: Backend,
    tenant: &Tenant,
    search: &CustomerSearch,
    prefix: &str,
) -> Sql {
    // SQLite picks the tenant's index in list order over the match sets when it can, which
    // walks the merchant's every customer to find a rare match. When the clauses' own indexes
    // can lead (see `leads`), `+` takes the tenant's columns out of the index choice: the
    // matches are read from those indexes and sorted, however many customers there are.
    let tenant_column = match backend {
        Backend::Sqlite if leads(&search.query) => "+",
        _ => "",
    };
    let mut sql = Sql::new(format!(
        "{prefix}SELECT seq, {COLUMNS} FROM customers WHERE {tenant_column}merchant_id = "
    ));
    sql.push_bind(tenant.merchant_id.clone())
        .push(&format!(" AND {tenant_column}mode = "))
        .push_bind(tenant.mode.as_str())
        .push(" AND (");
    let join = match search.query.join {
        Join::And => " AND ",
        Join::Or => " OR ",
    };
    for (i, clause) in search.query.clauses.iter().enumerate() {
        if i > 0 {
            sql.push(join);
        }
        push_clause(&mut sql, backend, tenant, clause);
    }
    sql.push(")");
    if let Some(page) = search.page {
        sql.push(" AND (created_at, seq) < (")
            .push_bind(page.created_at)
            .push(", ")
            .push_bind(page.seq)
            .push(")");
    }
    sql.push(" ORDER BY created_at DESC, seq DESC LIMIT ")
        .push_bind(i64::from(search.limit.get()) + 1);
    sql
}

/// Whether the clauses' own indexes can find every match: some clause of an AND, or every
/// clause of an OR, is one that an index answers (not negated, not a `created` bound, not an
/// exact name too short for trigrams).
fn leads(query: &SearchQuery) -> bool {
    let indexed = |clause: &Clause| {
        !clause.negated
            && match &clause.condition {
                Condition::Equals(TextField::Name, value) => {
                    value.chars().count() >= MIN_SUBSTRING_CHARS
                }
                Condition::Created(..) => false,
                _ => true,
            }
    };
    match query.join {
        Join::And => query.clauses.iter().any(indexed),
        Join::Or => query.clauses.iter().all(indexed),
    }
}

/// One clause in parentheses; negated, it also holds where the field is empty (`IS NOT TRUE`
/// rather than `NOT`, which would leave such customers out).
fn push_clause(sql: &mut Sql, backend: Backend, tenant: &Tenant, clause: &Clause) {
    sql.push("(");
    push_condition(sql, backend, tenant, &clause.condition);
    sql.push(if clause.negated { ") IS NOT TRUE" } else { ")" });
}

fn push_condition(sql: &mut Sql, backend: Backend, tenant: &Tenant, condition: &Condition) {
    match (condition, backend) {
        // On SQLite each indexed clause is the set of rows its index finds, so that clauses
        // joined by OR can each use theirs.
        (Condition::Equals(TextField::Email, value), Backend::Sqlite) => {
            push_tenant_index_match(sql, tenant, "email_normalized", value.to_lowercase());
        }
        (Condition::Equals(TextField::Email, value), Backend::Postgres) => {
            sql.push("email_normalized = ")
                .push_bind(value.to_lowercase());
        }
        (Condition::Equals(TextField::Name, value), Backend::Sqlite) => {
            sql.push("lower(name) = lower(")
                .push_bind(value.clone())
                .push(")");
            // The trigram index narrows an exact name down to the few that contain it.
            if value.chars().count() >= MIN_SUBSTRING_CHARS {
                sql.push(" AND ");
                push_trigram_match(sql, TextField::Name, value);
            }
        }
        (Condition::Equals(TextField::Name, value), Backend::Postgres) => {
            sql.push("lower(name) = lower(")
                .push_bind(value.clone())
                .push(")");
        }
        (Condition::Contains(field, value), Backend::Sqlite) => {
            push_trigram_match(sql, *field, value);
        }
        (Condition::Contains(field, value), Backend::Postgres) => {
            let column = match field {
                TextField::Name => "lower(name)",
                TextField::Email => "email_normalized",
            };
            sql.push(&format!("{column} LIKE lower("))
                .push_bind(format!("%{}%", escape_like(value)))
                .push(")");
        }
        (Condition::Phone(number), Backend::Sqlite) => {
            push_tenant_index_match(sql, tenant, "phone_e164", number.as_str().to_owned());
        }
        (Condition::Phone(number), Backend::Postgres) => {
            sql.push("phone_e164 = ")
                .push_bind(number.as_str().to_owned());
        }
        (Condition::Created(comparison, at), _) => {
            let operator = match comparison {
                Comparison::Greater => ">",
                Comparison::GreaterOrEqual => ">=",
                Comparison::Less => "<",
                Comparison::LessOrEqual => "<=",
            };
            sql.push(&format!("created_at {operator} "))
                .push_bind(at.unix_millis());
        }
        (Condition::Metadata { key, value }, _) => {
            sql.push("seq IN (SELECT customer_seq FROM customer_metadata WHERE merchant_id = ")
                .push_bind(tenant.merchant_id.clone())
                .push(" AND mode = ")
                .push_bind(tenant.mode.as_str())
                .push(" AND key = ")
                .push_bind(key.clone())
                .push(" AND lower(value) = lower(")
                .push_bind(value.clone())
                .push("))");
        }
    }
}

/// SQLite: the tenant's customers whose `column` (led by the tenant in an index) is `value`.
fn push_tenant_index_match(sql: &mut Sql, tenant: &Tenant, column: &str, value: String) {
    sql.push("seq IN (SELECT seq FROM customers WHERE merchant_id = ")
        .push_bind(tenant.merchant_id.clone())
        .push(" AND mode = ")
        .push_bind(tenant.mode.as_str())
        .push(&format!(" AND {column} = "))
        .push_bind(value)
        .push(")");
}

/// SQLite: the customers whose `field` contains `value`, from the FTS5 trigram index. The value
/// is one FTS5 string (a `"` doubled), so none of its characters is query syntax.
fn push_trigram_match(sql: &mut Sql, field: TextField, value: &str) {
    sql.push("seq IN (SELECT rowid FROM customer_search WHERE customer_search MATCH ")
        .push_bind(format!(
            "{} : \"{}\"",
            field.as_str(),
            value.replace('"', "\"\"")
        ))
        .push(")");
}

/// A LIKE pattern's literal text: `%`, `_` and the escape character itself escaped.
fn escape_like(value: &str) -> String {
    let mut escaped = String::with_capacity(value.len());
    for c in value.chars() {
        if matches!(c, '%' | '_' | '\\') {
            escaped.push('\\');
        }
        escaped.push(c);
    }
    escaped
}
