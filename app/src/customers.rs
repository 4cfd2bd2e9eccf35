//! `/customers`: the filtered, cursor-paginated table of the merchant's customers. Filters and the
//! page live in the URL, so reload, back and links work, with or without JavaScript.

use domain::{Customer, Page};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::{Form, A};
use leptos_router::hooks::use_query_map;
use serde::{Deserialize, Serialize};

use crate::error::AppError;
use crate::layout::ModeVersion;
use crate::ui::date_time;

/// The list's URL query, as the filter form and the pagination buttons write it (and the
/// export link, with the filters alone).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ListQuery {
    pub email: String,
    pub created_from: String,
    pub created_to: String,
    pub limit: String,
    pub starting_after: String,
    pub ending_before: String,
}

impl ListQuery {
    fn is_filtered(&self) -> bool {
        !(self.email.is_empty() && self.created_from.is_empty() && self.created_to.is_empty())
    }

    /// The filters alone (no page) as a query string, for the export link.
    fn filters_query(&self) -> String {
        form_urlencoded::Serializer::new(String::new())
            .extend_pairs(
                [
                    ("email", &self.email),
                    ("created_from", &self.created_from),
                    ("created_to", &self.created_to),
                ]
                .into_iter()
                .filter(|(_, value)| !value.is_empty()),
            )
            .finish()
    }
}

/// One page of customers for the dashboard's list.
#[server(endpoint = "list_customers")]
pub async fn list_customers(query: ListQuery) -> Result<Page<Customer>, AppError> {
    crate::error::respond(
        async move {
            let (signed_in, _) = crate::session::server::signed_in().await?;
            Ok(crate::error::store()?
                .list_customers(&signed_in.tenant(), &query.filter()?)
                .await?)
        }
        .await,
    )
}

#[cfg(feature = "ssr")]
impl ListQuery {
    /// The store's filter for this query, as the list and the export both read it.
    pub fn filter(&self) -> domain::Result<domain::CustomerFilter> {
        use domain::{CustomerFilter, QueryParams, Timestamp};

        // "Created to" is a date: the whole day counts, so the bound is the next midnight.
        let created_to = match Timestamp::parse(&self.created_to) {
            Ok(day) if self.created_to.len() == 10 => day.add_millis(86_400_000).to_string(),
            _ => self.created_to.clone(),
        };
        let pairs = [
            ("email", self.email.trim().to_owned()),
            ("created[gte]", self.created_from.clone()),
            ("created[lt]", created_to),
            ("limit", self.limit.clone()),
            ("starting_after", self.starting_after.clone()),
            ("ending_before", self.ending_before.clone()),
        ];
        let params = QueryParams::parse(
            pairs
                .into_iter()
                .filter(|(_, value)| !value.is_empty())
                .map(|(name, value)| (name.to_owned(), value)),
        )?;
        CustomerFilter::from_query(params)
    }
}

