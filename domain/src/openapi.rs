//! OpenAPI schemas for the value types whose rules live in their parsers (`Email`, `Phone`,
//! `Metadata`, …): written here beside the same constants, so the document cannot drift from
//! what the API accepts. The objects and request bodies derive theirs where they are defined.

use std::borrow::Cow;

use utoipa::openapi::schema::{
    AdditionalProperties, AnyOfBuilder, ArrayBuilder, KnownFormat, ObjectBuilder, Schema,
    SchemaFormat, SchemaType, Type,
};
use utoipa::openapi::{OpenApi, Ref, RefOr};
use utoipa::{PartialSchema, ToSchema};

use crate::customer::{
    Customer, CustomerFilter, CustomerForCreate, CustomerForUpdate, DeletedCustomer,
};
use crate::event::Event;
use crate::fields::{Change, Email, Metadata, MetadataChange, Name, Phone};
use crate::list::List;
use crate::payment::{Currency, Payment, PaymentForCreate};
use crate::search::SearchResult;
use crate::subscription::{Subscription, SubscriptionForCreate};
use crate::timestamp::Timestamp;
use crate::webhook::{
    DeletedWebhookEndpoint, WebhookEndpoint, WebhookEndpointForCreate, WebhookEndpointForUpdate,
};

fn string() -> ObjectBuilder {
    ObjectBuilder::new().schema_type(Type::String)
}

impl PartialSchema for Email {
    fn schema() -> RefOr<Schema> {
        string()
            .description(Some(
                "A plausible email address (one `@`, a dot in the domain, no spaces), stored \
                 trimmed.",
            ))
            .pattern(Some(r"^\s*[^@\s]+@[^@\s.]+(\.[^@\s.]+)+\s*$"))
            .max_length(Some(Email::MAX_CHARS))
            .examples(["customer@example.com"])
            .into()
    }
}
impl ToSchema for Email {}

impl PartialSchema for Name {
    fn schema() -> RefOr<Schema> {
        string()
            .description(Some("Any Unicode text."))
            .max_length(Some(Name::MAX_CHARS))
            .examples(["John Doe"])
            .into()
    }
}
impl ToSchema for Name {}

impl PartialSchema for Phone {
    fn schema() -> RefOr<Schema> {
        string()
            .description(Some(
                "7 to 15 digits, optionally a leading `+`, with spaces, `-`, `(` or `)` between \
                 them; stored as given (trimmed).",
            ))
            .pattern(Some(r"^\s*\+?[0-9(][0-9 ()-]*[0-9)]\s*$"))
            .examples(["0241234567", "+233241234567"])
            .into()
    }
}
impl ToSchema for Phone {}

/// Keys as `Metadata::check_key` takes them.
fn metadata_key_rules(builder: ObjectBuilder) -> ObjectBuilder {
    builder.property_names(Some(
        string()
            .min_length(Some(1))
            .max_length(Some(Metadata::MAX_KEY_CHARS))
            .pattern(Some(r"^[^\[\]]+$")),
    ))
}

impl PartialSchema for Metadata {
    fn schema() -> RefOr<Schema> {
        metadata_key_rules(ObjectBuilder::new().schema_type(Type::Object))
            .description(Some("Custom key-value pairs, `{}` when none."))
            .max_properties(Some(Metadata::MAX_KEYS))
            .additional_properties(Some(AdditionalProperties::RefOr(
                string().max_length(Some(Metadata::MAX_VALUE_CHARS)).into(),
            )))
            .examples([serde_json::json!({"user_id": "123"})])
            .into()
    }
}
impl ToSchema for Metadata {}

/// The list's `metadata[key]=value` filters (`CustomerFilter`), a deepObject query parameter.
/// The values name no `type`: in a query string a number is the same text as a string of its
/// digits, so only what can really be wrong is described — an empty value, a bad key, too many
/// filters — and each is refused.
pub struct MetadataFilter;

