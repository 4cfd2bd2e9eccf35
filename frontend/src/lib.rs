//! The browser entry point: starts the reactive runtime for the `app` crate's islands, the only
//! parts of a page that run in the browser (the island script then hydrates each of them, and
//! loads the code of each lazy one first).

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_islands();
    app::hydration::start();
}
