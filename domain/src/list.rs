//! Lists: the query parameters every list takes (`limit`, the cursors, the `created` filters),
//! the page the store returns and the envelope the API answers with.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::timestamp::Timestamp;

/// A list query's parameters, each exactly as the client spelled it; repeats are refused.
#[derive(Debug, Default)]
pub struct QueryParams(BTreeMap<String, String>);

impl QueryParams {
    pub fn parse(pairs: impl IntoIterator<Item = (String, String)>) -> Result<Self> {
        let mut params = BTreeMap::new();
        for (name, value) in pairs {
            if name.contains('\0') || value.contains('\0') {
                return Err(crate::fields::nul_error(&name));
            }
            if params.contains_key(&name) {
                return Err(Error::invalid(
                    &name,
                    format!("Invalid {name}: the parameter was given more than once."),
                ));
            }
            params.insert(name, value);
        }
        Ok(QueryParams(params))
    }

    /// Removes and returns one parameter.
    pub fn take(&mut self, name: &str) -> Option<String> {
        self.0.remove(name)
    }

    /// Removes and returns every parameter whose name starts with `prefix`, in name order.
    pub fn take_prefixed(&mut self, prefix: &str) -> Vec<(String, String)> {
        let names: Vec<String> = self
            .0
            .keys()
            .filter(|name| name.starts_with(prefix))
            .cloned()
            .collect();
        names
            .into_iter()
            .filter_map(|name| self.0.remove_entry(&name))
            .collect()
    }

    /// Fails on the first parameter nobody took.
    pub fn finish(self) -> Result<()> {
        match self.0.into_keys().next() {
            Some(name) => Err(Error::unknown(name)),
            None => Ok(()),
        }
    }
}

/// How many objects a page holds: 1–100, default 10.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Limit(u8);

impl Limit {
    pub const DEFAULT: Limit = Limit(10);

    pub fn parse(input: &str) -> Result<Self, String> {
        match input.trim().parse::<u8>() {
            Ok(n @ 1..=100) => Ok(Limit(n)),
            _ => Err(format!(
                "Invalid limit: '{input}'. It must be an integer between 1 and 100."
            )),
        }
    }

    pub fn get(self) -> u8 {
        self.0
    }
}

impl Default for Limit {
    fn default() -> Self {
        Limit::DEFAULT
    }
}

/// Where a page starts: just older than an object, or just newer than it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Cursor {
    StartingAfter(String),
    EndingBefore(String),
}

impl Cursor {
    pub fn param(&self) -> &'static str {
        match self {
            Cursor::StartingAfter(_) => "starting_after",
            Cursor::EndingBefore(_) => "ending_before",
        }
    }

    pub fn id(&self) -> &str {
        match self {
            Cursor::StartingAfter(id) | Cursor::EndingBefore(id) => id,
        }
    }
}

/// Bounds on `created_at`, both inclusive, in Unix milliseconds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreatedRange {
    pub from: Option<i64>,
    pub to: Option<i64>,
}

impl CreatedRange {
    fn take_from(query: &mut QueryParams) -> Result<Self> {
        let mut range = CreatedRange::default();
        for (param, is_lower, offset) in [
            ("created[gte]", true, 0),
            ("created[gt]", true, 1),
            ("created[lte]", false, 0),
            ("created[lt]", false, -1),
        ] {
            let Some(text) = query.take(param) else {
                continue;
            };
            let at = Timestamp::parse(&text)
                .map_err(|message| Error::invalid(param, message))?
                .unix_millis()
                + offset;
            if is_lower {
                range.from = Some(range.from.map_or(at, |from| from.max(at)));
            } else {
                range.to = Some(range.to.map_or(at, |to| to.min(at)));
            }
        }
        Ok(range)
    }
}

/// What every list takes: page size, at most one cursor, and the `created` filters.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListParams {
    pub limit: Limit,
    pub cursor: Option<Cursor>,
    pub created: CreatedRange,
}

