-- Responses to POSTs sent with an Idempotency-Key, kept 24 hours per merchant and mode. A row
-- without a status is a request still running.
CREATE TABLE idempotency_keys (
    merchant_id  TEXT COLLATE "C" NOT NULL REFERENCES merchants (id),
    mode         TEXT COLLATE "C" NOT NULL CHECK (mode IN ('test', 'live')),
    key          TEXT COLLATE "C" NOT NULL,
    request_hash TEXT NOT NULL,
    status       BIGINT,
    body         TEXT,
    created_at   BIGINT NOT NULL,
    PRIMARY KEY (merchant_id, mode, key)
);
CREATE INDEX idempotency_keys_by_age ON idempotency_keys (created_at);
