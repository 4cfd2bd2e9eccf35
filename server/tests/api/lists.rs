//! Lists: the envelope, strict newest-first order, limits, cursors both ways and the filters,
//! on every list endpoint.

use serde_json::json;

use crate::helpers::{spawn_app, TestApp};

/// Walks every page of `path` (which has no query yet) with `starting_after`.
async fn walk_forward(app: &TestApp, path: &str, limit: usize) -> Vec<String> {
    let mut all = Vec::new();
    let mut query = format!("limit={limit}");
    loop {
        let page = app.get(&format!("{path}?{query}")).await;
        let ids = page.ids();
        assert!(ids.len() <= limit);
        all.extend(ids.clone());
        if page.body["has_more"] != json!(true) {
            return all;
        }
        query = format!("limit={limit}&starting_after={}", ids.last().unwrap());
    }
}

/// Walks every page newer than `oldest` with `ending_before`.
async fn walk_backward(app: &TestApp, path: &str, limit: usize, oldest: &str) -> Vec<String> {
    let mut all: Vec<String> = Vec::new();
    let mut cursor = oldest.to_owned();
    loop {
        let page = app
            .get(&format!("{path}?limit={limit}&ending_before={cursor}"))
            .await;
        let ids = page.ids();
        all.splice(0..0, ids.clone());
        if page.body["has_more"] != json!(true) {
            return all;
        }
        cursor = ids.first().unwrap().clone();
    }
}

#[tokio::test]
async fn list_answers_the_envelope_newest_first() {
    let app = spawn_app().await;
    let first = app.customer(json!({"name": "first"})).await;
    let second = app.customer(json!({"name": "second"})).await;
    let list = app.get("/v1/customers").await;
    assert_eq!(list.ok()["object"], "list");
    assert_eq!(list.body["url"], "/v1/customers");
    assert_eq!(list.body["has_more"], false);
    assert_eq!(list.ids(), vec![second, first]);
    assert_eq!(list.body["data"][0]["object"], "customer");
}

#[tokio::test]
async fn objects_created_back_to_back_keep_strict_reverse_creation_order() {
    let app = spawn_app().await;
    let mut created = Vec::new();
    for i in 0..30 {
        created.push(app.customer(json!({ "name": format!("c{i}") })).await);
    }
    created.reverse();
    assert_eq!(app.get("/v1/customers?limit=100").await.ids(), created);
}

#[tokio::test]
async fn limit_defaults_to_10_and_takes_1_to_100() {
    let app = spawn_app().await;
    for _ in 0..12 {
        app.customer(json!({})).await;
    }
    let page = app.get("/v1/customers").await;
    assert_eq!(page.ids().len(), 10);
    assert_eq!(page.body["has_more"], true);
    assert_eq!(app.get("/v1/customers?limit=1").await.ids().len(), 1);
    assert_eq!(app.get("/v1/customers?limit=100").await.ids().len(), 12);
    assert_eq!(
        app.get("/v1/customers?limit=100").await.body["has_more"],
        false
    );
    for bad in ["0", "101", "-1", "abc", "", "2.5"] {
        app.get(&format!("/v1/customers?limit={bad}"))
            .await
            .invalid("parameter_invalid", "limit");
    }
}

#[tokio::test]
async fn walking_all_pages_either_way_returns_every_object_once_in_order() {
    let app = spawn_app().await;
    let mut created = Vec::new();
    for _ in 0..17 {
        created.push(app.customer(json!({})).await);
    }
    let newest_first: Vec<String> = created.iter().rev().cloned().collect();
    for limit in [1, 4, 5, 17, 100] {
        assert_eq!(
            walk_forward(&app, "/v1/customers", limit).await,
            newest_first,
            "limit {limit}"
        );
        let backward = walk_backward(&app, "/v1/customers", limit, &created[0]).await;
        assert_eq!(backward, newest_first[..16].to_vec(), "limit {limit}");
    }
}

#[tokio::test]
async fn ending_before_answers_the_page_just_newer_still_newest_first() {
    let app = spawn_app().await;
    let ids: Vec<String> = {
        let mut ids = Vec::new();
        for _ in 0..6 {
            ids.push(app.customer(json!({})).await);
        }
        ids
    };
    // ids[0] is the oldest; the two just newer than ids[2] are ids[4], ids[3] (newest first).
    let page = app
        .get(&format!("/v1/customers?limit=2&ending_before={}", ids[2]))
        .await;
    assert_eq!(page.ids(), vec![ids[4].clone(), ids[3].clone()]);
    assert_eq!(page.body["has_more"], true);
    let page = app
        .get(&format!("/v1/customers?limit=2&ending_before={}", ids[4]))
        .await;
    assert_eq!(page.ids(), vec![ids[5].clone()]);
    assert_eq!(page.body["has_more"], false);
    let page = app
        .get(&format!("/v1/customers?limit=2&starting_after={}", ids[1]))
        .await;
    assert_eq!(page.ids(), vec![ids[0].clone()]);
    assert_eq!(page.body["has_more"], false);
}

