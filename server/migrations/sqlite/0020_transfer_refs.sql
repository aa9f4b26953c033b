-- A transfer number once per year whatever its batch (issue 20): imports register it
-- as `inspection-ref` `<year>-<NUMBER>` beside the per-batch `inspection` number
-- (`<year>-B<nn>-<number>`). Numbers imported before are registered here; a number
-- already imported in two batches keeps its first case.
INSERT OR IGNORE INTO external_refs (system, external_id, case_id, created_at)
SELECT 'inspection-ref', substr(external_id, 1, 5) || upper(substr(external_id, 10)), case_id, created_at
FROM external_refs
WHERE system = 'inspection' AND external_id LIKE '____-B__-_%'
ORDER BY created_at;
