//! PDFs read back as text with `pdftotext` (Debian's poppler-utils, installed by scripts/setup).

use std::process::{Command, Stdio};

/// The text of a PDF answer, once it is one.
pub async fn pdf_text_of(response: reqwest::Response) -> String {
    assert_eq!(response.headers()["content-type"], "application/pdf");
    pdf_text_of_bytes(&response.bytes().await.unwrap())
}

/// The text of a PDF file, laid out as on the page.
pub fn pdf_text_of_bytes(bytes: &[u8]) -> String {
    assert!(bytes.starts_with(b"%PDF-"), "a PDF file");
    let mut child = Command::new("pdftotext")
        .args(["-layout", "-", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("pdftotext (poppler-utils) is installed by scripts/setup");
    use std::io::Write;
    child.stdin.take().unwrap().write_all(bytes).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "pdftotext reads the PDF");
    String::from_utf8(out.stdout).unwrap()
}
