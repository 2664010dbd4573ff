//! Sign-in machinery that only the server has: tokens, sessions and their cookies, emailed
//! login links, rate limits, and the cross-origin guard. The server functions that use it live
//! in `api::auth`.

pub mod api_gate;
pub mod google;
pub mod login_link;
pub mod notices;
pub mod origin;
pub mod request;
pub mod routes;
pub mod session;
pub mod session_cache;
pub mod token;
