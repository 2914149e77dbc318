-- Insert or update purchase lines. A line is identified by (orderId, productId); a line
-- without a product sets the order's directAmount. The order's amount is then recomputed
-- as directAmount + the sum of its lines, so re-loading a line never double counts.
-- $params: $rows — each {orderId, uid, purchasedAt, amount, currency, channelId, productId,
--          category, quantity}; channelId, productId, category and quantity may be null
-- returns: nothing
INSERT INTO purchase_order (orderId, purchasedAt, currency, directAmount)
VALUES (:orderId, :purchasedAt, :currency, CASE WHEN :productId IS NULL THEN :amount END)
ON CONFLICT (orderId) DO UPDATE SET
  purchasedAt = excluded.purchasedAt, currency = excluded.currency,
  directAmount = CASE WHEN :productId IS NULL THEN :amount ELSE directAmount END;
INSERT INTO placed (src, dst) VALUES (:uid, :orderId)
ON CONFLICT (dst) DO UPDATE SET src = excluded.src;
INSERT INTO product (productId, category) SELECT :productId, :category WHERE :productId IS NOT NULL
ON CONFLICT (productId) DO UPDATE SET category = coalesce(excluded.category, category);
INSERT INTO contains (src, dst, quantity, amount)
SELECT :orderId, :productId, :quantity, :amount WHERE :productId IS NOT NULL
ON CONFLICT (src, dst) DO UPDATE SET quantity = excluded.quantity, amount = excluded.amount;
INSERT INTO via (src, dst) SELECT :orderId, :channelId WHERE :channelId IS NOT NULL
ON CONFLICT (src) DO UPDATE SET dst = excluded.dst;
UPDATE purchase_order SET amount = round(
  coalesce(directAmount, 0.0)
  + coalesce((SELECT sum(amount) FROM contains WHERE contains.src = :orderId), 0.0), 2)
WHERE orderId = :orderId
