//! The customer's fields as parsed values (`Email`, `Name`, `Phone`, `Metadata`) and the helpers
//! that take them out of a JSON object body, so that every door reports the same words.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::error::{Error, Result};

/// What an update does to one optional field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change<T> {
    Keep,
    Clear,
    Set(T),
}

impl<T: Into<String>> Change<T> {
    /// Applies the change to the current (stored) value.
    pub fn apply(self, current: Option<String>) -> Option<String> {
        match self {
            Change::Keep => current,
            Change::Clear => None,
            Change::Set(value) => Some(value.into()),
        }
    }
}

/// A plausible email address, trimmed, at most 254 characters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Email(String);

impl From<Email> for String {
    fn from(value: Email) -> String {
        value.0
    }
}

impl Email {
    pub const MAX_CHARS: usize = 254;

    pub fn parse(input: &str) -> Result<Self, String> {
        let email = input.trim();
        let invalid = || format!("Invalid email address: '{email}'");
        if email.chars().count() > Self::MAX_CHARS {
            return Err(format!(
                "Invalid email address: it must be at most {} characters.",
                Self::MAX_CHARS
            ));
        }
        let (local, domain) = email.split_once('@').ok_or_else(invalid)?;
        let plausible = !local.is_empty()
            && !domain.contains('@')
            && !email.chars().any(|c| c.is_whitespace() || c.is_control())
            && domain
                .split_once('.')
                .is_some_and(|(left, right)| !left.is_empty() && !right.is_empty())
            && !domain.ends_with('.')
            && !domain.contains("..");
        if plausible {
            Ok(Email(email.to_owned()))
        } else {
            Err(invalid())
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The form email filters compare: case-insensitive exact match.
    pub fn normalized(&self) -> String {
        self.0.to_lowercase()
    }
}

/// A person's or business's name: any Unicode, at most 256 characters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Name(String);

impl From<Name> for String {
    fn from(value: Name) -> String {
        value.0
    }
}

impl Name {
    pub const MAX_CHARS: usize = 256;

    pub fn parse(input: &str) -> Result<Self, String> {
        if input.chars().count() > Self::MAX_CHARS {
            return Err(format!(
                "Invalid name: it must be at most {} characters.",
                Self::MAX_CHARS
            ));
        }
        Ok(Name(input.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A phone number as given (trimmed): 7–15 digits, an optional leading `+`, and spaces, `-`,
/// `(` or `)` between the digits. Ghanaian local and E.164 numbers both pass.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Phone(String);

impl From<Phone> for String {
    fn from(value: Phone) -> String {
        value.0
    }
}

impl Phone {
    pub fn parse(input: &str) -> Result<Self, String> {
        let phone = input.trim();
        let rest = phone.strip_prefix('+').unwrap_or(phone);
        let digits = rest.chars().filter(char::is_ascii_digit).count();
        let allowed = rest
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, ' ' | '-' | '(' | ')'));
        let starts_well = rest.starts_with(|c: char| c.is_ascii_digit() || c == '(');
        let ends_well = rest.ends_with(|c: char| c.is_ascii_digit() || c == ')');
        if allowed && starts_well && ends_well && (7..=15).contains(&digits) {
            Ok(Phone(phone.to_owned()))
        } else {
            Err(format!(
                "Invalid phone number: '{phone}'. Use 7 to 15 digits, optionally starting \
                 with +, e.g. 0241234567 or +233241234567."
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Custom key-value pairs: at most 50 keys of 1–40 characters (no `[` or `]`), each value a
/// string of at most 500 characters.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Metadata(BTreeMap<String, String>);

/// What an update does to metadata: keep it, remove it all, merge key by key (`None` removes
/// the key), or replace it whole (the dashboard's editor sends every row).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MetadataChange {
    Keep,
    Clear,
    Merge(BTreeMap<String, Option<String>>),
    Replace(Metadata),
}

impl Metadata {
    pub const MAX_KEYS: usize = 50;
    pub const MAX_KEY_CHARS: usize = 40;
    pub const MAX_VALUE_CHARS: usize = 500;

    pub fn iter(&self) -> impl Iterator<Item = (&String, &String)> {
        self.0.iter()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn get(&self, key: &str) -> Option<&str> {
        self.0.get(key).map(String::as_str)
    }

    /// Metadata for a new object: `""` and `null` values are not stored.
    pub fn from_json(value: &Value) -> Result<Self> {
        let mut metadata = Metadata::default();
        if let MetadataChange::Merge(entries) = parse_metadata_change(value)? {
            metadata.0 = entries
                .into_iter()
                .filter_map(|(key, value)| Some((key, value?)))
                .collect();
        }
        metadata.check_size()?;
        Ok(metadata)
    }

    /// Applies an update's change; the result must still respect the key limit.
    pub fn apply(mut self, change: MetadataChange) -> Result<Self> {
        match change {
            MetadataChange::Keep => {}
            MetadataChange::Clear => self.0.clear(),
            MetadataChange::Replace(metadata) => self = metadata,
            MetadataChange::Merge(entries) => {
                for (key, value) in entries {
                    match value {
                        Some(value) => self.0.insert(key, value),
                        None => self.0.remove(&key),
                    };
                }
            }
        }
        self.check_size()?;
        Ok(self)
    }

    /// Metadata from an editor's rows of key and value: blank rows are skipped, a value needs a
    /// key, and keys and values follow the same rules as in the API.
    pub fn from_rows<'a>(rows: impl IntoIterator<Item = (&'a str, &'a str)>) -> Result<Self> {
        let mut object = Map::new();
        for (key, value) in rows {
            let (key, value) = (key.trim(), value.trim());
            if key.is_empty() && value.is_empty() {
                continue;
            }
            if key.is_empty() {
                return Err(Error::invalid(
                    "metadata",
                    "Invalid metadata: every value needs a key.",
                ));
            }
            object.insert(key.to_owned(), Value::String(value.to_owned()));
        }
        Metadata::from_json(&Value::Object(object))
    }

    /// A key follows the rules of keys: 1 to 40 characters without `[` or `]`.
    pub fn check_key(key: &str) -> Result<(), String> {
        let chars = key.chars().count();
        if chars == 0 || chars > Self::MAX_KEY_CHARS || key.contains(['[', ']']) {
            return Err(format!(
                "Invalid metadata key '{key}': keys must be 1 to {} characters without '[' or ']'.",
                Self::MAX_KEY_CHARS
            ));
        }
        Ok(())
    }

    fn check_size(&self) -> Result<()> {
        if self.0.len() > Self::MAX_KEYS {
            return Err(Error::invalid(
                "metadata",
                format!(
                    "Invalid metadata: at most {} keys are allowed.",
                    Self::MAX_KEYS
                ),
            ));
        }
        Ok(())
    }
}

/// Reads `metadata` as sent in a body: `null` or `""` clears, an object merges.
pub fn parse_metadata_change(value: &Value) -> Result<MetadataChange> {
    let object = match value {
        Value::Null => return Ok(MetadataChange::Clear),
        Value::String(s) if s.is_empty() => return Ok(MetadataChange::Clear),
        Value::Object(object) => object,
        _ => {
            return Err(Error::invalid(
                "metadata",
                "Invalid metadata: expected an object of string keys and string values.",
            ))
        }
    };
    if object.len() > Metadata::MAX_KEYS {
        return Err(Error::invalid(
            "metadata",
            format!(
                "Invalid metadata: at most {} keys are allowed.",
                Metadata::MAX_KEYS
            ),
        ));
    }
    let mut entries = BTreeMap::new();
    for (key, value) in object {
        Metadata::check_key(key).map_err(|message| Error::invalid("metadata", message))?;
        let param = format!("metadata[{key}]");
        let value = match value {
            Value::Null => None,
            Value::String(s) if s.is_empty() => None,
            Value::String(s) if s.chars().count() <= Metadata::MAX_VALUE_CHARS => Some(s.clone()),
            Value::String(_) => {
                return Err(Error::invalid(
                    &param,
                    format!(
                        "Invalid {param}: values must be at most {} characters.",
                        Metadata::MAX_VALUE_CHARS
                    ),
                ))
            }
            _ => {
                return Err(Error::invalid(
                    &param,
                    format!("Invalid {param}: metadata values must be strings."),
                ))
            }
        };
        entries.insert(key.clone(), value);
    }
    Ok(MetadataChange::Merge(entries))
}

/// Refuses any key of `body` not in `allowed`, naming it, and any text anywhere in it holding a
/// NUL character (U+0000), which no field may contain: PostgreSQL cannot store it, so neither
/// backend takes it.
pub fn check_body(body: &Map<String, Value>, allowed: &[&str]) -> Result<()> {
    if let Some(key) = body.keys().find(|key| !allowed.contains(&key.as_str())) {
        return Err(Error::unknown(key.as_str()));
    }
    match body.iter().find(|(_, value)| holds_nul(value)) {
        Some((key, _)) => Err(nul_error(key)),
        None => Ok(()),
    }
}

fn holds_nul(value: &Value) -> bool {
    match value {
        Value::String(text) => text.contains('\0'),
        Value::Array(items) => items.iter().any(holds_nul),
        Value::Object(object) => object
            .iter()
            .any(|(key, value)| key.contains('\0') || holds_nul(value)),
        _ => false,
    }
}

/// The error for text holding a NUL character.
pub fn nul_error(param: &str) -> Error {
    Error::invalid(
        param,
        format!("Invalid {param}: text must not contain NUL characters (\\u0000)."),
    )
}

/// A string field that may be cleared: absent → `Keep`; `null`, `""` or blank → `Clear`.
pub fn string_change<'a>(body: &'a Map<String, Value>, param: &str) -> Result<Change<&'a str>> {
    match body.get(param) {
        None => Ok(Change::Keep),
        Some(Value::Null) => Ok(Change::Clear),
        Some(Value::String(s)) if s.trim().is_empty() => Ok(Change::Clear),
        Some(Value::String(s)) => Ok(Change::Set(s)),
        Some(_) => Err(Error::invalid(
            param,
            format!("Invalid {param}: expected a string."),
        )),
    }
}

/// An optional string field of a new object: `null`, `""` and blank are the same as absent.
pub fn optional_string<'a>(body: &'a Map<String, Value>, param: &str) -> Result<Option<&'a str>> {
    Ok(match string_change(body, param)? {
        Change::Set(value) => Some(value),
        Change::Keep | Change::Clear => None,
    })
}

/// Parses a field's text with `parse`, reporting a failure against `param`.
pub fn parse_field<T>(
    param: &str,
    text: &str,
    parse: impl FnOnce(&str) -> Result<T, String>,
) -> Result<T> {
    parse(text).map_err(|message| Error::invalid(param, message))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn email_accepts_plausible_addresses_and_trims() {
        assert_eq!(
            Email::parse("  customer@example.com ").unwrap().as_str(),
            "customer@example.com"
        );
        assert_eq!(
            Email::parse("A.B+c@sub.example.gh").unwrap().normalized(),
            "a.b+c@sub.example.gh"
        );
    }

    #[test]
    fn email_rejects_implausible_addresses() {
        for bad in [
            "not-an-email",
            "a@b",
            "@example.com",
            "a@@example.com",
            "a@ex ample.com",
            "a b@example.com",
            "a@.com",
            "a@example.",
            "a@example..com",
        ] {
            let message = Email::parse(bad).unwrap_err();
            assert_eq!(message, format!("Invalid email address: '{bad}'"));
        }
        let long = format!("{}@example.com", "a".repeat(250));
        assert!(Email::parse(&long).unwrap_err().contains("254"));
    }

    #[test]
    fn name_allows_any_unicode_up_to_256_chars() {
        assert_eq!(Name::parse("Ama Ɔsei 🌍").unwrap().as_str(), "Ama Ɔsei 🌍");
        assert!(Name::parse(&"é".repeat(256)).is_ok());
        assert!(Name::parse(&"é".repeat(257)).unwrap_err().contains("256"));
    }

    #[test]
    fn phone_accepts_local_and_international_numbers() {
        for good in [
            "0241234567",
            "+233241234567",
            " +233 24 123 4567 ",
            "(024) 123-4567",
            "1234567",
            "123456789012345",
        ] {
            assert_eq!(Phone::parse(good).unwrap().as_str(), good.trim(), "{good}");
        }
    }

    #[test]
    fn phone_rejects_wrong_lengths_and_characters() {
        for bad in [
            "123456",
            "1234567890123456",
            "024-abc-4567",
            "++233241234567",
            "-0241234567",
            "0241234567-",
            "024.123.4567",
        ] {
            assert!(
                Phone::parse(bad)
                    .unwrap_err()
                    .starts_with("Invalid phone number"),
                "{bad}"
            );
        }
    }

    #[test]
    fn metadata_drops_empty_values_on_create() {
        let metadata =
            Metadata::from_json(&json!({"user_id": "123", "gone": "", "none": null})).unwrap();
        assert_eq!(metadata.iter().count(), 1);
        assert_eq!(metadata.get("user_id"), Some("123"));
    }

    #[test]
    fn metadata_rejects_non_strings_naming_the_key() {
        for value in [json!(1), json!(true), json!({"a": "b"}), json!(["x"])] {
            let error = Metadata::from_json(&json!({ "plan": value })).unwrap_err();
            assert_eq!(error.param(), Some("metadata[plan]"));
        }
        let error = Metadata::from_json(&json!(["x"])).unwrap_err();
        assert_eq!(error.param(), Some("metadata"));
    }

    #[test]
    fn metadata_enforces_key_and_value_limits() {
        assert!(Metadata::from_json(&json!({ "a".repeat(40): "v" })).is_ok());
        assert_eq!(
            Metadata::from_json(&json!({ "a".repeat(41): "v" }))
                .unwrap_err()
                .param(),
            Some("metadata")
        );
        assert_eq!(
            Metadata::from_json(&json!({ "a[b]": "v" }))
                .unwrap_err()
                .param(),
            Some("metadata")
        );
        assert_eq!(
            Metadata::from_json(&json!({ "": "v" }))
                .unwrap_err()
                .param(),
            Some("metadata")
        );
        assert!(Metadata::from_json(&json!({ "k": "v".repeat(500) })).is_ok());
        assert_eq!(
            Metadata::from_json(&json!({ "k": "v".repeat(501) }))
                .unwrap_err()
                .param(),
            Some("metadata[k]")
        );
        let fifty: Map<String, Value> = (0..50).map(|i| (format!("k{i}"), json!("v"))).collect();
        assert!(Metadata::from_json(&Value::Object(fifty.clone())).is_ok());
        let mut fifty_one = fifty;
        fifty_one.insert("k50".into(), json!("v"));
        assert_eq!(
            Metadata::from_json(&Value::Object(fifty_one))
                .unwrap_err()
                .param(),
            Some("metadata")
        );
    }

    #[test]
    fn metadata_merges_key_by_key_and_clears() {
        let current = Metadata::from_json(&json!({"a": "1", "b": "2"})).unwrap();
        let change = parse_metadata_change(&json!({"b": "", "c": "3"})).unwrap();
        let merged = current.clone().apply(change).unwrap();
        assert_eq!(
            merged,
            Metadata::from_json(&json!({"a": "1", "c": "3"})).unwrap()
        );
        let cleared = current
            .apply(parse_metadata_change(&json!(null)).unwrap())
            .unwrap();
        assert!(cleared.is_empty());
    }

    #[test]
    fn metadata_rows_skip_blanks_and_need_keys() {
        let metadata =
            Metadata::from_rows([("plan", "gold"), ("", ""), (" tier ", " 2 ")]).unwrap();
        assert_eq!(
            metadata,
            Metadata::from_json(&json!({"plan": "gold", "tier": "2"})).unwrap()
        );
        assert_eq!(
            Metadata::from_rows([("", "orphan")]).unwrap_err().param(),
            Some("metadata")
        );
        assert_eq!(
            Metadata::from_rows([("k", "")]).unwrap(),
            Metadata::default()
        );
        let replaced = metadata
            .apply(MetadataChange::Replace(
                Metadata::from_rows([("a", "1")]).unwrap(),
            ))
            .unwrap();
        assert_eq!(replaced, Metadata::from_json(&json!({"a": "1"})).unwrap());
    }

    #[test]
    fn metadata_merge_cannot_exceed_fifty_keys() {
        let full: Map<String, Value> = (0..50).map(|i| (format!("k{i}"), json!("v"))).collect();
        let current = Metadata::from_json(&Value::Object(full)).unwrap();
        let change = parse_metadata_change(&json!({"one_more": "v"})).unwrap();
        assert_eq!(current.apply(change).unwrap_err().param(), Some("metadata"));
    }

    #[test]
    fn bodies_with_nul_anywhere_are_refused_naming_the_field() {
        for (body, param) in [
            (json!({"name": "a\u{0}b"}), "name"),
            (json!({"metadata": {"k": "v\u{0}"}}), "metadata"),
            (json!({"metadata": {"k\u{0}": "v"}}), "metadata"),
        ] {
            let error = check_body(body.as_object().unwrap(), &["name", "metadata"]).unwrap_err();
            assert_eq!(error.param(), Some(param), "{body}");
        }
        assert!(check_body(json!({"name": "a b"}).as_object().unwrap(), &["name"]).is_ok());
    }

    #[test]
    fn string_fields_treat_null_and_blank_as_clear() {
        let body = json!({"a": null, "b": "", "c": "  ", "d": "x", "e": 5});
        let body = body.as_object().unwrap();
        assert_eq!(string_change(body, "a").unwrap(), Change::Clear);
        assert_eq!(string_change(body, "b").unwrap(), Change::Clear);
        assert_eq!(string_change(body, "c").unwrap(), Change::Clear);
        assert_eq!(string_change(body, "d").unwrap(), Change::Set("x"));
        assert_eq!(string_change(body, "z").unwrap(), Change::Keep);
        assert_eq!(string_change(body, "e").unwrap_err().param(), Some("e"));
    }

    #[test]
    fn unknown_keys_are_named() {
        let body = json!({"email": "a@b.co", "colour": "red"});
        let error = check_body(body.as_object().unwrap(), &["email"]).unwrap_err();
        assert_eq!(error, Error::unknown("colour"));
    }
}
