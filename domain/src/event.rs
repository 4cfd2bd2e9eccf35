//! Events: the record of every change, what `/v1/events` answers and webhooks deliver, and which
//! types a list or an endpoint asks for.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::customer::Customer;
use crate::error::{Error, Result};
use crate::fields::Metadata;
use crate::list::{non_empty, ListParams, QueryParams};
use crate::timestamp::Timestamp;

/// What happened. Each later resource adds its own types in the change that adds it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum EventType {
    #[serde(rename = "customer.created")]
    CustomerCreated,
    #[serde(rename = "customer.updated")]
    CustomerUpdated,
    #[serde(rename = "customer.deleted")]
    CustomerDeleted,
    #[serde(rename = "payment.created")]
    PaymentCreated,
    #[serde(rename = "subscription.created")]
    SubscriptionCreated,
    #[serde(rename = "subscription.canceled")]
    SubscriptionCanceled,
}

impl EventType {
    pub const ALL: [EventType; 6] = [
        EventType::CustomerCreated,
        EventType::CustomerUpdated,
        EventType::CustomerDeleted,
        EventType::PaymentCreated,
        EventType::SubscriptionCreated,
        EventType::SubscriptionCanceled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            EventType::CustomerCreated => "customer.created",
            EventType::CustomerUpdated => "customer.updated",
            EventType::CustomerDeleted => "customer.deleted",
            EventType::PaymentCreated => "payment.created",
            EventType::SubscriptionCreated => "subscription.created",
            EventType::SubscriptionCanceled => "subscription.canceled",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        EventType::ALL
            .into_iter()
            .find(|kind| kind.as_str() == text)
    }

    /// The resource the type belongs to: `customer` for `customer.updated`.
    pub fn resource(self) -> &'static str {
        let name = self.as_str();
        &name[..name.find('.').unwrap_or(name.len())]
    }

    fn is_resource(resource: &str) -> bool {
        EventType::ALL
            .iter()
            .any(|kind| kind.resource() == resource)
    }
}

/// One recorded change, as the API answers it and webhooks deliver it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "id": "evt_1Kq2sYbW3mXc9LpQ0aZr7TgH", "object": "event", "type": "customer.updated",
    "livemode": false, "created_at": "2024-01-15T10:00:00.123Z",
    "data": {"object": {"id": "cus_abc123def456", "object": "customer", "email": null,
        "name": "Jane Doe", "phone": null, "metadata": {"vip": "true"},
        "created_at": "2024-01-14T09:00:00.000Z", "updated_at": "2024-01-15T10:00:00.123Z"},
        "previous_attributes": {"name": "John Doe", "metadata": {"vip": null},
        "updated_at": "2024-01-14T09:00:00.000Z"}}
})))]
#[serde(tag = "object", rename = "event")]
pub struct Event {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: EventType,
    pub livemode: bool,
    pub created_at: Timestamp,
    pub data: EventData,
}

impl Event {
    pub const ID_PREFIX: &'static str = "evt_";
}

/// The object after the change and, for updates, what its changed fields were before.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EventData {
    /// The object exactly as the API answered it right after the change (for a delete, as it
    /// was when deleted).
    #[cfg_attr(
        feature = "openapi",
        schema(value_type = std::collections::HashMap<String, Value>)
    )]
    pub object: Value,
    /// Updates only: the old value of every top-level field that changed; of `metadata`, only
    /// the keys that changed, a key that did not exist before as `null`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(
        feature = "openapi",
        schema(value_type = Option<std::collections::HashMap<String, Value>>)
    )]
    pub previous_attributes: Option<Map<String, Value>>,
}

impl EventData {
    /// The object exactly as the API answers it.
    pub fn of(object: &impl Serialize) -> Self {
        EventData {
            object: serde_json::to_value(object).unwrap_or(Value::Null),
            previous_attributes: None,
        }
    }

    /// A customer after an update, with the old value of every top-level field that changed;
    /// of `metadata`, only the keys that changed, a key that was not there before as `null`.
    pub fn of_update(before: &Customer, after: &Customer) -> Self {
        let mut previous = Map::new();
        let fields = [
            ("email", &before.email, &after.email),
            ("name", &before.name, &after.name),
            ("phone", &before.phone, &after.phone),
        ];
        for (name, old, new) in fields {
            if old != new {
                previous.insert(name.into(), old.clone().map_or(Value::Null, Value::String));
            }
        }
        let metadata = metadata_changes(&before.metadata, &after.metadata);
        if !metadata.is_empty() {
            previous.insert("metadata".into(), Value::Object(metadata));
        }
        if before.updated_at != after.updated_at {
            previous.insert(
                "updated_at".into(),
                serde_json::to_value(before.updated_at).unwrap_or(Value::Null),
            );
        }
        EventData {
            previous_attributes: Some(previous),
            ..EventData::of(after)
        }
    }
}

/// The old value of each metadata key whose value changed, appeared (`null`) or went away.
fn metadata_changes(before: &Metadata, after: &Metadata) -> Map<String, Value> {
    let mut changes = Map::new();
    for (key, old) in before.iter() {
        if after.get(key) != Some(old.as_str()) {
            changes.insert(key.clone(), Value::String(old.clone()));
        }
    }
    for (key, _) in after.iter() {
        if before.get(key).is_none() {
            changes.insert(key.clone(), Value::Null);
        }
    }
    changes
}

/// Which types a list of events or a webhook endpoint asks for: one type, every type of one
/// resource (`customer.*`), or (endpoints only) every type (`*`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum EventSelector {
    Exactly(EventType),
    Resource(String),
    All,
}

