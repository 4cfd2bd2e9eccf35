//! Customers: the object, what creating and updating one takes, and how lists of them filter.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::error::{Error, Result};
use crate::fields::{
    check_body, optional_string, parse_field, parse_metadata_change, string_change, Change, Email,
    Metadata, MetadataChange, Name, Phone,
};
use crate::list::{non_empty, ListParams, QueryParams};
use crate::phone::{PhoneCountry, E164};
use crate::timestamp::Timestamp;

/// The customer object, exactly the seed's keys.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "id": "cus_abc123def456", "object": "customer", "email": "customer@example.com",
    "name": "John Doe", "phone": "0241234567", "metadata": {"user_id": "123"},
    "created_at": "2024-01-15T10:00:00Z", "updated_at": "2024-01-15T10:00:00Z"
})))]
#[serde(tag = "object", rename = "customer")]
pub struct Customer {
    pub id: String,
    pub email: Option<String>,
    pub name: Option<String>,
    pub phone: Option<String>,
    pub metadata: Metadata,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

impl Customer {
    pub const ID_PREFIX: &'static str = "cus_";

    /// What a person calls this customer: the name, else the email, else the id.
    pub fn display_name(&self) -> &str {
        self.name
            .as_deref()
            .or(self.email.as_deref())
            .unwrap_or(&self.id)
    }
}

/// The answer to a delete.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "id": "cus_abc123def456", "object": "customer", "deleted": true
})))]
#[serde(tag = "object", rename = "customer")]
pub struct DeletedCustomer {
    pub id: String,
    pub deleted: bool,
}

const WRITABLE: &[&str] = &["email", "name", "phone", "metadata"];

/// A new customer, every field checked. Each field is optional; `""` or `null` is the same as
/// not sending it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "email": "customer@example.com", "name": "John Doe", "phone": "0241234567",
    "metadata": {"user_id": "123"}
})))]
pub struct CustomerForCreate {
    #[cfg_attr(feature = "openapi", schema(value_type = Option<crate::openapi::EmailInput>))]
    pub email: Option<Email>,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<crate::openapi::NameInput>))]
    pub name: Option<Name>,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<crate::openapi::PhoneInput>))]
    pub phone: Option<Phone>,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<MetadataChange>))]
    pub metadata: Metadata,
}

impl CustomerForCreate {
    pub fn from_json(body: &Map<String, Value>) -> Result<Self> {
        check_body(body, WRITABLE)?;
        Ok(CustomerForCreate {
            email: optional_string(body, "email")?
                .map(|text| parse_field("email", text, Email::parse))
                .transpose()?,
            name: optional_string(body, "name")?
                .map(|text| parse_field("name", text, Name::parse))
                .transpose()?,
            phone: optional_string(body, "phone")?
                .map(|text| parse_field("phone", text, Phone::parse))
                .transpose()?,
            metadata: body
                .get("metadata")
                .map(Metadata::from_json)
                .transpose()?
                .unwrap_or_default(),
        })
    }
}

/// Changes to a customer: only the fields sent change; `null` or `""` clears `email`, `name` or
/// `phone`, and `metadata` merges key by key.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "name": "Jane Doe", "metadata": {"vip": "true"}
})))]
pub struct CustomerForUpdate {
    #[cfg_attr(feature = "openapi", schema(value_type = Option<crate::openapi::EmailInput>))]
    pub email: Change<Email>,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<crate::openapi::NameInput>))]
    pub name: Change<Name>,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<crate::openapi::PhoneInput>))]
    pub phone: Change<Phone>,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<MetadataChange>))]
    pub metadata: MetadataChange,
}

impl CustomerForUpdate {
    pub fn from_json(body: &Map<String, Value>) -> Result<Self> {
        check_body(body, WRITABLE)?;
        Ok(CustomerForUpdate {
            email: parse_change(body, "email", Email::parse)?,
            name: parse_change(body, "name", Name::parse)?,
            phone: parse_change(body, "phone", Phone::parse)?,
            metadata: body
                .get("metadata")
                .map(parse_metadata_change)
                .transpose()?
                .unwrap_or(MetadataChange::Keep),
        })
    }

    /// The customer after this update, or why the update cannot apply (nothing changes then).
    pub fn apply(self, current: Customer, now: Timestamp) -> Result<Customer> {
        Ok(Customer {
            email: self.email.apply(current.email),
            name: self.name.apply(current.name),
            phone: self.phone.apply(current.phone),
            metadata: current.metadata.apply(self.metadata)?,
            updated_at: now.max(current.updated_at),
            ..current
        })
    }
}

