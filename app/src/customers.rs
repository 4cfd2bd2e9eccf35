//! `/customers`: the filtered, cursor-paginated table of the merchant's customers, and the search
//! box above it. Search, filters and the page live in the URL, so reload, back and links work,
//! with or without JavaScript.

use domain::{Customer, Page, SearchPage};
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
    /// What is typed in the search box; when set, the table shows the search's results.
    pub q: String,
    /// The search's page tokens so far, comma-separated: the page shown starts at the last one
    /// (and **Previous** drops it).
    pub page: String,
    pub email: String,
    pub created_from: String,
    pub created_to: String,
    pub limit: String,
    pub starting_after: String,
    pub ending_before: String,
}

impl ListQuery {
    fn is_search(&self) -> bool {
        !self.q.trim().is_empty()
    }

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

/// What the search box found: a page of results, or nothing because what was typed is too
/// short to search.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum SearchOutcome {
    Found(SearchPage<Customer>),
    TooShort,
}

/// The search box's results: names and emails containing what was typed, the phone number it
/// is (typed any usual way), or the customer whose id it is.
#[server(endpoint = "search_customers")]
pub async fn search_customers(query: ListQuery) -> Result<SearchOutcome, AppError> {
    crate::error::respond(
        async move {
            use domain::{CustomerSearch, Limit, PageToken};

            let (signed_in, _) = crate::session::server::signed_in().await?;
            let store = crate::error::store()?;
            let tenant = signed_in.tenant();
            let typed = query.q.trim();
            if typed.starts_with(Customer::ID_PREFIX) && !typed.contains(char::is_whitespace) {
                let data = match store.find_customer(&tenant, typed).await {
                    Ok(customer) => vec![customer],
                    Err(domain::Error::NotFound { .. }) => Vec::new(),
                    Err(error) => return Err(error.into()),
                };
                return Ok(SearchOutcome::Found(SearchPage {
                    data,
                    next_page: None,
                }));
            }
            let Some(search_query) = CustomerSearch::quick(typed) else {
                return Ok(SearchOutcome::TooShort);
            };
            let limit = match query.limit.as_str() {
                "" => Limit::DEFAULT,
                text => Limit::parse(text).map_err(|m| domain::Error::invalid("limit", m))?,
            };
            let page = match query.page.rsplit(',').next().filter(|t| !t.is_empty()) {
                Some(token) => Some(PageToken::parse(token)?),
                None => None,
            };
            let search = CustomerSearch {
                query: search_query,
                limit,
                page,
            };
            Ok(SearchOutcome::Found(
                store.search_customers(&tenant, &search).await?,
            ))
        }
        .await,
    )
}

/// What the table shows: a page of the list, or of the search.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
enum Listing {
    List(Page<Customer>),
    Search(SearchOutcome),
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
            q: q.get("q").unwrap_or_default(),
            page: q.get("page").unwrap_or_default(),
            email: q.get("email").unwrap_or_default(),
            created_from: q.get("created_from").unwrap_or_default(),
            created_to: q.get("created_to").unwrap_or_default(),
            limit: q.get("limit").unwrap_or_default(),
            starting_after: q.get("starting_after").unwrap_or_default(),
            ending_before: q.get("ending_before").unwrap_or_default(),
        })
    });
    let deleted = Memo::new(move |_| url.with(|q| q.get("notice").as_deref() == Some("deleted")));
    let listing = Resource::new(
        move || (query.get(), ModeVersion::track()),
        |(query, _)| async move {
            if query.is_search() {
                search_customers(query).await.map(Listing::Search)
            } else {
                list_customers(query).await.map(Listing::List)
            }
        },
    );

    view! {
        <Title text="Customers"/>
        <div class="page-head">
            <h1>"Customers"</h1>
            <div class="actions">
                // A download and the upload page: plain links.
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
        <SearchBox q=query.get_untracked().q limit=query.get_untracked().limit/>
        // What the search box replaces in place as the typing pauses (see `SearchBox`).
        <div id=RESULTS_ID>
            <Show when=move || !query.get().is_search()>
                <Filters query/>
            </Show>
            <Transition fallback=|| view! { <p class="loading">"Loading customers…"</p> }>
                {move || Suspend::new(async move {
                    let query = query.get_untracked();
                    match listing.await {
                        Ok(Listing::List(page)) => view! { <CustomerTable page query/> }.into_any(),
                        Ok(Listing::Search(SearchOutcome::Found(page))) => {
                            view! { <SearchResults page query/> }.into_any()
                        }
                        Ok(Listing::Search(SearchOutcome::TooShort)) => view! {
                            <p class="empty card" role="status">"Type at least 3 characters to search."</p>
                        }
                        .into_any(),
                        Err(error) => view! { <p class="form-error" role="alert">{error.to_string()}</p> }.into_any(),
                    }
                })}
            </Transition>
        </div>
    }
}

/// The element around the filters and the table, which live search results replace.
const RESULTS_ID: &str = "customer-results";

/// How long typing must pause before the results follow it.
const SEARCH_DEBOUNCE: std::time::Duration = std::time::Duration::from_millis(300);

