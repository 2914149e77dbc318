-- Insert products named by purchase lines; a known category is kept when a line has none.
-- $params: $rows — each {productId, category}; category may be null
-- returns: nothing
INSERT INTO product (productId, category) VALUES (:productId, :category)
ON CONFLICT (productId) DO UPDATE SET category = coalesce(excluded.category, category)
