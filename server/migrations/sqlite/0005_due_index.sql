-- The daily clearing view and the SLA sweeper look cases up by when their clock is due.
CREATE INDEX cases_due ON cases (due_at);
