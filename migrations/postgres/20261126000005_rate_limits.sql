-- The API's rate limit per secret key, shared by every process (on SQLite the one process keeps it
-- in memory). `subject` is the key's keyed digest; `arrival` the key's theoretical arrival time in
-- microseconds (the generic cell rate algorithm); `allowed` whether the last request was admitted.
CREATE TABLE rate_limits (
    subject TEXT PRIMARY KEY,
    arrival BIGINT NOT NULL,
    allowed BIGINT NOT NULL
);