#[tokio::test]
async fn cursors_must_be_visible_objects_of_the_lists_kind() {
    let app = spawn_app().await;
    let mine = app.customer(json!({})).await;
    let deleted = app.customer(json!({})).await;
    app.delete(&format!("/v1/customers/{deleted}")).await.ok();
    let live = app.customer_with(&app.keys.live.clone(), json!({})).await;
    let others = app.customer_with(&app.other.test.clone(), json!({})).await;
    let payment = app.post("/v1/payments", json!({"amount": 100})).await.ok()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    for param in ["starting_after", "ending_before"] {
        for cursor in [
            "cus_neverexisted",
            deleted.as_str(),
            live.as_str(),
            others.as_str(),
            payment.as_str(),
        ] {
            app.get(&format!("/v1/customers?{param}={cursor}"))
                .await
                .invalid("resource_missing", param);
        }
        app.get(&format!("/v1/customers?{param}="))
            .await
            .invalid("parameter_invalid", param);
    }
    // The cursor need not match the filters.
    app.get(&format!(
        "/v1/customers?email=nobody@example.com&starting_after={mine}"
    ))
    .await
    .ok();
}

#[tokio::test]
async fn email_filter_is_exact_and_case_insensitive() {
    let app = spawn_app().await;
    let ama = app.customer(json!({"email": "Ama@Example.com"})).await;
    let ama2 = app.customer(json!({"email": "ama@example.com"})).await;
    app.customer(json!({"email": "ama@example.co"})).await;
    app.customer(json!({"email": "xama@example.com"})).await;
    assert_eq!(
        app.get("/v1/customers?email=AMA@EXAMPLE.COM").await.ids(),
        vec![ama2, ama]
    );
    assert!(app.get("/v1/customers?email=ama").await.ids().is_empty());
}

#[tokio::test]
async fn created_filters_take_iso_8601_or_unix_seconds() {
    let app = spawn_app().await;
    let id = app.customer(json!({})).await;
    let created_at = app.get(&format!("/v1/customers/{id}")).await.ok()["created_at"]
        .as_str()
        .unwrap()
        .to_owned();
    let at = domain::Timestamp::parse(&created_at).unwrap().unix_millis();
    let second = at / 1000;
    let iso_before = domain::Timestamp::from_unix_millis(at - 1)
        .unwrap()
        .to_string();
    let cases = [
        (format!("created[gte]={created_at}"), true),
        (format!("created[gt]={created_at}"), false),
        (format!("created[lte]={created_at}"), true),
        (format!("created[lt]={created_at}"), false),
        (format!("created[gt]={iso_before}"), true),
        (format!("created[gte]={second}"), true),
        (format!("created[lte]={}", second + 1), true),
        (format!("created[lt]={second}"), false),
        (format!("created[gte]={}", second + 1), false),
        (
            "created[gte]=2000-01-01T00:00:00Z&created[lte]=2999-01-01T00:00:00%2B01:00".to_owned(),
            true,
        ),
    ];
    for (query, found) in cases {
        let ids = app.get(&format!("/v1/customers?{query}")).await.ids();
        assert_eq!(ids.len(), usize::from(found), "{query}");
    }
    for param in ["created[gte]", "created[gt]", "created[lte]", "created[lt]"] {
        for bad in ["yesterday", "2024-13-45", "1e9", ""] {
            app.get(&format!("/v1/customers?{param}={bad}"))
                .await
                .invalid("parameter_invalid", param);
        }
    }
}

#[tokio::test]
async fn every_list_endpoint_takes_limit_cursors_and_created() {
    let app = spawn_app().await;
    let customer = app.customer(json!({})).await;
    let mut payments = Vec::new();
    let mut subscriptions = Vec::new();
    for _ in 0..5 {
        payments.push(
            app.post("/v1/payments", json!({"amount": 100, "customer": customer}))
                .await
                .ok()["id"]
                .as_str()
                .unwrap()
                .to_owned(),
        );
        let body = json!({"customer": customer, "amount": 100, "interval": "month"});
        subscriptions.push(
            app.post("/v1/subscriptions", body).await.ok()["id"]
                .as_str()
                .unwrap()
                .to_owned(),
        );
    }
    payments.reverse();
    subscriptions.reverse();
    for (path, want) in [
        ("/v1/payments".to_owned(), &payments),
        (format!("/v1/customers/{customer}/payments"), &payments),
        ("/v1/subscriptions".to_owned(), &subscriptions),
        (
            format!("/v1/customers/{customer}/subscriptions"),
            &subscriptions,
        ),
    ] {
        assert_eq!(&walk_forward(&app, &path, 2).await, want, "{path}");
        assert_eq!(
            walk_backward(&app, &path, 2, &want[4]).await,
            want[..4].to_vec(),
            "{path}"
        );
        let list = app
            .get(&format!(
                "{path}?created[gte]=2000-01-01T00:00:00Z&created[lt]=4102444800"
            ))
            .await;
        assert_eq!(&list.ids(), want);
        assert_eq!(list.body["url"], path);
        assert!(app
            .get(&format!("{path}?created[lt]=946684800"))
            .await
            .ids()
            .is_empty());
        app.get(&format!("{path}?limit=101"))
            .await
            .invalid("parameter_invalid", "limit");
        app.get(&format!("{path}?starting_after={customer}"))
            .await
            .invalid("resource_missing", "starting_after");
        app.get(&format!("{path}?created[gt]=never"))
            .await
            .invalid("parameter_invalid", "created[gt]");
    }
}

#[tokio::test]
async fn repeated_query_parameters_are_refused() {
    let app = spawn_app().await;
    app.get("/v1/customers?limit=1&limit=2")
        .await
        .invalid("parameter_invalid", "limit");
}
