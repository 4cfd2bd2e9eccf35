-- Dashboard sessions and login throttling. A session's token is stored only as a hash; its mode
-- is the dashboard's test / live switch.

CREATE TABLE sessions (
    token_hash  TEXT COLLATE "C" PRIMARY KEY,
    merchant_id TEXT COLLATE "C" NOT NULL REFERENCES merchants (id),
    mode        TEXT COLLATE "C" NOT NULL CHECK (mode IN ('test', 'live')),
    created_at  BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL
);
CREATE INDEX sessions_by_expiry ON sessions (expires_at);

CREATE TABLE login_failures (
    email_normalized TEXT COLLATE "C" PRIMARY KEY,
    failures         BIGINT NOT NULL,
    last_failed_at   BIGINT NOT NULL
);
