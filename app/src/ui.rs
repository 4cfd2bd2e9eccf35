//! Small pieces every page uses: form fields with their errors, submit buttons that show they
//! are busy, dates, and the not-found status.

use leptos::prelude::*;

/// Answers the current server render with 404 (nothing happens in the browser).
pub fn set_status_not_found() {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::NOT_FOUND);
    }
}

/// A labelled input with the error that concerns it, announced to screen readers.
#[component]
pub fn Field(
    label: &'static str,
    id: &'static str,
    name: &'static str,
    #[prop(default = "text")] kind: &'static str,
    #[prop(optional, into)] value: String,
    #[prop(optional)] autocomplete: Option<&'static str>,
    #[prop(optional)] required: bool,
    #[prop(into)] error: Signal<Option<String>>,
) -> impl IntoView {
    let error_id = format!("{id}-error");
    let described = error_id.clone();
    view! {
        <div class="field" class:has-error=move || error.get().is_some()>
            <label for=id>{label}</label>
            <input
                id=id
                name=name
                type=kind
                value=value
                autocomplete=autocomplete
                required=required
                aria-invalid=move || error.get().is_some().to_string()
                aria-describedby=move || error.get().map(|_| described.clone())
            />
            <Show when=move || error.get().is_some()>
                <p class="field-error" id=error_id.clone() role="alert">{move || error.get()}</p>
            </Show>
        </div>
    }
}

/// A submit button that says it is busy while its action runs.
#[component]
pub fn Submit(
    label: &'static str,
    #[prop(into)] pending: Signal<bool>,
    #[prop(default = "primary")] class: &'static str,
) -> impl IntoView {
    view! {
        <button type="submit" class=class aria-busy=move || pending.get().to_string() disabled=move || pending.get()>
            {label}
        </button>
    }
}

/// A message for the whole form (not one field).
#[component]
pub fn FormError(#[prop(into)] error: Signal<Option<String>>) -> impl IntoView {
    view! {
        <Show when=move || error.get().is_some()>
            <p class="form-error" role="alert">{move || error.get()}</p>
        </Show>
    }
}

/// A secret just made, shown this once with a button that copies it.
#[component]
pub fn RevealedSecret(secret: String, what: &'static str, label: &'static str) -> impl IntoView {
    view! {
        <section class="card revealed" role="status" aria-label=label>
            <p><strong>{format!("Copy your new {what} now.")}</strong> " It is shown only this once."</p>
            <p class="secret"><code data-testid="new-secret">{secret.clone()}</code>
                <CopyButton text=secret label="Copy".to_owned() class="secondary".to_owned()/>
            </p>
        </section>
    }
}

/// A button that puts `text` on the clipboard and says so. Hidden without JavaScript (the
/// `needs-js` class), where it could do nothing.
#[island(lazy)]
pub fn CopyButton(text: String, label: String, class: String) -> impl IntoView {
    let copied = RwSignal::new(false);
    let copy = move |_| {
        #[cfg(feature = "hydrate")]
        {
            let _ = window().navigator().clipboard().write_text(&text);
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = &text;
        copied.set(true);
    };
    crate::hydration::island_ready();
    view! {
        <button type="button" class=format!("{class} needs-js") on:click=copy>
            {move || if copied.get() { "Copied".to_owned() } else { label.clone() }}
        </button>
    }
}

/// Reads what an island shows again, with `load`, each time `changed` changes (an action on the
/// page ran); a failed read keeps what is shown.
pub fn reload_when<K, T, F>(
    changed: impl Fn() -> K + 'static,
    shown: RwSignal<T>,
    load: impl Fn() -> F + Clone + 'static,
) where
    K: Clone + PartialEq + 'static,
    T: Send + Sync + 'static,
    F: std::future::Future<Output = Result<T, crate::error::AppError>> + 'static,
{
    Effect::watch(
        changed,
        move |_, _, _| {
            let load = load.clone();
            leptos::task::spawn_local(async move {
                if let Ok(value) = load().await {
                    shown.set(value);
                }
            });
        },
        false,
    );
}

/// `2024-01-15 10:00 UTC`
pub fn date_time(at: domain::Timestamp) -> String {
    let text = at.to_string();
    format!("{} {} UTC", &text[..10], &text[11..16])
}

/// A count as people read it: `12,345`.
pub fn grouped(number: usize) -> String {
    let digits = number.to_string();
    let mut out = String::new();
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

#[cfg(test)]
mod grouped_tests {
    use super::grouped;

    #[test]
    fn numbers_are_grouped_by_thousands() {
        assert_eq!(grouped(7), "7");
        assert_eq!(grouped(1_000), "1,000");
        assert_eq!(grouped(500_000), "500,000");
        assert_eq!(grouped(1_234_567), "1,234,567");
    }
}
