//! `/webhooks` and `/webhooks/:id`: the mode's webhook endpoints with their recent failures,
//! adding one (its secret shown once), and one endpoint's deliveries with Resend, Send test
//! event, Disable / Enable, Roll secret and Delete endpoint.

use domain::webhook::Attempt;
use domain::{Delivery, DeliveryStatus, EndpointStatus, EventType, WebhookEndpoint};
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;
use serde::{Deserialize, Serialize};

use crate::error::{field_error, form_error, AppError};
use crate::layout::ModeVersion;
use crate::ui::{
    date_time, reload_when, set_status_not_found, Field, FormError, RevealedSecret, Submit,
};

/// An endpoint as the list shows it: with how many attempts to it failed in the last day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EndpointSummary {
    pub endpoint: WebhookEndpoint,
    pub recent_failures: i64,
}

/// An endpoint with its most recent deliveries and their attempts (by event id, newest first).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EndpointDetails {
    pub endpoint: WebhookEndpoint,
    pub deliveries: Vec<Delivery>,
    pub attempts: Vec<(String, Attempt)>,
}

#[server(endpoint = "list_webhook_endpoints")]
pub async fn list_webhook_endpoints() -> Result<Vec<EndpointSummary>, AppError> {
    crate::error::respond(
        async move {
            use domain::{Limit, ListParams, Timestamp};

            let (signed_in, _) = crate::session::server::signed_in().await?;
            let tenant = signed_in.tenant();
            let store = crate::error::store()?;
            let params = ListParams {
                limit: Limit::parse("100").map_err(|_| domain::Error::Internal)?,
                ..ListParams::default()
            };
            let endpoints = store.list_webhook_endpoints(&tenant, &params).await?.data;
            let day_ago = Timestamp::now().add_millis(-24 * 60 * 60 * 1000);
            let failures = store.count_failed_attempts(&tenant, day_ago).await?;
            Ok(endpoints
                .into_iter()
                .map(|endpoint| EndpointSummary {
                    recent_failures: failures
                        .iter()
                        .find(|(id, _)| *id == endpoint.id)
                        .map_or(0, |(_, count)| *count),
                    endpoint,
                })
                .collect())
        }
        .await,
    )
}

/// Adds an endpoint for every event unless some are picked; answers it with its secret.
#[server(endpoint = "create_webhook_endpoint")]
pub async fn create_webhook_endpoint(
    url: String,
    events: Option<Vec<String>>,
    description: String,
) -> Result<WebhookEndpoint, AppError> {
    crate::error::respond(
        async move {
            use domain::WebhookEndpointForCreate;
            use serde_json::json;

            let (signed_in, _) = crate::session::server::signed_in().await?;
            let events = events.filter(|picked| !picked.is_empty());
            let body = json!({
                "url": url,
                "enabled_events": events.unwrap_or_else(|| vec!["*".to_owned()]),
                "description": description,
            });
            let input = WebhookEndpointForCreate::from_json(
                body.as_object().unwrap_or(&Default::default()),
            )?;
            Ok(crate::error::store()?
                .insert_webhook_endpoint(&signed_in.tenant(), input)
                .await?)
        }
        .await,
    )
}

#[server(endpoint = "load_webhook_endpoint")]
pub async fn load_webhook_endpoint(id: String) -> Result<EndpointDetails, AppError> {
    crate::error::respond(
        async move {
            let (signed_in, _) = crate::session::server::signed_in().await?;
            let tenant = signed_in.tenant();
            let store = crate::error::store()?;
            Ok(EndpointDetails {
                endpoint: store.find_webhook_endpoint(&tenant, &id).await?,
                deliveries: store.list_deliveries(&tenant, &id, 50).await?,
                attempts: store.list_attempts(&tenant, &id, 200).await?,
            })
        }
        .await,
    )
}

/// What the buttons of an endpoint's page do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EndpointAction {
    SendTestEvent,
    Disable,
    Enable,
}

#[server(endpoint = "change_webhook_endpoint")]
pub async fn change_webhook_endpoint(id: String, action: EndpointAction) -> Result<(), AppError> {
    crate::error::respond(
        async move {
            use domain::WebhookEndpointForUpdate;
            use serde_json::json;

            let (signed_in, _) = crate::session::server::signed_in().await?;
            let tenant = signed_in.tenant();
            let store = crate::error::store()?;
            let disabled = match action {
                EndpointAction::SendTestEvent => {
                    store.send_test_event(&tenant, &id).await?;
                    return Ok(());
                }
                EndpointAction::Disable => true,
                EndpointAction::Enable => false,
            };
            let body = json!({ "disabled": disabled });
            let update = WebhookEndpointForUpdate::from_json(
                body.as_object().unwrap_or(&Default::default()),
            )?;
            store.update_webhook_endpoint(&tenant, &id, update).await?;
            Ok(())
        }
        .await,
    )
}

