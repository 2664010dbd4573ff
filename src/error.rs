//! The one error type server functions return. Its message is written for the person using
//! PayTrack; causes (driver errors, stack of contexts) go to the server log, never to the browser.

use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

use crate::browser_json::BrowserJsonEncoding;

mod request_words;

pub use request_words::MAX_REQUEST_BYTES;
use request_words::for_people;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
pub enum AppError {
    /// The database did not answer in time; retrying later will likely work.
    #[error("PayTrack can't reach its database right now. Please try again in a moment.")]
    Unavailable,
    /// Something unexpected failed on the server; details are in the server log only.
    #[error(
        "Something went wrong on our side. Please try again; if it keeps happening, contact support."
    )]
    Internal,
    /// The request never reached PayTrack or its answer never came back.
    #[error("Couldn't reach PayTrack. Check your connection and try again.")]
    Network,
    /// The caller is not signed in (or the session has ended).
    #[error("Please sign in to continue.")]
    Unauthorized,
    /// The thing asked for does not exist, or belongs to someone else (said the same way, so
    /// ids of other users' data reveal nothing).
    #[error("{0}")]
    NotFound(String),
    /// The request was understood but cannot be carried out; the message says why and what to do.
    #[error("{0}")]
    Rejected(String),
    /// Too many attempts in a short time; the message says when to try again, and the number
    /// is the seconds to wait (sent as `Retry-After`).
    #[error("{0}")]
    TooManyRequests(String, u64),
    /// The Free plan does not allow this; the message says which limit. The page offers the
    /// upgrade (`/billing`).
    #[error("{0}")]
    PlanLimit(String),
    /// The request itself was malformed (bad arguments, unknown endpoint).
    #[error("PayTrack couldn't understand that request: {0}")]
    BadRequest(String),
    /// The request, or the file it carries, is larger than PayTrack reads; the message says the
    /// most it takes. Nothing was read past the limit, so nothing changed.
    #[error("{0}")]
    TooLarge(String),
}

/// What a list says of a page cursor it cannot read (`AppError::stale_page`).
pub const STALE_PAGE: &str = "That page link is out of date; start again from the first page.";

impl AppError {
    /// `what` does not exist or is not the caller's: said the same way for both.
    pub fn not_found(what: &str) -> AppError {
        AppError::NotFound(format!(
            "That {what} doesn't exist, or it isn't in your account."
        ))
    }

    /// A page cursor (the next page of a list) that PayTrack did not make, or that no longer
    /// reads: the list starts again from its first page.
    pub fn stale_page() -> AppError {
        AppError::BadRequest(STALE_PAGE.to_string())
    }

    /// The HTTP status a server function answers with when it fails with this error.
    pub fn status_code(&self) -> u16 {
        match self {
            AppError::Unavailable => 503,
            AppError::Internal => 500,
            AppError::Network => 502,
            AppError::BadRequest(_) => 400,
            AppError::Unauthorized => 401,
            AppError::NotFound(_) => 404,
            AppError::Rejected(_) => 422,
            AppError::TooManyRequests(..) => 429,
            AppError::PlanLimit(_) => 402,
            AppError::TooLarge(_) => 413,
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = BrowserJsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            ServerFnErrorErr::Request(_) | ServerFnErrorErr::Response(_) => AppError::Network,
            // On the server these are a request body that does not decode into the arguments.
            ServerFnErrorErr::Args(msg)
            | ServerFnErrorErr::MissingArg(msg)
            | ServerFnErrorErr::Deserialization(msg) => unreadable(&msg),
            ServerFnErrorErr::UnsupportedRequestMethod(msg) => AppError::BadRequest(msg),
            ServerFnErrorErr::Registration(_) => {
                AppError::BadRequest("no such server function".to_string())
            }
            ServerFnErrorErr::Serialization(_)
            | ServerFnErrorErr::ServerError(_)
            | ServerFnErrorErr::MiddlewareError(_) => AppError::Internal,
        }
    }
}

/// Arguments the decoder could not read: cut off at the size limit, or not what was asked for.
fn unreadable(decoder_said: &str) -> AppError {
    if request_words::cut_off_at_the_limit(decoder_said) {
        AppError::TooLarge(request_words::too_large())
    } else {
        AppError::BadRequest(for_people(decoder_said))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transport_failures_read_as_network_problems() {
        let err = AppError::from_server_fn_error(ServerFnErrorErr::Request("refused".into()));
        assert_eq!(err, AppError::Network);
        assert_eq!(err.status_code(), 502);
    }

    #[test]
    fn server_side_details_never_reach_the_message() {
        let err = AppError::from_server_fn_error(ServerFnErrorErr::ServerError(
            "mongodb://admin:hunter2@db".into(),
        ));
        assert!(!err.to_string().contains("hunter2"));
        assert_eq!(err.status_code(), 500);
    }

    #[test]
    fn bad_arguments_say_what_was_wrong() {
        let err =
            AppError::from_server_fn_error(ServerFnErrorErr::Args("missing field `x`".into()));
        assert_eq!(err.status_code(), 400);
        assert!(err.to_string().contains("“x” is missing"), "{err}");
    }

    #[test]
    fn a_request_over_the_size_limit_says_so() {
        let err = AppError::from_server_fn_error(ServerFnErrorErr::Deserialization(
            "length limit exceeded".into(),
        ));
        assert_eq!(err.status_code(), 413);
        assert_eq!(
            err.to_string(),
            "That request is larger than the 2 MB PayTrack accepts."
        );
    }

    #[test]
    fn a_value_that_is_not_a_choice_is_named_with_the_choices() {
        let err = AppError::from_server_fn_error(ServerFnErrorErr::Deserialization(
            "unknown variant `cheque`, expected `payment_link` or `hosted_invoice` at line 1 column 17"
                .into(),
        ));
        assert_eq!(err.status_code(), 400);
        assert_eq!(
            err.to_string(),
            "PayTrack couldn't understand that request: “cheque” is not one of the choices (payment_link, hosted_invoice)."
        );
    }
}
