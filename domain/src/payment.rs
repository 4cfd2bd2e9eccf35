//! Payments: the object, creating one, filtering lists of them, and showing amounts to people.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::error::{Error, Result};
use crate::fields::{check_body, optional_string, Metadata};
use crate::list::{non_empty, ListParams, QueryParams};
use crate::timestamp::Timestamp;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "object", rename = "payment")]
pub struct Payment {
    pub id: String,
    pub amount: i64,
    pub currency: Currency,
    pub customer: Option<String>,
    pub description: Option<String>,
    pub status: PaymentStatus,
    pub metadata: Metadata,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

impl Payment {
    pub const ID_PREFIX: &'static str = "pay_";
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum PaymentStatus {
    Succeeded,
}

impl PaymentStatus {
    pub fn as_str(self) -> &'static str {
        "succeeded"
    }
}

/// An ISO 4217 currency code, upper-case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Currency(String);

/// Active ISO 4217 codes.
const ISO_4217: &str = "AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND \
    BOB BOV BRL BSD BTN BWP BYN BZD CAD CDF CHE CHF CHW CLF CLP CNY COP COU CRC CUP CVE CZK DJF \
    DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GNF GTQ GYD HKD HNL HTG HUF IDR ILS \
    INR IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD \
    MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MXV MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN \
    PGK PHP PKR PLN PYG QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SVC \
    SYP SZL THB TJS TMT TND TOP TRY TTD TWD TZS UAH UGX USD USN UYI UYU UYW UZS VED VES VND VUV \
    WST XAF XCD XCG XOF XPF YER ZAR ZMW ZWG";

impl Currency {
    pub fn ghs() -> Self {
        Currency("GHS".into())
    }

    /// Accepts a code in any case; answers it upper-case.
    pub fn parse(input: &str) -> Result<Self, String> {
        let code = input.trim().to_ascii_uppercase();
        if code.len() == 3 && ISO_4217.split_whitespace().any(|known| known == code) {
            Ok(Currency(code))
        } else {
            Err(format!(
                "Invalid currency: '{input}'. Use an ISO 4217 code such as GHS or USD."
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Digits after the decimal point in this currency's minor unit.
    pub fn minor_digits(&self) -> u32 {
        match self.0.as_str() {
            "BIF" | "CLP" | "DJF" | "GNF" | "ISK" | "JPY" | "KMF" | "KRW" | "PYG" | "RWF"
            | "UGX" | "UYI" | "VND" | "VUV" | "XAF" | "XOF" | "XPF" => 0,
            "BHD" | "IQD" | "JOD" | "KWD" | "LYD" | "OMR" | "TND" => 3,
            "CLF" | "UYW" => 4,
            _ => 2,
        }
    }

    /// An amount in minor units as a person reads it, e.g. `GH₵50.00`.
    pub fn format_amount(&self, amount: i64) -> String {
        let digits = self.minor_digits();
        let scale = 10_i64.pow(digits);
        let sign = if amount < 0 { "-" } else { "" };
        let (major, minor) = (
            amount.unsigned_abs() / scale as u64,
            amount.unsigned_abs() % scale as u64,
        );
        let mut grouped = String::new();
        for (i, c) in major.to_string().chars().enumerate() {
            if i > 0 && (major.to_string().len() - i) % 3 == 0 {
                grouped.push(',');
            }
            grouped.push(c);
        }
        let symbol = match self.0.as_str() {
            "GHS" => "GH₵".to_owned(),
            "USD" => "$".to_owned(),
            "EUR" => "€".to_owned(),
            "GBP" => "£".to_owned(),
            "NGN" => "₦".to_owned(),
            other => format!("{other} "),
        };
        if digits == 0 {
            format!("{sign}{symbol}{grouped}")
        } else {
            format!(
                "{sign}{symbol}{grouped}.{minor:0width$}",
                width = digits as usize
            )
        }
    }
}

/// The largest amount, in minor units.
pub const MAX_AMOUNT: i64 = 999_999_999_999;

/// Amounts are integers in minor units, 1 to 999,999,999,999.
pub fn parse_amount(body: &Map<String, Value>) -> Result<i64> {
    match body.get("amount") {
        None | Some(Value::Null) => Err(Error::missing("amount")),
        Some(Value::Number(n)) if n.as_i64().is_some_and(|a| (1..=MAX_AMOUNT).contains(&a)) => {
            Ok(n.as_i64().unwrap_or_default())
        }
        Some(_) => Err(Error::invalid(
            "amount",
            "Invalid amount: it must be an integer number of minor units (pesewas for GHS) \
             between 1 and 999999999999.",
        )),
    }
}

/// `currency` as sent, defaulting to GHS.
pub fn parse_currency(body: &Map<String, Value>) -> Result<Currency> {
    optional_string(body, "currency")?
        .map(|text| Currency::parse(text).map_err(|message| Error::invalid("currency", message)))
        .unwrap_or_else(|| Ok(Currency::ghs()))
}

/// A new payment.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "amount": 5000, "currency": "GHS", "customer": "cus_abc123def456",
    "description": "Order 1042"
})))]
pub struct PaymentForCreate {
    /// Minor units (pesewas for GHS).
    #[cfg_attr(
        feature = "openapi",
        schema(minimum = 1, maximum = 999_999_999_999_i64)
    )]
    pub amount: i64,
    /// Defaults to `GHS`.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<crate::openapi::CurrencyInput>))]
    pub currency: Currency,
    /// A customer id; the store checks that the caller can see it.
    pub customer: Option<String>,
    #[cfg_attr(feature = "openapi", schema(max_length = 1000))]
    pub description: Option<String>,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<crate::fields::MetadataChange>))]
    pub metadata: Metadata,
}

