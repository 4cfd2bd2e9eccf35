-- Finding customers (search, and the `phone` and `metadata[…]` list filters). Every index here is
-- written in the transaction of the change it follows: the E.164 column by the store beside the
-- phone as given, the metadata pairs by a trigger, the trigram indexes by PostgreSQL itself.

-- Trusted since PostgreSQL 13: the database's owner may create it.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

ALTER TABLE customers ADD COLUMN phone_e164 TEXT COLLATE "C";
CREATE INDEX customers_by_phone ON customers (merchant_id, mode, phone_e164, created_at, seq);
-- The customers stored before this column whose E.164 form the store has yet to fill in, at its
-- start (migrations cannot run Rust's reading of a number).
CREATE INDEX customers_phone_to_fill ON customers (seq)
    WHERE phone IS NOT NULL AND phone_e164 IS NULL;

-- Substrings (and exact matches) of names and emails, case-insensitive.
CREATE INDEX customers_name_trigrams ON customers USING gin (lower(name) gin_trgm_ops);
CREATE INDEX customers_email_trigrams ON customers USING gin (email_normalized gin_trgm_ops);

-- One row per metadata key of each customer. The index leads lists filtered by a pair in their
-- own order; values are looked up lower-cased (search is case-insensitive) and compared exactly
-- where the list filter asks for it.
CREATE TABLE customer_metadata (
    customer_seq BIGINT NOT NULL REFERENCES customers (seq) ON DELETE CASCADE,
    merchant_id  TEXT COLLATE "C" NOT NULL,
    mode         TEXT COLLATE "C" NOT NULL,
    key          TEXT COLLATE "C" NOT NULL,
    value        TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    PRIMARY KEY (customer_seq, key)
);
CREATE INDEX customer_metadata_pairs
    ON customer_metadata (merchant_id, mode, key, lower(value), created_at, customer_seq);

INSERT INTO customer_metadata (customer_seq, merchant_id, mode, key, value, created_at)
SELECT customers.seq, customers.merchant_id, customers.mode, entry.key, entry.value,
       customers.created_at
FROM customers, json_each_text(customers.metadata::json) AS entry;

CREATE FUNCTION customer_metadata_follow() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        IF OLD.metadata IS NOT DISTINCT FROM NEW.metadata THEN
            RETURN NULL;
        END IF;
        DELETE FROM customer_metadata WHERE customer_seq = OLD.seq;
    END IF;
    INSERT INTO customer_metadata (customer_seq, merchant_id, mode, key, value, created_at)
    SELECT NEW.seq, NEW.merchant_id, NEW.mode, entry.key, entry.value, NEW.created_at
    FROM json_each_text(NEW.metadata::json) AS entry;
    RETURN NULL;
END
$$;

CREATE TRIGGER customer_metadata_follows AFTER INSERT OR UPDATE OF metadata ON customers
FOR EACH ROW EXECUTE FUNCTION customer_metadata_follow();
