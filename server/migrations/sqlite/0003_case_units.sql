-- The units a case is dispatched to (",lead,co1,co2,"), for jurisdiction filters.
ALTER TABLE cases ADD COLUMN units TEXT NOT NULL DEFAULT '';
