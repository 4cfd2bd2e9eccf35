//! Merchant accounts and their secret keys: sign-up, password checks, key creation, rolling and
//! authentication.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};
use sqlx::any::AnyRow;
use sqlx::Row;

use super::random::{base62, object_id};
use super::sessions::LoginSubjects;
use super::{stored_time, Store};
use crate::error::{Error, Result};
use crate::merchant::{ApiKey, Merchant, MerchantForCreate, Mode, NewSecretKey, Tenant};
use crate::timestamp::Timestamp;

/// Session tokens (and keys stored before keyed digests) are found by this digest; the token
/// itself is never stored.
pub fn hash_secret(secret: &str) -> String {
    hex(&Sha256::digest(secret.as_bytes()))
}

pub(super) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

/// A secret key's public part: its mode prefix and the first 8 random characters.
fn key_lookup(secret: &str) -> Option<&str> {
    secret.get(..16)
}

/// The keyed digest stored for a secret key: HMAC-SHA256 under the server's key secret.
pub(crate) fn key_digest(key_secret: &[u8], secret: &str) -> String {
    hex(&key_mac(key_secret, secret).finalize().into_bytes())
}

fn key_mac(key_secret: &[u8], secret: &str) -> Hmac<Sha256> {
    let mut mac =
        Hmac::<Sha256>::new_from_slice(key_secret).expect("HMAC takes keys of any length");
    mac.update(secret.as_bytes());
    mac
}

/// Whether `secret` matches a stored keyed digest, compared in constant time.
fn key_matches(key_secret: &[u8], secret: &str, stored_hex: &str) -> bool {
    let stored: Option<Vec<u8>> = (0..stored_hex.len())
        .step_by(2)
        .map(|i| {
            stored_hex
                .get(i..i + 2)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        })
        .collect();
    stored.is_some_and(|stored| key_mac(key_secret, secret).verify_slice(&stored).is_ok())
}

/// A key's last use is written at most this often, so authentication stays a read.
const LAST_USED_RESOLUTION_MS: i64 = 60_000;

const KEY_COLUMNS: &str = "id, mode, redacted, created_at, last_used_at";

