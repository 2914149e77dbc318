-- Keep what incremental identity runs need (see identity/state).
-- $params: $rows — each {name, value}
-- returns: nothing
INSERT INTO identity_state (name, value) VALUES (:name, :value)
ON CONFLICT (name) DO UPDATE SET value = excluded.value