impl PartialSchema for MetadataFilter {
    fn schema() -> RefOr<Schema> {
        metadata_key_rules(ObjectBuilder::new().schema_type(Type::Object))
            .max_properties(Some(CustomerFilter::MAX_METADATA_FILTERS))
            .additional_properties(Some(AdditionalProperties::RefOr(
                ObjectBuilder::new()
                    .schema_type(SchemaType::AnyValue)
                    .min_length(Some(1))
                    .into(),
            )))
            .into()
    }
}
impl ToSchema for MetadataFilter {}

/// A blank string: what a request sends to clear a field (or not set it on create).
fn blank() -> ObjectBuilder {
    string().pattern(Some(r"^\s*$"))
}

/// A request field that takes `T`, or a blank string meaning "none" (`null` is added by the
/// field being optional).
fn clearable<T: ToSchema>() -> RefOr<Schema> {
    AnyOfBuilder::new()
        .item(Ref::from_schema_name(T::name()))
        .item(blank())
        .into()
}

macro_rules! clearable_input {
    ($alias:ident, $type:ty) => {
        #[doc = concat!("`", stringify!($type), "` as a request sends it: the value, or blank for none.")]
        pub type $alias = Change<$type>;

        impl PartialSchema for Change<$type> {
            fn schema() -> RefOr<Schema> {
                clearable::<$type>()
            }
        }

        impl ToSchema for Change<$type> {
            fn name() -> Cow<'static, str> {
                stringify!($alias).into()
            }

            fn schemas(schemas: &mut Vec<(String, RefOr<Schema>)>) {
                schemas.push((<$type>::name().into_owned(), <$type>::schema()));
            }
        }
    };
}

clearable_input!(EmailInput, Email);
clearable_input!(NameInput, Name);
clearable_input!(PhoneInput, Phone);
clearable_input!(CurrencyInput, Currency);

/// `metadata` as a request sends it: values `""` or `null` remove a key (or do not store it),
/// and a blank string for the whole field (like `null`) removes every key.
impl PartialSchema for MetadataChange {
    fn schema() -> RefOr<Schema> {
        let entries = metadata_key_rules(ObjectBuilder::new().schema_type(Type::Object))
            .max_properties(Some(Metadata::MAX_KEYS))
            .additional_properties(Some(AdditionalProperties::RefOr(
                ObjectBuilder::new()
                    .schema_type(SchemaType::from_iter([Type::String, Type::Null]))
                    .max_length(Some(Metadata::MAX_VALUE_CHARS))
                    .into(),
            )))
            .examples([serde_json::json!({"vip": "true"})]);
        AnyOfBuilder::new()
            .description(Some(
                "Custom key-value pairs. A value of `\"\"` or `null` removes (or does not \
                 store) that key; `null` or `\"\"` for the whole field removes every key.",
            ))
            .item(entries)
            .item(blank())
            .into()
    }
}

impl ToSchema for MetadataChange {
    fn name() -> Cow<'static, str> {
        "MetadataInput".into()
    }
}

impl PartialSchema for Timestamp {
    fn schema() -> RefOr<Schema> {
        string()
            .description(Some("ISO 8601, UTC, with milliseconds."))
            .format(Some(SchemaFormat::KnownFormat(KnownFormat::DateTime)))
            .examples(["2024-01-15T10:00:00.000Z"])
            .into()
    }
}
impl ToSchema for Timestamp {}

impl PartialSchema for Currency {
    fn schema() -> RefOr<Schema> {
        string()
            .description(Some(
                "An ISO 4217 code; accepted in any case, answered upper-case.",
            ))
            .pattern(Some(r"^\s*[A-Za-z]{3}\s*$"))
            .examples(["GHS"])
            .into()
    }
}
impl ToSchema for Currency {}

