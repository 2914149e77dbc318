-- The stored must-link and cannot-link decisions.
-- $params: none
-- returns: a, b (record uids), decision ('must-link' | 'cannot-link')
SELECT a, b, decision FROM identity_override ORDER BY a, b
