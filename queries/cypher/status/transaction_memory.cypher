// The heap a running write transaction of this client holds, found by the token in its
// metadata (Neo4jStore.write_tx asks it between batches of a one-transaction write).
// $params: $token — the value of the transaction's metadata key `custgraph`
// returns: memory (bytes, the server's estimate; no row once the transaction has ended)
SHOW TRANSACTIONS YIELD metaData, estimatedUsedHeapMemory
WHERE metaData.custgraph = $token
RETURN estimatedUsedHeapMemory AS memory
