-- The mechanisms' aggregates (a case's supervision, a referral, an incident): current
-- state and an append-only event log, like cases.
CREATE TABLE aggregates (
    kind TEXT NOT NULL,
    key TEXT NOT NULL,
    case_id TEXT,
    state TEXT NOT NULL,
    version BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (kind, key)
);
CREATE INDEX aggregates_case ON aggregates (case_id);

CREATE TABLE aggregate_events (
    kind TEXT NOT NULL,
    key TEXT NOT NULL,
    seq BIGINT NOT NULL,
    at BIGINT NOT NULL,
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
    size BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    data BYTEA NOT NULL,
    uploaded_by TEXT NOT NULL,
    uploaded_at BIGINT NOT NULL
);
CREATE INDEX attachments_case ON attachments (case_id);

CREATE TRIGGER aggregate_events_append_only BEFORE UPDATE OR DELETE ON aggregate_events
    FOR EACH ROW EXECUTE FUNCTION duban_append_only();
