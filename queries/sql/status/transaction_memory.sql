-- The counterpart of Neo4j's query of this name (a running transaction's memory). SQLite
-- does not hold a transaction in a bounded memory pool: no rows. The embedded store does
-- not run it.
-- $params: $token
-- returns: memory (no rows)
SELECT NULL AS memory WHERE :token IS NULL AND 0
