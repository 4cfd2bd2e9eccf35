-- Import files between their preview and their import (dashboard, "Import customers"): the
-- checked file, and what the preview shows (JSON). Once imported, `imported` says how many
-- customers it created and the file is emptied. Rows older than a day are dropped.
CREATE TABLE customer_imports (
    id          TEXT PRIMARY KEY,
    merchant_id TEXT NOT NULL REFERENCES merchants (id),
    mode        TEXT NOT NULL CHECK (mode IN ('test', 'live')),
    file        TEXT NOT NULL,
    summary     TEXT NOT NULL,
    imported    BIGINT,
    created_at  BIGINT NOT NULL
);
CREATE INDEX customer_imports_by_age ON customer_imports (created_at);
