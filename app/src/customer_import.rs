//! `/customers/import` and `/customers/import/:id`: uploading a CSV file of customers, its
//! preview (what will be created, every invalid row by line), and the result of importing it.
//! The upload and the import itself are plain form posts to the server's own routes (they
//! stream progress while they work), so both work with and without JavaScript.

use domain::customer_csv::StagedImport;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

use crate::error::AppError;
use crate::layout::ModeVersion;
use crate::ui::{grouped, set_status_not_found};

#[server(endpoint = "load_import")]
pub async fn load_import(id: String) -> Result<StagedImport, AppError> {
    crate::error::respond(
        async move {
            let (signed_in, _) = crate::session::server::signed_in().await?;
            Ok(crate::error::store()?
                .find_import(&signed_in.tenant(), &id)
                .await?)
        }
        .await,
    )
}

#[component]
pub fn ImportPage() -> impl IntoView {
    view! {
        <Title text="Import customers"/>
        <div class="page-head">
            <h1>"Import customers"</h1>
            <A href="/customers">"Back to customers"</A>
        </div>
        <section class="card import">
            <p>
                "Upload a CSV file with a header line naming its columns: "
                <code>"email"</code>", "<code>"name"</code>", "<code>"phone"</code>
                " and one " <code>"metadata[key]"</code>
                " column per metadata key — the columns of " <strong>"Export CSV"</strong>
                " (its " <code>"id"</code>", "<code>"created_at"</code>" and "
                <code>"updated_at"</code> " are ignored: imported customers are new ones). "
                "The first row becomes the newest customer, as in the list. Up to 50 MB or "
                "500,000 rows. Nothing is created until you have seen the preview."
            </p>
            <form method="post" action="/customers/import/upload" enctype="multipart/form-data" class="stack">
                <div class="field">
                    <label for="import-file">"CSV file"</label>
                    <input id="import-file" type="file" name="file" accept=".csv,text/csv" required/>
                </div>
                <div>
                    <button type="submit" class="primary">"Preview"</button>
                </div>
            </form>
        </section>
    }
}

#[component]
pub fn ImportPreviewPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").unwrap_or_default());
    let staged = Resource::new(
        move || (id(), ModeVersion::track()),
        |(id, _)| load_import(id),
    );
    view! {
        <Title text="Import customers"/>
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match staged.await {
                    Ok(staged) => view! { <Preview staged/> }.into_any(),
                    Err(error) if error.is_not_found() => view! { <NotFoundImport/> }.into_any(),
                    Err(error) => view! { <p class="form-error" role="alert">{error.to_string()}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn NotFoundImport() -> impl IntoView {
    set_status_not_found();
    view! {
        <section class="card not-found">
            <h1>"Import not found"</h1>
            <p>"There is no import at this address in the current mode. Uploads are kept for a day."</p>
            <a href="/customers/import">"Upload a file"</a>
        </section>
    }
}

fn customers(count: usize) -> String {
    match count {
        1 => "1 customer".into(),
        n => format!("{} customers", grouped(n)),
    }
}

#[component]
fn Preview(staged: StagedImport) -> impl IntoView {
    let summary = staged.summary;
    if let Some(imported) = staged.imported {
        let imported = usize::try_from(imported).unwrap_or_default();
        return view! {
            <div class="page-head"><h1>"Import customers"</h1></div>
            <section class="card import">
                <p class="notice" role="status">{format!("Imported {}.", customers(imported))}</p>
                <a class="button primary" href="/customers">"Go to customers"</a>
            </section>
        }
        .into_any();
    }
    let problems = (summary.invalid > 0).then(|| {
        let listed = summary.problems.len();
        let more = summary.invalid - listed;
        let items = summary
            .problems
            .iter()
            .map(|problem| {
                view! {
                    <li>
                        {if problem.line == 1 { "Header".to_owned() } else { format!("Line {}", problem.line) }}
                        ": " {problem.message.clone()}
                    </li>
                }
            })
            .collect_view();
        view! {
            <section class="card import" aria-labelledby="problems">
                <h2 id="problems">
                    {match summary.invalid {
                        1 => "1 row cannot be imported".to_owned(),
                        n => format!("{} rows cannot be imported", grouped(n)),
                    }}
                </h2>
                <p>"Nothing is imported while any row is invalid: fix these in the file and upload it again."</p>
                <ul class="problems">{items}</ul>
                {(more > 0).then(|| view! { <p>{format!("…and {} more.", grouped(more))}</p> })}
                <a class="button secondary" href="/customers/import">"Upload another file"</a>
            </section>
        }
    });
    let creatable = summary.creatable();
    let shown = summary.preview.len();
    let rows = summary
        .preview
        .into_iter()
        .map(|row| {
            let metadata = row
                .metadata
                .iter()
                .map(|(key, value)| format!("{key}: {value}"))
                .collect::<Vec<_>>()
                .join(", ");
            view! {
                <tr>
                    <td>{row.name.unwrap_or_default()}</td>
                    <td>{row.email.unwrap_or_default()}</td>
                    <td>{row.phone.unwrap_or_default()}</td>
                    <td>{metadata}</td>
                </tr>
            }
        })
        .collect_view();
    let action = format!("/customers/import/{}/run", staged.id);
    view! {
        <div class="page-head">
            <h1>"Import customers"</h1>
            <a href="/customers/import">"Upload another file"</a>
        </div>
        {problems}
        <section class="card import" aria-labelledby="preview">
            <h2 id="preview">"Preview"</h2>
            <p>
                {if creatable > 0 {
                    format!("{} will be created.", customers(creatable))
                } else {
                    format!("{} read.", match summary.rows { 1 => "1 row".to_owned(), n => format!("{} rows", grouped(n)) })
                }}
                {(creatable > shown).then_some(" The first 10, as they will be:")}
            </p>
            <div class="table-wrap">
                <table>
                    <thead><tr><th scope="col">"Name"</th><th scope="col">"Email"</th><th scope="col">"Phone"</th><th scope="col">"Metadata"</th></tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
            {(creatable > 0).then(|| view! {
                <form method="post" action=action>
                    <button type="submit" class="primary">{format!("Import {}", customers(creatable))}</button>
                </form>
            })}
        </section>
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_of_customers_read_as_sentences() {
        assert_eq!(customers(1), "1 customer");
        assert_eq!(customers(2_500), "2,500 customers");
    }
}
