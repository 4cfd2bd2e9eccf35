//! Merchant data in and out of the dashboard, as plain HTTP (a download and two form posts, so
//! they work without JavaScript): `GET /customers/export.csv` streams the customers the list's
//! filters match; `POST /customers/import/upload` reads and checks an uploaded file and keeps it
//! for its preview; `POST /customers/import/{id}/run` imports it. The two posts answer with a
//! page that shows progress as it happens and moves on to the preview or the result when done.

use std::convert::Infallible;

use app::customers::ListQuery;
use axum::body::{Body, Bytes};
use axum::extract::{DefaultBodyLimit, Multipart, Path, Query, State};
use axum::http::header::{
    CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_SECURITY_POLICY, CONTENT_TYPE, LOCATION,
};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use domain::customer_csv::{read_import, CsvExport, ImportRefused, MAX_IMPORT_BYTES};
use domain::store::Store;
use domain::{Cursor, Limit, SignedIn, Tenant, Timestamp};
use futures_util::stream::{self, StreamExt};
use tokio::sync::mpsc;

use app::ui::grouped;

use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/customers/export.csv", get(export_customers))
        .route(
            "/customers/import/upload",
            // The form's other parts and multipart framing need a little room beyond the file.
            post(upload_import).layer(DefaultBodyLimit::max(MAX_IMPORT_BYTES as usize + 65_536)),
        )
        .route("/customers/import/{id}/run", post(run_import))
}

/// The signed-in merchant of a request, or the answer that sends the browser to log in.
async fn signed_in(store: &Store, headers: &HeaderMap) -> Result<SignedIn, Response> {
    let to_login = || {
        (
            StatusCode::SEE_OTHER,
            [(LOCATION, HeaderValue::from_static("/login"))],
        )
            .into_response()
    };
    let token = app::session::server::session_token_in(headers).ok_or_else(to_login)?;
    match store.find_session(&token).await {
        Ok(Some(signed_in)) => Ok(signed_in),
        Ok(None) => Err(to_login()),
        Err(_) => Err(StatusCode::INTERNAL_SERVER_ERROR.into_response()),
    }
}

/// Customers per page read from the store while exporting: the list's largest page.
const EXPORT_PAGE: &str = "100";

async fn export_customers(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(query): Query<ListQuery>,
) -> Response {
    let signed_in = match signed_in(&state.store, &headers).await {
        Ok(signed_in) => signed_in,
        Err(response) => return response,
    };
    let tenant = signed_in.tenant();
    let mut filter = match query.filter() {
        Ok(filter) => filter,
        Err(error) => return (StatusCode::BAD_REQUEST, error.to_string()).into_response(),
    };
    // Every customer the filters match, not just the page shown.
    filter.list.cursor = None;
    filter.list.limit = Limit::parse(EXPORT_PAGE).unwrap_or(Limit::DEFAULT);
    let keys = match state.store.customer_metadata_keys(&tenant, &filter).await {
        Ok(keys) => keys,
        Err(_) => return StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    };
    let export = std::sync::Arc::new(CsvExport::new(keys));
    let header = export.header();
    // Page by page through the list's own index, one page in memory at a time. A failure after
    // the first byte can only cut the download short; the log says why.
    let pages = stream::unfold(
        Some((state.store.clone(), tenant.clone(), filter)),
        move |next| {
            let export = export.clone();
            async move {
                let (store, tenant, mut filter) = next?;
                let page = store.list_customers(&tenant, &filter).await.ok()?;
                let bytes = Bytes::from(export.rows(&page.data));
                let more = page.has_more.then(|| {
                    filter.list.cursor = page
                        .data
                        .last()
                        .map(|last| Cursor::StartingAfter(last.id.clone()));
                    (store, tenant, filter)
                });
                Some((Ok::<_, Infallible>(bytes), more))
            }
        },
    );
    let file = format!(
        "attachment; filename=\"customers-{}-{}.csv\"",
        tenant.mode.as_str(),
        &Timestamp::now().to_string()[..10]
    );
    let body = stream::once(async move { Ok::<_, Infallible>(Bytes::from(header)) }).chain(pages);
    (
        [
            (
                CONTENT_TYPE,
                HeaderValue::from_static("text/csv; charset=utf-8"),
            ),
            (
                CONTENT_DISPOSITION,
                HeaderValue::from_str(&file).unwrap_or(HeaderValue::from_static("attachment")),
            ),
        ],
        Body::from_stream(body),
    )
        .into_response()
}

async fn upload_import(
    State(state): State<AppState>,
    headers: HeaderMap,
    multipart: Multipart,
) -> Response {
    let signed_in = match signed_in(&state.store, &headers).await {
        Ok(signed_in) => signed_in,
        Err(response) => return response,
    };
    let (progress, page) = progress_page("Reading the file…");
    tokio::spawn(async move {
        let outcome = stage_upload(&state.store, &signed_in.tenant(), multipart, &progress).await;
        let end = match outcome {
            Ok(id) => finished(
                &format!("/customers/import/{id}"),
                "The preview is ready.",
                "See the preview",
            ),
            Err(message) => failed(&message),
        };
        let _ = progress.send(end);
    });
    page
}

