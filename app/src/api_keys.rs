//! `/api-keys`: the merchant's secret keys for the current mode — create and roll them; a new
//! key's full text is shown once, right after it is made.

use domain::{ApiKey, NewSecretKey};
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;

use crate::error::AppError;
use crate::layout::ModeVersion;
use crate::ui::{date_time, reload_when, FormError, RevealedSecret, Submit};

#[server(endpoint = "list_api_keys")]
pub async fn list_api_keys() -> Result<Vec<ApiKey>, AppError> {
    crate::error::respond(
        async move {
            let (signed_in, _) = crate::session::server::signed_in().await?;
            Ok(crate::error::store()?
                .list_api_keys(&signed_in.tenant())
                .await?)
        }
        .await,
    )
}

#[server(endpoint = "create_api_key")]
pub async fn create_api_key() -> Result<NewSecretKey, AppError> {
    crate::error::respond(
        async move {
            let (signed_in, _) = crate::session::server::signed_in().await?;
            Ok(crate::error::store()?
                .create_api_key(&signed_in.tenant())
                .await?)
        }
        .await,
    )
}

/// Replaces a key: the old one stops working at once.
#[server(endpoint = "roll_api_key")]
pub async fn roll_api_key(id: String) -> Result<NewSecretKey, AppError> {
    crate::error::respond(
        async move {
            let (signed_in, _) = crate::session::server::signed_in().await?;
            Ok(crate::error::store()?
                .roll_api_key(&signed_in.tenant(), &id)
                .await?)
        }
        .await,
    )
}

#[component]
pub fn ApiKeysPage() -> impl IntoView {
    let keys = Resource::new(ModeVersion::track, |_| list_api_keys());
    view! {
        <Title text="API keys"/>
        <Suspense fallback=|| view! { <p class="loading">"Loading keys…"</p> }>
            {move || Suspend::new(async move {
                match keys.await {
                    Ok(keys) => view! { <ApiKeys keys/> }.into_any(),
                    Err(error) => view! { <p class="form-error" role="alert">{error.to_string()}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// The keys with Create and Roll: an island, since the key they make is shown only here, once.
#[island(lazy)]
fn ApiKeys(keys: Vec<ApiKey>) -> impl IntoView {
    let create = ServerAction::<CreateApiKey>::new();
    let roll = ServerAction::<RollApiKey>::new();
    let keys = RwSignal::new(keys);
    // A create or a roll changes the list: read it again.
    reload_when(
        move || (create.version().get(), roll.version().get()),
        keys,
        list_api_keys,
    );
    // The newest key made on this page, from either action.
    let revealed = Memo::new(move |_| {
        let latest = if roll.version().get() > 0 && roll.value().get().is_some() {
            roll.value().get()
        } else {
            None
        };
        latest.or_else(|| create.value().get())
    });
    let error = Signal::derive(move || {
        [create.value().get(), roll.value().get()]
            .into_iter()
            .flatten()
            .find_map(|result| result.err())
            .map(|error| error.to_string())
    });
    crate::hydration::island_ready();
    view! {
        <div class="page-head">
            <h1>"API keys"</h1>
            <ActionForm action=create>
                // Only once the island is live: a key made by a plain form post could never be
                // shown (the same for Roll, which also ends the old key).
                <Submit label="Create secret key" pending=create.pending() class="primary needs-js"/>
            </ActionForm>
        </div>
        <p class="muted">"Secret keys authenticate your requests to the API. Keep them on your server, never in a browser or an app."</p>
        <FormError error/>
        {move || revealed.get().and_then(Result::ok).map(|key| view! {
            <RevealedSecret secret=key.secret what="secret key" label="New secret key"/>
        })}
        {move || view! { <KeyTable keys=keys.get() roll/> }}
    }
    .into_any()
}

#[component]
fn KeyTable(keys: Vec<ApiKey>, roll: ServerAction<RollApiKey>) -> impl IntoView {
    let rows = keys
        .into_iter()
        .map(|key| {
            view! {
                <tr>
                    <td><code>{key.redacted}</code></td>
                    <td>{date_time(key.created_at)}</td>
                    <td>{key.last_used_at.map(date_time).unwrap_or_else(|| "Never".into())}</td>
                    <td>
                        <ActionForm action=roll>
                            <input type="hidden" name="id" value=key.id/>
                            <Submit label="Roll" pending=roll.pending() class="secondary needs-js"/>
                        </ActionForm>
                    </td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="table-wrap card">
            <table>
                <thead><tr><th scope="col">"Key"</th><th scope="col">"Created"</th><th scope="col">"Last used"</th><th scope="col"><span class="visually-hidden">"Actions"</span></th></tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}
