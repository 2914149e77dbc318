-- Which of these record uids do not exist (references to reject); usually none.
-- $params: $keys (record uids, a list of text)
-- returns: uid, one row per unknown record
SELECT value AS uid
FROM json_each(:keys)
WHERE NOT EXISTS (SELECT 1 FROM customer WHERE customer.uid = json_each.value)
