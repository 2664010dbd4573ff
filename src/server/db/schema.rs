//! The collections PayTrack uses and their indexes, created at start-up. Safe to run any number
//! of times and from several servers at once: existing collections and identical indexes are
//! left as they are.

use mongodb::bson::Document;
use mongodb::error::{Error, ErrorKind};
use mongodb::{Database, IndexModel};

/// One collection and the indexes its queries need.
pub struct CollectionSpec {
    pub name: &'static str,
    pub indexes: fn() -> Vec<IndexModel>,
}

pub const COUNTERS: &str = "counters";

/// Every collection PayTrack owns. Data-rights features (export, delete) walk this list, so a
/// new collection must be added here.
pub const COLLECTIONS: &[CollectionSpec] = &[CollectionSpec {
    name: COUNTERS,
    indexes: Vec::new,
}];

/// MongoDB's "NamespaceExists": another process created the collection first.
const NAMESPACE_EXISTS: i32 = 48;

pub async fn ensure(db: &Database) -> Result<(), Error> {
    let existing = db.list_collection_names().await?;
    for spec in COLLECTIONS {
        if !existing.iter().any(|name| name == spec.name) {
            match db.create_collection(spec.name).await {
                Ok(()) => {}
                Err(err) if command_error_code(&err) == Some(NAMESPACE_EXISTS) => {}
                Err(err) => return Err(err),
            }
        }
        let indexes = (spec.indexes)();
        if !indexes.is_empty() {
            db.collection::<Document>(spec.name)
                .create_indexes(indexes)
                .await?;
        }
    }
    Ok(())
}

fn command_error_code(err: &Error) -> Option<i32> {
    match *err.kind {
        ErrorKind::Command(ref command) => Some(command.code),
        _ => None,
    }
}
