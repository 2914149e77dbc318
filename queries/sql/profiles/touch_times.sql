-- When each touchpoint event happened, by record, up to a time, in no particular order: the
-- churn model's touch behaviour (touches in the last 30 and 90 days, days since the last
-- touch) as of any earlier date comes from these.
-- $params: $until — ISO time; later events are left out
-- returns: uid, atSeconds (the time, in whole seconds since 1970 UTC), count
-- mode: typed — one type per column: read straight into Arrow columns
-- Plan: one pass over the events in file order and no join (the job maps records to persons).
SELECT e.src AS uid, unixepoch(e.at) AS atSeconds, e.count AS count
FROM touch_event e
WHERE +e.at <= :until
