//! Points in time as the API shows them: ISO 8601 UTC with milliseconds, stored as Unix
//! milliseconds so that both database backends order and compare them as plain integers. The
//! calendar arithmetic is our own (a few lines), so the browser's WASM carries no date library.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Milliseconds since the Unix epoch, limited to years 1970–9999 so every value formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(i64);

const MAX_MILLIS: i64 = 253_402_300_799_999; // 9999-12-31T23:59:59.999Z
const MILLIS_PER_DAY: i64 = 86_400_000;

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
        let since_epoch = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default();
        Timestamp(i64::try_from(since_epoch.as_millis()).unwrap_or(MAX_MILLIS))
    }

    /// Parses an ISO 8601 timestamp (`2024-01-15T10:00:00Z`, any offset, optional fraction),
    /// a bare date (`2024-01-15`, midnight UTC) or Unix seconds (`1705312800`).
    pub fn parse(input: &str) -> Result<Self, String> {
        let input = input.trim();
        let millis = if !input.is_empty() && input.bytes().all(|b| b.is_ascii_digit()) {
            input
                .parse::<i64>()
                .ok()
                .and_then(|seconds| seconds.checked_mul(1000))
        } else {
            parse_rfc3339(input.as_bytes()).or_else(|| match parse_date(input.as_bytes()) {
                Some((days, [])) => Some(days * MILLIS_PER_DAY),
                _ => None,
            })
        };
        millis.and_then(Timestamp::from_unix_millis).ok_or_else(|| {
            format!(
                "Invalid timestamp: '{input}'. Use ISO 8601 (e.g. 2024-01-15T10:00:00Z) \
                 or Unix seconds."
            )
        })
    }

    /// Moves forward by whole calendar months, clamping the day to the month's length.
    pub fn add_months(self, months: u32) -> Self {
        let (days, time_of_day) = (self.0 / MILLIS_PER_DAY, self.0 % MILLIS_PER_DAY);
        let (year, month, day) = civil_from_days(days);
        let total = year * 12 + i64::from(month - 1) + i64::from(months);
        let (year, month) = (total / 12, (total % 12) as u32 + 1);
        let day = day.min(days_in_month(year, month));
        Timestamp::from_unix_millis(
            days_from_civil(year, month, day) * MILLIS_PER_DAY + time_of_day,
        )
        .unwrap_or(Timestamp(MAX_MILLIS))
    }

    pub fn add_millis(self, millis: i64) -> Self {
        Timestamp(self.0.saturating_add(millis).min(MAX_MILLIS))
    }
}

/// Days from 1970-01-01 to a date of the proleptic Gregorian calendar (Howard Hinnant's
/// `days_from_civil`: years are counted from March, so the leap day ends the year).
fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let (era, year_of_era) = (year.div_euclid(400), year.rem_euclid(400));
    let month_from_march = i64::from((month + 9) % 12);
    let day_of_year = (153 * month_from_march + 2) / 5 + i64::from(day) - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// The date `days` after 1970-01-01: year, month (1–12), day (1–31).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let days = days + 719_468;
    let (era, day_of_era) = (days.div_euclid(146_097), days.rem_euclid(146_097));
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_from_march = (5 * day_of_year + 2) / 153;
    let day = (day_of_year - (153 * month_from_march + 2) / 5 + 1) as u32;
    let month = ((month_from_march + 2) % 12 + 1) as u32;
    let year = era * 400 + year_of_era + i64::from(month <= 2);
    (year, month, day)
}

fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// The number written by `digits` (ASCII digits only).
fn number(digits: &[u8]) -> Option<i64> {
    digits.iter().try_fold(0, |n, &b| {
        b.is_ascii_digit().then(|| n * 10 + i64::from(b - b'0'))
    })
}

/// `YYYY-MM-DD` at the start of `text`: days since the epoch, and what follows it.
fn parse_date(text: &[u8]) -> Option<(i64, &[u8])> {
    let [y1, y2, y3, y4, b'-', m1, m2, b'-', d1, d2, rest @ ..] = text else {
        return None;
    };
    let year = number(&[*y1, *y2, *y3, *y4])?;
    let month = u32::try_from(number(&[*m1, *m2])?).ok()?;
    let day = u32::try_from(number(&[*d1, *d2])?).ok()?;
    ((1..=12).contains(&month) && (1..=days_in_month(year, month)).contains(&day))
        .then(|| (days_from_civil(year, month, day), rest))
}