impl EventSelector {
    pub fn parse(text: &str) -> Result<Self, String> {
        if text == "*" {
            return Ok(EventSelector::All);
        }
        if let Some(resource) = text.strip_suffix(".*") {
            if EventType::is_resource(resource) {
                return Ok(EventSelector::Resource(resource.to_owned()));
            }
        } else if let Some(kind) = EventType::parse(text) {
            return Ok(EventSelector::Exactly(kind));
        }
        let known: Vec<_> = EventType::ALL.iter().map(|kind| kind.as_str()).collect();
        Err(format!(
            "'{text}' is not an event type. Use one of {}, a prefix such as 'customer.*', or '*'.",
            known.join(", ")
        ))
    }

    pub fn matches(&self, kind: EventType) -> bool {
        match self {
            EventSelector::Exactly(exact) => *exact == kind,
            EventSelector::Resource(resource) => kind.resource() == resource,
            EventSelector::All => true,
        }
    }

    pub fn as_string(&self) -> String {
        match self {
            EventSelector::Exactly(kind) => kind.as_str().to_owned(),
            EventSelector::Resource(resource) => format!("{resource}.*"),
            EventSelector::All => "*".to_owned(),
        }
    }
}

/// Which events a list returns.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventFilter {
    pub kind: Option<EventSelector>,
    pub list: ListParams,
}

impl EventFilter {
    pub fn from_query(mut query: QueryParams) -> Result<Self> {
        let list = ListParams::take_from(&mut query)?;
        let kind = query
            .take("type")
            .map(|text| {
                let text = non_empty("type", text)?;
                match EventSelector::parse(&text) {
                    // Every event has a type: asking for all of them is not asking.
                    Ok(EventSelector::All) | Err(_) => Err(Error::invalid(
                        "type",
                        format!(
                            "Invalid type: '{text}'. Use an event type such as \
                             'customer.created' or a prefix such as 'customer.*'."
                        ),
                    )),
                    Ok(selector) => Ok(selector),
                }
            })
            .transpose()?;
        query.finish()?;
        Ok(EventFilter { kind, list })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn customer(metadata: Value) -> Customer {
        serde_json::from_value(json!({
            "object": "customer", "id": "cus_1", "email": "a@example.com", "name": "John Doe",
            "phone": null, "metadata": metadata, "created_at": "2024-01-15T10:00:00.000Z",
            "updated_at": "2024-01-15T10:00:00.000Z"
        }))
        .unwrap()
    }

    #[test]
    fn types_read_back_from_their_names() {
        for kind in EventType::ALL {
            assert_eq!(EventType::parse(kind.as_str()), Some(kind));
            assert_eq!(serde_json::to_value(kind).unwrap(), json!(kind.as_str()));
        }
        assert_eq!(EventType::SubscriptionCanceled.resource(), "subscription");
        assert_eq!(EventType::parse("customer.merged"), None);
    }

    #[test]
    fn selectors_match_a_type_a_resource_or_everything() {
        let created = EventType::CustomerCreated;
        assert!(EventSelector::parse("customer.created")
            .unwrap()
            .matches(created));
        assert!(!EventSelector::parse("customer.updated")
            .unwrap()
            .matches(created));
        assert!(EventSelector::parse("customer.*").unwrap().matches(created));
        assert!(!EventSelector::parse("payment.*").unwrap().matches(created));
        assert!(EventSelector::parse("*").unwrap().matches(created));
        for bad in [
            "customer",
            "customers.*",
            "customer.",
            "*.created",
            "",
            "customer.merged",
        ] {
            assert!(EventSelector::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(
            EventSelector::parse("payment.*").unwrap().as_string(),
            "payment.*"
        );
    }

    #[test]
    fn a_list_takes_a_type_or_a_prefix_and_names_type_when_wrong() {
        let filter = |value: &str| {
            EventFilter::from_query(
                QueryParams::parse([("type".to_owned(), value.to_owned())]).unwrap(),
            )
        };
        assert_eq!(
            filter("customer.*").unwrap().kind,
            Some(EventSelector::Resource("customer".into()))
        );
        for bad in ["*", "customer", "refund.*", ""] {
            assert_eq!(filter(bad).unwrap_err().param(), Some("type"), "{bad}");
        }
    }

    #[test]
    fn an_update_records_the_old_value_of_each_changed_field_and_metadata_key() {
        let before = customer(json!({"tier": "gold", "gone": "x", "same": "1"}));
        let mut after = customer(json!({"tier": "silver", "new": "y", "same": "1"}));
        after.name = Some("Jane Doe".into());
        after.updated_at = Timestamp::from_unix_millis(1_705_312_800_500).unwrap();

        let data = EventData::of_update(&before, &after);

        assert_eq!(data.object["name"], "Jane Doe");
        assert_eq!(
            Value::Object(data.previous_attributes.unwrap()),
            json!({
                "name": "John Doe",
                "metadata": {"tier": "gold", "gone": "x", "new": null},
                "updated_at": "2024-01-15T10:00:00.000Z"
            })
        );
    }

    #[test]
    fn an_event_serializes_as_the_api_answers_it() {
        let event = Event {
            id: "evt_1".into(),
            kind: EventType::CustomerCreated,
            livemode: false,
            created_at: Timestamp::from_unix_millis(1_705_312_800_123).unwrap(),
            data: EventData::of(&customer(json!({}))),
        };
        let value = serde_json::to_value(&event).unwrap();
        assert_eq!(value["object"], "event");
        assert_eq!(value["type"], "customer.created");
        assert_eq!(value["created_at"], "2024-01-15T10:00:00.123Z");
        assert_eq!(value["data"]["object"]["object"], "customer");
        assert!(value["data"].get("previous_attributes").is_none());
        assert_eq!(serde_json::from_value::<Event>(value).unwrap(), event);
    }
}
