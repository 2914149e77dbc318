-- Insert or update the product lines of orders; a line is identified by (orderId, productId).
-- Orders and products exist already (load/merge_orders, load/merge_products).
-- $params: $rows — each {orderId, productId, quantity, amount}; quantity may be null
-- returns: nothing
INSERT INTO contains (src, dst, quantity, amount)
VALUES (:orderId, :productId, :quantity, :amount)
ON CONFLICT (src, dst) DO UPDATE SET quantity = excluded.quantity, amount = excluded.amount
