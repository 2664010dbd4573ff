//! The Content-Security-Policy of PayTrack's pages. Scripts run only from PayTrack itself or
//! with the page's nonce (Leptos puts it on its hydration scripts), plus WebAssembly; styles
//! may be inline (the emails previewed in sandboxed frames style themselves inline). When the
//! Crisp support chat is configured, exactly Crisp's origins are added, as Crisp documents
//! them; otherwise no third-party origin is allowed at all.

/// Crisp's origins per directive (docs.crisp.chat, "Crisp Domain Names").
const CRISP: &[(&str, &str)] = &[
    ("script-src", "https://client.crisp.chat"),
    ("style-src", "https://client.crisp.chat"),
    (
        "img-src",
        "https://client.crisp.chat https://image.crisp.chat https://storage.crisp.chat",
    ),
    ("font-src", "https://client.crisp.chat"),
    (
        "connect-src",
        "https://client.crisp.chat https://storage.crisp.chat wss://client.relay.crisp.chat wss://stream.relay.crisp.chat",
    ),
    ("media-src", "https://client.crisp.chat"),
    ("frame-src", "https://game.crisp.chat"),
    ("worker-src", "blob: https://client.crisp.chat"),
];

/// The policy for a page rendered with `nonce`.
pub fn policy(nonce: &str, crisp: bool) -> String {
    let script = format!("'self' 'nonce-{nonce}' 'wasm-unsafe-eval'");
    let directives: [(&str, &str); 9] = [
        ("default-src", "'self'"),
        ("script-src", &script),
        ("style-src", "'self' 'unsafe-inline'"),
        // Google profile pictures; data: for small inline images.
        ("img-src", "'self' data: https://*.googleusercontent.com"),
        ("font-src", "'self'"),
        ("connect-src", "'self'"),
        ("media-src", "'self'"),
        ("frame-src", "'self'"),
        ("worker-src", "'self'"),
    ];
    let mut parts: Vec<String> = directives
        .iter()
        .map(|(name, sources)| {
            let extra = CRISP
                .iter()
                .filter(|(directive, _)| crisp && directive == name)
                .map(|(_, origins)| format!(" {origins}"))
                .collect::<String>();
            format!("{name} {sources}{extra}")
        })
        .collect();
    parts.extend([
        "object-src 'none'".to_string(),
        "base-uri 'self'".to_string(),
        // Every form posts to PayTrack (Google sign-in and Stripe are links and script
        // navigations, not form posts).
        "form-action 'self'".to_string(),
        "frame-ancestors 'none'".to_string(),
    ]);
    parts.join("; ")
}

/// Sets the policy on the page being rendered (called from the shell, on the server).
pub fn set_for_page() {
    use leptos::prelude::use_context;
    let (Some(nonce), Some(response), Some(state)) = (
        leptos::nonce::use_nonce(),
        use_context::<leptos_axum::ResponseOptions>(),
        use_context::<crate::server::state::AppState>(),
    ) else {
        return;
    };
    let crisp = state.config.crisp_website_id.is_some();
    if let Ok(value) = axum::http::HeaderValue::from_str(&policy(&nonce, crisp)) {
        response.insert_header(axum::http::header::CONTENT_SECURITY_POLICY, value);
    }
}

#[cfg(test)]
mod tests {
    use super::policy;

    #[test]
    fn without_crisp_no_third_party_origin_is_allowed() {
        let csp = policy("abc123", false);
        assert!(
            csp.contains("script-src 'self' 'nonce-abc123' 'wasm-unsafe-eval';"),
            "{csp}"
        );
        assert!(!csp.contains("crisp"), "{csp}");
        assert!(csp.contains("object-src 'none'"));
        assert!(csp.contains("form-action 'self';"), "{csp}");
        assert!(csp.contains("frame-ancestors 'none'"));
    }

    #[test]
    fn with_crisp_exactly_its_origins_are_added() {
        let csp = policy("n", true);
        assert!(
            csp.contains(
                "script-src 'self' 'nonce-n' 'wasm-unsafe-eval' https://client.crisp.chat;"
            ),
            "{csp}"
        );
        assert!(csp.contains("connect-src 'self' https://client.crisp.chat https://storage.crisp.chat wss://client.relay.crisp.chat wss://stream.relay.crisp.chat;"));
        assert!(csp.contains("worker-src 'self' blob: https://client.crisp.chat"));
        assert!(!csp.contains("*.crisp.chat"), "no wildcard: {csp}");
    }
}
