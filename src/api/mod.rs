//! Server functions, one module per area. Each is a public HTTP endpoint: it authenticates and
//! authorizes by itself, calls the domain, and reaches MongoDB only through `server::db`.

pub mod site;

#[cfg(feature = "ssr")]
mod ssr {
    use leptos::prelude::use_context;
    use leptos_axum::ResponseOptions;

    use crate::error::AppError;
    use crate::server::state::AppState;

    /// The server state provided to every server function by the router.
    pub fn state() -> Result<AppState, AppError> {
        use_context::<AppState>().ok_or_else(|| {
            tracing::error!("server function called without AppState in context");
            AppError::Internal
        })
    }

    /// Sets the response status that matches `err` and hands the error back for `?`.
    pub fn fail(err: AppError) -> AppError {
        if let Some(response) = use_context::<ResponseOptions>()
            && let Ok(status) = axum::http::StatusCode::from_u16(err.status_code())
        {
            response.set_status(status);
        }
        err
    }
}
