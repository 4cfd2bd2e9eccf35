//! Merchants (the accounts), their secret keys, and the tenant a request acts for: one merchant
//! in one mode, test or live.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::fields::Email;
use crate::timestamp::Timestamp;

/// Test and live data are separate worlds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    Test,
    Live,
}

impl Mode {
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Test => "test",
            Mode::Live => "live",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "test" => Some(Mode::Test),
            "live" => Some(Mode::Live),
            _ => None,
        }
    }

    /// The prefix every secret key of this mode starts with.
    pub fn secret_key_prefix(self) -> &'static str {
        match self {
            Mode::Test => "sk_test_",
            Mode::Live => "sk_live_",
        }
    }
}

/// Whose data a request sees: one merchant, one mode.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Tenant {
    pub merchant_id: String,
    pub mode: Mode,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "object", rename = "merchant")]
pub struct Merchant {
    pub id: String,
    pub email: String,
    pub business_name: String,
    pub created_at: Timestamp,
}

/// Who is signed in to the dashboard, and which mode they are looking at.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignedIn {
    pub merchant: Merchant,
    pub mode: Mode,
}

impl SignedIn {
    pub fn tenant(&self) -> Tenant {
        Tenant {
            merchant_id: self.merchant.id.clone(),
            mode: self.mode,
        }
    }
}

/// A password as typed: 8 to 128 characters. Never printed.
#[derive(Clone, PartialEq, Eq)]
pub struct Password(String);

impl Password {
    pub fn parse(input: &str) -> Result<Self, String> {
        match input.chars().count() {
            8..=128 => Ok(Password(input.to_owned())),
            _ => Err("Password must be 8 to 128 characters long.".into()),
        }
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(<redacted>)")
    }
}

/// A new merchant account, every field checked.
#[derive(Debug, Clone)]
pub struct MerchantForCreate {
    pub business_name: String,
    pub email: Email,
    pub password: Password,
}

impl MerchantForCreate {
    pub fn parse(business_name: &str, email: &str, password: &str) -> Result<Self> {
        let business_name = business_name.trim();
        if business_name.is_empty() || business_name.chars().count() > 100 {
            return Err(Error::invalid(
                "business_name",
                "Business name must be 1 to 100 characters long.",
            ));
        }
        Ok(MerchantForCreate {
            business_name: business_name.to_owned(),
            email: Email::parse(email).map_err(|message| Error::invalid("email", message))?,
            password: Password::parse(password)
                .map_err(|message| Error::invalid("password", message))?,
        })
    }
}

/// A secret key as listed: never the key itself, only enough to recognise it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiKey {
    pub id: String,
    pub mode: Mode,
    /// e.g. `sk_test_…a1b2`
    pub redacted: String,
    pub created_at: Timestamp,
    pub last_used_at: Option<Timestamp>,
}

/// A secret key just made: the only moment its full text exists outside the client.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewSecretKey {
    pub key: ApiKey,
    pub secret: String,
}

impl fmt::Debug for NewSecretKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NewSecretKey")
            .field("key", &self.key)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merchant_input_is_checked_field_by_field() {
        let ok =
            MerchantForCreate::parse(" Kofi's Shop ", "kofi@example.com", "long enough").unwrap();
        assert_eq!(ok.business_name, "Kofi's Shop");
        for (name, email, password, param) in [
            ("", "kofi@example.com", "long enough", "business_name"),
            ("Shop", "kofi", "long enough", "email"),
            ("Shop", "kofi@example.com", "short", "password"),
        ] {
            let error = MerchantForCreate::parse(name, email, password).unwrap_err();
            assert_eq!(error.param(), Some(param));
        }
    }

    #[test]
    fn passwords_never_print() {
        let password = Password::parse("hunter2hunter2").unwrap();
        assert!(!format!("{password:?}").contains("hunter2"));
    }

    #[test]
    fn modes_have_their_key_prefixes() {
        assert_eq!(Mode::Test.secret_key_prefix(), "sk_test_");
        assert_eq!(Mode::Live.secret_key_prefix(), "sk_live_");
        assert_eq!(Mode::parse("live"), Some(Mode::Live));
        assert_eq!(Mode::parse("prod"), None);
    }
}
