//! What pages do with their actions the same way: read the last failure as a message, and save
//! a form that is either new or an edit.

use std::future::Future;

use leptos::prelude::*;

use crate::error::AppError;

/// The message of the action's last run when it failed; `None` while it runs, before it ran,
/// and after a success.
pub fn failure_of<T>(
    value: MappedSignal<Option<Result<T, AppError>>>,
) -> impl Fn() -> Option<String> + Copy + Send + Sync + 'static
where
    T: Clone + Send + Sync + 'static,
{
    move || value.get().and_then(|r| r.err()).map(|e| e.to_string())
}

/// An action saving `I`: `create` when there is no `id` yet, `update` of that id otherwise.
pub fn create_or_update<I, O, C, CF, U, UF>(
    id: Option<String>,
    create: C,
    update: U,
) -> Action<I, O>
where
    I: Clone + Send + Sync + 'static,
    O: Send + Sync + 'static,
    C: Fn(I) -> CF + Send + Sync + 'static,
    CF: Future<Output = O> + Send + 'static,
    U: Fn(String, I) -> UF + Send + Sync + 'static,
    UF: Future<Output = O> + Send + 'static,
{
    Action::new(move |input: &I| {
        let save: std::pin::Pin<Box<dyn Future<Output = O> + Send>> = match id.clone() {
            Some(id) => Box::pin(update(id, input.clone())),
            None => Box::pin(create(input.clone())),
        };
        save
    })
}