/// The list envelope: `object` is always `"list"`, `data` holds objects of one kind.
impl<T: ToSchema> PartialSchema for List<T> {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .property("object", string().enum_values(Some(["list"])))
            .property(
                "data",
                ArrayBuilder::new().items(Ref::from_schema_name(T::name())),
            )
            .property(
                "has_more",
                ObjectBuilder::new()
                    .schema_type(Type::Boolean)
                    .description(Some(
                        "Whether more objects lie beyond this page in the direction of travel.",
                    )),
            )
            .property(
                "url",
                string().description(Some("The list's path, without the query.")),
            )
            .required("object")
            .required("data")
            .required("has_more")
            .required("url")
            .into()
    }
}

impl<T: ToSchema> ToSchema for List<T> {
    fn name() -> Cow<'static, str> {
        format!("{}List", T::name()).into()
    }

    fn schemas(schemas: &mut Vec<(String, RefOr<Schema>)>) {
        schemas.push((T::name().into_owned(), T::schema()));
        T::schemas(schemas);
    }
}

/// The lists by name, for documents that refer to them (a generic type cannot be named there).
pub type CustomerList = List<Customer>;
pub type CustomerSearchResult = SearchResult<Customer>;
pub type PaymentList = List<Payment>;
pub type SubscriptionList = List<Subscription>;
pub type EventList = List<Event>;
pub type WebhookEndpointList = List<WebhookEndpoint>;

/// The `object` value serde's `tag` writes into each object; the derive does not see it.
fn object_tags() -> [(Cow<'static, str>, &'static str); 7] {
    [
        (Customer::name(), "customer"),
        (DeletedCustomer::name(), "customer"),
        (Payment::name(), "payment"),
        (Subscription::name(), "subscription"),
        (Event::name(), "event"),
        (WebhookEndpoint::name(), "webhook_endpoint"),
        (DeletedWebhookEndpoint::name(), "webhook_endpoint"),
    ]
}

/// Keys serde leaves out unless they have a value: present in some answers only.
const SOMETIMES_WRITTEN: &[&str] = &["secret"];

/// The search envelope: `object` is always `"search_result"`; pages follow `next_page`.
impl<T: ToSchema> PartialSchema for SearchResult<T> {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .property("object", string().enum_values(Some(["search_result"])))
            .property(
                "data",
                ArrayBuilder::new().items(Ref::from_schema_name(T::name())),
            )
            .property(
                "has_more",
                ObjectBuilder::new()
                    .schema_type(Type::Boolean)
                    .description(Some("Whether more results follow this page.")),
            )
            .property(
                "next_page",
                ObjectBuilder::new()
                    .schema_type(SchemaType::from_iter([Type::String, Type::Null]))
                    .description(Some(
                        "The `page` that asks for the next page of the same query; null on the \
                         last page.",
                    )),
            )
            .property(
                "url",
                string().description(Some("The search's path, without the query.")),
            )
            .required("object")
            .required("data")
            .required("has_more")
            .required("next_page")
            .required("url")
            .into()
    }
}

impl<T: ToSchema> ToSchema for SearchResult<T> {
    fn name() -> Cow<'static, str> {
        format!("{}SearchResult", T::name()).into()
    }

    fn schemas(schemas: &mut Vec<(String, RefOr<Schema>)>) {
        schemas.push((T::name().into_owned(), T::schema()));
        T::schemas(schemas);
    }
}

