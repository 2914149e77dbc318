-- Link persons to their segment and tags (in_segment, has_tag), never for a person that no
-- longer exists (erased while the job ran).
-- $params: $rows — each {personId, segment (name or null), tags (JSON list of names)}
-- returns: nothing
INSERT INTO in_segment (src, dst) SELECT :personId, :segment
WHERE :segment IS NOT NULL AND EXISTS (SELECT 1 FROM person WHERE personId = :personId)
ON CONFLICT (src) DO UPDATE SET dst = excluded.dst;
INSERT OR IGNORE INTO has_tag (src, dst) SELECT :personId, value FROM json_each(:tags)
WHERE EXISTS (SELECT 1 FROM person WHERE personId = :personId)
