-- Batch imports of transfer lists: one row per file committed, known by the batch's
-- fingerprint (its set of cases), so the same batch imported twice creates nothing.
CREATE TABLE imports (
    id TEXT PRIMARY KEY,
    fingerprint TEXT NOT NULL UNIQUE,
    file_name TEXT NOT NULL,
    rows INTEGER NOT NULL,
    by_user TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
