-- The counterpart of Neo4j's query of this name (the server's transaction memory limits).
-- SQLite keeps a transaction's changes in its file and journal, not in a bounded memory
-- pool, so there is no limit: no rows. The embedded store does not run it.
-- $params: none
-- returns: name, value (no rows)
SELECT NULL AS name, NULL AS value WHERE 0
