//! Webhook endpoints and their deliveries: the endpoint object and what creating and changing one
//! takes, which addresses deliveries may go to, the retry schedule, the delivery state machine
//! and (on the server) the Standard Webhooks signature.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::time::Duration;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::error::{Error, Result};
use crate::event::{EventSelector, EventType};
use crate::fields::{check_body, optional_string, parse_metadata_change, string_change, Change};
use crate::fields::{Metadata, MetadataChange};
use crate::timestamp::Timestamp;

/// A URL of the merchant's that receives events.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "object", rename = "webhook_endpoint")]
pub struct WebhookEndpoint {
    pub id: String,
    pub url: String,
    pub enabled_events: Vec<String>,
    pub description: Option<String>,
    pub status: EndpointStatus,
    pub metadata: Metadata,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    /// Only in the answers to the create and to `roll_secret`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(
        feature = "openapi",
        schema(example = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
    )]
    pub secret: Option<String>,
}

impl WebhookEndpoint {
    pub const ID_PREFIX: &'static str = "we_";

    pub fn is_enabled(&self) -> bool {
        self.status == EndpointStatus::Enabled
    }

    /// Whether an event of this type goes to the endpoint.
    pub fn wants(&self, kind: EventType) -> bool {
        wants(&self.enabled_events, kind)
    }
}

/// Whether an endpoint asking for `enabled_events` (as stored: each valid) takes `kind`.
pub fn wants(enabled_events: &[String], kind: EventType) -> bool {
    enabled_events
        .iter()
        .any(|selector| EventSelector::parse(selector).is_ok_and(|selector| selector.matches(kind)))
}

/// The answer to a delete.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "object", rename = "webhook_endpoint")]
pub struct DeletedWebhookEndpoint {
    pub id: String,
    pub deleted: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum EndpointStatus {
    Enabled,
    Disabled,
}

impl EndpointStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            EndpointStatus::Enabled => "enabled",
            EndpointStatus::Disabled => "disabled",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "enabled" => Some(EndpointStatus::Enabled),
            "disabled" => Some(EndpointStatus::Disabled),
            _ => None,
        }
    }
}

/// An absolute `http://` or `https://` URL with a host, at most 2,048 characters. Whether the
/// host is a public address is asked separately, of what it resolves to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookUrl(String);

impl WebhookUrl {
    pub const MAX_CHARS: usize = 2048;

    pub fn parse(input: &str) -> Result<Self, String> {
        let url = input.trim();
        let invalid = |why: &str| Err(format!("Invalid url '{url}': {why}"));
        if url.chars().count() > Self::MAX_CHARS {
            return Err(format!(
                "Invalid url: at most {} characters are allowed.",
                Self::MAX_CHARS
            ));
        }
        let Some((scheme, rest)) = url.split_once("://") else {
            return invalid("use an absolute URL such as https://example.com/webhooks.");
        };
        if !scheme.eq_ignore_ascii_case("https") && !scheme.eq_ignore_ascii_case("http") {
            return invalid("only https:// and http:// URLs can receive webhooks.");
        }
        if url.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return invalid("a URL has no spaces.");
        }
        let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
        if authority.contains('@') {
            return invalid("user names and passwords do not belong in a webhook URL.");
        }
        if Self::host_of(authority).is_empty() {
            return invalid("the URL has no host.");
        }
        Ok(WebhookUrl(url.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The host, without brackets around an IPv6 address.
    pub fn host(&self) -> &str {
        let rest = self.0.split_once("://").map_or("", |(_, rest)| rest);
        Self::host_of(rest.split(['/', '?', '#']).next().unwrap_or_default())
    }

    /// The port given, else the scheme's.
    pub fn port(&self) -> u16 {
        let (scheme, rest) = self.0.split_once("://").unwrap_or_default();
        let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
        let after_host = match authority.strip_prefix('[') {
            Some(bracketed) => bracketed.split_once(']').map_or("", |(_, after)| after),
            None => authority.split_once(':').map_or("", |(_, port)| port),
        };
        let given = after_host.strip_prefix(':').unwrap_or(after_host);
        match given.parse() {
            Ok(port) => port,
            Err(_) if scheme.eq_ignore_ascii_case("https") => 443,
            Err(_) => 80,
        }
    }

    fn host_of(authority: &str) -> &str {
        match authority.strip_prefix('[') {
            Some(bracketed) => bracketed.split(']').next().unwrap_or_default(),
            None => authority.split(':').next().unwrap_or_default(),
        }
    }
}

/// Whether deliveries may connect to `address`: not loopback, private, link-local, shared,
/// multicast, documentation, benchmarking, reserved or unspecified (nor an IPv6 address that
/// carries one of those IPv4 addresses).
pub fn is_public_address(address: IpAddr) -> bool {
    match address {
        IpAddr::V4(v4) => is_public_v4(v4),
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_public_v4(v4);
            }
            is_public_v6(v6)
        }
    }
}

