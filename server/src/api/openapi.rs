//! The OpenAPI 3.1 document of `/v1`, generated from the handlers' `#[utoipa::path]`
//! annotations and the domain's schemas, completed here with what every operation shares:
//! authentication, the error responses, `Request-Id` and `Idempotency-Key`.

use std::sync::LazyLock;

use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::response::IntoResponse;
use utoipa::openapi::header::{Header, HeaderBuilder};
use utoipa::openapi::path::{Operation, ParameterBuilder, ParameterIn};
use utoipa::openapi::response::ResponseBuilder;
use utoipa::openapi::schema::{ObjectBuilder, Type};
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::openapi::{ContentBuilder, OpenApi, Ref, RefOr, Required};
use utoipa::{IntoParams, Modify, OpenApi as _, ToSchema};
use utoipa_axum::router::OpenApiRouter;

use super::error::ErrorBody;
use super::ApiError;
use crate::AppState;

#[derive(utoipa::OpenApi)]
#[openapi(
    info(
        title = "Shika API",
        version = "1",
        description = "The Customers part of Shika's payments API: customers, their payments and \
            subscriptions. Authenticate with a secret key, `Authorization: Bearer sk_test_…` (or \
            HTTP Basic with the key as user name and an empty password). Test and live keys see \
            separate worlds. Lists are newest first and paginate with `starting_after` / \
            `ending_before` cursors.",
    ),
    components(schemas(ErrorBody)),
    modifiers(&SharedParts),
    tags(
        (name = "Customers", description = "Create, retrieve, update, delete and list customers."),
        (name = "Payments", description = "Payments, optionally linked to a customer."),
        (name = "Subscriptions", description = "Recurring charges of a customer."),
        (name = "Events", description = "Every change, as it happened: what `/v1/events` lists \
            and webhooks deliver."),
        (name = "Webhook endpoints", description = "URLs of the merchant's that receive events, \
            signed the Standard Webhooks way (`webhook-id`, `webhook-timestamp`, \
            `webhook-signature`)."),
        (name = "Reference", description = "This document."),
    )
)]
struct ApiDoc;

/// The query parameters every list takes.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)] // Describes the query for the document; `domain::ListParams` parses it.
pub struct PageQuery {
    /// How many objects to return, 1 to 100 (default 10).
    #[param(minimum = 1, maximum = 100, default = 10)]
    limit: Option<u8>,
    /// An object id from a previous page: return the objects just older than it.
    #[param(min_length = 1)]
    starting_after: Option<String>,
    /// An object id from a previous page: return the objects just newer than it (still newest
    /// first). At most one of the two cursors.
    #[param(min_length = 1)]
    ending_before: Option<String>,
    /// Created at or after this time: ISO 8601 (`2024-01-15T10:00:00Z`) or Unix seconds.
    #[param(rename = "created[gte]", min_length = 1)]
    created_gte: Option<String>,
    /// Created at or before this time: ISO 8601 or Unix seconds.
    #[param(rename = "created[lte]", min_length = 1)]
    created_lte: Option<String>,
    /// Created after this time: ISO 8601 or Unix seconds.
    #[param(rename = "created[gt]", min_length = 1)]
    created_gt: Option<String>,
    /// Created before this time: ISO 8601 or Unix seconds.
    #[param(rename = "created[lt]", min_length = 1)]
    created_lt: Option<String>,
}

/// The filter of the customer list.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)] // Describes the query for the document; `domain::CustomerFilter` parses it.
pub struct CustomerQuery {
    /// Only customers with this email address (exact match, case-insensitive).
    #[param(min_length = 1)]
    email: Option<String>,
    /// Only customers with this phone number, however either was typed: `0241234567`,
    /// `024 123 4567`, `+233 24 123 4567` and `233241234567` are the same number (national
    /// numbers are read as Ghanaian).
    #[param(min_length = 1, example = "024 123 4567")]
    phone: Option<String>,
    /// Only customers whose metadata holds exactly these values: `metadata[order_id]=42`
    /// (several keys must all match; at most 10).
    #[param(style = DeepObject, explode, inline, value_type = Option<domain::openapi::MetadataFilter>)]
    metadata: Option<std::collections::BTreeMap<String, String>>,
}

