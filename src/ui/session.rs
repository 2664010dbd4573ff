//! The signed-in user, shared by every component through context.

use leptos::prelude::*;
use leptos_server::codee::string::JsonSerdeWasmCodec;

use crate::api::auth::{Me, current_user};
use crate::error::AppError;

/// Who is signed in (`None` when nobody is). Refetch after changing the profile.
#[derive(Clone, Copy)]
pub struct Session(pub Resource<Result<Option<Me>, AppError>, JsonSerdeWasmCodec>);

pub fn provide_session() {
    provide_context(Session(Resource::new_serde_wb(|| (), |_| current_user())));
}

pub fn use_session() -> Session {
    expect_context::<Session>()
}
