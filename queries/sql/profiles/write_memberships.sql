-- Link persons to their segment and tags (in_segment, has_tag).
-- $params: $rows — each {personId, segment (name or null), tags (JSON list of names)}
-- returns: nothing
INSERT INTO in_segment (src, dst) SELECT :personId, :segment WHERE :segment IS NOT NULL
ON CONFLICT (src) DO UPDATE SET dst = excluded.dst;
INSERT OR IGNORE INTO has_tag (src, dst) SELECT :personId, value FROM json_each(:tags)