/// The parameters of the customer search.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)] // Describes the query for the document; `domain::CustomerSearch` parses it.
pub struct SearchQueryParams {
    /// The query: clauses `field:value` (exact, case-insensitive), `field~value` (substring of
    /// at least 3 characters), `created>…` (also `>=`, `<`, `<=`; Unix seconds or ISO 8601),
    /// `-` before a clause negates it; clauses joined by `AND` or by `OR` (not both); values in
    /// double quotes (`\"` inside). Fields: `email`, `name`, `phone`, `created`,
    /// `metadata["key"]`.
    #[param(
        min_length = 1,
        example = "name~\"kwame\" AND metadata[\"tier\"]:\"gold\""
    )]
    query: String,
    /// How many customers to return, 1 to 100 (default 10).
    #[param(minimum = 1, maximum = 100, default = 10)]
    limit: Option<u8>,
    /// The `next_page` of the previous answer, for the page after it.
    #[param(min_length = 1)]
    page: Option<String>,
}

/// The filter of the payment list.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)] // Describes the query for the document; `domain::PaymentFilter` parses it.
pub struct PaymentQuery {
    /// Only this customer's payments.
    #[param(min_length = 1)]
    customer: Option<String>,
}

/// The filters of the subscription list.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)] // Describes the query for the document; `domain::SubscriptionFilter` parses it.
pub struct SubscriptionQuery {
    /// Only this customer's subscriptions.
    #[param(min_length = 1)]
    customer: Option<String>,
    /// Only subscriptions in this status.
    status: Option<domain::SubscriptionStatus>,
}

/// The filter of the event list.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)] // Describes the query for the document; `domain::EventFilter` parses it.
pub struct EventQuery {
    /// Only events of this type (`customer.created`), or of every type of one resource
    /// (`customer.*`).
    #[param(rename = "type", min_length = 1, example = "customer.*")]
    kind: Option<String>,
}

/// The whole document, with `/v1` paths; built once.
pub fn document() -> &'static OpenApi {
    static DOCUMENT: LazyLock<OpenApi> = LazyLock::new(|| {
        let mut document = OpenApiRouter::<AppState>::with_openapi(ApiDoc::openapi())
            .nest("/v1", super::routes())
            .into_openapi();
        domain::openapi::complete_schemas(&mut document);
        SharedParts::add_to_operations(&mut document);
        document
    });
    &DOCUMENT
}

/// This document as JSON.
#[utoipa::path(
    get,
    path = "/openapi.json",
    tag = "Reference",
    operation_id = "get_openapi",
    summary = "The OpenAPI document",
    description = "This API's OpenAPI 3.1 document. No authentication needed.",
    security(()),
    responses((status = 200, description = "The OpenAPI document.", content_type = "application/json"))
)]
pub async fn openapi_json() -> impl IntoResponse {
    static JSON: LazyLock<String> = LazyLock::new(|| {
        document()
            .to_json()
            .expect("the OpenAPI document serializes")
    });
    (
        StatusCode::OK,
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        JSON.as_str(),
    )
}

/// What every operation shares, added once rather than repeated on each handler.
struct SharedParts;

impl Modify for SharedParts {
    fn modify(&self, openapi: &mut OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)),
        );
        components.add_security_scheme(
            "basic",
            SecurityScheme::Http(Http::new(HttpAuthScheme::Basic)),
        );
        for (name, status, error) in error_examples() {
            let (_, body) = error.status_and_body();
            let example = serde_json::to_value(body).expect("error bodies serialize");
            let mut response = ResponseBuilder::new()
                .description(status.canonical_reason().unwrap_or("Error"))
                .header("Request-Id", request_id_header())
                .content(
                    "application/json",
                    ContentBuilder::new()
                        .schema(Some(Ref::from_schema_name(ErrorBody::name())))
                        .example(Some(example))
                        .build(),
                );
            if status == StatusCode::TOO_MANY_REQUESTS {
                response = response.header(
                    "Retry-After",
                    HeaderBuilder::new()
                        .schema(Some(ObjectBuilder::new().schema_type(Type::Integer)))
                        .description(Some("Seconds to wait before retrying."))
                        .build(),
                );
            }
            components
                .responses
                .insert(name.into(), response.build().into());
        }
        openapi.security = Some(vec![
            utoipa::openapi::security::SecurityRequirement::new("bearer", Vec::<String>::new()),
            utoipa::openapi::security::SecurityRequirement::new("basic", Vec::<String>::new()),
        ]);
    }
}