impl PaymentForCreate {
    pub fn from_json(body: &Map<String, Value>) -> Result<Self> {
        check_body(
            body,
            &["amount", "currency", "customer", "description", "metadata"],
        )?;
        let description = optional_string(body, "description")?;
        if description.is_some_and(|d| d.chars().count() > 1000) {
            return Err(Error::invalid(
                "description",
                "Invalid description: it must be at most 1000 characters.",
            ));
        }
        Ok(PaymentForCreate {
            amount: parse_amount(body)?,
            currency: parse_currency(body)?,
            customer: optional_string(body, "customer")?.map(str::to_owned),
            description: description.map(str::to_owned),
            metadata: body
                .get("metadata")
                .map(Metadata::from_json)
                .transpose()?
                .unwrap_or_default(),
        })
    }
}

/// Which payments a list returns.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentFilter {
    pub customer: Option<String>,
    pub list: ListParams,
}

impl PaymentFilter {
    pub fn from_query(mut query: QueryParams) -> Result<Self> {
        let list = ListParams::take_from(&mut query)?;
        let customer = query
            .take("customer")
            .map(|id| non_empty("customer", id))
            .transpose()?;
        query.finish()?;
        Ok(PaymentFilter { customer, list })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn create(body: Value) -> Result<PaymentForCreate> {
        PaymentForCreate::from_json(body.as_object().unwrap())
    }

    #[test]
    fn currency_accepts_any_case_and_answers_upper_case() {
        assert_eq!(Currency::parse("ghs").unwrap().as_str(), "GHS");
        assert_eq!(Currency::parse("UsD").unwrap().as_str(), "USD");
        for bad in ["", "GH", "XYZ", "cedi", "GHSS"] {
            assert!(Currency::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn amounts_format_with_symbol_grouping_and_minor_digits() {
        assert_eq!(Currency::ghs().format_amount(5000), "GH₵50.00");
        assert_eq!(
            Currency::ghs().format_amount(123_456_789),
            "GH₵1,234,567.89"
        );
        assert_eq!(
            Currency::parse("JPY").unwrap().format_amount(500),
            "JPY 500"
        );
        assert_eq!(
            Currency::parse("KWD").unwrap().format_amount(1005),
            "KWD 1.005"
        );
    }

    #[test]
    fn create_requires_an_integer_amount_in_range() {
        assert_eq!(create(json!({})).unwrap_err(), Error::missing("amount"));
        for bad in [
            json!(0),
            json!(-5),
            json!(1.5),
            json!("100"),
            json!(1_000_000_000_000_i64),
        ] {
            assert_eq!(
                create(json!({ "amount": bad })).unwrap_err().param(),
                Some("amount")
            );
        }
        let payment = create(json!({"amount": 5000})).unwrap();
        assert_eq!(payment.currency, Currency::ghs());
        assert_eq!(payment.amount, 5000);
    }

    #[test]
    fn create_refuses_unknown_parameters_and_bad_currency() {
        assert_eq!(
            create(json!({"amount": 1, "status": "failed"})).unwrap_err(),
            Error::unknown("status")
        );
        assert_eq!(
            create(json!({"amount": 1, "currency": "ABC"}))
                .unwrap_err()
                .param(),
            Some("currency")
        );
    }
}