#[server(endpoint = "resend_webhook_delivery")]
pub async fn resend_webhook_delivery(id: String, event: String) -> Result<(), AppError> {
    crate::error::respond(
        async move {
            let (signed_in, _) = crate::session::server::signed_in().await?;
            Ok(crate::error::store()?
                .resend_delivery(&signed_in.tenant(), &id, &event)
                .await?)
        }
        .await,
    )
}

#[server(endpoint = "roll_webhook_secret")]
pub async fn roll_webhook_secret(id: String) -> Result<WebhookEndpoint, AppError> {
    crate::error::respond(
        async move {
            let (signed_in, _) = crate::session::server::signed_in().await?;
            Ok(crate::error::store()?
                .roll_webhook_endpoint_secret(&signed_in.tenant(), &id)
                .await?)
        }
        .await,
    )
}

#[server(endpoint = "delete_webhook_endpoint")]
pub async fn delete_webhook_endpoint(id: String) -> Result<(), AppError> {
    crate::error::respond(
        async move {
            let (signed_in, _) = crate::session::server::signed_in().await?;
            crate::error::store()?
                .delete_webhook_endpoint(&signed_in.tenant(), &id)
                .await?;
            leptos_axum::redirect("/webhooks");
            Ok(())
        }
        .await,
    )
}

/// `all events` or the types, as a person reads them.
fn describe_events(enabled_events: &[String]) -> String {
    if enabled_events.iter().any(|selector| selector == "*") {
        "All events".to_owned()
    } else {
        enabled_events.join(", ")
    }
}

fn status_label(status: EndpointStatus) -> &'static str {
    match status {
        EndpointStatus::Enabled => "Enabled",
        EndpointStatus::Disabled => "Disabled",
    }
}

