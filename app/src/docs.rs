//! `/docs`: the public API reference, rendered from the OpenAPI document the server generates
//! (the same one it serves at `/v1/openapi.json`): one section per endpoint with its parameters,
//! examples, and its request as curl and the JavaScript, Python and PHP client libraries make it.

#[cfg(feature = "ssr")]
mod examples;

use leptos::prelude::*;
use leptos_meta::Title;
use serde::{Deserialize, Serialize};

use crate::error::AppError;

/// What a reader types in place of their key.
pub const KEY_PLACEHOLDER: &str = "sk_test_YOUR_KEY";

/// The reference as the page shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ApiReference {
    pub title: String,
    pub description: String,
    /// Setting up each way of calling the API, shown once above the endpoints.
    pub setup: Vec<Example>,
    pub groups: Vec<EndpointGroup>,
}

/// The ways the reference shows a request, in the order of the seed's tabs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Language {
    Curl,
    JavaScript,
    Python,
    Php,
}

impl Language {
    pub fn label(self) -> &'static str {
        match self {
            Language::Curl => "curl",
            Language::JavaScript => "JavaScript",
            Language::Python => "Python",
            Language::Php => "PHP",
        }
    }

    /// The class of its code block, for styles and tests.
    pub fn slug(self) -> &'static str {
        match self {
            Language::Curl => "curl",
            Language::JavaScript => "javascript",
            Language::Python => "python",
            Language::Php => "php",
        }
    }
}

