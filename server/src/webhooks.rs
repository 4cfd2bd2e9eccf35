//! The webhook delivery worker `shika serve` runs beside the API: it claims due deliveries from
//! the database, POSTs each, signed the Standard Webhooks way, to its endpoint, records the
//! attempt and reschedules failures. It runs on its own tasks with bounded concurrency (per
//! endpoint and in total), so a slow or dead endpoint holds only its own slots and never the
//! API. Every connection goes only to addresses the policy allows, checked on the address
//! actually dialled, after DNS.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use domain::store::{DueDelivery, Store};
use domain::webhook::{outbound, sign, AfterAttempt, AttemptOutcome, RetrySchedule};
use domain::Timestamp;
use tokio::task::JoinSet;

/// What the worker needs to know besides the store.
#[derive(Clone, Debug)]
pub struct DeliveryConfig {
    pub retry_delays: RetrySchedule,
    /// `SHIKA_WEBHOOK_ALLOW_PRIVATE`: endpoints may be on loopback and private networks.
    pub allow_private: bool,
}

/// Attempts at once, in all and to any one endpoint.
const MAX_IN_FLIGHT: usize = 64;
const MAX_IN_FLIGHT_PER_ENDPOINT: usize = 8;
/// An attempt that has no complete answer by then failed.
const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(10);
/// The longest the worker sleeps without looking for due deliveries: other processes' changes
/// (PostgreSQL) do not wake it.
const POLL_INTERVAL: Duration = Duration::from_secs(1);

/// Starts the worker on the current runtime; it runs until the process ends.
pub fn spawn(store: Store, config: DeliveryConfig) -> Result<(), String> {
    let client = client(config.allow_private)?;
    tokio::spawn(run(store, client, config));
    Ok(())
}

/// The HTTP client deliveries go through: no redirects followed, no proxies from the
/// environment (they would dial for us, past the address check), a resolver that drops
/// addresses the policy forbids, and the 10 s limit on the whole attempt.
fn client(allow_private: bool) -> Result<reqwest::Client, String> {
    // Several TLS libraries could serve; this one builds here without a C toolchain beyond gcc.
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy()
        .timeout(ATTEMPT_TIMEOUT)
        .user_agent(concat!("Shika-Webhooks/", env!("CARGO_PKG_VERSION")))
        .dns_resolver(Arc::new(AllowedAddresses { allow_private }))
        .build()
        .map_err(|error| format!("cannot build the webhook client: {error}"))
}

/// Resolves names as the system does, keeping only the addresses deliveries may connect to.
struct AllowedAddresses {
    allow_private: bool,
}

impl reqwest::dns::Resolve for AllowedAddresses {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let allow_private = self.allow_private;
        Box::pin(async move {
            // The port is the URL's; the connector sets it on what we answer.
            let addresses = outbound::public_addresses(name.as_str(), 0, allow_private).await?;
            Ok(Box::new(addresses.into_iter()) as reqwest::dns::Addrs)
        })
    }
}

async fn run(store: Store, client: reqwest::Client, config: DeliveryConfig) {
    if let Err(error) = store.release_stale_leases().await {
        tracing::error!(?error, "cannot release the leases of a previous run");
    }
    let mut in_flight: HashMap<String, usize> = HashMap::new();
    let mut attempts = JoinSet::new();
    loop {
        let due = match store.next_delivery_due().await {
            Ok(due) => due,
            Err(error) => {
                tracing::error!(?error, "cannot look for due deliveries");
                None
            }
        };
        let now = Timestamp::now();
        let free = MAX_IN_FLIGHT - attempts.len();
        let mut claimed_all = false;
        if due.is_some_and(|due| due <= now) && free > 0 {
            let busy: Vec<String> = in_flight
                .iter()
                .filter(|(_, count)| **count >= MAX_IN_FLIGHT_PER_ENDPOINT)
                .map(|(endpoint, _)| endpoint.clone())
                .collect();
            // No more than one endpoint can take at once: claiming more would mostly mean
            // handing them back when they all turn out to be for the same endpoint.
            let limit = free.min(MAX_IN_FLIGHT_PER_ENDPOINT);
            match store.claim_due_deliveries(limit, &busy).await {
                Ok(claimed) => {
                    claimed_all = claimed.len() == limit;
                    let mut surplus = Vec::new();
                    for delivery in claimed {
                        let count = in_flight.entry(delivery.endpoint_id.clone()).or_default();
                        if *count >= MAX_IN_FLIGHT_PER_ENDPOINT {
                            surplus.push(delivery.seq);
                            continue;
                        }
                        *count += 1;
                        let task = attempt(store.clone(), client.clone(), config.clone(), delivery);
                        attempts.spawn(task);
                    }
                    if let Err(error) = store.release_deliveries(surplus).await {
                        tracing::error!(?error, "cannot hand deliveries back");
                    }
                }
                Err(error) => tracing::error!(?error, "cannot claim due deliveries"),
            }
        }
        // Sleep until something may have changed: an attempt ended (a slot is free), a change
        // queued deliveries, the next delivery falls due, or the poll interval ran out.
        let wait = match due {
            _ if claimed_all => Duration::ZERO,
            Some(due) if due > now => Duration::from_millis(
                u64::try_from(due.unix_millis() - now.unix_millis()).unwrap_or_default(),
            )
            .min(POLL_INTERVAL),
            _ => POLL_INTERVAL,
        };
        tokio::select! {
            Some(finished) = attempts.join_next(), if !attempts.is_empty() => {
                if let Ok(endpoint) = finished {
                    if let Some(count) = in_flight.get_mut(&endpoint) {
                        *count -= 1;
                        if *count == 0 {
                            in_flight.remove(&endpoint);
                        }
                    }
                }
            }
            () = store.deliveries_queued() => {}
            () = tokio::time::sleep(wait) => {}
        }
    }
}

