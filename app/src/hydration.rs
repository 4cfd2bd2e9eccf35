//! When a page is live: the islands hydrate one by one (the lazy ones once their code has
//! arrived), and the document is marked `data-hydrated` when the last of them has, for styles
//! that differ before (`needs-js`) and for tests that must not click before the page can answer.

/// Starts counting the page's islands; a page without any is live at once.
pub fn start() {
    #[cfg(feature = "hydrate")]
    {
        let islands = leptos::prelude::document()
            .query_selector_all("leptos-island")
            .map_or(0, |found| found.length() as usize);
        counting::ISLANDS.set(islands);
        counting::mark_if_all_ready();
    }
}

/// Called at the end of every island's body, in the browser as its hydration begins.
pub fn island_ready() {
    #[cfg(feature = "hydrate")]
    {
        counting::READY.set(counting::READY.get() + 1);
        counting::mark_if_all_ready();
    }
}

/// Runs `then` in the browser once the page is live (never on the server): for an island whose
/// islands inside must first hydrate as the server rendered them.
pub fn when_live(then: impl FnOnce() + 'static) {
    #[cfg(feature = "hydrate")]
    {
        counting::WAITING.with_borrow_mut(|waiting| waiting.push(Box::new(then)));
        counting::mark_if_all_ready();
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = then;
}

#[cfg(feature = "hydrate")]
mod counting {
    //! The count of the page's islands and of those that have run (the browser has one thread).

    use std::cell::{Cell, RefCell};

    use leptos::prelude::{document, set_timeout};

    thread_local! {
        pub static ISLANDS: Cell<usize> = const { Cell::new(usize::MAX) };
        pub static READY: Cell<usize> = const { Cell::new(0) };
        pub static WAITING: RefCell<Vec<Box<dyn FnOnce()>>> = const { RefCell::new(Vec::new()) };
    }

    pub fn mark_if_all_ready() {
        if READY.get() >= ISLANDS.get() {
            // An island's body runs just before its hydration, in the same task: a timer runs
            // after both.
            set_timeout(
                || {
                    if let Some(root) = document().document_element() {
                        let _ = root.set_attribute("data-hydrated", "");
                    }
                    for then in WAITING.take() {
                        then();
                    }
                },
                std::time::Duration::ZERO,
            );
        }
    }
}
