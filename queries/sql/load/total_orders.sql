-- Recompute the amount of each order: directAmount + the sum of its lines.
-- $params: $rows — each {orderId}
-- returns: nothing
UPDATE purchase_order SET amount = round(
  coalesce(directAmount, 0.0)
  + coalesce((SELECT sum(amount) FROM contains WHERE contains.src = :orderId), 0.0), 2)
WHERE orderId = :orderId
