//! `/customers/:id`: one customer with its payments, subscriptions and activity (its events), and
//! deleting it behind a confirmation that says how many active subscriptions the delete cancels.

use domain::{Customer, Event, Payment, PhoneCountry, Subscription, SubscriptionStatus, E164};
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::{use_params_map, use_query_map};
use serde::{Deserialize, Serialize};

use crate::error::AppError;
use crate::layout::ModeVersion;
use crate::ui::{date_time, set_status_not_found, CopyButton};

/// A customer with what the detail page shows beside it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CustomerDetails {
    pub customer: Customer,
    pub payments: Vec<Payment>,
    pub subscriptions: Vec<Subscription>,
    pub active_subscriptions: i64,
    /// Its events and its payments' and subscriptions', newest first.
    pub events: Vec<Event>,
}

#[server(endpoint = "load_customer")]
pub async fn load_customer(id: String) -> Result<CustomerDetails, AppError> {
    crate::error::respond(
        async move {
            use domain::{Limit, ListParams};

            let (signed_in, _) = crate::session::server::signed_in().await?;
            let tenant = signed_in.tenant();
            let store = crate::error::store()?;
            let customer = store.find_customer(&tenant, &id).await?;
            let recent = ListParams {
                limit: Limit::parse("100").map_err(|_| domain::Error::Internal)?,
                ..ListParams::default()
            };
            Ok(CustomerDetails {
                payments: store
                    .list_customer_payments(&tenant, &id, &recent)
                    .await?
                    .data,
                subscriptions: store
                    .list_customer_subscriptions(&tenant, &id, &recent)
                    .await?
                    .data,
                active_subscriptions: store.count_active_subscriptions(&tenant, &id).await?,
                events: store
                    .list_customer_events(&tenant, &id, &recent)
                    .await?
                    .data,
                customer,
            })
        }
        .await,
    )
}

#[server(endpoint = "delete_customer")]
pub async fn delete_customer(id: String) -> Result<(), AppError> {
    crate::error::respond(
        async move {
            let (signed_in, _) = crate::session::server::signed_in().await?;
            crate::error::store()?
                .delete_customer(&signed_in.tenant(), &id)
                .await?;
            leptos_axum::redirect("/customers?notice=deleted");
            Ok(())
        }
        .await,
    )
}

