//! Subscriptions: the object, creating one, its billing periods, and filtering lists of them.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::error::{Error, Result};
use crate::fields::{check_body, optional_string, Metadata};
use crate::list::{non_empty, ListParams, QueryParams};
use crate::payment::{parse_amount, parse_currency, Currency};
use crate::timestamp::Timestamp;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "object", rename = "subscription")]
pub struct Subscription {
    pub id: String,
    pub customer: String,
    pub status: SubscriptionStatus,
    pub amount: i64,
    pub currency: Currency,
    pub interval: Interval,
    pub current_period_start: Timestamp,
    pub current_period_end: Timestamp,
    pub canceled_at: Option<Timestamp>,
    pub metadata: Metadata,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

impl Subscription {
    pub const ID_PREFIX: &'static str = "sub_";
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum SubscriptionStatus {
    Active,
    Canceled,
}

impl SubscriptionStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            SubscriptionStatus::Active => "active",
            SubscriptionStatus::Canceled => "canceled",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "active" => Some(SubscriptionStatus::Active),
            "canceled" => Some(SubscriptionStatus::Canceled),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum Interval {
    Day,
    Week,
    Month,
    Year,
}

impl Interval {
    pub fn as_str(self) -> &'static str {
        match self {
            Interval::Day => "day",
            Interval::Week => "week",
            Interval::Month => "month",
            Interval::Year => "year",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "day" => Some(Interval::Day),
            "week" => Some(Interval::Week),
            "month" => Some(Interval::Month),
            "year" => Some(Interval::Year),
            _ => None,
        }
    }

    /// The end of a billing period that starts at `start`.
    pub fn period_end(self, start: Timestamp) -> Timestamp {
        const DAY: i64 = 86_400_000;
        match self {
            Interval::Day => start.add_millis(DAY),
            Interval::Week => start.add_millis(7 * DAY),
            Interval::Month => start.add_months(1),
            Interval::Year => start.add_months(12),
        }
    }
}

/// A new subscription.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "customer": "cus_abc123def456", "amount": 2500, "interval": "month"
})))]
pub struct SubscriptionForCreate {
    /// A customer id; the store checks that the caller can see it.
    #[cfg_attr(feature = "openapi", schema(min_length = 1))]
    pub customer: String,
    /// Minor units (pesewas for GHS).
    #[cfg_attr(
        feature = "openapi",
        schema(minimum = 1, maximum = 999_999_999_999_i64)
    )]
    pub amount: i64,
    /// Defaults to `GHS`.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<crate::openapi::CurrencyInput>))]
    pub currency: Currency,
    pub interval: Interval,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<crate::fields::MetadataChange>))]
    pub metadata: Metadata,
}

impl SubscriptionForCreate {
    pub fn from_json(body: &Map<String, Value>) -> Result<Self> {
        check_body(
            body,
            &["customer", "amount", "currency", "interval", "metadata"],
        )?;
        let customer =
            optional_string(body, "customer")?.ok_or_else(|| Error::missing("customer"))?;
        let interval = match optional_string(body, "interval")? {
            None => return Err(Error::missing("interval")),
            Some(text) => Interval::parse(text).ok_or_else(|| {
                Error::invalid(
                    "interval",
                    format!("Invalid interval: '{text}'. Use one of day, week, month or year."),
                )
            })?,
        };
        Ok(SubscriptionForCreate {
            customer: customer.to_owned(),
            amount: parse_amount(body)?,
            currency: parse_currency(body)?,
            interval,
            metadata: body
                .get("metadata")
                .map(Metadata::from_json)
                .transpose()?
                .unwrap_or_default(),
        })
    }
}

/// Which subscriptions a list returns.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubscriptionFilter {
    pub customer: Option<String>,
    pub status: Option<SubscriptionStatus>,
    pub list: ListParams,
}

impl SubscriptionFilter {
    pub fn from_query(mut query: QueryParams) -> Result<Self> {
        let list = ListParams::take_from(&mut query)?;
        let customer = query
            .take("customer")
            .map(|id| non_empty("customer", id))
            .transpose()?;
        let status = query.take("status").map(parse_status).transpose()?;
        query.finish()?;
        Ok(SubscriptionFilter {
            customer,
            status,
            list,
        })
    }
}

fn parse_status(text: String) -> Result<SubscriptionStatus> {
    SubscriptionStatus::parse(&text).ok_or_else(|| {
        Error::invalid(
            "status",
            format!("Invalid status: '{text}'. Use active or canceled."),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn create(body: Value) -> Result<SubscriptionForCreate> {
        SubscriptionForCreate::from_json(body.as_object().unwrap())
    }

    #[test]
    fn create_requires_customer_amount_and_interval() {
        assert_eq!(
            create(json!({"amount": 1, "interval": "month"})).unwrap_err(),
            Error::missing("customer")
        );
        assert_eq!(
            create(json!({"customer": "cus_1", "interval": "month"})).unwrap_err(),
            Error::missing("amount")
        );
        assert_eq!(
            create(json!({"customer": "cus_1", "amount": 1})).unwrap_err(),
            Error::missing("interval")
        );
        assert_eq!(
            create(json!({"customer": "cus_1", "amount": 1, "interval": "fortnight"}))
                .unwrap_err()
                .param(),
            Some("interval")
        );
        let ok = create(json!({"customer": "cus_1", "amount": 1, "interval": "week"})).unwrap();
        assert_eq!(ok.currency.as_str(), "GHS");
    }

    #[test]
    fn periods_end_one_interval_later() {
        let start = Timestamp::parse("2024-01-31T00:00:00Z").unwrap();
        assert_eq!(
            Interval::Day.period_end(start).to_string(),
            "2024-02-01T00:00:00.000Z"
        );
        assert_eq!(
            Interval::Week.period_end(start).to_string(),
            "2024-02-07T00:00:00.000Z"
        );
        assert_eq!(
            Interval::Month.period_end(start).to_string(),
            "2024-02-29T00:00:00.000Z"
        );
        assert_eq!(
            Interval::Year.period_end(start).to_string(),
            "2025-01-31T00:00:00.000Z"
        );
    }

    #[test]
    fn status_filter_takes_active_or_canceled() {
        let query = QueryParams::parse([("status".to_string(), "paused".to_string())]).unwrap();
        assert_eq!(
            SubscriptionFilter::from_query(query).unwrap_err().param(),
            Some("status")
        );
    }
}
