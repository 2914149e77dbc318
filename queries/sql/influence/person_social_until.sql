-- The person graph as of a time, part 2: person-level social links of one kind made from
-- the record-level links up to that time (a link without `since` counts as always there);
-- the same aggregation as identity/derive_person_social, in no particular order.
-- slots: {{rel}} — FOLLOWS, FRIENDS_WITH or INTERACTS_WITH (table <rel>)
-- $params: $until — ISO time; later links are left out
-- returns: src, dst (person ids), weight (the links' summed weight)
-- mode: typed — one type per column: read straight into Arrow columns
SELECT pa.dst AS src, pb.dst AS dst, sum(coalesce(r.weight, 1.0)) AS weight
FROM {{rel}} r
JOIN resolves_to pa ON pa.src = r.src
JOIN resolves_to pb ON pb.src = r.dst
WHERE pa.dst <> pb.dst AND (r.since IS NULL OR r.since <= :until)
GROUP BY pa.dst, pb.dst
