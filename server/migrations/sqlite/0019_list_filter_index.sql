-- The case list filtered by status (and, nearly always, a place): the page and its
-- count walk this index in the list's order and test the division in it, without
-- reading the rows (a row carries the whole case state). It covers what
-- cases_status (status, received_at) did.
CREATE INDEX cases_status_list ON cases (status, received_at DESC, id DESC, division);
DROP INDEX cases_status;
