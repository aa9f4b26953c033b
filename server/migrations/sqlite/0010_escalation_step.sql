-- How far the running clocks of a case have climbed the escalation ladder (0 none,
-- 1 remind, 2 chase, 3 supervise, 4 summon), so supervisors and leaders find the
-- cases escalated to them without reading every state. Rows stored before this
-- column that have escalated are made due, so the next sweep rewrites them.
ALTER TABLE cases ADD COLUMN escalation_step INTEGER NOT NULL DEFAULT 0;
CREATE INDEX cases_escalation_step ON cases (escalation_step) WHERE escalation_step > 0;
UPDATE cases SET next_escalation_at = 0 WHERE state LIKE '%"escalations":[{%';
