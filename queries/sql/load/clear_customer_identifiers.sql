-- Detach records from the identifiers they had, before their current ones are merged.
-- $params: $rows — each {uid}
-- returns: nothing
DELETE FROM has_identifier WHERE src = :uid