/// An RFC 3339 timestamp (`2024-01-15T10:00:00.123+01:00`, `Z` for UTC) as Unix milliseconds;
/// digits beyond the millisecond are dropped.
fn parse_rfc3339(text: &[u8]) -> Option<i64> {
    let (days, rest) = parse_date(text)?;
    let [b'T' | b't', h1, h2, b':', n1, n2, b':', s1, s2, rest @ ..] = rest else {
        return None;
    };
    let (hour, minute, second) = (
        number(&[*h1, *h2])?,
        number(&[*n1, *n2])?,
        number(&[*s1, *s2])?,
    );
    if hour > 23 || minute > 59 || second > 59 {
        return None;
    }
    let (millis, rest) = match rest {
        [b'.', fraction @ ..] => {
            let len = fraction.iter().take_while(|b| b.is_ascii_digit()).count();
            if len == 0 {
                return None;
            }
            let mut first_three = [b'0'; 3];
            let kept = len.min(3);
            first_three[..kept].copy_from_slice(&fraction[..kept]);
            (number(&first_three)?, &fraction[len..])
        }
        _ => (0, rest),
    };
    let offset_minutes = match rest {
        [b'Z' | b'z'] => 0,
        [sign @ (b'+' | b'-'), h1, h2, b':', m1, m2] => {
            let (hours, minutes) = (number(&[*h1, *h2])?, number(&[*m1, *m2])?);
            if hours > 23 || minutes > 59 {
                return None;
            }
            let offset = hours * 60 + minutes;
            if *sign == b'-' {
                -offset
            } else {
                offset
            }
        }
        _ => return None,
    };
    let minutes = (days * 24 + hour) * 60 + minute - offset_minutes;
    Some((minutes * 60 + second) * 1000 + millis)
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (days, millis) = (self.0 / MILLIS_PER_DAY, self.0 % MILLIS_PER_DAY);
        let (year, month, day) = civil_from_days(days);
        let seconds = millis / 1000;
        write!(
            f,
            "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{:03}Z",
            seconds / 3600,
            seconds / 60 % 60,
            seconds % 60,
            millis % 1000
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
    fn every_day_from_1970_to_9999_is_its_own_date() {
        let last = MAX_MILLIS / MILLIS_PER_DAY;
        let mut expected = (1970, 1, 1);
        for days in 0..=last {
            let date = civil_from_days(days);
            assert_eq!(date, expected, "day {days}");
            assert_eq!(days_from_civil(date.0, date.1, date.2), days);
            expected = if date.2 < days_in_month(date.0, date.1) {
                (date.0, date.1, date.2 + 1)
            } else if date.1 < 12 {
                (date.0, date.1 + 1, 1)
            } else {
                (date.0 + 1, 1, 1)
            };
        }
        assert_eq!(civil_from_days(last), (9999, 12, 31));
    }

    #[test]
    fn parses_the_edges_of_the_format() {
        let millis = |input: &str| Timestamp::parse(input).map(Timestamp::unix_millis);
        assert_eq!(millis("1970-01-01T00:00:00Z"), Ok(0));
        assert_eq!(millis("2024-02-29t23:59:59.9999z"), Ok(1_709_251_199_999));
        assert_eq!(millis("2024-01-15T10:00:00.5-00:30"), Ok(1_705_314_600_500));
        assert_eq!(millis("9999-12-31T23:59:59.999Z"), Ok(MAX_MILLIS));
        for input in [
            "2023-02-29",
            "2024-04-31T00:00:00Z",
            "2024-01-15T24:00:00Z",
            "2024-01-15T10:60:00Z",
            "2024-01-15T10:00:60Z",
            "2024-01-15T10:00:00",
            "2024-01-15T10:00:00.Z",
            "2024-01-15T10:00:00+1:00",
            "2024-01-15T10:00:00+24:00",
            "2024-01-15 10:00:00Z",
            "1970-01-01T00:00:00+00:01",
            "2024-1-15",
        ] {
            assert!(millis(input).is_err(), "{input}");
        }
    }

    #[test]
    fn adds_calendar_months_clamping_the_day() {
        let jan31 = Timestamp::parse("2024-01-31T08:00:00Z").unwrap();
        assert_eq!(jan31.add_months(1).to_string(), "2024-02-29T08:00:00.000Z");
        assert_eq!(jan31.add_months(12).to_string(), "2025-01-31T08:00:00.000Z");
        let late = Timestamp::parse("9999-11-30T00:00:00Z").unwrap();
        assert_eq!(late.add_months(3), Timestamp(MAX_MILLIS));
    }
}
