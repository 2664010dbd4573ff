//! A list's filter in two parts, for the local server's sake: what it reads first, through
//! the index those fields lead, and what it then checks on each invoice it read.
//!
//! The local server (SecantusDB) reads a flat filter through an index only when its fields are
//! equalities and at most one range that an index leads with; any other flat filter, or one
//! holding an `$or` (a page's cursor), it reads through all the owner's invoices or the whole
//! collection. Given an `$and` that holds another `$and`, it reads through the first
//! condition's index and checks the rest on what that read. MongoDB flattens the two into
//! one filter and plans it as such, so the split costs Atlas nothing.

use mongodb::bson::oid::ObjectId;
use mongodb::bson::{Bson, Document, doc};

pub(super) struct ReadFirst {
    first: Document,
    then: Document,
}

impl ReadFirst {
    /// The owner's invoices, read first by owner alone until something narrower leads.
    pub fn owner(owner: ObjectId) -> Self {
        Self {
            first: doc! { "user_id": owner },
            then: Document::new(),
        }
    }

    /// Adds `field` to what is read first.
    pub fn lead(&mut self, field: &str, value: impl Into<Bson>) {
        self.first.insert(field, value);
    }

    /// Adds `field` to what is checked on each invoice read.
    pub fn check(&mut self, field: &str, value: impl Into<Bson>) {
        self.then.insert(field, value);
    }

    /// Whether anything narrower than the owner is read first.
    pub fn leads(&self) -> bool {
        self.first.len() > 1
    }

    pub fn into_filter(self) -> Document {
        if self.then.is_empty() {
            self.first
        } else {
            doc! { "$and": [self.first, { "$and": [self.then] }] }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_is_only_read_first_stays_one_flat_filter() {
        let owner = ObjectId::new();
        let mut filter = ReadFirst::owner(owner);
        filter.lead("status", "Paid");
        assert!(filter.leads());
        assert_eq!(
            filter.into_filter(),
            doc! { "user_id": owner, "status": "Paid" }
        );
    }

    #[test]
    fn what_is_checked_sits_in_an_and_of_its_own() {
        let owner = ObjectId::new();
        let mut filter = ReadFirst::owner(owner);
        assert!(!filter.leads());
        filter.check("due_date", doc! { "$lt": "2026-12-01" });
        assert_eq!(
            filter.into_filter(),
            doc! { "$and": [
                { "user_id": owner },
                { "$and": [{ "due_date": { "$lt": "2026-12-01" } }] },
            ] }
        );
    }
}