/// Reads the uploaded file, checks every row and keeps it for the preview; answers its id or
/// why it cannot be imported.
async fn stage_upload(
    store: &Store,
    tenant: &Tenant,
    mut multipart: Multipart,
    progress: &mpsc::UnboundedSender<String>,
) -> Result<String, String> {
    let too_large = || ImportRefused::TooLarge.to_string();
    // Only the body limit makes a file too large; anything else cut the upload short.
    let unreadable = |error: axum::extract::multipart::MultipartError| {
        if error.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
            too_large()
        } else {
            tracing::warn!(%error, "an upload could not be read");
            "The upload did not arrive whole. Please upload the file again.".to_owned()
        }
    };
    let mut file = None;
    while let Some(mut field) = multipart.next_field().await.map_err(unreadable)? {
        if field.name() != Some("file") {
            continue;
        }
        let mut bytes = Vec::new();
        while let Some(chunk) = field.chunk().await.map_err(unreadable)? {
            bytes.extend_from_slice(&chunk);
            if bytes.len() as u64 > MAX_IMPORT_BYTES {
                return Err(too_large());
            }
        }
        file = Some(bytes);
    }
    let file = file.ok_or("Choose a CSV file to upload.")?;
    let text = String::from_utf8(file)
        .map_err(|_| "The file is not UTF-8 text. Save it as “CSV UTF-8” and upload it again.")?;
    // Checking half a million rows takes a while: off the async threads, telling as it goes.
    let reading = progress.clone();
    let (text, checked) = tokio::task::spawn_blocking(move || {
        let checked = read_import(text.as_bytes(), |rows| {
            let _ = reading.send(line(&format!("{} rows read…", grouped(rows))));
        });
        (text, checked)
    })
    .await
    .map_err(|_| "The file could not be read.".to_owned())?;
    let checked = checked.map_err(|refused| refused.to_string())?;
    store
        .stage_import(tenant, text, &checked.summary())
        .await
        .map_err(|error| error.to_string())
}

async fn run_import(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let signed_in = match signed_in(&state.store, &headers).await {
        Ok(signed_in) => signed_in,
        Err(response) => return response,
    };
    let (progress, page) = progress_page("Creating the customers…");
    // Its own task: a browser that goes away does not stop an import half way (it would roll
    // back whole anyway).
    tokio::spawn(async move {
        let writing = progress.clone();
        let outcome = state
            .store
            .run_import(&signed_in.tenant(), &id, |written| {
                let _ = writing.send(line(&format!("{} customers written…", grouped(written))));
            })
            .await;
        let end = match outcome {
            Ok(_) => finished(
                &format!("/customers/import/{id}"),
                "The import is done.",
                "See the result",
            ),
            Err(error) => failed(&error.to_string()),
        };
        let _ = progress.send(end);
    });
    page
}

/// A page that grows while the work goes on: each message is sent as it happens (the browser
/// shows it at once, with or without JavaScript), the last one says where to go next.
fn progress_page(first: &str) -> (mpsc::UnboundedSender<String>, Response) {
    let (sender, receiver) = mpsc::unbounded_channel();
    let head = format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <link rel=\"icon\" href=\"data:,\"><title>Import customers · Shika</title>\
         <link rel=\"stylesheet\" href=\"{}\"></head><body><main class=\"page narrow\">\
         <section class=\"card import\"><h1>Import customers</h1>\
         <div class=\"progress\" role=\"status\" aria-live=\"polite\">{}",
        crate::assets::stylesheet(),
        line(first)
    );
    let messages = stream::unfold(receiver, |mut receiver| async move {
        let message = receiver.recv().await?;
        Some((Ok::<_, Infallible>(Bytes::from(message)), receiver))
    });
    let body = stream::once(async move { Ok(Bytes::from(head)) }).chain(messages);
    let response = (
        [
            (
                CONTENT_TYPE,
                HeaderValue::from_static("text/html; charset=utf-8"),
            ),
            (
                CONTENT_SECURITY_POLICY,
                HeaderValue::from_static(
                    "default-src 'none'; style-src 'self'; img-src data:; frame-ancestors 'none'",
                ),
            ),
            // A compressor would hold the messages back until it had enough to fill a block.
            (
                CACHE_CONTROL,
                HeaderValue::from_static("no-store, no-transform"),
            ),
        ],
        Body::from_stream(body),
    )
        .into_response();
    (sender, response)
}

fn line(text: &str) -> String {
    format!("<p>{}</p>", escape(text))
}

/// The page's end when the work succeeded: the browser moves on by itself (a refresh, no
/// script needed), and a link does the same.
fn finished(next: &str, message: &str, link: &str) -> String {
    format!(
        "</div><meta http-equiv=\"refresh\" content=\"0; url={next}\"><p class=\"notice\">{}</p>\
         <a class=\"button primary\" href=\"{next}\">{}</a></section></main></body></html>",
        escape(message),
        escape(link)
    )
}

fn failed(message: &str) -> String {
    format!(
        "</div><p class=\"form-error\" role=\"alert\">{}</p>\
         <a class=\"button secondary\" href=\"/customers/import\">Upload another file</a>\
         </section></main></body></html>",
        escape(message)
    )
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}
