-- Finding customers (search, and the `phone` and `metadata[…]` list filters). Every index here is
-- written in the transaction of the change it follows: the E.164 column by the store beside the
-- phone as given, the metadata pairs and the trigram index of names and emails by triggers, so
-- that no write path (creates, imports, updates, deletes) can leave them behind.

ALTER TABLE customers ADD COLUMN phone_e164 TEXT;
CREATE INDEX customers_by_phone ON customers (merchant_id, mode, phone_e164, created_at, seq);
-- The customers stored before this column whose E.164 form the store has yet to fill in, at its
-- start (migrations cannot run Rust's reading of a number).
CREATE INDEX customers_phone_to_fill ON customers (seq)
    WHERE phone IS NOT NULL AND phone_e164 IS NULL;

-- One row per metadata key of each customer. The index leads lists filtered by a pair in their
-- own order; values are looked up lower-cased (search is case-insensitive) and compared exactly
-- where the list filter asks for it.
CREATE TABLE customer_metadata (
    customer_seq INTEGER NOT NULL,
    merchant_id  TEXT NOT NULL,
    mode         TEXT NOT NULL,
    key          TEXT NOT NULL,
    value        TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    PRIMARY KEY (customer_seq, key)
) WITHOUT ROWID;
CREATE INDEX customer_metadata_pairs
    ON customer_metadata (merchant_id, mode, key, lower(value), created_at, customer_seq);

INSERT INTO customer_metadata (customer_seq, merchant_id, mode, key, value, created_at)
SELECT customers.seq, customers.merchant_id, customers.mode, entry.key, entry.value,
       customers.created_at
FROM customers, json_each(customers.metadata) AS entry;

CREATE TRIGGER customer_metadata_after_insert AFTER INSERT ON customers BEGIN
    INSERT INTO customer_metadata (customer_seq, merchant_id, mode, key, value, created_at)
    SELECT new.seq, new.merchant_id, new.mode, entry.key, entry.value, new.created_at
    FROM json_each(new.metadata) AS entry;
END;

CREATE TRIGGER customer_metadata_after_update AFTER UPDATE OF metadata ON customers
WHEN old.metadata IS NOT new.metadata BEGIN
    DELETE FROM customer_metadata WHERE customer_seq = old.seq;
    INSERT INTO customer_metadata (customer_seq, merchant_id, mode, key, value, created_at)
    SELECT new.seq, new.merchant_id, new.mode, entry.key, entry.value, new.created_at
    FROM json_each(new.metadata) AS entry;
END;

CREATE TRIGGER customer_metadata_after_delete AFTER DELETE ON customers BEGIN
    DELETE FROM customer_metadata WHERE customer_seq = old.seq;
END;

-- Substrings of names and emails: FTS5 with the trigram tokenizer (case-insensitive), reading
-- the text from `customers` itself (external content), so it stores only the index.
CREATE VIRTUAL TABLE customer_search USING fts5 (
    name, email, content = 'customers', content_rowid = 'seq', tokenize = 'trigram'
);
INSERT INTO customer_search (customer_search) VALUES ('rebuild');

CREATE TRIGGER customer_search_after_insert AFTER INSERT ON customers BEGIN
    INSERT INTO customer_search (rowid, name, email) VALUES (new.seq, new.name, new.email);
END;

CREATE TRIGGER customer_search_after_update AFTER UPDATE OF name, email ON customers
WHEN old.name IS NOT new.name OR old.email IS NOT new.email BEGIN
    INSERT INTO customer_search (customer_search, rowid, name, email)
    VALUES ('delete', old.seq, old.name, old.email);
    INSERT INTO customer_search (rowid, name, email) VALUES (new.seq, new.name, new.email);
END;

CREATE TRIGGER customer_search_after_delete AFTER DELETE ON customers BEGIN
    INSERT INTO customer_search (customer_search, rowid, name, email)
    VALUES ('delete', old.seq, old.name, old.email);
END;
