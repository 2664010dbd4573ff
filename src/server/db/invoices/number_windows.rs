//! The ranges of invoice numbers the unfiltered list is read in, nearest the cursor first.
//!
//! Why: the local database (SecantusDB) reads every document that matches a filter before it
//! sorts and applies the limit, so `{user_id}` sorted by number with a limit of 51 reads the
//! owner's whole book (about 100 ms for 10,000 invoices), while the same query bounded to a
//! range of numbers reads only that range (about 2 ms). Numbers are dense (each invoice takes
//! the next one), so a window a little wider than the page usually fills it in one read; gaps
//! (deleted drafts, imports) widen the next window fourfold, and the last window is open-ended
//! so an invoice numbered outside what the counter says is still listed. On MongoDB Atlas each
//! window is the same index range scan the limit would have stopped, so it costs the same.

use mongodb::bson::Document;

/// Successive, non-overlapping ranges of `sequence`, in list order, that together cover every
/// number beyond the cursor; the last one is open-ended.
pub struct NumberWindows {
    descending: bool,
    /// The number the next window starts after (exclusive); `None` before the first window
    /// of a first page, which starts at the very top (descending) or bottom (ascending).
    edge: Option<i64>,
    width: i64,
    /// The highest number given out, as the owner's counter says.
    last: i64,
    done: bool,
}

impl NumberWindows {
    /// `after` is the cursor's number; `page` the rows wanted (the first window is twice as
    /// wide, so a page with a few gaps still fills in one read).
    pub fn new(descending: bool, after: Option<i64>, last: i64, page: usize) -> Self {
        let page = i64::try_from(page).unwrap_or(i64::MAX);
        NumberWindows {
            descending,
            edge: after,
            width: page.saturating_mul(2).max(1),
            last,
            done: false,
        }
    }
}

impl Iterator for NumberWindows {
    /// The condition on `sequence` for this window (empty: no bound at all).
    type Item = Document;

    fn next(&mut self) -> Option<Document> {
        if self.done {
            return None;
        }
        let mut range = Document::new();
        if self.descending {
            // Above the counter counts as the top: the first window is open upwards.
            let top = self.edge.unwrap_or_else(|| self.last.saturating_add(1));
            let low = top.saturating_sub(self.width);
            if let Some(edge) = self.edge {
                range.insert("$lt", edge);
            }
            // Numbers start at 1: a window reaching it reads everything below too.
            if low > 1 {
                range.insert("$gte", low);
                self.edge = Some(low);
            } else {
                self.done = true;
            }
        } else {
            let bottom = self.edge.unwrap_or(0);
            let high = bottom.saturating_add(self.width);
            if let Some(edge) = self.edge {
                range.insert("$gt", edge);
            }
            if high < self.last {
                range.insert("$lte", high);
                self.edge = Some(high);
            } else {
                self.done = true;
            }
        }
        self.width = self.width.saturating_mul(4);
        Some(range)
    }
}

/// Adds the window to a filter on the owner (an empty window adds nothing).
pub fn within(mut filter: Document, window: Document) -> Document {
    if !window.is_empty() {
        filter.insert("sequence", window);
    }
    filter
}

#[cfg(test)]
mod tests {
    use super::*;
    use mongodb::bson::doc;
    use proptest::prelude::*;

    fn contains(range: &Document, n: i64) -> bool {
        let get = |op: &str| range.get_i64(op).ok();
        get("$lt").is_none_or(|v| n < v)
            && get("$lte").is_none_or(|v| n <= v)
            && get("$gt").is_none_or(|v| n > v)
            && get("$gte").is_none_or(|v| n >= v)
    }

    #[test]
    fn a_dense_newest_first_page_is_one_bounded_window() {
        let mut windows = NumberWindows::new(true, None, 10_000, 51);
        assert_eq!(windows.next(), Some(doc! { "$gte": 10_001_i64 - 102 }));
        assert_eq!(
            windows.next(),
            Some(doc! { "$lt": 9_899_i64, "$gte": 9_899_i64 - 408 })
        );
    }

    #[test]
    fn the_next_page_starts_below_the_cursor() {
        let mut windows = NumberWindows::new(true, Some(500), 10_000, 51);
        assert_eq!(
            windows.next(),
            Some(doc! { "$lt": 500_i64, "$gte": 398_i64 })
        );
    }

    #[test]
    fn oldest_first_ends_open_above_the_counter() {
        let windows: Vec<_> = NumberWindows::new(false, None, 150, 51).collect();
        assert_eq!(
            windows,
            vec![doc! { "$lte": 102_i64 }, doc! { "$gt": 102_i64 }]
        );
    }

    #[test]
    fn a_book_with_no_counter_is_read_whole() {
        let windows: Vec<_> = NumberWindows::new(true, None, 0, 51).collect();
        assert_eq!(windows, vec![Document::new()]);
    }

    proptest! {
        /// Every number beyond the cursor is in exactly one window, whatever the counter says
        /// (numbers above it or below 1 included), and windows come in list order.
        #[test]
        fn windows_cover_each_number_once_in_order(
            descending in any::<bool>(),
            after in proptest::option::of(-5_i64..3_000),
            last in 0_i64..3_000,
            page in 1_usize..80,
        ) {
            let windows: Vec<_> = NumberWindows::new(descending, after, last, page).collect();
            prop_assert!(windows.len() < 12);
            let mut previous: Option<usize> = None;
            let range = if descending { (-10..3_010).rev().collect::<Vec<i64>>() } else { (-10..3_010).collect() };
            for n in range {
                let beyond = match after {
                    None => true,
                    Some(a) => if descending { n < a } else { n > a },
                };
                let holding: Vec<usize> = (0..windows.len()).filter(|&i| contains(&windows[i], n)).collect();
                if !beyond {
                    prop_assert!(holding.is_empty(), "{n} is before the cursor");
                    continue;
                }
                prop_assert_eq!(holding.len(), 1, "{} is in {:?}", n, holding);
                prop_assert!(previous.is_none_or(|p| p <= holding[0]), "{n} out of order");
                previous = Some(holding[0]);
            }
        }
    }
}
