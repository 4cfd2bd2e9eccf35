//! Phone numbers as people type them: one E.164 form for matching (`024 123 4567`,
//! `+233 24 123 4567` and `233241234567` are the same number), and the Ghanaian mobile network a
//! number belongs to. The number a customer gave is kept as given; these are derived from it.
//!
//! Hand-written rather than libphonenumber's Rust port: that crate carries every country's
//! metadata (and a regex engine) into the dashboard's WASM, knows nothing of carriers, and all
//! that matching needs is the national-to-international rule of the merchant's country.

use std::fmt;

/// The country a national number (one without its country code) is read in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PhoneCountry {
    /// The country calling code, digits only (`233`).
    pub calling_code: &'static str,
    /// How many digits a number has after the calling code (Ghana: 9, as in `24 123 4567`).
    pub national_digits: usize,
}

impl PhoneCountry {
    /// Every merchant's numbers are read as Ghanaian until merchants have settings to say
    /// otherwise.
    pub const GHANA: PhoneCountry = PhoneCountry {
        calling_code: "233",
        national_digits: 9,
    };
}

/// A phone number in E.164 form: `+` and up to 15 digits, country code first.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct E164(String);

impl E164 {
    /// Reads a number typed any usual way: spaces, dashes, dots and brackets are ignored; `+`
    /// or `00` starts an international number; a leading `0` (the trunk prefix) or a number of
    /// exactly the national length is national; the calling code without `+` followed by a
    /// national number is international. Anything else with 7–15 digits is taken as an
    /// international number whose `+` was left off. `None` if it is not a phone number at all.
    pub fn parse(input: &str, country: PhoneCountry) -> Option<Self> {
        let input = input.trim();
        let (plus, rest) = match input.strip_prefix('+') {
            Some(rest) => (true, rest),
            None => (false, input),
        };
        let mut digits = String::with_capacity(rest.len());
        for c in rest.chars() {
            match c {
                '0'..='9' => digits.push(c),
                ' ' | '-' | '.' | '(' | ')' | '/' => {}
                _ => return None,
            }
        }
        let international = if plus {
            digits
        } else if let Some(after) = digits.strip_prefix("00") {
            after.to_owned()
        } else if let Some(national) = digits.strip_prefix('0') {
            format!("{}{national}", country.calling_code)
        } else if digits.len() == country.national_digits {
            format!("{}{digits}", country.calling_code)
        } else {
            digits
        };
        (7..=15)
            .contains(&international.len())
            .then(|| E164(format!("+{international}")))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The Ghanaian mobile network this number belongs to, from its prefix.
    pub fn ghana_network(&self) -> Option<MobileNetwork> {
        let national = self.0.strip_prefix("+233")?;
        if national.len() != PhoneCountry::GHANA.national_digits {
            return None;
        }
        MobileNetwork::from_ghana_prefix(&national[..2])
    }
}

impl fmt::Display for E164 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Ghana's mobile networks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MobileNetwork {
    Mtn,
    Telecel,
    AirtelTigo,
}

impl MobileNetwork {
    /// The network of a Ghanaian number's first two national digits (`24` of `024 123 4567`),
    /// as the National Communications Authority allocated them.
    pub fn from_ghana_prefix(prefix: &str) -> Option<Self> {
        match prefix {
            "24" | "25" | "53" | "54" | "55" | "59" => Some(MobileNetwork::Mtn),
            "20" | "50" => Some(MobileNetwork::Telecel),
            "26" | "27" | "56" | "57" => Some(MobileNetwork::AirtelTigo),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            MobileNetwork::Mtn => "MTN",
            MobileNetwork::Telecel => "Telecel",
            MobileNetwork::AirtelTigo => "AirtelTigo",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn e164(input: &str) -> Option<String> {
        E164::parse(input, PhoneCountry::GHANA).map(|n| n.0)
    }

    #[test]
    fn the_usual_ghanaian_forms_are_one_number() {
        for typed in [
            "0241234567",
            "024 123 4567",
            "024-123-4567",
            "(024) 123 4567",
            "+233 24 123 4567",
            "+233241234567",
            "233241234567",
            "00233241234567",
            "241234567",
            " 024.123.4567 ",
        ] {
            assert_eq!(e164(typed).as_deref(), Some("+233241234567"), "{typed}");
        }
    }

    #[test]
    fn other_countries_keep_their_own_code() {
        assert_eq!(e164("+44 20 7946 0958").as_deref(), Some("+442079460958"));
        assert_eq!(e164("0044 20 7946 0958").as_deref(), Some("+442079460958"));
        assert_eq!(e164("+234 803 123 4567").as_deref(), Some("+2348031234567"));
        // Neither national (no trunk 0, not 9 digits) nor Ghanaian: an international number.
        assert_eq!(e164("2348031234567").as_deref(), Some("+2348031234567"));
    }

    #[test]
    fn what_is_not_a_phone_number_has_no_form() {
        for typed in [
            "",
            "+",
            "kwame",
            "024 123 456a",
            "12345",
            "+1234567890123456",
            "0+24",
        ] {
            assert_eq!(e164(typed), None, "{typed}");
        }
    }

    #[test]
    fn ghanaian_mobile_prefixes_name_their_network() {
        use MobileNetwork::*;
        // Each allocated mobile prefix, typed nationally.
        let table = [
            ("024", Some(Mtn)),
            ("025", Some(Mtn)),
            ("053", Some(Mtn)),
            ("054", Some(Mtn)),
            ("055", Some(Mtn)),
            ("059", Some(Mtn)),
            ("020", Some(Telecel)),
            ("050", Some(Telecel)),
            ("026", Some(AirtelTigo)),
            ("027", Some(AirtelTigo)),
            ("056", Some(AirtelTigo)),
            ("057", Some(AirtelTigo)),
            // Fixed lines (Accra 030, Kumasi 032) and unallocated prefixes have no network.
            ("030", None),
            ("032", None),
            ("023", None),
            ("058", None),
        ];
        for (prefix, network) in table {
            let number = E164::parse(&format!("{prefix}1234567"), PhoneCountry::GHANA).unwrap();
            assert_eq!(number.ghana_network(), network, "{prefix}");
        }
        let abroad = E164::parse("+442479460958", PhoneCountry::GHANA).unwrap();
        assert_eq!(abroad.ghana_network(), None);
        let short = E164::parse("+23324123456", PhoneCountry::GHANA).unwrap();
        assert_eq!(short.ghana_network(), None);
        assert_eq!(MobileNetwork::AirtelTigo.name(), "AirtelTigo");
    }
}
