-- Set the touchpoint events' index (by record) aside for a load that at least doubles the
-- events: appending rows to an unindexed table and building the index once after
-- (schema/create) is several times faster than inserting into the index all over the file.
-- Queries stay correct without it; schema/create (run by every command that opens the
-- store) builds it again, also after a load that was killed.
-- $params: none
-- returns: nothing
DROP INDEX IF EXISTS touch_event_src
