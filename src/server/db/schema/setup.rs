//! Putting the collections and indexes of [`super::COLLECTIONS`] in place, and reading the
//! database's error codes that matter to it and to the repositories.

use mongodb::Database;
use mongodb::bson::Document;
use mongodb::error::{Error, ErrorKind};

use super::COLLECTIONS;

/// MongoDB's "NamespaceExists": another process created the collection first.
const NAMESPACE_EXISTS: i32 = 48;

/// Creates the collections of [`COLLECTIONS`] that are missing and their indexes.
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

/// MongoDB's duplicate-key error code (E11000).
pub fn is_duplicate_key(err: &Error) -> bool {
    match *err.kind {
        ErrorKind::Write(mongodb::error::WriteFailure::WriteError(ref write)) => {
            write.code == 11000
        }
        ErrorKind::Command(ref command) => command.code == 11000,
        _ => false,
    }
}
