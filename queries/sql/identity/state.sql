-- What the last full identity run left for incremental runs: its fitted model, the key
-- layout, fingerprints of its settings and overrides, and when it ran (JSON values).
-- $params: none
-- returns: name, value
SELECT name, value FROM identity_state ORDER BY name
