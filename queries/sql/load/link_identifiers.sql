-- Link records to their identifiers (which exist already: load/merge_identifiers).
-- $params: $rows — each {uid, key}
-- returns: nothing
INSERT INTO has_identifier (src, dst) VALUES (:uid, :key)
ON CONFLICT (src, dst) DO NOTHING
