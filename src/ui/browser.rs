//! Facts only the browser knows.

/// The IANA time zone the browser runs in (e.g. "Europe/Paris"), once hydrated.
#[cfg(feature = "hydrate")]
pub fn time_zone() -> Option<String> {
    let format = js_sys::Intl::DateTimeFormat::new(&js_sys::Array::new(), &js_sys::Object::new());
    let options = format.resolved_options();
    js_sys::Reflect::get(&options, &"timeZone".into())
        .ok()
        .and_then(|zone| zone.as_string())
}

#[cfg(not(feature = "hydrate"))]
pub fn time_zone() -> Option<String> {
    None
}

/// Puts `text` on the clipboard; false when the browser refuses (then the page selects the
/// text for the user to copy).
pub fn copy_to_clipboard(text: &str) -> bool {
    match web_sys::window() {
        Some(window) if cfg!(feature = "hydrate") => {
            let _ = window.navigator().clipboard().write_text(text);
            true
        }
        _ => false,
    }
}

/// Opens the browser's print dialog (the print stylesheet makes the invoice a clean page).
pub fn print_page() {
    if cfg!(feature = "hydrate")
        && let Some(window) = web_sys::window()
    {
        let _ = window.print();
    }
}

/// Asks a yes/no question; on the server (never reached) and when dialogs are blocked, no.
pub fn confirm(message: &str) -> bool {
    cfg!(feature = "hydrate")
        && web_sys::window()
            .and_then(|w| w.confirm_with_message(message).ok())
            .unwrap_or(false)
}

/// Moves keyboard focus to the element with `id`, if it is on the page.
pub fn focus(id: &str) {
    use web_sys::wasm_bindgen::JsCast;
    if cfg!(feature = "hydrate")
        && let Some(element) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.get_element_by_id(id))
            .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
    {
        let _ = element.focus();
    }
}

/// Marks the page as interactive (`<body data-hydrated>`), so tests can tell a server-rendered
/// page from one whose WebAssembly has taken over. Called from an `Effect` (browser only) when
/// a page's data view is built: it sits inside `<Suspense>` and hydrates after the rest.
pub fn mark_hydrated() {
    if cfg!(feature = "hydrate")
        && let Some(body) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.body())
    {
        let _ = body.set_attribute("data-hydrated", "true");
    }
}
