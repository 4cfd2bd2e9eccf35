//! API tests: the whole router driven in-process through `tower::ServiceExt::oneshot`, each
//! test with its own fresh SQLite file and merchants, plus one test of the real binary over TCP.

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
mod subscriptions;
mod transport;
mod web;
