-- How many touchpoint events the store holds, at most (the largest rowid: an upper bound
-- read from the end of the table, not a count of every row).
-- $params: none
-- returns: events
SELECT coalesce(max(rowid), 0) AS events FROM touch_event
