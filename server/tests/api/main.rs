//! API tests: the whole router driven in-process through `tower::ServiceExt::oneshot`, each
//! test with its own fresh database (a SQLite file, or a PostgreSQL database when
//! `SHIKA_TEST_POSTGRES_URL` is set) and merchants, plus tests of the real binary over TCP.

mod auth;
pub mod binary;
mod customers;
mod errors;
mod helpers;
mod hostile;
mod idempotency;
mod isolation;
mod lists;
mod openapi;
mod payments;
mod reliability;
mod scale;
mod search;
mod subscriptions;
mod transfer;
mod transport;
mod web;
mod webhooks;
