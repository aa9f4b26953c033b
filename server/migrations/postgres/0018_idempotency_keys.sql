-- Idempotency-Key: the first answer to each creating request, per principal (an account
-- or an API client) and key, so that a retry is answered with it and creates nothing.
-- `status` is NULL while the request runs; `committed` is set inside the request's own
-- write transaction, so after a crash a row whose write committed is told from one
-- whose write never happened.
CREATE TABLE idempotency_keys (
    principal TEXT NOT NULL,
    idem_key TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    status BIGINT,
    content_type TEXT,
    body BYTEA,
    committed BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (principal, idem_key)
);
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);
