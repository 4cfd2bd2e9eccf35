//! Search and the `phone` and `metadata[…]` list filters on a real database (SQLite, or
//! PostgreSQL when `SHIKA_TEST_POSTGRES_URL` is set): what each clause finds, that every write
//! is searchable at once, paging, tenancy, and the query plans.

use serde_json::json;
use sqlx::Row;

use super::customers::customers_query;
use super::search::search_sql;
use super::testing::TestDatabase;
use super::tests::{body, merchant, open_store};
use super::{Backend, Store};
use crate::list::QueryParams;
use crate::*;

async fn make(store: &Store, tenant: &Tenant, fields: serde_json::Value) -> Customer {
    let input = CustomerForCreate::from_json(&body(fields)).unwrap();
    store.insert_customer(tenant, input).await.unwrap()
}

fn params(pairs: &[(&str, &str)]) -> QueryParams {
    QueryParams::parse(pairs.iter().map(|(k, v)| (k.to_string(), v.to_string()))).unwrap()
}

fn search(query: &str) -> CustomerSearch {
    CustomerSearch::from_query(params(&[("query", query)])).unwrap()
}

/// The names (else emails) of what `query` finds, newest first.
async fn found(store: &Store, tenant: &Tenant, query: &str) -> Vec<String> {
    let page = store
        .search_customers(tenant, &search(query))
        .await
        .unwrap();
    assert_eq!(page.next_page, None, "{query}: one page");
    page.data
        .iter()
        .map(|c| c.display_name().to_owned())
        .collect()
}

async fn listed(store: &Store, tenant: &Tenant, pairs: &[(&str, &str)]) -> Vec<String> {
    let filter = CustomerFilter::from_query(params(pairs)).unwrap();
    let page = store.list_customers(tenant, &filter).await.unwrap();
    page.data
        .iter()
        .map(|c| c.display_name().to_owned())
        .collect()
}

/// Three customers, oldest first: Kwame, Ama, Kofi.
async fn three(store: &Store, tenant: &Tenant) -> [Customer; 3] {
    [
        make(
            store,
            tenant,
            json!({"name": "Kwame Mensah", "email": "kwame@gmail.com", "phone": "0241234567",
                   "metadata": {"tier": "gold"}}),
        )
        .await,
        make(
            store,
            tenant,
            json!({"name": "Ama Owusu", "email": "Ama@Yahoo.com", "phone": "+233 20 111 2222",
                   "metadata": {"tier": "silver", "order_id": "ORD-77"}}),
        )
        .await,
        make(
            store,
            tenant,
            json!({"name": "Kofi Kwarteng", "email": "kofi@gmail.com"}),
        )
        .await,
    ]
}

