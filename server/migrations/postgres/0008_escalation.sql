-- When the sweeper next has an escalation step to fire for a case (NULL: nothing
-- pending). The sweep reads only rows that are due, through this index.
ALTER TABLE cases ADD COLUMN next_escalation_at BIGINT;
CREATE INDEX cases_next_escalation ON cases (next_escalation_at);
