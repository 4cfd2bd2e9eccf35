//! `/customers/new` and `/customers/:id/edit`: one form for a customer's fields and a metadata
//! editor. Without JavaScript it posts and redirects; with it, rows are added and removed in
//! place and errors appear beside their fields without a reload.

use domain::Customer;
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;
use serde::{Deserialize, Serialize};

use crate::customer_detail::{load_customer, NotFoundCustomer};
use crate::error::{field_error, form_error, AppError};
use crate::layout::ModeVersion;
use crate::ui::{Field, FormError, Submit};

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MetadataRow {
    #[serde(default)]
    pub key: String,
    #[serde(default)]
    pub value: String,
}

/// The form as posted; an empty `id` creates a customer, otherwise it updates that one.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerFormData {
    #[serde(default)]
    pub id: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub metadata: Vec<MetadataRow>,
}

impl From<&Customer> for CustomerFormData {
    fn from(customer: &Customer) -> Self {
        CustomerFormData {
            id: customer.id.clone(),
            email: customer.email.clone().unwrap_or_default(),
            name: customer.name.clone().unwrap_or_default(),
            phone: customer.phone.clone().unwrap_or_default(),
            metadata: customer
                .metadata
                .iter()
                .map(|(key, value)| MetadataRow {
                    key: key.clone(),
                    value: value.clone(),
                })
                .collect(),
        }
    }
}

/// Creates or updates a customer with the same rules (and messages) as the API, then opens its
/// page. Empty fields are not set on create and are cleared on update; the editor's rows become
/// the whole metadata.
#[server(endpoint = "save_customer")]
pub async fn save_customer(customer: CustomerFormData) -> Result<(), AppError> {
    crate::error::respond(
        async move {
            use domain::{CustomerForCreate, CustomerForUpdate, Metadata, MetadataChange};
            use serde_json::{Map, Value};

            let (signed_in, _) = crate::session::server::signed_in().await?;
            let tenant = signed_in.tenant();
            let store = crate::error::store()?;
            let body: Map<String, Value> = [
                ("email", &customer.email),
                ("name", &customer.name),
                ("phone", &customer.phone),
            ]
            .into_iter()
            .map(|(field, value)| (field.to_owned(), Value::String(value.clone())))
            .collect();
            let metadata = Metadata::from_rows(
                customer
                    .metadata
                    .iter()
                    .map(|row| (row.key.as_str(), row.value.as_str())),
            )?;
            let saved = if customer.id.is_empty() {
                let input = CustomerForCreate {
                    metadata,
                    ..CustomerForCreate::from_json(&body)?
                };
                store.insert_customer(&tenant, input).await?
            } else {
                let update = CustomerForUpdate {
                    metadata: MetadataChange::Replace(metadata),
                    ..CustomerForUpdate::from_json(&body)?
                };
                store.update_customer(&tenant, &customer.id, update).await?
            };
            leptos_axum::redirect(&format!("/customers/{}", saved.id));
            Ok(())
        }
        .await,
    )
}

#[component]
pub fn NewCustomerPage() -> impl IntoView {
    view! {
        <Title text="New customer"/>
        <div class="page-head">
            <h1>"New customer"</h1>
        </div>
        <CustomerEditor form=CustomerFormData::default() cancel_href="/customers".to_owned()/>
    }
}

#[component]
pub fn EditCustomerPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").unwrap_or_default());
    let details = Resource::new(
        move || (id(), ModeVersion::track()),
        |(id, _)| load_customer(id),
    );
    view! {
        <Title text="Edit customer"/>
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match details.await {
                    Ok(details) => view! {
                        <div class="page-head">
                            <h1>"Edit " {details.customer.display_name().to_owned()}</h1>
                        </div>
                        <CustomerEditor
                            cancel_href=format!("/customers/{}", details.customer.id)
                            form=CustomerFormData::from(&details.customer)
                        />
                    }.into_any(),
                    Err(error) if error.is_not_found() => view! { <NotFoundCustomer/> }.into_any(),
                    Err(error) => view! { <p class="form-error" role="alert">{error.to_string()}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// The customer form, filled from `form` (an empty id creates a customer); an island, so rows
/// are added and removed in place and errors appear without a reload.
#[island(lazy)]
fn CustomerEditor(form: CustomerFormData, cancel_href: String) -> impl IntoView {
    let save = ServerAction::<SaveCustomer>::new();
    let result = move || save.value().get();
    let error = move |params: &'static [&'static str]| {
        Signal::derive(move || field_error(result(), params))
    };
    let editing = !form.id.is_empty();
    // Existing rows plus one blank row, so a key can be added without JavaScript too.
    let initial: Vec<(usize, MetadataRow)> = form
        .metadata
        .iter()
        .cloned()
        .chain(std::iter::once(MetadataRow::default()))
        .enumerate()
        .collect();
    let next_row = StoredValue::new(initial.len());
    let rows = RwSignal::new(initial);
    let add_row = move |_| {
        let id = next_row.get_value();
        next_row.set_value(id + 1);
        rows.update(|rows| rows.push((id, MetadataRow::default())));
    };
    crate::hydration::island_ready();
    view! {
        <ActionForm action=save attr:class="form card">
            <input type="hidden" name="customer[id]" value=form.id.clone()/>
            <Field label="Email" id="customer-email" name="customer[email]" kind="email" autocomplete="off"
                value=form.email.clone() error=error(&["email"])/>
            <Field label="Name" id="customer-name" name="customer[name]" autocomplete="off"
                value=form.name.clone() error=error(&["name"])/>
            <Field label="Phone" id="customer-phone" name="customer[phone]" kind="tel" autocomplete="off"
                value=form.phone.clone() error=error(&["phone"])/>
            <fieldset class="metadata">
                <legend>"Metadata"</legend>
                <p class="hint">"Your own key-value pairs, e.g. an order or user id. Empty rows are ignored."</p>
                <For each=move || rows.get() key=|(id, _)| *id let:((id, row))>
                    <div class="metadata-row">
                        <input aria-label="Metadata key" placeholder="Key" name=format!("customer[metadata][{id}][key]") value=row.key/>
                        <input aria-label="Metadata value" placeholder="Value" name=format!("customer[metadata][{id}][value]") value=row.value/>
                        <button type="button" class="secondary needs-js"
                            on:click=move |_| rows.update(|rows| rows.retain(|(row_id, _)| *row_id != id))>
                            "Remove"
                        </button>
                    </div>
                </For>
                <button type="button" class="secondary needs-js" on:click=add_row>"Add metadata"</button>
                <Show when=move || field_error(result(), &["metadata"]).is_some()>
                    <p class="field-error" role="alert">{move || field_error(result(), &["metadata"])}</p>
                </Show>
            </fieldset>
            <FormError error=Signal::derive(move || form_error(result(), &["email", "name", "phone", "metadata"]))/>
            <div class="actions">
                <Submit label=if editing { "Save" } else { "Create customer" } pending=save.pending()/>
                <a href=cancel_href class="button secondary">"Cancel"</a>
            </div>
        </ActionForm>
    }
    .into_any()
}