fn is_public_v4(address: Ipv4Addr) -> bool {
    let [a, b, c, _] = address.octets();
    !(address.is_unspecified()
        || address.is_loopback()
        || address.is_private()
        || address.is_link_local()
        || address.is_multicast()
        || address.is_broadcast()
        || address.is_documentation()
        || a == 0
        || (a == 100 && (64..128).contains(&b)) // shared address space (carrier-grade NAT)
        || (a == 192 && b == 0 && c == 0) // IETF protocol assignments
        || (a == 198 && (b == 18 || b == 19)) // benchmarking
        || a >= 240) // reserved
}

fn is_public_v6(address: Ipv6Addr) -> bool {
    let first = address.segments()[0];
    !(address.is_unspecified()
        || address.is_loopback()
        || address.is_multicast()
        || (first & 0xfe00) == 0xfc00 // unique local
        || (first & 0xffc0) == 0xfe80 // link-local
        || (first & 0xffc0) == 0xfec0 // site-local (deprecated)
        || first == 0x2001 && address.segments()[1] == 0x0db8 // documentation
        || first == 0x0064 && address.segments()[1] == 0xff9b // NAT64
        || first == 0x2002) // 6to4: carries an IPv4 address of any kind
}

/// `enabled_events` as sent: a non-empty list of event types, `resource.*` prefixes or `"*"`.
fn parse_enabled_events(value: &Value) -> Result<Vec<String>> {
    let invalid = |message: String| Error::invalid("enabled_events", message);
    let Value::Array(items) = value else {
        return Err(invalid(
            "Invalid enabled_events: expected a list of event types, e.g. [\"customer.created\"] \
             or [\"*\"]."
                .into(),
        ));
    };
    if items.is_empty() {
        return Err(invalid(
            "Invalid enabled_events: name at least one event type, or [\"*\"] for all.".into(),
        ));
    }
    let mut selectors: Vec<String> = Vec::new();
    for item in items {
        let Value::String(text) = item else {
            return Err(invalid(
                "Invalid enabled_events: each entry must be a string.".into(),
            ));
        };
        let selector = EventSelector::parse(text.trim())
            .map_err(|why| invalid(format!("Invalid enabled_events: {why}")))?;
        let text = selector.as_string();
        if !selectors.contains(&text) {
            selectors.push(text);
        }
    }
    Ok(selectors)
}

const DESCRIPTION_MAX_CHARS: usize = 1000;

fn parse_description(text: &str) -> Result<String> {
    if text.chars().count() > DESCRIPTION_MAX_CHARS {
        return Err(Error::invalid(
            "description",
            format!("Invalid description: at most {DESCRIPTION_MAX_CHARS} characters."),
        ));
    }
    Ok(text.trim().to_owned())
}

fn parse_url(text: &str) -> Result<WebhookUrl> {
    WebhookUrl::parse(text).map_err(|message| Error::invalid("url", message))
}

/// A new endpoint, every field checked.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "url": "https://example.com/shika/webhooks", "enabled_events": ["customer.*"],
    "description": "CRM sync"
})))]
pub struct WebhookEndpointForCreate {
    #[cfg_attr(feature = "openapi", schema(value_type = String, max_length = 2048))]
    pub url: WebhookUrl,
    /// Event types, `resource.*` prefixes, or `["*"]` for every event.
    #[cfg_attr(feature = "openapi", schema(min_items = 1))]
    pub enabled_events: Vec<String>,
    #[cfg_attr(feature = "openapi", schema(max_length = 1000))]
    pub description: Option<String>,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<MetadataChange>))]
    pub metadata: Metadata,
}

