-- The mechanisms' aggregates (a case's supervision, a referral, an incident): current
-- state and an append-only event log, like cases.
CREATE TABLE aggregates (
    kind TEXT NOT NULL,
    key TEXT NOT NULL,
    case_id TEXT,
    state TEXT NOT NULL,
    version INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (kind, key)
);
CREATE INDEX aggregates_case ON aggregates (case_id);

CREATE TABLE aggregate_events (
    kind TEXT NOT NULL,
    key TEXT NOT NULL,
    seq INTEGER NOT NULL,
    at INTEGER NOT NULL,
    actor TEXT NOT NULL,
    type TEXT NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (kind, key, seq)
);

-- Files attached to a case (on-site photos). Checked for type and size on upload.
CREATE TABLE attachments (
    id TEXT PRIMARY KEY,
    case_id TEXT NOT NULL REFERENCES cases(id),
    name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    data BLOB NOT NULL,
    uploaded_by TEXT NOT NULL,
    uploaded_at INTEGER NOT NULL
);
CREATE INDEX attachments_case ON attachments (case_id);

CREATE TRIGGER aggregate_events_no_update BEFORE UPDATE ON aggregate_events
BEGIN SELECT RAISE(ABORT, 'aggregate_events is append-only'); END;
CREATE TRIGGER aggregate_events_no_delete BEFORE DELETE ON aggregate_events
BEGIN SELECT RAISE(ABORT, 'aggregate_events is append-only'); END;