/// What the derives cannot see: each object's `object` property, with every property marked
/// required (the objects always carry every key, `null` where there is no value); and request
/// bodies closed to other keys (unknown parameters are refused).
pub fn complete_schemas(openapi: &mut OpenApi) {
    let Some(components) = openapi.components.as_mut() else {
        return;
    };
    let request_bodies = [
        CustomerForCreate::name(),
        CustomerForUpdate::name(),
        PaymentForCreate::name(),
        SubscriptionForCreate::name(),
        WebhookEndpointForCreate::name(),
        WebhookEndpointForUpdate::name(),
    ];
    for name in request_bodies {
        if let Some(RefOr::T(Schema::Object(object))) = components.schemas.get_mut(name.as_ref()) {
            object.additional_properties = Some(Box::new(AdditionalProperties::FreeForm(false)));
        }
    }
    for (name, tag) in object_tags() {
        if let Some(RefOr::T(Schema::Object(object))) = components.schemas.get_mut(name.as_ref()) {
            object
                .properties
                .insert("object".into(), string().enum_values(Some([tag])).into());
            object.required = object
                .properties
                .keys()
                .filter(|key| !SOMETIMES_WRITTEN.contains(&key.as_str()))
                .cloned()
                .collect();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::timestamp::Timestamp;

    #[test]
    fn object_tags_match_what_serde_writes() {
        let at = Timestamp::from_unix_millis(0).unwrap();
        let customer = Customer {
            id: "cus_1".into(),
            email: None,
            name: None,
            phone: None,
            metadata: Metadata::default(),
            created_at: at,
            updated_at: at,
        };
        let deleted = DeletedCustomer {
            id: "cus_1".into(),
            deleted: true,
        };
        let payment = Payment {
            id: "pay_1".into(),
            amount: 1,
            currency: Currency::ghs(),
            customer: None,
            description: None,
            status: crate::payment::PaymentStatus::Succeeded,
            metadata: Metadata::default(),
            created_at: at,
            updated_at: at,
        };
        let subscription = Subscription {
            id: "sub_1".into(),
            customer: "cus_1".into(),
            status: crate::subscription::SubscriptionStatus::Active,
            amount: 1,
            currency: Currency::ghs(),
            interval: crate::subscription::Interval::Month,
            current_period_start: at,
            current_period_end: at,
            canceled_at: None,
            metadata: Metadata::default(),
            created_at: at,
            updated_at: at,
        };
        let event = Event {
            id: "evt_1".into(),
            kind: crate::event::EventType::CustomerCreated,
            livemode: false,
            created_at: at,
            data: crate::event::EventData::of(&customer),
        };
        let endpoint = WebhookEndpoint {
            id: "we_1".into(),
            url: "https://example.com/h".into(),
            enabled_events: vec!["*".into()],
            description: None,
            status: crate::webhook::EndpointStatus::Enabled,
            metadata: Metadata::default(),
            created_at: at,
            updated_at: at,
            secret: None,
        };
        let deleted_endpoint = DeletedWebhookEndpoint {
            id: "we_1".into(),
            deleted: true,
        };
        let written = [
            serde_json::to_value(customer).unwrap(),
            serde_json::to_value(deleted).unwrap(),
            serde_json::to_value(payment).unwrap(),
            serde_json::to_value(subscription).unwrap(),
            serde_json::to_value(event).unwrap(),
            serde_json::to_value(endpoint).unwrap(),
            serde_json::to_value(deleted_endpoint).unwrap(),
        ];
        for ((name, tag), object) in object_tags().into_iter().zip(written) {
            assert_eq!(object["object"], tag, "{name}");
        }
    }

    #[test]
    fn completed_schemas_require_every_key_serde_writes() {
        let mut openapi = utoipa::openapi::OpenApiBuilder::new()
            .components(Some(
                utoipa::openapi::ComponentsBuilder::new()
                    .schema(Customer::name(), Customer::schema())
                    .build(),
            ))
            .build();
        complete_schemas(&mut openapi);
        let schema =
            serde_json::to_value(&openapi.components.unwrap().schemas["Customer"]).unwrap();
        let mut required: Vec<_> = schema["required"].as_array().unwrap().iter().collect();
        required.sort_by_key(|key| key.as_str().unwrap().to_owned());
        let example = &schema["example"];
        let mut keys: Vec<_> = example.as_object().unwrap().keys().collect();
        keys.sort();
        assert_eq!(required, keys);
        assert_eq!(
            schema["properties"]["object"]["enum"],
            serde_json::json!(["customer"])
        );
    }
}
