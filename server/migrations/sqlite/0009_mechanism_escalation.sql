-- When the sweeper next has a ladder step to fire for a mechanism's clocks
-- (supervision orders, referral responses, incident acknowledgements); NULL: none.
-- Rows stored before this column are due at once, so the first sweep computes theirs.
ALTER TABLE aggregates ADD COLUMN next_escalation_at INTEGER;
UPDATE aggregates SET next_escalation_at = 0;
CREATE INDEX aggregates_next_escalation ON aggregates (next_escalation_at);
