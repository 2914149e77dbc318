-- Flag referrals whose two records resolve to one person (kept out of influence).
-- $params: none
-- returns: nothing
UPDATE referred SET selfReferral = coalesce((
  SELECT a.dst = b.dst FROM resolves_to a, resolves_to b
  WHERE a.src = referred.src AND b.src = referred.dst), 0)
