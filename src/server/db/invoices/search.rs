//! Searching invoices by number, client name or company: the text each invoice keeps for it,
//! and how a search reads only the invoices that can match.
//!
//! A search matches anywhere in that text, which no ordinary index answers: the server would
//! test every invoice in the book. So each invoice also keeps the distinct three-character
//! pieces of its text (`search_grams`, indexed with the owner and status), and a search of
//! three characters or more first reads the invoices holding one piece of the query. Those
//! candidates are then checked for every piece and for the whole text as typed.

use futures::TryStreamExt;
use mongodb::Database;
use mongodb::bson::oid::ObjectId;
use mongodb::bson::{Document, doc};

use super::super::clients::regex_escape;
use super::super::schema::INVOICES;

/// How many characters one indexed piece holds: the shortest search the index can help.
const GRAM: usize = 3;

/// The fields an invoice keeps for searching, set together wherever its number or whom it
/// bills (`name`, `company`) is set: the text, lower-cased, and its pieces.
pub(super) fn search_fields(number: &str, name: &str, company: Option<&str>) -> Document {
    let mut text = format!("{number} {name}");
    if let Some(company) = company {
        text.push(' ');
        text.push_str(company);
    }
    let text = text.to_lowercase();
    doc! { "search_grams": grams(&text), "search": text }
}

/// The distinct pieces of `text`, GRAM characters each, in order of first appearance.
pub fn grams(text: &str) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    let mut pieces: Vec<String> = Vec::new();
    for window in chars.windows(GRAM) {
        let piece: String = window.iter().collect();
        if !pieces.contains(&piece) {
            pieces.push(piece);
        }
    }
    pieces
}

/// Adds a search for `typed` (trimmed, non-empty) to `filter`, and reads it through the index
/// of pieces when `typed` is long enough to have one. `filter` holds the owner and, if the list
/// is filtered by status, the status; the rest of it stays a condition on the candidates.
pub(super) fn searched(mut filter: Document, owner: ObjectId, typed: &str) -> Document {
    let text = typed.to_lowercase();
    let pieces = grams(&text);
    // Checked first on each candidate: comparing pieces is cheap, a pattern is not.
    if !pieces.is_empty() {
        filter.insert("search_grams", doc! { "$all": &pieces });
    }
    filter.insert("search", doc! { "$regex": regex_escape(&text) });
    // Any piece bounds the read. The last one, because numbers share their beginning
    // ("inv-0…"): typed from the left, the end of what was typed is what narrows.
    let Some(anchor) = pieces.last() else {
        return filter;
    };
    let mut head = doc! { "user_id": owner, "search_grams": anchor };
    filter.remove("user_id");
    if let Some(status) = filter.remove("status") {
        head.insert("status", status);
    }
    // The rest sits in an `$and` of its own: the local server reads the candidates of the
    // first condition of an `$and` that is not one flat filter through an index, where one
    // flat filter would be read through the owner's every invoice. MongoDB flattens it and
    // plans it as it would the flat filter.
    doc! { "$and": [head, { "$and": [filter] }] }
}

/// Gives each invoice written before pieces were kept its pieces; how many it gave. An invoice
/// whose text changes meanwhile keeps the pieces its writer set with it.
pub async fn keep_pieces_of_older(db: &Database) -> Result<u64, mongodb::error::Error> {
    let invoices = db.collection::<Document>(INVOICES);
    let mut older = invoices
        .find(doc! { "search_grams": { "$exists": false } })
        .projection(doc! { "search": 1 })
        .await?;
    let mut given = 0;
    while let Some(invoice) = older.try_next().await? {
        let (Ok(id), Ok(text)) = (invoice.get_object_id("_id"), invoice.get_str("search")) else {
            continue;
        };
        given += invoices
            .update_one(
                doc! { "_id": id, "search": text, "search_grams": { "$exists": false } },
                doc! { "$set": { "search_grams": grams(text) } },
            )
            .await?
            .modified_count;
    }
    Ok(given)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pieces_are_distinct_and_in_order() {
        assert_eq!(grams("abcabc"), vec!["abc", "bca", "cab"]);
        assert_eq!(grams("ab"), Vec::<String>::new());
        assert_eq!(grams("inv-1"), vec!["inv", "nv-", "v-1"]);
    }

    #[test]
    fn pieces_are_characters_not_bytes() {
        assert_eq!(grams("zoë b"), vec!["zoë", "oë ", "ë b"]);
    }

    #[test]
    fn every_piece_of_a_query_is_a_piece_of_the_text_it_is_found_in() {
        let text = "inv-0042 ada lovelace analytical engines ltd";
        let stored = grams(text);
        for start in 0..text.len() {
            for end in start + GRAM..=text.len() {
                let Some(typed) = text.get(start..end) else {
                    continue;
                };
                for piece in grams(typed) {
                    assert!(stored.contains(&piece), "{typed:?}: {piece:?}");
                }
            }
        }
    }

    #[test]
    fn a_short_search_is_a_pattern_over_the_owners_invoices() {
        let owner = ObjectId::new();
        let filter = searched(doc! { "user_id": owner, "status": "Paid" }, owner, "Ab");
        assert_eq!(
            filter,
            doc! { "user_id": owner, "status": "Paid", "search": { "$regex": "ab" } }
        );
    }

    #[test]
    fn a_longer_search_reads_the_holders_of_its_last_piece_first() {
        let owner = ObjectId::new();
        let filter = searched(
            doc! { "user_id": owner, "status": "Paid", "client_id": owner },
            owner,
            "Lo.v",
        );
        assert_eq!(
            filter,
            doc! { "$and": [
                { "user_id": owner, "search_grams": "o.v", "status": "Paid" },
                { "$and": [{
                    "client_id": owner,
                    "search_grams": { "$all": ["lo.", "o.v"] },
                    "search": { "$regex": "lo\\.v" },
                }] },
            ] }
        );
    }
}
