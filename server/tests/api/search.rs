//! Finding customers over HTTP: `GET /v1/customers/search` (envelope, paging by `next_page`,
//! errors that say where), and the `phone` and `metadata[…]` filters of the list.

use serde_json::json;

use crate::helpers::{spawn_app, TestApp};

/// `text` percent-encoded for a query string.
fn encoded(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

async fn search(app: &TestApp, query: &str) -> crate::helpers::TestResponse {
    app.get(&format!("/v1/customers/search?query={}", encoded(query)))
        .await
}

#[tokio::test]
async fn search_answers_the_specs_example_in_its_envelope() {
    // Arrange
    let app = spawn_app().await;
    let gold = app
        .customer(json!({"name": "Kwame Mensah", "metadata": {"tier": "gold"}}))
        .await;
    app.customer(json!({"name": "Kwame Boateng", "metadata": {"tier": "silver"}}))
        .await;
    app.customer(json!({"name": "Ama Kwame-Nkrumah", "metadata": {"tier": "gold"}}))
        .await;

    // Act
    let answer = search(&app, r#"name~"kwame" AND metadata["tier"]:"gold""#).await;

    // Assert
    let body = answer.ok();
    assert_eq!(body["object"], "search_result");
    assert_eq!(body["url"], "/v1/customers/search");
    assert_eq!(body["has_more"], false);
    assert_eq!(body["next_page"], serde_json::Value::Null);
    let names: Vec<&str> = body["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Ama Kwame-Nkrumah", "Kwame Mensah"]);
    assert_eq!(answer.ids()[1], gold);
}

#[tokio::test]
async fn next_page_walks_every_match_once_and_bad_tokens_are_refused() {
    let app = spawn_app().await;
    let mut made = Vec::new();
    for i in 0..5 {
        made.push(
            app.customer(json!({"email": format!("esi{i}@example.com")}))
                .await,
        );
    }
    made.reverse();
    let mut seen = Vec::new();
    let mut path = format!(
        "/v1/customers/search?limit=2&query={}",
        encoded("email~esi")
    );
    loop {
        let page = app.get(&path).await;
        seen.extend(page.ids());
        // Created between pages: newer than every page already walked.
        app.customer(json!({"email": "esi.late@example.com"})).await;
        match page.body["next_page"].as_str() {
            Some(token) => {
                assert_eq!(page.body["has_more"], true);
                path = format!(
                    "/v1/customers/search?limit=2&query={}&page={token}",
                    encoded("email~esi")
                );
            }
            None => {
                assert_eq!(page.body["has_more"], false);
                break;
            }
        }
    }
    assert_eq!(seen, made);

    let query = encoded("email~esi");
    for bad in ["nope", "pg_", "cus_123", "pg_1"] {
        app.get(&format!("/v1/customers/search?query={query}&page={bad}"))
            .await
            .invalid("parameter_invalid", "page");
    }
    app.get(&format!("/v1/customers/search?query={query}&limit=0"))
        .await
        .invalid("parameter_invalid", "limit");
    app.get(&format!(
        "/v1/customers/search?query={query}&starting_after=cus_1"
    ))
    .await
    .invalid("parameter_unknown", "starting_after");
}

#[tokio::test]
async fn a_query_that_does_not_parse_says_where_and_what_was_expected() {
    let app = spawn_app().await;
    for (query, words) in [
        ("name=kwame", "expected an operator after name"),
        ("colour:red", "unknown field 'colour' at character 1"),
        (r#"name:"kwame"#, "never closed"),
        ("name~ab", "at least 3 characters"),
        ("name:a AND email:b OR phone:0241234567", "not both"),
        ("phone:abc", "not a phone number"),
    ] {
        let answer = search(&app, query).await;
        answer.invalid("parameter_invalid", "query");
        let message = answer.body["error"]["message"].as_str().unwrap();
        assert!(message.contains(words), "{query}: {message}");
        assert!(message.contains("character"), "{query}: {message}");
    }
    app.get("/v1/customers/search")
        .await
        .invalid("parameter_missing", "query");
}

#[tokio::test]
async fn phones_match_however_they_are_typed_and_come_back_as_given() {
    let app = spawn_app().await;
    let id = app
        .customer(json!({"name": "Kwame", "phone": "024 123 4567"}))
        .await;
    app.customer(json!({"name": "Ama", "phone": "0201112222"}))
        .await;

    let retrieved = app.get(&format!("/v1/customers/{id}")).await;
    assert_eq!(retrieved.ok()["phone"], "024 123 4567");
    for typed in [
        "0241234567",
        "024 123 4567",
        "+233 24 123 4567",
        "233241234567",
    ] {
        assert_eq!(
            search(&app, &format!("phone:\"{typed}\"")).await.ids(),
            vec![id.clone()],
            "{typed}"
        );
        let listed = app
            .get(&format!("/v1/customers?phone={}", encoded(typed)))
            .await;
        assert_eq!(listed.ids(), vec![id.clone()], "{typed}");
    }
    app.get("/v1/customers?phone=kofi")
        .await
        .invalid("parameter_invalid", "phone");
}

#[tokio::test]
async fn lists_filter_by_metadata_with_the_other_filters_and_cursors() {
    let app = spawn_app().await;
    let a = app
        .customer(json!({"email": "a@example.com", "metadata": {"order_id": "42", "tier": "gold"}}))
        .await;
    let b = app
        .customer(json!({"email": "b@example.com", "metadata": {"order_id": "42"}}))
        .await;
    app.customer(json!({"email": "c@example.com", "metadata": {"order_id": "43"}}))
        .await;

    let list = app.get("/v1/customers?metadata[order_id]=42").await;
    assert_eq!(list.ids(), vec![b.clone(), a.clone()]);
    let both = app
        .get("/v1/customers?metadata[order_id]=42&metadata[tier]=gold")
        .await;
    assert_eq!(both.ids(), vec![a.clone()]);
    let with_email = app
        .get("/v1/customers?metadata[order_id]=42&email=B@example.com")
        .await;
    assert_eq!(with_email.ids(), vec![b.clone()]);
    let page = app.get("/v1/customers?metadata[order_id]=42&limit=1").await;
    assert_eq!(
        (page.ids(), &page.body["has_more"]),
        (vec![b.clone()], &json!(true))
    );
    let next = app
        .get(&format!(
            "/v1/customers?metadata[order_id]=42&limit=1&starting_after={b}"
        ))
        .await;
    assert_eq!(
        (next.ids(), &next.body["has_more"]),
        (vec![a], &json!(false))
    );

    let long_key = "k".repeat(41);
    app.get(&format!("/v1/customers?metadata[{long_key}]=1"))
        .await
        .invalid("parameter_invalid", &format!("metadata[{long_key}]"));
    app.get("/v1/customers?metadata[a%5Bb]=1")
        .await
        .invalid("parameter_invalid", "metadata[a[b]");
    app.get("/v1/customers?metadata[tier]=")
        .await
        .invalid("parameter_invalid", "metadata[tier]");
}

#[tokio::test]
async fn another_merchants_or_the_other_modes_customers_are_never_found() {
    let app = spawn_app().await;
    app.customer(json!({"name": "Kwame", "phone": "0241234567", "metadata": {"t": "1"}}))
        .await;
    for key in [app.keys.live.clone(), app.other.test.clone()] {
        for path in [
            format!("/v1/customers/search?query={}", encoded("name~kwame")),
            format!("/v1/customers/search?query={}", encoded("phone:0241234567")),
            "/v1/customers?metadata[t]=1".to_owned(),
            "/v1/customers?phone=0241234567".to_owned(),
        ] {
            let answer = app.call(axum::http::Method::GET, &path, &key, None).await;
            assert_eq!(answer.ids(), Vec::<String>::new(), "{path}");
        }
    }
}