fn parse_change<T>(
    body: &Map<String, Value>,
    param: &str,
    parse: impl FnOnce(&str) -> Result<T, String>,
) -> Result<Change<T>> {
    Ok(match string_change(body, param)? {
        Change::Keep => Change::Keep,
        Change::Clear => Change::Clear,
        Change::Set(text) => Change::Set(parse_field(param, text, parse)?),
    })
}

/// Which customers a list returns.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerFilter {
    /// Exact, case-insensitive email match (stored lower-cased).
    pub email: Option<String>,
    /// The same phone number, however it was typed (compared in E.164 form).
    pub phone: Option<String>,
    /// `metadata[key]=value` pairs that must all be present, by key.
    pub metadata: Vec<(String, String)>,
    pub list: ListParams,
}

impl CustomerFilter {
    /// At most this many `metadata[…]` filters in one list.
    pub const MAX_METADATA_FILTERS: usize = 10;

    pub fn from_query(mut query: QueryParams) -> Result<Self> {
        let list = ListParams::take_from(&mut query)?;
        let email = query
            .take("email")
            .map(|email| non_empty("email", email).map(|e| e.to_lowercase()))
            .transpose()?;
        let phone = query
            .take("phone")
            .map(|typed| match E164::parse(&typed, PhoneCountry::GHANA) {
                Some(number) => Ok(number.as_str().to_owned()),
                None => Err(Error::invalid(
                    "phone",
                    format!(
                        "Invalid phone: '{typed}' is not a phone number. Use 7 to 15 digits, \
                         e.g. 0241234567 or +233241234567."
                    ),
                )),
            })
            .transpose()?;
        let mut metadata = Vec::new();
        for (param, value) in query.take_prefixed("metadata") {
            let key = param
                .strip_prefix("metadata[")
                .and_then(|rest| rest.strip_suffix(']'))
                .ok_or_else(|| Error::unknown(&param))?;
            Metadata::check_key(key).map_err(|message| Error::invalid(&param, message))?;
            if metadata.len() == Self::MAX_METADATA_FILTERS {
                return Err(Error::invalid(
                    &param,
                    format!(
                        "Invalid {param}: at most {} metadata filters are allowed.",
                        Self::MAX_METADATA_FILTERS
                    ),
                ));
            }
            metadata.push((key.to_owned(), non_empty(&param, value)?));
        }
        query.finish()?;
        Ok(CustomerFilter {
            email,
            phone,
            metadata,
            list,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn object(value: Value) -> Map<String, Value> {
        value.as_object().unwrap().clone()
    }

    fn customer() -> Customer {
        Customer {
            id: "cus_abc123def456".into(),
            email: Some("customer@example.com".into()),
            name: Some("John Doe".into()),
            phone: Some("0241234567".into()),
            metadata: Metadata::from_json(&json!({"user_id": "123"})).unwrap(),
            created_at: Timestamp::parse("2024-01-15T10:00:00Z").unwrap(),
            updated_at: Timestamp::parse("2024-01-15T10:00:00Z").unwrap(),
        }
    }

    #[test]
    fn serializes_exactly_the_seed_keys() {
        let json = serde_json::to_value(customer()).unwrap();
        assert_eq!(
            json,
            json!({
                "id": "cus_abc123def456", "object": "customer", "email": "customer@example.com",
                "name": "John Doe", "phone": "0241234567", "metadata": {"user_id": "123"},
                "created_at": "2024-01-15T10:00:00.000Z", "updated_at": "2024-01-15T10:00:00.000Z"
            })
        );
        let back: Customer = serde_json::from_value(json).unwrap();
        assert_eq!(back, customer());
    }

    #[test]
    fn create_treats_empty_and_null_as_not_sent() {
        let input = CustomerForCreate::from_json(&object(json!({
            "email": "", "name": null, "phone": "  ", "metadata": {"a": ""}
        })))
        .unwrap();
        assert_eq!(input, CustomerForCreate::default());
    }

    #[test]
    fn create_names_the_invalid_or_unknown_parameter() {
        for (body, param) in [
            (json!({"email": "not-an-email"}), "email"),
            (json!({"phone": "12"}), "phone"),
            (json!({"name": 7}), "name"),
            (json!({"metadata": {"n": 1}}), "metadata[n]"),
            (json!({"colour": "red"}), "colour"),
            (json!({"id": "cus_mine"}), "id"),
            (json!({"object": "customer"}), "object"),
            (json!({"created_at": "2024-01-15T10:00:00Z"}), "created_at"),
            (json!({"updated_at": "2024-01-15T10:00:00Z"}), "updated_at"),
        ] {
            let error = CustomerForCreate::from_json(&object(body.clone())).unwrap_err();
            assert_eq!(error.param(), Some(param), "{body}");
        }
        let error =
            CustomerForCreate::from_json(&object(json!({"email": "not-an-email"}))).unwrap_err();
        assert_eq!(error.to_string(), "Invalid email address: 'not-an-email'");
        let error = CustomerForCreate::from_json(&object(json!({"id": "x"}))).unwrap_err();
        assert_eq!(error, Error::unknown("id"));
    }

    #[test]
    fn update_changes_only_what_was_sent() {
        let update = CustomerForUpdate::from_json(&object(json!({
            "name": "Jane Doe", "phone": null, "metadata": {"vip": "true"}
        })))
        .unwrap();
        let later = Timestamp::parse("2024-01-16T10:00:00Z").unwrap();
        let updated = update.apply(customer(), later).unwrap();
        assert_eq!(updated.name.as_deref(), Some("Jane Doe"));
        assert_eq!(updated.email.as_deref(), Some("customer@example.com"));
        assert_eq!(updated.phone, None);
        assert_eq!(
            updated.metadata,
            Metadata::from_json(&json!({"user_id": "123", "vip": "true"})).unwrap()
        );
        assert_eq!(updated.updated_at, later);
        assert_eq!(updated.created_at, customer().created_at);
    }

    #[test]
    fn update_with_metadata_null_removes_all() {
        let update = CustomerForUpdate::from_json(&object(json!({"metadata": null}))).unwrap();
        let updated = update.apply(customer(), customer().updated_at).unwrap();
        assert!(updated.metadata.is_empty());
    }

    #[test]
    fn filter_lowercases_email_and_refuses_unknown() {
        let query =
            QueryParams::parse([("email".to_string(), "John@Example.COM".to_string())]).unwrap();
        assert_eq!(
            CustomerFilter::from_query(query).unwrap().email.as_deref(),
            Some("john@example.com")
        );
        let query = QueryParams::parse([("colour".to_string(), "red".to_string())]).unwrap();
        assert_eq!(
            CustomerFilter::from_query(query).unwrap_err(),
            Error::unknown("colour")
        );
    }

    #[test]
    fn filter_reads_phone_in_any_form_and_metadata_pairs() {
        let query = QueryParams::parse(
            [
                ("phone", "024 123 4567"),
                ("metadata[tier]", "gold"),
                ("metadata[order_id]", " 42 "),
            ]
            .map(|(k, v)| (k.to_string(), v.to_string())),
        )
        .unwrap();
        let filter = CustomerFilter::from_query(query).unwrap();
        assert_eq!(filter.phone.as_deref(), Some("+233241234567"));
        assert_eq!(
            filter.metadata,
            vec![
                ("order_id".into(), "42".into()),
                ("tier".into(), "gold".into())
            ]
        );
        for (param, value) in [
            ("phone", "kofi"),
            ("metadata[]", "x"),
            ("metadata[a]", " "),
            ("metadata[aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa]", "x"),
        ] {
            let query = QueryParams::parse([(param.to_string(), value.to_string())]).unwrap();
            let error = CustomerFilter::from_query(query).unwrap_err();
            assert_eq!(error.param(), Some(param), "{param}={value}");
        }
        let query = QueryParams::parse([("metadata".to_string(), "x".to_string())]).unwrap();
        assert_eq!(
            CustomerFilter::from_query(query).unwrap_err(),
            Error::unknown("metadata")
        );
        let eleven = (0..11).map(|i| (format!("metadata[k{i:02}]"), "v".to_string()));
        let error = CustomerFilter::from_query(QueryParams::parse(eleven).unwrap()).unwrap_err();
        assert_eq!(error.param(), Some("metadata[k10]"));
    }

    #[test]
    fn display_name_falls_back_to_email_then_id() {
        let mut c = customer();
        assert_eq!(c.display_name(), "John Doe");
        c.name = None;
        assert_eq!(c.display_name(), "customer@example.com");
        c.email = None;
        assert_eq!(c.display_name(), "cus_abc123def456");
    }
}