impl Store {
    /// Creates a merchant with one test and one live secret key, in one transaction.
    pub async fn create_merchant(
        &self,
        input: MerchantForCreate,
    ) -> Result<(Merchant, NewSecretKey, NewSecretKey)> {
        let password_hash = hash_password(input.password.expose().to_owned()).await?;
        let merchant = Merchant {
            id: object_id("acct_")?,
            email: input.email.as_str().to_owned(),
            business_name: input.business_name,
            created_at: self.now(),
        };
        let mut tx = self.writer.begin().await?;
        let inserted = sqlx::query(
            "INSERT INTO merchants (id, email, email_normalized, business_name, password_hash, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(&merchant.id)
        .bind(&merchant.email)
        .bind(input.email.normalized())
        .bind(&merchant.business_name)
        .bind(&password_hash)
        .bind(merchant.created_at.unix_millis())
        .execute(&mut *tx)
        .await;
        if let Err(error) = inserted {
            if error
                .as_database_error()
                .is_some_and(|e| e.is_unique_violation())
            {
                return Err(Error::invalid(
                    "email",
                    "An account with this email already exists.",
                ));
            }
            return Err(error.into());
        }
        let test = insert_key(
            &mut tx,
            &self.key_secret,
            &merchant.id,
            Mode::Test,
            merchant.created_at,
        )
        .await?;
        let live = insert_key(
            &mut tx,
            &self.key_secret,
            &merchant.id,
            Mode::Live,
            merchant.created_at,
        )
        .await?;
        tx.commit().await?;
        Ok((merchant, test, live))
    }

    /// The merchant whose email and password these are; one error for either being wrong.
    /// After repeated failures for the account, or from the client's `address`, further
    /// attempts are refused for a while, whatever the password.
    pub async fn verify_login(
        &self,
        email: &str,
        password: &str,
        address: Option<&str>,
    ) -> Result<Merchant> {
        let email = email.trim().to_lowercase();
        if email.contains('\0') {
            return Err(Error::InvalidCredentials);
        }
        let subjects = LoginSubjects {
            account: email.clone(),
            address: address.map(|address| format!("address:{address}")),
        };
        self.check_login_throttle(&subjects).await?;
        let row = sqlx::query(
            "SELECT id, email, business_name, created_at, password_hash FROM merchants \
             WHERE email_normalized = $1",
        )
        .bind(&email)
        .fetch_optional(&self.reader)
        .await?;
        let stored_hash = row
            .as_ref()
            .map(|row| row.try_get::<String, _>("password_hash"))
            .transpose()?;
        // Without an account the password is still checked against a dummy hash, so the
        // response time does not tell which of email or password was wrong.
        let matches = verify_password(password.to_owned(), stored_hash).await?;
        match (row, matches) {
            (Some(row), true) => {
                self.clear_login_failures(&subjects).await?;
                merchant_from_row(&row)
            }
            _ => {
                self.record_login_failure(&subjects).await?;
                Err(Error::InvalidCredentials)
            }
        }
    }

    /// The tenant a secret key acts for, or `None` for unknown and rolled keys. Keys are found
    /// by their public prefix and checked against their keyed digest in constant time. On
    /// SQLite, keys verified before are answered from memory by that digest, without a database
    /// round trip; on PostgreSQL another process may roll a key at any moment, so every request
    /// asks the database.
    pub async fn authenticate(&self, secret: &str) -> Result<Option<Tenant>> {
        let Some(lookup) = key_lookup(secret) else {
            return Ok(None);
        };
        // Keys are a mode prefix and base62; anything else (a NUL byte, which PostgreSQL text
        // cannot even hold, say) is no key, without asking the database.
        if !(lookup.starts_with("sk_test_") || lookup.starts_with("sk_live_"))
            || !secret
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_')
        {
            return Ok(None);
        }
        let digest = key_digest(&self.key_secret, secret);
        let verified_keys = self
            .single_process
            .as_ref()
            .map(|local| &local.verified_keys);
        if let Some(keys) = verified_keys {
            if let Some(known) = keys.get(&digest) {
                let last_used = self.note_key_use(&known.id, known.last_used).await?;
                let tenant = known.tenant.clone();
                keys.insert(digest, VerifiedKey { last_used, ..known });
                return Ok(Some(tenant));
            }
        }
        let candidates = sqlx::query(
            "SELECT id, merchant_id, mode, last_used_at, secret_hash FROM api_keys \
             WHERE lookup = $1 AND rolled_at IS NULL",
        )
        .bind(lookup)
        .fetch_all(&self.reader)
        .await?;
        let mut found = None;
        for row in candidates {
            if key_matches(
                &self.key_secret,
                secret,
                &row.try_get::<String, _>("secret_hash")?,
            ) {
                found = Some(row);
            }
        }
        let row = match found {
            Some(row) => row,
            None => match self.upgrade_legacy_key(secret).await? {
                Some(row) => row,
                None => return Ok(None),
            },
        };
        let mode: String = row.try_get("mode")?;
        let tenant = Tenant {
            merchant_id: row.try_get("merchant_id")?,
            mode: Mode::parse(&mode).ok_or(Error::Internal)?,
        };
        let id: String = row.try_get("id")?;
        let last_used = self.note_key_use(&id, row.try_get("last_used_at")?).await?;
        if let Some(keys) = verified_keys {
            keys.insert(
                digest,
                VerifiedKey {
                    id,
                    tenant: tenant.clone(),
                    last_used,
                },
            );
        }
        Ok(Some(tenant))
    }

    /// Records a key's use when the recorded one is older than the resolution; answers the
    /// last use now on record.
    async fn note_key_use(&self, key_id: &str, last_used: Option<i64>) -> Result<Option<i64>> {
        let now = self.now().unix_millis();
        if last_used.is_some_and(|at| now - at < LAST_USED_RESOLUTION_MS) {
            return Ok(last_used);
        }
        sqlx::query("UPDATE api_keys SET last_used_at = $1 WHERE id = $2")
            .bind(now)
            .bind(key_id)
            .execute(&self.writer)
            .await?;
        Ok(Some(now))
    }

    /// A key stored before keyed digests (plain SHA-256, no lookup) gets both on first use.
    async fn upgrade_legacy_key(&self, secret: &str) -> Result<Option<AnyRow>> {
        let row = sqlx::query(
            "SELECT id, merchant_id, mode, last_used_at FROM api_keys \
             WHERE lookup IS NULL AND secret_hash = $1 AND rolled_at IS NULL",
        )
        .bind(hash_secret(secret))
        .fetch_optional(&self.reader)
        .await?;
        if let Some(row) = &row {
            sqlx::query("UPDATE api_keys SET lookup = $1, secret_hash = $2 WHERE id = $3")
                .bind(key_lookup(secret))
                .bind(key_digest(&self.key_secret, secret))
                .bind(row.try_get::<String, _>("id")?)
                .execute(&self.writer)
                .await?;
        }
        Ok(row)
    }

    /// The tenant's usable secret keys, newest first.
    pub async fn list_api_keys(&self, tenant: &Tenant) -> Result<Vec<ApiKey>> {
        let rows = sqlx::query(&format!(
            "SELECT {KEY_COLUMNS} FROM api_keys WHERE merchant_id = $1 AND mode = $2 \
             AND rolled_at IS NULL ORDER BY created_at DESC, id"
        ))
        .bind(&tenant.merchant_id)
        .bind(tenant.mode.as_str())
        .fetch_all(&self.reader)
        .await?;
        rows.iter().map(api_key_from_row).collect()
    }

    /// A new secret key for the tenant; its full text is in the answer and nowhere else.
    pub async fn create_api_key(&self, tenant: &Tenant) -> Result<NewSecretKey> {
        let mut tx = self.writer.begin().await?;
        let key = insert_key(
            &mut tx,
            &self.key_secret,
            &tenant.merchant_id,
            tenant.mode,
            self.now(),
        )
        .await?;
        tx.commit().await?;
        Ok(key)
    }

    /// Replaces a key: the old one stops working at once, the new one is answered.
    pub async fn roll_api_key(&self, tenant: &Tenant, key_id: &str) -> Result<NewSecretKey> {
        let now = self.now();
        let mut tx = self.writer.begin().await?;
        let rolled = sqlx::query(
            "UPDATE api_keys SET rolled_at = $1 WHERE id = $2 AND merchant_id = $3 AND mode = $4 \
             AND rolled_at IS NULL",
        )
        .bind(now.unix_millis())
        .bind(key_id)
        .bind(&tenant.merchant_id)
        .bind(tenant.mode.as_str())
        .execute(&mut *tx)
        .await?;
        if rolled.rows_affected() == 0 {
            return Err(Error::not_found("api_key", key_id));
        }
        let key = insert_key(
            &mut tx,
            &self.key_secret,
            &tenant.merchant_id,
            tenant.mode,
            now,
        )
        .await?;
        tx.commit().await?;
        // The rolled key must stop working at once, also for requests it already authenticated.
        if let Some(local) = &self.single_process {
            local.verified_keys.clear();
        }
        Ok(key)
    }
}

/// A key this process has verified: which key, for whom, and its last recorded use.
#[derive(Debug, Clone)]
pub(super) struct VerifiedKey {
    id: String,
    tenant: Tenant,
    last_used: Option<i64>,
}

/// Verified keys by keyed digest (never by the secret itself). Only a roll takes a key out of
/// service, and on SQLite rolls go through this process's store, which clears the cache; the
/// cache is bounded by emptying it when full.
#[derive(Default)]
pub(super) struct VerifiedKeys(std::sync::Mutex<std::collections::HashMap<String, VerifiedKey>>);

impl VerifiedKeys {
    const CAPACITY: usize = 10_000;

