//! Shika's domain: the objects merchants and API consumers work with, the rules their input must
//! follow, the errors both doors (REST and dashboard) report, and — behind the `store` feature —
//! the database that keeps them.
//!
//! Everything outside `store` compiles to wasm32, so the dashboard's browser code shares these
//! types and messages with the server.

pub mod customer;
pub mod customer_csv;
pub mod error;
pub mod event;
pub mod fields;
pub mod health;
pub mod idempotency;
pub mod list;
pub mod merchant;
#[cfg(feature = "openapi")]
pub mod openapi;
pub mod payment;
pub mod phone;
pub mod search;
pub mod subscription;
pub mod timestamp;
pub mod webhook;

#[cfg(feature = "store")]
pub mod store;

pub use customer::{
    Customer, CustomerFilter, CustomerForCreate, CustomerForUpdate, DeletedCustomer,
};
pub use error::{Error, Result};
pub use event::{Event, EventData, EventFilter, EventSelector, EventType};
pub use fields::{Change, Email, Metadata, MetadataChange, Name, Phone};
pub use health::DatabaseHealth;
pub use idempotency::{IdempotencyKey, IdempotentStart};
pub use list::{CreatedRange, Cursor, Limit, List, ListParams, Page, QueryParams};
pub use merchant::{ApiKey, Merchant, MerchantForCreate, Mode, NewSecretKey, SignedIn, Tenant};
pub use payment::{Currency, Payment, PaymentFilter, PaymentForCreate};
pub use phone::{MobileNetwork, PhoneCountry, E164};
pub use search::{CustomerSearch, PageToken, SearchPage, SearchQuery, SearchResult};
pub use subscription::{
    Interval, Subscription, SubscriptionFilter, SubscriptionForCreate, SubscriptionStatus,
};
pub use timestamp::Timestamp;
pub use webhook::{
    DeletedWebhookEndpoint, Delivery, DeliveryStatus, EndpointStatus, RetrySchedule,
    WebhookEndpoint, WebhookEndpointForCreate, WebhookEndpointForUpdate,
};
