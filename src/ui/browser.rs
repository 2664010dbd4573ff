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
