-- The API's rate limit per secret key, shared by every process (on SQLite the one process keeps it
-- in memory). `subject` is the key's keyed digest; `arrival` the key's theoretical arrival time in
-- microseconds (the generic cell rate algorithm); `allowed` whether the last request was admitted.
-- Unlogged: counting a request writes no WAL and waits for no flush, and after a crash the counts
-- start afresh, which is all a rate limit needs.
CREATE UNLOGGED TABLE rate_limits (
    subject TEXT COLLATE "C" PRIMARY KEY,
    arrival BIGINT NOT NULL,
    allowed BIGINT NOT NULL
);
