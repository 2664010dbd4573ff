//! Bob, with Ada's client ids: every client server function.

use serde_json::json;

use super::Fixture;
use crate::common::billing::client_input;
use paytrack::api::clients::UpdateClient;
use paytrack::domain::client::ClientInput;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn get_client() {
    let f = Fixture::new().await;
    f.refused(f.bob().form("/api/clients/get", &[("id", &f.client)]))
        .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn update_client() {
    let f = Fixture::new().await;
    f.refused(f.bob().call(&UpdateClient {
        id: f.client.clone(),
        input: client_input("Hijacked"),
    }))
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn archive_client() {
    let f = Fixture::new().await;
    f.refused(f.bob().form(
        "/api/clients/archive",
        &[("id", &f.client), ("archived", "true")],
    ))
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn client_names_are_each_users_own_by_name_with_archived_ones() {
    let f = Fixture::new().await;
    assert_eq!(
        f.bob().form("/api/clients/names", &[]).await.body,
        json!([])
    );
    // Naming Ada's client as the one the list is filtered by adds nothing of hers.
    assert_eq!(
        f.bob()
            .form("/api/clients/names", &[("client", &f.client)])
            .await
            .body,
        json!([])
    );

    let ada = f.ada();
    let zed = ada
        .client_with(ClientInput {
            company: "Zed Ltd".to_string(),
            currency: "GBP".to_string(),
            ..client_input("zed studio")
        })
        .await;
    let bea = ada.client("Bea").await;
    let archived = ada
        .form(
            "/api/clients/archive",
            &[("id", &zed), ("archived", "true")],
        )
        .await;
    assert_eq!(archived.status, 200, "{:?}", archived.body);
    // Names in name order whatever their case, archived ones too (their invoices stay
    // listed), and nothing but what a picker shows (the editor's starts in the currency).
    let choice = |id: &str, name: &str, company: Option<&str>, currency: &str| json!({ "id": id, "name": name, "company": company, "currency": currency });
    assert_eq!(
        ada.form("/api/clients/names", &[]).await.body,
        json!([
            choice(&f.client, "Acme", None, "USD"),
            choice(&bea, "Bea", None, "USD"),
            choice(&zed, "zed studio", Some("Zed Ltd"), "GBP"),
        ])
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn list_clients() {
    let f = Fixture::new().await;
    let listed = f
        .bob()
        .form(
            "/api/clients/list",
            &[("search", ""), ("include_archived", "true")],
        )
        .await;
    assert_eq!(listed.body["clients"], json!([]));
    assert_eq!(
        f.ada()
            .form(
                "/api/clients/list",
                &[("search", ""), ("include_archived", "true")]
            )
            .await
            .body["clients"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
}