#[component]
pub fn WebhooksPage() -> impl IntoView {
    let endpoints = Resource::new(ModeVersion::track, |_| list_webhook_endpoints());
    view! {
        <Title text="Webhooks"/>
        <div class="page-head">
            <h1>"Webhooks"</h1>
        </div>
        <p class="muted">"Shika POSTs each event to your endpoints as it happens, signed with the endpoint's secret (Standard Webhooks). Failed deliveries are retried for about a day and a half."</p>
        <Suspense fallback=|| view! { <p class="loading">"Loading endpoints…"</p> }>
            {move || Suspend::new(async move {
                match endpoints.await {
                    Ok(endpoints) => view! { <Endpoints endpoints/> }.into_any(),
                    Err(error) => view! { <p class="form-error" role="alert">{error.to_string()}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// Add endpoint and the list: an island, since the new endpoint's secret is shown only here,
/// once, and the list then shows the endpoint.
#[island(lazy)]
fn Endpoints(endpoints: Vec<EndpointSummary>) -> impl IntoView {
    let create = ServerAction::<CreateWebhookEndpoint>::new();
    let endpoints = RwSignal::new(endpoints);
    reload_when(
        move || create.version().get(),
        endpoints,
        list_webhook_endpoints,
    );
    let created = move || create.value().get().and_then(Result::ok);
    let url_error = Signal::derive(move || field_error(create.value().get(), &["url"]));
    let events_error =
        Signal::derive(move || field_error(create.value().get(), &["enabled_events"]));
    let description_error =
        Signal::derive(move || field_error(create.value().get(), &["description"]));
    let error = Signal::derive(move || {
        form_error(
            create.value().get(),
            &["url", "enabled_events", "description"],
        )
    });
    let choices = EventType::ALL
        .into_iter()
        .map(|kind| {
            let id = format!("event-{}", kind.as_str().replace('.', "-"));
            let label_for = id.clone();
            view! {
                <label class="choice" for=label_for>
                    <input type="checkbox" id=id name="events[]" value=kind.as_str()/>
                    <code>{kind.as_str()}</code>
                </label>
            }
        })
        .collect_view();
    crate::hydration::island_ready();
    view! {
        {move || created().map(|endpoint| view! {
            <RevealedSecret
                secret=endpoint.secret.unwrap_or_default()
                what="signing secret"
                label="New signing secret"
            />
        })}
        <section class="card">
            <h2>"Add endpoint"</h2>
            <ActionForm action=create>
                <Field label="Endpoint URL" id="webhook-url" name="url" kind="url" required=true error=url_error/>
                <fieldset class="field" class:has-error=move || events_error.get().is_some()>
                    <legend>"Events"</legend>
                    <p class="muted">"All events, unless you pick some."</p>
                    <div class="choices">{choices}</div>
                    <Show when=move || events_error.get().is_some()>
                        <p class="field-error" role="alert">{move || events_error.get()}</p>
                    </Show>
                </fieldset>
                <Field label="Description" id="webhook-description" name="description" error=description_error/>
                <FormError error/>
                // Without scripts a plain form post adds the endpoint (its secret can be rolled
                // later); with them, only the live island shows the secret, so it waits for that.
                <Submit label="Add endpoint" pending=create.pending() class="primary when-live"/>
            </ActionForm>
        </section>
        {move || {
            let endpoints = endpoints.get();
            if endpoints.is_empty() {
                view! { <p class="empty">"No endpoints yet."</p> }.into_any()
            } else {
                view! { <EndpointTable endpoints/> }.into_any()
            }
        }}
    }
    .into_any()
}

#[component]
fn EndpointTable(endpoints: Vec<EndpointSummary>) -> impl IntoView {
    let rows = endpoints
        .into_iter()
        .map(|EndpointSummary { endpoint, recent_failures }| {
            view! {
                <tr>
                    <td class="wrap"><a href=format!("/webhooks/{}", endpoint.id)>{endpoint.url.clone()}</a></td>
                    <td>{describe_events(&endpoint.enabled_events)}</td>
                    <td>{status_label(endpoint.status)}</td>
                    <td>{if recent_failures == 0 { "None".to_owned() } else { recent_failures.to_string() }}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="table-wrap card">
            <table>
                <thead><tr><th scope="col">"URL"</th><th scope="col">"Events"</th><th scope="col">"Status"</th><th scope="col">"Failures (24 h)"</th></tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}

#[component]
pub fn WebhookEndpointPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").unwrap_or_default());
    let change = ServerAction::<ChangeWebhookEndpoint>::new();
    let resend = ServerAction::<ResendWebhookDelivery>::new();
    let delete = ServerAction::<DeleteWebhookEndpoint>::new();
    let details = Resource::new(
        move || {
            (
                id(),
                change.version().get(),
                resend.version().get(),
                ModeVersion::track(),
            )
        },
        |(id, ..)| load_webhook_endpoint(id),
    );
    let error = Signal::derive(move || {
        [
            change.value().get(),
            resend.value().get(),
            delete.value().get(),
        ]
        .into_iter()
        .flatten()
        .find_map(Result::err)
        .map(|error| error.to_string())
    });
    view! {
        <Title text="Webhook endpoint"/>
        <FormError error/>
        <Transition fallback=|| view! { <p class="loading">"Loading endpoint…"</p> }>
            {move || Suspend::new(async move {
                match details.await {
                    Ok(details) => view! {
                        <EndpointView details change resend delete/>
                    }.into_any(),
                    Err(error) if error.is_not_found() => {
                        set_status_not_found();
                        view! {
                            <section class="card not-found">
                                <h1>"Endpoint not found"</h1>
                                <p>"It may have been deleted, or belong to the other mode."</p>
                                <A href="/webhooks">"Back to webhooks"</A>
                            </section>
                        }.into_any()
                    }
                    Err(error) => view! { <p class="form-error" role="alert">{error.to_string()}</p> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn EndpointView(
    details: EndpointDetails,
    change: ServerAction<ChangeWebhookEndpoint>,
    resend: ServerAction<ResendWebhookDelivery>,
    delete: ServerAction<DeleteWebhookEndpoint>,
) -> impl IntoView {
    let EndpointDetails {
        endpoint,
        deliveries,
        attempts,
    } = details;
    let id = endpoint.id.clone();
    let (toggle, toggle_label) = match endpoint.status {
        EndpointStatus::Enabled => ("disable", "Disable"),
        EndpointStatus::Disabled => ("enable", "Enable"),
    };
    let no_deliveries = deliveries.is_empty();
    // Each form's children are a closure of their own, holding their own copy.
    let (test_id, toggle_id, roll_id, delete_id) = (id.clone(), id.clone(), id.clone(), id.clone());
    let endpoint_id = id;
    let rows = deliveries
        .into_iter()
        .map(move |delivery| {
            let id = endpoint_id.clone();
            let tried: Vec<Attempt> = attempts
                .iter()
                .filter(|(event, _)| *event == delivery.event_id)
                .map(|(_, attempt)| attempt.clone())
                .collect();
            let response = delivery
                .last_response_status
                .map(|status| status.to_string())
                .or(delivery.last_error.clone())
                .unwrap_or_else(|| "—".into());
            let next = match (delivery.status, delivery.next_attempt_at) {
                (DeliveryStatus::Pending, Some(at)) => date_time(at),
                _ => "—".into(),
            };
            view! {
                <tr>
                    <td><code>{delivery.event_type.clone()}</code><br/><small class="muted">{delivery.event_id.clone()}</small></td>
                    <td>{delivery.status.as_str()}</td>
                    <td>{delivery.attempts}</td>
                    <td>{next}</td>
                    <td class="wrap">
                        {response}
                        <AttemptList attempts=tried/>
                    </td>
                    <td>
                        <ActionForm action=resend>
                            <input type="hidden" name="id" value=id/>
                            <input type="hidden" name="event" value=delivery.event_id.clone()/>
                            <Submit label="Resend" pending=resend.pending() class="secondary"/>
                        </ActionForm>
                    </td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="page-head">
            <h1 class="wrap">{endpoint.url.clone()}</h1>
        </div>
        <section class="card">
            <dl class="facts">
                <dt>"Status"</dt><dd data-testid="endpoint-status">{status_label(endpoint.status)}</dd>
                <dt>"Events"</dt><dd>{describe_events(&endpoint.enabled_events)}</dd>
                <dt>"Description"</dt><dd>{endpoint.description.clone().unwrap_or_else(|| "—".into())}</dd>
                <dt>"Created"</dt><dd>{date_time(endpoint.created_at)}</dd>
                <dt>"ID"</dt><dd><code>{endpoint.id.clone()}</code></dd>
            </dl>
            <div class="actions">
                <ActionForm action=change>
                    <input type="hidden" name="id" value=test_id/>
                    <input type="hidden" name="action" value="send_test_event"/>
                    <Submit label="Send test event" pending=change.pending() class="secondary"/>
                </ActionForm>
                <ActionForm action=change>
                    <input type="hidden" name="id" value=toggle_id/>
                    <input type="hidden" name="action" value=toggle/>
                    <Submit label=toggle_label pending=change.pending() class="secondary"/>
                </ActionForm>
                <RollSecret id=roll_id/>
                <ActionForm action=delete>
                    <input type="hidden" name="id" value=delete_id/>
                    <Submit label="Delete endpoint" pending=delete.pending() class="danger"/>
                </ActionForm>
            </div>
        </section>
        <h2>"Recent deliveries"</h2>
        {if no_deliveries {
            view! { <p class="empty">"No deliveries yet."</p> }.into_any()
        } else {
            view! {
                <div class="table-wrap card">
                    <table>
                        <thead><tr><th scope="col">"Event"</th><th scope="col">"Status"</th><th scope="col">"Attempts"</th><th scope="col">"Next retry"</th><th scope="col">"Response"</th><th scope="col"><span class="visually-hidden">"Actions"</span></th></tr></thead>
                        <tbody>{rows}</tbody>
                    </table>
                </div>
            }.into_any()
        }}
        <p><A href="/webhooks">"Back to webhooks"</A></p>
    }
}

/// A delivery's attempts, opening to when each was made, what came back and how long it took.
/// Roll secret, and the new secret shown once beside it: an island, as the secret exists in the
/// answer only.
#[island(lazy)]
fn RollSecret(id: String) -> impl IntoView {
    let roll = ServerAction::<RollWebhookSecret>::new();
    let error = Signal::derive(move || {
        roll.value()
            .get()
            .and_then(Result::err)
            .map(|error| error.to_string())
    });
    crate::hydration::island_ready();
    view! {
        <ActionForm action=roll>
            <input type="hidden" name="id" value=id/>
            // Only once the island is live: a secret rolled by a plain form post would end the old
            // one and never show the new one.
            <Submit label="Roll secret" pending=roll.pending() class="secondary needs-js"/>
        </ActionForm>
        <FormError error/>
        {move || roll.value().get().and_then(Result::ok).map(|endpoint| view! {
            <RevealedSecret
                secret=endpoint.secret.unwrap_or_default()
                what="signing secret"
                label="New signing secret"
            />
        })}
    }
}

#[component]
fn AttemptList(attempts: Vec<Attempt>) -> impl IntoView {
    (!attempts.is_empty()).then(|| {
        let items = attempts
            .into_iter()
            .map(|attempt| {
                let outcome = attempt
                    .response_status
                    .map(|status| format!("HTTP {status}"))
                    .or(attempt.error.clone())
                    .unwrap_or_default();
                view! {
                    <li>
                        {date_time(attempt.attempted_at)} " · " {outcome} " · " {format!("{} ms", attempt.duration_ms)}
                        {attempt.response_body.filter(|body| !body.is_empty()).map(|body| view! { <pre class="event-json">{body}</pre> })}
                    </li>
                }
            })
            .collect_view();
        // Erased: the deliveries table's type is deep enough already for the compiler.
        view! {
            <details class="attempts">
                <summary>"Attempts"</summary>
                <ol>{items}</ol>
            </details>
        }
        .into_any()
    })
}
