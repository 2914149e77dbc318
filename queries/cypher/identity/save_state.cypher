// Keep what incremental identity runs need (see identity/state).
// $params: $rows — each {name, value}
// returns: nothing
UNWIND $rows AS row
MERGE (s:IdentityState {name: row.name})
SET s.value = row.value
