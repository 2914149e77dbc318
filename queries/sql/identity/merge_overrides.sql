-- Store must-link / cannot-link decisions (a later decision on the same pair replaces it).
-- $params: $rows — each {key, a, b, decision}; key = a|b with a < b
-- returns: nothing
INSERT INTO identity_override (key, a, b, decision) VALUES (:key, :a, :b, :decision)
ON CONFLICT (key) DO UPDATE SET decision = excluded.decision