const WRITABLE: &[&str] = &["url", "enabled_events", "description", "metadata"];

impl WebhookEndpointForCreate {
    pub fn from_json(body: &Map<String, Value>) -> Result<Self> {
        check_body(body, WRITABLE)?;
        let url = optional_string(body, "url")?.ok_or_else(|| Error::missing("url"))?;
        Ok(WebhookEndpointForCreate {
            url: parse_url(url)?,
            enabled_events: parse_enabled_events(
                body.get("enabled_events")
                    .ok_or_else(|| Error::missing("enabled_events"))?,
            )?,
            description: optional_string(body, "description")?
                .map(parse_description)
                .transpose()?,
            metadata: body
                .get("metadata")
                .map(Metadata::from_json)
                .transpose()?
                .unwrap_or_default(),
        })
    }
}

/// Changes to an endpoint: only the fields sent change.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"disabled": true})))]
pub struct WebhookEndpointForUpdate {
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, max_length = 2048))]
    pub url: Option<WebhookUrl>,
    #[cfg_attr(feature = "openapi", schema(min_items = 1))]
    pub enabled_events: Option<Vec<String>>,
    /// `null` or `""` clears it.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, max_length = 1000))]
    pub description: Change<String>,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<MetadataChange>))]
    pub metadata: MetadataChange,
    /// `true` stops deliveries (they wait, and resume when enabled again); `false` resumes them.
    pub disabled: Option<bool>,
}

impl WebhookEndpointForUpdate {
    pub fn from_json(body: &Map<String, Value>) -> Result<Self> {
        check_body(body, &[WRITABLE, &["disabled"]].concat())?;
        let disabled = match body.get("disabled") {
            None | Some(Value::Null) => None,
            Some(Value::Bool(disabled)) => Some(*disabled),
            Some(_) => {
                return Err(Error::invalid(
                    "disabled",
                    "Invalid disabled: expected true or false.",
                ))
            }
        };
        Ok(WebhookEndpointForUpdate {
            url: match string_change(body, "url")? {
                Change::Keep => None,
                Change::Clear => return Err(Error::missing("url")),
                Change::Set(url) => Some(parse_url(url)?),
            },
            enabled_events: body
                .get("enabled_events")
                .map(parse_enabled_events)
                .transpose()?,
            description: match string_change(body, "description")? {
                Change::Keep => Change::Keep,
                Change::Clear => Change::Clear,
                Change::Set(text) => Change::Set(parse_description(text)?),
            },
            metadata: body
                .get("metadata")
                .map(parse_metadata_change)
                .transpose()?
                .unwrap_or(MetadataChange::Keep),
            disabled,
        })
    }

    /// The endpoint after this update.
    pub fn apply(self, current: WebhookEndpoint, now: Timestamp) -> Result<WebhookEndpoint> {
        Ok(WebhookEndpoint {
            url: self.url.map_or(current.url, |url| url.0),
            enabled_events: self.enabled_events.unwrap_or(current.enabled_events),
            description: self.description.apply(current.description),
            metadata: current.metadata.apply(self.metadata)?,
            status: match self.disabled {
                Some(true) => EndpointStatus::Disabled,
                Some(false) => EndpointStatus::Enabled,
                None => current.status,
            },
            updated_at: now.max(current.updated_at),
            ..current
        })
    }
}

/// When failed deliveries are tried again: the delays after the first, second, … failure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetrySchedule(Vec<Duration>);

impl Default for RetrySchedule {
    /// About a day and a half: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h.
    fn default() -> Self {
        RetrySchedule::parse("5,300,1800,7200,18000,36000,36000").unwrap_or(RetrySchedule(vec![]))
    }
}

