-- Dashboard sessions and login throttling. A session's token is stored only as a hash; its mode
-- is the dashboard's test / live switch.

CREATE TABLE sessions (
    token_hash  TEXT PRIMARY KEY,
    merchant_id TEXT NOT NULL REFERENCES merchants (id),
    mode        TEXT NOT NULL CHECK (mode IN ('test', 'live')),
    created_at  BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL
);
CREATE INDEX sessions_by_expiry ON sessions (expires_at);

CREATE TABLE login_failures (
    email_normalized TEXT PRIMARY KEY,
    failures         BIGINT NOT NULL,
    last_failed_at   BIGINT NOT NULL
);