/// The search box: a GET form (Enter submits, without JavaScript too). With JavaScript, once the
/// typing pauses, the URL follows it and the results arrive in place: the island fetches the
/// page that URL names and swaps in its results, so the browser needs no code of its own for
/// tables, dates or customers.
#[island(lazy)]
fn SearchBox(q: String, limit: String) -> impl IntoView {
    let pending = StoredValue::new(None::<leptos::leptos_dom::helpers::TimeoutHandle>);
    // Each search takes a ticket; an answer that arrives after a newer search began is dropped.
    let latest = StoredValue::new(0_u64);
    let hidden_limit = limit.clone();
    let on_input = move |event: leptos::ev::Event| {
        let typed = event_target_value(&event);
        if let Some(handle) = pending.get_value() {
            handle.clear();
        }
        let limit = limit.clone();
        let handle = leptos::leptos_dom::helpers::set_timeout_with_handle(
            move || {
                let ticket = latest.get_value() + 1;
                latest.set_value(ticket);
                show_results(search_path(&typed, &limit), move || {
                    latest.get_value() == ticket
                });
            },
            SEARCH_DEBOUNCE,
        )
        .ok();
        pending.set_value(handle);
    };
    crate::hydration::island_ready();
    view! {
        <form method="get" action="/customers" class="search" role="search">
            <label for="search-customers">"Search customers"</label>
            <div class="search-row">
                <input
                    id="search-customers"
                    type="search"
                    name="q"
                    placeholder="Name, email, phone or id"
                    autocomplete="off"
                    value=q
                    on:input=on_input
                />
                <input type="hidden" name="limit" value=hidden_limit/>
                <button type="submit" class="secondary">"Search"</button>
            </div>
        </form>
    }
}

/// Puts `path` in the address bar (replacing the entry, as typing is one visit) and swaps in the
/// results of the page it names, unless `still_wanted` says a newer search took over. Anything
/// unexpected (offline, signed out) loads the page itself, which says what happened.
fn show_results(path: String, still_wanted: impl Fn() -> bool + 'static) {
    #[cfg(feature = "hydrate")]
    leptos::task::spawn_local(async move {
        use leptos::wasm_bindgen::{JsCast, JsValue};
        use wasm_bindgen_futures::JsFuture;

        let _ = window()
            .history()
            .and_then(|history| history.replace_state_with_url(&JsValue::NULL, "", Some(&path)));
        let results = async {
            let response = JsFuture::from(window().fetch_with_str(&path)).await.ok()?;
            let response: web_sys::Response = response.dyn_into().ok()?;
            let html = JsFuture::from(response.text().ok()?)
                .await
                .ok()?
                .as_string()?;
            let fetched = web_sys::DomParser::new()
                .ok()?
                .parse_from_string(&html, web_sys::SupportedType::TextHtml)
                .ok()?;
            (response.ok() && !response.redirected())
                .then(|| fetched.get_element_by_id(RESULTS_ID))
                .flatten()
                .map(|results| results.inner_html())
        }
        .await;
        if !still_wanted() {
            return;
        }
        match (results, document().get_element_by_id(RESULTS_ID)) {
            (Some(results), Some(shown)) => shown.set_inner_html(&results),
            _ => {
                let _ = window().location().set_href(&path);
            }
        }
    });
    #[cfg(not(feature = "hydrate"))]
    let _ = (path, still_wanted);
}

/// `/customers` searching for `typed` (the list itself when nothing is typed).
fn search_path(typed: &str, limit: &str) -> String {
    let query = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(
            [("q", typed.trim()), ("limit", limit)]
                .into_iter()
                .filter(|(_, value)| !value.is_empty()),
        )
        .finish();
    if query.is_empty() {
        "/customers".to_owned()
    } else {
        format!("/customers?{query}")
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

/// A page of search results, with **Previous** and **Next** through the search's page tokens.
#[component]
fn SearchResults(page: SearchPage<Customer>, query: ListQuery) -> impl IntoView {
    if page.data.is_empty() && query.page.is_empty() {
        return view! {
            <div class="empty card">
                <p>"No customers match “"{query.q.trim().to_owned()}"”."</p>
                <a href="/customers">"Clear search"</a>
            </div>
        }
        .into_any();
    }
    let tokens: Vec<&str> = query.page.split(',').filter(|t| !t.is_empty()).collect();
    let previous = tokens[..tokens.len().saturating_sub(1)].join(",");
    let next = page.next_page.map(|token| {
        let mut chain: Vec<String> = tokens.iter().map(|t| t.to_string()).collect();
        chain.push(token.to_string());
        chain.join(",")
    });
    let has_previous = !tokens.is_empty();
    view! {
        <CustomerRows customers=page.data/>
        <nav class="pager" aria-label="Pages">
            <SearchPageButton label="Previous" tokens=has_previous.then_some(previous) query=query.clone()/>
            <SearchPageButton label="Next" tokens=next query/>
        </nav>
    }
    .into_any()
}

/// A button that opens the search page starting after the last of `tokens` (the first page for
/// none); disabled without a page to open.
#[component]
fn SearchPageButton(
    label: &'static str,
    tokens: Option<String>,
    query: ListQuery,
) -> impl IntoView {
    let enabled = tokens.is_some();
    view! {
        <Form method="GET" action="/customers">
            <input type="hidden" name="q" value=query.q/>
            <input type="hidden" name="limit" value=query.limit/>
            {tokens.filter(|t| !t.is_empty()).map(|t| view! { <input type="hidden" name="page" value=t/> })}
            <button type="submit" class="secondary" disabled=!enabled>{label}</button>
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
    view! {
        <CustomerRows customers=page.data/>
        <nav class="pager" aria-label="Pages">
            <PageButton label="Previous" cursor="ending_before" id=first enabled=has_newer query=query.clone()/>
            <PageButton label="Next" cursor="starting_after" id=last enabled=has_older query/>
        </nav>
    }
    .into_any()
}

/// The table of customers, each row linking to the customer.
#[component]
fn CustomerRows(customers: Vec<Customer>) -> impl IntoView {
    let rows = customers
        .into_iter()
        .map(|customer| {
            let href = format!("/customers/{}", customer.id);
            let name = customer.display_name().to_owned();
            view! {
                <tr>
                    <td class="name"><a href=href>{name}</a></td>
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
    }
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
