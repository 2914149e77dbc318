// What the last full identity run left for incremental runs: its fitted model, the key
// layout, fingerprints of its settings and overrides, and when it ran (JSON values).
// $params: none
// returns: name, value
MATCH (s:IdentityState)
RETURN s.name AS name, s.value AS value
ORDER BY name
