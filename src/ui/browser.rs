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

/// Whether the main pointer is a finger (phones, tablets): there is no hovering over a
/// control before the tap that uses it.
pub fn touch_first() -> bool {
    cfg!(feature = "hydrate")
        && web_sys::window()
            .and_then(|w| w.match_media("(pointer: coarse)").ok().flatten())
            .is_some_and(|query| query.matches())
}

/// Marks the page as interactive (`<body data-hydrated>`) once the view calling this has
/// hydrated, so tests can tell a server-rendered page from one whose WebAssembly has taken
/// over. A page's data view calls it when built, since it sits inside `<Suspense>` and
/// hydrates after the rest; a page without one (the landing, pricing, sign-in and legal pages)
/// calls it at its top. An effect runs in the browser only, after hydration.
pub fn mark_hydrated_when_built() {
    leptos::prelude::Effect::new(|_| mark_hydrated());
}

fn mark_hydrated() {
    if cfg!(feature = "hydrate")
        && let Some(body) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.body())
    {
        let _ = body.set_attribute("data-hydrated", "true");
    }
}

#[cfg(feature = "hydrate")]
thread_local! {
    /// The page's "may I leave?" check, consulted by the one link listener below.
    static LEAVE_CHECK: std::cell::RefCell<Option<Box<dyn Fn() -> bool>>> =
        const { std::cell::RefCell::new(None) };
    static LINK_LISTENER: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// While `has_unsaved_changes()` is true, clicking any link (in-app navigation never fires
/// `beforeunload`) first asks whether to leave. The check lasts until the calling component
/// is cleaned up.
pub fn guard_links(has_unsaved_changes: impl Fn() -> bool + 'static, question: &'static str) {
    #[cfg(feature = "hydrate")]
    {
        use leptos::prelude::on_cleanup;
        use web_sys::wasm_bindgen::JsCast;
        use web_sys::wasm_bindgen::closure::Closure;

        LEAVE_CHECK.with(|check| {
            *check.borrow_mut() = Some(Box::new(move || {
                !has_unsaved_changes() || confirm(question)
            }))
        });
        on_cleanup(|| LEAVE_CHECK.with(|check| *check.borrow_mut() = None));
        if LINK_LISTENER.with(|installed| installed.replace(true)) {
            return;
        }
        // Capture phase, so it runs before the router's own click handler can navigate.
        let listener = Closure::<dyn FnMut(web_sys::MouseEvent)>::new(|ev: web_sys::MouseEvent| {
            let on_link = ev
                .target()
                .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
                .and_then(|el| el.closest("a[href]").ok().flatten())
                .is_some();
            let stay = on_link
                && LEAVE_CHECK.with(|check| {
                    check
                        .borrow()
                        .as_ref()
                        .is_some_and(|may_leave| !may_leave())
                });
            if stay {
                ev.prevent_default();
                ev.stop_immediate_propagation();
            }
        });
        if let Some(window) = web_sys::window() {
            let _ = window.add_event_listener_with_callback_and_bool(
                "click",
                listener.as_ref().unchecked_ref(),
                true,
            );
        }
        // Installed once for the life of the page.
        listener.forget();
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (has_unsaved_changes, question);
}

/// Opens Crisp's support chat, loading it on first use and telling it who is writing. Until
/// the user asks for help nothing of Crisp is loaded: no request to Crisp, no Crisp cookie.
/// Crisp's script comes from its own origin (the page's Content-Security-Policy allows exactly
/// Crisp's origins when a website id is configured).
#[cfg(feature = "hydrate")]
pub fn open_support_chat(website_id: &str, email: &str, name: &str) {
    use js_sys::{Array, Reflect};
    use wasm_bindgen::JsValue;

    let Some(window) = web_sys::window() else {
        return;
    };
    let open: JsValue = Array::of2(&"do".into(), &"chat:open".into()).into();
    if crisp_push(&window, &open) {
        return;
    }
    let command = |key: &str, value: &str| -> JsValue {
        Array::of3(&"set".into(), &key.into(), &Array::of1(&value.into())).into()
    };
    let queue = Array::of3(
        &command("user:email", email),
        &command("user:nickname", name),
        &open,
    );
    let _ = Reflect::set(&window, &"$crisp".into(), &queue);
    let _ = Reflect::set(
        &window,
        &"CRISP_WEBSITE_ID".into(),
        &JsValue::from_str(website_id),
    );
    // Crisp's cookies go on this host, not the parent domain, so a sign-out can find them.
    if let Ok(host) = window.location().hostname() {
        let _ = Reflect::set(
            &window,
            &"CRISP_COOKIE_DOMAIN".into(),
            &JsValue::from_str(&host),
        );
    }
    let Some(document) = window.document() else {
        return;
    };
    if let (Ok(script), Some(body)) = (document.create_element("script"), document.body()) {
        let _ = script.set_attribute("src", "https://client.crisp.chat/l.js");
        let _ = script.set_attribute("async", "");
        let _ = body.append_child(&script);
    }
}

#[cfg(not(feature = "hydrate"))]
pub fn open_support_chat(_website_id: &str, _email: &str, _name: &str) {}

/// Gives Crisp a command when it is on the page; false when it is not.
#[cfg(feature = "hydrate")]
fn crisp_push(window: &web_sys::Window, command: &wasm_bindgen::JsValue) -> bool {
    use wasm_bindgen::JsCast;
    let Ok(crisp) = js_sys::Reflect::get(window, &"$crisp".into()) else {
        return false;
    };
    if crisp.is_undefined() || crisp.is_null() {
        return false;
    }
    js_sys::Reflect::get(&crisp, &"push".into())
        .ok()
        .and_then(|push| push.dyn_into::<js_sys::Function>().ok())
        .is_some_and(|push| push.call1(&crisp, command).is_ok())
}

/// Ends this browser's Crisp conversation before the user signs out (or deletes their
/// account), so whoever uses the browser next does not see it. When the chat is on the page,
/// Crisp resets its session; either way its cookies and stored state go, because the chat may
/// have been opened before the last full page load and left its session behind.
pub fn reset_support_chat() {
    #[cfg(feature = "hydrate")]
    if let Some(window) = web_sys::window() {
        let reset: wasm_bindgen::JsValue =
            js_sys::Array::of2(&"do".into(), &"session:reset".into()).into();
        crisp_push(&window, &reset);
        forget_support_chat(&window);
    }
}

/// Crisp keeps its session in cookies and local storage entries named `crisp-client…`.
#[cfg(feature = "hydrate")]
fn forget_support_chat(window: &web_sys::Window) {
    use wasm_bindgen::JsCast;
    const CRISP: &str = "crisp-client";
    if let Some(document) = window
        .document()
        .and_then(|d| d.dyn_into::<web_sys::HtmlDocument>().ok())
    {
        let host = window.location().hostname().unwrap_or_default();
        let cookies = document.cookie().unwrap_or_default();
        let names = cookies
            .split(';')
            .filter_map(|pair| pair.split('=').next())
            .map(str::trim)
            .filter(|name| name.starts_with(CRISP));
        for name in names {
            // A cookie is deleted only under the domain it was set with: host-only or this host.
            let expired = format!("{name}=; Max-Age=0; Path=/");
            let _ = document.set_cookie(&expired);
            let _ = document.set_cookie(&format!("{expired}; Domain={host}"));
        }
    }
    if let Ok(Some(storage)) = window.local_storage() {
        let length = storage.length().unwrap_or(0);
        let keys: Vec<String> = (0..length)
            .filter_map(|i| storage.key(i).ok().flatten())
            .filter(|key| key.starts_with(CRISP))
            .collect();
        for key in keys {
            let _ = storage.remove_item(&key);
        }
    }
}

/// Sends the browser to `url` (a page Stripe gave: Checkout or the customer portal).
pub fn go_to(url: &str) {
    if let Some(window) = web_sys::window() {
        let _ = window.location().set_href(url);
    }
}

/// Sends the file chosen in the input with id `input_id` to `url` as the request body.
/// Resolves to the server's text answer, or to a sentence saying what went wrong (the
/// server's own, when it gave one).
#[cfg(feature = "hydrate")]
pub async fn upload_file(input_id: &str, url: &str) -> Result<String, String> {
    use wasm_bindgen::JsCast;
    use wasm_bindgen_futures::JsFuture;

    let offline = || "Couldn't reach PayTrack. Check your connection and try again.".to_string();
    let window = web_sys::window().ok_or_else(offline)?;
    let file = window
        .document()
        .and_then(|d| d.get_element_by_id(input_id))
        .and_then(|e| e.dyn_into::<web_sys::HtmlInputElement>().ok())
        .and_then(|input| input.files())
        .and_then(|files| files.get(0))
        .ok_or_else(|| "Choose an image file first.".to_string())?;
    let init = web_sys::RequestInit::new();
    init.set_method("POST");
    init.set_body(&file);
    let request = web_sys::Request::new_with_str_and_init(url, &init).map_err(|_| offline())?;
    let headers = request.headers();
    let _ = headers.set("accept", "text/plain");
    if !file.type_().is_empty() {
        let _ = headers.set("content-type", &file.type_());
    }
    let response: web_sys::Response = JsFuture::from(window.fetch_with_request(&request))
        .await
        .map_err(|_| offline())?
        .dyn_into()
        .map_err(|_| offline())?;
    let text = match response.text() {
        Ok(promise) => JsFuture::from(promise)
            .await
            .ok()
            .and_then(|t| t.as_string())
            .unwrap_or_default(),
        Err(_) => String::new(),
    };
    if response.ok() {
        Ok(text)
    } else if text.is_empty() || text.len() > 300 {
        Err("The upload failed. Please try again.".to_string())
    } else {
        Err(text)
    }
}

#[cfg(not(feature = "hydrate"))]
pub async fn upload_file(_input_id: &str, _url: &str) -> Result<String, String> {
    Err("Uploading needs the page's script.".to_string())
}

/// The text of the file chosen in the input with id `input_id` (a CSV to import): UTF-8, or
/// else Windows-1252, which spreadsheets still write their plain "CSV" in across Western
/// Europe and the Americas (read as UTF-8, every "ü" and "é" would arrive as "�").
#[cfg(feature = "hydrate")]
pub async fn read_chosen_file(input_id: &str) -> Result<String, String> {
    use wasm_bindgen::JsCast;
    let file = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(input_id))
        .and_then(|e| e.dyn_into::<web_sys::HtmlInputElement>().ok())
        .and_then(|input| input.files())
        .and_then(|files| files.get(0))
        .ok_or_else(|| "Choose a CSV file first.".to_string())?;
    let unreadable = || "That file could not be read as text.".to_string();
    let buffer = wasm_bindgen_futures::JsFuture::from(file.array_buffer())
        .await
        .map_err(|_| unreadable())?;
    let bytes = js_sys::Uint8Array::new(&buffer).to_vec();
    match String::from_utf8(bytes) {
        Ok(text) => Ok(text),
        Err(not_utf8) => web_sys::TextDecoder::new_with_label("windows-1252")
            .and_then(|decoder| decoder.decode_with_u8_array(not_utf8.as_bytes()))
            .map_err(|_| unreadable()),
    }
}

#[cfg(not(feature = "hydrate"))]
pub async fn read_chosen_file(_input_id: &str) -> Result<String, String> {
    Err("Reading a file needs the page's script.".to_string())
}
