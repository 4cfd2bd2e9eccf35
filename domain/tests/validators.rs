//! Every validator takes any input without panicking, and what it accepts keeps its promise.

use domain::{Currency, Email, IdempotencyKey, Limit, Metadata, Name, Phone, Timestamp};
use proptest::prelude::*;

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: 1000,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn email_accepts_only_plausible_addresses(input in any::<String>()) {
        if let Ok(email) = Email::parse(&input) {
            let text = email.as_str();
            prop_assert_eq!(text.matches('@').count(), 1);
            prop_assert!(!text.chars().any(char::is_whitespace));
            prop_assert!(text.chars().count() <= 254);
        }
    }

    #[test]
    fn phone_accepts_only_7_to_15_digits(input in any::<String>()) {
        if let Ok(phone) = Phone::parse(&input) {
            let digits = phone.as_str().chars().filter(char::is_ascii_digit).count();
            prop_assert!((7..=15).contains(&digits));
        }
    }

    #[test]
    fn name_accepts_up_to_256_chars(input in any::<String>()) {
        prop_assert_eq!(Name::parse(&input).is_ok(), input.chars().count() <= 256);
    }

    #[test]
    fn timestamps_limits_currencies_and_keys_never_panic(input in any::<String>()) {
        if let Ok(at) = Timestamp::parse(&input) {
            prop_assert!(at.to_string().ends_with('Z'));
        }
        if let Ok(limit) = Limit::parse(&input) {
            prop_assert!((1..=100).contains(&limit.get()));
        }
        if let Ok(currency) = Currency::parse(&input) {
            prop_assert_eq!(currency.as_str().len(), 3);
        }
        let _ = IdempotencyKey::parse(&input);
    }

    #[test]
    fn metadata_from_any_object_respects_its_limits(entries in prop::collection::btree_map(any::<String>(), any::<String>(), 0..60)) {
        let value = serde_json::to_value(&entries).unwrap();
        if let Ok(metadata) = Metadata::from_json(&value) {
            prop_assert!(metadata.iter().count() <= 50);
            for (key, value) in metadata.iter() {
                prop_assert!((1..=40).contains(&key.chars().count()) && !key.contains(['[', ']']));
                prop_assert!(!value.is_empty() && value.chars().count() <= 500);
            }
        }
    }
}