/// Makes one attempt and records it; answers the endpoint, whose slot is then free.
async fn attempt(
    store: Store,
    client: reqwest::Client,
    config: DeliveryConfig,
    delivery: DueDelivery,
) -> String {
    let attempted_at = Timestamp::now();
    let started = Instant::now();
    let outcome = post(&client, &delivery, attempted_at, config.allow_private).await;
    let took = started.elapsed();
    let next = AfterAttempt::decide(
        &outcome,
        delivery.failures,
        &config.retry_delays,
        Timestamp::now(),
        jitter(),
    );
    match &outcome {
        AttemptOutcome::Answered { status, .. } => tracing::info!(
            event = %delivery.event_id, endpoint = %delivery.endpoint_id, status,
            took_ms = took.as_millis(), "webhook delivered"
        ),
        AttemptOutcome::NoAnswer { error } => tracing::info!(
            event = %delivery.event_id, endpoint = %delivery.endpoint_id, %error,
            took_ms = took.as_millis(), "webhook not delivered"
        ),
    }
    if let Err(error) = store
        .record_attempt(&delivery, attempted_at, took, &outcome, next)
        .await
    {
        // The lease runs out and the delivery is attempted again: at least once.
        tracing::error!(?error, event = %delivery.event_id, "cannot record a webhook attempt");
    }
    delivery.endpoint_id
}

async fn post(
    client: &reqwest::Client,
    delivery: &DueDelivery,
    at: Timestamp,
    allow_private: bool,
) -> AttemptOutcome {
    let no_answer = |error: String| AttemptOutcome::NoAnswer { error };
    // A URL naming an address is dialled without a lookup, so the resolver never sees it. The
    // host is read as the client reads it: `http://2130706433/` is 127.0.0.1 to it.
    let host = reqwest::Url::parse(&delivery.url).ok().and_then(|url| {
        url.host_str()
            .map(|host| host.trim_matches(['[', ']']).to_owned())
    });
    if let Some(ip) = host.and_then(|host| host.parse::<IpAddr>().ok()) {
        if let Err(refused) = outbound::public_addresses(&ip.to_string(), 0, allow_private).await {
            return no_answer(refused);
        }
    }
    let timestamp = at.unix_millis().div_euclid(1000);
    let signature = sign(
        &delivery.secrets,
        &delivery.event_id,
        timestamp,
        delivery.body.as_bytes(),
    );
    let sent = client
        .post(&delivery.url)
        .header("content-type", "application/json")
        .header("webhook-id", &delivery.event_id)
        .header("webhook-timestamp", timestamp.to_string())
        .header("webhook-signature", signature)
        .body(delivery.body.clone())
        .send()
        .await;
    let mut response = match sent {
        Ok(response) => response,
        Err(error) => return no_answer(describe(&error)),
    };
    let status = response.status().as_u16();
    // Only the start of the answer is kept; the rest is not read.
    let mut body = Vec::new();
    while body.len() < AttemptOutcome::BODY_KEPT_BYTES {
        match response.chunk().await {
            Ok(Some(chunk)) => body.extend_from_slice(&chunk),
            Ok(None) => break,
            Err(error) => return no_answer(describe(&error)),
        }
    }
    AttemptOutcome::answered(status, &body)
}

/// An error's whole chain, which says what actually failed ("connection refused", the address
/// policy's refusal, …) where the outer error only says "error sending request".
fn describe(error: &reqwest::Error) -> String {
    if error.is_timeout() {
        return format!("timed out after {} s", ATTEMPT_TIMEOUT.as_secs());
    }
    let mut text = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

/// 0.0 to 1.0, to spread retries of deliveries that failed together.
fn jitter() -> f64 {
    let mut bytes = [0u8; 2];
    match getrandom::fill(&mut bytes) {
        Ok(()) => f64::from(u16::from_le_bytes(bytes)) / f64::from(u16::MAX),
        Err(_) => 0.5,
    }
}