impl RetrySchedule {
    /// Seconds, comma-separated (`SHIKA_WEBHOOK_RETRY_DELAYS`); empty means no retries.
    pub fn parse(text: &str) -> Result<Self, String> {
        if text.trim().is_empty() {
            return Ok(RetrySchedule(Vec::new()));
        }
        text.split(',')
            .map(|part| {
                let part = part.trim();
                part.parse::<u32>()
                    .map(|seconds| Duration::from_secs(seconds.into()))
                    .map_err(|_| {
                        format!(
                            "'{part}' is not a number of seconds; give the delays as e.g. \
                             5,300,1800"
                        )
                    })
            })
            .collect::<Result<_, _>>()
            .map(RetrySchedule)
    }

    /// How many attempts a delivery gets in all.
    pub fn attempts(&self) -> u32 {
        u32::try_from(self.0.len())
            .unwrap_or(u32::MAX)
            .saturating_add(1)
    }

    /// The wait after the `failures`-th failure (1-based), stretched by `jitter` (0.0 to 1.0 of
    /// a tenth), so that deliveries failed together do not all come back together; `None` when
    /// the schedule is spent.
    pub fn delay_after(&self, failures: u32, jitter: f64) -> Option<Duration> {
        let index = usize::try_from(failures.checked_sub(1)?).ok()?;
        let base = *self.0.get(index)?;
        Some(base + base.mul_f64(jitter.clamp(0.0, 1.0) / 10.0))
    }
}

/// Where a delivery stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DeliveryStatus {
    /// Waiting for its first attempt or a retry.
    Pending,
    Succeeded,
    /// Every attempt of the schedule failed.
    Failed,
}

impl DeliveryStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryStatus::Pending => "pending",
            DeliveryStatus::Succeeded => "succeeded",
            DeliveryStatus::Failed => "failed",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "pending" => Some(DeliveryStatus::Pending),
            "succeeded" => Some(DeliveryStatus::Succeeded),
            "failed" => Some(DeliveryStatus::Failed),
            _ => None,
        }
    }
}

/// What one attempt got back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AttemptOutcome {
    /// The receiver answered with this status (success only if 2xx).
    Answered { status: u16, body: String },
    /// No answer: refused, timed out, refused by the address policy, …
    NoAnswer { error: String },
}

impl AttemptOutcome {
    /// The first 2 KiB of an answer, cut at a character boundary: what the dashboard shows.
    pub const BODY_KEPT_BYTES: usize = 2048;

    pub fn is_success(&self) -> bool {
        matches!(self, AttemptOutcome::Answered { status, .. } if (200..300).contains(status))
    }

    pub fn status(&self) -> Option<u16> {
        match self {
            AttemptOutcome::Answered { status, .. } => Some(*status),
            AttemptOutcome::NoAnswer { .. } => None,
        }
    }

    /// An answer whose body is kept only as far as the dashboard shows it.
    pub fn answered(status: u16, body: &[u8]) -> Self {
        let mut end = body.len().min(Self::BODY_KEPT_BYTES);
        let text = loop {
            match std::str::from_utf8(&body[..end]) {
                Ok(text) => break text,
                Err(error) if error.valid_up_to() > 0 || end == 0 => {
                    end = error.valid_up_to();
                }
                Err(_) => break "",
            }
        };
        AttemptOutcome::Answered {
            status,
            body: text.to_owned(),
        }
    }
}

/// A delivery after an attempt: done, waiting for the retry at `at`, or given up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AfterAttempt {
    Succeeded,
    RetryAt(Timestamp),
    Failed,
}

impl AfterAttempt {
    /// The state machine: an attempt that succeeded ends the delivery; a failure schedules the
    /// next attempt by `schedule`, or fails the delivery when the schedule is spent.
    /// `failures_before` counts this delivery's earlier failed attempts.
    pub fn decide(
        outcome: &AttemptOutcome,
        failures_before: u32,
        schedule: &RetrySchedule,
        now: Timestamp,
        jitter: f64,
    ) -> Self {
        if outcome.is_success() {
            return AfterAttempt::Succeeded;
        }
        match schedule.delay_after(failures_before + 1, jitter) {
            Some(delay) => AfterAttempt::RetryAt(
                now.add_millis(i64::try_from(delay.as_millis()).unwrap_or(i64::MAX)),
            ),
            None => AfterAttempt::Failed,
        }
    }

