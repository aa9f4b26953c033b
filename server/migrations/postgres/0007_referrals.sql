-- Units a case was referred to (",dept-zjt,dept-slt,"): they see the case too.
ALTER TABLE cases ADD COLUMN referred_units TEXT NOT NULL DEFAULT '';
-- Units taking part in a mechanism aggregate (",from,to,co,"), for inboxes.
ALTER TABLE aggregates ADD COLUMN parties TEXT NOT NULL DEFAULT '';
