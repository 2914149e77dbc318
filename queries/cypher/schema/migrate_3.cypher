// Schema upgrade 3 → 4 for Neo4j: none is needed (LoadFile.rowsWarned needs no
// declaration), so this returns the version it is at.
// $params: none
// returns: version
RETURN 4 AS version