    pub fn status(self) -> DeliveryStatus {
        match self {
            AfterAttempt::Succeeded => DeliveryStatus::Succeeded,
            AfterAttempt::RetryAt(_) => DeliveryStatus::Pending,
            AfterAttempt::Failed => DeliveryStatus::Failed,
        }
    }
}

/// One event's delivery to one endpoint, as the dashboard lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Delivery {
    pub event_id: String,
    pub event_type: String,
    pub status: DeliveryStatus,
    pub attempts: u32,
    pub next_attempt_at: Option<Timestamp>,
    pub last_response_status: Option<u16>,
    pub last_error: Option<String>,
    pub created_at: Timestamp,
}

/// One attempt of a delivery.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attempt {
    pub attempted_at: Timestamp,
    pub response_status: Option<u16>,
    pub error: Option<String>,
    pub duration_ms: u64,
    pub response_body: Option<String>,
}

#[cfg(feature = "store")]
pub use signing::{sign, WebhookSecret};

/// Where deliveries may connect, decided on the addresses a host resolves to.
#[cfg(feature = "store")]
pub mod outbound {
    use std::net::{IpAddr, SocketAddr};

    use super::{is_public_address, WebhookUrl};

    /// The addresses `host` resolves to that deliveries may connect to (all of them when
    /// `allow_private`); an error naming the address when it has only forbidden ones.
    pub async fn public_addresses(
        host: &str,
        port: u16,
        allow_private: bool,
    ) -> Result<Vec<SocketAddr>, String> {
        let addresses: Vec<SocketAddr> = match host.parse::<IpAddr>() {
            Ok(ip) => vec![SocketAddr::new(ip, port)],
            Err(_) => tokio::net::lookup_host((host, port))
                .await
                .map_err(|error| format!("cannot resolve {host}: {error}"))?
                .collect(),
        };
        if allow_private {
            return Ok(addresses);
        }
        let public: Vec<_> = addresses
            .iter()
            .copied()
            .filter(|address| is_public_address(address.ip()))
            .collect();
        match (public.is_empty(), addresses.first()) {
            (true, Some(refused)) if refused.ip().to_string() == host => Err(format!(
                "{host} is not a public address; webhooks are only sent to the public internet"
            )),
            (true, Some(refused)) => Err(format!(
                "{host} is {}, which is not a public address; webhooks are only sent to the \
                 public internet",
                refused.ip()
            )),
            (true, None) => Err(format!("{host} has no addresses")),
            (false, _) => Ok(public),
        }
    }

    /// Refuses a URL whose host is, or resolves only to, addresses deliveries may not reach. A
    /// host that does not resolve now is let through: its deliveries fail and are retried.
    pub async fn check_url(url: &str) -> Result<(), String> {
        let url = WebhookUrl::parse(url)?;
        let (host, port) = (url.host(), url.port());
        if host.parse::<IpAddr>().is_err() && tokio::net::lookup_host((host, port)).await.is_err() {
            return Ok(());
        }
        public_addresses(host, port, false).await.map(|_| ())
    }
}

#[cfg(feature = "store")]
mod signing {
    use base64::engine::general_purpose::STANDARD;
    use base64::Engine;
    use hmac::{Hmac, Mac};
    use sha2::Sha256;

    /// An endpoint's signing secret: `whsec_` + base64 of its random bytes (Standard Webhooks).
    #[derive(Clone, PartialEq, Eq)]
    pub struct WebhookSecret(Vec<u8>);

