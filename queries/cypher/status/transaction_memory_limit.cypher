// The server's limits on transaction memory, read before a large write that should be one
// transaction: Neo4jStore.write_tx stops that attempt early, and writes in batches, when at
// the rate it fills the memory it would not fit. Needs the SHOW SETTING privilege (admins
// have it); without it the write simply tries. '0B' means no limit.
// $params: none
// returns: name ('dbms.memory.transaction.total.max' for all transactions together,
//          'db.memory.transaction.max' for one), value (text such as '716.80MiB')
SHOW SETTINGS YIELD name, value
WHERE name IN ['dbms.memory.transaction.total.max', 'db.memory.transaction.max']
RETURN name, value
