-- Repeat detection (重信重访): each case's content fingerprint (duban-repeat, text
-- form), a digest of the complainant's phone digits, and its coordinates, so that
-- candidates are scored without reading whole states. Rows stored before are filled
-- in at start-up.
ALTER TABLE cases ADD COLUMN repeat_fp TEXT;
ALTER TABLE cases ADD COLUMN phone_digest TEXT;
ALTER TABLE cases ADD COLUMN lat DOUBLE PRECISION;
ALTER TABLE cases ADD COLUMN lon DOUBLE PRECISION;
CREATE INDEX cases_phone_digest ON cases (phone_digest, received_at);
