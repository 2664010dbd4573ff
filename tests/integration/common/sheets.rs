//! CSV downloads read back as rows, the way a spreadsheet would.

use crate::common::billing::User;

/// The rows of a CSV download (header first) from `path`, as `user`.
pub async fn rows(user: &User<'_>, path: &str) -> Vec<Vec<String>> {
    let response = user.app.get_with_cookie(path, &user.cookie).await;
    assert_eq!(response.status(), 200, "{path}");
    assert_eq!(
        response.headers()["content-type"],
        "text/csv; charset=utf-8"
    );
    let disposition = response.headers()["content-disposition"].to_str().unwrap();
    assert!(
        disposition.starts_with("attachment; filename=\"paytrack-"),
        "{disposition}"
    );
    let body = response.bytes().await.unwrap();
    csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(body.as_ref())
        .records()
        .map(|record| record.unwrap().iter().map(str::to_string).collect())
        .collect()
}

/// The cells of column `name` below the header.
pub fn column(rows: &[Vec<String>], name: &str) -> Vec<String> {
    let index = rows[0].iter().position(|c| c == name).expect(name);
    rows[1..].iter().map(|row| row[index].clone()).collect()
}