    impl std::fmt::Debug for WebhookSecret {
        /// Never the secret itself: it must not reach a log.
        fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            formatter.write_str("WebhookSecret(…)")
        }
    }

    impl WebhookSecret {
        pub const PREFIX: &'static str = "whsec_";

        pub fn from_bytes(bytes: Vec<u8>) -> Self {
            WebhookSecret(bytes)
        }

        /// Reads `whsec_…` back; `None` if it is not that form.
        pub fn parse(text: &str) -> Option<Self> {
            let encoded = text.strip_prefix(Self::PREFIX)?;
            STANDARD.decode(encoded).ok().map(WebhookSecret)
        }

        pub fn expose(&self) -> String {
            format!("{}{}", Self::PREFIX, STANDARD.encode(&self.0))
        }

        /// `v1,` + base64 HMAC-SHA256 of `{id}.{timestamp}.{body}`.
        pub fn signature(&self, id: &str, timestamp: i64, body: &[u8]) -> String {
            // HMAC takes keys of any length; `new_from_slice` cannot fail for it.
            let mut mac = Hmac::<Sha256>::new_from_slice(&self.0).expect("HMAC takes any key");
            mac.update(id.as_bytes());
            mac.update(b".");
            mac.update(timestamp.to_string().as_bytes());
            mac.update(b".");
            mac.update(body);
            format!("v1,{}", STANDARD.encode(mac.finalize().into_bytes()))
        }
    }

    /// The `webhook-signature` header: one signature per secret, space-separated.
    pub fn sign(secrets: &[WebhookSecret], id: &str, timestamp: i64, body: &[u8]) -> String {
        secrets
            .iter()
            .map(|secret| secret.signature(id, timestamp, body))
            .collect::<Vec<_>>()
            .join(" ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn body(value: Value) -> Map<String, Value> {
        value.as_object().unwrap().clone()
    }

    #[test]
    fn urls_must_be_absolute_http_or_https_with_a_host() {
        let url = WebhookUrl::parse(" https://hooks.example.com:8443/shika?x=1 ").unwrap();
        assert_eq!(url.as_str(), "https://hooks.example.com:8443/shika?x=1");
        assert_eq!(url.host(), "hooks.example.com");
        assert_eq!(url.port(), 8443);
        assert_eq!(WebhookUrl::parse("http://[::1]/x").unwrap().host(), "::1");
        assert_eq!(WebhookUrl::parse("http://[::1]:9/x").unwrap().port(), 9);
        assert_eq!(
            WebhookUrl::parse("HTTPS://example.com").unwrap().port(),
            443
        );
        assert_eq!(WebhookUrl::parse("http://example.com").unwrap().port(), 80);
        let long = format!("https://example.com/{}", "a".repeat(2048));
        for bad in [
            "example.com/hook",
            "ftp://example.com/",
            "https:///path",
            "https://user:pw@example.com/",
            "https://exa mple.com/",
            long.as_str(),
        ] {
            assert!(WebhookUrl::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn only_public_addresses_may_receive_deliveries() {
        for private in [
            "127.0.0.1",
            "127.8.9.1",
            "10.0.0.1",
            "172.16.5.4",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "224.0.0.1",
            "255.255.255.255",
            "::1",
            "::",
            "fe80::1",
            "fd00::1",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
            "ff02::1",
        ] {
            assert!(!is_public_address(private.parse().unwrap()), "{private}");
        }
        for public in ["8.8.8.8", "41.215.160.1", "2a00:1450:4001::1"] {
            assert!(is_public_address(public.parse().unwrap()), "{public}");
        }
    }

    #[test]
    fn an_endpoint_needs_a_url_and_known_event_types() {
        let created = WebhookEndpointForCreate::from_json(&body(json!({
            "url": "https://example.com/h", "enabled_events": ["customer.*", "payment.created",
            "customer.*"], "description": " CRM "
        })))
        .unwrap();
        assert_eq!(created.enabled_events, ["customer.*", "payment.created"]);
        assert_eq!(created.description.as_deref(), Some("CRM"));

        let param = |value: Value| {
            WebhookEndpointForCreate::from_json(&body(value))
                .unwrap_err()
                .param()
                .map(str::to_owned)
        };
        assert_eq!(
            param(json!({"enabled_events": ["*"]})).as_deref(),
            Some("url")
        );
        let url = "https://example.com/h";
        for events in [
            json!([]),
            json!("*"),
            json!(["customer.merged"]),
            json!([1]),
        ] {
            assert_eq!(
                param(json!({"url": url, "enabled_events": events})).as_deref(),
                Some("enabled_events")
            );
        }
        assert_eq!(
            param(json!({"url": url})).as_deref(),
            Some("enabled_events")
        );
        assert_eq!(
            param(json!({"url": url, "enabled_events": ["*"], "secret": "x"})).as_deref(),
            Some("secret")
        );
    }

    #[test]
    fn an_update_changes_only_what_is_sent() {
        let current = WebhookEndpoint {
            id: "we_1".into(),
            url: "https://example.com/h".into(),
            enabled_events: vec!["*".into()],
            description: Some("CRM".into()),
            status: EndpointStatus::Enabled,
            metadata: Metadata::default(),
            created_at: Timestamp::from_unix_millis(1).unwrap(),
            updated_at: Timestamp::from_unix_millis(1).unwrap(),
            secret: None,
        };
        let update = WebhookEndpointForUpdate::from_json(&body(
            json!({"disabled": true, "description": ""}),
        ))
        .unwrap();
        let after = update
            .apply(current.clone(), Timestamp::from_unix_millis(5).unwrap())
            .unwrap();
        assert_eq!(after.status, EndpointStatus::Disabled);
        assert_eq!(after.description, None);
        assert_eq!(after.url, current.url);
        assert_eq!(after.updated_at.unix_millis(), 5);
        for bad in [
            json!({"disabled": "yes"}),
            json!({"url": null}),
            json!({"status": "x"}),
        ] {
            assert!(WebhookEndpointForUpdate::from_json(&body(bad)).is_err());
        }
    }

    #[test]
    fn the_schedule_retries_after_each_delay_then_gives_up() {
        let schedule = RetrySchedule::parse("5, 300").unwrap();
        assert_eq!(schedule.attempts(), 3);
        assert_eq!(schedule.delay_after(1, 0.0), Some(Duration::from_secs(5)));
        assert_eq!(schedule.delay_after(2, 1.0), Some(Duration::from_secs(330)));
        assert_eq!(schedule.delay_after(3, 0.0), None);
        assert_eq!(RetrySchedule::default().attempts(), 8);
        assert_eq!(RetrySchedule::parse("").unwrap().attempts(), 1);
        assert!(RetrySchedule::parse("5,soon").is_err());
    }

    #[test]
    fn a_delivery_succeeds_on_2xx_retries_on_anything_else_then_fails() {
        let schedule = RetrySchedule::parse("5").unwrap();
        let now = Timestamp::from_unix_millis(1_000).unwrap();
        let ok = AttemptOutcome::answered(204, b"");
        let redirect = AttemptOutcome::answered(302, b"");
        let refused = AttemptOutcome::NoAnswer {
            error: "connection refused".into(),
        };
        assert_eq!(
            AfterAttempt::decide(&ok, 0, &schedule, now, 0.0),
            AfterAttempt::Succeeded
        );
        assert_eq!(
            AfterAttempt::decide(&redirect, 0, &schedule, now, 0.0),
            AfterAttempt::RetryAt(Timestamp::from_unix_millis(6_000).unwrap())
        );
        assert_eq!(
            AfterAttempt::decide(&refused, 1, &schedule, now, 0.0),
            AfterAttempt::Failed
        );
        assert_eq!(AfterAttempt::Failed.status(), DeliveryStatus::Failed);
    }

    #[test]
    fn only_the_first_2_kib_of_an_answer_is_kept_whole_characters() {
        let long = "é".repeat(2000);
        let AttemptOutcome::Answered { body, status } =
            AttemptOutcome::answered(500, long.as_bytes())
        else {
            unreachable!()
        };
        assert_eq!(status, 500);
        assert_eq!(body.len(), 2048);
        assert!(long.starts_with(&body));
    }

    #[cfg(feature = "store")]
    #[test]
    fn signatures_follow_standard_webhooks() {
        // The Standard Webhooks specification's own example.
        let secret = WebhookSecret::parse("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").unwrap();
        let body = br#"{"test": 2432232314}"#;
        assert_eq!(
            sign(
                std::slice::from_ref(&secret),
                "msg_p5jXN8AQM9LWM0D4loKWxJek",
                1614265330,
                body
            ),
            "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
        );
        assert_eq!(secret.expose(), "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
        assert_eq!(format!("{secret:?}"), "WebhookSecret(…)");
        let other = WebhookSecret::from_bytes(vec![7; 24]);
        assert_eq!(sign(&[secret, other], "m", 1, b"{}").split(' ').count(), 2);
    }
}
