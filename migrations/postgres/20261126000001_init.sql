-- Shika's schema on PostgreSQL: the SQLite migrations of the same versions, column for column, so
-- the same queries run on both. Times are Unix milliseconds (BIGINT), modes 'test' / 'live' (TEXT).
-- `seq` breaks ties between objects created in the same millisecond so lists keep strict creation
-- order; here it is an identity column where SQLite has its INTEGER PRIMARY KEY row id.
-- Identifiers and codes compare byte by byte (COLLATE "C"), as on SQLite, whatever the database's
-- locale: they are only ever matched, never sorted for people, and byte comparison is the
-- cheapest for every index probe.

CREATE TABLE merchants (
    id               TEXT COLLATE "C" PRIMARY KEY,
    email            TEXT NOT NULL,
    email_normalized TEXT COLLATE "C" NOT NULL UNIQUE,
    business_name    TEXT NOT NULL,
    password_hash    TEXT NOT NULL,
    created_at       BIGINT NOT NULL
);

CREATE TABLE api_keys (
    id           TEXT COLLATE "C" PRIMARY KEY,
    merchant_id  TEXT COLLATE "C" NOT NULL REFERENCES merchants (id),
    mode         TEXT COLLATE "C" NOT NULL CHECK (mode IN ('test', 'live')),
    secret_hash  TEXT COLLATE "C" NOT NULL UNIQUE,
    redacted     TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    last_used_at BIGINT,
    rolled_at    BIGINT
);
CREATE INDEX api_keys_by_merchant ON api_keys (merchant_id, mode, created_at);

CREATE TABLE customers (
    seq              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id               TEXT COLLATE "C" NOT NULL UNIQUE,
    merchant_id      TEXT COLLATE "C" NOT NULL REFERENCES merchants (id),
    mode             TEXT COLLATE "C" NOT NULL CHECK (mode IN ('test', 'live')),
    email            TEXT,
    email_normalized TEXT COLLATE "C",
    name             TEXT,
    phone            TEXT,
    metadata         TEXT NOT NULL,
    created_at       BIGINT NOT NULL,
    updated_at       BIGINT NOT NULL
);
CREATE INDEX customers_newest ON customers (merchant_id, mode, created_at, seq);
CREATE INDEX customers_by_email ON customers (merchant_id, mode, email_normalized, created_at, seq);

CREATE TABLE payments (
    seq         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id          TEXT COLLATE "C" NOT NULL UNIQUE,
    merchant_id TEXT COLLATE "C" NOT NULL REFERENCES merchants (id),
    mode        TEXT COLLATE "C" NOT NULL CHECK (mode IN ('test', 'live')),
    customer_id TEXT COLLATE "C",
    amount      BIGINT NOT NULL,
    currency    TEXT NOT NULL,
    description TEXT,
    status      TEXT COLLATE "C" NOT NULL,
    metadata    TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL
);
CREATE INDEX payments_newest ON payments (merchant_id, mode, created_at, seq);
CREATE INDEX payments_by_customer ON payments (merchant_id, mode, customer_id, created_at, seq);

-- A subscription keeps its customer's id after the customer is deleted (and canceled with it).
CREATE TABLE subscriptions (
    seq                  BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id                   TEXT COLLATE "C" NOT NULL UNIQUE,
    merchant_id          TEXT COLLATE "C" NOT NULL REFERENCES merchants (id),
    mode                 TEXT COLLATE "C" NOT NULL CHECK (mode IN ('test', 'live')),
    customer_id          TEXT COLLATE "C" NOT NULL,
    status               TEXT COLLATE "C" NOT NULL CHECK (status IN ('active', 'canceled')),
    amount               BIGINT NOT NULL,
    currency             TEXT NOT NULL,
    billing_interval     TEXT NOT NULL,
    current_period_start BIGINT NOT NULL,
    current_period_end   BIGINT NOT NULL,
    canceled_at          BIGINT,
    metadata             TEXT NOT NULL,
    created_at           BIGINT NOT NULL,
    updated_at           BIGINT NOT NULL
);
CREATE INDEX subscriptions_newest ON subscriptions (merchant_id, mode, created_at, seq);
CREATE INDEX subscriptions_by_customer ON subscriptions (merchant_id, mode, customer_id, created_at, seq);
CREATE INDEX subscriptions_by_status ON subscriptions (merchant_id, mode, status, created_at, seq);