#[component]
pub fn CustomerPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let id = move || params.with(|p| p.get("id").unwrap_or_default());
    let confirming =
        Memo::new(move |_| query.with(|q| q.get("confirm").as_deref() == Some("delete")));
    let details = Resource::new(
        move || (id(), ModeVersion::track()),
        |(id, _)| load_customer(id),
    );
    view! {
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match details.await {
                    Ok(details) => view! { <CustomerView details confirming/> }.into_any(),
                    Err(error) if error.is_not_found() => view! { <NotFoundCustomer/> }.into_any(),
                    Err(error) => view! { <p class="form-error" role="alert">{error.to_string()}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// What a customer id that this merchant and mode cannot see shows: nothing about it.
#[component]
pub fn NotFoundCustomer() -> impl IntoView {
    set_status_not_found();
    view! {
        <Title text="Not found"/>
        <section class="card not-found">
            <h1>"Customer not found"</h1>
            <p>"There is no customer at this address in the current mode."</p>
            <A href="/customers">"Back to customers"</A>
        </section>
    }
}

#[component]
fn CustomerView(details: CustomerDetails, confirming: Memo<bool>) -> impl IntoView {
    let CustomerDetails {
        customer,
        payments,
        subscriptions,
        active_subscriptions,
        events,
    } = details;
    let title = customer.display_name().to_owned();
    let edit_href = format!("/customers/{}/edit", customer.id);
    let page_href = format!("/customers/{}", customer.id);
    let id = customer.id.clone();
    let metadata = customer
        .metadata
        .iter()
        .map(|(key, value)| view! { <tr><th scope="row">{key.clone()}</th><td>{value.clone()}</td></tr> })
        .collect_view();
    let has_metadata = !customer.metadata.is_empty();
    // A Ghanaian mobile number's network, from its prefix, beside the number.
    let network = customer
        .phone
        .as_deref()
        .and_then(|phone| E164::parse(phone, PhoneCountry::GHANA))
        .and_then(|number| number.ghana_network())
        .map(|network| {
            view! { " " <span class="badge network" title="Mobile network">{network.name()}</span> }
        });
    view! {
        <Title text=title.clone()/>
        <div class="page-head">
            <div>
                <p class="crumb"><A href="/customers">"Customers"</A></p>
                <h1>{title}</h1>
                <p class="id-line">
                    <code>{id.clone()}</code>
                    <CopyButton text=id.clone() label="Copy ID".to_owned() class="link".to_owned()/>
                </p>
            </div>
            <div class="actions">
                <A href=edit_href attr:class="button secondary">"Edit"</A>
                // A plain GET form: the confirmation is a page of its own, with or without
                // JavaScript.
                <form method="get" action=page_href.clone()>
                    <input type="hidden" name="confirm" value="delete"/>
                    <button type="submit" class="danger">"Delete customer"</button>
                </form>
            </div>
        </div>
        <section class="card facts" aria-label="Details">
            <dl>
                <dt>"Email"</dt><dd>{customer.email.clone().unwrap_or_else(|| "—".into())}</dd>
                <dt>"Phone"</dt><dd>{customer.phone.clone().unwrap_or_else(|| "—".into())}{network}</dd>
                <dt>"Created"</dt><dd>{date_time(customer.created_at)}</dd>
                <dt>"Updated"</dt><dd>{date_time(customer.updated_at)}</dd>
            </dl>
            <h2>"Metadata"</h2>
            {if has_metadata {
                view! { <table class="metadata-table"><tbody>{metadata}</tbody></table> }.into_any()
            } else {
                view! { <p class="muted">"No metadata."</p> }.into_any()
            }}
        </section>
        <Payments payments/>
        <Subscriptions subscriptions/>
        <Activity events/>
        <Show when=move || confirming.get()>
            <DeleteDialog id=id.clone() back=page_href.clone() active_subscriptions/>
        </Show>
    }
}

#[component]
fn Payments(payments: Vec<Payment>) -> impl IntoView {
    let rows = payments
        .into_iter()
        .map(|payment| {
            view! {
                <tr>
                    <td class="amount">{payment.currency.format_amount(payment.amount)}</td>
                    <td><span class="badge">{payment.status.as_str()}</span></td>
                    <td>{payment.description.clone().unwrap_or_default()}</td>
                    <td class="nowrap">{date_time(payment.created_at)}</td>
                </tr>
            }
            .into_any()
        })
        .collect();
    view! {
        <RelatedTable title="Payments" id="payments-title" empty="No payments yet."
            headers=&["Amount", "Status", "Description", "Date"] rows/>
    }
}

#[component]
fn Subscriptions(subscriptions: Vec<Subscription>) -> impl IntoView {
    let rows = subscriptions
        .into_iter()
        .map(|sub| {
            let active = sub.status == SubscriptionStatus::Active;
            let amount = format!(
                "{} per {}",
                sub.currency.format_amount(sub.amount),
                sub.interval.as_str()
            );
            view! {
                <tr>
                    <td><span class="badge" class:active=active>{sub.status.as_str()}</span></td>
                    <td class="amount">{amount}</td>
                    <td class="nowrap">{date_time(sub.current_period_end)}</td>
                </tr>
            }
            .into_any()
        })
        .collect();
    view! {
        <RelatedTable title="Subscriptions" id="subscriptions-title" empty="No subscriptions."
            headers=&["Status", "Amount", "Current period end"] rows/>
    }
}

/// A titled card with a table of the customer's payments or subscriptions, or a line saying
/// there are none.
#[component]
fn RelatedTable(
    title: &'static str,
    id: &'static str,
    empty: &'static str,
    headers: &'static [&'static str],
    rows: Vec<AnyView>,
) -> impl IntoView {
    let body = if rows.is_empty() {
        view! { <p class="muted">{empty}</p> }.into_any()
    } else {
        let headers = headers
            .iter()
            .map(|h| view! { <th scope="col">{*h}</th> })
            .collect_view();
        view! {
            <div class="table-wrap">
                <table>
                    <thead><tr>{headers}</tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        }
        .into_any()
    };
    view! {
        <section class="card" aria-labelledby=id>
            <h2 id=id>{title}</h2>
            {body}
        </section>
    }
}

/// The confirmation before a delete. Escape closes it; Tab stays inside it.
#[island(lazy)]
fn DeleteDialog(id: String, back: String, active_subscriptions: i64) -> impl IntoView {
    let delete = ServerAction::<DeleteCustomer>::new();
    let cancel_ref = NodeRef::<leptos::html::A>::new();
    let delete_ref = NodeRef::<leptos::html::Button>::new();
    Effect::new(move |_| {
        if let Some(button) = delete_ref.get() {
            let _ = button.focus();
        }
    });
    let close_to = back.clone();
    let on_keydown = move |event: leptos::ev::KeyboardEvent| match event.key().as_str() {
        "Escape" => {
            let _ = window().location().set_href(&close_to);
        }
        "Tab" => {
            // Two focusable controls: Tab from either goes to the other.
            event.prevent_default();
            let on_delete = delete_ref
                .get()
                .zip(document().active_element())
                .is_some_and(|(button, active)| {
                    let button: &leptos::web_sys::Element = &button;
                    button == &active
                });
            if on_delete {
                if let Some(link) = cancel_ref.get() {
                    let _ = link.focus();
                }
            } else if let Some(button) = delete_ref.get() {
                let _ = button.focus();
            }
        }
        _ => {}
    };
    let consequence = match active_subscriptions {
        0 => "It has no active subscriptions.".to_owned(),
        1 => "Its 1 active subscription will be canceled.".to_owned(),
        n => format!("Its {n} active subscriptions will be canceled."),
    };
    crate::hydration::island_ready();
    view! {
        <div class="backdrop">
            <div class="dialog card" role="dialog" aria-modal="true" aria-labelledby="delete-title"
                aria-describedby="delete-consequence" on:keydown=on_keydown>
                <h2 id="delete-title">"Delete this customer?"</h2>
                <p id="delete-consequence">{consequence} " Its payments stay on record without a customer. This cannot be undone."</p>
                <ActionForm action=delete attr:class="actions">
                    <input type="hidden" name="id" value=id/>
                    <button type="submit" class="danger" node_ref=delete_ref aria-busy=move || delete.pending().get().to_string()
                        disabled=move || delete.pending().get()>"Delete"</button>
                    <a href=back class="button secondary" node_ref=cancel_ref>"Cancel"</a>
                </ActionForm>
            </div>
        </div>
    }
}

/// The customer's events, newest first, each opening to its JSON (no script needed).
#[component]
fn Activity(events: Vec<Event>) -> impl IntoView {
    let empty = events.is_empty();
    let items = events
        .into_iter()
        .map(|event| {
            let json = serde_json::to_string_pretty(&event).unwrap_or_default();
            view! {
                <li>
                    <details>
                        <summary><code>{event.kind.as_str()}</code> " · " {date_time(event.created_at)}</summary>
                        <pre class="event-json">{json}</pre>
                    </details>
                </li>
            }
        })
        .collect_view();
    view! {
        <section class="card" aria-labelledby="activity-heading">
            <h2 id="activity-heading">"Activity"</h2>
            {if empty {
                view! { <p class="muted">"No activity yet."</p> }.into_any()
            } else {
                view! { <ol class="activity">{items}</ol> }.into_any()
            }}
        </section>
    }
}
