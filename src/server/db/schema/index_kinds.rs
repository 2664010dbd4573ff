//! The kinds of index the collections use, each with a fixed name, so that running
//! `ensure` again changes nothing.

use std::time::Duration;

use mongodb::IndexModel;
use mongodb::bson::{Document, doc};
use mongodb::options::IndexOptions;

/// A named index on `keys`; the fixed name makes re-running `ensure` a no-op.
pub fn index(name: &str, keys: Document, unique: bool) -> IndexModel {
    IndexModel::builder()
        .keys(keys)
        .options(
            IndexOptions::builder()
                .name(name.to_string())
                .unique(unique)
                .build(),
        )
        .build()
}

/// One order of a user's invoice list: by `field`, ties broken by id, so a page is one index
/// range whatever the sort.
pub fn list_order(name: &str, field: &str) -> IndexModel {
    index(name, doc! { "user_id": 1, field: 1, "_id": 1 }, false)
}

/// An index of only the documents that have the key.
pub fn sparse(name: &str, keys: Document) -> IndexModel {
    IndexModel::builder()
        .keys(keys)
        .options(
            IndexOptions::builder()
                .name(name.to_string())
                .sparse(true)
                .build(),
        )
        .build()
}

/// Unique where the field exists (e.g. only Google sign-ins have a Google id).
pub fn sparse_unique(name: &str, keys: Document) -> IndexModel {
    IndexModel::builder()
        .keys(keys)
        .options(
            IndexOptions::builder()
                .name(name.to_string())
                .unique(true)
                .sparse(true)
                .build(),
        )
        .build()
}

/// Lets MongoDB delete a document once the date in `field` has passed. Expiry is also checked
/// in every query, because the TTL monitor runs only once a minute.
pub fn expire_at(name: &str, field: &str) -> IndexModel {
    IndexModel::builder()
        .keys(doc! { field: 1 })
        .options(
            IndexOptions::builder()
                .name(name.to_string())
                .expire_after(Duration::ZERO)
                .build(),
        )
        .build()
}