/// One request (or set-up) written in one language.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Example {
    pub language: Language,
    pub code: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EndpointGroup {
    pub name: String,
    pub description: String,
    pub endpoints: Vec<Endpoint>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Endpoint {
    /// Also the section's anchor.
    pub id: String,
    pub method: String,
    pub path: String,
    pub summary: String,
    pub description: String,
    pub parameters: Vec<Parameter>,
    /// curl first, then each client library that has a method for the operation.
    pub examples: Vec<Example>,
    pub response_example: String,
    pub errors: Vec<ErrorExample>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Parameter {
    pub name: String,
    /// `path`, `query`, `header` or `body`.
    pub location: String,
    pub kind: String,
    pub required: bool,
    pub description: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ErrorExample {
    pub status: String,
    pub example: String,
}

#[server(endpoint = "api_reference")]
pub async fn get_api_reference() -> Result<ApiReference, AppError> {
    let document =
        use_context::<server::ApiDocument>().ok_or(AppError::Domain(domain::Error::Internal))?;
    let origin = server::origin();
    crate::error::respond(Ok(server::reference(&document.0, &origin)))
}

#[cfg(feature = "ssr")]
pub mod server {
    //! Reading the OpenAPI document into the page's shape.

    use std::sync::Arc;

    use serde_json::{json, Value};

    use super::*;

    /// The server's OpenAPI document, provided as context to every page.
    #[derive(Clone)]
    pub struct ApiDocument(pub Arc<Value>);

    /// This server's address as the browser reached it, for runnable curl commands.
    pub fn origin() -> String {
        let host = use_context::<http::request::Parts>()
            .and_then(|parts| {
                parts
                    .headers
                    .get(http::header::HOST)
                    .and_then(|host| host.to_str().ok())
                    .map(str::to_owned)
            })
            .unwrap_or_else(|| "127.0.0.1:3000".to_owned());
        let scheme = if crate::session::server::served_over_https() {
            "https"
        } else {
            "http"
        };
        format!("{scheme}://{host}")
    }

    /// Follows a `$ref` to the object it names; anything else is itself.
    fn resolve<'a>(document: &'a Value, value: &'a Value) -> &'a Value {
        match value.get("$ref").and_then(Value::as_str) {
            Some(reference) => reference
                .strip_prefix("#/")
                .map(|path| {
                    path.split('/')
                        .fold(document, |node, key| node.get(key).unwrap_or(&Value::Null))
                })
                .unwrap_or(&Value::Null),
            None => value,
        }
    }

    fn text(value: &Value, key: &str) -> String {
        value
            .get(key)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned()
    }

    fn pretty(value: &Value) -> String {
        serde_json::to_string_pretty(value).unwrap_or_default()
    }

    /// A schema's type as a reader would say it: `string`, `integer`, `object`, one of a set…
    fn kind(document: &Value, schema: &Value) -> String {
        let schema = resolve(document, schema);
        if let Some(values) = schema.get("enum").and_then(Value::as_array) {
            let values: Vec<_> = values.iter().filter_map(Value::as_str).collect();
            return format!("one of {}", values.join(", "));
        }
        for combined in ["oneOf", "anyOf"] {
            if let Some(options) = schema.get(combined).and_then(Value::as_array) {
                let kinds: Vec<_> = options
                    .iter()
                    .map(|option| kind(document, option))
                    .filter(|kind| kind != "null")
                    .collect();
                return kinds.first().cloned().unwrap_or_else(|| "null".into());
            }
        }
        match schema.get("type") {
            Some(Value::String(kind)) => kind.clone(),
            Some(Value::Array(kinds)) => kinds
                .iter()
                .filter_map(Value::as_str)
                .find(|kind| *kind != "null")
                .unwrap_or("null")
                .to_owned(),
            _ => "any".into(),
        }
    }

    /// The description of a schema or, for a reference, of what it refers to.
    fn schema_description(document: &Value, schema: &Value) -> String {
        let own = text(schema, "description");
        if !own.is_empty() {
            return own;
        }
        for combined in ["oneOf", "anyOf"] {
            if let Some(options) = schema.get(combined).and_then(Value::as_array) {
                if let Some(found) = options
                    .iter()
                    .map(|option| schema_description(document, option))
                    .find(|description| !description.is_empty())
                {
                    return found;
                }
            }
        }
        let target = resolve(document, schema);
        if std::ptr::eq(target, schema) {
            String::new()
        } else {
            schema_description(document, target)
        }
    }

    /// A schema's example; a list gets one built around its items' example.
    fn example(document: &Value, schema: &Value, path: &str) -> Value {
        let schema = resolve(document, schema);
        if let Some(example) = schema.get("example") {
            return example.clone();
        }
        let items = schema.pointer("/properties/data/items");
        match items {
            Some(items) => json!({
                "object": "list",
                "data": [example(document, items, path)],
                "has_more": false,
                "url": path,
            }),
            None => Value::Null,
        }
    }

    fn parameters(document: &Value, operation: &Value) -> Vec<Parameter> {
        let mut found: Vec<Parameter> = operation
            .get("parameters")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .map(|parameter| Parameter {
                name: text(parameter, "name"),
                location: text(parameter, "in"),
                kind: kind(document, &parameter["schema"]),
                required: parameter["required"].as_bool().unwrap_or(false),
                description: text(parameter, "description"),
            })
            .collect();
        let body = resolve(
            document,
            operation
                .pointer("/requestBody/content/application~1json/schema")
                .unwrap_or(&Value::Null),
        );
        let required: Vec<&str> = body["required"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        if let Some(properties) = body["properties"].as_object() {
            found.extend(properties.iter().map(|(name, schema)| Parameter {
                name: name.clone(),
                location: "body".into(),
                kind: kind(document, schema),
                required: required.contains(&name.as_str()),
                description: schema_description(document, schema),
            }));
        }
        found
    }

    fn endpoint(
        document: &Value,
        origin: &str,
        method: &str,
        path: &str,
        operation: &Value,
    ) -> Endpoint {
        let success = operation.pointer("/responses/200").unwrap_or(&Value::Null);
        let success_schema = resolve(document, success)
            .pointer("/content/application~1json/schema")
            .unwrap_or(&Value::Null);
        let request_example = operation
            .pointer("/requestBody/content/application~1json/schema")
            .map(|schema| example(document, schema, path));
        let errors = operation["responses"]
            .as_object()
            .into_iter()
            .flatten()
            .filter(|(status, _)| status.as_str() != "200")
            .map(|(status, response)| ErrorExample {
                status: format!(
                    "{status} {}",
                    text(resolve(document, response), "description")
                ),
                example: pretty(
                    resolve(document, response)
                        .pointer("/content/application~1json/example")
                        .unwrap_or(&Value::Null),
                ),
            })
            .collect();
        Endpoint {
            id: text(operation, "operationId"),
            method: method.to_uppercase(),
            path: path.to_owned(),
            summary: text(operation, "summary"),
            description: text(operation, "description"),
            parameters: parameters(document, operation),
            examples: super::examples::examples(
                &text(operation, "operationId"),
                origin,
                &method.to_uppercase(),
                path,
                request_example.as_ref().filter(|body| !body.is_null()),
            ),
            response_example: match example(document, success_schema, path) {
                Value::Null => String::new(),
                example => pretty(&example),
            },
            errors,
        }
    }

    /// The reference for `document`, its example requests aimed at `origin`.
    pub fn reference(document: &Value, origin: &str) -> ApiReference {
        let mut groups: Vec<EndpointGroup> = document["tags"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|tag| EndpointGroup {
                name: text(tag, "name"),
                description: text(tag, "description"),
                endpoints: Vec::new(),
            })
            .collect();
        for (path, item) in document["paths"].as_object().into_iter().flatten() {
            for method in ["get", "post", "patch", "delete"] {
                let Some(operation) = item.get(method) else {
                    continue;
                };
                let tag = operation.pointer("/tags/0").and_then(Value::as_str);
                if let Some(group) = groups
                    .iter_mut()
                    .find(|group| Some(group.name.as_str()) == tag)
                {
                    group
                        .endpoints
                        .push(endpoint(document, origin, method, path, operation));
                }
            }
        }
        ApiReference {
            title: text(&document["info"], "title"),
            description: text(&document["info"], "description"),
            setup: super::examples::setup(origin),
            groups,
        }
    }
}

/// Which language the examples show once tabs work (with JavaScript): one choice for the whole
/// page, as a reader keeps to one language. Until then every example shows, each under its name.
#[derive(Clone, Copy)]
struct ExampleTabs {
    chosen: RwSignal<Language>,
    live: RwSignal<bool>,
}

#[component]
pub fn DocsPage() -> impl IntoView {
    let reference = Resource::new(|| (), |_| get_api_reference());
    view! {
        <Title text="API reference"/>
        <header class="top">
            <div class="top-row">
                <a class="brand" href="/customers">"Shika"</a>
                <nav aria-label="Main">
                    <a href="/customers">"Dashboard"</a>
                    <a href="/api-keys">"API keys"</a>
                    <a href="/v1/openapi.json">"OpenAPI document"</a>
                </nav>
            </div>
        </header>
        <main class="page docs">
            <Suspense fallback=|| view! { <p aria-busy="true">"Loading the reference…"</p> }>
                {move || Suspend::new(async move {
                    match reference.await {
                        Ok(reference) => view! {
                            <LanguageChoice><Reference reference/></LanguageChoice>
                        }.into_any(),
                        Err(error) => view! { <p role="alert">{error.to_string()}</p> }.into_any(),
                    }
                })}
            </Suspense>
        </main>
    }
}

/// The language every example on the page shows, for the `Examples` islands inside it.
#[island(lazy)]
fn LanguageChoice(children: Children) -> impl IntoView {
    let tabs = ExampleTabs {
        chosen: RwSignal::new(Language::Curl),
        live: RwSignal::new(false),
    };
    provide_context(tabs);
    // Tabs only once the `Examples` islands inside have hydrated as the server rendered them
    // (every language visible, as without JavaScript).
    crate::hydration::when_live(move || tabs.live.set(true));
    crate::hydration::island_ready();
    children()
}

/// Text from the document, its `backticked` spans shown as code.
#[component]
fn Prose(text: String) -> impl IntoView {
    text.split('`')
        .enumerate()
        .map(|(index, part)| {
            if index % 2 == 1 {
                view! { <code>{part.to_owned()}</code> }.into_any()
            } else {
                part.to_owned().into_any()
            }
        })
        .collect_view()
}

#[component]
fn Reference(reference: ApiReference) -> impl IntoView {
    let contents = reference
        .groups
        .iter()
        .map(|group| {
            let links = group
                .endpoints
                .iter()
                .map(|endpoint| {
                    view! {
                        <li><a href=format!("#{}", endpoint.id)>{endpoint.summary.clone()}</a></li>
                    }
                })
                .collect_view();
            view! { <li>{group.name.clone()}<ul>{links}</ul></li> }
        })
        .collect_view();
    view! {
        <h1>{reference.title}</h1>
        <p><Prose text=reference.description/></p>
        <section class="card" aria-labelledby="trying-it">
            <h2 id="trying-it">"Trying it"</h2>
            <p>
                "Each endpoint below shows its request for this server with curl and with the "
                "JavaScript, Python and PHP client libraries (" <code>"make sdks"</code>
                " builds them into " <code>"sdk/dist/"</code> "). Replace "
                <code>{KEY_PLACEHOLDER}</code>" with one of your test keys — keys are shown only "
                "once, when created or rolled, on the " <a href="/api-keys">"API keys"</a>
                " page — and ids such as " <code>"cus_abc123def456"</code>
                " with ids from earlier answers. Each library is set up like this:"
            </p>
            <Examples examples=reference.setup/>
        </section>
        <nav aria-label="Endpoints" class="card toc"><ul>{contents}</ul></nav>
        {reference
            .groups
            .into_iter()
            .map(|group| {
                let heading = format!("group-{}", group.name);
                let labelled_by = heading.clone();
                view! {
                    <section class="group" aria-labelledby=labelled_by>
                        <h2 id=heading>{group.name}</h2>
                        <p>{group.description}</p>
                        {group.endpoints.into_iter().map(|endpoint| view! { <EndpointSection endpoint/> }).collect_view()}
                    </section>
                }
                .into_any()
            })
            .collect_view()}
    }
}

#[component]
fn EndpointSection(endpoint: Endpoint) -> impl IntoView {
    let heading = format!("{}-title", endpoint.id);
    let labelled_by = heading.clone();
    let parameters = (!endpoint.parameters.is_empty()).then(|| {
        let rows = endpoint
            .parameters
            .into_iter()
            .map(|parameter| {
                view! {
                    <tr>
                        <td class="name"><code>{parameter.name}</code></td>
                        <td>{parameter.location}</td>
                        <td>{parameter.kind}</td>
                        <td>{if parameter.required { "yes" } else { "no" }}</td>
                        <td><Prose text=parameter.description/></td>
                    </tr>
                }
            })
            .collect_view();
        view! {
            <h4>"Parameters"</h4>
            <div class="table-wrap">
                <table>
                    <thead><tr><th>"Name"</th><th>"In"</th><th>"Type"</th><th>"Required"</th><th>"Description"</th></tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        }
        .into_any()
    });
    let errors = endpoint
        .errors
        .into_iter()
        .map(|error| {
            view! {
                <details>
                    <summary>{error.status}</summary>
                    <pre><code>{error.example}</code></pre>
                </details>
            }
        })
        .collect_view();
    view! {
        <section class="card endpoint" id=endpoint.id aria-labelledby=labelled_by>
            <h3 id=heading>{endpoint.summary}</h3>
            <p class="route"><span class="method">{endpoint.method}</span>" "<code>{endpoint.path}</code></p>
            <p><Prose text=endpoint.description/></p>
            {parameters}
            <h4>"Example request"</h4>
            <Examples examples=endpoint.examples/>
            <h4>"Response"</h4>
            <pre><code>{endpoint.response_example}</code></pre>
            <h4>"Errors"</h4>
            {errors}
        </section>
    }
    .into_any()
}

/// A request in several languages: all of them, each under its name, without JavaScript; tabs
/// that show one at a time with it.
#[island(lazy)]
fn Examples(examples: Vec<Example>) -> impl IntoView {
    let ExampleTabs { chosen, live } = expect_context::<ExampleTabs>();
    let languages: Vec<Language> = examples.iter().map(|example| example.language).collect();
    // A language this request lacks (the document itself has no library method) shows curl.
    let shown = Memo::new(move |_| {
        let wanted = chosen.get();
        if languages.contains(&wanted) {
            wanted
        } else {
            Language::Curl
        }
    });
    let tabs = (examples.len() > 1).then(|| {
        let buttons = examples
            .iter()
            .map(|example| {
                let language = example.language;
                view! {
                    <button
                        type="button"
                        role="tab"
                        aria-selected=move || (shown.get() == language).to_string()
                        on:click=move |_| chosen.set(language)
                    >
                        {language.label()}
                    </button>
                }
            })
            .collect_view();
        view! {
            <div class="tabs needs-js" role="tablist" aria-label="Language">
                {buttons}
            </div>
        }
    });
    let panels = examples
        .into_iter()
        .map(|example| {
            let language = example.language;
            view! {
                <div
                    class="example"
                    role=move || live.get().then_some("tabpanel")
                    aria-label=language.label()
                    hidden=move || live.get() && shown.get() != language
                >
                    <p class="example-language" hidden=move || live.get()>{language.label()}</p>
                    <pre class=language.slug()><code>{example.code}</code></pre>
                </div>
            }
        })
        .collect_view();
    crate::hydration::island_ready();
    view! { <div class="examples">{tabs}{panels}</div> }
}
