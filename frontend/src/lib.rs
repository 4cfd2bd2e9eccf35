//! The browser entry point: starts the reactive runtime for the `app` crate's islands, the only
//! parts of a page that run in the browser (the island script then hydrates each of them).

// Links the islands' exported hydrate functions into this bundle.
use app as _;
use leptos::prelude::{document, set_timeout};

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_islands();
    // Marks the document as live, for styles that differ before hydration and for tests that
    // must not click before the page can answer. The island script hydrates the islands right
    // after this call, in promise callbacks only; a timer runs after all of them.
    set_timeout(
        || {
            if let Some(root) = document().document_element() {
                let _ = root.set_attribute("data-hydrated", "");
            }
        },
        std::time::Duration::ZERO,
    );
}
