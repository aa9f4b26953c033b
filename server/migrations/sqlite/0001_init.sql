-- Timestamps are milliseconds since the Unix epoch; JSON is TEXT. The same SQL text
-- (with $1 placeholders) then runs on SQLite and PostgreSQL.
CREATE TABLE units (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    parent TEXT REFERENCES units(id),
    division TEXT,
    sort INTEGER NOT NULL
);

CREATE TABLE rule_sets (
    id TEXT PRIMARY KEY,
    body TEXT NOT NULL,
    updated_at INTEGER NOT NULL
);

CREATE TABLE cases (
    id TEXT PRIMARY KEY,
    reference TEXT NOT NULL UNIQUE,
    status TEXT NOT NULL,
    channel TEXT NOT NULL,
    batch_number INTEGER,
    division INTEGER NOT NULL,
    categories TEXT NOT NULL,
    is_key INTEGER NOT NULL,
    received_at INTEGER NOT NULL,
    due_at INTEGER,
    version INTEGER NOT NULL,
    state TEXT NOT NULL,
    summary TEXT NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX cases_received ON cases (received_at DESC, id DESC);
CREATE INDEX cases_status ON cases (status, received_at DESC);
CREATE INDEX cases_division ON cases (division, received_at DESC);
CREATE INDEX cases_batch ON cases (batch_number, received_at DESC);

-- Append-only: one row per event, numbered per case from 1.
CREATE TABLE case_events (
    case_id TEXT NOT NULL REFERENCES cases(id),
    seq INTEGER NOT NULL,
    at INTEGER NOT NULL,
    actor TEXT NOT NULL,
    kind TEXT NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (case_id, seq)
);

CREATE TABLE counters (
    name TEXT PRIMARY KEY,
    value INTEGER NOT NULL
);

CREATE TABLE meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
