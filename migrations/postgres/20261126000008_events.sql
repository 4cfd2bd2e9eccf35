-- Events and webhooks, as the SQLite migration of the same version. Each change writes its event
-- (and the event's deliveries) in its own transaction. `resource` ('customer' for
-- 'customer.updated') and `customer_id` (the customer an event is about, for a customer's
-- Activity) let lists filter through an index in list order.
CREATE TABLE events (
    seq         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id          TEXT COLLATE "C" NOT NULL UNIQUE,
    merchant_id TEXT COLLATE "C" NOT NULL REFERENCES merchants (id),
    mode        TEXT COLLATE "C" NOT NULL CHECK (mode IN ('test', 'live')),
    type        TEXT COLLATE "C" NOT NULL,
    resource    TEXT COLLATE "C" NOT NULL,
    customer_id TEXT COLLATE "C",
    data        TEXT NOT NULL,
    created_at  BIGINT NOT NULL
);
CREATE INDEX events_newest ON events (merchant_id, mode, created_at, seq);
CREATE INDEX events_by_type ON events (merchant_id, mode, type, created_at, seq);
CREATE INDEX events_by_resource ON events (merchant_id, mode, resource, created_at, seq);
CREATE INDEX events_by_customer ON events (merchant_id, mode, customer_id, created_at, seq);

-- `secret` signs; after a roll `previous_secret` signs too until `previous_secret_until`.
CREATE TABLE webhook_endpoints (
    seq                   BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id                    TEXT COLLATE "C" NOT NULL UNIQUE,
    merchant_id           TEXT COLLATE "C" NOT NULL REFERENCES merchants (id),
    mode                  TEXT COLLATE "C" NOT NULL CHECK (mode IN ('test', 'live')),
    url                   TEXT NOT NULL,
    enabled_events        TEXT NOT NULL,
    description           TEXT,
    status                TEXT COLLATE "C" NOT NULL CHECK (status IN ('enabled', 'disabled')),
    metadata              TEXT NOT NULL,
    secret                TEXT NOT NULL,
    previous_secret       TEXT,
    previous_secret_until BIGINT,
    created_at            BIGINT NOT NULL,
    updated_at            BIGINT NOT NULL
);
CREATE INDEX webhook_endpoints_newest ON webhook_endpoints (merchant_id, mode, created_at, seq);

-- One event's delivery to one endpoint. A pending delivery is due at `next_attempt_at`; while a
-- process attempts it (since `claimed_at`), `next_attempt_at` is the end of that process's lease,
-- so an attempt cut off by a crash is made again once the lease runs out. `body` is set only for test events,
-- which are not in `events`. Deleting an endpoint deletes its deliveries in the same
-- transaction (there is no foreign key, so that a change racing the delete cannot fail on it).
CREATE TABLE webhook_deliveries (
    seq                  BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    event_id             TEXT COLLATE "C" NOT NULL,
    endpoint_id          TEXT COLLATE "C" NOT NULL,
    status               TEXT COLLATE "C" NOT NULL CHECK (status IN ('pending', 'succeeded', 'failed')),
    attempts             INTEGER NOT NULL DEFAULT 0,
    failures             INTEGER NOT NULL DEFAULT 0,
    next_attempt_at      BIGINT,
    claimed_at           BIGINT,
    last_response_status INTEGER,
    last_error           TEXT,
    body                 TEXT,
    created_at           BIGINT NOT NULL,
    updated_at           BIGINT NOT NULL,
    UNIQUE (endpoint_id, event_id)
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE status = 'pending';
CREATE INDEX webhook_deliveries_by_endpoint ON webhook_deliveries (endpoint_id, created_at, seq);

CREATE TABLE webhook_attempts (
    seq             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    delivery_seq    BIGINT NOT NULL REFERENCES webhook_deliveries (seq) ON DELETE CASCADE,
    attempted_at    BIGINT NOT NULL,
    response_status INTEGER,
    error           TEXT,
    duration_ms     BIGINT NOT NULL,
    response_body   TEXT
);
CREATE INDEX webhook_attempts_by_delivery ON webhook_attempts (delivery_seq, seq);