#[tokio::test]
async fn each_kind_of_clause_finds_what_it_says() {
    let (store, _db) = open_store().await;
    let (tenant, _, _) = merchant(&store, "m@example.com").await;
    let customers = three(&store, &tenant).await;
    // Whole, distinct seconds, so that the comparisons below do not depend on the clock.
    for (customer, seconds) in customers.iter().zip([1_000_i64, 2_000, 3_000]) {
        for table in ["customers", "customer_metadata"] {
            let seq = "(SELECT seq FROM customers WHERE id = $2)";
            let key = if table == "customers" {
                "seq"
            } else {
                "customer_seq"
            };
            sqlx::query(&format!(
                "UPDATE {table} SET created_at = $1 WHERE {key} = {seq}"
            ))
            .bind(seconds * 1000)
            .bind(&customer.id)
            .execute(&store.writer)
            .await
            .unwrap();
        }
    }
    let ama = Timestamp::from_unix_millis(2_000_000).unwrap();
    let cases: Vec<(String, Vec<&str>)> = vec![
        (
            r#"name~"kwa""#.into(),
            vec!["Kofi Kwarteng", "Kwame Mensah"],
        ),
        (r#"name~"MENSAH""#.into(), vec!["Kwame Mensah"]),
        (
            r#"email~"gmail""#.into(),
            vec!["Kofi Kwarteng", "Kwame Mensah"],
        ),
        (r#"email~"YAHOO.C""#.into(), vec!["Ama Owusu"]),
        (r#"email:"AMA@yahoo.com""#.into(), vec!["Ama Owusu"]),
        (r#"name:"ama owusu""#.into(), vec!["Ama Owusu"]),
        (r#"name:"ama""#.into(), vec![]),
        (r#"name:"am""#.into(), vec![]),
        (r#"phone:"024 123 4567""#.into(), vec!["Kwame Mensah"]),
        (r#"phone:"233241234567""#.into(), vec!["Kwame Mensah"]),
        (r#"phone:"0201112222""#.into(), vec!["Ama Owusu"]),
        (r#"metadata["tier"]:"GOLD""#.into(), vec!["Kwame Mensah"]),
        (r#"metadata["order_id"]:"ord-77""#.into(), vec!["Ama Owusu"]),
        (r#"metadata["tier"]:"bronze""#.into(), vec![]),
        (r#"-email~"gmail""#.into(), vec!["Ama Owusu"]),
        // A customer without a phone is not that phone.
        (
            r#"-phone:"0241234567""#.into(),
            vec!["Kofi Kwarteng", "Ama Owusu"],
        ),
        (
            r#"name~"kwa" AND metadata["tier"]:"gold""#.into(),
            vec!["Kwame Mensah"],
        ),
        (
            r#"name~"owusu" OR phone:"0241234567""#.into(),
            vec!["Ama Owusu", "Kwame Mensah"],
        ),
        (
            format!("created>={}", ama),
            vec!["Kofi Kwarteng", "Ama Owusu"],
        ),
        (format!("created>{}", ama), vec!["Kofi Kwarteng"]),
        (format!("created<\"{}\"", ama), vec!["Kwame Mensah"]),
        (
            format!("created<={}", ama),
            vec!["Ama Owusu", "Kwame Mensah"],
        ),
        // LIKE's and FTS5's own syntax is only text here.
        (r#"name~"%%%""#.into(), vec![]),
        (r#"name~"a_o""#.into(), vec![]),
        (r#"name~"* OR""#.into(), vec![]),
    ];
    for (query, expected) in cases {
        assert_eq!(found(&store, &tenant, &query).await, expected, "{query}");
    }
}

#[tokio::test]
async fn quotes_and_other_characters_are_found_literally() {
    let (store, _db) = open_store().await;
    let (tenant, _, _) = merchant(&store, "m@example.com").await;
    make(
        &store,
        &tenant,
        json!({"name": r#"Akua "DJ" 50% Boateng_Jr"#}),
    )
    .await;
    make(&store, &tenant, json!({"name": "Akua Boateng"})).await;
    for query in [r#"name~"\"dj\"""#, r#"name~"50%""#, r#"name~"g_jr""#] {
        assert_eq!(
            found(&store, &tenant, query).await,
            vec![r#"Akua "DJ" 50% Boateng_Jr"#],
            "{query}"
        );
    }
}

#[tokio::test]
async fn every_write_is_searchable_at_once() {
    let (store, _db) = open_store().await;
    let (tenant, _, _) = merchant(&store, "m@example.com").await;
    let kwame = make(
        &store,
        &tenant,
        json!({"name": "Kwame Mensah", "phone": "0241234567", "metadata": {"tier": "gold"}}),
    )
    .await;
    assert_eq!(found(&store, &tenant, "name~kwame").await, ["Kwame Mensah"]);

    let update = CustomerForUpdate::from_json(&body(json!({
        "name": "Yaw Mensah", "email": "yaw@example.com", "phone": "050 999 8888",
        "metadata": {"tier": "silver"}
    })))
    .unwrap();
    store
        .update_customer(&tenant, &kwame.id, update)
        .await
        .unwrap();
    for (query, expected) in [
        ("name~kwame", vec![]),
        ("name~yaw", vec!["Yaw Mensah"]),
        ("email~yaw@", vec!["Yaw Mensah"]),
        ("phone:0241234567", vec![]),
        ("phone:+233509998888", vec!["Yaw Mensah"]),
        (r#"metadata["tier"]:gold"#, vec![]),
        (r#"metadata["tier"]:silver"#, vec!["Yaw Mensah"]),
    ] {
        assert_eq!(found(&store, &tenant, query).await, expected, "{query}");
    }
    assert_eq!(
        listed(&store, &tenant, &[("metadata[tier]", "silver")]).await,
        ["Yaw Mensah"]
    );

    store.delete_customer(&tenant, &kwame.id).await.unwrap();
    for query in ["name~yaw", "phone:0509998888", r#"metadata["tier"]:silver"#] {
        assert!(found(&store, &tenant, query).await.is_empty(), "{query}");
    }
    assert!(listed(&store, &tenant, &[("metadata[tier]", "silver")])
        .await
        .is_empty());
}

#[tokio::test]
async fn imported_customers_are_searchable() {
    let (store, _db) = open_store().await;
    let (tenant, _, _) = merchant(&store, "m@example.com").await;
    let inputs = ["Esi Asante", "Yaa Asantewaa"].map(|name| {
        CustomerForCreate::from_json(&body(json!({
            "name": name, "phone": "027 555 0000", "metadata": {"src": "csv"}
        })))
        .unwrap()
    });
    store.import_customers(&tenant, inputs).await.unwrap();
    assert_eq!(
        found(&store, &tenant, "name~asante").await,
        ["Yaa Asantewaa", "Esi Asante"]
    );
    assert_eq!(found(&store, &tenant, "phone:+233275550000").await.len(), 2);
    assert_eq!(
        listed(&store, &tenant, &[("metadata[src]", "csv")])
            .await
            .len(),
        2
    );
}

#[tokio::test]
async fn pages_hold_every_match_once_while_customers_are_created() {
    let (store, _db) = open_store().await;
    let (tenant, _, _) = merchant(&store, "m@example.com").await;
    let mut matching = Vec::new();
    for i in 0..7 {
        matching.push(
            make(&store, &tenant, json!({"name": format!("Adjoa {i}")}))
                .await
                .id,
        );
        make(&store, &tenant, json!({"name": format!("Other {i}")})).await;
    }
    matching.reverse();
    let mut seen = Vec::new();
    let mut page_token: Option<String> = None;
    loop {
        let mut pairs = vec![
            ("query", "name~adjoa".to_owned()),
            ("limit", "3".to_owned()),
        ];
        if let Some(token) = &page_token {
            pairs.push(("page", token.clone()));
        }
        let query = QueryParams::parse(pairs.iter().map(|(k, v)| (k.to_string(), v.clone())));
        let search = CustomerSearch::from_query(query.unwrap()).unwrap();
        let page = store.search_customers(&tenant, &search).await.unwrap();
        seen.extend(page.data.iter().map(|c| c.id.clone()));
        // Newer matches made between pages belong before the first page, not in later ones.
        make(&store, &tenant, json!({"name": "Adjoa late"})).await;
        match page.next_page {
            Some(token) => page_token = Some(token.to_string()),
            None => break,
        }
    }
    assert_eq!(seen, matching);
}

#[tokio::test]
async fn search_and_filters_keep_to_their_merchant_and_mode() {
    let (store, _db) = open_store().await;
    let (test, live, _) = merchant(&store, "a@example.com").await;
    let (other, _, _) = merchant(&store, "b@example.com").await;
    let fields =
        json!({"name": "Kwame Mensah", "phone": "0241234567", "metadata": {"tier": "gold"}});
    make(&store, &test, fields.clone()).await;
    for tenant in [&live, &other] {
        for query in ["name~kwame", "phone:0241234567", r#"metadata["tier"]:gold"#] {
            assert!(found(&store, tenant, query).await.is_empty(), "{query}");
        }
        assert!(listed(&store, tenant, &[("metadata[tier]", "gold")])
            .await
            .is_empty());
        assert!(listed(&store, tenant, &[("phone", "0241234567")])
            .await
            .is_empty());
    }
    assert_eq!(found(&store, &test, "name~kwame").await.len(), 1);
}

#[tokio::test]
async fn lists_filter_by_phone_and_metadata_pairs_with_cursors() {
    let (store, _db) = open_store().await;
    let (tenant, _, _) = merchant(&store, "m@example.com").await;
    let mut gold = Vec::new();
    for (i, tier) in ["gold", "silver", "gold", "gold", "Gold"]
        .iter()
        .enumerate()
    {
        let c = make(
            &store,
            &tenant,
            json!({"name": format!("C{i}"), "email": format!("c{i}@example.com"),
                   "phone": if i == 2 { "+233 24 000 0002" } else { "0200000000" },
                   "metadata": {"tier": tier, "n": i.to_string()}}),
        )
        .await;
        if *tier == "gold" {
            gold.push(c.id);
        }
    }
    // Exact: "Gold" is not "gold".
    assert_eq!(
        listed(&store, &tenant, &[("metadata[tier]", "gold")]).await,
        ["C3", "C2", "C0"]
    );
    let first = listed(
        &store,
        &tenant,
        &[("metadata[tier]", "gold"), ("limit", "2")],
    )
    .await;
    assert_eq!(first, ["C3", "C2"]);
    assert_eq!(
        listed(
            &store,
            &tenant,
            &[("metadata[tier]", "gold"), ("starting_after", &gold[2])]
        )
        .await,
        ["C2", "C0"]
    );
    assert_eq!(
        listed(
            &store,
            &tenant,
            &[("metadata[tier]", "gold"), ("ending_before", &gold[0])]
        )
        .await,
        ["C3", "C2"]
    );
    let both = [("metadata[tier]", "gold"), ("metadata[n]", "2")];
    assert_eq!(listed(&store, &tenant, &both).await, ["C2"]);
    assert_eq!(
        listed(
            &store,
            &tenant,
            &[("metadata[tier]", "gold"), ("email", "C3@example.com")]
        )
        .await,
        ["C3"]
    );
    assert_eq!(
        listed(&store, &tenant, &[("phone", "024 000 0002")]).await,
        ["C2"]
    );
    assert_eq!(
        listed(
            &store,
            &tenant,
            &[("phone", "+233200000000"), ("metadata[tier]", "gold")]
        )
        .await,
        ["C3", "C0"]
    );
    let created_from = format!(
        "{}",
        store
            .find_customer(&tenant, &gold[1])
            .await
            .unwrap()
            .created_at
    );
    assert_eq!(
        listed(
            &store,
            &tenant,
            &[("metadata[tier]", "gold"), ("created[gte]", &created_from)]
        )
        .await,
        ["C3", "C2"]
    );
    // An unknown cursor is still refused with its name.
    let filter = CustomerFilter::from_query(params(&[
        ("metadata[tier]", "x"),
        ("starting_after", "cus_no"),
    ]))
    .unwrap();
    let error = store.list_customers(&tenant, &filter).await.unwrap_err();
    assert_eq!(error.param(), Some("starting_after"));
}

#[tokio::test]
async fn phones_stored_before_the_e164_column_are_filled_in_on_open() {
    let database = TestDatabase::new();
    let store = Store::open(&database.url).await.unwrap();
    let (tenant, _, _) = merchant(&store, "m@example.com").await;
    make(
        &store,
        &tenant,
        json!({"name": "Old", "phone": "024 123 4567"}),
    )
    .await;
    sqlx::query("UPDATE customers SET phone_e164 = NULL")
        .execute(&store.writer)
        .await
        .unwrap();
    assert!(listed(&store, &tenant, &[("phone", "0241234567")])
        .await
        .is_empty());
    store.close().await;

    let reopened = Store::open(&database.url).await.unwrap();
    assert_eq!(
        listed(&reopened, &tenant, &[("phone", "0241234567")]).await,
        ["Old"]
    );
}

/// Every search shape the dashboard and the benchmarks rely on, and each list filtered by
/// metadata, as SQL after `prefix`.
async fn queries_that_must_use_indexes(
    store: &Store,
    prefix: &str,
) -> Vec<(String, super::sql::Sql)> {
    let (tenant, _, _) = merchant(store, "m@example.com").await;
    let c = make(
        store,
        &tenant,
        json!({"name": "Kwame", "metadata": {"tier": "gold"}}),
    )
    .await;
    let mut queries = Vec::new();
    for query in [
        r#"name~"kwame""#,
        r#"email~"gmail""#,
        r#"name:"kwame mensah""#,
        r#"email:"kwame@gmail.com""#,
        r#"phone:"024 123 4567""#,
        r#"metadata["tier"]:"gold""#,
        r#"name~"kwame" AND metadata["tier"]:"gold""#,
        r#"name~"024 123 4567" OR email~"024 123 4567" OR phone:"024 123 4567""#,
    ] {
        let mut with_page = search(query);
        with_page.page = Some(PageToken {
            created_at: 1,
            seq: 1,
        });
        for s in [search(query), with_page] {
            queries.push((
                format!("search {query} {:?}", s.page),
                search_sql(store.backend(), &tenant, &s, prefix),
            ));
        }
    }
    for pairs in [
        vec![("metadata[tier]", "gold")],
        vec![("metadata[tier]", "gold"), ("metadata[n]", "1")],
        vec![
            ("metadata[tier]", "gold"),
            ("starting_after", c.id.as_str()),
        ],
        vec![("metadata[tier]", "gold"), ("ending_before", c.id.as_str())],
        vec![("metadata[tier]", "gold"), ("created[gte]", "1700000000")],
        vec![("phone", "0241234567")],
        vec![("phone", "0241234567"), ("starting_after", c.id.as_str())],
    ] {
        let filter = CustomerFilter::from_query(params(&pairs)).unwrap();
        queries.push((
            format!("list {pairs:?}"),
            customers_query(&tenant, &filter).build(prefix),
        ));
    }
    queries
}

/// A search sorts its matches (there is no index in both the trigrams' and the list's order),
/// but never reads the whole table; a list filtered by metadata or phone walks an index in its
/// own order, with nothing to sort.
#[tokio::test]
async fn searches_and_new_filters_use_their_indexes_on_sqlite() {
    let database = TestDatabase::sqlite();
    let store = Store::open(&database.url).await.unwrap();
    for (name, sql) in queries_that_must_use_indexes(&store, "EXPLAIN QUERY PLAN ").await {
        let rows = sql.query().fetch_all(&store.reader).await.unwrap();
        let plan: Vec<String> = rows
            .iter()
            .map(|row| row.get::<String, _>("detail"))
            .collect();
        assert!(
            plan.iter().all(|line| !line.starts_with("SCAN customers")
                && !line.starts_with("SCAN customer_metadata")),
            "{name}: {plan:?}"
        );
        // Walking the tenant's whole list to test each customer is a scan by another name.
        if name.starts_with("search") {
            assert!(
                plan.iter().all(|line| !line.contains("customers_newest")),
                "{name}: {plan:?}"
            );
        }
        if name.starts_with("list") {
            assert!(
                plan.iter().all(|line| !line.contains("TEMP B-TREE")),
                "{name}: {plan:?}"
            );
        }
    }
}

#[tokio::test]
#[ignore = "needs PostgreSQL: make test runs it against a throw-away server"]
async fn searches_and_new_filters_use_their_indexes_on_postgres() {
    let (store, database) = open_store().await;
    assert_eq!(database.backend(), Backend::Postgres);
    let mut connection = store.reader.acquire().await.unwrap();
    sqlx::raw_sql("SET enable_seqscan = off")
        .execute(&mut *connection)
        .await
        .unwrap();
    for (name, sql) in queries_that_must_use_indexes(&store, "EXPLAIN ").await {
        let rows = sql.query().fetch_all(&mut *connection).await.unwrap();
        let plan: Vec<String> = rows.iter().map(|row| row.get::<String, _>(0)).collect();
        assert!(
            plan.iter().all(|line| !line.contains("Seq Scan")),
            "{name}: {plan:?}"
        );
    }
}
