-- Records an incremental identity run must resolve: new ones and ones whose compared fields
-- changed (the customer table's triggers in schema/create note both; a full run clears the
-- list, and an incremental run removes what it resolved).
-- $params: none
-- returns: uid
SELECT uid FROM identity_pending ORDER BY uid
