-- Secret keys are found by a public prefix (`lookup`: the mode prefix and 8 characters) and
-- checked against an HMAC-SHA256 digest keyed with the server's key-hashing secret, compared in
-- constant time. Keys stored before this have no lookup; they are upgraded when next used.
ALTER TABLE api_keys ADD COLUMN lookup TEXT COLLATE "C";
CREATE INDEX api_keys_by_lookup ON api_keys (lookup);

-- Server-wide settings, such as the generated key-hashing secret when none is configured.
CREATE TABLE settings (
    name  TEXT COLLATE "C" PRIMARY KEY,
    value TEXT NOT NULL
);

-- Failed logins are counted per account and per client address: `subject` is the normalized
-- email or `address:<ip>`.
ALTER TABLE login_failures RENAME COLUMN email_normalized TO subject;
