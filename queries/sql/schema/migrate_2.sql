-- Upgrade an embedded store of schema version 2 to 3 (run before schema/create): each
-- resolution keeps the record's hashed blocking keys, which incremental identity runs read.
-- Resolutions made before have none; the next identity run is then a full one.
-- $params: none
-- returns: nothing
ALTER TABLE resolves_to ADD COLUMN keys BLOB