    fn get(&self, digest: &str) -> Option<VerifiedKey> {
        self.0.lock().ok()?.get(digest).cloned()
    }

    fn insert(&self, digest: String, key: VerifiedKey) {
        if let Ok(mut keys) = self.0.lock() {
            if keys.len() >= Self::CAPACITY {
                keys.clear();
            }
            keys.insert(digest, key);
        }
    }

    fn clear(&self) {
        if let Ok(mut keys) = self.0.lock() {
            keys.clear();
        }
    }
}

async fn insert_key(
    tx: &mut sqlx::AnyConnection,
    key_secret: &[u8],
    merchant_id: &str,
    mode: Mode,
    now: Timestamp,
) -> Result<NewSecretKey> {
    let secret = format!("{}{}", mode.secret_key_prefix(), base62(32)?);
    let key = ApiKey {
        id: object_id("key_")?,
        mode,
        redacted: format!(
            "{}…{}",
            mode.secret_key_prefix(),
            &secret[secret.len() - 4..]
        ),
        created_at: now,
        last_used_at: None,
    };
    sqlx::query(
        "INSERT INTO api_keys (id, merchant_id, mode, lookup, secret_hash, redacted, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(&key.id)
    .bind(merchant_id)
    .bind(mode.as_str())
    .bind(key_lookup(&secret))
    .bind(key_digest(key_secret, &secret))
    .bind(&key.redacted)
    .bind(now.unix_millis())
    .execute(&mut *tx)
    .await?;
    Ok(NewSecretKey { key, secret })
}

fn merchant_from_row(row: &AnyRow) -> Result<Merchant> {
    Ok(Merchant {
        id: row.try_get("id")?,
        email: row.try_get("email")?,
        business_name: row.try_get("business_name")?,
        created_at: stored_time(row.try_get("created_at")?)?,
    })
}

fn api_key_from_row(row: &AnyRow) -> Result<ApiKey> {
    let mode: String = row.try_get("mode")?;
    Ok(ApiKey {
        id: row.try_get("id")?,
        mode: Mode::parse(&mode).ok_or(Error::Internal)?,
        redacted: row.try_get("redacted")?,
        created_at: stored_time(row.try_get("created_at")?)?,
        last_used_at: row
            .try_get::<Option<i64>, _>("last_used_at")?
            .map(stored_time)
            .transpose()?,
    })
}

/// Argon2id with the crate's default (OWASP-recommended) cost, off the async threads.
async fn hash_password(password: String) -> Result<String> {
    tokio::task::spawn_blocking(move || {
        let mut salt = [0u8; 16];
        getrandom::fill(&mut salt).map_err(|_| Error::Internal)?;
        let salt = SaltString::encode_b64(&salt).map_err(|_| Error::Internal)?;
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|hash| hash.to_string())
            .map_err(|_| Error::Internal)
    })
    .await
    .map_err(|_| Error::Internal)?
}

/// Checks a password against a stored hash, or against a dummy one when there is none.
async fn verify_password(password: String, stored_hash: Option<String>) -> Result<bool> {
    const DUMMY: &str = "$argon2id$v=19$m=19456,t=2,p=1$c2hpa2FkdW1teXNhbHQ$DMDoVHTxAMGd5V2NPdTeI/eR0Fmd5FqqNdDc4fS8mZY";
    tokio::task::spawn_blocking(move || {
        let has_account = stored_hash.is_some();
        let text = stored_hash.unwrap_or_else(|| DUMMY.to_owned());
        let hash = PasswordHash::new(&text).map_err(|_| Error::Internal)?;
        let ok = Argon2::default()
            .verify_password(password.as_bytes(), &hash)
            .is_ok();
        Ok(ok && has_account)
    })
    .await
    .map_err(|_| Error::Internal)?
}
