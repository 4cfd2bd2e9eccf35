//! SQL text assembled at run time with numbered placeholders (`$1`, `$2`, …), which both
//! engines take, or, for statements with many values on SQLite, positional ones (`?`). (sqlx's
//! `QueryBuilder` writes `?` through the `Any` driver, which PostgreSQL refuses.)

use sqlx::any::AnyArguments;
use sqlx::query::Query;
use sqlx::Any;

use super::Backend;

/// A value to bind: everything Shika stores is text or a 64-bit integer.
#[derive(Clone, Debug)]
pub(crate) enum Value {
    Text(Option<String>),
    Integer(i64),
}

impl From<String> for Value {
    fn from(text: String) -> Self {
        Value::Text(Some(text))
    }
}

impl From<&str> for Value {
    fn from(text: &str) -> Self {
        Value::Text(Some(text.to_owned()))
    }
}

impl From<Option<String>> for Value {
    fn from(text: Option<String>) -> Self {
        Value::Text(text)
    }
}

impl From<i64> for Value {
    fn from(number: i64) -> Self {
        Value::Integer(number)
    }
}

pub(crate) struct Sql {
    text: String,
    values: Vec<Value>,
    positional: bool,
}

impl Sql {
    pub(crate) fn new(text: impl Into<String>) -> Self {
        Sql {
            text: text.into(),
            values: Vec::new(),
            positional: false,
        }
    }

    /// For statements with thousands of values (multi-row inserts): SQLite looks every numbered
    /// placeholder up by name, one by one, which makes binding them quadratic; `?` binds by
    /// position.
    pub(crate) fn with_many_values(backend: Backend, text: impl Into<String>) -> Self {
        Sql {
            positional: backend == Backend::Sqlite,
            ..Sql::new(text)
        }
    }

    pub(crate) fn push(&mut self, text: &str) -> &mut Self {
        self.text.push_str(text);
        self
    }

    /// Appends the next placeholder and remembers the value it stands for.
    pub(crate) fn push_bind(&mut self, value: impl Into<Value>) -> &mut Self {
        self.values.push(value.into());
        if self.positional {
            self.text.push('?');
        } else {
            self.text.push('$');
            self.text.push_str(&self.values.len().to_string());
        }
        self
    }

    /// Appends `(v1, v2, …)`, one placeholder per value.
    pub(crate) fn push_tuple(&mut self, values: impl IntoIterator<Item = Value>) -> &mut Self {
        self.push("(");
        for (i, value) in values.into_iter().enumerate() {
            if i > 0 {
                self.push(", ");
            }
            self.push_bind(value);
        }
        self.push(")")
    }

    #[cfg(test)]
    pub(crate) fn text(&self) -> &str {
        &self.text
    }

    pub(crate) fn query(&self) -> Query<'_, Any, AnyArguments<'_>> {
        self.values
            .iter()
            .fold(sqlx::query(&self.text), |query, value| match value {
                Value::Text(text) => query.bind(text.as_deref()),
                Value::Integer(number) => query.bind(*number),
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_numbered_in_order() {
        let mut sql = Sql::new("INSERT INTO t (a, b) VALUES ");
        sql.push_tuple([Value::from("x"), Value::from(1)])
            .push(", ")
            .push_tuple([Value::from(None), Value::from(2)]);
        assert_eq!(sql.text(), "INSERT INTO t (a, b) VALUES ($1, $2), ($3, $4)");
        assert_eq!(sql.values.len(), 4);
    }

    #[test]
    fn many_values_are_bound_by_position_on_sqlite_only() {
        for (backend, text) in [
            (Backend::Sqlite, "VALUES (?, ?)"),
            (Backend::Postgres, "VALUES ($1, $2)"),
        ] {
            let mut sql = Sql::with_many_values(backend, "VALUES ");
            sql.push_tuple([Value::from("x"), Value::from(1)]);
            assert_eq!(sql.text(), text);
        }
    }
}