/// Each shared error response: its component name, status, and a real error as its example.
fn error_examples() -> Vec<(&'static str, StatusCode, ApiError)> {
    vec![
        (
            "BadRequest",
            StatusCode::BAD_REQUEST,
            domain::Error::invalid("email", "Invalid email address: 'not-an-email'").into(),
        ),
        (
            "Unauthorized",
            StatusCode::UNAUTHORIZED,
            ApiError::Unauthenticated("Invalid API key provided."),
        ),
        (
            "NotFound",
            StatusCode::NOT_FOUND,
            domain::Error::NotFound {
                object: "customer".into(),
                id: "cus_abc123def456".into(),
            }
            .into(),
        ),
        (
            "Conflict",
            StatusCode::CONFLICT,
            ApiError::IdempotencyInProgress,
        ),
        (
            "PayloadTooLarge",
            StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::BodyTooLarge,
        ),
        (
            "UnsupportedMediaType",
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiError::UnsupportedMediaType,
        ),
        (
            "TooManyRequests",
            StatusCode::TOO_MANY_REQUESTS,
            ApiError::RateLimited {
                retry_after_seconds: 1,
            },
        ),
        (
            "ServerError",
            StatusCode::INTERNAL_SERVER_ERROR,
            domain::Error::Internal.into(),
        ),
    ]
}

impl SharedParts {
    /// Adds to each operation the error responses it can give, `Request-Id` on every response
    /// and `Idempotency-Key` on every POST.
    fn add_to_operations(openapi: &mut OpenApi) {
        for (path, item) in openapi.paths.paths.iter_mut() {
            let public = path.ends_with("/openapi.json");
            let operations = [
                (Method::GET, item.get.as_mut()),
                (Method::POST, item.post.as_mut()),
                (Method::PATCH, item.patch.as_mut()),
                (Method::DELETE, item.delete.as_mut()),
            ];
            for (method, operation) in operations {
                let Some(operation) = operation else { continue };
                if !public {
                    add_errors(operation, &method, path.contains('{'));
                }
                add_request_id(operation);
                // No body at all counts as `{}` (the spec's transport rule).
                if let Some(RefOr::T(body)) = operation.request_body.as_mut() {
                    body.required = Some(Required::False);
                }
                if method == Method::POST {
                    add_idempotency_key(operation);
                }
            }
        }
    }
}

fn add_errors(operation: &mut Operation, method: &Method, addresses_an_object: bool) {
    let with_body = *method == Method::POST || *method == Method::PATCH;
    let mut errors = vec![("400", "BadRequest"), ("401", "Unauthorized")];
    if addresses_an_object {
        errors.push(("404", "NotFound"));
    }
    if *method == Method::POST {
        errors.push(("409", "Conflict"));
    }
    if with_body {
        errors.push(("413", "PayloadTooLarge"));
        errors.push(("415", "UnsupportedMediaType"));
    }
    errors.push(("429", "TooManyRequests"));
    errors.push(("500", "ServerError"));
    for (status, name) in errors {
        operation.responses.responses.insert(
            status.into(),
            RefOr::Ref(Ref::new(format!("#/components/responses/{name}"))),
        );
    }
}

fn add_request_id(operation: &mut Operation) {
    for response in operation.responses.responses.values_mut() {
        if let RefOr::T(response) = response {
            response
                .headers
                .insert("Request-Id".into(), request_id_header().into());
        }
    }
}

fn request_id_header() -> Header {
    HeaderBuilder::new()
        .schema(Some(
            ObjectBuilder::new()
                .schema_type(Type::String)
                .pattern(Some("^req_[A-Za-z0-9]+$")),
        ))
        .description(Some("This request's id, also in the server's log line."))
        .build()
}

fn add_idempotency_key(operation: &mut Operation) {
    let parameter = ParameterBuilder::new()
        .name("Idempotency-Key")
        .parameter_in(ParameterIn::Header)
        .required(Required::False)
        .description(Some(
            "1 to 255 printable ASCII characters. A retry with the same key and body within 24 \
             hours gets the first response again (with `Idempotent-Replayed: true`) instead of \
             creating a second object.",
        ))
        .schema(Some(
            ObjectBuilder::new()
                .schema_type(Type::String)
                .min_length(Some(1))
                .max_length(Some(255))
                // Surrounding spaces do not survive HTTP's header parsing.
                .pattern(Some("^[\\x21-\\x7E]([\\x20-\\x7E]{0,253}[\\x21-\\x7E])?$")),
        ))
        .build();
    operation
        .parameters
        .get_or_insert_with(Vec::new)
        .push(parameter.into());
}