impl ListParams {
    pub fn take_from(query: &mut QueryParams) -> Result<Self> {
        let limit = match query.take("limit") {
            Some(text) => {
                Limit::parse(&text).map_err(|message| Error::invalid("limit", message))?
            }
            None => Limit::DEFAULT,
        };
        let cursor = match (query.take("starting_after"), query.take("ending_before")) {
            (Some(_), Some(_)) => {
                return Err(Error::invalid(
                    "ending_before",
                    "You may only specify one of starting_after and ending_before.",
                ))
            }
            (Some(id), None) => Some(Cursor::StartingAfter(non_empty("starting_after", id)?)),
            (None, Some(id)) => Some(Cursor::EndingBefore(non_empty("ending_before", id)?)),
            (None, None) => None,
        };
        let created = CreatedRange::take_from(query)?;
        Ok(ListParams {
            limit,
            cursor,
            created,
        })
    }
}

/// A query parameter that must not be empty, trimmed.
pub fn non_empty(param: &str, value: String) -> Result<String> {
    let trimmed = value.trim();
    if trimmed.is_empty() {
        return Err(Error::invalid(
            param,
            format!("Invalid {param}: it must not be empty."),
        ));
    }
    Ok(trimmed.to_owned())
}

/// One page of objects, newest first, and whether more lie beyond it in the direction of travel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Page<T> {
    pub data: Vec<T>,
    pub has_more: bool,
}

/// The list envelope of the API.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "object", rename = "list")]
pub struct List<T> {
    pub data: Vec<T>,
    pub has_more: bool,
    pub url: String,
}

impl<T> List<T> {
    pub fn new(page: Page<T>, url: impl Into<String>) -> Self {
        List {
            data: page.data,
            has_more: page.has_more,
            url: url.into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query(pairs: &[(&str, &str)]) -> QueryParams {
        QueryParams::parse(pairs.iter().map(|(k, v)| (k.to_string(), v.to_string()))).unwrap()
    }

    #[test]
    fn limit_is_between_1_and_100_default_10() {
        assert_eq!(Limit::default().get(), 10);
        assert_eq!(Limit::parse("1").unwrap().get(), 1);
        assert_eq!(Limit::parse("100").unwrap().get(), 100);
        for bad in ["0", "101", "-1", "ten", "", "1.5", "999999999999"] {
            assert!(
                Limit::parse(bad).unwrap_err().contains("between 1 and 100"),
                "{bad}"
            );
        }
    }

    #[test]
    fn list_params_read_limit_cursor_and_created() {
        let mut q = query(&[
            ("limit", "3"),
            ("starting_after", "cus_x"),
            ("created[gte]", "2024-01-15T10:00:00Z"),
            ("created[lt]", "1705312900"),
        ]);
        let params = ListParams::take_from(&mut q).unwrap();
        q.finish().unwrap();
        assert_eq!(params.limit.get(), 3);
        assert_eq!(params.cursor, Some(Cursor::StartingAfter("cus_x".into())));
        assert_eq!(params.created.from, Some(1_705_312_800_000));
        assert_eq!(params.created.to, Some(1_705_312_899_999));
    }

    #[test]
    fn both_cursors_are_refused() {
        let mut q = query(&[("starting_after", "a"), ("ending_before", "b")]);
        let error = ListParams::take_from(&mut q).unwrap_err();
        assert_eq!(error.param(), Some("ending_before"));
    }

    #[test]
    fn bad_created_names_the_parameter() {
        let mut q = query(&[("created[lte]", "soon")]);
        assert_eq!(
            ListParams::take_from(&mut q).unwrap_err().param(),
            Some("created[lte]")
        );
    }

    #[test]
    fn unknown_and_repeated_parameters_are_refused() {
        let mut q = query(&[("colour", "red")]);
        ListParams::take_from(&mut q).unwrap();
        assert_eq!(q.finish().unwrap_err(), Error::unknown("colour"));
        let repeated =
            QueryParams::parse([("limit".into(), "1".into()), ("limit".into(), "2".into())]);
        assert_eq!(repeated.unwrap_err().param(), Some("limit"));
    }

    #[test]
    fn list_envelope_has_the_seed_shape() {
        let list = List::new(
            Page {
                data: vec![1, 2],
                has_more: true,
            },
            "/v1/customers",
        );
        let json = serde_json::to_value(&list).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"object": "list", "data": [1, 2], "has_more": true, "url": "/v1/customers"})
        );
    }
}
