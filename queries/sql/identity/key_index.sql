-- Every resolved record with its hashed blocking keys (graph.identity.keys): the index an
-- incremental run looks records up in.
-- $params: none
-- returns: uid, keys
SELECT src AS uid, keys FROM resolves_to
