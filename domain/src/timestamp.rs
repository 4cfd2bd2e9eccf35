//! Points in time as the API shows them: ISO 8601 UTC with milliseconds, stored as Unix
//! milliseconds so that both database backends order and compare them as plain integers.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use time::format_description::well_known::Rfc3339;
use time::macros::format_description;
use time::{Date, OffsetDateTime, UtcOffset};

/// Milliseconds since the Unix epoch, limited to years 1970–9999 so every value formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(i64);

const MAX_MILLIS: i64 = 253_402_300_799_999; // 9999-12-31T23:59:59.999Z

impl Timestamp {
    pub fn from_unix_millis(millis: i64) -> Option<Self> {
        (0..=MAX_MILLIS)
            .contains(&millis)
            .then_some(Timestamp(millis))
    }

    pub fn unix_millis(self) -> i64 {
        self.0
    }

    #[cfg(feature = "store")]
    pub fn now() -> Self {
        let millis = OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000_000;
        Timestamp(millis as i64)
    }

    /// Parses an ISO 8601 timestamp (`2024-01-15T10:00:00Z`, any offset, optional fraction),
    /// a bare date (`2024-01-15`, midnight UTC) or Unix seconds (`1705312800`).
    pub fn parse(input: &str) -> Result<Self, String> {
        let input = input.trim();
        let invalid = || {
            format!(
                "Invalid timestamp: '{input}'. Use ISO 8601 (e.g. 2024-01-15T10:00:00Z) \
                 or Unix seconds."
            )
        };
        let millis = if !input.is_empty() && input.bytes().all(|b| b.is_ascii_digit()) {
            input
                .parse::<i64>()
                .ok()
                .and_then(|seconds| seconds.checked_mul(1000))
        } else if let Ok(at) = OffsetDateTime::parse(input, &Rfc3339) {
            i64::try_from(at.unix_timestamp_nanos() / 1_000_000).ok()
        } else if let Ok(day) = Date::parse(input, format_description!("[year]-[month]-[day]")) {
            Some(day.midnight().assume_utc().unix_timestamp() * 1000)
        } else {
            None
        };
        millis
            .and_then(Timestamp::from_unix_millis)
            .ok_or_else(invalid)
    }

    fn to_datetime(self) -> OffsetDateTime {
        OffsetDateTime::from_unix_timestamp_nanos(i128::from(self.0) * 1_000_000)
            .expect("Timestamp stays within 1970..=9999")
            .to_offset(UtcOffset::UTC)
    }

    /// Moves forward by whole calendar months, clamping the day to the month's length.
    pub fn add_months(self, months: u32) -> Self {
        let at = self.to_datetime();
        let total = at.year() as i64 * 12 + (u8::from(at.month()) as i64 - 1) + months as i64;
        let (year, month) = ((total / 12) as i32, (total % 12 + 1) as u8);
        let month = time::Month::try_from(month).expect("month in 1..=12");
        let day = at.day().min(month.length(year));
        let moved = at
            .replace_day(1)
            .and_then(|d| d.replace_year(year))
            .and_then(|d| d.replace_month(month))
            .and_then(|d| d.replace_day(day))
            .expect("clamped date is valid");
        Timestamp::from_unix_millis((moved.unix_timestamp_nanos() / 1_000_000) as i64)
            .unwrap_or(Timestamp(MAX_MILLIS))
    }

    pub fn add_millis(self, millis: i64) -> Self {
        Timestamp(self.0.saturating_add(millis).min(MAX_MILLIS))
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let at = self.to_datetime();
        write!(
            f,
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
            at.year(),
            u8::from(at.month()),
            at.day(),
            at.hour(),
            at.minute(),
            at.second(),
            at.millisecond()
        )
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Timestamp::parse(&text).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_iso_8601_utc_with_millis() {
        let at = Timestamp::from_unix_millis(1_705_312_800_123).unwrap();
        assert_eq!(at.to_string(), "2024-01-15T10:00:00.123Z");
    }

    #[test]
    fn parses_iso_8601_with_and_without_fraction_and_offsets() {
        let want = 1_705_312_800_000;
        for input in [
            "2024-01-15T10:00:00Z",
            "2024-01-15T10:00:00.000Z",
            "2024-01-15T11:00:00+01:00",
            "1705312800",
        ] {
            assert_eq!(
                Timestamp::parse(input).unwrap().unix_millis(),
                want,
                "{input}"
            );
        }
        assert_eq!(
            Timestamp::parse("2024-01-15").unwrap().unix_millis(),
            1_705_276_800_000
        );
    }

    #[test]
    fn rejects_what_is_not_a_timestamp() {
        for input in [
            "",
            "yesterday",
            "2024-13-01",
            "-5",
            "99999999999999999999",
            "1e9",
        ] {
            let message = Timestamp::parse(input).unwrap_err();
            assert!(message.contains("Invalid timestamp"), "{input}: {message}");
        }
    }

    #[test]
    fn round_trips_through_json() {
        let at = Timestamp::from_unix_millis(1_705_312_800_123).unwrap();
        let json = serde_json::to_string(&at).unwrap();
        assert_eq!(json, "\"2024-01-15T10:00:00.123Z\"");
        assert_eq!(serde_json::from_str::<Timestamp>(&json).unwrap(), at);
    }

    #[test]
    fn adds_calendar_months_clamping_the_day() {
        let jan31 = Timestamp::parse("2024-01-31T08:00:00Z").unwrap();
        assert_eq!(jan31.add_months(1).to_string(), "2024-02-29T08:00:00.000Z");
        assert_eq!(jan31.add_months(12).to_string(), "2025-01-31T08:00:00.000Z");
    }
}
