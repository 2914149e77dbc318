-- Insert records' normalised identifiers (once per key) and link each record to its own.
-- $params: $rows — each {uid, key, kind, value}: one row per record and identifier; kind is
--          one of email, phone, device, loyalty, national, address
-- returns: nothing
INSERT INTO identifier (key, kind, value) VALUES (:key, :kind, :value)
ON CONFLICT (key) DO NOTHING;
INSERT INTO has_identifier (src, dst) VALUES (:uid, :key)
ON CONFLICT (src, dst) DO NOTHING
