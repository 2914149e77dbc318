// Detach records from the identifiers they had, before their current ones are merged.
// $params: $rows — each {uid}
// returns: nothing
UNWIND $rows AS row
MATCH (:Customer {uid: row.uid})-[h:HAS_IDENTIFIER]->(:Identifier)
DELETE h
