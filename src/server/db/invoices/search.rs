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
use mongodb::bson::{Document, doc};

use super::super::clients::regex_escape;
use super::super::schema::INVOICES;
use super::read_first::ReadFirst;

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

/// Whether a search for `typed` can be read through the pieces: it holds at least one.
pub(super) fn indexed(typed: &str) -> bool {
    typed.chars().count() >= GRAM
}

/// Adds a search for `typed` (trimmed, non-empty) to `filter`; `through_pieces` (for a search
/// that is [`indexed`], unless something narrower leads) reads the invoices holding one of its
/// pieces first.
pub(super) fn searched(filter: &mut ReadFirst, typed: &str, through_pieces: bool) {
    let text = typed.to_lowercase();
    let pieces = grams(&text);
    // Checked first on each candidate: comparing pieces is cheap, a pattern is not (the local
    // server compiles it afresh for each invoice).
    if !pieces.is_empty() {
        filter.check("search_grams", doc! { "$all": &pieces });
    }
    filter.check("search", doc! { "$regex": regex_escape(&text) });
    // Any piece bounds the read. The last one, because numbers share their beginning
    // ("inv-0…"): typed from the left, the end of what was typed is what narrows.
    if let (true, Some(anchor)) = (through_pieces, pieces.last()) {
        filter.lead("search_grams", anchor.as_str());
    }
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
    use mongodb::bson::oid::ObjectId;

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
    fn a_short_search_is_a_pattern_checked_on_the_owners_invoices() {
        let owner = ObjectId::new();
        let mut filter = ReadFirst::owner(owner);
        filter.lead("status", "Paid");
        assert!(!indexed("Ab"));
        searched(&mut filter, "Ab", true);
        assert_eq!(
            filter.into_filter(),
            doc! { "$and": [
                { "user_id": owner, "status": "Paid" },
                { "$and": [{ "search": { "$regex": "ab" } }] },
            ] }
        );
    }

    #[test]
    fn a_longer_search_reads_the_holders_of_its_last_piece_first() {
        let owner = ObjectId::new();
        let mut filter = ReadFirst::owner(owner);
        filter.lead("status", "Paid");
        assert!(indexed("Lo.v"));
        searched(&mut filter, "Lo.v", true);
        assert_eq!(
            filter.into_filter(),
            doc! { "$and": [
                { "user_id": owner, "status": "Paid", "search_grams": "o.v" },
                { "$and": [{
                    "search_grams": { "$all": ["lo.", "o.v"] },
                    "search": { "$regex": "lo\\.v" },
                }] },
            ] }
        );
    }
}
