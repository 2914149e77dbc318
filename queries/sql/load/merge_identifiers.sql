-- Insert normalised identifiers (one row per distinct key of a batch).
-- $params: $rows — each {key, kind, value}; kind is one of email, phone, device, loyalty,
--          national, address
-- returns: nothing
INSERT INTO identifier (key, kind, value) VALUES (:key, :kind, :value)
ON CONFLICT (key) DO NOTHING