#[component]
pub fn CustomersPage() -> impl IntoView {
    let url = use_query_map();
    let query = Memo::new(move |_| {
        url.with(|q| ListQuery {
            email: q.get("email").unwrap_or_default(),
            created_from: q.get("created_from").unwrap_or_default(),
            created_to: q.get("created_to").unwrap_or_default(),
            limit: q.get("limit").unwrap_or_default(),
            starting_after: q.get("starting_after").unwrap_or_default(),
            ending_before: q.get("ending_before").unwrap_or_default(),
        })
    });
    let deleted = Memo::new(move |_| url.with(|q| q.get("notice").as_deref() == Some("deleted")));
    let page = Resource::new(
        move || (query.get(), ModeVersion::track()),
        |(query, _)| list_customers(query),
    );

    view! {
        <Title text="Customers"/>
        <div class="page-head">
            <h1>"Customers"</h1>
            <div class="actions">
                // A download and an upload form: plain links, outside the client-side router.
                <a
                    href=move || format!("/customers/export.csv?{}", query.get().filters_query())
                    class="button secondary"
                    rel="external"
                    download
                >
                    "Export CSV"
                </a>
                <a href="/customers/import" class="button secondary">"Import customers"</a>
                <A href="/customers/new" attr:class="button primary">"New customer"</A>
            </div>
        </div>
        <Show when=move || deleted.get()>
            <p class="notice" role="status">"Customer deleted."</p>
        </Show>
        <Filters query/>
        <Transition fallback=|| view! { <p class="loading">"Loading customers…"</p> }>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(page) => view! { <CustomerTable page query=query.get_untracked()/> }.into_any(),
                    Err(error) => view! { <p class="form-error" role="alert">{error.to_string()}</p> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn Filters(query: Memo<ListQuery>) -> impl IntoView {
    let limit = move || {
        let limit = query.get().limit;
        if limit.is_empty() {
            "10".to_owned()
        } else {
            limit
        }
    };
    view! {
        <Form method="GET" action="/customers" attr:class="filters" attr:aria-label="Filters">
            <div class="field">
                <label for="filter-email">"Filter by email"</label>
                <input id="filter-email" type="email" name="email" value=move || query.get().email/>
            </div>
            <div class="field">
                <label for="filter-from">"Created from"</label>
                <input id="filter-from" type="date" name="created_from" value=move || query.get().created_from/>
            </div>
            <div class="field">
                <label for="filter-to">"Created to"</label>
                <input id="filter-to" type="date" name="created_to" value=move || query.get().created_to/>
            </div>
            <div class="field">
                <label for="filter-limit">"Rows per page"</label>
                <select id="filter-limit" name="limit">
                    {["10", "25", "50", "100"].map(|n| view! { <option value=n selected=move || limit() == n>{n}</option> })}
                </select>
            </div>
            <button type="submit" class="secondary">"Apply filters"</button>
        </Form>
    }
}

#[component]
fn CustomerTable(page: Page<Customer>, query: ListQuery) -> impl IntoView {
    if page.data.is_empty() && query.starting_after.is_empty() && query.ending_before.is_empty() {
        return if query.is_filtered() {
            view! {
                <div class="empty card">
                    <p>"No customers match these filters."</p>
                    <a href="/customers">"Clear filters"</a>
                </div>
            }
            .into_any()
        } else {
            view! {
                <div class="empty card">
                    <p class="empty-title">"No customers yet"</p>
                    <p>"Customers you create here or through the API appear in this list."</p>
                    <a class="button primary" href="/customers/new">"Create your first customer"</a>
                </div>
            }
            .into_any()
        };
    }
    // Going back (ending_before) there is always a newer page to return to; going forward,
    // `has_more` says whether an older one exists — and the other way round.
    let backwards = !query.ending_before.is_empty();
    let has_newer = if backwards {
        page.has_more
    } else {
        !query.starting_after.is_empty()
    };
    let has_older = if backwards { true } else { page.has_more };
    let first = page.data.first().map(|c| c.id.clone()).unwrap_or_default();
    let last = page.data.last().map(|c| c.id.clone()).unwrap_or_default();
    let rows = page
        .data
        .into_iter()
        .map(|customer| {
            let href = format!("/customers/{}", customer.id);
            let name = customer.display_name().to_owned();
            view! {
                <tr>
                    <td class="name"><A href=href>{name}</A></td>
                    <td class="email">{customer.email.clone().unwrap_or_default()}</td>
                    <td class="phone">{customer.phone.clone().unwrap_or_default()}</td>
                    <td class="created"><time datetime=customer.created_at.to_string()>{date_time(customer.created_at)}</time></td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="table-wrap card">
            <table class="customers">
                <thead>
                    <tr><th scope="col">"Name"</th><th scope="col">"Email"</th><th scope="col">"Phone"</th><th scope="col">"Created"</th></tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
        <nav class="pager" aria-label="Pages">
            <PageButton label="Previous" cursor="ending_before" id=first enabled=has_newer query=query.clone()/>
            <PageButton label="Next" cursor="starting_after" id=last enabled=has_older query/>
        </nav>
    }
    .into_any()
}

/// A button that opens the page before or after this one, keeping the filters.
#[component]
fn PageButton(
    label: &'static str,
    cursor: &'static str,
    id: String,
    enabled: bool,
    query: ListQuery,
) -> impl IntoView {
    view! {
        <Form method="GET" action="/customers">
            <input type="hidden" name="email" value=query.email/>
            <input type="hidden" name="created_from" value=query.created_from/>
            <input type="hidden" name="created_to" value=query.created_to/>
            <input type="hidden" name="limit" value=query.limit/>
            <input type="hidden" name=cursor value=id/>
            <button type="submit" class="secondary" disabled=!enabled>{label}</button>
        </Form>
    }
}
