-- The audit trail: who, when, from where, what and why. Append-only, like case_events:
-- triggers refuse UPDATE and DELETE on both, so not even a bug in the server can
-- rewrite history.
CREATE TABLE audit_log (
    seq BIGSERIAL PRIMARY KEY,
    at BIGINT NOT NULL,
    actor TEXT NOT NULL,
    role TEXT NOT NULL,
    ip TEXT NOT NULL,
    user_agent TEXT NOT NULL,
    action TEXT NOT NULL,
    case_id TEXT,
    target TEXT NOT NULL,
    reason TEXT NOT NULL,
    detail TEXT NOT NULL
);
CREATE INDEX audit_at ON audit_log (at);
CREATE INDEX audit_case ON audit_log (case_id, seq);
CREATE INDEX audit_actor ON audit_log (actor, seq);

CREATE FUNCTION duban_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '% is append-only', TG_TABLE_NAME;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION duban_append_only();
CREATE TRIGGER case_events_append_only BEFORE UPDATE OR DELETE ON case_events
    FOR EACH ROW EXECUTE FUNCTION duban_append_only();

CREATE INDEX sessions_expires ON sessions (expires_at);
