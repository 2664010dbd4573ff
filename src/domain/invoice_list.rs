//! How the invoice list can be narrowed and ordered. The URL holds these as text (so a filtered
//! list can be bookmarked and the back button works); `parse` turns that text into values the
//! server trusts, with a message for anything it does not recognise.

use serde::{Deserialize, Serialize};

use super::date::CalendarDate;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum StatusFilter {
    Draft,
    /// Sent and not fully paid (open or partially paid), whatever the due date.
    Outstanding,
    /// Outstanding and past its due date in the user's time zone.
    Overdue,
    Paid,
    Void,
    WrittenOff,
}

impl StatusFilter {
    pub const ALL: [StatusFilter; 6] = [
        StatusFilter::Draft,
        StatusFilter::Outstanding,
        StatusFilter::Overdue,
        StatusFilter::Paid,
        StatusFilter::Void,
        StatusFilter::WrittenOff,
    ];

    pub fn key(self) -> &'static str {
        match self {
            StatusFilter::Draft => "draft",
            StatusFilter::Outstanding => "outstanding",
            StatusFilter::Overdue => "overdue",
            StatusFilter::Paid => "paid",
            StatusFilter::Void => "void",
            StatusFilter::WrittenOff => "written-off",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            StatusFilter::Draft => "Drafts",
            StatusFilter::Outstanding => "Outstanding",
            StatusFilter::Overdue => "Overdue",
            StatusFilter::Paid => "Paid",
            StatusFilter::Void => "Void",
            StatusFilter::WrittenOff => "Written off",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum SortKey {
    Number,
    Client,
    IssueDate,
    DueDate,
    Total,
}

impl SortKey {
    pub const ALL: [SortKey; 5] = [
        SortKey::Number,
        SortKey::Client,
        SortKey::IssueDate,
        SortKey::DueDate,
        SortKey::Total,
    ];

    pub fn key(self) -> &'static str {
        match self {
            SortKey::Number => "number",
            SortKey::Client => "client",
            SortKey::IssueDate => "issued",
            SortKey::DueDate => "due",
            SortKey::Total => "total",
        }
    }

    /// The natural first direction when someone picks this column.
    pub fn default_descending(self) -> bool {
        !matches!(self, SortKey::Client | SortKey::DueDate)
    }
}

/// The list's query as the URL carries it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListParams {
    pub status: String,
    pub client: String,
    pub from: String,
    pub to: String,
    pub q: String,
    pub sort: String,
    /// "asc" or "desc"; empty means the column's natural direction.
    pub dir: String,
    /// Opaque: the position after which the next page starts.
    pub after: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListQuery {
    pub status: Option<StatusFilter>,
    pub client: Option<String>,
    pub issued_from: Option<CalendarDate>,
    pub issued_to: Option<CalendarDate>,
    pub search: String,
    pub sort: SortKey,
    pub descending: bool,
    pub after: Option<String>,
}

impl ListParams {
    pub fn parse(&self) -> Result<ListQuery, String> {
        let status = match self.status.trim() {
            "" | "all" => None,
            key => Some(
                StatusFilter::ALL
                    .into_iter()
                    .find(|s| s.key() == key)
                    .ok_or_else(|| format!("“{key}” is not an invoice status filter."))?,
            ),
        };
        let sort = match self.sort.trim() {
            "" => SortKey::Number,
            key => SortKey::ALL
                .into_iter()
                .find(|s| s.key() == key)
                .ok_or_else(|| format!("Invoices can't be sorted by “{key}”."))?,
        };
        let descending = match self.dir.trim() {
            "" => sort.default_descending(),
            "desc" => true,
            "asc" => false,
            other => return Err(format!("“{other}” is not a sort direction.")),
        };
        let date = |text: &str, what: &str| {
            let text = text.trim();
            (!text.is_empty())
                .then(|| CalendarDate::parse(text).map_err(|m| format!("{what}: {m}")))
                .transpose()
        };
        let issued_from = date(&self.from, "Issued from")?;
        let issued_to = date(&self.to, "Issued to")?;
        if let (Some(from), Some(to)) = (issued_from, issued_to)
            && to < from
        {
            return Err("The end of the date range is before its start.".to_string());
        }
        let search = self.q.trim();
        if search.chars().count() > 100 {
            return Err("Keep the search under 100 characters.".to_string());
        }
        let text = |s: &str| (!s.trim().is_empty()).then(|| s.trim().to_string());
        Ok(ListQuery {
            status,
            client: text(&self.client),
            issued_from,
            issued_to,
            search: search.to_string(),
            sort,
            descending,
            after: text(&self.after),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_query_lists_everything_newest_number_first() {
        let query = ListParams::default().parse().unwrap();
        assert_eq!(query.status, None);
        assert_eq!(query.sort, SortKey::Number);
        assert!(query.descending);
    }

    #[test]
    fn every_filter_and_sort_key_reads_back() {
        for status in StatusFilter::ALL {
            let params = ListParams {
                status: status.key().to_string(),
                ..Default::default()
            };
            assert_eq!(params.parse().unwrap().status, Some(status));
        }
        for sort in SortKey::ALL {
            let params = ListParams {
                sort: sort.key().to_string(),
                dir: "asc".to_string(),
                ..Default::default()
            };
            let query = params.parse().unwrap();
            assert_eq!((query.sort, query.descending), (sort, false));
        }
    }

    #[test]
    fn nonsense_is_named_in_the_message() {
        let bad = |params: ListParams| params.parse().unwrap_err();
        assert!(
            bad(ListParams {
                status: "late".into(),
                ..Default::default()
            })
            .contains("late")
        );
        assert!(
            bad(ListParams {
                sort: "colour".into(),
                ..Default::default()
            })
            .contains("colour")
        );
        assert!(
            bad(ListParams {
                from: "2026-13-01".into(),
                ..Default::default()
            })
            .starts_with("Issued from")
        );
        assert!(
            bad(ListParams {
                from: "2026-05-01".into(),
                to: "2026-04-01".into(),
                ..Default::default()
            })
            .contains("before its start")
        );
    }
}
